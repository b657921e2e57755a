/**
 * PyYAML as the aws CLI uses it for kubeconfig files (awscli/customizations/eks/ordered_yaml.py):
 * `yaml.load` with the SafeLoader's YAML 1.1 resolver (mappings kept in order), and `yaml.dump` with
 * the SafeDumper, `default_flow_style=False`: block collections, empty ones as `{}`/`[]`, sequences
 * inside mappings not indented, scalars plain when they read back as themselves, else single-quoted,
 * else double-quoted (non-ASCII escaped, as `allow_unicode` is off), long scalars folded at 80 columns.
 * The emitter is ported from yaml/emitter.py (its state machine as recursion), the resolver from
 * yaml/resolver.py.
 */
import { isAlias, isMap, isScalar, isSeq, parseDocument, Scalar, type Document, type Node } from 'yaml';
import { pyFloatRepr } from '../output.js';

/** A Python value as the loader builds it: ints stay ints, floats floats, mappings ordered. */
export type PyValue = string | boolean | null | PyInt | PyFloat | Timestamp | PyValue[] | PyMap;

export class PyInt {
  constructor(readonly value: bigint) {}
}
export class PyFloat {
  constructor(readonly value: number) {}
}

/** An OrderedDict. */
export class PyMap {
  readonly entries: Array<[PyValue, PyValue]>;
  constructor(entries: Array<[PyValue, PyValue]> = []) {
    this.entries = entries;
  }
  get(key: string): PyValue | undefined {
    return this.entries.find(([k]) => k === key)?.[1];
  }
  has(key: string): boolean {
    return this.entries.some(([k]) => k === key);
  }
  set(key: string, value: PyValue): this {
    const at = this.entries.findIndex(([k]) => k === key);
    if (at >= 0) this.entries[at]![1] = value;
    else this.entries.push([key, value]);
    return this;
  }
}

export class YamlError extends Error {
  override readonly name = 'YamlError';
}

// ---- the resolver (yaml/resolver.py) ----

const RESOLVERS: Array<[string, RegExp, string]> = [
  ['bool', /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/, 'yYnNtTfFoO'],
  ['float', /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/, '-+0123456789.'],
  ['int', /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/, '-+0123456789'],
  ['merge', /^(?:<<)$/, '<'],
  ['null', /^(?:~|null|Null|NULL|)$/, '~nN'],
  ['timestamp', /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/, '0123456789'],
  ['value', /^(?:=)$/, '='],
  ['yaml', /^(?:!|&|\*)$/, '!&*'],
];

/** The tag a plain scalar resolves to. */
function resolvePlain(value: string): string {
  if (value === '') return 'null';
  for (const [tag, re, first] of RESOLVERS) if (first.includes(value[0]!) && re.test(value)) return tag;
  return 'str';
}

function constructInt(text: string): PyInt {
  let value = text.replaceAll('_', '');
  let sign = 1n;
  if (value[0] === '-') sign = -1n;
  if (value[0] === '-' || value[0] === '+') value = value.slice(1);
  if (value === '0') return new PyInt(0n);
  if (value.startsWith('0b')) return new PyInt(sign * BigInt(value));
  if (value.startsWith('0x')) return new PyInt(sign * BigInt(value));
  if (value[0] === '0') return new PyInt(sign * BigInt(`0o${value.slice(1)}`));
  if (value.includes(':')) {
    let n = 0n;
    for (const digit of value.split(':')) n = n * 60n + BigInt(digit);
    return new PyInt(sign * n);
  }
  return new PyInt(sign * BigInt(value));
}

function constructFloat(text: string): PyFloat {
  let value = text.replaceAll('_', '').toLowerCase();
  let sign = 1;
  if (value[0] === '-') sign = -1;
  if (value[0] === '-' || value[0] === '+') value = value.slice(1);
  if (value === '.inf') return new PyFloat(sign * Infinity);
  if (value === '.nan') return new PyFloat(NaN);
  if (value.includes(':')) {
    let n = 0;
    for (const digit of value.split(':')) n = n * 60 + Number(digit);
    return new PyFloat(sign * n);
  }
  return new PyFloat(sign * Number(value));
}

function construct(tag: string, text: string): PyValue {
  switch (tag) {
    case 'bool':
      return /^(yes|true|on)$/i.test(text);
    case 'int':
      return constructInt(text);
    case 'float':
      return constructFloat(text);
    case 'null':
      return null;
    default:
      // timestamps and the rest are kept as their text (dumped back plain when they still resolve so)
      return tag === 'timestamp' ? new Timestamp(text) : text;
  }
}

/**
 * A timestamp: PyYAML builds a date or a datetime, and dumps it back as `isoformat(' ')`
 * (`2001-12-14 21:59:43.100000-05:00`); `text` is that form.
 */
export class Timestamp {
  readonly text: string;
  constructor(source: string) {
    const m = /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9]{1,2})(?::([0-9]{2}))?))?)?$/.exec(source);
    const p2 = (v: string | number) => String(v).padStart(2, '0');
    if (!m) {
      this.text = source;
      return;
    }
    const [, year, month, day, hour, minute, second, fraction, tz, sign, tzHour, tzMinute] = m;
    const date = `${year}-${p2(Number(month))}-${p2(Number(day))}`;
    if (!hour) {
      this.text = date;
      return;
    }
    const micro = fraction ? Number(fraction.slice(0, 6).padEnd(6, '0')) : 0;
    let text = `${date} ${p2(Number(hour))}:${minute}:${second}${micro ? `.${String(micro).padStart(6, '0')}` : ''}`;
    if (sign) text += `${sign}${p2(Number(tzHour))}:${p2(Number(tzMinute ?? 0))}`;
    else if (tz) text += '+00:00';
    this.text = text;
  }
}

/** `yaml.load(text, SafeOrderedLoader)`: one document (none is None). */
export function loadYaml(text: string): PyValue {
  let doc: Document.Parsed;
  try {
    const docs = [parseDocumentOrThrow(text)];
    doc = docs[0]!;
  } catch (error) {
    throw new YamlError((error as Error).message);
  }
  if (doc.errors.length) throw new YamlError(doc.errors[0]!.message);
  const convert = (node: unknown): PyValue => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return convert(node.resolve(doc));
    if (isScalar(node)) {
      const raw = String(node.value ?? '');
      const tag = node.tag?.replace(/^tag:yaml\.org,2002:/, '').replace(/^!!/, '');
      if (tag && tag !== 'str') return construct(tag, raw);
      if (tag === 'str' || node.type !== Scalar.PLAIN) return raw;
      return construct(resolvePlain(raw), raw);
    }
    if (isMap(node)) return new PyMap(node.items.map((pair) => [convert(pair.key), convert(pair.value)]));
    if (isSeq(node)) return node.items.map(convert);
    throw new YamlError('unsupported YAML node');
  };
  return convert(doc.contents as Node | null);
}

function parseDocumentOrThrow(text: string): Document.Parsed {
  return parseDocument(text, { schema: 'failsafe', version: '1.1', uniqueKeys: false, prettyErrors: false });
}

// ---- the emitter (yaml/emitter.py), SafeDumper with default_flow_style=False ----

const BREAKS = '\n\x85\u2028\u2029';
const WHITESPACE = `\0 \t\r${BREAKS}`;
const WIDTH = 80;
const INDENT = 2;

interface Analysis {
  scalar: string[];
  empty: boolean;
  multiline: boolean;
  allowFlowPlain: boolean;
  allowBlockPlain: boolean;
  allowSingleQuoted: boolean;
}

function analyze(text: string): Analysis {
  const s = Array.from(text);
  if (!s.length) return { scalar: s, empty: true, multiline: false, allowFlowPlain: false, allowBlockPlain: true, allowSingleQuoted: true };
  let block = false;
  let flow = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  if (text.startsWith('---') || text.startsWith('...')) block = flow = true;
  let precededByWhitespace = true;
  let followedByWhitespace = s.length === 1 || WHITESPACE.includes(s[1]!);
  let previousSpace = false;
  let previousBreak = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) flow = block = true;
      if ('?:'.includes(ch)) {
        flow = true;
        if (followedByWhitespace) block = true;
      }
      if (ch === '-' && followedByWhitespace) flow = block = true;
    } else {
      if (',?[]{}'.includes(ch)) flow = true;
      if (ch === ':') {
        flow = true;
        if (followedByWhitespace) block = true;
      }
      if (ch === '#' && precededByWhitespace) flow = block = true;
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    const cp = ch.codePointAt(0)!;
    // allow_unicode is off: anything but printable ASCII (and \n) is special.
    if (!(ch === '\n' || (cp >= 0x20 && cp <= 0x7e))) special = true;
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === s.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (i === 0) leadingBreak = true;
      if (i === s.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = WHITESPACE.includes(ch);
    followedByWhitespace = i + 2 >= s.length || WHITESPACE.includes(s[i + 2]!);
  }
  let allowFlowPlain = true;
  let allowBlockPlain = true;
  let allowSingleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) allowFlowPlain = allowBlockPlain = false;
  if (breakSpace) allowFlowPlain = allowBlockPlain = allowSingleQuoted = false;
  if (spaceBreak || special) allowFlowPlain = allowBlockPlain = allowSingleQuoted = false;
  if (lineBreaks) allowFlowPlain = allowBlockPlain = false;
  if (flow) allowFlowPlain = false;
  if (block) allowBlockPlain = false;
  return { scalar: s, empty: false, multiline: lineBreaks, allowFlowPlain, allowBlockPlain, allowSingleQuoted };
}

const ESCAPES: Readonly<Record<string, string>> = {
  '\0': '0', '\x07': 'a', '\x08': 'b', '\x09': 't', '\x0A': 'n', '\x0B': 'v', '\x0C': 'f', '\x0D': 'r', '\x1B': 'e',
  '"': '"', '\\': '\\', '\x85': 'N', '\xA0': '_', '\u2028': 'L', '\u2029': 'P',
};

interface ScalarEvent {
  value: string;
  /** Whether the plain text reads back as this value's own type. */
  plainImplicit: boolean;
}

function scalarOf(value: PyValue): ScalarEvent | undefined {
  if (typeof value === 'string') return { value, plainImplicit: resolvePlain(value) === 'str' };
  if (value === null) return { value: 'null', plainImplicit: true };
  if (typeof value === 'boolean') return { value: value ? 'true' : 'false', plainImplicit: true };
  if (value instanceof PyInt) return { value: value.value.toString(), plainImplicit: true };
  if (value instanceof PyFloat) {
    const v = value.value;
    let text = Number.isNaN(v) ? '.nan' : v === Infinity ? '.inf' : v === -Infinity ? '-.inf' : pyFloatRepr(v).toLowerCase();
    if (!text.includes('.') && text.includes('e')) text = text.replace('e', '.0e');
    return { value: text, plainImplicit: true };
  }
  if (value instanceof Timestamp) return { value: value.text, plainImplicit: resolvePlain(value.text) === 'timestamp' };
  return undefined;
}

class Emitter {
  out = '';
  column = 0;
  whitespace = true;
  indention = true;
  indent: number | null = null;
  indents: Array<number | null> = [];
  flowLevel = 0;
  simpleKeyContext = false;
  mappingContext = false;

  increaseIndent(flow: boolean, indentless = false): void {
    this.indents.push(this.indent);
    if (this.indent === null) this.indent = flow ? INDENT : 0;
    else if (!indentless) this.indent += INDENT;
  }

  writeIndicator(indicator: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWhitespace ? indicator : ` ${indicator}`;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.column += Array.from(data).length;
    this.out += data;
  }

  writeIndent(): void {
    const indent = this.indent ?? 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.writeLineBreak();
    if (this.column < indent) {
      this.whitespace = true;
      this.out += ' '.repeat(indent - this.column);
      this.column = indent;
    }
  }

  writeLineBreak(data = '\n'): void {
    this.whitespace = true;
    this.indention = true;
    this.column = 0;
    this.out += data;
  }

  write(chars: string[]): void {
    this.column += chars.length;
    this.out += chars.join('');
  }

  node(value: PyValue, context: { mapping?: boolean; simpleKey?: boolean } = {}): void {
    this.mappingContext = !!context.mapping;
    this.simpleKeyContext = !!context.simpleKey;
    const scalar = scalarOf(value);
    if (scalar) {
      this.increaseIndent(true);
      this.scalar(scalar);
      this.indent = this.indents.pop()!;
      return;
    }
    if (Array.isArray(value)) {
      if (this.flowLevel || !value.length) this.flowSequence(value);
      else this.blockSequence(value);
      return;
    }
    const map = value as PyMap;
    if (this.flowLevel || !map.entries.length) this.flowMapping(map);
    else this.blockMapping(map);
  }

  blockSequence(items: PyValue[]): void {
    const indentless = this.mappingContext && !this.indention;
    this.increaseIndent(false, indentless);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(item);
    }
    this.indent = this.indents.pop()!;
  }

  blockMapping(map: PyMap): void {
    this.increaseIndent(false);
    for (const [key, value] of map.entries) {
      this.writeIndent();
      if (this.simpleKey(key)) {
        this.node(key, { mapping: true, simpleKey: true });
        this.writeIndicator(':', false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.node(key, { mapping: true });
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.node(value, { mapping: true });
    }
    this.indent = this.indents.pop()!;
  }

  flowSequence(items: PyValue[]): void {
    this.writeIndicator('[', true, true);
    this.flowLevel++;
    this.increaseIndent(true);
    items.forEach((item, i) => {
      if (i > 0) this.writeIndicator(',', false);
      if (this.column > WIDTH) this.writeIndent();
      this.node(item);
    });
    this.indent = this.indents.pop()!;
    this.flowLevel--;
    this.writeIndicator(']', false);
  }

  flowMapping(map: PyMap): void {
    this.writeIndicator('{', true, true);
    this.flowLevel++;
    this.increaseIndent(true);
    map.entries.forEach(([key, value], i) => {
      if (i > 0) this.writeIndicator(',', false);
      if (this.column > WIDTH) this.writeIndent();
      if (this.simpleKey(key)) {
        this.node(key, { mapping: true, simpleKey: true });
        this.writeIndicator(':', false);
      } else {
        this.writeIndicator('?', true);
        this.node(key, { mapping: true });
        if (this.column > WIDTH) this.writeIndent();
        this.writeIndicator(':', true);
      }
      this.node(value, { mapping: true });
    });
    this.indent = this.indents.pop()!;
    this.flowLevel--;
    this.writeIndicator('}', false);
  }

  simpleKey(key: PyValue): boolean {
    const scalar = scalarOf(key);
    if (scalar) {
      const a = analyze(scalar.value);
      return a.scalar.length < 128 && !a.empty && !a.multiline;
    }
    return (Array.isArray(key) && !key.length) || (key instanceof PyMap && !key.entries.length);
  }

  scalar(event: ScalarEvent): void {
    const a = analyze(event.value);
    let style: '' | "'" | '"' = '"';
    if (
      event.plainImplicit &&
      !(this.simpleKeyContext && (a.empty || a.multiline)) &&
      ((this.flowLevel && a.allowFlowPlain) || (!this.flowLevel && a.allowBlockPlain))
    ) {
      style = '';
    } else if (a.allowSingleQuoted && !(this.simpleKeyContext && a.multiline)) {
      style = "'";
    }
    const split = !this.simpleKeyContext;
    if (style === '"') this.doubleQuoted(a.scalar, split);
    else if (style === "'") this.singleQuoted(a.scalar, split);
    else this.plain(a.scalar, split);
  }

  plain(text: string[], split: boolean): void {
    if (!text.length) return;
    if (!this.whitespace) this.write([' ']);
    this.whitespace = false;
    this.indention = false;
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end]! : undefined;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > WIDTH && split) {
            this.writeIndent();
            this.whitespace = false;
            this.indention = false;
          } else this.write(text.slice(start, end));
          start = end;
        }
      } else if (breaks) {
        if (ch === undefined || !BREAKS.includes(ch)) {
          if (text[start] === '\n') this.writeLineBreak();
          for (const br of text.slice(start, end)) this.writeLineBreak(br === '\n' ? '\n' : br);
          this.writeIndent();
          this.whitespace = false;
          this.indention = false;
          start = end;
        }
      } else if (ch === undefined || ` ${BREAKS}`.includes(ch)) {
        this.write(text.slice(start, end));
        start = end;
      }
      if (ch !== undefined) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
  }

  singleQuoted(text: string[], split: boolean): void {
    this.writeIndicator("'", true);
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end]! : undefined;
      if (spaces) {
        if (ch === undefined || ch !== ' ') {
          if (start + 1 === end && this.column > WIDTH && split && start !== 0 && end !== text.length) this.writeIndent();
          else this.write(text.slice(start, end));
          start = end;
        }
      } else if (breaks) {
        if (ch === undefined || !BREAKS.includes(ch)) {
          if (text[start] === '\n') this.writeLineBreak();
          for (const br of text.slice(start, end)) this.writeLineBreak(br === '\n' ? '\n' : br);
          this.writeIndent();
          start = end;
        }
      } else if (ch === undefined || ` ${BREAKS}`.includes(ch) || ch === "'") {
        if (start < end) {
          this.write(text.slice(start, end));
          start = end;
        }
      }
      if (ch === "'") {
        this.write(["'", "'"]);
        start = end + 1;
      }
      if (ch !== undefined) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
    this.writeIndicator("'", false);
  }

  doubleQuoted(text: string[], split: boolean): void {
    this.writeIndicator('"', true);
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end]! : undefined;
      const cp = ch?.codePointAt(0) ?? 0;
      if (ch === undefined || '"\\\x85\u2028\u2029\uFEFF'.includes(ch) || !(cp >= 0x20 && cp <= 0x7e)) {
        if (start < end) {
          this.write(text.slice(start, end));
          start = end;
        }
        if (ch !== undefined) {
          const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');
          const data = ESCAPES[ch] !== undefined ? `\\${ESCAPES[ch]}` : cp <= 0xff ? `\\x${hex(cp, 2)}` : cp <= 0xffff ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
          this.write(Array.from(data));
          start = end + 1;
        }
      }
      if (end > 0 && end < text.length - 1 && (ch === ' ' || start >= end) && this.column + (end - start) > WIDTH && split) {
        const data = [...text.slice(start, end), '\\'];
        if (start < end) start = end;
        this.write(data);
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
        if (text[start] === ' ') this.write(['\\']);
      }
    }
    this.writeIndicator('"', false);
  }
}

/** `yaml.dump(value, Dumper=SafeOrderedDumper, default_flow_style=False)`. */
export function dumpYaml(value: PyValue): string {
  const e = new Emitter();
  e.node(value);
  // expect_document_end
  e.writeIndent();
  return e.out;
}
