/**
 * Python's `json.loads` (the C scanner CPython uses, Modules/_json.c), for the values the aws CLI
 * parses as JSON: the same documents are accepted (NaN, Infinity, duplicate keys, the last one wins)
 * and a malformed one fails with Python's message, `Expecting ',' delimiter: line 1 column 9 (char 8)`,
 * which the CLI prints after `Invalid JSON:`.
 */

export class PyJsonError extends Error {
  override readonly name = 'PyJsonError';
  constructor(
    readonly msg: string,
    /** Offset in the document, in code points as Python counts. */
    readonly pos: number,
    readonly lineno: number,
    readonly colno: number,
  ) {
    super(`${msg}: line ${lineno} column ${colno} (char ${pos})`);
  }
}

class StopIteration {
  constructor(readonly index: number) {}
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** `json.loads(text)`; objects keep their keys' order of first appearance. */
export function pyJsonLoads(text: string): unknown {
  // Python indexes code points: work on them so every position matches.
  const s = Array.from(text);
  const fail = (msg: string, pos: number): never => {
    const before = s.slice(0, pos);
    const lineno = before.filter((c) => c === '\n').length + 1;
    const colno = pos - before.lastIndexOf('\n');
    throw new PyJsonError(msg, pos, lineno, colno);
  };
  if (s[0] === '\ufeff') fail('Unexpected UTF-8 BOM (decode using utf-8-sig)', 0);
  const end = s.length - 1;
  const skip = (idx: number) => {
    while (idx <= end && WHITESPACE.has(s[idx]!)) idx++;
    return idx;
  };
  const word = (idx: number, w: string) => s.slice(idx, idx + w.length).join('') === w;

  const scanString = (start: number): [string, number] => {
    const begin = start - 1;
    let out = '';
    let idx = start;
    for (;;) {
      let next = idx;
      let c = '';
      for (; next <= end; next++) {
        c = s[next]!;
        if (c === '"' || c === '\\') break;
        if (c.codePointAt(0)! <= 0x1f) fail('Invalid control character at', next);
      }
      if (next > end) fail('Unterminated string starting at', begin);
      out += s.slice(idx, next).join('');
      next++;
      if (c === '"') return [out, next];
      if (next > end) fail('Unterminated string starting at', begin);
      const e = s[next]!;
      if (e !== 'u') {
        idx = next + 1;
        if (!(e in ESCAPES)) fail('Invalid \\escape', idx - 2);
        out += ESCAPES[e];
        continue;
      }
      next++;
      idx = next + 4;
      if (idx >= s.length) fail('Invalid \\uXXXX escape', next - 1);
      const hex = (from: number, to: number) => {
        const digits = s.slice(from, to).join('');
        if (!/^[0-9a-fA-F]{4}$/.test(digits)) fail('Invalid \\uXXXX escape', to - 5);
        return parseInt(digits, 16);
      };
      let code = hex(next, idx);
      if (code >= 0xd800 && code <= 0xdbff && idx + 6 < s.length && s[idx] === '\\' && s[idx + 1] === 'u') {
        const low = hex(idx + 2, idx + 6);
        if (low >= 0xdc00 && low <= 0xdfff) {
          code = 0x10000 + (((code - 0xd800) << 10) | (low - 0xdc00));
          idx += 6;
        }
      }
      out += String.fromCodePoint(code);
    }
  };

  const scanNumber = (start: number): [number, number] => {
    let idx = start;
    if (s[idx] === '-') {
      idx++;
      if (idx > end) throw new StopIteration(start);
    }
    const digit = (i: number) => i <= end && s[i]! >= '0' && s[i]! <= '9';
    if (s[idx]! >= '1' && s[idx]! <= '9') {
      idx++;
      while (digit(idx)) idx++;
    } else if (s[idx] === '0') idx++;
    else throw new StopIteration(start);
    if (idx < end && s[idx] === '.' && digit(idx + 1)) {
      idx += 2;
      while (digit(idx)) idx++;
    }
    if (idx < end && (s[idx] === 'e' || s[idx] === 'E')) {
      const eStart = idx;
      idx++;
      if (idx < end && (s[idx] === '-' || s[idx] === '+')) idx++;
      while (digit(idx)) idx++;
      if (!digit(idx - 1)) idx = eStart;
    }
    return [Number(s.slice(start, idx).join('')), idx];
  };

  const scanOnce = (idx: number): [unknown, number] => {
    if (idx > end) throw new StopIteration(idx);
    switch (s[idx]) {
      case '"':
        return scanString(idx + 1);
      case '{':
        return scanObject(idx + 1);
      case '[':
        return scanArray(idx + 1);
      case 'n':
        if (word(idx, 'null')) return [null, idx + 4];
        break;
      case 't':
        if (word(idx, 'true')) return [true, idx + 4];
        break;
      case 'f':
        if (word(idx, 'false')) return [false, idx + 5];
        break;
      case 'N':
        if (word(idx, 'NaN')) return [NaN, idx + 3];
        break;
      case 'I':
        if (word(idx, 'Infinity')) return [Infinity, idx + 8];
        break;
      case '-':
        if (word(idx, '-Infinity')) return [-Infinity, idx + 9];
        break;
    }
    return scanNumber(idx);
  };

  const scanObject = (start: number): [unknown, number] => {
    const obj: Record<string, unknown> = {};
    let idx = skip(start);
    if (idx > end || s[idx] !== '}') {
      for (;;) {
        if (idx > end || s[idx] !== '"') fail('Expecting property name enclosed in double quotes', idx);
        const [key, afterKey] = scanString(idx + 1);
        idx = skip(afterKey);
        if (idx > end || s[idx] !== ':') fail("Expecting ':' delimiter", idx);
        const [value, afterValue] = scanOnce(skip(idx + 1));
        // Own property even for `__proto__`, as Python's dict would hold it.
        Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
        idx = skip(afterValue);
        if (idx <= end && s[idx] === '}') break;
        if (idx > end || s[idx] !== ',') fail("Expecting ',' delimiter", idx);
        idx = skip(idx + 1);
      }
    }
    return [obj, idx + 1];
  };

  const scanArray = (start: number): [unknown, number] => {
    const list: unknown[] = [];
    let idx = skip(start);
    if (idx > end || s[idx] !== ']') {
      for (;;) {
        const [value, after] = scanOnce(idx);
        list.push(value);
        idx = skip(after);
        if (idx <= end && s[idx] === ']') break;
        if (idx > end || s[idx] !== ',') fail("Expecting ',' delimiter", idx);
        idx = skip(idx + 1);
      }
    }
    return [list, idx + 1];
  };

  try {
    const [value, after] = scanOnce(skip(0));
    const rest = skip(after);
    if (rest !== s.length) fail('Extra data', rest);
    return value;
  } catch (error) {
    if (error instanceof StopIteration) return fail('Expecting value', error.index);
    throw error;
  }
}
