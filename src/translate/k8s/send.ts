/**
 * Sending a K8sCall: one function per verb, each a sequence of client-node requests with kubectl's
 * semantics (annotate's --overwrite check, apply's created/configured/unchanged, wait's per-resource
 * timeout, exec's default container). Waiters poll the API and honour the step's AbortSignal.
 */
import type { SendContext } from '../types.js';
import { connect, type Session } from './client.js';
import { K8sApiError, K8sError, K8sErrors, K8sExecError, withPrinted } from './errors.js';
import { formatResult } from './format.js';
import { policyRules, type RbacRequest } from './generators.js';
import { deleteObjects, expose, patch, rolloutRestart, rolloutUndo, scale } from './mutate.js';
import { findResults, parseJsonPath, type JsonValue } from './jsonpath.js';
import { builtinFor, typeNameOf, type ResourceInfo } from './resources.js';
import type { K8sCall, K8sRequest, K8sResult, Obj, ResourceRef, Selection, TableResult, WriteAction } from './types.js';

type Req<V extends K8sRequest['verb']> = Extract<K8sCall['k8s'], { verb: V }>;

/** A verb failed after part of it succeeded: kubectl prints that part, then the error. */
export class PartlyDone {
  constructor(
    readonly error: unknown,
    readonly done: K8sResult,
  ) {}
}

export async function sendK8s(call: K8sCall, context: SendContext): Promise<K8sResult> {
  try {
    return await sendVerb(call, context);
  } catch (error) {
    if (error instanceof PartlyDone) throw withPrinted(error.error, formatResult(error.done, call));
    throw error;
  }
}

async function sendVerb(call: K8sCall, context: SendContext): Promise<K8sResult> {
  const k = call.k8s;
  // Client-side dry runs never contact the cluster (but for the resource names of a Role's rules).
  if ((k.verb === 'create' || k.verb === 'apply') && k.dryRun === 'client') {
    if (!k.objects) throw new K8sError('error: no objects to apply (nothing was read from stdin)');
    const objects = k.verb === 'create' && k.rbac ? await withRules(await connect(k.conn, context.env, context.signal), k.objects, k.rbac) : k.objects;
    return { kind: 'written', items: objects.map((object) => ({ object, action: k.verb === 'create' ? 'created' : k.serverSide ? 'serverside-applied' : 'configured' })), dryRun: 'client', ...(k.verb === 'create' && k.source === 'generator' ? { structOrder: true } : {}) };
  }
  const session = await connect(k.conn, context.env, context.signal);
  switch (k.verb) {
    case 'create':
      return create(session, k.rbac && k.objects ? { ...k, objects: await withRules(session, k.objects, k.rbac) } : k);
    case 'delete':
      return deleteObjects(session, k);
    case 'patch':
      return patch(session, k);
    case 'scale':
      return scale(session, k);
    case 'rollout-restart':
      return rolloutRestart(session, k);
    case 'rollout-undo':
      return rolloutUndo(session, k);
    case 'expose':
      return expose(session, k);
    case 'apply':
      return apply(session, k);
    case 'annotate':
    case 'label':
      return annotate(session, k);
    case 'get':
      return get(session, k);
    case 'wait':
      return wait(session, k);
    case 'rollout-status':
      return rolloutStatus(session, k);
    case 'exec':
      return exec(session, k, context.signal, context.stdin);
  }
}

/**
 * `create role|clusterrole`: each `--resource` as discovery names it (`po` is `pods`, `deploy` is
 * `deployments` in `apps`), then one rule per API group (create_role.go validateResource and
 * generateResourcePolicyRules). A type the server does not have is refused, as kubectl refuses it.
 */
async function withRules(session: Session, objects: Obj[], rbac: RbacRequest): Promise<Obj[]> {
  const resolved: Array<{ resource: string; group: string }> = [];
  for (const r of rbac.resources) {
    let resource = r.resource;
    let group = r.group;
    if (resource !== '*') {
      try {
        const info = await session.resolve(group ? `${resource}.${group}` : resource);
        resource = info.plural;
        group = info.group;
      } catch (error) {
        if (!(error instanceof K8sError)) throw error;
        throw new K8sError(`the server doesn't have a resource type ${JSON.stringify(resource)}`);
      }
      for (const v of rbac.verbs) {
        const special = specialVerbs[v];
        if (special && !special.some((x) => x.resource === resource && x.group === group)) throw new K8sError(`error: can not perform '${v}' on '${resource}' in group '${group}'`);
      }
    }
    resolved.push({ resource: r.subresource !== undefined ? `${resource}/${r.subresource}` : resource, group });
  }
  const rules = policyRules(rbac, resolved);
  return objects.map((o) => ({ ...o, rules }));
}

/** Verbs that only apply to some resources (create_role.go specialVerbs). */
const specialVerbs: Record<string, Array<{ group: string; resource: string }>> = {
  use: [{ group: 'policy', resource: 'podsecuritypolicies' }, { group: 'extensions', resource: 'podsecuritypolicies' }],
  bind: [{ group: 'rbac.authorization.k8s.io', resource: 'roles' }, { group: 'rbac.authorization.k8s.io', resource: 'clusterroles' }],
  escalate: [{ group: 'rbac.authorization.k8s.io', resource: 'roles' }, { group: 'rbac.authorization.k8s.io', resource: 'clusterroles' }],
  impersonate: [{ group: '', resource: 'users' }, { group: '', resource: 'serviceaccounts' }, { group: '', resource: 'groups' }, { group: 'authentication.k8s.io', resource: 'userextras' }, { group: 'authentication.k8s.io', resource: 'uids' }],
};

/** Objects built by `kubectl create <generator>` carry client-side defaults the server does not need. */
function forServer(object: Obj): Obj {
  const meta = { ...((object.metadata as Obj | undefined) ?? {}) };
  if (meta.creationTimestamp === null) delete meta.creationTimestamp;
  const out: Obj = { ...object, metadata: meta };
  for (const k of ['spec', 'status']) if (out[k] && typeof out[k] === 'object' && !Object.keys(out[k] as Obj).length) delete out[k];
  return out;
}

/**
 * What kubectl's protobuf body of a generated object holds: no unset structs (`strategy: {}`,
 * `resources: {}`) and no null timestamps, so the server defaults them as it does for kubectl.
 */
function generated(object: Obj): Obj {
  const clean = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(clean);
    if (!v || typeof v !== 'object') return v;
    const out: Obj = {};
    for (const [key, x] of Object.entries(v as Obj)) {
      const c = clean(x);
      if (c === null || (c && typeof c === 'object' && !Array.isArray(c) && !Object.keys(c).length)) continue;
      out[key] = c;
    }
    return out;
  };
  return clean(object) as Obj;
}

/** How `kubectl create <generator>` words a refusal (create_configmap.go, create_secret.go…); namespace's is the server's own. */
const generatorErrors: Record<string, string> = {
  ConfigMap: 'failed to create configmap: ',
  ServiceAccount: 'failed to create serviceaccount: ',
  Secret: 'failed to create secret ',
  Deployment: 'failed to create deployment: ',
  Job: 'failed to create job: ',
  RoleBinding: 'failed to create rolebinding: ',
  ClusterRoleBinding: 'failed to create clusterrolebinding: ',
};

async function create(session: Session, k: Req<'create'>): Promise<K8sResult> {
  if (!k.objects) throw new K8sError('error: no objects passed to create (nothing was read from stdin)');
  const items: Extract<K8sResult, { kind: 'written' }>['items'] = [];
  const errors: unknown[] = [];
  for (const [i, object] of k.objects.entries()) {
    try {
      const info = await session.resolveKind(String(object.apiVersion), String(object.kind));
      const created = await session.create(info, k.source === 'generator' ? generated(object) : forServer(object), { dryRun: k.dryRun === 'server', fieldManager: k.fieldManager });
      items.push({ object: created, action: 'created', created: true, changed: true });
    } catch (error) {
      // kubectl creates what it can and reports each refusal, naming the file (cmdutil.AddSourceToErr),
      // or, for most generators, inside its own error.
      const file = k.files?.[i];
      const wrap = generatorErrors[String(object.kind)];
      if (!(error instanceof K8sApiError)) errors.push(error);
      else if (file) errors.push(new K8sApiError(error.code, error.reason, `error when creating ${JSON.stringify(file)}: ${error.statusMessage}`, error.details));
      else if (k.source === 'generator' && wrap !== undefined) errors.push(new K8sApiError(error.code, error.reason, error.statusMessage, error.details, wrap));
      else errors.push(error);
    }
  }
  const result: K8sResult = { kind: 'written', items, ...(k.dryRun ? { dryRun: k.dryRun } : {}) };
  if (errors.length) throw new PartlyDone(errors.length === 1 ? errors[0] : new K8sErrors(errors), result);
  return result;
}

async function apply(session: Session, k: Req<'apply'>): Promise<K8sResult> {
  if (!k.objects) throw new K8sError('error: no objects passed to apply (nothing was read from stdin)');
  const items: Extract<K8sResult, { kind: 'written' }>['items'] = [];
  for (const object of k.objects) {
    const info = await session.resolveKind(String(object.apiVersion), String(object.kind));
    const meta = (object.metadata ?? {}) as Obj;
    const ns = info.namespaced ? String(meta.namespace ?? session.namespace) : undefined;
    const before = meta.name ? await session.readIfExists(info, ns, String(meta.name)) : undefined;
    // Plain `kubectl apply` (client-side) never stops at another manager's fields: as server-side apply it forces.
    const force = k.forceConflicts || !k.serverSide;
    const { status, object: after } = await session.apply(info, object, { dryRun: k.dryRun === 'server', fieldManager: k.fieldManager, force });
    const created = status === 201 || !before;
    const rvBefore = (before?.metadata as Obj | undefined)?.resourceVersion;
    const rvAfter = (after.metadata as Obj | undefined)?.resourceVersion;
    const changed = created || rvBefore !== rvAfter;
    const action: WriteAction = k.serverSide ? 'serverside-applied' : created ? 'created' : changed ? 'configured' : 'unchanged';
    items.push({ object: after, action, created, changed });
  }
  return { kind: 'written', items, ...(k.dryRun ? { dryRun: k.dryRun } : {}) };
}

/** The objects a selection names (each read), or lists (selector / --all / a bare type). */
async function targets(session: Session, selection: Selection, allNamespaces = false): Promise<Array<{ info: ResourceInfo; object: Obj }>> {
  const out: Array<{ info: ResourceInfo; object: Obj }> = [];
  for (const { ref, info } of await resolveRefs(session, selection.refs)) {
    if (ref.name) out.push({ info, object: await session.read(info, info.namespaced ? (ref.namespace ?? session.namespace) : undefined, ref.name) });
    else {
      const list = await session.list(info, allNamespaces ? undefined : session.namespace, selection);
      for (const item of (list.items as Obj[] | undefined) ?? []) out.push({ info, object: withType(info, item) });
    }
  }
  return out;
}

function resolveRef(session: Session, ref: ResourceRef): Promise<ResourceInfo> {
  return ref.apiVersion ? session.resolveKind(ref.apiVersion, ref.type) : session.resolve(ref.type);
}

/**
 * The resources a selection names, as kubectl's resource builder finds them: a category (`all`) becomes
 * the types discovery lists under it (categories win over type names, but a built-in type's name is never
 * a category, which spares the discovery of every group), and a type asked for twice (`pods,po`,
 * `all,pods`) is listed once.
 */
export async function resolveRefs(session: Session, refs: ResourceRef[]): Promise<Array<{ ref: ResourceRef; info: ResourceInfo }>> {
  const out: Array<{ ref: ResourceRef; info: ResourceInfo }> = [];
  const listed = new Set<string>();
  for (const ref of refs) {
    const expanded = ref.apiVersion || ref.slashForm || builtinFor(ref.type) ? undefined : await session.category(ref.type);
    if (expanded && expanded.length > 1 && ref.name) throw new K8sError('error: you must specify only one resource');
    for (const info of expanded ?? [await resolveRef(session, ref)]) {
      const key = typeKey(info);
      if (!ref.name && listed.has(key)) continue;
      if (!ref.name) listed.add(key);
      out.push({ ref, info });
    }
  }
  return out;
}

const typeKey = (info: ResourceInfo) => `${info.group}/${info.plural}`;

/** List items come without apiVersion and kind; kubectl puts them back. */
export function withType(info: ResourceInfo, item: Obj): Obj {
  return { apiVersion: info.group ? `${info.group}/${info.version}` : info.version, kind: info.kind, ...item };
}

async function annotate(session: Session, k: Req<'annotate' | 'label'>): Promise<K8sResult> {
  const field = k.verb === 'label' ? 'labels' : 'annotations';
  const found = await targets(session, k.selection);
  if (!found.length) throw new K8sError('error: no objects passed to ' + k.verb);
  const items: Extract<K8sResult, { kind: 'written' }>['items'] = [];
  for (const { info, object } of found) {
    const meta = (object.metadata ?? {}) as Obj;
    const current = ((meta[field] as Record<string, string> | undefined) ?? {});
    const conflicts = Object.entries(k.changes).filter(([key, v]) => v !== null && key in current && current[key] !== v);
    if (conflicts.length && !k.overwrite) {
      if (k.verb === 'label') {
        const [key] = conflicts[0]!;
        throw new K8sError(`error: '${key}' already has a value (${current[key]}), and --overwrite is false`);
      }
      throw new K8sError(`error: --overwrite is false but found the following declared annotation(s): ${conflicts.map(([key]) => `'${key}' already has a value (${current[key]})`).join('; ')}`);
    }
    const notes: string[] = [];
    const patch: Record<string, string | null> = {};
    for (const [key, v] of Object.entries(k.changes)) {
      if (v === null && !(key in current)) {
        if (k.verb === 'label') notes.push(`label "${key}" not found.`);
        continue;
      }
      patch[key] = v;
    }
    const changed = Object.entries(patch).some(([key, v]) => (v === null ? key in current : current[key] !== v));
    let result = object;
    if (Object.keys(patch).length || k.resourceVersion) {
      const body: Obj = { metadata: { [field]: patch, ...(k.resourceVersion ? { resourceVersion: k.resourceVersion } : {}) } };
      if (k.dryRun === 'client') {
        const next: Record<string, string> = { ...current };
        for (const [key, v] of Object.entries(patch)) if (v === null) delete next[key];
        else next[key] = v;
        result = { ...object, metadata: { ...meta, [field]: next } };
      } else {
        result = await session.mergePatch(info, info.namespaced ? String(meta.namespace ?? session.namespace) : undefined, String(meta.name), body, { dryRun: k.dryRun === 'server', fieldManager: k.fieldManager });
      }
    }
    let action: WriteAction = 'annotated';
    if (k.verb === 'label') {
      const onlyRemovals = Object.values(patch).every((v) => v === null);
      action = !changed ? 'not labeled' : !k.overwrite && onlyRemovals ? 'unlabeled' : 'labeled';
    }
    items.push({ object: result, action, changed, ...(notes.length ? { notes } : {}) });
  }
  return { kind: 'written', items, ...(k.dryRun ? { dryRun: k.dryRun } : {}) };
}

async function get(session: Session, k: Req<'get'>): Promise<K8sResult> {
  const allNamespaces = !!k.conn.allNamespaces;
  const found = await resolveRefs(session, k.selection.refs);
  // `kind/name` names when more than one type was asked for (after expansion and duplicates: `pods,po` is one).
  const multipleTypes = new Set(found.map((f) => typeKey(f.info))).size > 1;
  const single = found.length === 1 && !!found[0]!.ref.name;
  // A name that is not there is reported after what was found, as kubectl does; --ignore-not-found drops it.
  const errors: unknown[] = [];
  const missed = (error: unknown) => {
    if (!(k.ignoreNotFound && error instanceof K8sApiError && error.code === 404)) errors.push(error);
  };
  const done = (result: K8sResult): K8sResult => {
    if (errors.length) throw new PartlyDone(errors.length === 1 ? errors[0] : new K8sErrors(errors), result);
    return result;
  };
  if (k.output.format === 'default' || k.output.format === 'wide') {
    const tables: TableResult[] = [];
    const byType = new Map<string, TableResult>();
    for (const { ref, info } of found) {
      const ns = info.namespaced && !allNamespaces ? (ref.namespace ?? session.namespace) : undefined;
      let table: Obj;
      try {
        table = await session.table(info, ns, ref.name, k.selection);
      } catch (error) {
        if (!ref.name) throw error;
        missed(error);
        continue;
      }
      const key = typeNameOf(info);
      let t = byType.get(key);
      if (!t) {
        t = { typeName: key, columns: ((table.columnDefinitions as Obj[] | undefined) ?? []).map((c) => ({ name: String(c.name), type: String(c.type), format: String(c.format ?? ''), priority: Number(c.priority ?? 0) })), rows: [] };
        byType.set(key, t);
        tables.push(t);
      }
      t.rows.push(...((table.rows as Obj[] | undefined) ?? []).map((r) => ({ cells: (r.cells as unknown[]) ?? [], ...(r.object ? { object: r.object as Obj } : {}) })));
    }
    // kubectl's notice when a table printed nothing (get.go: trackingWriter.Written == 0), on stderr.
    const namespaced = !allNamespaces && found.every((f) => f.info.namespaced);
    const empty = !k.ignoreNotFound && tables.every((t) => !t.rows.length);
    return done({ kind: 'read', objects: [], list: !single, tables, multipleTypes, ...(empty ? { stderr: namespaced ? `No resources found in ${session.namespace} namespace.\n` : 'No resources found\n' } : {}) });
  }
  const objects: Obj[] = [];
  for (const { ref, info } of found) {
    const ns = info.namespaced && !allNamespaces ? session.namespace : undefined;
    if (ref.name) {
      try {
        objects.push(await session.read(info, info.namespaced ? (ref.namespace ?? session.namespace) : undefined, ref.name));
      } catch (error) {
        missed(error);
      }
    } else {
      const list = await session.list(info, ns, k.selection);
      objects.push(...((list.items as Obj[] | undefined) ?? []).map((item) => withType(info, item)));
    }
  }
  // printGeneric: nothing found and --ignore-not-found prints nothing at all (not an empty List).
  return done({ kind: 'read', objects, list: !single, multipleTypes, ...(k.ignoreNotFound && !objects.length ? { nothing: true } : {}) });
}

// ---- wait ----

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new K8sError('cancelled'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason instanceof Error ? signal!.reason : new K8sError('cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Poll intervals: quick at first (a test server answers in milliseconds), then once a second. */
export function* intervals(): Generator<number> {
  for (const ms of [100, 200, 400, 700]) yield ms;
  for (;;) yield 1000;
}

const plural = (info: ResourceInfo) => (info.group ? `${info.plural}.${info.group}` : info.plural);

async function wait(session: Session, k: Req<'wait'>): Promise<K8sResult> {
  const cond = k.condition;
  const named: Array<{ info: ResourceInfo; name: string }> = [];
  for (const { ref, info } of await resolveRefs(session, k.selection.refs)) {
    if (ref.name) named.push({ info, name: ref.name });
    else {
      const list = await session.list(info, session.namespace, k.selection);
      for (const item of (list.items as Obj[] | undefined) ?? []) named.push({ info, name: String((item.metadata as Obj).name) });
    }
  }
  if (!named.length) {
    if (cond.type === 'delete') return { kind: 'lines', lines: [] };
    throw new K8sError('error: no matching resources found');
  }
  const path = cond.type === 'jsonpath' ? parseJsonPath(cond.expression) : undefined;
  const lines: string[] = [];
  // One deadline for the whole command, as kubectl's --timeout.
  const deadline = Date.now() + k.timeoutMs;
  for (const { info, name } of named) {
    const ns = info.namespaced ? session.namespace : undefined;
    const steps = intervals();
    let first = true;
    let uid: unknown;
    for (;;) {
      const object = await session.readIfExists(info, ns, name);
      let met = false;
      switch (cond.type) {
        case 'create':
          met = !!object;
          break;
        case 'delete': {
          const currentUid = (object?.metadata as Obj | undefined)?.uid;
          if (first) uid = currentUid;
          if (!object && first) {
            met = true;
            break;
          }
          met = !object || currentUid !== uid;
          break;
        }
        case 'condition':
          if (!object && first) throw new K8sApiError(404, 'NotFound', `${plural(info)} "${name}" not found`);
          met = !!object && conditionMet(object, cond.name, cond.value);
          break;
        case 'jsonpath':
          if (!object && first) throw new K8sApiError(404, 'NotFound', `${plural(info)} "${name}" not found`);
          met = !!object && jsonPathMet(object, path!, cond.value);
          break;
      }
      const silent = cond.type === 'delete' && first && !object;
      first = false;
      if (met) {
        if (!silent) lines.push(`${typeNameOf(info)}/${name} condition met`);
        break;
      }
      if (k.timeoutMs === 0) throw new K8sError(`error: condition not met for ${plural(info)}/${name}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new K8sError(cond.type === 'create' ? 'error: timed out waiting for the condition' : `error: timed out waiting for the condition on ${plural(info)}/${name}`);
      await sleep(Math.min(steps.next().value as number, left), session.signal);
    }
  }
  return { kind: 'lines', lines };
}

/** kubectl's condition check: type and status compared case-insensitively, stale generations ignored. */
export function conditionMet(object: Obj, name: string, value: string): boolean {
  const status = (object.status ?? {}) as Obj;
  const generation = (object.metadata as Obj | undefined)?.generation;
  for (const c of (status.conditions as Obj[] | undefined) ?? []) {
    if (String(c.type).toLowerCase() !== name.toLowerCase()) continue;
    if (typeof generation === 'number' && typeof c.observedGeneration === 'number' && c.observedGeneration < generation) continue;
    return String(c.status).toLowerCase() === value.toLowerCase();
  }
  return false;
}

function jsonPathMet(object: Obj, path: ReturnType<typeof parseJsonPath>, value: string | undefined): boolean {
  const results = findResults(path, object as JsonValue).flat();
  if (value === undefined) return results.length > 0;
  if (!results.length) return false;
  if (results.length > 1) throw new K8sError('error: given jsonpath expression matches more than one value');
  const v = results[0]!;
  if (v !== null && typeof v === 'object') throw new K8sError('error: jsonpath leads to a nested object or list which is not supported');
  return String(v ?? '<nil>').trim() === value.trim();
}

// ---- rollout status ----

async function rolloutStatus(session: Session, k: Req<'rollout-status'>): Promise<K8sResult> {
  const ref = k.selection.refs[0]!;
  const info = await session.resolve(ref.type);
  if (!['StatefulSet', 'Deployment', 'DaemonSet'].includes(info.kind) || info.group !== 'apps') throw new K8sError(`error: no status viewer has been implemented for ${info.kind}`);
  const lines: string[] = [];
  const deadline = k.timeoutMs ? Date.now() + k.timeoutMs : Infinity;
  const steps = intervals();
  for (;;) {
    const object = await session.read(info, session.namespace, ref.name!);
    const { message, done } = rolloutMessage(info.kind, ref.name!, object);
    if (lines.at(-1) !== message) lines.push(message);
    if (done || !k.watch) return { kind: 'lines', lines };
    if (Date.now() >= deadline) throw new K8sError('error: timed out waiting for the condition');
    await sleep(Math.min(steps.next().value as number, Math.max(0, deadline - Date.now())), session.signal);
  }
}

/** kubectl's StatusViewers (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go). */
export function rolloutMessage(kind: string, name: string, o: Obj): { message: string; done: boolean } {
  const spec = (o.spec ?? {}) as Obj;
  const status = (o.status ?? {}) as Obj;
  const generation = Number((o.metadata as Obj | undefined)?.generation ?? 0);
  const observed = Number(status.observedGeneration ?? 0);
  const n = (v: unknown) => Number(v ?? 0);
  if (kind === 'StatefulSet') {
    const strategy = (spec.updateStrategy ?? {}) as Obj;
    if ((strategy.type ?? 'RollingUpdate') !== 'RollingUpdate') throw new K8sError('error: rollout status is only available for RollingUpdate strategy type');
    if (observed === 0 || generation > observed) return { message: 'Waiting for statefulset spec update to be observed...', done: false };
    if (spec.replicas !== undefined && n(status.readyReplicas) < n(spec.replicas)) return { message: `Waiting for ${n(spec.replicas) - n(status.readyReplicas)} pods to be ready...`, done: false };
    const partition = n((strategy.rollingUpdate as Obj | undefined)?.partition);
    if (partition > 0 && spec.replicas !== undefined) {
      if (n(status.updatedReplicas) < n(spec.replicas) - partition) return { message: `Waiting for partitioned roll out to finish: ${n(status.updatedReplicas)} out of ${n(spec.replicas) - partition} new pods have been updated...`, done: false };
      return { message: `partitioned roll out complete: ${n(status.updatedReplicas)} new pods have been updated...`, done: true };
    }
    if (status.updateRevision !== status.currentRevision) return { message: `waiting for statefulset rolling update to complete ${n(status.updatedReplicas)} pods at revision ${String(status.updateRevision)}...`, done: false };
    return { message: `statefulset rolling update complete ${n(status.currentReplicas)} pods at revision ${String(status.currentRevision)}...`, done: true };
  }
  if (kind === 'Deployment') {
    if (generation > observed) return { message: 'Waiting for deployment spec update to be observed...', done: false };
    const progressing = ((status.conditions as Obj[] | undefined) ?? []).find((c) => c.type === 'Progressing');
    if (progressing?.reason === 'ProgressDeadlineExceeded') throw new K8sError(`error: deployment "${name}" exceeded its progress deadline`);
    const replicas = n(spec.replicas ?? 1);
    if (n(status.updatedReplicas) < replicas) return { message: `Waiting for deployment "${name}" rollout to finish: ${n(status.updatedReplicas)} out of ${replicas} new replicas have been updated...`, done: false };
    if (n(status.replicas) > n(status.updatedReplicas)) return { message: `Waiting for deployment "${name}" rollout to finish: ${n(status.replicas) - n(status.updatedReplicas)} old replicas are pending termination...`, done: false };
    if (n(status.availableReplicas) < n(status.updatedReplicas)) return { message: `Waiting for deployment "${name}" rollout to finish: ${n(status.availableReplicas)} of ${n(status.updatedReplicas)} updated replicas are available...`, done: false };
    return { message: `deployment "${name}" successfully rolled out`, done: true };
  }
  const strategy = (spec.updateStrategy ?? {}) as Obj;
  if ((strategy.type ?? 'RollingUpdate') !== 'RollingUpdate') throw new K8sError('error: rollout status is only available for RollingUpdate strategy type');
  if (generation > observed) return { message: 'Waiting for daemon set spec update to be observed...', done: false };
  if (n(status.updatedNumberScheduled) < n(status.desiredNumberScheduled)) return { message: `Waiting for daemon set "${name}" rollout to finish: ${n(status.updatedNumberScheduled)} out of ${n(status.desiredNumberScheduled)} new pods have been updated...`, done: false };
  if (n(status.numberAvailable) < n(status.desiredNumberScheduled)) return { message: `Waiting for daemon set "${name}" rollout to finish: ${n(status.numberAvailable)} of ${n(status.desiredNumberScheduled)} updated pods are available...`, done: false };
  return { message: `daemon set "${name}" successfully rolled out`, done: true };
}

// ---- exec ----

async function exec(session: Session, k: Req<'exec'>, signal?: AbortSignal, stdin?: string): Promise<K8sResult> {
  const podInfo: ResourceInfo = { group: '', version: 'v1', kind: 'Pod', plural: 'pods', singular: 'pod', namespaced: true, shortNames: ['po'] };
  let pod = await session.read(podInfo, session.namespace, k.pod);
  const deadline = Date.now() + k.podRunningTimeoutMs;
  const steps = intervals();
  while (((pod.status as Obj | undefined)?.phase ?? 'Pending') === 'Pending' && Date.now() < deadline) {
    await sleep(steps.next().value as number, signal);
    pod = await session.read(podInfo, session.namespace, k.pod);
  }
  const phase = (pod.status as Obj | undefined)?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') throw new K8sError(`error: cannot exec into a container in a completed pod; current phase is ${String(phase)}`);
  const containers = (((pod.spec as Obj | undefined)?.containers as Obj[] | undefined) ?? []).map((c) => String(c.name));
  let stderr = '';
  let container = k.container;
  if (!container) {
    const annotated = ((pod.metadata as Obj | undefined)?.annotations as Record<string, string> | undefined)?.['kubectl.kubernetes.io/default-container'];
    container = annotated && containers.includes(annotated) ? annotated : containers[0];
    if (!container) throw new K8sError(`error: pod ${k.pod} has no containers`);
    if (containers.length > 1 && !k.quiet && !annotated) stderr = `Defaulted container "${container}" out of: ${containers.join(', ')}\n`;
  } else if (!containers.includes(container)) {
    // The API server's refusal (pod strategy's ExecLocation), said here because client-node's WebSocket drops the 400's body.
    throw new K8sApiError(400, 'BadRequest', `container ${container} is not valid for pod ${k.pod}`);
  }
  const result = await session.exec(session.namespace, k.pod, container, k.command, k.stdin ? (stdin ?? k.stdinText ?? '') : undefined);
  if (result.exitCode !== 0) throw new K8sExecError(result.exitCode, result.stdout, stderr + result.stderr, k.command);
  return { kind: 'exec', stdout: result.stdout, stderr: stderr + result.stderr, exitCode: 0, command: k.command };
}
