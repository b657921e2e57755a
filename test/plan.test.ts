/**
 * The plan on inline runbooks: where a value comes from, and the calls it can see inside the shell
 * (conditions, loops, functions defined in another step), each marked with how it runs.
 */
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../src/markdown/parse.js';
import { planRunbook, type PlannedAction } from '../src/plan/plan.js';

const plan = (markdown: string) => planRunbook(parseRunbook(markdown, 'inline.md'), { values: {} });
const calls = (actions: PlannedAction[]) => actions.flatMap((a) => (a.kind === 'call' ? [{ display: a.display, runtime: a.runtime, via: a.via }] : []));

describe('runbook plan', () => {
  it('names the step that set a value: the same step when it set it first, not an earlier one', async () => {
    const p = await plan([
      '1. First.', '', '   ```sh', '   export ROLE=first', '   ```', '',
      '2. Second.', '', '   ```sh', '   export ROLE=second-$(date +%s)', '   aws iam get-role --role-name "$ROLE"', '   ```', '',
      '3. Third.', '', '   ```sh', '   aws iam get-role --role-name "$ROLE"', '   ```', '',
    ].join('\n'));
    expect(calls(p.steps[1]!.actions)[0]!.display).toContain('<from step 2: ROLE>');
    expect(calls(p.steps[2]!.actions)[0]!.display).toContain('<from step 2: ROLE>');
  });

  it('shows calls inside if, for and functions, marked with how they run', async () => {
    const p = await plan([
      '# G', '',
      'Define a helper.', '', '```bash', 'ensure() {', '  aws iam get-role --role-name "$1" || aws iam create-role --role-name "$1" --assume-role-policy-document "{}"', '}', '```', '',
      'Use it.', '', '```bash',
      'if ! aws sts get-caller-identity > /dev/null; then echo "no credentials"; fi',
      'for r in a b; do ensure "$r"; done',
      '```', '',
    ].join('\n'));
    const use = p.steps[1]!;
    expect(use.runtime).toBe(true);
    expect(calls(use.actions)).toEqual([
      { display: 'STS.GetCallerIdentity {}', runtime: undefined, via: undefined },
      { display: 'IAM.GetRole {"RoleName":"<1>"}', runtime: 'function', via: 'ensure' },
      { display: 'IAM.CreateRole {"RoleName":"<1>","AssumeRolePolicyDocument":"{}"}', runtime: 'function', via: 'ensure' },
    ]);
    // The step that only defines the function makes no call itself.
    expect(calls(p.steps[0]!.actions)).toEqual([]);
  });
});
