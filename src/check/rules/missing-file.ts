import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Rule } from '../rule.js';

/**
 * A `file://` reference no earlier step writes. An error only when a later step writes it (the
 * order is certainly wrong); otherwise it may still exist when the run starts, or a tool the
 * engine does not follow may write it: a warning.
 */
export const missingFile: Rule = {
  id: 'missing-file',
  severity: 'error',
  description: 'A `file://` reference that no earlier step writes and that does not exist beside the runbook.',
  check({ flow, runbookDir, report }) {
    const written = new Set<string>();
    const norm = (p: string) => p.replace(/^\.\//, '');
    for (const sf of flow.steps) {
      for (const ref of sf.fileRefs) {
        const path = norm(ref.path);
        if (written.has(path) || existsSync(resolve(runbookDir, ref.path))) continue;
        if (sf.writes.some((w) => norm(w.path) === path && w.span.start.line < ref.span.start.line)) continue;
        const later = flow.steps.find((s) => s.writes.some((w) => norm(w.path) === path));
        report(ref.span, `Unexpected \`${ref.scheme}://${ref.path}\`: no earlier step writes \`${ref.path}\`${later ? ` (step ${later.step.index} writes it later)` : ''}`, {
          note: later ? 'move the step that writes it first' : 'add a step that writes it (cat <<EOF > file, or a fenced file the guide says to save), or make sure it exists beside the runbook',
          ...(later ? {} : { severity: 'warning' as const }),
        });
      }
      for (const w of sf.writes) written.add(norm(w.path));
    }
  },
};
