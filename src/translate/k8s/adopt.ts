/**
 * Adoption: before a mutating kubectl call, find what it would duplicate. Lookups are kubectl calls
 * themselves (`get -o json --ignore-not-found`, a server-side dry-run apply, `vault status`) sent
 * through the engine's path, so they are retried like any call.
 */
import { adopted } from '../adopt.js';
import type { AdoptionContext, AdoptionTable, AdoptResult } from '../types.js';
import { K8sExecError } from './errors.js';
import { objectName } from './print.js';
import { describe } from './translate.js';
import type { K8sCall, K8sResult, Obj, ResourceRef, WriteAction } from './types.js';
import { isVaultInit } from './vault.js';

type Ctx = AdoptionContext<K8sCall>;


/** Read objects as they are now (absent ones are left out). */
async function readAll(ctx: Ctx, call: K8sCall, refs: ResourceRef[]): Promise<Obj[]> {
  const get = describe({ verb: 'get', selection: { refs }, output: { format: 'json' }, ignoreNotFound: true, conn: call.k8s.conn });
  const result = (await ctx.send(get)) as K8sResult;
  return result.kind === 'read' ? result.objects : [];
}

function refsOf(objects: Obj[]): ResourceRef[] {
  return objects.map((o) => {
    const meta = (o.metadata ?? {}) as Obj;
    return { type: String(o.kind), apiVersion: String(o.apiVersion), name: String(meta.name), ...(typeof meta.namespace === 'string' ? { namespace: meta.namespace } : {}) };
  });
}

function written(objects: Obj[], action: WriteAction): K8sResult {
  return { kind: 'written', items: objects.map((object) => ({ object, action })) };
}

function names(objects: Obj[]): string {
  return objects.length <= 3 ? objects.map(objectName).join(', ') : `${objects.length} objects`;
}

/** Fields the server changes on every write (or that only record who wrote): not drift. */
function normalized(o: Obj): string {
  const { metadata, ...rest } = o;
  const { resourceVersion: _rv, managedFields: _mf, ...meta } = (metadata ?? {}) as Obj;
  return JSON.stringify(sortKeys({ ...rest, metadata: meta }));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Obj)[k])]));
  return v;
}

export const adoption: AdoptionTable<K8sCall> = {
  /** `create` of what exists: adopt it as it is (namespaces, service accounts, `create -f` objects alike). */
  async 'K8s.Create'(call, ctx) {
    const k = call.k8s;
    if (k.verb !== 'create' || !k.objects?.length || k.objects.some((o) => !(o.metadata as Obj | undefined)?.name)) return undefined;
    const refs = refsOf(k.objects).map((r) => (r.namespace || !k.conn.namespace ? r : { ...r, namespace: k.conn.namespace }));
    const found = await readAll(ctx, call, refs);
    if (found.length < refs.length) return undefined;
    return adopted(written(found, 'unchanged'), `${names(found)} already exist${found.length === 1 ? 's' : ''}`);
  },

  /**
   * Apply converges by itself; when every object exists and a server-side dry run of this apply
   * changes nothing, nothing is sent. Otherwise the apply goes ahead.
   */
  async 'K8s.ServerSideApply'(call, ctx) {
    const k = call.k8s;
    if (k.verb !== 'apply' || !k.objects?.length) return undefined;
    const refs = refsOf(k.objects).map((r) => (r.namespace || !k.conn.namespace ? r : { ...r, namespace: k.conn.namespace }));
    const existing = await readAll(ctx, call, refs);
    if (existing.length < refs.length) return undefined;
    let dry: K8sResult;
    try {
      dry = (await ctx.send(describe({ ...k, dryRun: 'server' }))) as K8sResult;
    } catch {
      return undefined; // a conflict or an invalid object: the real apply reports it
    }
    if (dry.kind !== 'written') return undefined;
    const same = dry.items.every((item, i) => normalized(item.object) === normalized(existing[i]!));
    return same ? adopted(written(existing, 'unchanged'), `${names(existing)} already match${existing.length === 1 ? 'es' : ''} the manifest`) : undefined;
  },

  /** `expose` of what is exposed already: the Service it would create is there (by its name). */
  async 'K8s.Expose'(call, ctx) {
    const k = call.k8s;
    if (k.verb !== 'expose') return undefined;
    const name = k.expose.name ?? k.selection.refs[0]?.name;
    if (!name) return undefined;
    const found = await readAll(ctx, call, [{ type: 'Service', apiVersion: 'v1', name, ...(k.conn.namespace ? { namespace: k.conn.namespace } : {}) }]);
    if (!found.length) return undefined;
    return adopted(written(found, 'unchanged'), `${names(found)} already exists`);
  },

  async 'K8s.Annotate'(call, ctx) {
    return alreadySet(call, ctx, 'annotations');
  },

  async 'K8s.Label'(call, ctx) {
    return alreadySet(call, ctx, 'labels');
  },

  /** `vault operator init` on a Vault that reports itself initialized: nothing to do, and nothing to print. */
  async 'K8s.Exec'(call, ctx) {
    const k = call.k8s;
    if (k.verb !== 'exec' || !isVaultInit(k.command)) return undefined;
    const status = describe({ ...k, command: ['vault', 'status', '-format=json'], stdin: false });
    let stdout: string;
    try {
      const result = (await ctx.send(status)) as K8sResult;
      stdout = result.kind === 'exec' ? result.stdout : '';
    } catch (error) {
      // `vault status` exits 2 when sealed, still printing the status.
      if (!(error instanceof K8sExecError)) throw error;
      stdout = error.stdout;
    }
    let initialized = false;
    try {
      initialized = (JSON.parse(stdout) as { initialized?: boolean }).initialized === true;
    } catch {
      return undefined;
    }
    return initialized ? adopted('', "Vault is already initialized; its recovery keys are in the file the first run wrote") : undefined;
  },
};

async function alreadySet(call: K8sCall, ctx: Ctx, field: 'annotations' | 'labels'): Promise<AdoptResult | undefined> {
  const k = call.k8s;
  if ((k.verb !== 'annotate' && k.verb !== 'label') || !k.selection.refs.every((r) => r.name) || k.selection.labelSelector || k.selection.all) return undefined;
  const found = await readAll(ctx, call, k.selection.refs);
  if (found.length < k.selection.refs.length) return undefined;
  const satisfied = found.every((o) => {
    const current = (((o.metadata as Obj | undefined)?.[field] as Record<string, string> | undefined) ?? {});
    return Object.entries(k.changes).every(([key, v]) => (v === null ? !(key in current) : current[key] === v));
  });
  if (!satisfied) return undefined;
  const what = Object.keys(k.changes).join(', ');
  return adopted(written(found, field === 'labels' ? 'not labeled' : 'annotated'), `${names(found)}: ${what} already set`);
}
