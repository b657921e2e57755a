/** A check rule: one module each, in the table in ./rules/index.ts. */
import type { Diagnostic, Severity, Span } from '../diagnostics.js';
import type { Runbook } from '../markdown/types.js';
import type { Flow } from '../plan/flow.js';

export interface RuleContext {
  runbook: Runbook;
  flow: Flow;
  /** Directory of the runbook file: relative `file://` paths may name files beside it. */
  runbookDir: string;
  report(span: Span, message: string, extra?: { note?: string; severity?: Severity; ruleId?: string }): void;
}

export interface Rule {
  /** Printed after each message, e.g. `undefined-variable`. */
  id: string;
  severity: Severity;
  /** One line for `runbook check --rules` and the docs. */
  description: string;
  check(context: RuleContext): void | Promise<void>;
}

export type { Diagnostic };
