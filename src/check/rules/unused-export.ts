import type { Point } from '../../diagnostics.js';
import type { Rule } from '../rule.js';

const after = (a: Point, b: Point) => a.line > b.line || (a.line === b.line && a.column > b.column);

export const unusedExport: Rule = {
  id: 'unused-export',
  severity: 'warning',
  description: 'A variable exported and never read by a later step (runbook outputs belong under `outputs:`).',
  check({ runbook, flow, report }) {
    const outputs = new Set(Array.isArray(runbook.frontmatter.outputs) ? runbook.frontmatter.outputs.map(String) : []);
    flow.steps.forEach((sf, i) => {
      for (const set of sf.sets) {
        if (!set.exported || outputs.has(set.name)) continue;
        const used = sf.reads.some((r) => r.name === set.name && after(r.span.start, set.span.start)) ||
          flow.steps.slice(i + 1).some((later) => later.reads.some((r) => r.name === set.name) || later.placeholderReads.includes(set.name));
        if (!used) {
          report(set.span, `Unexpected export of \`${set.name}\` that no later step reads, expected a use or an entry under \`outputs:\``);
        }
      }
    });
  },
};
