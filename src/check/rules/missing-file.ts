import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Rule } from '../rule.js';

export const missingFile: Rule = {
  id: 'missing-file',
  severity: 'error',
  description: 'A `file://` reference that no earlier step writes and that does not exist beside the runbook.',
  check({ flow, runbookDir, report }) {
    const written = new Set<string>();
    for (const sf of flow.steps) {
      for (const ref of sf.fileRefs) {
        const path = ref.path.replace(/^\.\//, '');
        if (written.has(path) || existsSync(resolve(runbookDir, ref.path))) continue;
        if (sf.writes.some((w) => w.path.replace(/^\.\//, '') === path && w.span.start.line < ref.span.start.line)) continue;
        const later = flow.steps.find((s) => s.writes.some((w) => w.path.replace(/^\.\//, '') === path));
        report(ref.span, `Unexpected \`${ref.scheme}://${ref.path}\`: no earlier step writes \`${ref.path}\`${later ? ` (step ${later.step.index} writes it later)` : ''}`, {
          note: later ? 'move the step that writes it first' : 'add a step that writes it (cat <<EOF > file), or fix the name',
        });
      }
      for (const w of sf.writes) written.add(w.path.replace(/^\.\//, ''));
    }
  },
};
