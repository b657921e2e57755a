/**
 * Runbooks under test/fixtures/ beside their expected step lists, plans and diagnostics
 * (`*.steps.json`, `*.plan.json`, `*.messages.txt`; regenerate with UPDATE=1 and review the diff).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { checkRunbook } from '../src/check/index.js';
import { parseRunbook } from '../src/markdown/parse.js';
import { planRunbook } from '../src/plan/plan.js';
import { matchFixture } from './support/fixtures.js';

const dirs = ['test/fixtures/runbooks', 'test/fixtures/check', 'runbooks'];

for (const dir of dirs) {
  describe(dir, () => {
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.md'))) {
      const file = `${dir}/${name}`;
      const base = dir === 'runbooks' ? `test/fixtures/shipped/${name.slice(0, -3)}` : file.slice(0, -3);
      const runbook = parseRunbook(readFileSync(file, 'utf8'), file);

      it(`${name}: steps`, () => {
        const steps = runbook.steps.map((s) => ({
          id: s.id, index: s.index, title: s.title, section: s.section, lang: s.lang, line: s.span.start.line,
          attributes: s.meta.attributes, reads: s.script.reads.map((r) => `${r.name}@${r.span.start.line}:${r.span.start.column}`),
          sets: s.script.sets.map((v) => `${v.name}${v.exported ? ' (exported)' : ''}`), statements: s.script.statements.map((st) => st.kind),
        }));
        matchFixture(`${base}.steps.json`, `${JSON.stringify(steps, null, 2)}\n`);
      });

      it(`${name}: diagnostics`, async () => {
        // Whether a tool is installed depends on the machine: needed-tool has its own test (check.test.ts).
        const messages = (await checkRunbook(runbook)).filter((d) => d.ruleId !== 'needed-tool').map((d) => `${d.file}:${d.start.line}:${d.start.column} ${d.severity} ${d.message} ${d.ruleId}`);
        matchFixture(`${base}.messages.txt`, messages.length ? `${messages.join('\n')}\n` : '');
      });

      it(`${name}: plan`, async () => {
        const plan = await planRunbook(runbook, { values: {}, cwd: dir });
        matchFixture(`${base}.plan.json`, `${JSON.stringify(plan, null, 2)}\n`);
      });
    }
  });
}
