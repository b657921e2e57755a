/**
 * What aws CLI v1 prints on stdout: awscli/formatter.py (JSON, `json.dumps(indent=4, ensure_ascii=False)`),
 * awscli/text.py (tab-separated text) and awscli/table.py (tables), over the CLI-shaped result.
 */
import type { AwsCall } from './call.js';
import { searchQuery } from './query.js';
import { renderTable } from './table.js';
import { isFloatAt } from './view.js';

/** Attached (non-enumerable) to results of sendAwsCall: the response as botocore would have parsed it. */
export const CLI_VIEW: unique symbol = Symbol.for('runbook.aws.cliView');

export interface CliView {
  /** The merged response (`build_full_result()` for paginated calls). */
  full: Record<string, unknown>;
  /** For `--output text` of paginated calls: one object per page. */
  textPages?: Record<string, unknown>[];
}

export function attachView(result: Record<string, unknown>, view: CliView): void {
  Object.defineProperty(result, CLI_VIEW, { value: view, enumerable: false });
}

function viewOf(result: unknown): CliView {
  const attached = result && typeof result === 'object' ? (result as Record<symbol, unknown>)[CLI_VIEW] : undefined;
  if (attached) return attached as CliView;
  // A result that did not come from sendAwsCall: plain conversion of SDK types.
  const full = plain(result);
  return { full: full && typeof full === 'object' && !Array.isArray(full) ? (full as Record<string, unknown>) : { value: full } };
}

function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof String) return String(value);
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== '$metadata' && v !== undefined) out[k] = plain(v);
    return out;
  }
  return value;
}

/** Exactly what the CLI writes to stdout for this result, including the trailing newline ('' when it prints nothing). */
export function formatAwsOutput(
  result: unknown,
  call: Pick<AwsCall, 'query' | 'output'> & Partial<Pick<AwsCall, 'operation'>>,
): string {
  const view = viewOf(result);
  const select = (data: unknown) => (call.query !== undefined ? searchQuery(data, call.query) : data);
  if (call.output === 'text') {
    const pages = view.textPages ?? [view.full];
    return pages.map((page) => formatText(select(page))).join('');
  }
  const data = select(view.full);
  if (call.output === 'table') return renderTable(call.operation ?? 'Output', data, pyStr);
  if (isEmptyObject(data)) return '';
  return `${pyJson(data, 0, undefined, undefined)}\n`;
}

function isEmptyObject(value: unknown): boolean {
  return !!value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;
}

const INDENT = '    ';

/** `json.dumps(value, indent=4, ensure_ascii=False)`; `parent`/`key` locate the value to find Python floats. */
export function pyJson(value: unknown, level: number, parent: object | undefined, key: string | number | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return pyNumber(value, parent !== undefined && key !== undefined && isFloatAt(parent, key));
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return JSON.stringify(value);
  const pad = INDENT.repeat(level + 1);
  const end = INDENT.repeat(level);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v, i) => pad + pyJson(v, level + 1, value, i)).join(',\n')}\n${end}]`;
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${pyJson(v, level + 1, value as object, k)}`).join(',\n')}\n${end}}`;
}

/** Python's text for a number: ints as digits, floats as `repr(float)`. */
export function pyNumber(n: number, isFloat: boolean): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (!isFloat && Number.isInteger(n)) return String(n);
  return pyFloatRepr(n);
}

/** `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function pyFloatRepr(n: number): string {
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = n.toExponential().split('e');
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** Python's `str()` as the text and table formatters apply it (containers come out as their repr). */
export function pyStr(value: unknown, parent?: object, key?: string | number): string {
  if (typeof value === 'string') return value;
  return pyRepr(value, parent, key);
}

/** Python's `repr()` of JSON-like data: `{'a': [1, 2.0, None, True]}`. */
export function pyRepr(value: unknown, parent?: object, key?: string | number): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pyNumber(value, parent !== undefined && key !== undefined && isFloatAt(parent, key));
  if (typeof value === 'string') return pyStringRepr(value);
  if (Array.isArray(value)) return `[${value.map((v, i) => pyRepr(v, value, i)).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${pyStringRepr(k)}: ${pyRepr(v, value as object, k)}`).join(', ')}}`;
  }
  return String(value);
}

function pyStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\' || ch === quote) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

/** awscli/text.py `format_text`. */
export function formatText(data: unknown): string {
  const out: string[] = [];
  formatTextInto(data, out, undefined, undefined, undefined, undefined);
  return out.join('');
}

function formatTextInto(
  item: unknown,
  out: string[],
  identifier: string | undefined,
  scalarKeys: string[] | undefined,
  parent: object | undefined,
  key: string | number | undefined,
): void {
  if (Array.isArray(item)) formatList(item, out, identifier);
  else if (item !== null && typeof item === 'object') formatDict(item as Record<string, unknown>, out, identifier, scalarKeys);
  else out.push(`${pyStr(item, parent, key)}\n`);
}

function formatList(item: unknown[], out: string[], identifier: string | undefined): void {
  if (item.length === 0) return;
  if (item.some((el) => el !== null && typeof el === 'object' && !Array.isArray(el))) {
    const allKeys = allScalarKeys(item);
    item.forEach((element, i) => formatTextInto(element, out, identifier, allKeys, item, i));
  } else if (item.some(Array.isArray)) {
    const scalars: Array<[unknown, number]> = [];
    const nonScalars: Array<[unknown, number]> = [];
    item.forEach((el, i) => (Array.isArray(el) || (el !== null && typeof el === 'object') ? nonScalars : scalars).push([el, i]));
    if (scalars.length > 0) formatScalarList(scalars, item, out, identifier);
    for (const [el, i] of nonScalars) formatTextInto(el, out, identifier, undefined, item, i);
  } else {
    formatScalarList(
      item.map((el, i) => [el, i] as [unknown, number]),
      item,
      out,
      identifier,
    );
  }
}

function formatScalarList(elements: Array<[unknown, number]>, list: unknown[], out: string[], identifier: string | undefined): void {
  if (identifier !== undefined) {
    for (const [el, i] of elements) out.push(`${identifier.toUpperCase()}\t${pyStr(el, list, i)}\n`);
  } else {
    out.push(`${elements.map(([el, i]) => pyStr(el, list, i)).join('\t')}\n`);
  }
}

function formatDict(item: Record<string, unknown>, out: string[], identifier: string | undefined, scalarKeys: string[] | undefined): void {
  const scalars: string[] = [];
  const nonScalars: Array<[string, unknown]> = [];
  if (scalarKeys === undefined) {
    for (const key of Object.keys(item).sort(pySortCompare)) {
      const value = item[key];
      if (isScalar(value)) scalars.push(pyStr(value, item, key));
      else nonScalars.push([key, value]);
    }
  } else {
    for (const key of scalarKeys) scalars.push(key in item ? pyStr(item[key], item, key) : '');
    for (const key of Object.keys(item).filter((k) => !scalarKeys.includes(k)).sort(pySortCompare)) nonScalars.push([key, item[key]]);
  }
  if (scalars.length > 0) {
    if (identifier !== undefined) scalars.unshift(identifier.toUpperCase());
    out.push(`${scalars.join('\t')}\n`);
  }
  for (const [key, value] of nonScalars) formatTextInto(value, out, key, undefined, item, key);
}

function allScalarKeys(list: unknown[]): string[] {
  const keys = new Set<string>();
  for (const el of list) {
    if (el === null || typeof el !== 'object' || Array.isArray(el)) continue;
    for (const [k, v] of Object.entries(el)) if (isScalar(v)) keys.add(k);
  }
  return [...keys].sort(pySortCompare);
}

/** Python sorts str by code point; JS's default sort compares UTF-16 units (differs only past U+FFFF). */
export function pySortCompare(a: string, b: string): number {
  const ca = [...a];
  const cb = [...b];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = ca[i].codePointAt(0)! - cb[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}
