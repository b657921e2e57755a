import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAwsOutput } from '../../../src/translate/aws/index.js';
import { formatText, pyFloatRepr, pyJson, pyStr } from '../../../src/translate/aws/output.js';
import { renderTable } from '../../../src/translate/aws/table.js';
import { fromWire } from '../../../src/translate/aws/view.js';
import { parseWireJson } from '../../../src/translate/aws/wire.js';
import { hasAwsCli, python } from './python.js';

/** Generated response-like data as JSON text, floats written with a fraction or exponent as services send them. */
type Gen = null | boolean | string | number | { float: number } | Gen[] | { [key: string]: Gen };

function toJsonText(value: Gen): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(', ')}]`;
  if ('float' in value && typeof value.float === 'number' && Object.keys(value).length === 1) {
    const text = String(value.float);
    return /[.e]/.test(text) ? text : `${text}.0`;
  }
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}: ${toJsonText(v)}`)
    .join(', ')}}`;
}

const scalar: fc.Arbitrary<Gen> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.string({ unit: fc.constantFrom('a', 'B', ' ', '-', '/', ':', 'é', '中', '\t', '"', '\\', '1') , maxLength: 8 }),
  fc.integer({ min: -100000, max: 2 ** 40 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e20, max: 1e20 }).map((float) => ({ float })),
);
const keys = fc.constantFrom('Name', 'Arn', 'Tags', 'Key', 'Value', 'b', 'A', 'CreateDate', 'items');
const data: fc.Arbitrary<Gen> = fc.letrec<{ node: Gen }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(keys, tie('node'), { maxKeys: 4 }),
  ),
})).node;
const documents = fc.dictionary(keys, data, { minKeys: 1, maxKeys: 5 });

const PY_FORMATTERS = [
  'import io',
  'from awscli.text import format_text',
  'from awscli.formatter import TableFormatter',
  'class Args: color = "off"; query = None',
  'out = []',
  'for text in data:',
  '    value = json.loads(text)',
  '    j = json.dumps(value, indent=4, ensure_ascii=False) + "\\n" if value != {} else ""',
  '    try:',
  '        t = io.StringIO(); format_text(value, t); text = t.getvalue()',
  '    except Exception:',
  '        text = None',
  '    try:',
  '        s = io.StringIO(); f = TableFormatter(Args()); f.table._terminal_width = 80; f._format_response("Op", value, s); table = s.getvalue()',
  '    except Exception:',
  '        table = None',
  '    out.append([j, text, table])',
  'print(json.dumps(out))',
].join('\n');

describe('Python number formatting', () => {
  it.each([
    [1, '1.0'],
    [0.1, '0.1'],
    [1795992207.693396, '1795992207.693396'],
    [1e16, '1e+16'],
    [1.5e-7, '1.5e-07'],
    [0.0001, '0.0001'],
    [-2.5, '-2.5'],
    [123456789012345680, '1.2345678901234568e+17'],
  ])('repr(%d) = %s', (n, text) => {
    expect(pyFloatRepr(n)).toBe(text);
  });

  it.skipIf(!hasAwsCli())('matches repr(float) on generated doubles', () => {
    // JSON cannot carry -0 to Python; pyFloatRepr(-0) is '-0.0' as repr(-0.0) is.
    const values = fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true }), { numRuns: 500, seed: 3 }).map((x) => (Object.is(x, -0) ? 0 : x));
    const expected = python<string[]>('print(json.dumps([repr(float(x)) for x in data]))', values);
    expect(values.map(pyFloatRepr)).toEqual(expected);
  });
});

describe('formatters match awscli on generated data', () => {
  it.skipIf(!hasAwsCli())('json, text and table', () => {
    const texts = fc.sample(documents, { numRuns: 300, seed: 11 }).map(toJsonText);
    // awscli's own formatters crash on some shapes (lists mixing objects and lists): those are skipped.
    const expected = python<Array<[string, string | null, string | null]>>(PY_FORMATTERS, texts);
    texts.forEach((text, i) => {
      const value = fromWire(parseWireJson(text));
      const [json, txt, table] = expected[i];
      expect(isEmpty(value) ? '' : `${pyJson(value, 0, undefined, undefined)}\n`, `json of ${text}`).toBe(json);
      if (txt !== null) expect(formatText(value), `text of ${text}`).toBe(txt);
      if (table !== null) expect(renderTable('Op', value, pyStr), `table of ${text}`).toBe(table);
    });
  });
});

function isEmpty(value: unknown): boolean {
  return !!value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;
}

describe('formatAwsOutput', () => {
  it('prints nothing for an empty response, null for a query that finds nothing', () => {
    expect(formatAwsOutput({}, { output: 'json' })).toBe('');
    expect(formatAwsOutput({}, { output: 'text' })).toBe('');
    expect(formatAwsOutput({ A: 1 }, { output: 'json', query: 'B' })).toBe('null\n');
    expect(formatAwsOutput({ A: 1 }, { output: 'text', query: 'B' })).toBe('None\n');
    expect(formatAwsOutput({ A: [] }, { output: 'json', query: 'A' })).toBe('[]\n');
  });

  it('formats text like the CLI: sorted scalars, upper-cased identifiers, lists on one line', () => {
    const result = { Roles: [{ RoleName: 'r', Arn: 'arn:x', Tags: [{ Key: 'k', Value: 'v' }] }], IsTruncated: false };
    expect(formatAwsOutput(result, { output: 'text' })).toBe('False\nROLES\tarn:x\tr\nTAGS\tk\tv\n');
    expect(formatAwsOutput({ Names: ['a', 'b', 'c'] }, { output: 'text', query: 'Names' })).toBe('a\tb\tc\n');
  });

  it('converts SDK values it was given directly: Dates as ISO 8601, bytes as base64, no $metadata', () => {
    const result = { $metadata: { httpStatusCode: 200 }, When: new Date('2024-01-31T12:00:00Z'), Blob: new Uint8Array([104, 105]) };
    expect(formatAwsOutput(result, { output: 'json' })).toBe('{\n    "When": "2024-01-31T12:00:00.000Z",\n    "Blob": "aGk="\n}\n');
  });

  it('titles tables with the operation', () => {
    expect(formatAwsOutput({ Account: '123456789012' }, { output: 'table', operation: 'GetCallerIdentity' })).toBe(
      [
        '-----------------------------',
        '|     GetCallerIdentity     |',
        '+----------+----------------+',
        '|  Account |  123456789012  |',
        '+----------+----------------+',
        '',
      ].join('\n'),
    );
  });
});
