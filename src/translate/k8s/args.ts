/**
 * kubectl's command line, as cobra/pflag read it: the command path (`create configmap`,
 * `rollout status`), flags anywhere before `--` (`--flag=v`, `--flag v`, `-n v`, `-nv`, `-it`),
 * positionals, and the command after `--`. Each command lists every flag kubectl knows for it;
 * the ones this translator does not implement are marked, and a command using one falls back
 * to the real kubectl through the shell.
 */
import { closest } from '../../check/suggest.js';
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

const createSub: Record<string, CommandDef> = {
  namespace: { flags: generatorFlags, translated: true },
  serviceaccount: { flags: generatorFlags, translated: true },
  configmap: { flags: flags(...writeFlags, ...fromFlags), translated: true },
  secret: {
    flags: [],
    translated: true,
    sub: {
      generic: { flags: flags(...writeFlags, ...fromFlags, 'type:s'), translated: true },
      tls: shellOnly(),
      'docker-registry': shellOnly(),
    },
  },
  clusterrole: shellOnly(), clusterrolebinding: shellOnly(), cronjob: shellOnly(), deployment: shellOnly(), ingress: shellOnly(),
  job: shellOnly(), poddisruptionbudget: shellOnly(), priorityclass: shellOnly(), quota: shellOnly(), role: shellOnly(),
  rolebinding: shellOnly(), service: shellOnly(), token: shellOnly(),
};

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
      history: shellOnly(), pause: shellOnly(), restart: shellOnly(), resume: shellOnly(), undo: shellOnly(),
    },
  },
  exec: {
    translated: true,
    flags: flags('stdin|i:b', 'tty|t:b', 'container|c:s', 'quiet|q:b', 'pod-running-timeout:s', 'filename|f:a!'),
  },
};
for (const verb of [
  'api-resources', 'api-versions', 'attach', 'auth', 'autoscale', 'certificate', 'cluster-info', 'completion', 'config', 'cordon', 'cp',
  'debug', 'delete', 'describe', 'diff', 'drain', 'edit', 'events', 'explain', 'expose', 'kustomize', 'logs', 'options', 'patch', 'plugin',
  'port-forward', 'proxy', 'replace', 'run', 'scale', 'set', 'taint', 'top', 'uncordon', 'version', 'alpha', 'help',
]) commands[verb] = shellOnly();

export const knownVerbs = Object.keys(commands);

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
  issues: Issue[];
  /** Why the real kubectl must run this one (a flag or command this translator does not implement). */
  unsupported: string[];
}

const issue = (argIndex: number, ruleId: Issue['ruleId'], message: string, note?: string): Issue => ({ argIndex, ruleId, message, severity: 'error', ...(note ? { note } : {}) });

/** Read argv (argv[0] = `kubectl`). Never throws: problems are issues. */
export function parseArgs(argv: string[]): ParsedArgs {
  const out: ParsedArgs = { path: [], positionals: [], flags: new Map(), issues: [], unsupported: [] };
  let def: CommandDef | undefined;
  let table = indexFlags(globalFlags);
  const use = (f: FlagDef, value: string | true, index: number, valueIndex: number) => {
    if (!f.supported) out.unsupported.push(`--${f.name}`);
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
        out.issues.push(issue(i, 'k8s-unknown-flag', `Unexpected flag \`--${name}\`${def ? ` for \`kubectl ${out.path.join(' ')}\`` : ''}${guess ? `; did you mean \`--${guess}\`?` : ''}`, `see \`kubectl ${out.path.join(' ') || ''} --help\``.replace('  ', ' ')));
        continue;
      }
      if (eq >= 0) use(f, a.slice(eq + 1), i, i);
      else if (f.kind === 'bool') use(f, true, i, i);
      else if (f.kind === 'optional') use(f, true, i, i);
      else if (i + 1 < argv.length) {
        use(f, argv[i + 1]!, i, i + 1);
        i++;
      } else out.issues.push(issue(i, 'k8s-bad-value', `Flag \`--${name}\` needs a value`));
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      // Shorthands: `-n vault`, `-nvault`, `-n=vault`, `-it`.
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const f = table.short.get(c);
        if (!f) {
          out.issues.push(issue(i, 'k8s-unknown-flag', `Unexpected shorthand flag \`-${c}\` in \`${a}\``));
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
        } else out.issues.push(issue(i, 'k8s-bad-value', `Flag \`-${c}\` needs a value`));
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
      out.issues.push(unknownVerb(a, i));
      return out;
    }
    if (next) {
      def = next;
      out.path.push(canonical);
      table = indexFlags([...globalFlags, ...allFlags(def)]);
      continue;
    }
    out.positionals.push({ value: a, index: i });
  }
  if (def && !def.translated) out.unsupported.push(`kubectl ${out.path.join(' ')}`);
  if (def?.sub && !out.issues.length) {
    const subs = Object.keys(def.sub);
    if (out.positionals.length) out.issues.push(issue(out.positionals[0]!.index, 'k8s-unknown-verb', `Unexpected \`kubectl ${out.path.join(' ')} ${out.positionals[0]!.value}\`${hint(out.positionals[0]!.value, subs)}, expected one of ${subs.join(', ')}`));
    else if (!(out.path[0] === 'create' && out.flags.has('filename'))) out.issues.push(issue(argv.length - 1, 'k8s-bad-value', `\`kubectl ${out.path.join(' ')}\` needs a subcommand: ${subs.join(', ')}`));
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
