/** `runbook check`: every rule over a parsed runbook; one list of positioned diagnostics. */
import { dirname } from 'node:path';
import { compareDiagnostics, type Diagnostic } from '../diagnostics.js';
import type { Runbook } from '../markdown/types.js';
import { analyzeFlow } from '../plan/flow.js';
import { rules } from './rules/index.js';

export async function checkRunbook(runbook: Runbook): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [...runbook.diagnostics];
  const flow = analyzeFlow(runbook);
  for (const rule of rules) {
    await rule.check({
      runbook,
      flow,
      runbookDir: dirname(runbook.file),
      report(span, message, extra = {}) {
        diagnostics.push({
          file: runbook.file, start: span.start, end: span.end, message,
          severity: extra.severity ?? rule.severity, ruleId: extra.ruleId ?? rule.id,
          ...(extra.note ? { note: extra.note } : {}),
        });
      },
    });
  }
  return diagnostics.sort(compareDiagnostics);
}

export { rules };
