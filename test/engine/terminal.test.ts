/**
 * The CLI in a real pseudo-terminal (util-linux `script` allocates it): a masked secret prompt, then
 * the confirmation before the first change, answered or interrupted. The secret is never echoed,
 * the second prompt still reads input, and Ctrl-C at the question cancels the run (exit 130).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bin } from '../support/cli.js';

const work = mkdtempSync(join(tmpdir(), 'runbook-tty-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const runbook = join(work, 'tty.md');
writeFileSync(runbook, [
  '---', 'params:', '  TOKEN: { type: secret, description: the token }', '---', '# Terminal', '',
  '1. Use it.', '', '   ```sh', '   rm -f nothing-here', '   echo "token is $TOKEN"', '   ```', '',
].join('\n'));
const secret = 'typed-s3cret-value';

/** Run `exec` in a pty; `answers` are typed when their prompt appears. */
function inTerminal(answers: Array<[prompt: string, keys: string]>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const command = `${process.execPath} ${bin} exec ${runbook} --state-dir ${mkdtempSync(join(work, 'state-'))}`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TERM: 'xterm', NO_COLOR: '1' } });
    let out = '';
    let next = 0;
    child.stdout.on('data', (d) => {
      out += String(d);
      const answer = answers[next];
      if (answer && out.includes(answer[0])) {
        next++;
        child.stdin.write(answer[1]);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out: out.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '') });
    });
  });
}

describe('in a terminal', () => {
  it('a masked secret, then the confirmation: both read, the secret never shown', async () => {
    const run = await inTerminal([['[secret]: ', `${secret}\r`], ['Continue? [y/N]', 'y\r']]);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain(`[secret]: ${'*'.repeat(secret.length)}`);
    expect(run.out).toContain('token is [redacted]');
    expect(run.out).toMatch(/Run succeeded/);
    expect(run.out).not.toContain(secret);
  });

  it('Ctrl-C at the confirmation cancels the run', async () => {
    const run = await inTerminal([['[secret]: ', `${secret}\r`], ['Continue? [y/N]', '\x03']]);
    expect(run.code, run.out).toBe(130);
    expect(run.out).toMatch(/Run cancelled/);
    expect(run.out).not.toContain('token is');
  });

  it('Ctrl-C at the secret prompt stops before anything runs', async () => {
    const run = await inTerminal([['[secret]: ', '\x03']]);
    expect(run.code, run.out).toBe(130);
    expect(run.out).not.toContain('Continue?');
  });
});
