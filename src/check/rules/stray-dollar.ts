import { wordsOf } from '../../shell/walk.js';
import type { Rule } from '../rule.js';

/** `"$KEY_ARN$"`: the trailing `$` is a literal character and the value never matches. */
export const strayDollar: Rule = {
  id: 'stray-dollar',
  severity: 'error',
  description: 'A `$` glued to a variable reference (`"$KEY_ARN$"`), left in the value as a literal character.',
  check({ runbook, report }) {
    for (const step of runbook.steps) {
      for (const word of wordsOf(step.script.statements)) {
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
