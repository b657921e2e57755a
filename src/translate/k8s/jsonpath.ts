/**
 * kubectl's JSONPath (k8s.io/client-go/util/jsonpath), the dialect of `-o jsonpath=` and
 * `wait --for=jsonpath=`: text outside `{}` is printed as is; inside, `.field` (with `\.` escapes),
 * `..` (recursive descent), `*`, `[n]`, `[a:b:c]`, `[*]`, `['a','b']`, `[?(@.x=="y")]` filters,
 * `"quoted text"`, and `{range …}…{end}`. Missing keys print nothing (kubectl's
 * `--allow-missing-template-keys=true`). Results of one `{}` are joined by a space; maps and lists
 * print as compact JSON with sorted keys, strings raw, null as `<nil>`.
 */
import { goJson } from './print.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

type Node =
  | { type: 'text'; text: string }
  | { type: 'list'; nodes: Node[] }
  | { type: 'field'; name: string }
  | { type: 'wildcard' }
  | { type: 'recursive' }
  | { type: 'array'; start?: number; end?: number; step?: number; single: boolean }
  | { type: 'union'; branches: Node[][] }
  | { type: 'filter'; left: Node[]; op: string; right: Node[] }
  | { type: 'number'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'range'; nodes: Node[] }
  | { type: 'end' };

export class JsonPathError extends Error {
  override readonly name = 'JsonPathError';
}

/** A parsed template: top-level text and `{…}` actions, with `range…end` blocks nested. */
export interface JsonPath {
  template: string;
  nodes: Block[];
}

type Block = { kind: 'node'; node: Node } | { kind: 'range'; expr: Node; body: Block[] };

export function parseJsonPath(template: string): JsonPath {
  const flat: Node[] = [];
  let i = 0;
  let text = '';
  while (i < template.length) {
    if (template[i] === '{') {
      if (text) flat.push({ type: 'text', text });
      text = '';
      const close = findUnquoted(template, i, '}', true);
      if (close < 0) throw new JsonPathError(`unclosed action in template ${JSON.stringify(template)}`);
      flat.push(parseAction(template.slice(i + 1, close)));
      i = close + 1;
    } else {
      text += template[i];
      i++;
    }
  }
  if (text) flat.push({ type: 'text', text });
  const [blocks, rest] = nest(flat, 0);
  if (rest < flat.length) throw new JsonPathError('not in range, nothing to end');
  return { template, nodes: blocks };
}

function nest(flat: Node[], from: number, inRange = false): [Block[], number] {
  const out: Block[] = [];
  let i = from;
  while (i < flat.length) {
    const node = flat[i]!;
    if (node.type === 'end') {
      if (!inRange) return [out, i];
      return [out, i + 1];
    }
    if (node.type === 'range') {
      const [body, next] = nest(flat, i + 1, true);
      if (next > flat.length || flat[next - 1]?.type !== 'end') throw new JsonPathError('unclosed range: {range} without {end}');
      out.push({ kind: 'range', expr: { type: 'list', nodes: node.nodes }, body });
      i = next;
      continue;
    }
    out.push({ kind: 'node', node });
    i++;
  }
  if (inRange) throw new JsonPathError('unclosed range: {range} without {end}');
  return [out, i];
}

/**
 * The index of `close` ending what opens at `open`, skipping quoted text. In a template, a backslash
 * outside quotes escapes the next character too (`{.a\}}`); inside brackets it does not.
 */
function findUnquoted(s: string, open: number, close: string, escapesOutsideQuotes: boolean): number {
  let quote: string | undefined;
  for (let i = open + 1; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '\\' && escapesOutsideQuotes) i++;
    else if (c === close) return i;
  }
  return -1;
}

function parseAction(src: string): Node {
  const trimmed = src.trim();
  if (trimmed === 'end') return { type: 'end' };
  if (/^range\s/.test(trimmed)) return { type: 'range', nodes: parseExpr(trimmed.slice(5).trim()) };
  return { type: 'list', nodes: parseExpr(src) };
}

const terminators = new Set([' ', '\t', '\n', '\r', '.', ',', '[', ']', '$', '@', '{', '}', '(', ')']);

/** One action's expression: a sequence of path steps and literals. */
function parseExpr(src: string): Node[] {
  const nodes: Node[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (src.startsWith('[?(', i)) {
      const close = findFilterEnd(src, i + 3);
      if (close < 0) throw new JsonPathError(`unclosed filter in ${JSON.stringify(src)}`);
      nodes.push(parseFilter(src.slice(i + 3, close)));
      i = close + 2;
    } else if (src.startsWith('..', i)) {
      nodes.push({ type: 'recursive' });
      i += 1; // the second dot starts the field
    } else if (c === ' ' || c === '\t' || c === '@' || c === '$') {
      i++;
    } else if (c === '.') {
      let j = i + 1;
      let name = '';
      while (j < src.length) {
        const d = src[j]!;
        if (d === '\\' && j + 1 < src.length) {
          name += src[j + 1];
          j += 2;
          continue;
        }
        if (terminators.has(d)) break;
        name += d;
        j++;
      }
      if (name === '*') nodes.push({ type: 'wildcard' });
      else if (name !== '') nodes.push({ type: 'field', name });
      i = j;
    } else if (c === '[') {
      const close = findUnquoted(src, i, ']', false);
      if (close < 0) throw new JsonPathError(`unterminated array in ${JSON.stringify(src)}`);
      nodes.push(parseBracket(src.slice(i + 1, close)));
      i = close + 1;
    } else if (c === '"' || c === "'") {
      const [value, next] = readQuoted(src, i);
      nodes.push({ type: 'text', text: value });
      i = next;
    } else if (/[-+0-9]/.test(c)) {
      const m = /^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(src.slice(i));
      if (!m) throw new JsonPathError(`cannot parse number in ${JSON.stringify(src)}`);
      nodes.push({ type: 'number', value: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      if (m[0] === 'true' || m[0] === 'false') nodes.push({ type: 'bool', value: m[0] === 'true' });
      else throw new JsonPathError(`unrecognized identifier ${m[0]}`);
      i += m[0].length;
    } else {
      throw new JsonPathError(`unrecognized character in action: ${JSON.stringify(c)}`);
    }
  }
  return nodes;
}

function findFilterEnd(s: string, from: number): number {
  let quote: string | undefined;
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0 && s[i + 1] === ']') return i;
      depth--;
    }
  }
  return -1;
}

function readQuoted(s: string, at: number): [string, number] {
  const q = s[at]!;
  let out = '';
  let i = at + 1;
  for (; i < s.length && s[i] !== q; i++) {
    if (s[i] === '\\' && q === '"' && i + 1 < s.length) {
      const e = s[++i]!;
      out += ({ n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', '0': '\0' } as Record<string, string>)[e] ?? `\\${e}`;
    } else out += s[i];
  }
  if (i >= s.length) throw new JsonPathError(`unterminated string in ${JSON.stringify(s)}`);
  return [out, i + 1];
}

/** `[0]`, `[-1]`, `[1:3]`, `[::2]`, `[*]`, `['a.b','c']`, `[0,2]`. */
function parseBracket(inner: string): Node {
  const parts = splitTop(inner, ',').map((p) => p.trim());
  if (parts.length > 1) return { type: 'union', branches: parts.map((p) => [parseBracket(p)]) };
  const p = parts[0]!;
  if (p === '*') return { type: 'array', single: false };
  if (/^(['"]).*\1$/s.test(p)) return { type: 'field', name: readQuoted(p, 0)[0].replace(/\\/g, '') };
  const pieces = p.split(':');
  if (pieces.length > 3) throw new JsonPathError(`invalid array index ${p}`);
  const nums = pieces.map((x) => {
    const t = x.trim();
    if (t === '') return undefined;
    if (!/^[-+]?\d+$/.test(t)) throw new JsonPathError(`invalid array index ${p}`);
    return Number(t);
  });
  if (pieces.length === 1) {
    if (nums[0] === undefined) throw new JsonPathError('invalid array index []');
    return { type: 'array', start: nums[0], single: true };
  }
  return { type: 'array', ...(nums[0] !== undefined ? { start: nums[0] } : {}), ...(nums[1] !== undefined ? { end: nums[1] } : {}), ...(nums[2] !== undefined ? { step: nums[2] } : {}), single: false };
}

function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let quote: string | undefined;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === sep) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

function parseFilter(src: string): Node {
  // Find the first comparison operator outside quotes.
  let quote: string | undefined;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      continue;
    }
    const op = ['==', '!=', '<=', '>=', '=~', '<', '>'].find((o) => src.startsWith(o, i));
    if (op) return { type: 'filter', left: parseExpr(src.slice(0, i)), op, right: parseExpr(src.slice(i + op.length)) };
  }
  return { type: 'filter', left: parseExpr(src), op: 'exists', right: [] };
}

// ---------------------------------------------------------------------------------------------------------
// Evaluation

const isObject = (v: unknown): v is Record<string, JsonValue> => v !== null && typeof v === 'object' && !Array.isArray(v);

function evalNodes(nodes: Node[], input: JsonValue[]): JsonValue[] {
  let cur = input;
  for (const node of nodes) cur = evalNode(node, cur);
  return cur;
}

function evalNode(node: Node, input: JsonValue[]): JsonValue[] {
  switch (node.type) {
    case 'text':
      return [node.text];
    case 'number':
      return [node.value];
    case 'bool':
      return [node.value];
    case 'list':
      return evalNodes(node.nodes, input);
    case 'field': {
      const out: JsonValue[] = [];
      for (const v of input) if (isObject(v) && Object.prototype.hasOwnProperty.call(v, node.name)) out.push(v[node.name]!);
      return out;
    }
    case 'wildcard': {
      const out: JsonValue[] = [];
      for (const v of input) {
        if (isObject(v)) for (const k of Object.keys(v).sort()) out.push(v[k]!);
        else if (Array.isArray(v)) out.push(...v);
      }
      return out;
    }
    case 'recursive':
      return recursive(input);
    case 'array': {
      const out: JsonValue[] = [];
      for (const v of input) {
        if (v === null) continue;
        if (!Array.isArray(v)) throw new JsonPathError(`${describeType(v)} is not array or slice`);
        out.push(...slice(v, node));
      }
      return out;
    }
    case 'union':
      return node.branches.flatMap((b) => evalNodes(b, input));
    case 'filter': {
      const out: JsonValue[] = [];
      for (const v of input) {
        const items = Array.isArray(v) ? v : isObject(v) ? Object.keys(v).sort().map((k) => v[k]!) : [];
        for (const item of items) if (filterHolds(node, item)) out.push(item);
      }
      return out;
    }
    case 'range':
    case 'end':
      throw new JsonPathError('unexpected range/end');
  }
}

function describeType(v: JsonValue): string {
  return isObject(v) ? 'map[string]interface {}' : typeof v === 'string' ? 'string' : typeof v === 'number' ? 'int64' : typeof v === 'boolean' ? 'bool' : 'interface {}';
}

function slice(list: JsonValue[], node: Extract<Node, { type: 'array' }>): JsonValue[] {
  const len = list.length;
  let start = node.start ?? 0;
  if (start < 0) start += len;
  let end = node.single ? (node.start ?? 0) + 1 : (node.end ?? len);
  if (end < 0 || (node.single && end === 0)) end += len;
  if (end === start) return [];
  if (start >= len || start < 0) throw new JsonPathError(`array index out of bounds: index ${start}, length ${len}`);
  if (node.single && (end > len || end < 0)) throw new JsonPathError(`array index out of bounds: index ${end - 1}, length ${len}`);
  end = Math.min(end, len);
  if (start > end) throw new JsonPathError(`starting index ${start} is greater than ending index ${end}`);
  const step = node.step ?? 1;
  if (step <= 0) throw new JsonPathError('step must be > 0');
  const out: JsonValue[] = [];
  for (let i = start; i < end; i += step) out.push(list[i]!);
  return out;
}

/** client-go's evalRecursive: each container, then (recursively) its children's containers. */
function recursive(input: JsonValue[]): JsonValue[] {
  const result: JsonValue[] = [];
  for (const v of input) {
    const children = isObject(v) ? Object.keys(v).sort().map((k) => v[k]!) : Array.isArray(v) ? v : [];
    if (children.length) {
      result.push(v);
      result.push(...recursive(children));
    }
  }
  return result;
}

function filterHolds(node: Extract<Node, { type: 'filter' }>, item: JsonValue): boolean {
  const left = evalNodes(node.left, [item]);
  if (node.op === 'exists') return left.length > 0;
  const right = evalNodes(node.right, [item]);
  if (left.length === 0 || right.length === 0) return false;
  const [a, b] = [left[0]!, right[0]!];
  switch (node.op) {
    case '==':
      return equal(a, b);
    case '!=':
      return !equal(a, b);
    case '=~':
      return typeof a === 'string' && typeof b === 'string' && new RegExp(b).test(a);
    default: {
      const [x, y] = [Number(a), Number(b)];
      if (typeof a === 'string' && typeof b === 'string' && (Number.isNaN(x) || Number.isNaN(y))) {
        return node.op === '<' ? a < b : node.op === '>' ? a > b : node.op === '<=' ? a <= b : a >= b;
      }
      return node.op === '<' ? x < y : node.op === '>' ? x > y : node.op === '<=' ? x <= y : x >= y;
    }
  }
}

function equal(a: JsonValue, b: JsonValue): boolean {
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The values each action yields, in template order (text outside `{}` included as strings). */
export function findResults(path: JsonPath, data: JsonValue): JsonValue[][] {
  const out: JsonValue[][] = [];
  const walk = (blocks: Block[], root: JsonValue) => {
    for (const b of blocks) {
      if (b.kind === 'range') {
        for (const item of evalNode(b.expr, [root])) walk(b.body, item);
      } else {
        out.push(b.node.type === 'text' ? [b.node.text] : evalNode(b.node, [root]));
      }
    }
  };
  walk(path.nodes, data);
  return out;
}

/** One value as kubectl prints it inside a template. */
export function printValue(v: JsonValue): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return goJson(v);
}

/** `-o jsonpath=TEMPLATE`: the printed text (no trailing newline, like kubectl). */
export function executeJsonPath(template: string | JsonPath, data: JsonValue): string {
  const path = typeof template === 'string' ? parseJsonPath(template) : template;
  try {
    return findResults(path, data).map((values) => values.map(printValue).join(' ')).join('');
  } catch (error) {
    throw kubectlError(path.template, error);
  }
}

/** An evaluation error worded as kubectl words it. */
function kubectlError(template: string, error: unknown): Error {
  if (!(error instanceof JsonPathError)) return error as Error;
  return new JsonPathError(`error: error executing jsonpath ${JSON.stringify(template)}: Error executing template: ${error.message}`);
}

/** `-o jsonpath-as-json=TEMPLATE`: every result in one JSON array, indented like kubectl. */
export function executeJsonPathAsJson(template: string, data: JsonValue): string {
  try {
    return `${goJson(findResults(parseJsonPath(template), data).flat(), 4)}\n`;
  } catch (error) {
    throw kubectlError(template, error);
  }
}

/** kubectl's RelaxedJSONPathExpression: `.a.b`, `a.b` and `{.a.b}` all mean `{.a.b}`. */
export function relaxedJsonPath(expr: string): string {
  const t = expr.trim();
  if (t.startsWith('{') && t.endsWith('}')) return t;
  if (t.startsWith('{') || t.endsWith('}')) throw new JsonPathError(`unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'`);
  return `{${t.startsWith('.') ? '' : '.'}${t}}`;
}
