/**
 * A guide-style runbook the engine has never been tuned for: no frontmatter, no fence
 * attributes, aws commands of several services plus cut/echo/tr and a heredoc; its inputs come
 * from --param and the environment.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/events/types.js';
import { root, runCli } from '../support/cli.js';
import { motoEnv, startMoto, type Moto } from '../support/moto.js';

let moto: Moto;
const dir = mkdtempSync(join(tmpdir(), 'runbook-guide-'));
const guide = join(root, 'test/fixtures/exec/dns-guide.md');

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('an unseen guide-style runbook', () => {
  it('checks with only warnings for its inputs', async () => {
    const check = await runCli(['check', guide]);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/`\$DOMAIN` is set by no step, so it is a required parameter/);
  });

  it('refuses to start without its inputs, naming every missing one', async () => {
    const run = await runCli(['exec', guide, '--state-dir', dir], { env: motoEnv(moto.endpoint) });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/DOMAIN[^\n]*missing/);
    expect(run.stderr).toMatch(/TARGET[^\n]*missing/);
  });

  it('runs with DOMAIN from --param and TARGET from the environment', async () => {
    const run = await runCli(['exec', guide, '--json', '--state-dir', dir, '--param', 'DOMAIN=example.com'], {
      env: { ...motoEnv(moto.endpoint), TARGET: 'LB-123.elb.amazonaws.com' },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as EngineEvent);
    const output = events.filter((e) => e.type === 'step:output').map((e) => (e.type === 'step:output' ? e.text : ''));
    expect(output).toEqual([
      'Working in account 123456789012\n',
      'INSYNC\n',
      'api.example.com.\tlb-123.elb.amazonaws.com\n',
      '1\n',
      // SSM models Parameter.Value as sensitive: the engine redacts what the SDK marks sensitive.
      '[redacted]\n',
    ]);
    const calls = events.filter((e) => e.type === 'step:call').map((e) => (e.type === 'step:call' ? e.operation : ''));
    expect(calls).toEqual([
      'STS.GetCallerIdentity', 'Route53.CreateHostedZone', 'Route53.ChangeResourceRecordSets',
      'Route53.ListResourceRecordSets', 'SSM.PutParameter', 'SSM.GetParameter',
    ]);
    const zone = events.find((e) => e.type === 'step:end' && e.variables.ZONE_ID);
    expect(zone?.type === 'step:end' && zone.variables.ZONE_ID).toMatch(/^[A-Z0-9]+$/);
  });
});
