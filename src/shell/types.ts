/**
 * The shell IR: what the engine needs to know of a snippet, with positions in the runbook file.
 * Built from mvdan/sh's syntax tree (src/shell/parse.ts); anything the engine does not model
 * (if/for, &&, subshells...) stays as `other` and runs through the shell as written.
 */
import type { Span } from '../diagnostics.js';

export type WordPart =
  /** Literal text; `quoted` when it came from '…', "…" or a quoted heredoc. */
  | { kind: 'literal'; value: string; quoted: boolean; span: Span }
  /** `$X`, `${X}`, `${X:-default}`; `op`/`arg` hold the expansion operator when there is one. */
  | { kind: 'param'; name: string; quoted: boolean; span: Span; raw: string; op?: string; arg?: Word }
  /** `$(…)` or backquotes. */
  | { kind: 'command'; script: Script; quoted: boolean; span: Span; raw: string }
  /** Arithmetic, globs, process substitution: passed to the shell as written. */
  | { kind: 'unsupported'; raw: string; quoted: boolean; span: Span };

export interface Word {
  parts: WordPart[];
  raw: string;
  span: Span;
}

export type RedirectOp = '>' | '>>' | '<' | '<<' | '<<-' | '<<<' | '>&' | '<&' | '&>' | '&>>' | '>|' | '<>';

export interface Redirect {
  op: RedirectOp;
  /** File descriptor written before the operator, e.g. `2` in `2>&1`. */
  fd?: string;
  target: Word;
  /** For `<<` and `<<-`: the body; literal only when the delimiter was quoted. */
  heredoc?: { body: Word; quoted: boolean; delimiter: string };
  span: Span;
}

export interface Assignment {
  name: string;
  value: Word | null;
  /** `A=(x "$y" $(cmd))`: the array's elements (`value` is then the whole literal, as written). */
  elements?: Word[];
  span: Span;
}

export interface SimpleCommand {
  kind: 'simple';
  /** `X=1 cmd` prefixes (or a bare `X=1` when `args` is empty). */
  assigns: Assignment[];
  args: Word[];
  redirects: Redirect[];
  span: Span;
  raw: string;
}

/** `export A=1 B`, `declare`, `readonly`, `local`. */
export interface Declaration {
  kind: 'declare';
  variant: string;
  assigns: Assignment[];
  /** Names listed without a value (`export B`). */
  names: Array<{ name: string; span: Span }>;
  redirects: Redirect[];
  span: Span;
  raw: string;
}

export interface Pipeline {
  kind: 'pipeline';
  commands: SimpleCommand[];
  span: Span;
  raw: string;
}

/** The shell construct an `other` statement is. */
export type Construct =
  | 'if' | 'while' | 'until' | 'for' | 'select' | 'case' | 'and' | 'or' | 'negated' | 'background'
  | 'subshell' | 'block' | 'function' | 'time' | 'coproc' | 'test' | 'arithmetic' | 'let' | 'redirected' | 'pipeline';

/**
 * Anything else: control flow, lists, subshells, functions. Bash runs it as written; `body` holds
 * the statements inside it (conditions, branches, loop bodies, a function's body), so checks, plans
 * and call sites see the commands within. `role` says how each one runs.
 */
export interface OtherStatement {
  kind: 'other';
  construct: Construct;
  span: Span;
  raw: string;
  body: Statement[];
  /** Words the construct itself expands: a `for` loop's items, a `case` subject. */
  words?: Word[];
  /** For a function: its name. */
  name?: string;
}

export type Statement = SimpleCommand | Declaration | Pipeline | OtherStatement;

export interface VarRef {
  name: string;
  span: Span;
  /** `${X:-default}` and friends do not need X to be set. */
  hasDefault: boolean;
  /** Inside a function body: read when the function is called, not where it is defined. */
  inFunction?: string;
  /** Inside a condition, a loop or a branch: it may never run. */
  conditional?: boolean;
}

export interface VarSet {
  name: string;
  span: Span;
  exported: boolean;
  /** Set by a function body (when it is called). */
  inFunction?: string;
  /** Set in a branch or loop that may not run. */
  conditional?: boolean;
}

export interface ShellSyntaxError {
  message: string;
  span: Span;
}

export interface Script {
  statements: Statement[];
  /** Every variable read, in source order (including inside `$(…)` and heredocs). */
  reads: VarRef[];
  /** Every variable assigned, in source order. */
  sets: VarSet[];
  comments: Array<{ text: string; span: Span }>;
  error?: ShellSyntaxError;
}
