/**
 * The shell session on its own: one bash for every step, state carried between steps and read back
 * as snapshots, restore into a new session, output attributed by markers, calls handed to the
 * engine through the shims and the private channel (which refuses requests without the run's token).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRequest, CallResponse } from '../../src/engine/session/channel.js';
import { Session } from '../../src/engine/session/session.js';
import { changesBetween, restoreScript, type Snapshot } from '../../src/engine/session/snapshot.js';
import { strictDeclarations } from '../../src/engine/session/strict.js';
import { parseShell } from '../../src/shell/parse.js';

const work = mkdtempSync(join(tmpdir(), 'runbook-session-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Harness {
  session: Session;
  calls: CallRequest[];
  output: Array<{ stream: string; text: string }>;
  run(code: string, line?: number): Promise<{ status: number; snapshot?: Snapshot; ended: boolean; out: string; err: string }>;
}

function harness(serve: (r: CallRequest) => Promise<CallResponse> = async (r) => ({ stdout: `served ${r.argv.slice(1).join(' ')}\n`, stderr: '', exitCode: 0 })): Harness {
  const calls: CallRequest[] = [];
  const output: Harness['output'] = [];
  const session = Session.start({
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work, LANG: 'C.UTF-8' }, cwd: work, tools: ['aws', 'kubectl'],
    serve: async (r) => {
      calls.push(r);
      return serve(r);
    },
    output: (stream, text) => output.push({ stream, text }),
  });
  return {
    session, calls, output,
    async run(code, line = 1) {
      const from = output.length;
      const r = await session.run({ code, file: 'guide.md', line }, new AbortController().signal);
      const mine = output.slice(from);
      return { ...r, out: mine.filter((o) => o.stream === 'stdout').map((o) => o.text).join(''), err: mine.filter((o) => o.stream === 'stderr').map((o) => o.text).join('') };
    },
  };
}

describe('one shell for every step', () => {
  let h: Harness;
  beforeAll(() => {
    h = harness();
  });
  afterAll(() => h.session.stop());

  it('keeps functions, cd, pushd, arrays, aliases and options from step to step', async () => {
    await h.run(':');
    const first = await h.run([
      'greet() { printf "hello, %s\\n" "$1"; }',
      'mkdir -p a/b && cd a',
      'pushd b > /dev/null',
      'LIST=(one "two words" three)',
      'declare -A MAP=([k]=v)',
      'alias say=echo',
      'set -o nounset',
      'export EXPORTED=yes',
    ].join('\n'));
    expect(first.status).toBe(0);
    const second = await h.run('greet "${LIST[1]}"\nsay "${MAP[k]} ${#LIST[@]} $EXPORTED"\npwd\npopd > /dev/null; pwd');
    expect(second.status).toBe(0);
    expect(second.out).toBe(`hello, two words\nv 3 yes\n${work}/a/b\n${work}/a\n`);
    expect(second.snapshot?.options).toContain('set -o nounset');
  });

  it('reads back what a step changed as a snapshot', async () => {
    const before = (await h.run(':')).snapshot!;
    const after = (await h.run('NEW=1; unset EXPORTED; helper() { :; }; cd /')).snapshot!;
    expect(changesBetween(before, after)).toEqual({ variables: ['NEW'], unset: ['EXPORTED'], functions: ['helper'], removedFunctions: [], cwd: '/' });
    expect(after.variables.get('LIST')).toEqual({ attrs: 'a', value: 'one two words three', entries: [['0', 'one'], ['1', 'two words'], ['2', 'three']] });
    expect(after.variables.get('MAP')).toMatchObject({ attrs: 'A', entries: [['k', 'v']] });
  });

  it('names the runbook and its line in bash\'s own messages', async () => {
    const r = await h.run('no-such-command-here', 42);
    expect(r.status).toBe(127);
    expect(r.err).toBe('guide.md: line 42: no-such-command-here: command not found\n');
    expect(r.ended).toBe(true);
    expect(h.session.alive).toBe(false);
  });
});

describe('a failing command fails its step', () => {
  it('errexit and pipefail, and `export X=$(false)` made strict', async () => {
    const h = harness();
    await h.run(':');
    expect((await h.run('false; echo never')).status).toBe(1);
    await h.session.stop();
    const g = harness();
    await g.run(':');
    expect((await g.run('if ! false; then echo handled; fi')).out).toBe('handled\n');
    const code = 'export X=$(false)\necho "still here"';
    const strict = strictDeclarations(code, parseShell(code).statements, { line: 1, column: 1 });
    expect(strict).toBe('{ X=$(false); export X; }\necho "still here"');
    const r = await g.run(strict);
    expect(r.status).toBe(1);
    expect(r.out).toBe('');
    await g.session.stop();
  });
});

describe('calls reach the engine', () => {
  it('from pipelines, loops, conditions, functions and $( … ), with argv, cwd, environment and stdin', async () => {
    const h = harness(async (r) => {
      if (r.argv.includes('fail')) return { stdout: '', stderr: 'An error occurred (NoSuchEntity)\n', exitCode: 254 };
      if (r.argv.includes('stdin')) return { stdout: (await r.readStdin()).toString().toUpperCase(), stderr: '', exitCode: 0 };
      return { stdout: `${r.argv.slice(1).join(' ')} in ${r.cwd} region=${r.env.AWS_REGION ?? ''}\n`, stderr: '', exitCode: 0 };
    });
    await h.run(':');
    const r = await h.run([
      'cd /tmp',
      'f() { aws inside-function "$@"; }',
      'for i in 1 2; do f "$i"; done',
      'if ! aws fail; then echo "handled the failure"; fi',
      'X=$(AWS_REGION=eu-west-1 aws substitution)',
      'echo "$X"',
      'aws piped | tr a-z A-Z',
      'printf "from a heredoc" | aws stdin; echo',
      'aws quiet > /dev/null && echo quiet-ok',
      'echo "a b" | xargs -n1 aws via-xargs',
    ].join('\n'));
    expect(r.status).toBe(0);
    expect(r.out).toBe([
      'inside-function 1 in /tmp region=', 'inside-function 2 in /tmp region=', 'handled the failure',
      'substitution in /tmp region=eu-west-1', 'PIPED IN /TMP REGION=', 'FROM A HEREDOC', 'quiet-ok',
      'via-xargs a in /tmp region=', 'via-xargs b in /tmp region=', '',
    ].join('\n'));
    expect(r.err).toBe('An error occurred (NoSuchEntity)\n');
    expect(h.calls.map((c) => c.argv.slice(0, 3).join(' '))).toEqual([
      'aws inside-function 1', 'aws inside-function 2', 'aws fail', 'aws substitution', 'aws piped', 'aws stdin', 'aws quiet', 'aws via-xargs a', 'aws via-xargs b',
    ]);
    // An empty answer closes the pipe: the reader does not wait for more.
    const empty = harness(async () => ({ stdout: '', stderr: '', exitCode: 0 }));
    await empty.run(':');
    expect((await empty.run('aws nothing | wc -c | tr -d " "')).out).toBe('0\n');
    await empty.session.stop();
    await h.session.stop();
  });

  it('runs the real CLI when the engine says so, with the shims off its PATH', async () => {
    const bin = mkdtempSync(join(work, 'bin-'));
    writeFileSync(join(bin, 'kubectl'), '#!/bin/sh\necho "real kubectl $*"; echo "PATH=$PATH" | grep -c runbook-session || true\n', { mode: 0o755 });
    const h = harness(async () => ({ exec: join(bin, 'kubectl') }));
    await h.run(':');
    const r = await h.run('kubectl port-forward svc/x 8200');
    expect(r.out).toBe('real kubectl port-forward svc/x 8200\n0\n');
    await h.session.stop();
  });
});

describe('the private channel', () => {
  it('lives in an owner-only directory and refuses a request without the run\'s token', async () => {
    const h = harness();
    const session = h.session;
    await h.run(':');
    expect(statSync(session.dir).mode & 0o077).toBe(0);
    expect(statSync(join(session.dir, 'channel')).mode & 0o077).toBe(0);
    expect(statSync(join(session.shims, 'aws')).mode & 0o077).toBe(0);
    // A forged shim: same protocol, wrong token.
    const shim = readFileSync(join(session.shims, 'aws'), 'utf8');
    const token = /printf '%s\\0' '([0-9a-f]+)'/.exec(shim)![1]!;
    const forged = join(work, 'forged-aws');
    writeFileSync(forged, shim.replace(token, 'not-the-token'), { mode: 0o700 });
    const r = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = execFile(forged, ['sts', 'get-caller-identity'], { encoding: 'utf8', timeout: 10_000 }, (_e, _out, stderr) => resolve({ status: child.exitCode, stderr }));
    });
    expect(r.status).toBe(126);
    expect(r.stderr).toMatch(/refused/);
    expect(h.calls).toEqual([]);
    // Another user cannot even open the channel (or read a shim, with its token): the directory is the owner's.
    if (process.getuid?.() === 0) {
      const other = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = execFile('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'sh', '-c', `echo 1 > '${join(session.dir, 'channel')}'; cat '${join(session.shims, 'aws')}'`],
          { encoding: 'utf8', timeout: 10_000 }, (_e, _out, stderr) => resolve({ code: child.exitCode, stderr }));
      });
      expect(other.code).not.toBe(0);
      expect(other.stderr).toMatch(/Permission denied/);
      expect(other.stderr).not.toContain(token);
    }
    expect(h.calls).toEqual([]);
    await session.stop();
    expect(readdirSync(tmpdir()).includes(session.dir.split('/').pop()!)).toBe(false);
  });
});

describe('restoring a saved state', () => {
  it('puts variables (any value), arrays, functions, aliases, options and the directory stack back', async () => {
    const nasty = `it's "quoted" $(not run) \`nor this\` \\ and\nnewlines`;
    const script = restoreScript({
      variables: [
        { name: 'PLAIN', value: nasty, attrs: '' },
        { name: 'EXPORTED', value: 'x', attrs: 'x' },
        { name: 'ARR', value: 'a b', attrs: 'a', entries: [['0', 'a'], ['3', 'b c']] },
        { name: 'ASSOC', value: 'v', attrs: 'A', entries: [["k'ey", 'v']] },
        { name: 'RO', value: 'r', attrs: 'r' },
      ],
      functions: ['hello () \n{ \n    echo "hi $1"\n}\n'],
      aliases: ["alias k='kubectl'"],
      options: ['set -o nounset'],
      dirs: ['/usr', '/tmp'],
    });
    const h = harness();
    await h.run(':');
    await h.run(script);
    const r = await h.run('K="k\'ey"; printf "%s|" "$PLAIN" "${ARR[3]}" "${ASSOC[$K]}"; hello there; RO=changed; echo "$RO"; pwd; dirs -l -p | tail -1; bash -c \'echo "child sees $EXPORTED"\'');
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(r.out).toBe(`${nasty}|b c|v|hi there\nchanged\n/usr\n/tmp\nchild sees x\n`);
    await h.session.stop();
  });
});

describe('a session whose engine dies', () => {
  it('ends with everything it started', async () => {
    // A bash standing in for the engine: it starts a session-like process group through the driver
    // and is killed; the watchdog must end the background job.
    const marker = join(work, `sleeper-${process.pid}`);
    const h = harness();
    await h.run(':');
    await h.run(`(exec -a ${marker} sleep 300) &`);
    const alive = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').some((l) => l.startsWith(marker));
    expect(alive()).toBe(true);
    h.session.kill();
    for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive()).toBe(false);
    await h.session.stop();
  });
});
