/**
 * How the aws CLI v1 reads the command line of one of its own commands (a `BasicCommand`: `s3 cp`,
 * `eks update-kubeconfig`…): the main parser takes the global options anywhere in the line and the
 * command word, the command's parser its subcommand, and the subcommand's `ArgTableArgParser` its
 * argument table; whatever is left is `Unknown options: a,b` (a ValueError: `\n…\n`, exit 255).
 * Each refusal is a TranslateError carrying how the CLI reports it (../failure.ts prints it).
 */
import { ArgparseError, ArgumentParser, pyInt, VersionRequested, type Action, type ParseResult, type Taken, type Word } from '../argparse.js';
import { GLOBAL_OPTIONS, UNTRANSLATED_GLOBALS } from '../args.js';
import { cliCommands } from '../cli-commands.js';
import { TranslateError, type AwsRuleId, type Refusal } from '../errors.js';
import { pyRepr } from '../output.js';
import { isParamFile, loadParamFile, ParamFileError } from '../paramfile.js';

/** One entry of a command's ARG_TABLE, as awscli/arguments.py CustomArgument adds it to argparse. */
export interface ArgSpec {
  /** `recursive`, `paths` (a positional). */
  name: string;
  positional?: boolean;
  dest?: string;
  nargs?: Action['nargs'];
  /** `store_true` / `store_false`. */
  flag?: boolean;
  choices?: readonly string[];
  required?: boolean;
  /** `cli_type_name: integer`: the value goes through Python's int(). */
  integer?: boolean;
  /** An `append` action (AppendFilter, `--tags k v`): every occurrence counts, none is a paramfile. */
  append?: boolean;
}

/** The global options that change what a custom command does. */
export interface Globals {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  output?: string;
  query?: string;
  readTimeout?: number;
  connectTimeout?: number;
}

export interface ParsedCommand {
  globals: Globals;
  /** The subcommand's arguments by dest; `occurrences` keeps repeated ones in order. */
  args: ParseResult;
  /** Index in argv of the subcommand word (problems of the whole command point there). */
  commandIndex: number;
}

const pyName = (name: string) => name.replaceAll('-', '_');

export function actionOf(spec: ArgSpec): Action {
  const dest = spec.dest ?? pyName(spec.name);
  const nargs = spec.nargs ?? (spec.flag !== undefined ? 0 : 'one');
  return {
    dest,
    optionStrings: spec.positional ? [] : [`--${spec.name}`],
    nargs,
    ...(spec.flag !== undefined ? { flag: spec.flag } : {}),
    ...(spec.choices ? { choices: spec.choices } : {}),
    // argparse: a positional is required unless its nargs may match nothing.
    ...((spec.positional ? nargs !== '?' && nargs !== '*' : spec.required) ? { required: true } : {}),
  };
}

const refuse = (message: string, ruleId: AwsRuleId, refusal: Refusal, argIndex?: number, note?: string) =>
  new TranslateError(message, { ruleId, refusal, ...(argIndex !== undefined ? { argIndex } : {}), ...(note ? { note } : {}) });

function parse(parser: ArgumentParser, words: readonly Word[], fallbackIndex: number): ParseResult {
  try {
    return parser.parseKnownArgs(words);
  } catch (error) {
    if (error instanceof VersionRequested) throw refuse('--version prints the CLI version and makes no API call', 'aws-cli-only', 'untranslatable', fallbackIndex);
    if (!(error instanceof ArgparseError)) throw error;
    const ruleId: AwsRuleId = error.message.startsWith('the following arguments are required')
      ? 'aws-missing-required'
      : error.message.startsWith('ambiguous option')
        ? 'aws-unknown-flag'
        : 'aws-bad-value';
    throw refuse(error.message, ruleId, 'usage', error.word?.index ?? fallbackIndex);
  }
}

/** Where `file://` values are read (load-cli-arg), and the command's name for PARAMFILE_DISABLED. */
export interface LoadOptions {
  /** The subcommand (`cp`): the CLI's event name is `custom.<command>.<argument>`. */
  command: string;
  cwd: string;
  env?: Record<string, string | undefined>;
  /** At check and plan time a file an earlier step writes may not exist yet. */
  planning?: boolean;
}

/** awscli/paramfile.py PARAMFILE_DISABLED, for the CLI's own commands. */
const PARAMFILE_DISABLED = new Set(['custom.cp.website-redirect', 'custom.mv.website-redirect', 'custom.sync.website-redirect']);

/**
 * load-cli-arg (URIArgumentHandler): a string value, or a list of one, that is `file://`/`fileb://`
 * is the file's contents; an `http(s)://` one the page the CLI downloads, which only the CLI does.
 */
function loadArguments(args: ParseResult, table: readonly ArgSpec[], options: LoadOptions): void {
  for (const spec of table) {
    const taken = args.taken.get(actionOf(spec).dest);
    if (!taken || spec.append || PARAMFILE_DISABLED.has(`custom.${options.command}.${spec.name}`)) continue;
    const listOfOne = spec.nargs !== undefined && spec.nargs !== 'one' && spec.nargs !== '?';
    if (listOfOne && taken.words.length !== 1) continue;
    const word = taken.words[0];
    if (!word) continue;
    if (/^https?:\/\//.test(word.text)) {
      throw refuse(`--${spec.name} ${word.text}: the aws CLI downloads the URL and passes its contents (cli_follow_urlparam)`, 'aws-cli-only', 'untranslatable', word.index);
    }
    if (!isParamFile(word.text)) continue;
    try {
      const loaded = loadParamFile(word.text, { cwd: options.cwd, ...(options.env ? { env: options.env as NodeJS.ProcessEnv } : {}) })!;
      taken.words = [{ text: typeof loaded === 'string' ? loaded : new TextDecoder().decode(loaded), index: word.index }];
    } catch (error) {
      if (error instanceof ParamFileError && error.missing && options.planning) continue;
      const name = spec.positional ? spec.name : `--${spec.name}`;
      throw refuse(`Error parsing parameter '${name}': ${(error as Error).message}`, 'aws-bad-value', 'exception', word.index);
    }
  }
}

/**
 * Parses `aws [globals] <service> <subcommand> [args]` for a command whose words the caller already
 * matched. `table` is the subcommand's ARG_TABLE in the CLI's order.
 */
export function parseCommandLine(argv: readonly string[], table: readonly ArgSpec[], load?: LoadOptions): ParsedCommand {
  const words: Word[] = argv.slice(1).map((text, k) => ({ text, index: k + 1 }));
  const main = new ArgumentParser();
  for (const option of GLOBAL_OPTIONS) main.add({ ...option });
  main.add({ dest: 'command', optionStrings: [], nargs: 'one', required: true, choices: [...cliCommands().keys(), 'help'] });
  const top = parse(main, words, 0);
  for (const [dest, why] of Object.entries(UNTRANSLATED_GLOBALS)) {
    const taken = top.taken.get(dest);
    if (taken) throw refuse(`${why}: the aws CLI runs this command`, 'aws-cli-only', 'untranslatable', taken.option!.index);
  }
  const serviceIndex = top.taken.get('command')!.words[0]!.index;
  // The command's own parser: its subcommand (a positional with the command table as choices).
  const service = parse(new ArgumentParser().add({ dest: 'subcommand', optionStrings: [], nargs: '?' }), top.extras, serviceIndex);
  const subcommand = service.taken.get('subcommand')?.words[0];
  const commandIndex = subcommand?.index ?? serviceIndex;
  const rest = service.extras.filter((w) => w !== subcommand);
  if (rest.length === 1 && rest[0]!.text === 'help') throw refuse('help prints documentation and makes no API call', 'aws-cli-only', 'untranslatable', rest[0]!.index);
  const parser = new ArgumentParser();
  for (const spec of table) parser.add(actionOf(spec));
  const args = parse(parser, rest, commandIndex);
  if (load) loadArguments(args, table, load);
  // `cli_type_name: integer` is converted after parsing (unpack_cli_arg): a ValueError, not a usage error.
  for (const spec of table) {
    if (!spec.integer) continue;
    const word = args.taken.get(actionOf(spec).dest)?.words[0];
    if (word && pyInt(word.text) === undefined) throw refuse(`invalid literal for int() with base 10: ${pyRepr(word.text)}`, 'aws-bad-value', 'exception', word.index);
  }
  if (args.extras.length) {
    const first = args.extras.reduce((a, b) => (b.index < a.index ? b : a));
    throw refuse(`Unknown options: ${args.extras.map((w) => w.text).join(',')}`, 'aws-unknown-flag', 'exception', first.index);
  }
  const value = (dest: string) => top.taken.get(dest)?.words[0]?.text;
  const globals: Globals = {};
  const set = <K extends keyof Globals>(key: K, v: Globals[K] | undefined) => {
    if (v !== undefined) globals[key] = v;
  };
  set('region', value('region'));
  set('profile', value('profile'));
  set('endpointUrl', value('endpoint_url'));
  set('output', value('output'));
  set('query', value('query'));
  for (const [dest, key] of [['read_timeout', 'readTimeout'], ['connect_timeout', 'connectTimeout']] as const) {
    const taken = top.taken.get(dest)?.words[0];
    if (!taken) continue;
    const n = pyInt(taken.text);
    if (n === undefined) throw refuse(`invalid literal for int() with base 10: ${pyRepr(taken.text)}`, 'aws-bad-value', 'exception', taken.index);
    globals[key] = n;
  }
  const endpoint = top.taken.get('endpoint_url')?.words[0];
  if (endpoint && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(endpoint.text)) {
    throw refuse(`Bad value for --endpoint-url "${endpoint.text}": scheme is missing.  Must be of the form http://<hostname>/ or https://<hostname>/`, 'aws-bad-value', 'exception', endpoint.index);
  }
  return { globals, args, commandIndex };
}

/** Typed views of a parse result. */
export class Args {
  constructor(private readonly parsed: ParseResult) {}

  taken(dest: string): Taken | undefined {
    return this.parsed.taken.get(dest);
  }

  flag(dest: string): boolean | undefined {
    const t = this.parsed.taken.get(dest);
    return t ? (t.action.flag as boolean) : undefined;
  }

  string(dest: string): string | undefined {
    return this.parsed.taken.get(dest)?.words[0]?.text;
  }

  strings(dest: string): string[] | undefined {
    return this.parsed.taken.get(dest)?.words.map((w) => w.text);
  }

  int(dest: string): number | undefined {
    const text = this.string(dest);
    return text === undefined ? undefined : pyInt(text);
  }

  /** Each occurrence of the dests, in command-line order: `[option word, value words]`. */
  occurrences(...dests: string[]): Array<{ option: string; values: string[] }> {
    return this.parsed.occurrences
      .filter((t) => dests.includes(t.action.dest))
      .map((t) => ({ option: t.action.optionStrings[0] ?? t.action.dest, values: t.words.map((w) => w.text) }));
  }
}
