/** Walking the shell IR: every command and every word, in `$(…)`, heredocs and compound statements too, in source order. */
import type { Construct, SimpleCommand, Statement, Word } from './types.js';

/** How a command runs, as far as its surroundings say. */
export interface CommandPlace {
  /** `direct`: runs once, in order. The others may run never, or many times, or elsewhere. */
  context: 'direct' | 'conditional' | 'loop' | 'function' | 'substitution' | 'background' | 'subshell';
  /** `X=$(cmd)`: the variable cmd's output is assigned to. */
  capture?: string;
  inFunction?: string;
}

/** What a construct makes of the commands in its body (the first statement of if/while is its condition). */
const inside: Partial<Record<Construct, CommandPlace['context']>> = {
  if: 'conditional', case: 'conditional', and: 'conditional', or: 'conditional', while: 'loop', until: 'loop',
  for: 'loop', select: 'loop', background: 'background', coproc: 'background', subshell: 'subshell', pipeline: 'subshell',
};
/** Constructs whose first statement always runs (the condition of if/while, the left of && and ||). */
const firstRuns = new Set<Construct>(['if', 'while', 'until', 'and', 'or']);

/** Calls `visit` for every simple command, each after the commands its words run. */
export function visitCommands(statements: Statement[], visit: (command: SimpleCommand, place: CommandPlace) => void, place: CommandPlace = { context: 'direct' }): void {
  const inWord = (word: Word, at: CommandPlace) => {
    for (const part of word.parts) {
      if (part.kind !== 'command') continue;
      const single = word.parts.length === 1 && part.script.statements.length === 1;
      visitCommands(part.script.statements, visit, { ...at, context: at.context === 'direct' ? 'substitution' : at.context, ...(single && at.capture ? {} : { capture: undefined }) });
    }
  };
  const command = (cmd: SimpleCommand, at: CommandPlace) => {
    for (const a of cmd.assigns) {
      if (a.value) inWord(a.value, { ...at, ...(cmd.args.length ? {} : { capture: a.name }) });
      for (const e of a.elements ?? []) inWord(e, { ...at, capture: undefined });
    }
    for (const w of cmd.args) inWord(w, { ...at, capture: undefined });
    visit(cmd, at);
  };
  for (const st of statements) {
    switch (st.kind) {
      case 'simple':
        command(st, place);
        break;
      case 'pipeline':
        for (const c of st.commands) command(c, place);
        break;
      case 'declare':
        for (const a of st.assigns) {
          if (a.value) inWord(a.value, { ...place, capture: a.name });
          for (const e of a.elements ?? []) inWord(e, { ...place, capture: undefined });
        }
        break;
      case 'other':
        // A loop's items and a case's subject are expanded once, before the body runs.
        for (const w of st.words ?? []) inWord(w, { ...place, capture: undefined });
        st.body.forEach((inner, i) => {
          const context = st.construct === 'function' ? 'function' : i === 0 && firstRuns.has(st.construct) ? place.context : inside[st.construct] ?? place.context;
          const at: CommandPlace = { context: place.context === 'direct' ? context : place.context, ...(st.construct === 'function' ? { inFunction: st.name } : place.inFunction ? { inFunction: place.inFunction } : {}) };
          visitCommands([inner], visit, at);
        });
        break;
    }
  }
}

/** Every simple command, including those inside `$(…)` and compound statements, each after the commands its words run. */
export function* commandsOf(statements: Statement[]): Generator<SimpleCommand> {
  const all: SimpleCommand[] = [];
  visitCommands(statements, (c) => all.push(c));
  yield* all;
}

/** Every word: arguments, assignment values, redirect targets and heredoc bodies, inside `$(…)` and compound statements too. */
export function* wordsOf(statements: Statement[]): Generator<Word> {
  for (const st of statements) {
    if (st.kind === 'other') {
      for (const w of st.words ?? []) yield* withInner(w);
      yield* wordsOf(st.body);
      continue;
    }
    for (const c of st.kind === 'simple' ? [st] : st.kind === 'pipeline' ? st.commands : []) {
      for (const a of c.assigns) {
        if (a.value) yield* withInner(a.value);
        for (const e of a.elements ?? []) yield* withInner(e);
      }
      for (const w of c.args) yield* withInner(w);
      for (const r of c.redirects) {
        yield* withInner(r.target);
        if (r.heredoc) yield* withInner(r.heredoc.body);
      }
    }
    if (st.kind === 'declare') for (const a of st.assigns) for (const w of [...(a.value ? [a.value] : []), ...(a.elements ?? [])]) yield* withInner(w);
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
