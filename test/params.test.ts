import { describe, expect, it } from 'vitest';
import { describeProblems, resolveParams } from '../src/params/resolve.js';
import { validateParam, type Param } from '../src/params/types.js';
import { parseRunbook } from '../src/markdown/parse.js';

const p = (name: string, rest: Partial<Param>): Param => ({ name, type: 'string', origin: 'declared', secret: false, required: true, ...rest }) as Param;

describe('parameter types', () => {
  it.each([
    ['aws-region', 'us-east-1', true], ['aws-region', 'useast1', false],
    ['aws-account-id', '123456789012', true], ['aws-account-id', '1234', false],
    ['gcp-project-id', 'my-project-1', true], ['gcp-project-id', 'My_Project', false],
    ['gcp-location', 'global', true], ['gcp-location', 'europe-west1', true], ['gcp-location', 'Europe West', false],
    ['k8s-name', 'vault', true], ['k8s-name', 'Vault_1', false],
    ['integer', '42', true], ['integer', '4.2', false], ['boolean', 'true', true], ['boolean', 'yes', false],
    ['arn', 'arn:aws:iam::123456789012:role/vault', true], ['arn', 'vault-policy', false],
  ] as const)('%s %s -> %s', (type, value, ok) => {
    expect(validateParam(p('X', { type }), value) === undefined).toBe(ok);
  });

  it('checks ARN service and resource, enums and patterns', () => {
    expect(validateParam(p('A', { type: 'arn', service: 'iam', resource: 'policy' }), 'arn:aws:iam::123456789012:role/x')).toMatch(/policy/);
    expect(validateParam(p('E', { type: 'enum', values: ['a', 'b'] }), 'c')).toBe('expected one of a, b');
    expect(validateParam(p('P', { pattern: 'alias/.+' }), 'vault')).toMatch(/matching/);
  });
});

describe('resolveParams', () => {
  it('takes --param over file over environment over state over default, and lists every problem', async () => {
    const params = [p('A', {}), p('B', { default: 'b' }), p('C', {}), p('D', { type: 'aws-region' }), p('S', { type: 'secret', secret: true })];
    const r = await resolveParams(params, { flags: ['A=flag'], env: { A: 'env', C: 'env' }, saved: { D: 'nowhere-1' } });
    expect(r.values).toEqual({ A: 'flag', B: 'b', C: 'env' });
    expect(r.sources).toMatchObject({ A: 'flag', B: 'default', C: 'env' });
    expect(r.missing.map((m) => m.name)).toEqual(['S']);
    expect(describeProblems('x.md', r)).toMatch(/S: missing secret[\s\S]*D: expected an AWS region/);
  });

  it('refuses an unknown --param with a suggestion', async () => {
    await expect(resolveParams([p('CLUSTER', {})], { flags: ['CLUSTR=x'] })).rejects.toThrow(/did you mean 'CLUSTER'/);
  });
});

describe('patterns', () => {
  it('match in linear time: a pattern that backtracks exponentially in JavaScript answers at once', () => {
    const param = p('NAME', { pattern: '(a+)+' });
    // With RegExp this takes minutes (2^33 paths); RE2 answers in one pass.
    expect(validateParam(param, `${'a'.repeat(33)}b`)).toBe('expected a value matching /(a+)+/');
    expect(validateParam(param, 'a'.repeat(10_000))).toBeUndefined();
  });

  it('are refused when RE2 cannot run them (backreferences), with the position of the declaration', () => {
    const runbook = parseRunbook(['---', 'params:', '  NAME: { type: string, pattern: "(a)\\\\1" }', '---', '# x'].join('\n'), 'x.md');
    expect(runbook.diagnostics.filter((d) => d.ruleId !== 'no-steps').map((d) => `${d.start.line} ${d.severity} ${d.message}`)).toEqual([
      expect.stringMatching(/^3 error Invalid declaration of parameter NAME: `pattern`: invalid pattern \(RE2 syntax, matched in linear time\): .*\\1/),
    ]);
  });
});
