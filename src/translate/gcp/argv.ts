/**
 * A gcloud argv the way gcloud's parser reads it: the command path (`kms keys create`), one positional
 * (the resource), flags as `--flag value` or `--flag=value`, switches, gcloud-wide flags anywhere.
 * Parsing also sorts the command into what the translator does with it:
 * - `command`: a translated command (with the problems `runbook check` reports, if any);
 * - `unknown`: a word gcloud does not have under `kms`/`iam` (a typo, reported with a suggestion);
 * - `shell`: a real gcloud command, flag or format the translation does not reproduce;
 * - `foreign`: any other gcloud command group.
 */
import { closest } from '../../check/suggest.js';
import type { Issue } from '../types.js';
import { isPlaceholder, UsageError, type Args, type CommandSpec, type FlagSpec, type GcpRuleId } from './command.js';
import { commands, gcloudTree, globalFlags, shellOnlyFlags, shellOnlyGlobalFlags } from './commands.js';
import { FormatError, formatName, parseFormat, shellOnlyFormats, type FormatSpec } from './format.js';
import { closeMatch } from './suggest.js';

/**
 * A problem with the command line: `message` and `note` for `runbook check`; `cli` for what gcloud
 * prints after `ERROR: (gcloud.…) `, with its exit status and whether the usage follows (null: gcloud
 * prints help text here, which is not reproduced).
 */
export interface ArgIssue extends Issue {
  cli?: UsageError['cli'] | null;
}

export type Parsed =
  | { kind: 'foreign' }
  | { kind: 'shell'; reason: string }
  | { kind: 'unknown'; issues: ArgIssue[]; group: string }
  | {
      kind: 'command'; spec: CommandSpec<any>; args: Args; format: FormatSpec; issues: ArgIssue[]; flagIndex: Record<string, number>; pathEnd: number;
      /** `--no-user-output-enabled`: gcloud prints no notices on stderr. */
      userOutput: boolean;
    };

export interface ParseOptions {
  /** The run's environment (project fallbacks). */
  env?: Record<string, string | undefined>;
  /** Check and plan time: `<…>` placeholders stand for values not known yet. */
  planning?: boolean;
}

const SERVICES = ['kms', 'iam'];

const allFlags = new Map<string, FlagSpec>([
  ...Object.entries(globalFlags),
  ...[...commands.values()].flatMap((c) => Object.entries(c.flags)),
]);

function flagWord(word: string): { name: string; inline?: string } | undefined {
  if (word === '-q') return { name: 'quiet' };
  if (word === '-h') return { name: 'help' };
  if (!word.startsWith('--') || word === '--') return undefined;
  const eq = word.indexOf('=');
  return eq < 0 ? { name: word.slice(2) } : { name: word.slice(2, eq), inline: word.slice(eq + 1) };
}

const issue = (argIndex: number, ruleId: GcpRuleId, message: string, note?: string, cli?: ArgIssue['cli']): ArgIssue => ({
  argIndex, ruleId, message, severity: 'error', ...(note ? { note } : {}), ...(cli !== undefined ? { cli } : {}),
});

/** An argparse error of the command's parser: `argument --location: expected one argument`, then the usage, exit 2. */
const argError = (text: string): UsageError['cli'] => ({ text, exitCode: 2, usage: true });

const HELP_SEARCH_HINT = 'To search the help text of gcloud commands, run:\n  gcloud help -- SEARCH_TERMS';

/** The command path: which translated command, or why not. */
function commandPath(argv: string[]): { spec: CommandSpec<any>; pathIndexes: Set<number> } | Exclude<Parsed, { kind: 'command' }> {
  const path: string[] = [];
  const pathIndexes = new Set<number>();
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i]!;
    const flag = flagWord(word);
    if (flag) {
      if (flag.inline === undefined && allFlags.get(flag.name)?.takesValue && i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) i++;
      continue;
    }
    if (!path.length && !SERVICES.includes(word)) return { kind: 'foreign' };
    const candidate = [...path, word].join(' ');
    const spec = commands.get(candidate);
    if (spec) {
      pathIndexes.add(i);
      return { spec, pathIndexes };
    }
    if (!path.length || gcloudTree[path.join(' ')]?.includes(word)) {
      if (!gcloudTree[candidate]) return { kind: 'shell', reason: `gcloud ${candidate} is not translated` };
      path.push(word);
      pathIndexes.add(i);
      continue;
    }
    const group = path.join(' ');
    const guess = closest(word, gcloudTree[group] ?? []);
    // gcloud's "Maybe you meant:" list comes from its whole command tree; the first line and the status are its own.
    const cli = { text: `Invalid choice: '${word}'.\nMaybe you meant:\n${(guess ? [guess] : []).map((g) => `  gcloud ${group} ${g}\n`).join('')}\n${HELP_SEARCH_HINT}`, exitCode: 2 as const };
    return {
      kind: 'unknown', group,
      issues: [issue(i, 'gcp-unknown-command', `Unexpected command \`gcloud ${candidate}\`, expected one of the commands of \`gcloud ${group}\``, guess ? `did you mean \`gcloud ${group} ${guess}\`?` : `\`gcloud ${group}\` has: ${gcloudTree[group]!.join(', ')}`, cli)],
    };
  }
  // `gcloud` alone, or only global flags: gcloud prints its help, which the real gcloud does best.
  if (!path.length) return { kind: 'shell', reason: 'gcloud without a command prints its help' };
  const group = path.join(' ');
  // gcloud lists the group's commands with their descriptions here: its help, which the real gcloud prints.
  return { kind: 'unknown', group, issues: [issue(Math.max(0, argv.length - 1), 'gcp-unknown-command', `Missing the command after \`gcloud ${group}\``, `expected one of: ${gcloudTree[group]!.join(', ')}`, null)] };
}

export function parseGcloud(argv: string[], options: ParseOptions = {}): Parsed {
  if (argv[0] !== 'gcloud') return { kind: 'foreign' };
  const found = commandPath(argv);
  if (!('spec' in found)) return found;
  const { spec, pathIndexes } = found;
  const pathEnd = Math.max(...pathIndexes);
  const issues: ArgIssue[] = [];
  // Words argparse leaves over (unknown flags, their values, extra positionals): reported together, in order.
  const unrecognized: Array<{ word: string; index: number }> = [];
  const flags: Record<string, string | true> = {};
  const flagIndex: Record<string, number> = {};
  const positionals: Array<{ text: string; index: number }> = [];
  let userOutput = true;
  const known = { ...globalFlags, ...spec.flags };

  for (let i = 1; i < argv.length; i++) {
    if (pathIndexes.has(i)) continue;
    const word = argv[i]!;
    const flag = flagWord(word);
    if (!flag) {
      positionals.push({ text: word, index: i });
      continue;
    }
    if (shellOnlyGlobalFlags.has(flag.name) || shellOnlyFlags[spec.path]?.includes(flag.name)) {
      return { kind: 'shell', reason: `--${flag.name} is not translated` };
    }
    let name = flag.name;
    let fs = known[name];
    if (!fs && name.startsWith('no-') && known[name.slice(3)] && !known[name.slice(3)]!.takesValue) {
      // `--no-user-output-enabled`, `--no-import-only`: a switch turned off.
      name = name.slice(3);
      if (name === 'user-output-enabled') userOutput = false;
      delete flags[name];
      continue;
    }
    if (!fs) {
      const guess = closest(`--${name}`, Object.keys(known).map((k) => `--${k}`));
      const found = issue(i, 'gcp-unknown-flag', `Unexpected flag --${name} for \`gcloud ${spec.path}\``, guess ? `did you mean ${guess}?` : `its flags: ${Object.keys(spec.flags).map((k) => `--${k}`).join(', ') || '(none)'}`);
      issues.push(found);
      unrecognized.push({ word, index: i });
      // Most flags take a value: do not read it as a second positional (argparse leaves it over too).
      if (flag.inline === undefined && i + 1 < argv.length && !argv[i + 1]!.startsWith('-') && positionals.length) unrecognized.push({ word: argv[++i]!, index: i });
      continue;
    }
    if (!fs.takesValue) {
      if (flag.inline !== undefined) issues.push(issue(i, 'gcp-bad-value', `Unexpected value for --${name}: it is a switch and takes none`, undefined, argError(`argument --${name}: ignored explicit argument '${flag.inline}'`)));
      flags[name] = true;
      flagIndex[name] = i;
      continue;
    }
    let value = flag.inline;
    let at = i;
    if (value === undefined) {
      if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) value = argv[(at = ++i)]!;
      else {
        issues.push(issue(i, 'gcp-bad-value', `Missing the value of --${name}: expected --${name} VALUE or --${name}=VALUE`, undefined, argError(`argument --${name}: expected one argument`)));
        continue;
      }
    }
    flags[name] = value;
    flagIndex[name] = at;
    const placeholder = options.planning && isPlaceholder(value);
    if (fs.choices && !placeholder && !fs.choices.includes(value)) {
      const guess = closest(value, fs.choices);
      const cli = { text: `argument --${name}: Invalid choice: '${value}'.\n\nValid choices are [${[...fs.choices].sort().join(', ')}].`, exitCode: 2 as const };
      issues.push(issue(at, 'gcp-bad-value', `Unexpected value "${value}" for --${name}, expected one of: ${fs.choices.join(', ')}`, guess ? `did you mean ${guess}?` : undefined, cli));
    } else if (fs.check && (options.planning || fs.parsedByGcloud)) {
      // Checks know placeholders: `serviceAccount:<$GSA_EMAIL>` still has its type checked. At run time only
      // what gcloud parses itself is refused; the rest is the service's to refuse, in its words.
      const problem = fs.check(value);
      if (problem) issues.push(issue(at, 'gcp-bad-value', `Unexpected value for --${name}: expected ${problem}`, undefined, argError(`argument --${name}: Bad value [${value}]: expected ${problem}`)));
    }
  }

  // The output format: what the translation can print, or the real gcloud.
  let format: FormatSpec = spec.silent ? { kind: 'none' } : { kind: 'yaml' };
  const formatText = typeof flags.format === 'string' ? flags.format : undefined;
  if (formatText !== undefined && !(options.planning && isPlaceholder(formatText))) {
    if (shellOnlyFormats.has(formatName(formatText))) return { kind: 'shell', reason: `--format=${formatName(formatText)} is not translated` };
    try {
      format = parseFormat(formatText);
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      issues.push(issue(flagIndex.format!, 'gcp-bad-value', error.message));
    }
  }
  if (!userOutput) format = { kind: 'none' };

  const [positional, ...extra] = positionals;
  for (const p of extra) {
    issues.push(issue(p.index, 'gcp-bad-value', `Unexpected argument "${p.text}": \`gcloud ${spec.path}\` takes one ${spec.positional.metavar}`, 'quote values that contain spaces'));
    unrecognized.push({ word: p.text, index: p.index });
  }
  const metavar = spec.positional.metavar;
  if (!positional) {
    // With part of a resource argument given, gcloud names the flag (`argument --location: KEYRING must be specified.`).
    const given = spec.synopsis.startsWith('(') ? Object.keys(flagIndex).filter((f) => spec.synopsis.includes(`--${f}=`)).sort((a, b) => flagIndex[a]! - flagIndex[b]!)[0] : undefined;
    issues.push(issue(pathEnd, 'gcp-missing-required', `Missing ${metavar} for \`gcloud ${spec.path}\``, undefined, argError(given ? `argument --${given}: ${metavar} must be specified.` : `argument ${metavar}: Must be specified.`)));
  } else if (spec.positional.check && (options.planning || spec.positional.gcloudRefusal)) {
    const problem = spec.positional.check(positional.text);
    if (problem) issues.push(issue(positional.index, 'gcp-bad-value', `Unexpected ${metavar}: expected ${problem}`, undefined, argError(`argument ${metavar}: ${spec.positional.gcloudRefusal?.(positional.text) ?? `Bad value [${positional.text}]`}`)));
  }
  if (unrecognized.length) {
    const cli = { text: unrecognizedText(spec, unrecognized.sort((a, b) => a.index - b.index).map((u) => u.word)), exitCode: 2 as const };
    for (const i of issues) if (i.ruleId === 'gcp-unknown-flag' || unrecognized.some((u) => u.index === i.argIndex)) i.cli = cli;
  }

  const env = options.env ?? process.env;
  const args: Args = {
    ...(positional ? { positional: positional.text } : {}),
    flags,
    project() {
      const project = (typeof flags.project === 'string' ? flags.project : undefined) ?? env.CLOUDSDK_CORE_PROJECT ?? env.GOOGLE_CLOUD_PROJECT;
      if (!project) {
        throw new UsageError(
          `\`gcloud ${spec.path}\` needs a project: pass --project PROJECT_ID, or set CLOUDSDK_CORE_PROJECT (or GOOGLE_CLOUD_PROJECT) in the environment`,
          'gcp-missing-required', 'project',
        );
      }
      return project;
    },
  };
  for (const [name, fs] of Object.entries(spec.flags)) {
    const required = typeof fs.required === 'function' ? fs.required(args) : fs.required;
    // A flag argparse requires (`--purpose`) is its error; one only a resource needs is the command's (request()).
    if (required && flags[name] === undefined) issues.push(issue(pathEnd, 'gcp-missing-required', `Missing --${name} for \`gcloud ${spec.path}\``, undefined, fs.required === true ? argError(`argument --${name}: Must be specified.`) : undefined));
  }
  return { kind: 'command', spec, args, format, issues, flagIndex, pathEnd, userOutput };
}

/**
 * The problem gcloud reports: argparse stops at the first value it cannot take (in argv order), then at a
 * missing required argument, and only then complains about what was left over.
 */
export function firstRefusal(issues: ArgIssue[]): ArgIssue | undefined {
  const rank = (i: ArgIssue) => (i.cli?.text.startsWith('unrecognized arguments') ? 2 : i.ruleId === 'gcp-missing-required' ? 1 : 0);
  return [...issues].sort((a, b) => rank(a) - rank(b))[0];
}

/** The flags gcloud can suggest for a command: its own, the ones only the real gcloud implements, gcloud-wide ones. */
function suggestable(spec: CommandSpec<any>): string[] {
  return [...Object.keys(spec.flags), ...(shellOnlyFlags[spec.path] ?? []), ...Object.keys(globalFlags), ...shellOnlyGlobalFlags].map((f) => `--${f}`).concat(['-h', '-q']);
}

/** parser_extensions.ArgumentParser._Suggest: one line for one word, one word a line for more, each flag with its did-you-mean. */
function unrecognizedText(spec: CommandSpec<any>, words: string[]): string {
  const messages: string[] = [];
  for (const word of words) {
    const [flag, value] = [word.split('=')[0]!, word.split('=')[1]];
    const suggestion = flag.startsWith('--') || value ? closeMatch(flag, suggestable(spec)) : undefined;
    const message = suggestion ? `${word} (did you mean '${suggestion}'?)` : word;
    if (!messages.includes(message)) messages.push(message);
  }
  const [separator, prefix] = messages.length > 1 ? ['\n  ', ''] : [' ', '\n\n'];
  return `unrecognized arguments:${separator}${[...messages, `${prefix}${HELP_SEARCH_HINT}`].join(separator)}`;
}

/** Build the request the way translate does, reporting what gcloud would refuse (with a stand-in project). */
export function requestIssues(parsed: Extract<Parsed, { kind: 'command' }>): Issue[] {
  if (parsed.issues.length) return [];
  const args: Args = { ...parsed.args, project: () => (typeof parsed.args.flags.project === 'string' ? parsed.args.flags.project : '<project>') };
  try {
    parsed.spec.request(args);
    return [];
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const at = error.flag ? parsed.flagIndex[error.flag] ?? parsed.pathEnd : parsed.pathEnd;
    return [issue(at, error.ruleId, error.message)];
  }
}
