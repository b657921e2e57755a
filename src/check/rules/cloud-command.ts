import { commandsOf, literalOf } from '../../shell/walk.js';
import type { Word } from '../../shell/types.js';
import { hasTranslator, translatorFor } from '../../translate/index.js';
import type { Rule } from '../rule.js';

/**
 * Commands that translate to SDK calls are checked against the SDK's own model: unknown service,
 * operation or flag, values outside an enum, a non-ARN where an ARN is wanted, missing members.
 * Values not known before the run are placeholders, which translators accept.
 */
export const cloudCommand: Rule = {
  id: 'cloud-command',
  severity: 'error',
  description: 'aws/gcloud/kubectl commands checked against the SDK models (ids: aws-unknown-flag, aws-expected-arn…).',
  async check({ runbook, runbookDir, report }) {
    for (const step of runbook.steps) {
      for (const command of commandsOf(step.script.statements)) {
        const name = command.args[0] && literalOf(command.args[0]);
        if (!name || !hasTranslator(name)) continue;
        const argv = command.args.map(placeholderText);
        const translator = await translatorFor(argv);
        if (!translator) continue;
        // A heredoc feeding the command (`kubectl apply -f - <<EOF`) is checked too.
        const heredoc = command.redirects.find((r) => r.heredoc)?.heredoc;
        const stdin = heredoc ? placeholderText(heredoc.body) : undefined;
        const issues = await translator.validate(argv, { cwd: runbookDir, planning: true, ...(stdin !== undefined ? { stdin } : {}) });
        for (const issue of issues) {
          const word = command.args[Math.min(issue.argIndex, command.args.length - 1)]!;
          report(word.span, issue.message, { ruleId: issue.ruleId, severity: issue.severity, ...(issue.note ? { note: issue.note } : {}) });
        }
      }
    }
  },
};

/** A word as check sees it: literal text, with `<$VAR>` for what is only known when it runs. */
function placeholderText(word: Word): string {
  return word.parts.map((p) => (p.kind === 'literal' ? p.value : p.kind === 'param' ? `<$${p.name}>` : `<${p.raw}>`)).join('');
}
