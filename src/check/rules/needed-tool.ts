import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { prerequisiteTools, toolsOf } from '../../plan/tools.js';
import { translatorNames } from '../../translate/index.js';
import type { Rule } from '../rule.js';

function installed(program: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

/**
 * Programs the runbook runs that the engine does not serve (helm, eksctl, jq…): a warning when one
 * is not installed here (the step will fail on it), an info naming the prerequisites that are.
 */
export const neededTool: Rule = {
  id: 'needed-tool',
  severity: 'warning',
  description: 'A program the runbook runs (helm, eksctl, jq…) that is not installed, or a prerequisite it needs.',
  check({ flow, report }) {
    for (const use of toolsOf(flow, new Set(translatorNames))) {
      const where = `step ${flow.steps[use.step]!.step.index}${use.optional ? ', shown but not run,' : ''}`;
      const hint = prerequisiteTools[use.name];
      if (!installed(use.name)) {
        report(use.span, `\`${use.name}\` is not installed here, and ${where} runs it`, {
          ...(use.optional ? { severity: 'info' as const } : {}),
          note: hint ? `install it: ${hint}` : 'install it, or put it on PATH before running the runbook',
        });
      } else if (hint) {
        report(use.span, `This runbook needs \`${use.name}\` (${where} runs it; it is installed)`, { severity: 'info' });
      }
    }
  },
};
