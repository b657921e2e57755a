/** `runbook check`: every rule over a parsed runbook; one list of positioned diagnostics. */
import { dirname } from 'node:path';
import { compareDiagnostics, type Diagnostic, type Point } from '../diagnostics.js';
import type { Runbook } from '../markdown/types.js';
import { analyzeFlow } from '../plan/flow.js';
import { rules } from './rules/index.js';

export interface CheckOptions {
  /** Rule ids to go past (`--allow`): their diagnostics are left out. A rule's id covers the ids it reports under. */
  allow?: readonly string[];
}

const within = (p: Point, start: Point, end: Point) =>
  (p.line > start.line || (p.line === start.line && p.column >= start.column)) && (p.line < end.line || (p.line === end.line && p.column <= end.column));

export async function checkRunbook(runbook: Runbook, options: CheckOptions = {}): Promise<Diagnostic[]> {
  const found: Array<{ diagnostic: Diagnostic; rule?: string }> = runbook.diagnostics.map((diagnostic) => ({ diagnostic }));
  const flow = analyzeFlow(runbook);
  for (const rule of rules) {
    await rule.check({
      runbook,
      flow,
      runbookDir: dirname(runbook.file),
      report(span, message, extra = {}) {
        found.push({
          rule: rule.id,
          diagnostic: {
            file: runbook.file, start: span.start, end: span.end, message,
            severity: extra.severity ?? rule.severity, ruleId: extra.ruleId ?? rule.id,
            ...(extra.note ? { note: extra.note } : {}),
          },
        });
      },
    });
  }
  const allowed = new Set(options.allow ?? []);
  const kept = found.filter(({ diagnostic: d, rule }) => {
    if (allowed.has(d.ruleId) || (rule && allowed.has(rule))) return false;
    // `<!-- runbook-ignore RULE -->` before a fence silences RULE inside it.
    const step = runbook.steps.find((s) => s.ignoreRules.length && within(d.start, s.span.start, s.span.end));
    return !step || !(step.ignoreRules.includes(d.ruleId) || (rule && step.ignoreRules.includes(rule)));
  });
  return kept.map((k) => k.diagnostic).sort(compareDiagnostics);
}

export { rules };
