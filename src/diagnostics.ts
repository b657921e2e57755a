/** Positioned problems, the currency of the parser, `runbook check` and the engine's failures. */

export type Severity = 'error' | 'warning' | 'info';

/** 1-based line and column in the runbook file, like a compiler reports them. */
export interface Point {
  line: number;
  column: number;
}

export interface Span {
  start: Point;
  end: Point;
}

export interface Diagnostic {
  file: string;
  start: Point;
  end?: Point;
  severity: Severity;
  /** "Unexpected X, expected Y" wording. */
  message: string;
  /** Rule that produced it, e.g. `undefined-variable`. */
  ruleId: string;
  /** A second line of help: a suggestion, what to do. */
  note?: string;
}

/** Thrown for problems that are the user's input, not a bug: printed without a stack. */
export class RunbookError extends Error {
  override readonly name: string = 'RunbookError';
  constructor(
    message: string,
    readonly options: { exitCode?: number; diagnostics?: Diagnostic[]; hint?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
  }
}

export function formatPoint(file: string, point: Point): string {
  return `${file}:${point.line}:${point.column}`;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file.localeCompare(b.file) || a.start.line - b.start.line || a.start.column - b.start.column;
}
