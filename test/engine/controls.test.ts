/**
 * The engine's step controls on a shell-only runbook: skip, when=, per-step timeout, --from,
 * --only, --restart, resume after a change, secret redaction and owner-only files.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/events/types.js';
import { root, runCli } from '../support/cli.js';

const runbook = join(root, 'test/fixtures/exec/controls.md');
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'runbook-controls-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const token = 'tok-4f9e1c7a-very-secret';

async function exec(stateDir: string, ...args: string[]) {
  const r = await runCli(['exec', runbook, '--json', '--state-dir', stateDir, '--param', `TOKEN=${token}`, ...args]);
  const events = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as EngineEvent);
  const ends = Object.fromEntries(events.flatMap((e) => (e.type === 'step:end' ? [[e.stepId, e]] : [])));
  return { ...r, events, ends };
}

describe('step controls', () => {
  const dir = tempDir();

  it('runs, skips `skip` steps and false `when=` conditions, and redacts the secret everywhere', async () => {
    const run = await exec(dir);
    expect(run.code).toBe(0);
    expect(run.ends.greet).toMatchObject({ status: 'done', variables: { GREETING: 'hello from fast' } });
    expect(run.ends.slow).toMatchObject({ status: 'skipped', reason: 'condition RUN_MODE=slow is false' });
    expect(run.ends['docs-only']).toMatchObject({ status: 'skipped', reason: 'marked skip' });
    expect(run.events.find((e) => e.type === 'step:output' && e.stepId === 'write')).toMatchObject({ text: 'the token is [redacted]\n' });
    expect(run.events.at(-1)).toMatchObject({ type: 'run:end', status: 'succeeded', outputs: { GREETING: 'hello from fast' } });
    // Never in the output, the run record or the state; files are owner-only.
    expect(run.stdout + run.stderr).not.toContain(token);
    const state = join(dir, 'controls');
    const record = readdirSync(join(dir, 'runs')).map((f) => readFileSync(join(dir, 'runs', f), 'utf8')).join('');
    expect(record).not.toContain(token);
    expect(readFileSync(join(state, 'state.json'), 'utf8')).not.toContain(token);
    expect(readFileSync(join(state, 'files', 'token.txt'), 'utf8')).toBe(`token=${token}\n`);
    expect(statSync(join(state, 'files', 'token.txt')).mode & 0o077).toBe(0);
  });

  it('skips completed steps on a re-run, and re-runs a step whose inputs changed', async () => {
    const again = await exec(dir);
    expect(Object.values(again.ends).every((e) => e.type === 'step:end' && e.status === 'skipped')).toBe(true);
    const changed = await exec(dir, '--param', 'RUN_MODE=fast', '--only', 'count');
    expect(changed.ends.count).toMatchObject({ status: 'done' });
    expect(changed.events.find((e) => e.type === 'step:output' && e.stepId === 'count')).toMatchObject({ text: '2\n' });
  });

  it('--from starts at a step and keeps the earlier steps\' state; --restart forgets it', async () => {
    const from = await exec(dir, '--from', 'count');
    expect(from.ends.greet).toMatchObject({ status: 'skipped', reason: 'before --from' });
    expect(from.ends.count).toMatchObject({ status: 'skipped' });
    const restart = await exec(dir, '--restart');
    expect(restart.ends.greet).toMatchObject({ status: 'done' });
    expect(restart.ends.count).toMatchObject({ status: 'done' });
  });

  it('stops a step at its timeout, with the step named and earlier state kept', async () => {
    const slow = tempDir();
    const run = await exec(slow, '--param', 'RUN_MODE=slow');
    expect(run.code).toBe(1);
    expect(run.ends.slow).toMatchObject({ status: 'failed', error: { message: 'step timed out after 1s' } });
    expect(run.events.at(-1)).toMatchObject({ type: 'run:end', status: 'failed', failedStep: 'slow' });
    const state = JSON.parse(readFileSync(join(slow, 'controls', 'state.json'), 'utf8'));
    expect(state.steps.greet.status).toBe('done');
    expect(state.steps.slow.status).toBe('failed');
  });

  it('refuses an unknown step and a bad parameter value with a clear message', async () => {
    const bad = await exec(tempDir(), '--only', 'nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--only nope: no such step/);
    const value = await exec(tempDir(), '--param', 'RUN_MODE=medium');
    expect(value.code).toBe(2);
    expect(value.stderr).toMatch(/RUN_MODE: expected one of fast, slow, got "medium"/);
  });

  it('refuses a bad option value before reading anything', async () => {
    for (const [args, message] of [
      [['--timeout', 'soon'], /invalid --timeout soon, expected a duration/],
      [['--live', '--port', 'abc'], /invalid --port abc, expected a number from 0 to 65535/],
    ] as const) {
      const r = await runCli(['exec', 'no-such-runbook.md', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const format = await runCli(['check', runbook, '--format', 'xml']);
    expect(format).toMatchObject({ code: 2, stderr: expect.stringMatching(/invalid --format xml, expected one of text, json/) });
  });

  it('removes the temp files of a state write that a killed run left behind', async () => {
    const d = tempDir();
    expect((await exec(d)).code).toBe(0);
    // A pid that is not running: the temp file of a write that never reached its rename.
    const stale = join(d, 'controls', 'state.json.999999999.deadbeef.tmp');
    writeFileSync(stale, '{"half": ');
    expect((await exec(d)).code).toBe(0);
    expect(existsSync(stale)).toBe(false);
  });

  it('prints the plan with --dry-run and runs nothing', async () => {
    const d = tempDir();
    const r = await runCli(['exec', runbook, '--dry-run', '--state-dir', d, '--param', `TOKEN=${token}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/5\. Count the runs \[count\] shell/);
    expect(r.stdout).not.toContain(token);
    expect(() => readdirSync(join(d, 'controls'))).toThrow();
  });
});
