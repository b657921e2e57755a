/** Walking the shell IR: every command and every word, `$(…)` and heredocs included, in source order. */
import type { SimpleCommand, Statement, Word } from './types.js';

function commandsIn(st: Statement): SimpleCommand[] {
  return st.kind === 'simple' ? [st] : st.kind === 'pipeline' ? st.commands : [];
}

/** Every simple command, including those inside `$(…)`, each after the commands its words run. */
export function* commandsOf(statements: Statement[]): Generator<SimpleCommand> {
  for (const st of statements) {
    for (const cmd of commandsIn(st)) {
      for (const a of cmd.assigns) if (a.value) yield* commandsInWord(a.value);
      for (const w of cmd.args) yield* commandsInWord(w);
      yield cmd;
    }
    if (st.kind === 'declare') for (const a of st.assigns) if (a.value) yield* commandsInWord(a.value);
  }
}

function* commandsInWord(word: Word): Generator<SimpleCommand> {
  for (const part of word.parts) if (part.kind === 'command') yield* commandsOf(part.script.statements);
}

/** Every word: arguments, assignment values, redirect targets and heredoc bodies, and the words inside `$(…)`. */
export function* wordsOf(statements: Statement[]): Generator<Word> {
  for (const st of statements) {
    for (const c of commandsIn(st)) {
      for (const a of c.assigns) if (a.value) yield* withInner(a.value);
      for (const w of c.args) yield* withInner(w);
      for (const r of c.redirects) {
        yield* withInner(r.target);
        if (r.heredoc) yield* withInner(r.heredoc.body);
      }
    }
    if (st.kind === 'declare') for (const a of st.assigns) if (a.value) yield* withInner(a.value);
  }
}

function* withInner(word: Word): Generator<Word> {
  yield word;
  for (const p of word.parts) if (p.kind === 'command') yield* wordsOf(p.script.statements);
}

/** The literal text of a word when it has no expansions (e.g. a command name), else undefined. */
export function literalOf(word: Word): string | undefined {
  let out = '';
  for (const part of word.parts) {
    if (part.kind !== 'literal') return undefined;
    out += part.value;
  }
  return out;
}
