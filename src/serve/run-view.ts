/**
 * A run as the live log shows it: a pure reducer over the engine's events. The browser folds the
 * stream with it, and the server folds recorded runs with it for the run list, so both agree on
 * what "3/11 steps, failed at create-role" means. No Node or DOM APIs here: it runs in both.
 */
import type { CallOutcome, EngineEvent, EventOf, StepStatus } from '../events/types.js';

export type RunStatus = 'waiting' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

export interface StepView {
  id: string;
  index: number;
  title: string;
  kind: 'sdk' | 'file' | 'shell';
  status: StepStatus;
  startedAt?: string;
  durationMs?: number;
  calls: Array<{ callId?: number; operation: string; display: string; mutating: boolean; line?: number; outcome?: CallOutcome; exitCode?: number }>;
  warnings: string[];
  adoptions: Array<{ operation: string; outcome: 'adopted' | 'updated'; detail: string }>;
  retries: Array<{ attempt: number; delayMs: number; reason: string }>;
  output: Array<{ stream: 'stdout' | 'stderr'; text: string }>;
  variables: Record<string, string>;
  files: string[];
  reason?: string;
  error?: { message: string; operation?: string; code?: string; hint?: string };
}

export interface RunView {
  runId: string;
  runbook?: { file: string; name: string; title: string };
  status: RunStatus;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  dryRun: boolean;
  params: Record<string, string>;
  /** Step ids in runbook order. */
  order: string[];
  steps: Record<string, StepView>;
  outputs: Record<string, string>;
  failedStep?: string;
  /** The last event folded in: events at or below it are ignored, so a replayed backlog is harmless. */
  lastSeq: number;
}

export const finishedStatuses: ReadonlySet<StepStatus> = new Set(['done', 'adopted', 'skipped', 'failed']);

export function emptyRun(runId: string): RunView {
  return { runId, status: 'waiting', dryRun: false, params: {}, order: [], steps: {}, outputs: {}, lastSeq: 0 };
}

function blankStep(id: string, index: number, title: string, kind: StepView['kind']): StepView {
  return { id, index, title, kind, status: 'pending', calls: [], warnings: [], adoptions: [], retries: [], output: [], variables: {}, files: [] };
}

type Reducers = { [T in EngineEvent['type']]: (run: RunView, event: EventOf<T>) => RunView };

/** Apply `fn` to one step, creating it if the stream never announced it (a run:start lost to a truncated file). */
function withStep(run: RunView, id: string, fn: (step: StepView) => StepView): RunView {
  const known = run.steps[id];
  const step = known ?? blankStep(id, run.order.length + 1, id, 'shell');
  return { ...run, order: known ? run.order : [...run.order, id], steps: { ...run.steps, [id]: fn(step) } };
}

const reducers: Reducers = {
  'run:start': (run, e) => ({
    ...run,
    runbook: e.runbook,
    status: 'running',
    startedAt: e.time,
    dryRun: e.dryRun,
    params: e.params,
    order: e.steps.map((s) => s.id),
    steps: Object.fromEntries(e.steps.map((s) => [s.id, run.steps[s.id] ?? blankStep(s.id, s.index, s.title, s.kind)])),
  }),
  'step:start': (run, e) => withStep(run, e.stepId, (s) => ({ ...s, status: 'running', startedAt: e.time, title: s.title || e.title })),
  'step:call': (run, e) =>
    withStep(run, e.stepId, (s) => ({ ...s, calls: [...s.calls, { callId: e.callId, operation: e.operation, display: e.display, mutating: e.mutating, ...(e.line ? { line: e.line } : {}) }] })),
  'step:call-end': (run, e) =>
    withStep(run, e.stepId, (s) => ({
      ...s,
      calls: s.calls.some((c) => c.callId === e.callId)
        ? s.calls.map((c) => (c.callId === e.callId ? { ...c, outcome: e.outcome, exitCode: e.exitCode } : c))
        : [...s.calls, { callId: e.callId, operation: e.operation, display: e.display, mutating: false, outcome: e.outcome, exitCode: e.exitCode, ...(e.line ? { line: e.line } : {}) }],
    })),
  'step:warning': (run, e) => withStep(run, e.stepId, (s) => ({ ...s, warnings: [...s.warnings, e.message] })),
  'step:adopt': (run, e) => withStep(run, e.stepId, (s) => ({ ...s, adoptions: [...s.adoptions, { operation: e.operation, outcome: e.outcome, detail: e.detail }] })),
  'step:output': (run, e) => withStep(run, e.stepId, (s) => ({ ...s, output: [...s.output, { stream: e.stream, text: e.text }] })),
  'step:retry': (run, e) => withStep(run, e.stepId, (s) => ({ ...s, retries: [...s.retries, { attempt: e.attempt, delayMs: e.delayMs, reason: e.reason }] })),
  'step:end': (run, e) =>
    withStep(run, e.stepId, (s) => ({
      ...s,
      status: e.status,
      durationMs: e.durationMs,
      variables: e.variables,
      files: e.files,
      ...(e.reason ? { reason: e.reason } : {}),
      ...(e.error ? { error: e.error } : {}),
    })),
  'run:end': (run, e) => ({
    ...run,
    status: e.status,
    endedAt: e.time,
    durationMs: e.durationMs,
    outputs: e.outputs,
    ...(e.failedStep ? { failedStep: e.failedStep } : {}),
  }),
};

/** Fold one event into the view. Events of another run, or already seen, leave it unchanged. */
export function applyEvent(run: RunView, event: EngineEvent): RunView {
  if (event.runId !== run.runId || event.seq <= run.lastSeq) return run;
  const reduce = reducers[event.type] as (run: RunView, event: EngineEvent) => RunView;
  return { ...reduce(run, event), lastSeq: event.seq };
}

export function foldEvents(runId: string, events: Iterable<EngineEvent>): RunView {
  let run = emptyRun(runId);
  for (const event of events) run = applyEvent(run, event);
  return run;
}

export function progress(run: RunView): { finished: number; total: number; current?: StepView } {
  const steps = run.order.map((id) => run.steps[id]!);
  return {
    finished: steps.filter((s) => finishedStatuses.has(s.status)).length,
    total: steps.length,
    ...(steps.find((s) => s.status === 'running') ? { current: steps.find((s) => s.status === 'running')! } : {}),
  };
}

/** `850 ms`, `4.2 s`, `1 m 05 s`, `2 h 03 m`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`;
}

/** Where the docs site puts a runbook's page: the content loader and the server both use this. */
export function runbookPageId(name: string): string {
  return `runbooks/${name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-')}`;
}

export function runbookPagePath(name: string): string {
  return `/${runbookPageId(name)}/`;
}
