/** Check rules whose answer depends on the machine or on options: inline runbooks, a controlled PATH. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRunbook } from '../src/check/index.js';
import { parseRunbook } from '../src/markdown/parse.js';

const bin = mkdtempSync(join(tmpdir(), 'runbook-check-bin-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

const check = async (markdown: string, options = {}) =>
  (await checkRunbook(parseRunbook(markdown, 'inline.md'), options)).map((d) => `${d.start.line} ${d.severity} ${d.ruleId}: ${d.message}`);

describe('needed-tool', () => {
  it('warns about a program that is not installed, names installed prerequisites, and never reports builtins, functions or served CLIs', async () => {
    writeFileSync(join(bin, 'helm'), '#!/bin/sh\n');
    chmodSync(join(bin, 'helm'), 0o755);
    const saved = process.env.PATH;
    process.env.PATH = bin;
    try {
      const found = await check([
        'Install.', '', '```bash',
        'deploy() { echo deploying; }', 'helm upgrade --install x y', 'eksctl create cluster', 'deploy', 'aws sts get-caller-identity', 'cd /tmp && export X=1',
        '```', '',
        'Only shown.', '', '```bash { skip }', 'terraform apply', '```',
      ].join('\n'));
      expect(found.filter((l) => l.includes('needed-tool'))).toEqual([
        '5 info needed-tool: This runbook needs `helm` (step 1 runs it; it is installed)',
        '6 warning needed-tool: `eksctl` is not installed here, and step 1 runs it',
        '15 info needed-tool: `terraform` is not installed here, and step 2, shown but not run, runs it',
      ]);
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe('--allow and runbook-ignore', () => {
  const typo = ['Read.', '', '```sh', 'aws kms describe-key --key-id "$KEY_ID"', '```', '', 'Set.', '', '```sh', 'export KEY_ID=1', '```'];
  it('an error of a rule is left out with --allow RULE, or for one fence by <!-- runbook-ignore RULE -->', async () => {
    expect((await check(typo.join('\n'))).filter((l) => l.includes('error'))).toEqual([
      '4 error undefined-variable: Unexpected read of `$KEY_ID` before it is set, expected it to be set first: step 2 (Set) sets it at line 10',
    ]);
    expect((await check(typo.join('\n'), { allow: ['undefined-variable'] })).filter((l) => l.includes('error'))).toEqual([]);
    const ignored = ['Read.', '', '<!-- runbook-ignore undefined-variable -->', '', ...typo.slice(2)];
    expect((await check(ignored.join('\n'))).filter((l) => l.includes('error'))).toEqual([]);
  });
});
