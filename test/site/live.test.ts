/// <reference lib="dom" />
/**
 * The live execution log in a browser: a real runbook's page served by startLiveServer, fed a
 * realistic event sequence the way `runbook exec --live` feeds it.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSink } from '../../src/events/record.js';
import { planRunbook } from '../../src/plan/plan.js';
import { startLiveServer, type LiveServer } from '../../src/serve/server.js';
import { launch, shoot, shotsDir, type Browser } from './support/browser.js';
import { loadRunbook, scenario, SECRET, type Scenario } from './support/scenario.js';
import { distDir, ensureSite, root, runbookFiles } from './support/site.js';

const shots = shotsDir;
const stateDirs: string[] = [];
let browser: Browser;

function tempState(): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-live-'));
  stateDirs.push(dir);
  return dir;
}

beforeAll(async () => {
  await ensureSite();
  mkdirSync(shots, { recursive: true });
  browser = await launch();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
});

async function stepState(page: Page, id: string, state: string): Promise<void> {
  await page.waitForSelector(`.rb-step[data-step-id="${id}"][data-state="${state}"]`, { timeout: 10_000 });
}

/** Every state change of every step, in the order the page made them. */
async function recordTransitions(page: Page): Promise<void> {
  await page.evaluate(() => {
    const log: string[] = [];
    (window as unknown as { __transitions: string[] }).__transitions = log;
    new MutationObserver((records) => {
      for (const r of records) {
        const el = r.target as HTMLElement;
        if (r.attributeName === 'data-state' && el.dataset.stepId) log.push(`${el.dataset.stepId}:${el.dataset.state}`);
      }
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
  });
}


describe('live execution log', () => {
  const file = runbookFiles()[0]!;
  let server: LiveServer;
  let run: Scenario;
  let page: Page;

  beforeAll(async () => {
    const runbook = await loadRunbook(file, root);
    expect(runbook.steps.length, `${file} needs steps for the live log tests`).toBeGreaterThanOrEqual(3);
    // The last SDK step before the end fails (else the last-but-one step); an earlier one adopts.
    const plan = await planRunbook(runbook);
    const sdk = plan.steps.filter((s) => s.kind === 'sdk' && s.index < plan.steps.length && s.index >= 3).map((s) => s.index);
    const failAt = sdk.at(-1) ?? Math.max(3, plan.steps.length - 1);
    const adoptAt = sdk.filter((i) => i < failAt).at(-1) ?? failAt - 1;
    run = await scenario(runbook, { runId: '20260302T094100-a1b2c3', failAt, adoptAt });
    const stateDir = tempState();
    server = await startLiveServer({ stateDir, siteDir: distDir });
    // As exec does: the run is recorded and streamed live.
    const record = recordSink(stateDir);
    const sink = server.sink;
    server = { ...server, sink: (e) => (record.sink(e), sink(e)) };
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await page?.close();
    await server?.close();
  });

  it('listens on 127.0.0.1 and leads from its URL to the page of the run in progress', async () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url.startsWith(server.origin)).toBe(true);
    server.sink(run.start);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(server.url);
    expect(new URL(page.url()).pathname).toBe(`/runbooks/${run.runbook.name}/`);
    expect(new URL(page.url()).searchParams.get('run')).toBe(run.runId);
    await page.waitForSelector('.rb-run[data-state="running"]');
    // Every step of the run is on the page, pending.
    for (const s of run.plan.steps) await stepState(page, s.id, 'pending');
    await expect(page.locator('[data-rb-progress]').getAttribute('data-rb-progress')).resolves.toBe(`0/${run.plan.steps.length}`);
  });

  it('turns steps done in order as the events arrive, without a reload', async () => {
    await recordTransitions(page);
    const half = Math.floor(run.steps.length / 2);
    for (const step of run.steps.slice(0, half)) {
      const [first, ...rest] = step.events;
      server.sink(first!);
      await stepState(page, step.id, 'running');
      for (const e of rest) server.sink(e);
      await stepState(page, step.id, step.status);
    }
    const transitions = await page.evaluate(() => (window as unknown as { __transitions: string[] }).__transitions);
    expect(transitions).toEqual(run.steps.slice(0, half).flatMap((s) => [`${s.id}:running`, `${s.id}:${s.status}`]));
    await expect(page.locator('[data-rb-progress]').getAttribute('data-rb-progress')).resolves.toBe(`${half}/${run.plan.steps.length}`);

    // The step that is running now, for the mid-run screenshots.
    const next = run.steps[half]!;
    for (const e of next.events.slice(0, -1)) server.sink(e);
    await stepState(page, next.id, 'running');
    const done = page.locator(`.rb-step[data-step-id="${run.steps[0]!.id}"]`);
    await expect(done.locator('[data-rb-state]').textContent()).resolves.toMatch(/^Done · \d+ ms$/);
    // A finished step shows the variables it set.
    const withVars = run.steps.slice(0, half).map((st) => ({ id: st.id, end: st.events.at(-1)! })).find(({ end }) => end.type === 'step:end' && Object.keys(end.variables).length);
    if (withVars && withVars.end.type === 'step:end') {
      const vars = page.locator(`.rb-step[data-step-id="${withVars.id}"] .rb-vars`);
      for (const [name, value] of Object.entries(withVars.end.variables)) {
        await expect(vars.textContent()).resolves.toContain(name);
        await expect(vars.textContent()).resolves.toContain(value);
      }
    }
    await shoot(page, 'runbook-mid-run', 'dark', `.rb-step[data-step-id="${run.steps[half - 1]!.id}"] .rb-step-footer`);
    await shoot(page, 'runbook-mid-run', 'light');
  });

  it('shows the state so far after a reload mid-run', async () => {
    await page.reload();
    const half = Math.floor(run.steps.length / 2);
    for (const step of run.steps.slice(0, half)) await stepState(page, step.id, step.status);
    await stepState(page, run.steps[half]!.id, 'running');
    for (const s of run.plan.steps.slice(half + 1)) await stepState(page, s.id, 'pending');
    await expect(page.locator('[data-rb-progress]').getAttribute('data-rb-progress')).resolves.toBe(`${half}/${run.plan.steps.length}`);
  });

  it('shows a failed step as failed, with its error, and the run as failed', async () => {
    const half = Math.floor(run.steps.length / 2);
    server.sink(run.steps[half]!.events.at(-1)!);
    for (const step of run.steps.slice(half + 1)) for (const e of step.events) server.sink(e);
    server.sink(run.end);
    const failed = run.steps.at(-1)!;
    await stepState(page, failed.id, 'failed');
    await page.waitForSelector('.rb-run[data-state="failed"]');
    const error = page.locator(`.rb-step[data-step-id="${failed.id}"] .rb-live-error`);
    await expect(error.textContent()).resolves.toContain('AccessDeniedException');
    await expect(error.textContent()).resolves.toContain('is not authorized');
    await expect(page.locator('.rb-run .rb-run-detail').textContent()).resolves.toContain(`Failed at step ${run.plan.steps.find((s) => s.id === failed.id)!.index}`);
    // Steps after the failure never ran.
    for (const s of run.plan.steps.filter((p) => !run.steps.some((r) => r.id === p.id))) await stepState(page, s.id, 'pending');
    await shoot(page, 'runbook-failed', 'dark', `.rb-step[data-step-id="${failed.id}"] .rb-step-live`, true);
    await shoot(page, 'runbook-failed', 'light');
  });

  it('never lets the secret reach the page or the stream', async () => {
    expect(run.all.some((e) => JSON.stringify(e).includes('[redacted]'))).toBe(true);
    expect(await page.content()).not.toContain(SECRET);
    const stream = await (await fetch(`${server.origin}/_runbook/events?run=${run.runId}`)).text();
    expect(stream).toContain('event: end');
    expect(stream).toContain('[redacted]');
    expect(stream).not.toContain(SECRET);
  });
});

describe('runbook serve: run history and replay', () => {
  let server: LiveServer;
  let succeeded: Scenario;
  let page: Page;

  beforeAll(async () => {
    const runbook = await loadRunbook(runbookFiles()[0]!, root);
    const stateDir = tempState();
    // Two recorded runs, as earlier `runbook exec` runs left them.
    succeeded = await scenario(runbook, { runId: '20260302T101500-d4e5f6', adoptAt: 2, t0: Date.parse('2026-03-02T10:15:00Z') });
    const failed = await scenario(runbook, { runId: '20260301T170200-0a0b0c', failAt: 3, t0: Date.parse('2026-03-01T17:02:00Z') });
    for (const r of [succeeded, failed]) {
      const record = recordSink(stateDir);
      for (const e of r.all) record.sink(e);
    }
    server = await startLiveServer({ stateDir, siteDir: distDir });
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await page?.close();
    await server?.close();
  });

  it('lists past runs and replays one on its runbook page', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${server.origin}/runs/`);
    const rows = page.locator('table.rb-runs tbody tr');
    await rows.first().waitFor();
    await expect(rows.count()).resolves.toBe(2);
    // Newest first.
    await expect(rows.nth(0).getAttribute('data-run')).resolves.toBe(succeeded.runId);
    await expect(rows.nth(0).textContent()).resolves.toContain('Succeeded');
    await expect(rows.nth(1).textContent()).resolves.toContain('Failed');
    await page.screenshot({ path: join(shots, 'run-history-dark.png') });

    await rows.nth(0).locator('a.rb-replay').click();
    await page.waitForURL((u) => u.pathname === `/runbooks/${succeeded.runbook.name}/`);
    await page.waitForSelector('.rb-run[data-state="succeeded"]');
    for (const step of succeeded.steps) await stepState(page, step.id, step.status);
    await expect(page.locator('.rb-run .rb-run-name').textContent()).resolves.toContain('Replay of run');
    await expect(page.locator('[data-rb-progress]').getAttribute('data-rb-progress')).resolves.toBe(`${succeeded.steps.length}/${succeeded.steps.length}`);
    await shoot(page, 'runbook-finished', 'dark', `.rb-step[data-step-id="${succeeded.steps[0]!.id}"]`);
    await shoot(page, 'runbook-finished', 'light');
  });

  it('replays a run of a runbook that has no page from the run itself', async () => {
    const runbook = await loadRunbook(runbookFiles()[0]!, root);
    const adhoc = await scenario({ ...runbook, name: 'adhoc-fix', title: 'An ad-hoc fix', file: '/tmp/adhoc-fix.md' }, { runId: '20260303T080000-abcdef', failAt: 2 });
    const live = await startLiveServer({ stateDir: tempState(), siteDir: distDir });
    try {
      for (const e of adhoc.all) live.sink(e);
      await page.goto(live.url);
      await page.waitForURL((u) => u.pathname === '/runs/' && u.searchParams.get('run') === adhoc.runId);
      await page.waitForSelector('.rb-run[data-state="failed"]');
      await expect(page.locator('h2').first().textContent()).resolves.toBe('An ad-hoc fix');
      await expect(page.locator('.rb-step[data-step-id]').count()).resolves.toBe(adhoc.plan.steps.length);
      for (const step of adhoc.steps) await stepState(page, step.id, step.status);
    } finally {
      await live.close();
    }
  });

  it('offers recent runs on a runbook page when no run is live', async () => {
    await page.goto(server.pageUrl(succeeded.runbook.name));
    await page.waitForSelector('.rb-run[data-state="idle"] table.rb-runs');
    await expect(page.locator('.rb-run').textContent()).resolves.toContain('No live run of this runbook');
    await expect(page.locator('.rb-run table.rb-runs tbody tr').count()).resolves.toBe(2);
  });
});
