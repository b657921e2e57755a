/**
 * gcloud's `--format`, for the values runbooks capture: `json`, `yaml`/`default`, `none`,
 * `value(k1,k2)` and `get(k)` (with `[separator=…,delimiter=…,terminator=…]`).
 * Follows googlecloudsdk/core/resource (json_printer: sorted keys, indent 2; yaml_printer: block style,
 * lists not indented under their key; csv_printer.ValuePrinter: tab between values, `;` inside lists,
 * `k=v` for maps, Python spellings of booleans; resource_property.Get: a key on a list of objects maps
 * over the list, snake_case matches camelCase).
 */

export type FormatSpec = { kind: 'json' } | { kind: 'yaml' } | { kind: 'none' } | ValueFormat;

export interface ValueFormat {
  kind: 'value' | 'get';
  keys: Key[];
  separator: string;
  delimiter: string;
  terminator: string;
}

/** One projection key: `bindings[0].role`, `members[]`, `name.basename()`. */
export interface Key {
  path: Array<string | number | null>;
  transform?: 'basename';
}

export class FormatError extends Error {}

const supported = new Set(['json', 'yaml', 'default', 'none', 'value', 'get']);
/** Printers gcloud has that the translation does not reproduce: such commands run in the shell. */
export const shellOnlyFormats = new Set(['table', 'csv', 'text', 'flattened', 'list', 'config', 'diff', 'multi', 'object', 'disable']);

export function formatName(text: string): string {
  return /^\s*([a-z-]+)/.exec(text)?.[1] ?? text;
}

/** Parse a `--format` value; throws FormatError with gcloud's wording. */
export function parseFormat(text: string): FormatSpec {
  const m = /^\s*([a-z-]+)\s*(?:\[([^\]]*)\])?\s*(?:\((.*)\))?\s*$/s.exec(text);
  if (!m || !supported.has(m[1]!)) {
    throw new FormatError(`Unknown format [${text}], expected json, yaml, default, none, value(…) or get(…)`);
  }
  const [, name, attrText, keyText] = m;
  if (name === 'json' || name === 'yaml' || name === 'none') return { kind: name };
  if (name === 'default') return { kind: 'yaml' };
  const attrs = parseAttributes(attrText ?? '');
  const keys = splitTopLevel(keyText ?? '').map((k) => k.trim()).filter(Boolean).map(parseKey);
  if (!keys.length) throw new FormatError(`Format [${name}] requires a non-empty projection, e.g. ${name}(name)`);
  return { kind: name as 'value' | 'get', keys, separator: attrs.separator ?? '\t', delimiter: attrs.delimiter ?? ';', terminator: attrs.terminator ?? '\n' };
}

function parseAttributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of splitTopLevel(text)) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const value = part.slice(eq + 1).trim().replace(/^(['"])(.*)\1$/s, '$2');
    out[part.slice(0, eq).trim()] = value.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
  }
  return out;
}

/** Split on commas outside parentheses, brackets and quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let current = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim()) parts.push(current);
  return parts;
}

function parseKey(text: string): Key {
  // `name:label=NAME` and other column attributes do not change the value.
  const bare = text.replace(/:[a-z-]+(=[^:]*)?/g, '');
  let transform: Key['transform'];
  let body = bare;
  const t = /\.([a-z_]+)\(\)$/i.exec(bare);
  if (t) {
    if (t[1] !== 'basename') throw new FormatError(`Unsupported transform ${t[1]}() in --format key [${text}], expected basename()`);
    transform = 'basename';
    body = bare.slice(0, t.index);
  }
  const path: Key['path'] = [];
  for (const m of body.matchAll(/([A-Za-z_][\w-]*)|\[(-?\d*)\]/g)) {
    if (m[1] !== undefined) path.push(m[1]);
    else path.push(m[2] === '' ? null : Number(m[2]));
  }
  if (!path.length) throw new FormatError(`Invalid --format key [${text}]`);
  return transform ? { path, transform } : { path };
}

const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** resource_property.Get: sparse access, never an error. */
function get(resource: unknown, path: Key['path']): unknown {
  let value = resource;
  for (let i = 0; i < path.length; i++) {
    const k = path[i]!;
    if (value === undefined || value === null) return undefined;
    if (Array.isArray(value)) {
      if (k === null) return i + 1 < path.length ? value.map((v) => get(v, path.slice(i + 1))) : value;
      if (typeof k === 'number') {
        value = value[k < 0 ? value.length + k : k];
        continue;
      }
      // A key on a list of objects: the implicit slice.
      return value.map((v) => get(v, path.slice(i)));
    }
    if (typeof value === 'object') {
      const obj = value as Record<string, unknown>;
      if (k === null) return i + 1 < path.length ? Object.keys(obj).map((name) => get(obj, [name, ...path.slice(i + 1)])) : obj;
      if (typeof k === 'number') return undefined;
      value = k in obj ? obj[k] : obj[camel(k)];
      continue;
    }
    return undefined;
  }
  return value;
}

function scalarText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function columnText(value: unknown, delimiter: string): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((v) => (v === '' ? '' : scalarText(v))).join(delimiter);
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return Object.keys(obj).sort().map((k) => `${k}=${scalarText(obj[k])}`).join(delimiter);
  }
  return scalarText(value);
}

const basename = (v: unknown): unknown => (typeof v === 'string' ? v.slice(v.lastIndexOf('/') + 1) : Array.isArray(v) ? v.map(basename) : v);

/** What gcloud prints for one resource. `undefined` (nothing returned) prints nothing. */
export function formatResource(resource: unknown, spec: FormatSpec): string {
  if (spec.kind === 'none' || resource === undefined || resource === null) return '';
  if (spec.kind === 'json') return `${JSON.stringify(sortKeys(resource), null, 2)}\n`;
  if (spec.kind === 'yaml') return toYaml(sortKeys(resource));
  return valueLine(resource, spec);
}

function valueLine(resource: unknown, spec: ValueFormat): string {
  const columns = spec.keys.map((key) => {
    const value = get(resource, key.path);
    // `get()` is `value()` with transforms disabled.
    return columnText(key.transform === 'basename' && spec.kind === 'value' ? basename(value) : value, spec.delimiter);
  });
  return columns.join(spec.separator) + spec.terminator;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const obj = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(obj).sort().filter((k) => obj[k] !== undefined).map((k) => [k, sortKeys(obj[k])]));
  }
  return v;
}

/** YAML the way gcloud's printer writes it: `key: value`, `- ` items at their key's indentation. */
export function toYaml(value: unknown): string {
  const lines: string[] = [];
  emit(value, 0, lines);
  return lines.length ? `${lines.join('\n')}\n` : '';
}

function isBlock(v: unknown): boolean {
  return Array.isArray(v) ? v.length > 0 : !!v && typeof v === 'object' && Object.keys(v).length > 0;
}

function emit(value: unknown, indent: number, lines: string[]): void {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (!value.length) return void lines.push(`${pad}[]`);
    for (const item of value) {
      if (isBlock(item)) {
        const nested: string[] = [];
        emit(item, indent + 2, nested);
        nested[0] = `${pad}- ${nested[0]!.slice(indent + 2)}`;
        lines.push(...nested);
      } else lines.push(`${pad}- ${inline(item, indent + 2)}`);
    }
    return;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (!entries.length) return void lines.push(`${pad}{}`);
    for (const [k, v] of entries) {
      if (!isBlock(v)) lines.push(`${pad}${scalar(k, indent)}: ${inline(v, indent + 2)}`);
      else {
        lines.push(`${pad}${scalar(k, indent)}:`);
        // Lists sit at their key's indentation, maps one level deeper.
        emit(v, Array.isArray(v) ? indent : indent + 2, lines);
      }
    }
    return;
  }
  lines.push(`${pad}${inline(value, indent)}`);
}

/** A value that fits on its key's line: a scalar, `[]`, `{}` or a literal block (`|`). */
function inline(value: unknown, indent: number): string {
  if (Array.isArray(value)) return '[]';
  if (value && typeof value === 'object') return '{}';
  return scalar(value, indent);
}

const reserved = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N)$/;
const numberLike = /^[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$|^0x[0-9a-fA-F]+$|^0o[0-7]+$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/;
const timestampLike = /^\d{4}-\d\d?-\d\d?(?:[Tt ]|$)/;

/** Strings a YAML reader would take for something else (a number, a date, a flow collection…). */
function needsQuotes(s: string): boolean {
  return (
    s === '' || reserved.test(s) || numberLike.test(s) || timestampLike.test(s) ||
    /^[,[\]{}#&*!|>'"%@`]/.test(s) || /^[-?:](\s|$)/.test(s) ||
    /: |\s#|:$/.test(s) || /^\s|\s$/.test(s)
  );
}

function scalar(value: unknown, indent: number): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  const s = String(value);
  if (s.includes('\n')) {
    const pad = ' '.repeat(indent);
    const body = s.replace(/\n$/, '').split('\n').map((l) => (l ? pad + l : '')).join('\n');
    return `|${s.endsWith('\n') ? '' : '-'}\n${body}`;
  }
  return needsQuotes(s) ? `'${s.replace(/'/g, "''")}'` : s;
}
