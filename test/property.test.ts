/** Arbitrary Markdown and shell never crash the parser or the checker: bad input gives diagnostics, not stack traces. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRunbook } from '../src/check/index.js';
import { parseRunbook } from '../src/markdown/parse.js';
import { planRunbook } from '../src/plan/plan.js';
import { parseShell } from '../src/shell/parse.js';

const shellish = fc.array(
  fc.oneof(
    fc.constantFrom('export ', 'X=', '$X', '${Y}', '$(', ')', '"', "'", '<<EOF', '\nEOF\n', '|', '&&', ';', '\n', ' ', 'cat', 'echo', '>', 'file://a.json', '`', '\\', '{', '}', 'if', 'then', 'fi', '$', '${', '#'),
    fc.string({ maxLength: 6 }),
  ),
  { maxLength: 30 },
).map((parts) => parts.join(''));

const markdownish = fc.array(
  fc.oneof(
    fc.constantFrom('---\n', 'params:\n', '  X: {type: enum}\n', '  Y: aws-region\n', 'title: t\n', '# H\n', '1. item\n', '   ```sh { name=a }\n', '```bash\n', '```\n', '```zsh {"name":1}\n', '> q\n', '\n', '- [ ] task\n', '| a | b |\n'),
    shellish.map((s) => `${s}\n`),
  ),
  { maxLength: 25 },
).map((parts) => parts.join(''));

describe('never crashes', () => {
  it('parseShell on arbitrary shell', () => {
    fc.assert(
      fc.property(shellish, (code) => {
        const script = parseShell(code, { line: 3, column: 4 });
        if (script.error) {
          expect(script.error.span.start.line).toBeGreaterThanOrEqual(3);
          expect(script.statements).toEqual([]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('parseRunbook, checkRunbook and planRunbook on arbitrary Markdown', async () => {
    await fc.assert(
      fc.asyncProperty(markdownish, async (source) => {
        const runbook = parseRunbook(source, 'random.md');
        for (const d of runbook.diagnostics) {
          expect(d.start.line).toBeGreaterThan(0);
          expect(d.message).toBeTypeOf('string');
        }
        const diagnostics = await checkRunbook(runbook);
        for (const d of diagnostics) expect(['error', 'warning', 'info']).toContain(d.severity);
        const plan = await planRunbook(runbook);
        expect(plan.steps.length).toBe(runbook.steps.length);
      }),
      { numRuns: 200 },
    );
  });
});
