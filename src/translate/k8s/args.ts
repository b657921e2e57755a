/**
 * kubectl's command line, as cobra/pflag read it: the command path (`create configmap`,
 * `rollout status`), flags anywhere before `--` (`--flag=v`, `--flag v`, `-n v`, `-nv`, `-it`),
 * positionals, and the command after `--`. Each command lists every flag kubectl knows for it;
 * the ones this translator does not implement are marked, and a command using one falls back
 * to the real kubectl through the shell.
 */
import { closest, levenshtein } from '../../check/suggest.js';
import type { Issue } from '../types.js';

type Kind = 'bool' | 'string' | 'array' | 'int' | 'optional';

interface FlagDef {
  name: string;
  short?: string;
  kind: Kind;
  /** False: kubectl has it, this translator does not (the command runs through the shell). */
  supported: boolean;
}

/** `name|short:kind` with kind b(ool) s(tring) a(rray) i(nt) o(ptional value); a trailing `!` = not translated. */
function flags(...specs: string[]): FlagDef[] {
  return specs.map((spec) => {
    const m = /^([a-z0-9-]+)(?:\|([A-Za-z]))?:([bsaio])(!?)$/.exec(spec);
    if (!m) throw new Error(`bad flag spec ${spec}`);
    const kind = ({ b: 'bool', s: 'string', a: 'array', i: 'int', o: 'optional' } as const)[m[3] as 'b' | 's' | 'a' | 'i' | 'o'];
    return { name: m[1]!, ...(m[2] ? { short: m[2] } : {}), kind, supported: m[4] !== '!' };
  });
}

const globalFlags = flags(
  'kubeconfig:s', 'context:s', 'namespace|n:s', 'request-timeout:s', 'v|v:i', 'cache-dir:s', 'match-server-version:b',
  'disable-compression:b', 'log-flush-frequency:s', 'vmodule:s',
  'cluster:s!', 'user:s!', 'server|s:s!', 'token:s!', 'as:s!', 'as-group:a!', 'as-uid:s!', 'certificate-authority:s!',
  'client-certificate:s!', 'client-key:s!', 'insecure-skip-tls-verify:b!', 'profile:s!', 'profile-output:s!',
  'tls-server-name:s!', 'username:s!', 'password:s!', 'warnings-as-errors:b!', 'kuberc:s!', 'help|h:b!',
);

const printFlags = ['output|o:s', 'template:s!', 'allow-missing-template-keys:b', 'show-managed-fields:b'];
const writeFlags = [...printFlags, 'dry-run:o', 'field-manager:s', 'validate:o', 'save-config:b!'];

const createFileFlags = flags(...writeFlags, 'filename|f:a', 'recursive|R:b', 'edit:b!', 'windows-line-endings:b!', 'raw:s!', 'kustomize|k:s!', 'selector|l:s!');
const generatorFlags = flags(...writeFlags);
const fromFlags = ['from-file:a', 'from-literal:a', 'from-env-file:a', 'append-hash:b!'];

/** Every kubectl command (1.32), with the flags each takes. `translated` ones become SDK calls. */
interface CommandDef {
  flags: FlagDef[];
  translated: boolean;
  sub?: Record<string, CommandDef>;
  aliases?: Record<string, string>;
}

const shellOnly = (): CommandDef => ({ flags: [], translated: false });

const generator = (...specs: string[]): CommandDef => ({ flags: flags(...writeFlags, ...specs), translated: true });
const bindingFlags = ['user:a', 'group:a', 'serviceaccount:a'];

const createSub: Record<string, CommandDef> = {
  namespace: { flags: generatorFlags, translated: true },
  serviceaccount: { flags: generatorFlags, translated: true },
  configmap: { flags: flags(...writeFlags, ...fromFlags), translated: true },
  secret: {
    flags: [],
    translated: true,
    sub: {
      generic: { flags: flags(...writeFlags, ...fromFlags, 'type:s'), translated: true },
      tls: generator('cert:s', 'key:s', 'append-hash:b!'),
      'docker-registry': generator('docker-server:s', 'docker-username:s', 'docker-password:s', 'docker-email:s', 'from-file:a', 'append-hash:b!'),
    },
  },
  deployment: generator('image:a', 'port:i', 'replicas|r:i'),
  job: generator('image:s', 'from:s!'),
  role: generator('verb:a', 'resource:a', 'resource-name:a'),
  clusterrole: generator('verb:a', 'resource:a', 'resource-name:a', 'non-resource-url:a', 'aggregation-rule:s!'),
  rolebinding: generator('role:s', 'clusterrole:s', ...bindingFlags),
  clusterrolebinding: generator('clusterrole:s', ...bindingFlags),
  cronjob: shellOnly(), ingress: shellOnly(), poddisruptionbudget: shellOnly(), priorityclass: shellOnly(), quota: shellOnly(),
  service: shellOnly(), token: shellOnly(),
};

/** The flags of a command that selects objects from the server: `-l`, `--all`, `-f` (not translated for these verbs). */
const selectFlags = ['selector|l:s', 'filename|f:a!', 'recursive|R:b!', 'kustomize|k:s!'];

const commands: Record<string, CommandDef> = {
  create: {
    flags: createFileFlags, translated: true, sub: createSub,
    aliases: { ns: 'namespace', sa: 'serviceaccount', cm: 'configmap', cj: 'cronjob', deploy: 'deployment', ing: 'ingress', pdb: 'poddisruptionbudget', pc: 'priorityclass', resourcequota: 'quota', svc: 'service' },
  },
  apply: {
    translated: true,
    flags: flags(
      ...writeFlags, 'filename|f:a', 'recursive|R:b', 'server-side:b', 'force-conflicts:b',
      'prune:b!', 'prune-allowlist:a!', 'all:b!', 'selector|l:s!', 'kustomize|k:s!', 'overwrite:b!', 'force:b!', 'grace-period:i!',
      'cascade:o!', 'wait:b!', 'timeout:s!', 'openapi-patch:b!', 'record:b!',
    ),
  },
  annotate: {
    translated: true,
    flags: flags(...writeFlags, 'overwrite:b', 'all:b', 'selector|l:s', 'field-selector:s', 'resource-version:s', 'list:b!', 'local:b!', 'all-namespaces|A:b!', 'filename|f:a!', 'recursive|R:b!', 'kustomize|k:s!'),
  },
  label: {
    translated: true,
    flags: flags(...writeFlags, 'overwrite:b', 'all:b', 'selector|l:s', 'field-selector:s', 'resource-version:s', 'list:b!', 'local:b!', 'all-namespaces|A:b!', 'filename|f:a!', 'recursive|R:b!', 'kustomize|k:s!'),
  },
  get: {
    translated: true,
    flags: flags(
      ...printFlags, 'selector|l:s', 'field-selector:s', 'all-namespaces|A:b', 'ignore-not-found:b', 'no-headers:b', 'show-labels:b', 'chunk-size:i',
      'watch|w:b!', 'watch-only:b!', 'output-watch-events:b!', 'label-columns|L:a!', 'sort-by:s!', 'show-kind:b!', 'filename|f:a!', 'recursive|R:b!',
      'kustomize|k:s!', 'raw:s!', 'subresource:s!', 'server-print:b!',
    ),
  },
  wait: {
    translated: true,
    flags: flags('for:s', 'timeout:s', 'selector|l:s', 'all:b', 'field-selector:s', 'all-namespaces|A:b!', 'filename|f:a!', 'recursive|R:b!', 'local:b!', 'output|o:s!', 'template:s!', 'allow-missing-template-keys:b', 'show-managed-fields:b'),
  },
  rollout: {
    flags: [], translated: true,
    sub: {
      status: { translated: true, flags: flags('timeout:s', 'watch|w:b', 'revision:i!', 'selector|l:s!', 'filename|f:a!', 'recursive|R:b!', 'kustomize|k:s!') },
      restart: { translated: true, flags: flags(...printFlags, ...selectFlags, 'field-manager:s') },
      undo: { translated: true, flags: flags(...printFlags, ...selectFlags, 'to-revision:i', 'dry-run:o') },
      history: shellOnly(), pause: shellOnly(), resume: shellOnly(),
    },
  },
  delete: {
    translated: true,
    flags: flags(
      'output|o:s', 'filename|f:a', 'recursive|R:b', 'kustomize|k:s!', 'selector|l:s', 'field-selector:s', 'all:b', 'all-namespaces|A:b', 'force:b', 'cascade:o',
      'now:b', 'grace-period:i', 'timeout:s', 'ignore-not-found:b', 'wait:b', 'raw:s!', 'interactive|i:b!', 'dry-run:o',
    ),
  },
  patch: {
    translated: true,
    flags: flags(...writeFlags, 'patch|p:s', 'patch-file:s', 'type:s', 'subresource:s', 'local:b!', 'filename|f:a!', 'recursive|R:b!', 'kustomize|k:s!', 'record:b!'),
  },
  scale: {
    translated: true,
    flags: flags(...printFlags, ...selectFlags, 'replicas:i', 'current-replicas:i', 'resource-version:s', 'timeout:s', 'all:b', 'dry-run:o', 'record:b!'),
  },
  expose: {
    translated: true,
    flags: flags(
      ...writeFlags, 'port:s', 'protocol:s', 'target-port:s', 'name:s', 'type:s', 'selector:s', 'labels|l:s', 'external-ip:s', 'load-balancer-ip:s',
      'session-affinity:s', 'cluster-ip:s', 'override-type:s!', 'overrides:s!', 'filename|f:a!', 'recursive|R:b!', 'kustomize|k:s!', 'record:b!',
    ),
  },
  exec: {
    translated: true,
    flags: flags('stdin|i:b', 'tty|t:b', 'container|c:s', 'quiet|q:b', 'pod-running-timeout:s', 'filename|f:a!'),
  },
};
for (const verb of [
  'api-resources', 'api-versions', 'attach', 'auth', 'autoscale', 'certificate', 'cluster-info', 'completion', 'config', 'cordon', 'cp',
  'debug', 'describe', 'diff', 'drain', 'edit', 'events', 'explain', 'kustomize', 'logs', 'options', 'plugin',
  'port-forward', 'proxy', 'replace', 'run', 'set', 'taint', 'top', 'uncordon', 'version', 'alpha', 'help',
]) commands[verb] = shellOnly();

export const knownVerbs = Object.keys(commands);

/**
 * kubectl's root commands in the order cobra holds them (the help groups, then config, plugin, version,
 * api-versions, api-resources, options; `alpha` and `help` are never suggested): the order of its
 * "Did you mean this?" list.
 */
const cobraOrder = [
  'create', 'expose', 'run', 'set', 'explain', 'get', 'edit', 'delete', 'rollout', 'scale', 'autoscale', 'certificate', 'cluster-info', 'top',
  'cordon', 'uncordon', 'drain', 'taint', 'describe', 'logs', 'attach', 'exec', 'port-forward', 'proxy', 'cp', 'auth', 'debug', 'events', 'diff',
  'apply', 'patch', 'replace', 'wait', 'kustomize', 'label', 'annotate', 'completion', 'config', 'plugin', 'version', 'api-versions',
  'api-resources', 'options',
];

/** cobra's SuggestionsFor: commands within 2 edits, or that start with what was typed. */
function cobraSuggestions(word: string): string[] {
  const w = word.toLowerCase();
  return cobraOrder.filter((c) => levenshtein(w, c) <= 2 || c.startsWith(w));
}

export interface FlagUse {
  value: string | true;
  /** argv index of the flag (its value may be at index + 1). */
  index: number;
  valueIndex: number;
}

export interface ParsedArgs {
  /** `['create', 'configmap']`, `['rollout', 'status']`; empty when no verb was found. */
  path: string[];
  positionals: Array<{ value: string; index: number }>;
  /** Words after `--` (exec's command). */
  command?: string[];
  commandIndex?: number;
  flags: Map<string, FlagUse[]>;
  issues: ArgIssue[];
  /** Why the real kubectl must run this one (a flag or command this translator does not implement). */
  unsupported: string[];
}

/**
 * A problem with the command line: `message` for `runbook check`, `cli` for what kubectl prints on
 * stderr for it (null: kubectl prints its help text, which is not reproduced).
 */
export interface ArgIssue extends Issue {
  cli?: string | null;
}

const issue = (argIndex: number, ruleId: Issue['ruleId'], message: string, note?: string, cli?: string | null): ArgIssue => ({
  argIndex, ruleId, message, severity: 'error', ...(note ? { note } : {}), ...(cli !== undefined ? { cli } : {}),
});

/** Read argv (argv[0] = `kubectl`). Never throws: problems are issues. */
export function parseArgs(argv: string[]): ParsedArgs {
  const out: ParsedArgs = { path: [], positionals: [], flags: new Map(), issues: [], unsupported: [] };
  let def: CommandDef | undefined;
  let table = indexFlags(globalFlags);
  // pflag's errors name the command whose flags were parsed, known only once the whole line is read.
  const flagErrors: Array<{ issue: ArgIssue; text: string }> = [];
  const flagError = (i: ArgIssue, text: string) => {
    flagErrors.push({ issue: i, text });
    out.issues.push(i);
  };
  // Before the verb, cobra takes an unknown `--flag`/`-f` to hold the next word, misses the command and
  // hands the line to the plugin finder, which refuses flags there.
  const beforeVerb = (word: string) => `Error: flags cannot be placed before plugin name: ${word}\n`;
  const use = (f: FlagDef, value: string | true, index: number, valueIndex: number) => {
    if (!f.supported) out.unsupported.push(`--${f.name}`);
    // pflag parses an int flag's value when it reads it (a placeholder `<…>` is known only at run time).
    if (f.kind === 'int' && typeof value === 'string' && !/^[-+]?\d+$/.test(value) && !/<[^<>]*>/.test(value)) {
      const shown = f.short ? `-${f.short}, --${f.name}` : `--${f.name}`;
      flagError(issue(valueIndex, 'k8s-bad-value', `Invalid \`--${f.name}\` value \`${value}\`: expected an integer`), `Error: invalid argument "${value}" for "${shown}" flag: strconv.ParseInt: parsing "${value}": invalid syntax`);
    }
    const list = out.flags.get(f.name) ?? [];
    list.push({ value, index, valueIndex });
    out.flags.set(f.name, list);
  };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.command = argv.slice(i + 1);
      out.commandIndex = i + 1;
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const f = table.long.get(name);
      if (!f) {
        const guess = closest(name, [...table.long.keys()]);
        const found = issue(i, 'k8s-unknown-flag', `Unexpected flag \`--${name}\`${def ? ` for \`kubectl ${out.path.join(' ')}\`` : ''}${guess ? `; did you mean \`--${guess}\`?` : ''}`, `see \`kubectl ${out.path.join(' ') || ''} --help\``.replace('  ', ' '));
        if (!def && eq < 0) out.issues.push({ ...found, cli: beforeVerb(a) });
        else flagError(found, `Error: unknown flag: --${name}`);
        continue;
      }
      if (eq >= 0) use(f, a.slice(eq + 1), i, i);
      else if (f.kind === 'bool') use(f, true, i, i);
      else if (f.kind === 'optional') use(f, true, i, i);
      else if (i + 1 < argv.length) {
        use(f, argv[i + 1]!, i, i + 1);
        i++;
      } else flagError(issue(i, 'k8s-bad-value', `Flag \`--${name}\` needs a value`), `Error: flag needs an argument: --${name}`);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      // Shorthands: `-n vault`, `-nvault`, `-n=vault`, `-it`.
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const f = table.short.get(c);
        if (!f) {
          const found = issue(i, 'k8s-unknown-flag', `Unexpected shorthand flag \`-${c}\` in \`${a}\``);
          if (!def && a.length === 2) out.issues.push({ ...found, cli: beforeVerb(a) });
          else flagError(found, `Error: unknown shorthand flag: '${c}' in ${a}`);
          break;
        }
        if (f.kind === 'bool') {
          use(f, a[j + 1] === '=' ? a.slice(j + 2) : true, i, i);
          if (a[j + 1] === '=') break;
          continue;
        }
        const rest = a.slice(j + 1).replace(/^=/, '');
        if (rest) use(f, rest, i, i);
        else if (i + 1 < argv.length) {
          use(f, argv[i + 1]!, i, i + 1);
          i++;
        } else flagError(issue(i, 'k8s-bad-value', `Flag \`-${c}\` needs a value`), `Error: flag needs an argument: '${c}' in ${a}`);
        break;
      }
      continue;
    }
    // A positional: the verb, a subcommand, or an argument.
    const canonical = def ? (def.aliases?.[a] ?? a) : a;
    const next = !def ? commands[a] : def.sub && !out.positionals.length ? def.sub[canonical] : undefined;
    if (!def && !next) {
      // An unknown verb: its flags are unknown too, so nothing after it is reported.
      out.path.push(a);
      const flagFirst = argv.slice(1, i).find((w) => w.startsWith('-'));
      const suggestions = cobraSuggestions(a);
      const cli = flagFirst ? beforeVerb(flagFirst) : `Error: unknown command "${a}" for "kubectl"${suggestions.length ? `\n\nDid you mean this?\n${suggestions.map((x) => `\t${x}\n`).join('')}` : ''}\n`;
      out.issues.push({ ...unknownVerb(a, i), cli });
      return out;
    }
    if (next) {
      def = next;
      out.path.push(canonical);
      // A command's own flag shadows the global one of the same name (`create rolebinding --user`).
      table = indexFlags([...allFlags(def), ...globalFlags]);
      continue;
    }
    out.positionals.push({ value: a, index: i });
  }
  if (def && !def.translated) out.unsupported.push(`kubectl ${out.path.join(' ')}`);
  const commandPath = ['kubectl', ...out.path].join(' ');
  for (const { issue: i, text } of flagErrors) i.cli = `${text}\nSee '${commandPath} --help' for usage.\n`;
  if (def?.sub && !out.issues.length) {
    const subs = Object.keys(def.sub);
    // `kubectl create` runs itself (-f); `rollout` and `create secret` only group their subcommands.
    const runnable = out.path.length === 1 && out.path[0] === 'create';
    const words = out.positionals.map((p) => p.value).join(' ');
    if (out.positionals.length) {
      const cli = runnable ? `error: Unexpected args: [${words}]` : `error: unknown command "${words}"`;
      out.issues.push(issue(out.positionals[0]!.index, 'k8s-unknown-verb', `Unexpected \`kubectl ${out.path.join(' ')} ${out.positionals[0]!.value}\`${hint(out.positionals[0]!.value, subs)}, expected one of ${subs.join(', ')}`, undefined, `${cli}\nSee '${commandPath} -h' for help and examples\n`));
    } else if (!(runnable && out.flags.has('filename'))) {
      out.issues.push(issue(argv.length - 1, 'k8s-bad-value', `\`kubectl ${out.path.join(' ')}\` needs a subcommand: ${subs.join(', ')}`, undefined, runnable ? 'error: must specify one of -f and -k\n' : null));
    }
  }
  return out;
}

function hint(word: string, candidates: string[]): string {
  const guess = closest(word, candidates);
  return guess ? `; did you mean \`${guess}\`?` : '';
}

function unknownVerb(word: string, index: number): Issue {
  const guess = closest(word, knownVerbs);
  return issue(index, 'k8s-unknown-verb', `Unexpected kubectl command \`${word}\`${guess ? `; did you mean \`${guess}\`?` : ''}`, 'a kubectl plugin runs only when `kubectl-' + word + '` is on PATH');
}

function allFlags(def: CommandDef): FlagDef[] {
  return [...def.flags, ...Object.values(def.sub ?? {}).flatMap(allFlags)];
}

function indexFlags(defs: FlagDef[]): { long: Map<string, FlagDef>; short: Map<string, FlagDef> } {
  const long = new Map<string, FlagDef>();
  const short = new Map<string, FlagDef>();
  for (const d of defs) {
    if (!long.has(d.name)) long.set(d.name, d);
    if (d.short && !short.has(d.short)) short.set(d.short, d);
  }
  return { long, short };
}

/** The last value of a flag (pflag: the last one wins), or undefined. */
export function flagValue(p: ParsedArgs, name: string): FlagUse | undefined {
  return p.flags.get(name)?.at(-1);
}

export function flagValues(p: ParsedArgs, name: string): FlagUse[] {
  return p.flags.get(name) ?? [];
}

/** A boolean flag: `--x`, `--x=true`, `--x=false`. */
export function flagBool(p: ParsedArgs, name: string): boolean {
  const f = flagValue(p, name);
  if (!f) return false;
  return f.value === true || f.value === 'true' || f.value === '1';
}

export function isTranslatedVerb(word: string): boolean {
  return !!commands[word]?.translated;
}

export function isKnownVerb(word: string): boolean {
  return word in commands;
}
