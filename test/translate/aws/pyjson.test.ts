/** pyJsonLoads against Python's json.loads: the same documents accepted, the same values, the same error messages. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PyJsonError, pyJsonLoads } from '../../../src/translate/aws/pyjson.js';
import { hasAwsCli, python } from './python.js';

type Answer = { ok: unknown } | { err: string };

// Floats JSON cannot carry travel as strings on both sides.
const PYTHON = `
import math
def plain(v):
    if isinstance(v, float) and not math.isfinite(v): return '__%s__' % v
    if isinstance(v, list): return [plain(x) for x in v]
    if isinstance(v, dict): return {k: plain(x) for k, x in v.items()}
    return v
out = []
for text in data:
    try: out.append({'ok': plain(json.loads(text))})
    except ValueError as e: out.append({'err': str(e)})
print(json.dumps(out))
`;

function plain(v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return `__${Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf'}__`;
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

function ours(text: string): Answer {
  try {
    return { ok: plain(pyJsonLoads(text)) };
  } catch (error) {
    if (error instanceof PyJsonError) return { err: error.message };
    throw error;
  }
}

const ALPHABET = ['{', '}', '[', ']', '"', ':', ',', ' ', '\n', '\t', 'a', '1', '0', '-', '.', 'e', '+', '\\', 'u', 'n', 'u', 'l', 't', 'r', 'f', 'N', 'a', 'I', 'é', '😀', '\u0001'];
const fragments = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 16 }).map((cs) => cs.join(''));
const broken = fc
  .tuple(fc.json(), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ' x', '\\q', NaN.toString()))
  .map(([doc, at, insert]) => {
    const cut = at % (doc.length + 1);
    return doc.slice(0, cut) + insert + doc.slice(cut);
  });

describe('pyJsonLoads', () => {
  it.each([
    ['{"a": 1, "a": 2}', { a: 2 }],
    ['[NaN, Infinity, -Infinity]', [NaN, Infinity, -Infinity]],
    ['"\\ud83d\\ude00"', '😀'],
    [' {"__proto__": 1} ', JSON.parse('{"__proto__": 1}')],
  ])('loads %s', (text, value) => {
    expect(pyJsonLoads(text)).toEqual(value);
  });

  it('fails with Python\'s message and position', () => {
    expect(() => pyJsonLoads('{"RoleName": "x",}')).toThrow('Expecting property name enclosed in double quotes: line 1 column 18 (char 17)');
    expect(() => pyJsonLoads('{\n  "a": 1\n  "b": 2}')).toThrow("Expecting ',' delimiter: line 3 column 3 (char 13)");
  });

  it.skipIf(!hasAwsCli())('agrees with json.loads on random documents and near-documents', () => {
    const inputs = [...fc.sample(fragments, { numRuns: 400, seed: 1 }), ...fc.sample(broken, { numRuns: 400, seed: 2 }), ...fc.sample(fc.json(), { numRuns: 200, seed: 3 })];
    const expected = python<Answer[]>(PYTHON, inputs);
    inputs.forEach((text, i) => expect(ours(text), JSON.stringify(text)).toEqual(expected[i]));
  });
});
