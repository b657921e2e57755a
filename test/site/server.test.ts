/** startLiveServer over HTTP: what it serves, to whom, and that nothing can change a run through it. */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { request, type IncomingHttpHeaders } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordSink } from '../../src/events/record.js';
import type { EngineEvent } from '../../src/events/types.js';
import { startLiveServer, type LiveServer } from '../../src/serve/server.js';
import { loadRunbook, scenario, SECRET, type Scenario } from './support/scenario.js';
import { root, runbookFiles } from './support/site.js';

interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One raw HTTP request, headers exactly as given (fetch would add or forbid some). */
function get(server: LiveServer, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Read an event stream until `until` matches what arrived, then hang up. */
function stream(server: LiveServer, path: string, until: RegExp, headers: Record<string, string> = {}, onOpen?: () => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      onOpen?.();
      res.on('data', (d: string) => {
        body += d;
        if (until.test(body)) {
          req.destroy();
          resolve(body);
        }
      });
      res.on('end', () => resolve(body));
    });
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
    req.end();
  });
}

function eventsOf(body: string): EngineEvent[] {
  return body.split('\n\n').flatMap((chunk) => {
    const lines = chunk.split('\n');
    if (lines.some((l) => l.startsWith('event:'))) return [];
    const data = lines.find((l) => l.startsWith('data: '));
    return data ? [JSON.parse(data.slice(6)) as EngineEvent] : [];
  });
}

const dirs: string[] = [];
let run: Scenario;
let recorded: Scenario;

function stateWith(...runs: Scenario[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-serve-'));
  dirs.push(dir);
  for (const r of runs) {
    const record = recordSink(dir);
    for (const e of r.all) record.sink(e);
  }
  return dir;
}

beforeAll(async () => {
  const runbook = await loadRunbook(runbookFiles()[0]!, root);
  run = await scenario(runbook, { runId: '20260302T094100-a1b2c3', failAt: 3 });
  recorded = await scenario(runbook, { runId: '20260228T120000-ffeedd', t0: Date.parse('2026-02-28T12:00:00Z') });
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('startLiveServer', () => {
  let server: LiveServer;
  let siteDir: string;

  beforeAll(async () => {
    siteDir = mkdtempSync(join(tmpdir(), 'runbook-site-'));
    dirs.push(siteDir);
    mkdirSync(join(siteDir, 'runbooks', run.runbook.name), { recursive: true });
    writeFileSync(join(siteDir, 'index.html'), '<!doctype html><title>index</title>');
    writeFileSync(join(siteDir, 'runbooks', run.runbook.name, 'index.html'), '<!doctype html><title>page</title>');
    writeFileSync(join(siteDir, '404.html'), '<!doctype html><title>not found</title>');
    server = await startLiveServer({ stateDir: stateWith(recorded), siteDir });
  });

  afterAll(async () => {
    await server.close();
  });

  it('listens on 127.0.0.1 only', async () => {
    expect(server.origin).toBe(`http://127.0.0.1:${server.port}`);
    const others = Object.values(networkInterfaces()).flat().filter((i) => i && !i.internal && i.family === 'IPv4').map((i) => i!.address);
    for (const address of others) {
      await expect(
        new Promise((resolve, reject) => request({ host: address, port: server.port, path: '/' }, resolve).on('error', reject).end()),
      ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    }
    // The kernel's own table: the listening socket is bound to 127.0.0.1, not to every address.
    if (existsSync('/proc/net/tcp')) {
      const port = server.port.toString(16).toUpperCase().padStart(4, '0');
      const listening = (file: string) => readFileSync(file, 'utf8').split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((f) => f[1]?.endsWith(`:${port}`) && f[3] === '0A').map((f) => f[1]);
      expect(listening('/proc/net/tcp')).toEqual([`0100007F:${port}`]);
      if (existsSync('/proc/net/tcp6')) expect(listening('/proc/net/tcp6')).toEqual([]);
    }
    await expect(startLiveServer({ stateDir: tmpdir(), host: '0.0.0.0' })).rejects.toThrow(/this machine only/);
  });

  it('serves the built site, and nothing outside it', async () => {
    expect((await get(server, '/')).body).toContain('<title>index</title>');
    expect((await get(server, `/runbooks/${run.runbook.name}/`)).body).toContain('<title>page</title>');
    const redirect = await get(server, `/runbooks/${run.runbook.name}`);
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe(`/runbooks/${run.runbook.name}/`);
    const missing = await get(server, '/nope/');
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('not found');
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/runbooks/%2e%2e/%2e%2e/package.json']) {
      const res = await get(server, path);
      expect(res.status, path).not.toBe(200);
      expect(res.body).not.toContain('"name": "runbook"');
    }
  });

  it('refuses other origins and other host names, and never sends a CORS header', async () => {
    const path = `/_runbook/events?run=${recorded.runId}`;
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${server.port + 1}`]) {
      const res = await get(server, path, { Origin: origin });
      expect(res.status, origin).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
    expect((await get(server, '/_runbook/runs', { Origin: 'https://attacker.test' })).status).toBe(403);
    // DNS rebinding: a page of another site resolving its name to 127.0.0.1.
    expect((await get(server, '/_runbook/runs', { Host: `rebind.attacker.test:${server.port}` })).status).toBe(403);
    // Embedded from another site without an Origin header (`<script src>`).
    expect((await get(server, '/_runbook/runs', { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    // Its own pages may ask.
    const own = await get(server, '/_runbook/runs', { Origin: server.origin, 'Sec-Fetch-Site': 'same-origin' });
    expect(own.status).toBe(200);
    expect(own.headers['access-control-allow-origin']).toBeUndefined();
    const all = [own, await get(server, '/'), await stream(server, path, /event: end/).then((body) => ({ headers: {}, body }))];
    for (const res of all) expect(JSON.stringify(res.headers)).not.toMatch(/access-control-allow-origin/i);
  });

  it('is read-only: any method but GET and HEAD is refused', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      for (const path of ['/_runbook/runs', `/_runbook/events?run=${recorded.runId}`, '/']) {
        const res = await get(server, path, {}, method);
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.allow).toBe('GET, HEAD');
      }
    }
  });

  it('lists recorded runs and the live one', async () => {
    server.sink(run.start);
    const runs = JSON.parse((await get(server, '/_runbook/runs')).body) as Array<Record<string, unknown>>;
    expect(runs.map((r) => r.id)).toEqual([run.runId, recorded.runId]);
    expect(runs[0]).toMatchObject({ status: 'running', live: true, runbook: { name: run.runbook.name, title: run.runbook.title }, page: `/runbooks/${run.runbook.name}/` });
    expect(runs[1]).toMatchObject({ status: 'succeeded', live: false, startedAt: recorded.start.time, steps: { total: recorded.plan.steps.length, finished: recorded.plan.steps.length } });
  });

  it('streams the live run: the backlog on connect, then each event as it is sunk, until run:end', async () => {
    const half = run.all.indexOf(run.steps[1]!.events[0]!);
    for (const e of run.all.slice(1, half)) server.sink(e);
    const received = stream(server, `/_runbook/events?run=${run.runId}`, /event: end/, {}, () => {
      setTimeout(() => {
        for (const e of run.all.slice(half)) server.sink(e);
      }, 50);
    });
    const body = await received;
    expect(eventsOf(body).map((e) => e.seq)).toEqual(run.all.map((e) => e.seq));
    expect(body).toMatch(/event: end\ndata: \{"status":"failed"\}/);
    expect(body).not.toContain(SECRET);
    // A reconnecting client gets only what it missed.
    const after = await stream(server, `/_runbook/events?run=${run.runId}`, /event: end/, { 'Last-Event-ID': String(run.all.length - 2) });
    expect(eventsOf(after).map((e) => e.seq)).toEqual([run.all.length - 1, run.all.length]);
  });

  it('replays a recorded run from its file', async () => {
    const body = await stream(server, `/_runbook/events?run=${recorded.runId}`, /event: end/);
    expect(eventsOf(body)).toEqual(recorded.all);
    expect(body).toContain('event: end\ndata: {"status":"succeeded"}');
  });

  it('rejects run ids that are not ids, and unknown runs', async () => {
    expect((await get(server, '/_runbook/events?run=../../etc/passwd')).status).toBe(400);
    expect((await get(server, '/_runbook/events')).status).toBe(400);
    expect((await get(server, '/_runbook/events?run=20990101T000000-000000')).status).toBe(404);
  });

  it('redirects its URL to the page of the run in progress', async () => {
    const res = await get(server, '/_runbook/live');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/runbooks/${run.runbook.name}/?run=${run.runId}`);
  });
});

describe('runbook serve (the built CLI)', () => {
  it('serves the recorded runs until Ctrl-C, then exits 0', async () => {
    const stateDir = stateWith(recorded);
    const child = spawn(process.execPath, [join(root, 'bin', 'runbook.js'), 'serve', '--state-dir', stateDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stdout = '';
      const origin = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          stdout += String(d);
          const m = /(http:\/\/127\.0\.0\.1:\d+)\/runs\//.exec(stdout);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`runbook serve exited with ${code}: ${stdout}`)));
      });
      const runs = (await (await fetch(`${origin}/_runbook/runs`)).json()) as Array<{ id: string; status: string }>;
      expect(runs).toMatchObject([{ id: recorded.runId, status: 'succeeded' }]);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await expect(exited).resolves.toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('explains itself', async () => {
    const help = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, [join(root, 'bin', 'runbook.js'), 'serve', '--help']);
      let out = '';
      child.stdout.on('data', (d) => (out += String(d)));
      child.on('exit', () => resolve(out));
    });
    expect(help).toContain('Usage: runbook serve');
    expect(help).toContain('--state-dir');
    expect(help).toContain('--port');
  });
});

describe('runbook serve, following a run another process is recording', () => {
  let server: LiveServer;
  afterEach(async () => server?.close());

  it('streams a recorded run as its file grows, while its lock names a live process', async () => {
    const stateDir = stateWith();
    mkdirSync(join(stateDir, 'runs'), { recursive: true });
    const file = join(stateDir, 'runs', `${run.runId}.ndjson`);
    const [first, ...rest] = run.all;
    writeFileSync(file, `${JSON.stringify(first)}\n`);
    // state/lock.ts: this process holds the runbook's lock for that run.
    mkdirSync(join(stateDir, run.runbook.name), { recursive: true });
    writeFileSync(join(stateDir, run.runbook.name, 'lock'), JSON.stringify({ pid: process.pid, runId: run.runId, startedAt: first!.time }));
    server = await startLiveServer({ stateDir });
    const runs = JSON.parse((await get(server, '/_runbook/runs')).body) as Array<{ status: string; live: boolean }>;
    expect(runs[0]).toMatchObject({ status: 'running', live: false });
    const body = await stream(server, `/_runbook/events?run=${run.runId}`, /event: end/, {}, () => {
      setTimeout(() => {
        for (const e of rest) appendFileSync(file, `${JSON.stringify(e)}\n`);
      }, 100);
    });
    expect(eventsOf(body)).toEqual(run.all);
  });

  it('serves 200 pages following the same recorded run from one reader of its file: every page gets every event', async () => {
    const stateDir = stateWith();
    mkdirSync(join(stateDir, 'runs'), { recursive: true });
    const file = join(stateDir, 'runs', `${run.runId}.ndjson`);
    const [first, ...rest] = run.all;
    writeFileSync(file, `${JSON.stringify(first)}\n`);
    mkdirSync(join(stateDir, run.runbook.name), { recursive: true });
    writeFileSync(join(stateDir, run.runbook.name, 'lock'), JSON.stringify({ pid: process.pid, runId: run.runId, startedAt: first!.time }));
    server = await startLiveServer({ stateDir });
    let opened = 0;
    const pages = Array.from({ length: 200 }, () =>
      stream(server, `/_runbook/events?run=${run.runId}`, /event: end/, {}, () => {
        // Once every page is connected, the recording goes on, half a line at a time.
        if (++opened < 200) return;
        const text = rest.map((e) => `${JSON.stringify(e)}\n`).join('');
        let at = 0;
        const timer = setInterval(() => {
          appendFileSync(file, text.slice(at, at + 97));
          at += 97;
          if (at >= text.length) clearInterval(timer);
        }, 5);
      }));
    const bodies = await Promise.all(pages);
    for (const body of bodies) expect(eventsOf(body)).toEqual(run.all);
  });

  it('ends a recorded run nobody is writing any more as interrupted', async () => {
    const stateDir = stateWith();
    mkdirSync(join(stateDir, 'runs'), { recursive: true });
    writeFileSync(join(stateDir, 'runs', `${run.runId}.ndjson`), run.all.slice(0, 4).map((e) => `${JSON.stringify(e)}\n`).join(''));
    server = await startLiveServer({ stateDir });
    const runs = JSON.parse((await get(server, '/_runbook/runs')).body) as Array<{ status: string }>;
    expect(runs[0]!.status).toBe('interrupted');
    const body = await stream(server, `/_runbook/events?run=${run.runId}`, /event: end/);
    expect(eventsOf(body)).toHaveLength(4);
    expect(body).toContain('event: end\ndata: {"status":"interrupted"}');
  });
});
