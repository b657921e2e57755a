/// <reference lib="dom" />
/**
 * `runbook exec --live` for real: the built CLI runs a runbook against moto and serves the live log;
 * Chromium opens the URL the CLI prints and follows the run. A run takes half a second, so a gate
 * between the engine and moto holds the AWS calls until the page is watching, and at a chosen call
 * for the mid-run checks: every wait is on the page's or the process's state, never on the clock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bin } from '../support/cli.js';
import { motoEnv, startMoto, type Moto } from '../support/moto.js';
import { launch, shoot, shotsDir, type Browser } from './support/browser.js';
import { loadRunbook } from './support/scenario.js';
import { ensureSite, root } from './support/site.js';

const shots = shotsDir;
const awsRunbook = 'runbooks/vault-kms-aws.md';
const secretRunbook = 'test/fixtures/exec/secret-live.md';
const cluster = 'vault-live';
/** Generous: a loaded 2-core machine runs the CLI, moto, Chromium and other test files at once. */
const patience = 30_000;

// ---------------------------------------------------------------------------------------------
// The gate: a pass-through proxy to moto that holds the requests a predicate matches.

interface Held {
  method: string;
  path: string;
  /** `X-Amz-Target` (JSON protocols: KMS, STS…), or the query protocol's `Action=` from the body. */
  operation: string;
}

interface Gate {
  endpoint: string;
  /** Requests `match` accepts wait from now on; those waiting that it no longer accepts go through. */
  hold(match: (r: Held) => boolean): void;
  open(): void;
  /** The requests waiting, once at least `count` are. */
  waiting(count?: number): Promise<Held[]>;
  close(): Promise<void>;
}

async function startGate(target: string): Promise<Gate> {
  const upstream = new URL(target);
  let match: (r: Held) => boolean = () => false;
  let queue: Array<{ held: Held; go: () => void }> = [];
  const arrived: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body.toString('utf8'))?.[1];
      const held: Held = { method: req.method ?? 'GET', path: req.url ?? '/', operation: String(req.headers['x-amz-target'] ?? action ?? '') };
      const go = () => {
        const headers: IncomingHttpHeaders = { ...req.headers, host: upstream.host };
        const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        out.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
        out.end(body);
      };
      if (match(held)) {
        queue.push({ held, go });
        for (const notify of arrived.splice(0)) notify();
      } else go();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const gate: Gate = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hold(next) {
      match = next;
      const release = queue.filter((q) => !next(q.held));
      queue = queue.filter((q) => next(q.held));
      for (const q of release) q.go();
    },
    open: () => gate.hold(() => false),
    async waiting(count = 1) {
      while (queue.length < count) await new Promise<void>((resolve) => arrived.push(resolve));
      return queue.map((q) => q.held);
    },
    async close() {
      gate.open();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return gate;
}

const everything = () => true;
/** EKS DescribeCluster: `GET /clusters/<name>` (the oidc-issuer step). */
const eksCalls = (r: Held) => r.path.startsWith('/clusters/');

// ---------------------------------------------------------------------------------------------
// `runbook exec FILE --live` as a user runs it, stopped by its PID.

interface LiveRun {
  child: ChildProcess;
  stateDir: string;
  stdout: () => string;
  stderr: () => string;
  /** The `Live log: <url>` the CLI prints. */
  url: Promise<string>;
  /** The run is over and the CLI keeps serving ("Run finished; the live log stays at …"). */
  finished: Promise<void>;
  /** SIGTERM by PID, then the exit code. */
  stop(): Promise<number | null>;
}

const runs: LiveRun[] = [];
const dirs: string[] = [];
let moto: Moto;
let gate: Gate;
let browser: Browser;

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-live-exec-'));
  dirs.push(dir);
  return dir;
}

function startRun(file: string, params: string[]): LiveRun {
  const stateDir = tempDir();
  const args = [bin, 'exec', file, '--live', '--yes', '--state-dir', stateDir, ...params.flatMap((p) => ['--param', p])];
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...motoEnv(gate.endpoint), NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const waitFor = (what: string, test: () => string | undefined) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = test();
        if (found !== undefined) resolve(found);
        return found !== undefined;
      };
      if (check()) return;
      child.stderr!.on('data', check);
      void exited.then((code) => check() || reject(new Error(`runbook exec exited (${code}) before ${what}:\n${stderr}`)));
    });
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const run: LiveRun = {
    child, stateDir,
    stdout: () => stdout,
    stderr: () => stderr,
    url: waitFor('printing its URL', () => /Live log: (http:\S+)/.exec(stderr)?.[1]),
    // exec.ts prints this line just before it starts listening for SIGTERM (a signal in between
    // kills it outright): a request its server answers after the line proves it listens now.
    finished: waitFor('finishing', () => (stderr.includes('Run finished;') ? '' : undefined)).then(async () => {
      const origin = new URL(/Live log: (http:\S+)/.exec(stderr)![1]!).origin;
      await (await fetch(`${origin}/_runbook/runs`)).arrayBuffer();
    }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid!, 'SIGTERM');
        const timer = setTimeout(() => child.exitCode === null && child.signalCode === null && process.kill(child.pid!, 'SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
  // Unhandled if a test ends before it: the test reports its own failure.
  run.url.catch(() => undefined);
  run.finished.catch(() => undefined);
  runs.push(run);
  return run;
}

// ---------------------------------------------------------------------------------------------
// The page.

interface Recorded {
  /** `step:state` for every change of a step's data-state, in the order the page made them. */
  transitions: string[];
  /** Every distinct value of the header's `data-rb-progress`, in order. */
  progress: string[];
  /** Set once the test has seen the run on the page: still there at the end means no reload. */
  mark?: string;
}

/** Runs in every document the page loads, before the site's scripts. */
function recorder(): void {
  const rec: Recorded = { transitions: [], progress: [] };
  (window as unknown as { __rb: Recorded }).__rb = rec;
  new MutationObserver((records) => {
    for (const r of records) {
      const el = r.target as HTMLElement;
      if (r.type === 'attributes' && el.dataset?.stepId) rec.transitions.push(`${el.dataset.stepId}:${el.dataset.state}`);
    }
    const progress = document.querySelector('[data-rb-progress]')?.getAttribute('data-rb-progress');
    if (progress && rec.progress.at(-1) !== progress) rec.progress.push(progress);
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
}

const recorded = (page: Page) => page.evaluate(() => (window as unknown as { __rb: Recorded }).__rb);

async function openPage(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.addInitScript(recorder);
  return page;
}

async function stepState(page: Page, id: string, state: string): Promise<void> {
  await page.waitForSelector(`.rb-step[data-step-id="${id}"][data-state="${state}"]`, { timeout: patience });
}

async function runState(page: Page, state: string): Promise<void> {
  await page.waitForSelector(`.rb-run[data-state="${state}"]`, { timeout: patience });
}

const progressOf = (page: Page) => page.locator('[data-rb-progress]').getAttribute('data-rb-progress');

/**
 * Open the printed URL and follow it to the run's page (through /runs/?follow when the page asks
 * before the run has started). The gate holds every call meanwhile: the run is at its first step.
 */
async function follow(page: Page, run: LiveRun, pathname: string): Promise<string> {
  const url = await run.url;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_runbook\/live$/);
  await page.goto(url);
  await page.waitForURL((u) => u.pathname === pathname && !!u.searchParams.get('run'), { timeout: patience });
  await runState(page, 'running');
  return new URL(page.url()).searchParams.get('run')!;
}


/** The raw event stream of a run, as any HTTP client gets it, read until its `end` event. */
async function readStream(origin: string, runId: string): Promise<string> {
  const res = await fetch(`${origin}/_runbook/events?run=${encodeURIComponent(runId)}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!/event: end\ndata: [^\n]*\n\n/.test(text)) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel().catch(() => undefined);
  return text;
}

/** One raw request with exactly these headers (fetch would add or forbid some). */
function rawGet(host: string, port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, headers }, (res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
      // An event stream stays open: hang up once its status is known.
      req.destroy();
    });
    req.on('error', reject);
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  expect(existsSync(join(root, 'lib', 'cli', 'main.js')), 'the CLI is not built: run `npm run build:cli`').toBe(true);
  mkdirSync(shots, { recursive: true });
  await Promise.all([startMoto().then((m) => (moto = m)), ensureSite()]);
  gate = await startGate(moto.endpoint);
  browser = await launch();
}, 180_000);

afterAll(async () => {
  // Every CLI by its PID (each keeps serving its log until then), then the browser, the gate, moto.
  await Promise.all(runs.map((r) => r.stop()));
  await browser?.close();
  await gate?.close();
  await moto?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}, 60_000);

async function createCluster(): Promise<void> {
  const eks = new EKSClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  await eks.send(new CreateClusterCommand({ name: cluster, roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: { subnetIds: ['subnet-1'] } }));
  eks.destroy();
}

describe('runbook exec --live, in a browser', () => {
  // Each run starts from an empty account, and with every AWS call held until the test lets it go.
  beforeEach(async () => {
    await moto.reset();
    gate.hold(everything);
  });

  it('shows the AWS runbook\'s steps turning done in order, without a reload, to the run\'s outputs', async () => {
    const runbook = await loadRunbook(join(root, awsRunbook), root);
    const ids = runbook.steps.map((s) => s.id);
    expect(ids).toHaveLength(11);
    await createCluster();
    const run = startRun(awsRunbook, [`EKS_CLUSTER_NAME=${cluster}`]);
    const page = await openPage();
    try {
      await follow(page, run, '/runbooks/vault-kms-aws/');
      // Held at its first call: the first step runs, the rest wait.
      expect((await gate.waiting()).map((r) => r.operation)).toEqual([expect.stringMatching(/GetCallerIdentity$/)]);
      await stepState(page, ids[0]!, 'running');
      for (const id of ids.slice(1)) await stepState(page, id, 'pending');
      await expect(progressOf(page)).resolves.toBe('0/11');
      await page.evaluate(() => ((window as unknown as { __rb: Recorded }).__rb.mark = 'same document'));

      // Let it run up to the EKS call of step 5.
      gate.hold(eksCalls);
      await stepState(page, 'key-arn', 'done');
      await stepState(page, 'oidc-issuer', 'running');
      expect((await gate.waiting()).map((r) => r.path)).toEqual([`/clusters/${cluster}`]);
      await expect(progressOf(page)).resolves.toBe('4/11');
      await expect(page.locator('.rb-run .rb-run-detail').textContent()).resolves.toContain('Now: step 5 oidc-issuer');
      await expect(page.locator('.rb-step[data-step-id="create-key"] .rb-vars').textContent()).resolves.toMatch(/KEY_ID[0-9a-f-]{36}/);
      await shoot(page, 'exec-mid-run', 'dark', '.rb-step[data-step-id="oidc-issuer"]', true);
      await shoot(page, 'exec-mid-run', 'light');

      gate.open();
      await runState(page, 'succeeded');
      for (const id of ids) await stepState(page, id, 'done');
      await expect(progressOf(page)).resolves.toBe('11/11');

      const rec = await recorded(page);
      expect(rec.mark, 'the page was reloaded').toBe('same document');
      // Each step turned done once, in the runbook's order, and never went back.
      expect(rec.transitions.filter((t) => t.endsWith(':done')).map((t) => t.split(':')[0])).toEqual(ids);
      for (const id of ids) {
        const states = rec.transitions.filter((t) => t.startsWith(`${id}:`)).map((t) => t.split(':')[1]).filter((s, i, all) => s !== all[i - 1]);
        expect(states.join(' '), id).toMatch(/^(pending )?(running )?done$/);
      }
      // The header counted up as it went: from 0/11 through 4/11 (where the gate held it) to 11/11.
      const counts = rec.progress.map((p) => Number(p.split('/')[0]));
      expect(rec.progress[0]).toBe('0/11');
      expect(rec.progress).toContain('4/11');
      expect(rec.progress.at(-1)).toBe('11/11');
      expect(counts).toEqual([...counts].sort((a, b) => a - b));

      // The outputs, in the header: KEY_ARN is the key moto holds.
      const kms = new KMSClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
      const keys = (await kms.send(new ListKeysCommand({}))).Keys ?? [];
      kms.destroy();
      expect(keys).toHaveLength(1);
      const output = page.locator('.rb-run-outputs .rb-output', { hasText: 'KEY_ARN' });
      await output.waitFor({ state: 'visible', timeout: patience });
      await expect(output.locator('.rb-value').textContent()).resolves.toBe(keys[0]!.KeyArn);
      await shoot(page, 'exec-finished', 'dark', `.rb-step[data-step-id="${ids[0]}"]`);
      await shoot(page, 'exec-finished', 'light');

      await run.finished;
      expect(await run.stop(), run.stderr()).toBe(0);
      expect(run.stderr()).toContain('Run succeeded');
      expect(run.stdout()).toContain(keys[0]!.KeyArn);
    } finally {
      await page.close();
    }
  });

  it('shows a failing run: the step with the service\'s error, the run failed, earlier steps done', async () => {
    const run = startRun(awsRunbook, ['EKS_CLUSTER_NAME=no-such-cluster']);
    const page = await openPage();
    try {
      await follow(page, run, '/runbooks/vault-kms-aws/');
      gate.open();
      await runState(page, 'failed');
      await stepState(page, 'oidc-issuer', 'failed');
      for (const id of ['account-id', 'create-key', 'create-alias', 'key-arn']) await stepState(page, id, 'done');
      for (const id of ['oidc-provider', 'trust-policy', 'create-role', 'key-policy', 'create-policy', 'attach-policy']) await stepState(page, id, 'pending');
      const error = page.locator('.rb-step[data-step-id="oidc-issuer"] .rb-live-error');
      await expect(error.locator('.rb-error-title').textContent()).resolves.toMatch(/failed: ResourceNotFoundException$/);
      await expect(error.locator('.rb-error-message').textContent()).resolves.toMatch(/No cluster found for name: no-such-cluster/);
      await expect(error.locator('.rb-error-hint').textContent()).resolves.toMatch(/run `runbook exec runbooks\/vault-kms-aws\.md` again/);
      await expect(page.locator('.rb-run .rb-run-detail').textContent()).resolves.toMatch(/^Failed at step 5 oidc-issuer: .*No cluster found/);
      await expect(progressOf(page)).resolves.toBe('5/11');
      await shoot(page, 'exec-failed', 'dark', '.rb-step[data-step-id="oidc-issuer"] .rb-live-error', true);
      await shoot(page, 'exec-failed', 'light');

      await run.finished;
      expect(await run.stop(), run.stderr()).toBe(1);
    } finally {
      await page.close();
    }
  });

  it('never lets a secret reach the page, the stream, the run record or the terminal', async () => {
    const secret = `Pw${randomBytes(12).toString('hex')}Zq`;
    const run = startRun(secretRunbook, [`DB_PASSWORD=${secret}`]);
    const page = await openPage();
    try {
      // No docs page for a fixture: the run is shown on the run history page, from its own events.
      const runId = await follow(page, run, '/runs/');
      const origin = new URL(await run.url).origin;
      // The raw stream, from before the first call to the end of the run.
      const stream = readStream(origin, runId);
      gate.open();
      await runState(page, 'succeeded');
      for (const id of ['create-secret', 'fetch-secret', 'echo-password']) await stepState(page, id, 'done');

      const echo = await page.locator('.rb-step[data-step-id="echo-password"] .rb-live-output').textContent();
      expect(echo).toContain('read back unchanged');
      expect(echo).toContain('password is [redacted]');
      await expect(page.locator('.rb-step[data-step-id="fetch-secret"] .rb-vars').textContent()).resolves.toBe('FETCHED[redacted]');
      await expect(page.locator('.rb-step[data-step-id="create-secret"] .rb-live-call').textContent()).resolves.toContain('"SecretString":"***"');
      await shoot(page, 'exec-secret', 'dark', '.rb-step[data-step-id="fetch-secret"]', true);
      const html = await page.content();
      expect(html).toContain('password is [redacted]');
      expect(html).not.toContain(secret);

      const events = await stream;
      expect(events).toMatch(/event: end\ndata: \{"status":"succeeded"\}/);
      expect(events).toContain('password is [redacted]');
      expect(events).not.toContain(secret);

      await run.finished;
      expect(await run.stop(), run.stderr()).toBe(0);
      const records = readdirSync(join(run.stateDir, 'runs')).filter((f) => f.endsWith('.ndjson'));
      expect(records).toEqual([`${runId}.ndjson`]);
      for (const f of records) {
        const text = readFileSync(join(run.stateDir, 'runs', f), 'utf8');
        expect(text).toContain('password is [redacted]');
        expect(text).not.toContain(secret);
      }
      expect(run.stderr()).toContain('password is [redacted]');
      expect(run.stdout() + run.stderr()).not.toContain(secret);
    } finally {
      await page.close();
    }
  });

  it('refuses other origins and listens on 127.0.0.1 only', async () => {
    const run = startRun(secretRunbook, [`DB_PASSWORD=${randomBytes(8).toString('hex')}`]);
    const url = new URL(await run.url);
    const port = Number(url.port);
    // The run in progress (held at its first call) is listed once its run:start is in.
    let runId: string | undefined;
    while (!runId) {
      const list = (await (await fetch(`${url.origin}/_runbook/runs`)).json()) as Array<{ id: string; live: boolean }>;
      runId = list.find((r) => r.live)?.id;
      if (!runId) await new Promise((r) => setTimeout(r, 100));
    }
    const path = `/_runbook/events?run=${runId}`;
    const evil = await rawGet('127.0.0.1', port, path, { Origin: 'http://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const own = await rawGet('127.0.0.1', port, path, { Origin: url.origin });
    expect(own.status).toBe(200);
    expect(own.headers['access-control-allow-origin']).toBeUndefined();

    // Not reachable on the machine's other addresses.
    const others = Object.values(networkInterfaces()).flat().filter((i) => i && !i.internal && i.family === 'IPv4').map((i) => i!.address);
    for (const address of others) {
      await expect(rawGet(address, port, '/')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    }
    // The kernel's own table: the listening socket is bound to 127.0.0.1, not to every address.
    if (existsSync('/proc/net/tcp')) {
      const hex = port.toString(16).toUpperCase().padStart(4, '0');
      const listening = (file: string) => readFileSync(file, 'utf8').split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((f) => f[1]?.endsWith(`:${hex}`) && f[3] === '0A').map((f) => f[1]);
      expect(listening('/proc/net/tcp')).toEqual([`0100007F:${hex}`]);
      if (existsSync('/proc/net/tcp6')) expect(listening('/proc/net/tcp6')).toEqual([]);
    }

    gate.open();
    await run.finished;
    expect(await run.stop(), run.stderr()).toBe(0);
  });
});
