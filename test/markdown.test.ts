import { describe, expect, it } from 'vitest';
import { parseMeta } from '../src/markdown/meta.js';
import { parseRunbook } from '../src/markdown/parse.js';

describe('fence meta', () => {
  it('keeps Expressive Code meta and reads Runme attributes', () => {
    expect(parseMeta('showLineNumbers=false frame=none')).toEqual({ attributes: {}, display: 'showLineNumbers=false frame=none', problems: [] });
    expect(parseMeta('{ name=create-key timeout=30s skip }')).toMatchObject({ attributes: { name: 'create-key', timeout: 30_000, skip: true }, display: '' });
    expect(parseMeta('{"name":"create-key","confirm":true}')).toMatchObject({ attributes: { name: 'create-key', confirm: true } });
    expect(parseMeta('title="a b" {1,3-4} { name=x }').display).toBe('title="a b" {1,3-4}');
  });

  it('reports bad attributes', () => {
    expect(parseMeta('{ nmae=x }').problems[0]?.message).toMatch(/Unknown fence attribute `nmae`/);
    expect(parseMeta('{ timeout=soon }').problems[0]?.message).toMatch(/expected a duration/);
  });
});

describe('parseRunbook', () => {
  it('titles steps from their list item, paragraph or heading, in order', () => {
    const rb = parseRunbook(
      [
        '---', 'title: T', 'params:', '  REGION: aws-region', '---', '', '## Keys', '',
        '1. Create the key. More text here.', '   ```sh', '   echo one', '   ```', '',
        'A paragraph introduces this:', '```bash { name=two }', 'echo two', '```', '',
        '### Only a heading', '```console', '$ echo three', 'three', '```', '',
        '```js', 'not a step', '```',
      ].join('\n'),
      'x.md',
    );
    expect(rb.title).toBe('T');
    expect(rb.params).toMatchObject([{ name: 'REGION', type: 'aws-region', required: true, origin: 'declared' }]);
    expect(rb.steps.map((s) => [s.id, s.title, s.section.join('/'), s.code.trim()])).toEqual([
      ['create-the-key', 'Create the key', 'T/Keys'.replace('T/', ''), 'echo one'],
      ['two', 'A paragraph introduces this', 'Keys', 'echo two'],
      ['only-a-heading', 'Only a heading', 'Keys/Only a heading', 'echo three'],
    ]);
    expect(rb.steps[0]!.codeStart).toEqual({ line: 11, column: 4 });
  });

  it('reports bad parameter declarations at their line', () => {
    const rb = parseRunbook(['---', 'params:', '  GOOD: string', '  BAD:', '    type: colour', '  E: {type: enum}', '---'].join('\n'), 'p.md');
    expect(rb.diagnostics.map((d) => `${d.start.line} ${d.ruleId}`)).toEqual(['4 param-declaration', '6 param-declaration']);
    expect(rb.diagnostics[1]!.message).toMatch(/needs `values`/);
  });
});
