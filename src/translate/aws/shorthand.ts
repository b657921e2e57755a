/**
 * The aws CLI's shorthand syntax (`Key=Value,Key2=[a,b],Key3={x=y}`), ported from awscli/shorthand.py:
 * a purely syntactic parser, then the back-compat visitor that uses the model to coerce scalars.
 */
import { kindOf, type NormalizedSchema } from './schema.js';

export class ShorthandParseError extends Error {
  override readonly name = 'ShorthandParseError';
  constructor(
    message: string,
    readonly input: string,
    readonly index: number,
    readonly kind: 'syntax' | 'duplicate' | 'document' = 'syntax',
  ) {
    super(message);
  }

  /**
   * The CLI's text for it. Its syntax error lacks an f-string prefix, so it prints the literal
   * `{self._error_location()}` where the location belongs (awscli/shorthand.py).
   */
  get cliText(): string {
    if (this.kind === 'syntax') return `${this.message} for input:\n{self._error_location()}`;
    if (this.kind === 'duplicate') return `${this.message} for input:\n${this.location}\nThis is often because there is a preceding "," instead of a space.`;
    return this.message;
  }

  /** The input with a caret under the failing position. */
  get location(): string {
    const before = this.input.slice(0, this.index);
    const lineStart = before.lastIndexOf('\n') + 1;
    const lineEnd = this.input.indexOf('\n', this.index);
    const line = this.input.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
    return `${line}\n${' '.repeat(this.index - lineStart)}^`;
  }
}

export type ShorthandValue = string | Uint8Array | ShorthandValue[] | { [key: string]: ShorthandValue };

/** Loads `key@=file://…` values; returns undefined when the value is not a file reference. */
export type ParamFileResolver = (value: string) => string | Uint8Array | undefined;

// Character classes of shorthand.py, range for range.
const START_WORD = '!#-&(-+\\--<>-Z\\\\-z|-\\uffff';
const FIRST_FOLLOW = '\\s!#-&(-+\\--\\\\^-|~-\\uffff';
const SECOND_FOLLOW = '\\s!#-&(-+\\--<>-\\uffff';
const ESCAPED_COMMA = '(\\\\,)';
const FIRST_VALUE = new RegExp(`(${ESCAPED_COMMA}|[${START_WORD}])(${ESCAPED_COMMA}|[${FIRST_FOLLOW}])*`, 'y');
const SECOND_VALUE = new RegExp(`(${ESCAPED_COMMA}|[${START_WORD}])(${ESCAPED_COMMA}|[${SECOND_FOLLOW}])*`, 'y');
const SINGLE_QUOTED = /'(?:\\'|[^'])*'/y;
const DOUBLE_QUOTED = /"(?:\\"|[^"])*"/y;
const KEY_CHARS = /[A-Za-z0-9\-_.#/:]/;
const WHITESPACE = ' \t\n\r\x0b\x0c';

export class ShorthandParser {
  private input = '';
  private index = 0;
  private resolveFiles = false;

  constructor(private readonly resolveParamFile?: ParamFileResolver) {}

  /** `a=b` → `{a: 'b'}`, `a=b,c` → `{a: ['b', 'c']}`. */
  parse(value: string): Record<string, ShorthandValue> {
    this.input = value;
    this.index = 0;
    this.resolveFiles = false;
    return this.parameter();
  }

  private parameter(): Record<string, ShorthandValue> {
    const params: Record<string, ShorthandValue> = {};
    let [key, val] = this.keyval();
    params[key] = val;
    let lastIndex = this.index;
    while (this.index < this.input.length) {
      this.expect(',', true);
      [key, val] = this.keyval();
      if (Object.hasOwn(params, key)) {
        throw new ShorthandParseError(`Second instance of key "${key}" encountered`, this.input, lastIndex + 1, 'duplicate');
      }
      params[key] = val;
      lastIndex = this.index;
    }
    return params;
  }

  private keyval(): [string, ShorthandValue] {
    const key = this.key();
    this.resolveFiles = this.tryExpect('@');
    this.expect('=', true);
    return [key, this.values()];
  }

  private key(): string {
    const start = this.index;
    while (!this.atEof() && KEY_CHARS.test(this.input[this.index])) this.index++;
    return this.input.slice(start, this.index);
  }

  private values(): ShorthandValue {
    if (this.atEof()) return '';
    if (this.current() === '[') return this.explicitList();
    if (this.current() === '{') return this.hashLiteral();
    return this.csvValue();
  }

  private csvValue(): ShorthandValue {
    const first = this.firstValue();
    this.consumeWhitespace();
    if (this.atEof() || this.input[this.index] !== ',') return first;
    this.expect(',', true);
    const list: ShorthandValue[] = [first];
    for (;;) {
      try {
        const current = this.secondValue();
        this.consumeWhitespace();
        if (this.atEof()) {
          list.push(current);
          break;
        }
        this.expect(',', true);
        list.push(current);
      } catch (error) {
        if (!(error instanceof ShorthandParseError) || this.atEof()) throw error;
        // `foo=a,b,c=d`: `c` starts the next key; back up to the comma before it.
        this.backtrackTo(',');
        break;
      }
    }
    return list.length === 1 ? first : list;
  }

  private value(): ShorthandValue {
    const matched = this.matchRegex(FIRST_VALUE);
    if (matched === undefined) return '';
    return this.maybeFile(matched.replaceAll('\\,', ',').trimEnd());
  }

  private explicitList(): ShorthandValue[] {
    this.expect('[', true);
    const values: ShorthandValue[] = [];
    while (this.current() !== ']') {
      values.push(this.explicitValues());
      this.consumeWhitespace();
      if (this.current() !== ']') {
        this.expect(',');
        this.consumeWhitespace();
      }
    }
    this.expect(']');
    return values;
  }

  private explicitValues(): ShorthandValue {
    if (this.current() === '[') return this.explicitList();
    if (this.current() === '{') return this.hashLiteral();
    return this.firstValue();
  }

  private hashLiteral(): Record<string, ShorthandValue> {
    this.expect('{', true);
    const keyvals: Record<string, ShorthandValue> = {};
    while (this.current() !== '}') {
      const key = this.key();
      this.resolveFiles = this.tryExpect('@');
      this.expect('=', true);
      const v = this.explicitValues();
      this.consumeWhitespace();
      if (this.current() !== '}') {
        this.expect(',');
        this.consumeWhitespace();
      }
      keyvals[key] = v;
    }
    this.expect('}');
    return keyvals;
  }

  private firstValue(): ShorthandValue {
    if (this.current() === "'") return this.quoted(SINGLE_QUOTED, "'");
    if (this.current() === '"') return this.quoted(DOUBLE_QUOTED, '"');
    return this.value();
  }

  private secondValue(): ShorthandValue {
    if (this.current() === "'") return this.quoted(SINGLE_QUOTED, "'");
    if (this.current() === '"') return this.quoted(DOUBLE_QUOTED, '"');
    const consumed = this.mustMatch(SECOND_VALUE, 'second');
    return this.maybeFile(consumed.replaceAll('\\,', ',').trimEnd());
  }

  private quoted(regex: RegExp, quote: string): ShorthandValue {
    const raw = this.mustMatch(regex, quote === "'" ? 'singled quoted' : 'double quoted').slice(1, -1);
    return this.maybeFile(raw.replaceAll(`\\${quote}`, quote).replaceAll('\\\\', '\\'));
  }

  private maybeFile(value: string): ShorthandValue {
    if (!this.resolveFiles || !this.resolveParamFile) return value;
    return this.resolveParamFile(value) ?? value;
  }

  private tryExpect(char: string): boolean {
    const saved = this.index;
    try {
      this.expect(char, true);
      return true;
    } catch (error) {
      if (!(error instanceof ShorthandParseError)) throw error;
      this.index = saved;
      return false;
    }
  }

  private expect(char: string, consumeWhitespace = false): void {
    if (consumeWhitespace) this.consumeWhitespace();
    if (this.index >= this.input.length) {
      throw new ShorthandParseError(`Expected: '${char}', received: 'EOF'`, this.input, this.index);
    }
    const actual = this.input[this.index];
    if (actual !== char) {
      throw new ShorthandParseError(`Expected: '${char}', received: '${actual}'`, this.input, this.index);
    }
    this.index++;
    if (consumeWhitespace) this.consumeWhitespace();
  }

  private matchRegex(regex: RegExp): string | undefined {
    regex.lastIndex = this.index;
    const m = regex.exec(this.input);
    if (!m) return undefined;
    this.index += m[0].length;
    return m[0];
  }

  private mustMatch(regex: RegExp, name: string): string {
    const m = this.matchRegex(regex);
    if (m === undefined) {
      throw new ShorthandParseError(`Expected: '<${name}>', received: '<none>'`, this.input, this.index);
    }
    return m;
  }

  private current(): string | undefined {
    return this.index < this.input.length ? this.input[this.index] : undefined;
  }

  private atEof(): boolean {
    return this.index >= this.input.length;
  }

  private backtrackTo(char: string): void {
    while (this.index >= 0 && this.input[this.index] !== char) this.index--;
  }

  private consumeWhitespace(): void {
    while (this.index < this.input.length && WHITESPACE.includes(this.input[this.index])) this.index++;
  }
}

/**
 * BackCompatVisitor: wraps scalars given for lists (`foo=bar` → `['bar']`), turns numeric and boolean
 * strings into numbers and booleans where the model says so, and refuses documents.
 */
export function applyModel(value: unknown, schema: NormalizedSchema): unknown {
  const holder: Record<string, unknown> = { v: value };
  visit(holder, 'v', schema);
  return holder.v;
}

function visit(parent: Record<string | number, unknown>, key: string | number, schema: NormalizedSchema): void {
  const value = parent[key];
  const kind = kindOf(schema);
  if (kind === 'structure' || kind === 'union') {
    if (value != null && schema.isDocumentSchema()) throw documentError(String(key));
    if (!isRecord(value)) return;
    for (const [name, member] of schema.structIterator()) {
      if (member.isDocumentSchema() && value[name] != null) throw documentError(name);
      if (Object.hasOwn(value, name)) visit(value, name, member);
    }
  } else if (kind === 'list') {
    if (!Array.isArray(value)) {
      if (value != null) parent[key] = [value];
      return;
    }
    const member = schema.getValueSchema();
    for (let i = 0; i < value.length; i++) visit(value as unknown as Record<number, unknown>, i, member);
  } else if (kind === 'map') {
    if (!isRecord(value)) return;
    const member = schema.getValueSchema();
    for (const k of Object.keys(value)) visit(value, k, member);
  } else if (kind === 'document') {
    if (value != null) throw documentError(String(key));
  } else if (typeof value === 'string') {
    if (kind === 'number' || kind === 'bigint') {
      const n = parseNumber(value);
      if (n !== undefined) parent[key] = n;
    } else if (kind === 'boolean') {
      if (value.toLowerCase() === 'true') parent[key] = true;
      else if (value.toLowerCase() === 'false') parent[key] = false;
    }
  }
}

function documentError(member: string): ShorthandParseError {
  return new ShorthandParseError(
    `Shorthand syntax does not support document types. Use JSON input for top-level argument to specify nested parameter: ${member}`,
    '',
    0,
    'document',
  );
}

/** Python's `int()`/`float()` on a CLI string: surrounding whitespace and `_` separators allowed. */
export function parseNumber(text: string): number | undefined {
  const t = text.trim().replace(/(?<=\d)_(?=\d)/g, '');
  if (/^[+-]?\d+$/.test(t)) return Number(t);
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return Number(t);
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
