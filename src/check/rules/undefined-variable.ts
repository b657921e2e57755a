import type { Point } from '../../diagnostics.js';
import { closest } from '../suggest.js';
import type { Rule } from '../rule.js';

const before = (a: Point, b: Point) => a.line < b.line || (a.line === b.line && a.column < b.column);

/**
 * Reads of variables nothing has set yet. Only a read that certainly runs before the set that
 * certainly comes later is an error; a read in a function body (it runs when the function is
 * called), a branch or a loop, or a set in one, might be fine: a warning. Variables bound by `for`,
 * `read`, `select`, `getopts`, `mapfile`, `local`, `printf -v` and arithmetic count as set (the parser
 * records them).
 */
export const undefinedVariable: Rule = {
  id: 'undefined-variable',
  severity: 'error',
  description: 'A variable read before any step sets it, or never set and not a parameter.',
  check({ flow, report }) {
    const declared = new Set(flow.params.filter((p) => p.origin === 'declared').map((p) => p.name));
    const candidates = [...flow.producers.keys(), ...declared];
    const warned = new Set<string>();
    flow.steps.forEach((sf, i) => {
      for (const read of sf.reads) {
        if (read.hasDefault || declared.has(read.name)) continue;
        if (flow.steps.slice(0, i).some((p) => p.sets.some((s) => s.name === read.name))) continue;
        if (sf.sets.some((s) => s.name === read.name && (before(s.span.start, read.span.start) || s.inFunction || read.inFunction))) continue;
        const producer = flow.producers.get(read.name);
        if (producer !== undefined) {
          // A function defined here may only run after the step that sets it.
          if (read.inFunction) continue;
          const where = flow.steps[producer]!;
          const set = where.sets.find((s) => s.name === read.name)!;
          const certain = !read.conditional && !set.conditional && !set.inFunction;
          report(read.span, `Unexpected read of \`$${read.name}\` before it is set, expected it to be set first: ${producer === i ? 'this step' : `step ${where.step.index} (${where.step.title})`} sets it at line ${set.span.start.line}`, {
            note: 'move the read after the step that sets it',
            ...(certain ? {} : { severity: 'warning' as const }),
          });
          continue;
        }
        if (!flow.params.some((p) => p.name === read.name)) continue; // ambient (HOME, PATH…)
        if (warned.has(read.name)) continue;
        warned.add(read.name);
        const suggestion = closest(read.name, candidates);
        if (suggestion) {
          report(read.span, `Unexpected \`$${read.name}\`: no step sets it and no parameter declares it; did you mean \`$${suggestion}\`?`, {
            severity: 'warning',
            note: `it is a required parameter as written; if it is a typo, write $${suggestion}`,
          });
        } else {
          report(read.span, `\`$${read.name}\` is set by no step, so it is a required parameter`, {
            severity: 'warning',
            note: 'declare it under `params:` in the frontmatter with a type and description, or set it in an earlier step',
          });
        }
      }
    });
  },
};
