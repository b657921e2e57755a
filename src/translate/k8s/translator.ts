/**
 * kubectl as typed @kubernetes/client-node calls. Generic over kinds (KubernetesObjectApi plus
 * discovery); verbs: create (-f and the generators: namespace, serviceaccount, configmap, secret
 * generic|tls|docker-registry, deployment, job, role, rolebinding, clusterrole, clusterrolebinding),
 * apply (server-side apply; -k runs as the real kubectl, which embeds kustomize), annotate, label,
 * get, wait, delete, patch, scale, expose, rollout status|restart|undo, exec. Anything else (port-forward,
 * logs, plugins, flags this translator does not handle, help text) runs as the real kubectl through
 * the shell: `handles` is false for it, and translating it anyway fails with an error
 * `isUntranslatable` recognizes. What kubectl itself would refuse is translated into that refusal:
 * `failure` gives its stderr and exit status.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Translator } from '../types.js';
import { adoption } from './adopt.js';
import { flagBool, flagValues, isKnownVerb, parseArgs } from './args.js';
import { isAlreadyExists, isRetryable, isUntranslatable, kubectlFailure } from './errors.js';
import { formatResult } from './format.js';
import { undoTranslated } from './resources.js';
import { sendK8s } from './send.js';
import { buildCall, isStdin, validateCall } from './translate.js';
import type { K8sCall, K8sResult, Obj } from './types.js';
import { isVaultCommand, vaultSecrets } from './vault.js';

export type { K8sCall } from './types.js';

/**
 * Besides the Translator members: what kubectl prints on stderr when the command succeeds (`No resources
 * found in vault namespace.`, the exec'd command's stderr, `Defaulted container …`).
 */
export interface K8sTranslator extends Translator<K8sCall> {
  stderrOf(result: unknown, call: K8sCall): string;
  failure(error: unknown, argv: string[]): { stderr: string; exitCode: number; stdout?: string };
}

export const translator: K8sTranslator = {
  tool: 'kubectl',
  handles(argv) {
    if (argv[0] !== 'kubectl') return false;
    const parsed = parseArgs(argv);
    const verb = parsed.path[0];
    if (!verb) return false;
    // An unknown verb is a typo to report, unless it is an installed plugin (`kubectl-foo` on PATH).
    if (!isKnownVerb(verb)) return !onPath(`kubectl-${verb}`);
    if (parsed.unsupported.length) return false;
    // Where kubectl prints its help (`kubectl rollout`), the real kubectl answers.
    if (parsed.issues.some((i) => i.cli === null)) return false;
    const files = parsed.flags.get('filename') ?? [];
    if (files.some((f) => typeof f.value === 'string' && /^https?:\/\//.test(f.value))) return false;
    // exec into a pod picked from a deployment/statefulset: kubectl's own choice of pod.
    if (verb === 'exec' && parsed.positionals[0]?.value.includes('/') && !/^(pods?|po)\//i.test(parsed.positionals[0].value)) return false;
    // Output formats this translator does not print (go-template).
    const o = parsed.flags.get('output')?.at(-1)?.value;
    if (typeof o === 'string' && /^(go-template|go-template-file|jsonpath-file|template|templatefile)(=|$)/.test(o)) return false;
    // rollout undo of a StatefulSet or DaemonSet (ControllerRevisions): the real kubectl's.
    if (verb === 'rollout' && parsed.path[1] === 'undo' && parsed.positionals.some((p) => !undoTranslated(p.value.split('/')[0]!))) return false;
    return true;
  },
  async translate(argv, context) {
    return buildCall(argv, context)!;
  },
  async validate(argv, context) {
    return validateCall(argv, { ...context, planning: true });
  },
  send(call, context) {
    return sendK8s(call, context);
  },
  format(result, call) {
    return formatResult(result, call);
  },
  secretsOf(result, call) {
    return secretsOf(result, call);
  },
  isAlreadyExists,
  isRetryable,
  outcomeOf,
  adoption,
  failure: (error) => kubectlFailure(error),
  isUntranslatable,
  readsStdin,
  stderrOf(result) {
    const r = result as K8sResult | undefined;
    if (r?.kind === 'read' || r?.kind === 'written') return r.stderr ?? '';
    if (r?.kind === 'exec') return r.stderr;
    return '';
  },
};

/**
 * Whether the command reads its stdin: manifests from `-f -` or `-f /dev/stdin` (any verb: the real
 * kubectl reads them too), `--from-file=[key=]/dev/stdin`, `--from-env-file=/dev/stdin`,
 * `patch --patch-file=/dev/stdin`, `exec -i`.
 */
export function readsStdin(argv: string[]): boolean {
  if (argv[0] !== 'kubectl') return false;
  const p = parseArgs(argv);
  // Verbs the real kubectl runs have no flag table here: read their words as pflag would.
  if (p.unsupported.length || p.issues.length) return rawReadsStdin(argv);
  if (p.path[0] === 'exec') return flagBool(p, 'stdin');
  if ([...flagValues(p, 'filename'), ...flagValues(p, 'patch-file')].some((f) => typeof f.value === 'string' && isStdin(f.value))) return true;
  const sourcePath = (spec: string) => spec.slice(spec.indexOf('=') + 1);
  return [...flagValues(p, 'from-file'), ...flagValues(p, 'from-env-file')].some((f) => typeof f.value === 'string' && sourcePath(f.value) === '/dev/stdin');
}

/**
 * What a successful mutating call did, for the engine's step record: `created`, `updated` (an
 * existing object changed: apply, annotate, label) or `adopted` (it was already as asked).
 */
export function outcomeOf(result: unknown): 'created' | 'updated' | 'adopted' | undefined {
  const r = result as K8sResult | undefined;
  if (!r || typeof r !== 'object' || r.kind !== 'written' || r.dryRun) return undefined;
  if (r.items.some((i) => i.created)) return 'created';
  return r.items.some((i) => i.changed !== false) ? 'updated' : 'adopted';
}

/** Secrets in a result: what `vault` prints (recovery keys, root token…) and Secret data read or written. */
export function secretsOf(result: unknown, call: K8sCall): string[] {
  if (!result || typeof result !== 'object') return [];
  const r = result as K8sResult;
  const out: string[] = [];
  if (r.kind === 'exec' && (isVaultCommand(r.command) || isVaultCommand(call.k8s.verb === 'exec' ? call.k8s.command : []))) out.push(...vaultSecrets(r.stdout));
  const objects = r.kind === 'written' ? r.items.map((i) => i.object) : r.kind === 'read' ? r.objects : [];
  for (const o of objects) {
    if (o.kind !== 'Secret') continue;
    for (const v of Object.values((o.data as Obj | undefined) ?? {})) {
      if (typeof v !== 'string' || !v) continue;
      out.push(v);
      const decoded = Buffer.from(v, 'base64').toString('utf8');
      if (decoded && !decoded.includes('\uFFFD')) out.push(decoded, ...registryCredentials(decoded));
    }
    for (const v of Object.values((o.stringData as Obj | undefined) ?? {})) if (typeof v === 'string' && v) out.push(v);
  }
  return out;
}

/** The passwords and auth strings of a `.dockerconfigjson` (`create secret docker-registry`), each a secret by itself. */
function registryCredentials(text: string): string[] {
  if (!text.startsWith('{"auths"')) return [];
  try {
    const auths = (JSON.parse(text) as { auths?: Record<string, { password?: string; auth?: string }> }).auths ?? {};
    return Object.values(auths).flatMap((e) => [e.password, e.auth, e.auth ? Buffer.from(e.auth, 'base64').toString('utf8') : undefined]).filter((x): x is string => !!x);
  } catch {
    return [];
  }
}

const interactive = new Set(['exec', 'attach', 'run', 'debug']);

function rawReadsStdin(argv: string[]): boolean {
  const words = argv.slice(1, argv.includes('--') ? argv.indexOf('--') : undefined);
  const verb = words.find((w) => !w.startsWith('-'));
  return words.some((w, i) =>
    ((w === '-f' || w === '--filename') && isStdin(words[i + 1] ?? '')) ||
    /^(-f=?|--filename=)(-|\/dev\/stdin)$/.test(w) ||
    (interactive.has(verb ?? '') && (/^-[a-zA-Z]*i[a-zA-Z]*$/.test(w) || w === '--stdin' || w === '--stdin=true')));
}

function onPath(program: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}
