/**
 * Recorded runs (`<state-dir>/runs/<run-id>.ndjson`, written by events/record.ts) as the server
 * lists and replays them.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runsDir } from '../events/record.js';
import type { EngineEvent } from '../events/types.js';
import { applyEvent, emptyRun, progress, type RunStatus, type RunView } from './run-view.js';

export interface RunSummary {
  id: string;
  runbook: { name: string; title: string; file: string } | null;
  status: RunStatus;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  steps: { total: number; finished: number };
  failedStep: string | null;
  /** Fed to this server's sink right now (`runbook exec --live`). */
  live: boolean;
  /** The runbook's page on the docs site, when the site has one. */
  page: string | null;
}

/** Run ids are file names: letters, digits, `-`, `_`, `.`; nothing that walks out of the folder. */
export const runIdPattern = /^[A-Za-z0-9][\w.-]{0,127}$/;

export function runFile(stateDir: string, runId: string): string | undefined {
  if (!runIdPattern.test(runId)) return undefined;
  return join(runsDir(stateDir), `${runId}.ndjson`);
}

/** Complete lines of an NDJSON record; a torn last line (a run writing right now) is left for later. */
export function parseRecord(text: string): { events: EngineEvent[]; consumed: number } {
  const events: EngineEvent[] = [];
  let consumed = 0;
  let start = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
    const line = text.slice(start, nl).trim();
    start = nl + 1;
    consumed = start;
    if (!line) continue;
    try {
      events.push(JSON.parse(line) as EngineEvent);
    } catch {
      // A damaged line: skip it, the rest of the run still reads.
    }
  }
  return { events, consumed };
}

export function readRecord(file: string): EngineEvent[] {
  return parseRecord(readFileSync(file, 'utf8')).events;
}

/**
 * Whether a recorded run without `run:end` is still going: the engine's lock file
 * (`<state-dir>/<runbook>/lock`, see state/lock.ts) names it and its process is alive.
 */
export function isRunning(stateDir: string, runbookName: string | undefined, runId: string): boolean {
  if (!runbookName) return false;
  try {
    const holder = JSON.parse(readFileSync(join(stateDir, runbookName, 'lock'), 'utf8')) as { pid?: number; runId?: string };
    if (holder.runId !== runId || !holder.pid) return false;
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function summarize(view: RunView, live: boolean, page: string | null, running: boolean): RunSummary {
  const p = progress(view);
  const status: RunStatus = view.status === 'running' || view.status === 'waiting' ? (live || running ? view.status : 'interrupted') : view.status;
  return {
    id: view.runId,
    runbook: view.runbook ?? null,
    status,
    startedAt: view.startedAt ?? null,
    endedAt: view.endedAt ?? null,
    durationMs: view.durationMs ?? null,
    steps: { total: p.total, finished: p.finished },
    failedStep: view.failedStep ?? null,
    live,
    page,
  };
}

const cache = new Map<string, { mtimeMs: number; size: number; offset: number; view: RunView }>();

/** What was appended to a record since `offset`, up to its last complete line, folded into `view`. */
function foldAppended(file: string, id: string, size: number, from?: { offset: number; view: RunView }): { offset: number; view: RunView } {
  const start = from && from.offset <= size ? from.offset : 0;
  let view = start ? from!.view : emptyRun(id);
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(size - start);
    const n = readSync(fd, buffer, 0, buffer.length, start);
    const end = buffer.subarray(0, n).lastIndexOf(10);
    if (end < 0) return { offset: start, view };
    for (const event of parseRecord(buffer.subarray(0, end + 1).toString('utf8')).events) view = applyEvent(view, event);
    return { offset: start + end + 1, view };
  } finally {
    closeSync(fd);
  }
}

/** Every recorded run in the state directory, folded; a file that grew is read from where it was left. */
export async function recordedRuns(stateDir: string): Promise<RunView[]> {
  const dir = runsDir(stateDir);
  if (!existsSync(dir)) return [];
  const views: RunView[] = [];
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.ndjson')) continue;
    const id = name.slice(0, -'.ndjson'.length);
    if (!runIdPattern.test(id)) continue;
    const file = join(dir, name);
    try {
      const { mtimeMs, size } = statSync(file);
      const hit = cache.get(file);
      if (hit && hit.mtimeMs === mtimeMs && hit.size === size) {
        views.push(hit.view);
        continue;
      }
      const { offset, view } = foldAppended(file, id, size, hit);
      cache.set(file, { mtimeMs, size, offset, view });
      views.push(view);
    } catch {
      // Removed while listing, or unreadable: not a run to show.
    }
  }
  return views;
}
