/**
 * The plan's instruction set. A step's shell is lowered to a flat list of actions over
 * templates (literal text and variable references); `$(…)` becomes an earlier action that
 * captures into a temporary variable. Values are bound only when the action runs.
 */
import type { Span } from '../diagnostics.js';

export type TemplatePart =
  | { text: string }
  /** `split`: an unquoted expansion, split into fields on whitespace like the shell does. */
  | { var: string; split: boolean; fallback?: Template; op?: string };

export type Template = TemplatePart[];

export interface CommandSpec {
  argv: Template[];
  /** `NAME=value cmd`: environment for this command only. */
  env: Array<{ name: string; value: Template }>;
  /** Heredoc or here-string body, or a file to read. */
  stdin?: { text: Template } | { file: Template };
  /** `> file` / `>> file` on this command. */
  stdout?: { file: Template; append: boolean };
  /** `2>&1`, `2>/dev/null` and similar: handled by the shell fallback. */
  otherRedirects: string[];
  raw: string;
  span: Span;
}

export type Action =
  /** A command or pipeline; `capture` stores its stdout (trailing newlines removed) in a variable. */
  | { kind: 'run'; pipeline: CommandSpec[]; capture?: string; span: Span; raw: string }
  | { kind: 'assign'; name: string; value: Template; exported: boolean; span: Span }
  | { kind: 'export'; name: string; span: Span }
  /** Anything the engine does not model, run by bash as written with the state's variables in its environment. */
  | { kind: 'shell'; raw: string; span: Span; capture?: string };

/** Temporary variables hold `$(…)` results inside a step; they never reach state. */
export const isTemporary = (name: string) => name.startsWith('__subst');
