// Patch and selector algorithms used by the Kubernetes test server (kubernetes.ts).
// - JSON Merge Patch: RFC 7386, https://www.rfc-editor.org/rfc/rfc7386
// - JSON Patch: RFC 6902, https://www.rfc-editor.org/rfc/rfc6902 (pointers: RFC 6901)
// - Strategic merge patch (subset): https://github.com/kubernetes/community/blob/master/contributors/devel/sig-api-machinery/strategic-merge-patch.md
//   lists of objects are merged by the patchMergeKey of the built-in types (containers by name, ports by
//   containerPort/port, volumeMounts by mountPath...), `$patch: delete|replace` is honoured and the
//   `$setElementOrder/`, `$retainKeys`, `$deleteFromPrimitiveList/` directives are accepted and dropped.
// - Server-side apply (subset): https://kubernetes.io/docs/reference/using-api/server-side-apply/
//   merged like a strategic merge on associative lists; no field-ownership conflicts.
// - Label and field selectors: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/
import { clone, deepEqual, isPlainObject } from './http.js';

type Obj = Record<string, any>;

export class PatchError extends Error {}

export function mergePatch(target: unknown, patch: unknown): any {
  if (!isPlainObject(patch)) return clone(patch);
  const result: Obj = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else result[k] = mergePatch(result[k], v);
  }
  return result;
}

/** patchMergeKey of the list fields of the built-in types this server serves. */
const MERGE_KEYS: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  volumes: ['name'],
  env: ['name'],
  imagePullSecrets: ['name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  ports: ['containerPort', 'port'],
  conditions: ['type'],
  hostAliases: ['ip'],
  topologySpreadConstraints: ['topologyKey'],
  ownerReferences: ['uid'],
  resourceClaims: ['name'],
};

function isDirectiveKey(k: string): boolean {
  return k.startsWith('$setElementOrder/') || k === '$retainKeys' || k.startsWith('$deleteFromPrimitiveList/');
}

export function strategicMerge(target: unknown, patch: unknown): any {
  if (!isPlainObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return stripDirectives(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const result: Obj = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || isDirectiveKey(k)) continue;
    if (v === null) {
      delete result[k];
      continue;
    }
    const keys = MERGE_KEYS[k];
    if (Array.isArray(v) && keys && v.every((x) => isPlainObject(x))) {
      result[k] = mergeList(Array.isArray(result[k]) ? result[k] : [], v, keys);
    } else if (isPlainObject(v)) {
      const merged = strategicMerge(result[k], v);
      if (merged === undefined) delete result[k];
      else result[k] = merged;
    } else {
      result[k] = clone(v);
    }
  }
  return result;
}

function mergeList(target: Obj[], patch: Obj[], keys: string[]): Obj[] {
  if (patch.some((p) => p.$patch === 'replace')) return patch.filter((p) => p.$patch !== 'replace').map(stripDirectives);
  const result = target.map((x) => clone(x));
  for (const item of patch) {
    const key = keys.find((k) => item[k] !== undefined);
    const idx = key === undefined ? -1 : result.findIndex((x) => deepEqual(x[key], item[key]));
    if (item.$patch === 'delete') {
      if (idx >= 0) result.splice(idx, 1);
      continue;
    }
    if (idx >= 0) result[idx] = strategicMerge(result[idx], item);
    else result.push(stripDirectives(item));
  }
  return result;
}

function stripDirectives(v: any): any {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isPlainObject(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === '$patch' || isDirectiveKey(k)) continue;
    out[k] = stripDirectives(x);
  }
  return out;
}

function parsePointer(p: unknown): string[] {
  if (typeof p !== 'string') throw new PatchError(`invalid JSON pointer ${JSON.stringify(p)}`);
  if (p === '') return [];
  if (!p.startsWith('/')) throw new PatchError(`JSON pointer must start with "/": ${p}`);
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(doc: any, path: string[], pointer: string): any {
  let cur = doc;
  for (const seg of path) {
    if (Array.isArray(cur)) {
      const i = Number(seg);
      if (!/^\d+$/.test(seg) || i >= cur.length) throw new PatchError(`doc is missing path: "${pointer}"`);
      cur = cur[i];
    } else if (isPlainObject(cur) && Object.prototype.hasOwnProperty.call(cur, seg)) {
      cur = cur[seg];
    } else {
      throw new PatchError(`doc is missing path: "${pointer}"`);
    }
  }
  return cur;
}

function parentOf(doc: any, path: string[], pointer: string): { parent: any; last: string } {
  if (path.length === 0) throw new PatchError(`cannot operate on the document root: "${pointer}"`);
  const parent = getAt(doc, path.slice(0, -1), pointer);
  if (!Array.isArray(parent) && !isPlainObject(parent)) throw new PatchError(`doc is missing path: "${pointer}"`);
  return { parent, last: path[path.length - 1] };
}

function addAt(doc: any, pointer: string, value: any): any {
  const path = parsePointer(pointer);
  if (path.length === 0) return clone(value);
  const { parent, last } = parentOf(doc, path, pointer);
  if (Array.isArray(parent)) {
    if (last === '-') parent.push(clone(value));
    else {
      const i = Number(last);
      if (!/^\d+$/.test(last) || i > parent.length) throw new PatchError(`add operation index out of bounds: "${pointer}"`);
      parent.splice(i, 0, clone(value));
    }
  } else parent[last] = clone(value);
  return doc;
}

function removeAt(doc: any, pointer: string): any {
  const path = parsePointer(pointer);
  const { parent, last } = parentOf(doc, path, pointer);
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!/^\d+$/.test(last) || i >= parent.length) throw new PatchError(`remove operation does not apply: doc is missing path: "${pointer}"`);
    parent.splice(i, 1);
  } else {
    if (!Object.prototype.hasOwnProperty.call(parent, last)) throw new PatchError(`remove operation does not apply: doc is missing path: "${pointer}"`);
    delete parent[last];
  }
  return doc;
}

export function jsonPatch(target: unknown, ops: unknown): any {
  if (!Array.isArray(ops)) throw new PatchError('json patch must be an array of operations');
  let doc = clone(target);
  for (const op of ops) {
    if (!isPlainObject(op)) throw new PatchError('json patch operation must be an object');
    switch (op.op) {
      case 'add':
        if (!('value' in op)) throw new PatchError('add operation is missing "value"');
        doc = addAt(doc, op.path, op.value);
        break;
      case 'remove':
        doc = removeAt(doc, op.path);
        break;
      case 'replace':
        if (!('value' in op)) throw new PatchError('replace operation is missing "value"');
        getAt(doc, parsePointer(op.path), op.path);
        if (parsePointer(op.path).length === 0) doc = clone(op.value);
        else doc = addAt(removeAt(doc, op.path), op.path, op.value);
        break;
      case 'move': {
        const v = getAt(doc, parsePointer(op.from), op.from);
        doc = addAt(removeAt(doc, op.from), op.path, v);
        break;
      }
      case 'copy': {
        const v = getAt(doc, parsePointer(op.from), op.from);
        doc = addAt(doc, op.path, v);
        break;
      }
      case 'test': {
        const v = getAt(doc, parsePointer(op.path), op.path);
        if (!deepEqual(v, op.value)) throw new PatchError(`testing value ${op.path} failed`);
        break;
      }
      default:
        throw new PatchError(`Unexpected kind: ${String(op.op)}`);
    }
  }
  return doc;
}

// ---- selectors ----

export type Requirement =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: '=' | '!='; value: string };

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') out.push(cur);
  return out;
}

export function parseLabelSelector(s: string): Requirement[] {
  const reqs: Requirement[] = [];
  for (const raw of splitTopLevel(s)) {
    const part = raw.trim();
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^!\s*([\w./-]+)$/))) reqs.push({ key: m[1], op: 'notexists' });
    else if ((m = part.match(/^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/)))
      reqs.push({ key: m[1], op: m[2] as 'in' | 'notin', values: m[3].split(',').map((x) => x.trim()).filter((x) => x !== '') });
    else if ((m = part.match(/^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/)))
      reqs.push({ key: m[1], op: m[2] === '!=' ? '!=' : '=', value: m[3] });
    else if ((m = part.match(/^([\w./-]+)$/))) reqs.push({ key: m[1], op: 'exists' });
    else throw new PatchError(`unable to parse requirement: ${part}`);
  }
  return reqs;
}

export function matchesRequirements(values: (key: string) => string | undefined, reqs: Requirement[]): boolean {
  return reqs.every((r) => {
    const v = values(r.key);
    switch (r.op) {
      case 'exists':
        return v !== undefined;
      case 'notexists':
        return v === undefined;
      case 'in':
        return v !== undefined && r.values.includes(v);
      case 'notin':
        return v === undefined || !r.values.includes(v);
      case '=':
        return v === r.value;
      case '!=':
        return v !== r.value;
    }
  });
}

export function labelSelectorMatches(labels: Record<string, string> | undefined, selector: string | null): boolean {
  if (!selector) return true;
  const l = labels ?? {};
  return matchesRequirements((k) => (Object.prototype.hasOwnProperty.call(l, k) ? l[k] : undefined), parseLabelSelector(selector));
}

export function fieldSelectorMatches(obj: Obj, selector: string | null): boolean {
  if (!selector) return true;
  const reqs = parseLabelSelector(selector);
  return matchesRequirements((k) => {
    let cur: any = obj;
    for (const seg of k.split('.')) cur = isPlainObject(cur) ? cur[seg] : undefined;
    return cur === undefined ? '' : String(cur);
  }, reqs);
}

/** A LabelSelector object (matchLabels/matchExpressions) as a function of labels. */
export function selectorObjectMatches(sel: Obj | undefined, labels: Record<string, string> | undefined): boolean {
  if (!sel) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of (sel.matchExpressions ?? []) as Obj[]) {
    const v = l[e.key];
    const vals: string[] = e.values ?? [];
    if (e.operator === 'In' && (v === undefined || !vals.includes(v))) return false;
    if (e.operator === 'NotIn' && v !== undefined && vals.includes(v)) return false;
    if (e.operator === 'Exists' && v === undefined) return false;
    if (e.operator === 'DoesNotExist' && v !== undefined) return false;
  }
  return true;
}
