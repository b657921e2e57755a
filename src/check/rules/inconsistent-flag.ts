import type { Span } from '../../diagnostics.js';
import { commandsOf, literalOf } from '../../shell/walk.js';
import type { Rule } from '../rule.js';

/** Flags that choose credentials or location, per tool: one hard-coded value on one command splits the run. */
const scopedFlags: Record<string, string[]> = {
  aws: ['--profile', '--region'],
  gcloud: ['--project', '--account'],
  kubectl: ['--context', '--kubeconfig'],
};

export const inconsistentFlag: Rule = {
  id: 'inconsistent-flag',
  severity: 'error',
  description: 'A hard-coded --profile/--region/--project on some commands that differs from the rest of the runbook.',
  check({ runbook, report }) {
    for (const [tool, flags] of Object.entries(scopedFlags)) {
      const commands = runbook.steps.flatMap((s) => [...commandsOf(s.script.statements)]).filter((c) => c.args[0] && literalOf(c.args[0]) === tool);
      if (commands.length < 2) continue;
      for (const flag of flags) {
        const uses = commands.map((c) => {
          for (let i = 1; i < c.args.length; i++) {
            const text = literalOf(c.args[i]!);
            const raw = c.args[i]!.raw;
            if (text === flag || raw === flag) {
              const value = c.args[i + 1];
              if (!value) return { key: '(missing)', literal: undefined };
              const lit = literalOf(value);
              return { key: lit ?? `var:${value.raw}`, literal: lit, span: { start: c.args[i]!.span.start, end: value.span.end } as Span };
            }
            if (text?.startsWith(`${flag}=`)) return { key: text.slice(flag.length + 1), literal: text.slice(flag.length + 1), span: c.args[i]!.span };
          }
          return { key: '(default)', literal: undefined };
        });
        const counts = new Map<string, number>();
        for (const u of uses) counts.set(u.key, (counts.get(u.key) ?? 0) + 1);
        if (counts.size < 2) continue;
        const majority = Math.max(...counts.values());
        const defaults = counts.get('(default)') ?? 0;
        for (const u of uses) {
          if (u.literal === undefined || !u.span) continue;
          if (counts.get(u.key)! === majority && counts.size > 1 && [...counts.values()].filter((n) => n === majority).length === 1) continue;
          const rest = defaults
            ? `${defaults} other ${tool} command${defaults > 1 ? 's use' : ' uses'} the default`
            : `other ${tool} commands use ${[...counts.keys()].filter((k) => k !== u.key).join(', ')}`;
          report(u.span, `Unexpected hard-coded \`${flag} ${u.literal}\` that differs from the rest of the runbook (${rest}), expected the same ${flag.slice(2)} everywhere`, {
            note: flag === '--profile' ? 'remove it and use AWS_PROFILE or the default credential chain' : `remove it, or use a parameter (${flag} $${flag.slice(2).toUpperCase()}) on every command`,
          });
        }
      }
    }
  },
};
