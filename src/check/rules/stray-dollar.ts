import type { Statement, Word } from '../../shell/types.js';
import type { Rule } from '../rule.js';

/** `"$KEY_ARN$"`: the trailing `$` is a literal character and the value never matches. */
export const strayDollar: Rule = {
  id: 'stray-dollar',
  severity: 'error',
  description: 'A `$` glued to a variable reference (`"$KEY_ARN$"`), left in the value as a literal character.',
  check({ runbook, report }) {
    for (const step of runbook.steps) {
      for (const word of allWords(step.script.statements)) {
        word.parts.forEach((part, i) => {
          const prev = word.parts[i - 1];
          if (part.kind === 'literal' && prev?.kind === 'param' && /^\$(?![A-Za-z_{(])/.test(part.value)) {
            report(part.span, `Unexpected \`$\` after \`${prev.raw}\`, expected the variable alone: the \`$\` stays in the value as a literal character`, {
              note: `write "${prev.raw}" without the trailing $`,
            });
          }
        });
      }
    }
  },
};

function* allWords(statements: Statement[]): Generator<Word> {
  for (const st of statements) {
    const cmds = st.kind === 'simple' ? [st] : st.kind === 'pipeline' ? st.commands : [];
    for (const c of cmds) {
      for (const a of c.assigns) if (a.value) yield* deep(a.value);
      for (const w of c.args) yield* deep(w);
      for (const r of c.redirects) {
        yield* deep(r.target);
        if (r.heredoc) yield* deep(r.heredoc.body);
      }
    }
    if (st.kind === 'declare') for (const a of st.assigns) if (a.value) yield* deep(a.value);
  }
}

function* deep(word: Word): Generator<Word> {
  yield word;
  for (const p of word.parts) if (p.kind === 'command') yield* allWords(p.script.statements);
}
