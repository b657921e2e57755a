/**
 * The verbs that change what exists: delete, patch, scale, rollout restart and undo, expose. Each is
 * the sequence of requests kubectl makes (k8s.io/kubectl/pkg/cmd/…), with its checks, its messages
 * and its client-side dry runs, sent through client-node (KubernetesObjectApi, and its request path
 * for subresources such as /scale).
 */
import type { Session } from './client.js';
import { K8sApiError, K8sError, K8sErrors } from './errors.js';
import { apiVersionOf, type ResourceInfo } from './resources.js';
import { PartlyDone, resolveRefs, sleep, intervals, withType } from './send.js';
import type { K8sCall, K8sResult, Obj, WriteAction } from './types.js';

type Req<V extends K8sCall['k8s']['verb']> = Extract<K8sCall['k8s'], { verb: V }>;
type Item = Extract<K8sResult, { kind: 'written' }>['items'][number];

const plural = (info: ResourceInfo) => (info.group ? `${info.plural}.${info.group}` : info.plural);
const nsOf = (session: Session, info: ResourceInfo, explicit?: string) => (info.namespaced ? (explicit ?? session.namespace) : undefined);
const metaOf = (o: Obj) => (o.metadata ?? {}) as Obj;

/** A request client-node has no typed method for (a subresource): its request path, auth and the session's middleware. */
async function raw(
  session: Session,
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
  sub: string,
  method: 'GET' | 'PUT' | 'PATCH',
  options: { body?: unknown; contentType?: string; query?: Record<string, string | undefined> } = {},
): Promise<Obj> {
  const root = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  const path = [root, ...(namespace ? ['namespaces', encodeURIComponent(namespace)] : []), info.plural, encodeURIComponent(name), sub].join('/');
  const { json } = await session.request(
    async (c) => {
      const api = session.objectApi(c, info) as unknown as { requestPromise(ctx: unknown, type: string): Promise<unknown> };
      const ctx = c.baseServer.makeRequestContext(path, method as never);
      ctx.setHeaderParam('Accept', 'application/json, */*;q=0.8');
      for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) ctx.setQueryParam(k, v);
      if (options.body !== undefined) {
        ctx.setHeaderParam('Content-Type', options.contentType ?? 'application/json');
        ctx.setBody(JSON.stringify(options.body));
      }
      return api.requestPromise(ctx, 'KubernetesObject');
    },
    options.body !== undefined ? { body: options.body } : {},
  );
  return json;
}

const patchContentType = { strategic: 'application/strategic-merge-patch+json', merge: 'application/merge-patch+json', json: 'application/json-patch+json' } as const;

async function patchObject(session: Session, info: ResourceInfo, namespace: string | undefined, name: string, type: keyof typeof patchContentType, patch: unknown, options: { dryRun?: boolean; fieldManager?: string; subresource?: string }): Promise<Obj> {
  if (options.subresource) {
    return raw(session, info, namespace, name, options.subresource, 'PATCH', { body: patch, contentType: patchContentType[type], query: { dryRun: options.dryRun ? 'All' : undefined, fieldManager: options.fieldManager } });
  }
  const strategy = { strategic: session.lib.PatchStrategy.StrategicMergePatch, merge: session.lib.PatchStrategy.MergePatch, json: session.lib.PatchStrategy.JsonPatch }[type];
  const spec = { apiVersion: apiVersionOf(info), kind: info.kind, metadata: { name, ...(namespace ? { namespace } : {}) } };
  return (await session.request((c) => session.objectApi(c, info).patch(spec, undefined, options.dryRun ? 'All' : undefined, options.fieldManager, undefined, strategy), { body: patch })).json;
}

/** The objects a verb acts on: named ones read (in the order given), the others listed; failures kept for the end. */
async function visit(session: Session, k: { selection: Req<'patch'>['selection'] }, allNamespaces = false): Promise<{ found: Array<{ info: ResourceInfo; object: Obj }>; errors: unknown[] }> {
  const found: Array<{ info: ResourceInfo; object: Obj }> = [];
  const errors: unknown[] = [];
  for (const { ref, info } of await resolveRefs(session, k.selection.refs)) {
    if (ref.name) {
      try {
        found.push({ info, object: await session.read(info, nsOf(session, info, ref.namespace), ref.name) });
      } catch (error) {
        errors.push(error);
      }
    } else {
      const list = await session.list(info, allNamespaces ? undefined : session.namespace, k.selection);
      for (const item of (list.items as Obj[] | undefined) ?? []) found.push({ info, object: withType(info, item) });
    }
  }
  return { found, errors };
}

function finish(items: Item[], errors: unknown[], extra: Partial<Extract<K8sResult, { kind: 'written' }>> = {}): K8sResult {
  const result: K8sResult = { kind: 'written', items, ...extra };
  if (errors.length) throw new PartlyDone(errors.length === 1 ? errors[0] : new K8sErrors(errors), result);
  return result;
}

// ---- delete ----

export async function deleteObjects(session: Session, k: Req<'delete'>): Promise<K8sResult> {
  const items: Item[] = [];
  const errors: unknown[] = [];
  const deleted: Array<{ info: ResourceInfo; namespace?: string; name: string; uid?: unknown }> = [];
  const action: WriteAction = k.gracePeriod === 0 ? 'force deleted' : 'deleted';
  let warned = false;
  let stderr = '';
  const targets: Array<{ info: ResourceInfo; namespace?: string; name: string }> = [];
  for (const { ref, info } of await resolveRefs(session, k.selection.refs)) {
    if (ref.name) targets.push({ info, ...(info.namespaced ? { namespace: ref.namespace ?? session.namespace } : {}), name: ref.name });
    else {
      const list = await session.list(info, k.conn.allNamespaces ? undefined : session.namespace, k.selection);
      for (const item of (list.items as Obj[] | undefined) ?? []) targets.push({ info, ...(info.namespaced ? { namespace: String(metaOf(item).namespace) } : {}), name: String(metaOf(item).name) });
    }
  }
  for (const t of targets) {
    // kubectl warns once when -n names a namespace and a cluster-scoped object goes.
    if (!warned && k.conn.namespace && !k.conn.allNamespaces && !t.info.namespaced) {
      stderr += 'Warning: deleting cluster-scoped resources, not scoped to the provided namespace\n';
      warned = true;
    }
    const object = { apiVersion: apiVersionOf(t.info), kind: t.info.kind, metadata: { name: t.name, ...(t.namespace ? { namespace: t.namespace } : {}) } };
    if (k.dryRun === 'client') {
      items.push({ object, action, changed: false });
      continue;
    }
    const body = {
      kind: 'DeleteOptions', apiVersion: 'v1', ...(k.gracePeriod !== undefined ? { gracePeriodSeconds: k.gracePeriod } : {}),
      propagationPolicy: { background: 'Background', foreground: 'Foreground', orphan: 'Orphan' }[k.cascade], ...(k.dryRun === 'server' ? { dryRun: ['All'] } : {}),
    };
    try {
      const { json } = await session.request((c) => session.objectApi(c, t.info).delete(object, undefined, k.dryRun === 'server' ? 'All' : undefined, undefined, undefined, undefined, body as never), { body });
      const uid = json.kind === 'Status' ? (json.details as Obj | undefined)?.uid : metaOf(json).uid;
      items.push({ object, action, changed: true });
      deleted.push({ ...t, uid });
    } catch (error) {
      if (k.ignoreNotFound && error instanceof K8sApiError && error.code === 404) continue;
      errors.push(error);
    }
  }
  // Nothing selected: "No resources found" (a name that was not there, ignored, prints nothing).
  if (!targets.length) return { kind: 'written', items: [], ...(k.dryRun ? { dryRun: k.dryRun } : {}), noneFound: true, ...(stderr ? { stderr } : {}) };
  if (errors.length) return finish(items, errors, { ...(k.dryRun ? { dryRun: k.dryRun } : {}), ...(stderr ? { stderr } : {}) });
  // --wait (the default): until each object is gone (or replaced), finalizers included.
  if (k.wait && !k.dryRun) {
    const deadline = Date.now() + (k.timeoutMs || 7 * 24 * 3_600_000);
    for (const d of deleted) {
      const steps = intervals();
      for (;;) {
        const now = await session.readIfExists(d.info, d.namespace, d.name);
        if (!now || (d.uid && metaOf(now).uid !== d.uid)) break;
        const left = deadline - Date.now();
        if (left <= 0) throw new PartlyDone(new K8sError(`error: timed out waiting for the condition on ${plural(d.info)}/${d.name}`), { kind: 'written', items, ...(stderr ? { stderr } : {}) });
        await sleep(Math.min(steps.next().value as number, left), session.signal);
      }
    }
  }
  return { kind: 'written', items, ...(k.dryRun ? { dryRun: k.dryRun } : {}), ...(stderr ? { stderr } : {}) };
}

// ---- patch ----

export async function patch(session: Session, k: Req<'patch'>): Promise<K8sResult> {
  const { found, errors } = await visit(session, k);
  const items: Item[] = [];
  for (const { info, object } of found) {
    const meta = metaOf(object);
    const namespace = info.namespaced ? String(meta.namespace ?? session.namespace) : undefined;
    if (k.invalid !== undefined) {
      errors.push(new K8sApiError(400, 'BadRequest', `error decoding patch: ${k.invalid}`));
      continue;
    }
    if (k.dryRun === 'client') {
      // kubectl applies a merge or JSON patch to the object it read (strategic ones run as the real kubectl).
      const after = k.patchType === 'merge' ? mergePatchLocal(object, k.patch) : jsonPatchLocal(object, k.patch);
      const changed = JSON.stringify(after) !== JSON.stringify(object);
      items.push({ object: after as Obj, action: changed ? 'patched' : 'patched (no change)', changed });
      continue;
    }
    try {
      const after = await patchObject(session, info, namespace, String(meta.name), k.patchType, k.patch, { dryRun: k.dryRun === 'server', fieldManager: k.fieldManager, ...(k.subresource ? { subresource: k.subresource } : {}) });
      const changed = JSON.stringify(withType(info, after)) !== JSON.stringify(withType(info, object));
      items.push({ object: withType(info, after), action: changed ? 'patched' : 'patched (no change)', changed });
    } catch (error) {
      if (error instanceof K8sApiError && error.code === 415) {
        errors.push(new K8sError(`error: ${patchContentType[k.patchType]} is not supported by ${apiVersionOf(info)}, Kind=${info.kind}: ${error.statusMessage}`));
      } else errors.push(error);
    }
  }
  if (!found.length && !errors.length) throw new K8sError('error: no objects passed to patch');
  // patch.go sets its printer's operation after the dry-run suffix, so it never says "(dry run)".
  return finish(items, errors);
}

/** RFC 7386. */
function mergePatchLocal(target: unknown, p: unknown): unknown {
  if (!p || typeof p !== 'object' || Array.isArray(p)) return p;
  const out: Obj = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Obj) } : {};
  for (const [key, v] of Object.entries(p as Obj)) {
    if (v === null) delete out[key];
    else out[key] = mergePatchLocal(out[key], v);
  }
  return out;
}

/** RFC 6902, with the errors kubectl's jsonpatch library gives. */
function jsonPatchLocal(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new K8sError('error: json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = JSON.parse(JSON.stringify(target)) as unknown;
  const parse = (p: unknown) => String(p).split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const parentOf = (path: string[], pointer: string): [Obj | unknown[], string] => {
    let cur = doc as Obj | unknown[];
    for (const seg of path.slice(0, -1)) {
      const next = Array.isArray(cur) ? cur[Number(seg)] : (cur as Obj)[seg];
      if (!next || typeof next !== 'object') throw new K8sError(`error: doc is missing path: "${pointer}": missing value`);
      cur = next as Obj;
    }
    return [cur, path.at(-1)!];
  };
  const get = (pointer: string): unknown => {
    let cur: unknown = doc;
    for (const seg of parse(pointer)) {
      if (!cur || typeof cur !== 'object' || !(seg in (cur as Obj))) throw new K8sError(`error: doc is missing path: "${pointer}": missing value`);
      cur = (cur as Obj)[seg];
    }
    return cur;
  };
  const put = (pointer: string, value: unknown, insert: boolean) => {
    const path = parse(pointer);
    if (!path.length) {
      doc = value;
      return;
    }
    const [parent, last] = parentOf(path, pointer);
    if (Array.isArray(parent)) {
      const i = last === '-' ? parent.length : Number(last);
      if (insert) parent.splice(i, 0, value);
      else parent[i] = value;
    } else parent[last] = value;
  };
  const remove = (pointer: string) => {
    const [parent, last] = parentOf(parse(pointer), pointer);
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else {
      if (!(last in parent)) throw new K8sError(`error: Unable to remove nonexistent key: ${last}: missing value`);
      delete parent[last];
    }
  };
  for (const op of ops as Obj[]) {
    const path = String(op.path);
    switch (op.op) {
      case 'add':
        put(path, op.value, true);
        break;
      case 'replace':
        get(path);
        put(path, op.value, false);
        break;
      case 'remove':
        remove(path);
        break;
      case 'move': {
        const v = get(String(op.from));
        remove(String(op.from));
        put(path, v, true);
        break;
      }
      case 'copy':
        put(path, JSON.parse(JSON.stringify(get(String(op.from)))), true);
        break;
      case 'test':
        if (JSON.stringify(get(path)) !== JSON.stringify(op.value)) throw new K8sError(`error: testing value ${path} failed: test failed`);
        break;
      default:
        throw new K8sError(`error: Unexpected kind: ${String(op.op)}`);
    }
  }
  return doc;
}

// ---- scale ----

export async function scale(session: Session, k: Req<'scale'>): Promise<K8sResult> {
  const { found, errors } = await visit(session, k);
  if (!found.length) {
    if (errors.length) {
      const e = errors[0];
      throw new K8sError(`error: no objects passed to scale ${e instanceof K8sApiError ? e.statusMessage : (e as Error).message}`);
    }
    throw new K8sError('error: no objects passed to scale');
  }
  if (k.resourceVersion && found.length > 1) throw new K8sError('error: cannot use --resource-version with multiple resources');
  const items: Item[] = [];
  for (const { info, object } of found) {
    const meta = metaOf(object);
    const namespace = info.namespaced ? String(meta.namespace ?? session.namespace) : undefined;
    const name = String(meta.name);
    // kubectl prints the object as it read it, before the scale.
    const changed = Number(((object.spec ?? {}) as Obj).replicas ?? 1) !== k.replicas;
    if (k.dryRun === 'client') {
      items.push({ object, action: 'scaled', changed: false });
      continue;
    }
    try {
      if (k.currentReplicas !== -1 || k.resourceVersion) {
        const current = await raw(session, info, namespace, name, 'scale', 'GET');
        const size = Number(((current.spec ?? {}) as Obj).replicas ?? 0);
        if (k.currentReplicas !== -1 && size !== k.currentReplicas) throw new K8sError(`error: Expected replicas to be ${k.currentReplicas}, was ${size}`);
        const rv = metaOf(current).resourceVersion;
        if (k.resourceVersion && rv !== k.resourceVersion) throw new K8sError(`error: Expected resource version to be ${k.resourceVersion}, was ${String(rv)}`);
        await raw(session, info, namespace, name, 'scale', 'PUT', { body: { ...current, spec: { ...((current.spec ?? {}) as Obj), replicas: k.replicas } }, query: { dryRun: k.dryRun === 'server' ? 'All' : undefined } });
      } else {
        await raw(session, info, namespace, name, 'scale', 'PATCH', { body: { spec: { replicas: k.replicas } }, contentType: 'application/merge-patch+json', query: { dryRun: k.dryRun === 'server' ? 'All' : undefined } });
      }
    } catch (error) {
      throw new PartlyDone(error, { kind: 'written', items });
    }
    // --timeout: wait until the workload has the replicas asked for (scaleHasDesiredReplicas).
    if (k.timeoutMs && !k.dryRun) {
      const deadline = Date.now() + k.timeoutMs;
      const steps = intervals();
      for (;;) {
        const s = await raw(session, info, namespace, name, 'scale', 'GET');
        const spec = Number(((s.spec ?? {}) as Obj).replicas ?? 0);
        if (spec !== k.replicas || Number(((s.status ?? {}) as Obj).replicas ?? 0) === k.replicas) break;
        if (Date.now() >= deadline) throw new PartlyDone(new K8sError('error: timed out waiting for the condition'), { kind: 'written', items });
        await sleep(Math.min(steps.next().value as number, Math.max(0, deadline - Date.now())), session.signal);
      }
    }
    items.push({ object, action: 'scaled', changed });
  }
  return finish(items, errors, k.dryRun ? { dryRun: k.dryRun } : {});
}

// ---- rollout restart / undo ----

const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

/** Go's time.Now().Format(time.RFC3339) in the local zone: `2026-12-02T14:03:24Z` or `…+01:00`. */
export function rfc3339Local(d = new Date()): string {
  const offset = -d.getTimezoneOffset();
  const local = new Date(d.getTime() + offset * 60_000).toISOString().slice(0, 19);
  if (!offset) return `${local}Z`;
  const abs = Math.abs(offset);
  return `${local}${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export async function rolloutRestart(session: Session, k: Req<'rollout-restart'>): Promise<K8sResult> {
  const { found, errors } = await visit(session, k);
  if (!found.length && !errors.length) return { kind: 'written', items: [], stderr: `No resources found in ${session.namespace} namespace.\n` };
  const items: Item[] = [];
  for (const { info, object } of found) {
    const meta = metaOf(object);
    const name = String(meta.name);
    const spec = (object.spec ?? {}) as Obj;
    if (info.group !== 'apps' || !['Deployment', 'DaemonSet', 'StatefulSet'].includes(info.kind)) {
      errors.push(new K8sError(`error: ${plural(info)} ${JSON.stringify(name)} restarting is not supported`));
      continue;
    }
    if (info.kind === 'Deployment' && spec.paused) {
      errors.push(new K8sError(`error: ${plural(info)} ${JSON.stringify(name)} can't restart paused deployment (run rollout resume first)`));
      continue;
    }
    const at = rfc3339Local();
    const current = ((((spec.template ?? {}) as Obj).metadata ?? {}) as Obj).annotations as Obj | undefined;
    if (current?.[RESTARTED_AT] === at) {
      errors.push(new K8sError(`error: failed to create patch for ${name}: if restart has already been triggered within the past second, please wait before attempting to trigger another`));
      continue;
    }
    try {
      const after = await patchObject(session, info, info.namespaced ? String(meta.namespace ?? session.namespace) : undefined, name, 'strategic', { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: at } } } } }, { fieldManager: k.fieldManager });
      items.push({ object: withType(info, after), action: 'restarted', changed: true });
    } catch (error) {
      errors.push(error instanceof K8sApiError ? new K8sError(`error: failed to patch: ${error.message}`) : error);
    }
  }
  return finish(items, errors);
}

/** Deployments only (polymorphichelpers/rollback.go DeploymentRollbacker); the others run as the real kubectl. */
export async function rolloutUndo(session: Session, k: Req<'rollout-undo'>): Promise<K8sResult> {
  const { found, errors } = await visit(session, k);
  const items: Item[] = [];
  for (const { info, object } of found) {
    const meta = metaOf(object);
    const name = String(meta.name);
    const namespace = String(meta.namespace ?? session.namespace);
    if (info.kind !== 'Deployment' || info.group !== 'apps') {
      errors.push(new K8sError(`error: no rollbacker has been implemented for ${JSON.stringify(`${info.group ? `${info.group}/` : ''}${info.kind}`)}`));
      continue;
    }
    if (k.toRevision < 0) throw new PartlyDone(new K8sError(`error: unable to find specified revision ${k.toRevision} in history`), { kind: 'written', items });
    const rsInfo = await session.resolveKind('apps/v1', 'ReplicaSet');
    const spec = (object.spec ?? {}) as Obj;
    const selector = ((spec.selector ?? {}) as Obj).matchLabels as Record<string, string> | undefined;
    const list = await session.list(rsInfo, namespace, { labelSelector: Object.entries(selector ?? {}).map(([a, b]) => `${a}=${b}`).join(',') });
    const owned = ((list.items as Obj[] | undefined) ?? []).filter((rs) => ((metaOf(rs).ownerReferences as Obj[] | undefined) ?? []).some((r) => r.uid === meta.uid && r.controller));
    const revision = (rs: Obj) => Number((metaOf(rs).annotations as Obj | undefined)?.['deployment.kubernetes.io/revision'] ?? NaN);
    let target: Obj | undefined;
    if (k.toRevision > 0) target = owned.find((rs) => revision(rs) === k.toRevision);
    else {
      const sorted = owned.filter((rs) => !Number.isNaN(revision(rs))).sort((a, b) => revision(b) - revision(a));
      target = sorted[1];
      if (!target) {
        errors.push(new K8sError(`error: no rollout history found for deployment ${JSON.stringify(name)}`));
        continue;
      }
    }
    if (!target) throw new PartlyDone(new K8sError(`error: unable to find specified revision ${k.toRevision} in history`), { kind: 'written', items });
    if (spec.paused) {
      errors.push(new K8sError("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again"));
      continue;
    }
    const template = JSON.parse(JSON.stringify(((target.spec ?? {}) as Obj).template ?? {})) as Obj;
    const labels = (((template.metadata ?? {}) as Obj).labels ?? {}) as Obj;
    delete labels['pod-template-hash'];
    if (JSON.stringify(sortKeys(template)) === JSON.stringify(sortKeys(spec.template ?? {}))) {
      items.push({ object, action: `skipped rollback (current template already matches revision ${k.toRevision})`, changed: false });
      continue;
    }
    const skip = ['kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision', 'deployment.kubernetes.io/revision-history', 'deployment.kubernetes.io/desired-replicas', 'deployment.kubernetes.io/max-replicas', 'deprecated.deployment.rollback.to'];
    const annotations: Obj = {};
    const own = (meta.annotations ?? {}) as Obj;
    for (const key of skip) if (key in own) annotations[key] = own[key];
    for (const [key, v] of Object.entries((metaOf(target).annotations ?? {}) as Obj)) if (!skip.includes(key)) annotations[key] = v;
    const ops = [{ op: 'replace', path: '/spec/template', value: template }, { op: 'replace', path: '/metadata/annotations', value: annotations }];
    try {
      await patchObject(session, info, namespace, name, 'json', ops, { dryRun: k.dryRun === 'server' });
    } catch (error) {
      errors.push(new K8sError(`error: failed restoring revision ${k.toRevision}: ${error instanceof Error ? error.message : String(error)}`));
      continue;
    }
    items.push({ object, action: 'rolled back', changed: true });
  }
  return finish(items, errors, k.dryRun ? { dryRun: k.dryRun } : {});
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((key) => [key, sortKeys((v as Obj)[key])]));
  return v;
}

// ---- expose ----

/** expose.go: a Service whose selector, ports, protocols and labels come from the object, unless given. */
export async function expose(session: Session, k: Req<'expose'>): Promise<K8sResult> {
  const { found, errors } = await visit(session, k);
  const items: Item[] = [];
  for (const { info, object } of found) {
    try {
      const service = serviceFor(info, object, k.expose, k.conn.namespace);
      if (k.dryRun === 'client') {
        items.push({ object: service, action: 'exposed', changed: false });
        continue;
      }
      const svcInfo = await session.resolveKind('v1', 'Service');
      const created = await session.create(svcInfo, serviceForServer(service), { dryRun: k.dryRun === 'server', fieldManager: k.fieldManager });
      items.push({ object: created, action: 'exposed', created: true, changed: true });
    } catch (error) {
      errors.push(error);
      break;
    }
  }
  return finish(items, errors, k.dryRun ? { dryRun: k.dryRun, ...(k.dryRun === 'client' ? { structOrder: true } : {}) } : {});
}

function serviceForServer(service: Obj): Obj {
  const { status: _s, ...rest } = service;
  const { creationTimestamp: _c, ...meta } = metaOf(rest);
  return { ...rest, metadata: meta };
}

function labelsText(labels: Record<string, string>): string {
  return Object.keys(labels).sort().map((key) => `${key}=${labels[key]}`).join(',');
}

function parseLabels(spec: string): Record<string, string> {
  if (!spec) throw new K8sError('error: no label spec passed');
  const out: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const kv = part.split('=');
    if (kv.length !== 2) throw new K8sError(`error: unexpected label spec: ${part}`);
    if (!kv[0]) throw new K8sError('error: unexpected empty label key');
    out[kv[0]] = kv[1]!;
  }
  return out;
}

export function serviceFor(info: ResourceInfo, object: Obj, flags: Req<'expose'>['expose'], namespace: string | undefined): Obj {
  const exposable = ['Pod', 'Service', 'ReplicationController'].includes(info.kind) ? info.group === '' : ['Deployment', 'ReplicaSet'].includes(info.kind) && (info.group === 'apps' || info.group === 'extensions');
  if (!exposable) throw new K8sError(`error: cannot expose a ${info.group ? `${info.kind}.${info.group}` : info.kind}`);
  const meta = metaOf(object);
  const spec = (object.spec ?? {}) as Obj;
  const podSpec = (info.kind === 'Pod' ? spec : (((spec.template ?? {}) as Obj).spec ?? {})) as Obj;
  let selector = flags.selector;
  if (!selector) {
    const fail = (why: string) => {
      throw new K8sError(`error: couldn't retrieve selectors via --selector flag or introspection: ${why}`);
    };
    let map: Record<string, string> | undefined;
    if (info.kind === 'Pod') map = (meta.labels as Record<string, string> | undefined) ?? fail('the pod has no labels and cannot be exposed');
    else if (info.kind === 'Service') map = Object.keys((spec.selector as Obj | undefined) ?? {}).length ? (spec.selector as Record<string, string>) : fail('the service has no pod selector set');
    else if (info.kind === 'ReplicationController') map = (spec.selector as Record<string, string> | undefined) ?? {};
    else {
      const sel = spec.selector as Obj | undefined;
      if (!sel) fail(`invalid ${info.kind.toLowerCase()}: no selectors, therefore cannot be exposed`);
      if (((sel!.matchExpressions as Obj[] | undefined) ?? []).length) fail(`couldn't convert expressions - "${JSON.stringify(sel!.matchExpressions)}" to map-based selector format`);
      map = (sel!.matchLabels as Record<string, string> | undefined) ?? {};
    }
    selector = labelsText(map!);
  }
  const containerPorts = ((podSpec.containers as Obj[] | undefined) ?? []).flatMap((c) => (c.ports as Obj[] | undefined) ?? []);
  const protocols = new Map<string, string>();
  if (info.kind === 'Service') for (const p of (spec.ports as Obj[] | undefined) ?? []) protocols.set(String(p.port), String(p.protocol ?? 'TCP'));
  else for (const p of containerPorts) protocols.set(String(p.containerPort), String(p.protocol ?? 'TCP'));
  let ports: string[];
  if (flags.port) ports = [flags.port];
  else {
    ports = info.kind === 'Service' ? ((spec.ports as Obj[] | undefined) ?? []).map((p) => String(p.port)) : containerPorts.map((p) => String(p.containerPort));
    if (!ports.length && flags.clusterIP !== 'None') throw new K8sError("error: couldn't find port via --port flag or introspection");
  }
  const labelText = flags.labels ?? labelsText((meta.labels as Record<string, string> | undefined) ?? {});
  const labels = labelText ? parseLabels(labelText) : undefined;
  const servicePorts = ports.filter(Boolean).map((text, i) => {
    const port = Number(text);
    if (!/^-?\d+$/.test(text)) throw new K8sError(`error: strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
    const protocol = flags.protocol ?? protocols.get(text) ?? 'TCP';
    const target = flags.targetPort === undefined ? port : /^\d+$/.test(flags.targetPort) ? Number(flags.targetPort) : flags.targetPort;
    return { ...(ports.length > 1 ? { name: `port-${i + 1}` } : {}), protocol, port, targetPort: target };
  });
  let name = flags.name ?? String(meta.name).slice(0, 63);
  if (!name) throw new K8sError('error: name must be specified');
  name = String(name);
  const affinity = flags.sessionAffinity;
  if (affinity && affinity !== 'None' && affinity !== 'ClientIP') throw new K8sError(`error: unknown session affinity: ${affinity}`);
  return {
    kind: 'Service',
    apiVersion: 'v1',
    metadata: { name, ...(namespace ? { namespace } : {}), creationTimestamp: null, ...(labels && Object.keys(labels).length ? { labels: sortedObject(labels) } : {}) },
    spec: {
      ports: servicePorts,
      selector: sortedObject(parseLabels(selector)),
      ...(flags.clusterIP ? { clusterIP: flags.clusterIP } : {}),
      ...(flags.type ? { type: flags.type } : {}),
      ...(flags.externalIP ? { externalIPs: [flags.externalIP] } : {}),
      ...(affinity ? { sessionAffinity: affinity } : {}),
      ...(flags.type === 'LoadBalancer' && flags.loadBalancerIP ? { loadBalancerIP: flags.loadBalancerIP } : {}),
    },
    status: { loadBalancer: {} },
  };
}

const sortedObject = (m: Record<string, string>) => Object.fromEntries(Object.keys(m).sort().map((key) => [key, m[key]!]));
