/**
 * kubectl as typed @kubernetes/client-node calls. Generic over kinds (KubernetesObjectApi plus
 * discovery); verbs: create (namespace, serviceaccount, configmap, secret generic, -f), apply
 * (server-side apply), annotate, label, get, wait, rollout status, exec. Anything else (port-forward,
 * logs, plugins, flags this translator does not handle) runs as the real kubectl through the shell.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Translator } from '../types.js';
import { adoption } from './adopt.js';
import { isKnownVerb, parseArgs } from './args.js';
import { isAlreadyExists, isRetryable } from './errors.js';
import { formatResult } from './format.js';
import { sendK8s } from './send.js';
import { buildCall, validateCall } from './translate.js';
import type { K8sCall, K8sResult, Obj } from './types.js';
import { isVaultCommand, vaultSecrets } from './vault.js';

export type { K8sCall } from './types.js';

export const translator: Translator<K8sCall> = {
  tool: 'kubectl',
  handles(argv) {
    if (argv[0] !== 'kubectl') return false;
    const parsed = parseArgs(argv);
    const verb = parsed.path[0];
    if (!verb) return false;
    // An unknown verb is a typo to report, unless it is an installed plugin (`kubectl-foo` on PATH).
    if (!isKnownVerb(verb)) return !onPath(`kubectl-${verb}`);
    if (parsed.unsupported.length) return false;
    const files = parsed.flags.get('filename') ?? [];
    if (files.some((f) => typeof f.value === 'string' && /^https?:\/\//.test(f.value))) return false;
    // exec into a pod picked from a deployment/statefulset: kubectl's own choice of pod.
    if (verb === 'exec' && parsed.positionals[0]?.value.includes('/') && !/^(pods?|po)\//i.test(parsed.positionals[0].value)) return false;
    // Output formats this translator does not print (custom-columns, go-template).
    const o = parsed.flags.get('output')?.at(-1)?.value;
    if (typeof o === 'string' && /^(custom-columns|custom-columns-file|go-template|go-template-file|jsonpath-file|template|templatefile)(=|$)/.test(o)) return false;
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
};

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
      if (decoded && !decoded.includes('\uFFFD')) out.push(decoded);
    }
    for (const v of Object.values((o.stringData as Obj | undefined) ?? {})) if (typeof v === 'string' && v) out.push(v);
  }
  return out;
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
