/**
 * The conformance suite's harness: a fixture guide run end to end through the built CLI (`--json`), its
 * NDJSON events read back, the engine SIGKILLed at a chosen event of the stream, and the checks every
 * guide must pass (what its calls did, that a re-run changes nothing).
 *
 * Kill points are chosen by a seeded generator: `GUIDES_SEED=n` reproduces a run, the seed in use is in
 * each test's name. `GUIDES_KILL_ALL=1` kills at every candidate point instead (slow; for hunting).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { CallOutcome, EngineEvent, EventOf } from '../../src/events/types.js';
import { bin, root, runCli } from '../support/cli.js';

export const fixture = (name: string) => join(root, 'test/guides/fixtures', name);

export interface GuideRun {
  code: number;
  stdout: string;
  stderr: string;
  events: EngineEvent[];
}

export function parseEvents(stdout: string): EngineEvent[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as EngineEvent);
}

export const ofType = <T extends EngineEvent['type']>(events: EngineEvent[], type: T): Array<EventOf<T>> =>
  events.filter((e): e is EventOf<T> => e.type === type);

/** A guide's working world: its state directory, a HOME of its own (guides write under `~`), a kube cache. */
export interface Workspace {
  dir: string;
  home: string;
  stateDir: string;
  /** A fresh state directory (for kill/re-run rounds that must start from nothing). */
  freshState(): string;
  env: Record<string, string>;
  remove(): void;
}

export function workspace(prefix: string, env: Record<string, string>): Workspace {
  const dir = mkdtempSync(join(tmpdir(), `runbook-guide-${prefix}-`));
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  let n = 0;
  const freshState = () => {
    const d = join(dir, `state-${++n}`);
    mkdirSync(d);
    return d;
  };
  return {
    dir, home, stateDir: freshState(), freshState,
    env: {
      HOME: home,
      KUBECACHEDIR: join(dir, 'kube-cache'),
      CLOUDSDK_CONFIG: join(dir, 'gcloud'),
      RUNBOOK_CACHE_DIR: join(dir, 'cache'),
      ...env,
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface ExecOptions {
  stateDir: string;
  env: Record<string, string>;
  args?: string[];
}

export async function execGuide(file: string, options: ExecOptions): Promise<GuideRun> {
  const result = await runCli(['exec', file, '--json', '--state-dir', options.stateDir, ...(options.args ?? [])], { env: options.env });
  return { ...result, events: parseEvents(result.stdout) };
}

export async function checkGuide(file: string, env: Record<string, string> = {}): Promise<{ code: number; text: string; errors: string[] }> {
  const result = await runCli(['check', file], { env });
  const text = result.stdout + result.stderr;
  return { code: result.code, text, errors: text.split('\n').filter((l) => /^\S+:\d+:\d+ error /.test(l)) };
}

/** Where to kill a run: at the n-th event (from 1) of one kind, as read on the NDJSON stream. */
export interface KillPoint {
  type: 'step:start' | 'step:call-end';
  n: number;
  /** What the first run had at that point, for the test's name. */
  label: string;
}

/**
 * Run the guide and SIGKILL the engine (the node process itself, by its pid) as soon as the kill point's
 * event is read from its stdout. Resolves with what was read before the kill; `killed` is false when the
 * run ended before reaching the point.
 */
export function execUntil(file: string, options: ExecOptions, point: KillPoint): Promise<GuideRun & { killed: boolean }> {
  return new Promise((resolve, reject) => {
    const { MODE, DEV, PROD, SSR, BASE_URL, ...base } = process.env;
    void [MODE, DEV, PROD, SSR, BASE_URL];
    const child = spawn(process.execPath, [bin, 'exec', file, '--json', '--state-dir', options.stateDir, ...(options.args ?? [])], {
      cwd: root,
      env: { ...base, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    let seen = 0;
    let killed = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (killed) return;
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl + 1);
        pending = pending.slice(nl + 1);
        stdout += line;
        if (!line.startsWith('{')) continue;
        const event = JSON.parse(line) as EngineEvent;
        if (event.type === point.type && ++seen === point.n) {
          killed = true;
          child.kill('SIGKILL');
          return;
        }
      }
    });
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, events: parseEvents(stdout), killed });
    });
  });
}

/** mulberry32: a small seeded generator, so a kill point can be reproduced from its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const suiteSeed = Number(process.env.GUIDES_SEED ?? 20261202);

/**
 * Every place a first run could be cut: before each step (its `step:start`) and just after each call
 * that changed something (its `step:call-end`: the call is done, its step is not).
 */
export function killPoints(first: EngineEvent[]): KillPoint[] {
  const points: KillPoint[] = [];
  let starts = 0;
  let ends = 0;
  for (const e of first) {
    if (e.type === 'step:start') points.push({ type: 'step:start', n: ++starts, label: `before step ${e.stepId}` });
    if (e.type === 'step:call-end') {
      ends++;
      if (e.outcome === 'created' || e.outcome === 'updated') points.push({ type: 'step:call-end', n: ends, label: `after ${e.operation} in ${e.stepId}` });
    }
  }
  return points;
}

/** `count` kill points drawn by the seed (all of them with GUIDES_KILL_ALL=1). */
export function chooseKillPoints(first: EngineEvent[], seed: number, count = 2): KillPoint[] {
  const all = killPoints(first);
  if (process.env.GUIDES_KILL_ALL) return all;
  const random = seeded(seed);
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, all.length)) chosen.add(Math.floor(random() * all.length));
  return [...chosen].sort((a, b) => a - b).map((i) => all[i]!);
}

/** `[operation, outcome]` of every served call, in order (`step:call-end`). */
export const callEnds = (events: EngineEvent[]): Array<[string, CallOutcome]> =>
  ofType(events, 'step:call-end').map((e) => [e.operation, e.outcome]);

/**
 * Calls that changed something: every `step:call-end` whose outcome is created or updated. (A create
 * the engine sends first and adopts on its "already exists" answer ends adopted: it changed nothing.)
 */
export function mutations(events: EngineEvent[]): string[] {
  return ofType(events, 'step:call-end')
    .filter((e) => e.outcome === 'created' || e.outcome === 'updated')
    .map((e) => `${e.outcome} ${e.operation} (${e.display.slice(0, 160)}) in ${e.stepId}`);
}

/** What each step printed on stdout, joined per step. */
export function stepStdout(events: EngineEvent[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of ofType(events, 'step:output')) if (e.stream === 'stdout') out[e.stepId] = (out[e.stepId] ?? '') + e.text;
  return out;
}

export const statuses = (events: EngineEvent[]) => Object.fromEntries(ofType(events, 'step:end').map((e) => [e.stepId, e.status]));

/** Why a run failed, for assertion messages: the failed step's error, its stderr, the CLI's stderr. */
export function why(run: GuideRun): string {
  const failed = ofType(run.events, 'step:end').find((e) => e.status === 'failed');
  const stderr = ofType(run.events, 'step:output').filter((e) => e.stream === 'stderr').map((e) => `[${e.stepId}] ${e.text}`).join('');
  const warnings = ofType(run.events, 'step:warning').map((e) => `[${e.stepId}] warning: ${e.message}`).join('\n');
  return [failed ? `step ${failed.stepId} failed: ${JSON.stringify(failed.error)}` : '', stderr, warnings, run.stderr].filter(Boolean).join('\n');
}

/** The first run succeeded, with no warning (no call fell back to a real CLI). */
export function expectSucceeded(run: GuideRun): void {
  expect(run.code, why(run)).toBe(0);
  expect(run.events.at(-1), why(run)).toMatchObject({ type: 'run:end', status: 'succeeded' });
}

/** A run changed nothing: no call ended created or updated. */
export function expectNoMutation(run: GuideRun): void {
  expectSucceeded(run);
  expect(mutations(run.events), why(run)).toEqual([]);
}

export interface KillSuite {
  file: string;
  /** The first run's events (kill points are drawn from them); read when the tests run. */
  first(): EngineEvent[];
  /** Put the servers back as they were before the guide's first run. */
  reset(): Promise<void>;
  freshState(): string;
  env(): Record<string, string>;
  /** The resources the guide leaves, counted. */
  world(): Promise<unknown>;
  converged: unknown;
  /** Extra arguments for every exec (`--param …`). */
  args?: string[];
  /** Distinguishes the suites of several guides sharing a seed. */
  salt?: number;
}

/** One kill round: from a clean world, run until the point and SIGKILL, re-run, count; a third run changes nothing. */
async function killRound(suite: KillSuite, point: KillPoint): Promise<void> {
  await suite.reset();
  const stateDir = suite.freshState();
  const options = { stateDir, env: suite.env(), ...(suite.args ? { args: suite.args } : {}) };
  const killed = await execUntil(suite.file, options, point);
  expect(killed.killed, `the run ended before ${point.label}`).toBe(true);
  const rerun = await execGuide(suite.file, options);
  expect(rerun.code, `re-run after the kill ${point.label}:\n${why(rerun)}`).toBe(0);
  expect(await suite.world(), `resources after the kill ${point.label} and a re-run`).toEqual(suite.converged);
  const again = await execGuide(suite.file, options);
  expect(again.code, `third run after the kill ${point.label}:\n${why(again)}`).toBe(0);
  expect(mutations(again.events), `a run after the re-run (kill ${point.label}) changed something`).toEqual([]);
}

/**
 * The kill tests of a guide: two seeded kill points, each its own test (GUIDES_KILL_ALL=1: one test
 * walking every point). Register inside the guide's `describe`, after the first-run test.
 */
export function killTests(suite: KillSuite): void {
  const seed = suiteSeed + (suite.salt ?? 0);
  const points = () => {
    const first = suite.first();
    expect(first.length, 'the first run must have run before the kill tests').toBeGreaterThan(0);
    return chooseKillPoints(first, seed);
  };
  if (process.env.GUIDES_KILL_ALL) {
    it('SIGKILL at every kill point, then a re-run converges with each resource once', async () => {
      for (const point of points()) await killRound(suite, point);
    }, 600_000);
    return;
  }
  for (const round of [0, 1]) {
    it(`SIGKILL at seeded kill point ${round + 1} (GUIDES_SEED=${suiteSeed}), then a re-run converges with each resource once`, async () => {
      const point = points()[round];
      expect(point, 'not enough kill points').toBeDefined();
      await killRound(suite, point!);
    });
  }
}
