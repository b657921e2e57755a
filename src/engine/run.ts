/**
 * `runbook exec`: runs the steps in order through one path, saving state after every step.
 * A re-run skips steps completed with the same inputs, resumes where a run stopped, and adopts
 * resources that exist when state is missing or stale.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { RunbookError } from '../diagnostics.js';
import { Redactor, REDACTED } from '../events/redact.js';
import type { EngineEvent, EventDraft, EventSink, StepStatus } from '../events/types.js';
import { conditionHolds } from '../markdown/meta.js';
import type { Runbook } from '../markdown/types.js';
import { bindFields, type Lookup } from '../plan/bind.js';
import { analyzeFlow, type Flow, type StepFlow } from '../plan/flow.js';
import { planRunbook, type StepKind } from '../plan/plan.js';
import { acquireLock } from '../state/lock.js';
import { StateStore, type RunState, type StepRecord } from '../state/store.js';
import { prefetchShell } from './shell.js';
import { StepRunner, type Variable } from './step.js';

export interface RunOptions {
  runbook: Runbook;
  /** Resolved parameter values. */
  params: Record<string, string>;
  stateDir: string;
  from?: string;
  only?: string;
  restart?: boolean;
  /** Asked before the first mutating call or command, and before steps marked `confirm`. Throw to stop. */
  confirm?: (what: string) => Promise<void>;
  sink: EventSink;
  signal?: AbortSignal;
  runId?: string;
  /** Default per-step timeout. */
  timeoutMs?: number;
  env?: Record<string, string>;
}

export interface RunResult {
  runId: string;
  status: 'succeeded' | 'failed' | 'cancelled';
  outputs: Record<string, string>;
  /** Output values unredacted, for the caller to print where it decides it is safe. */
  failedStep?: string;
  error?: unknown;
  state: RunState;
}

export function newRunId(): string {
  return `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..+/, '')}-${randomBytes(3).toString('hex')}`;
}

export async function runRunbook(options: RunOptions): Promise<RunResult> {
  const { runbook } = options;
  const runId = options.runId ?? newRunId();
  const store = new StateStore(options.stateDir, runbook.name);
  store.ensure();
  const lock = acquireLock(store.dir, runId);
  const started = Date.now();
  let seq = 0;
  const redactor = new Redactor();
  const emit = (event: EventDraft) =>
    options.sink(redactor.value({ ...event, runId, seq: ++seq, time: new Date().toISOString() } as EngineEvent));

  try {
    const flow = analyzeFlow(runbook);
    let state = store.load();
    if (options.restart) state = { ...state, variables: {}, files: {}, steps: {} };
    state.runs = [...state.runs, runId].slice(-50);

    const secretParams = new Set(flow.params.filter((p) => p.secret).map((p) => p.name));
    for (const name of secretParams) redactor.add(options.params[name]);
    const variables = new Map<string, Variable>();
    for (const [name, v] of Object.entries(state.variables)) {
      variables.set(name, { value: v.value, exported: v.exported, secret: !!v.secret });
      if (v.secret) redactor.add(v.value);
    }
    const baseEnv: Record<string, string> = { ...(options.env ?? (process.env as Record<string, string>)), ...options.params };
    state.params = Object.fromEntries(Object.entries(options.params).filter(([k]) => !secretParams.has(k)));

    const plan = await planRunbook(runbook, { values: options.params });
    const kinds = new Map<string, StepKind>(plan.steps.map((s) => [s.id, s.kind]));
    emit({
      type: 'run:start', runbook: { file: runbook.file, name: runbook.name, title: runbook.title },
      steps: runbook.steps.map((s) => ({ id: s.id, index: s.index, title: s.title, kind: kinds.get(s.id) ?? 'shell' })),
      params: Object.fromEntries(Object.entries(options.params).map(([k, v]) => [k, secretParams.has(k) ? REDACTED : v])),
      dryRun: false,
    });

    if (plan.steps.some((s) => s.actions.some((a) => a.kind === 'shell' || (a.kind === 'call' && a.then)))) prefetchShell();
    const selected = selectSteps(flow, options);
    let confirmed = !options.confirm;
    const confirm = async (what: string) => {
      if (confirmed) return;
      await options.confirm!(what);
      confirmed = true;
    };

    for (const [i, sf] of flow.steps.entries()) {
      const step = sf.step;
      const when = step.meta.attributes.when;
      const skipReason = !selected.has(i)
        ? options.only ? 'not selected (--only)' : 'before --from'
        : step.meta.attributes.skip ? 'marked skip'
        : when && !conditionHolds(when, variables.get(when.name)?.value ?? baseEnv[when.name]) ? `condition ${when.text} is false`
        : undefined;
      if (skipReason) {
        emit({ type: 'step:end', stepId: step.id, status: 'skipped', durationMs: 0, variables: {}, files: [], reason: skipReason });
        continue;
      }
      const lookup: Lookup = (name) => variables.get(name)?.value ?? baseEnv[name];
      const fingerprint = fingerprintOf(sf, lookup, state);
      const previous = state.steps[step.id];
      if (!options.only && previous && (previous.status === 'done' || previous.status === 'adopted') && previous.fingerprint === fingerprint && intact(previous, state, store)) {
        emit({ type: 'step:end', stepId: step.id, status: 'skipped', durationMs: 0, variables: pick(variables, previous.variables), files: previous.files, reason: 'completed in an earlier run with the same inputs' });
        continue;
      }

      const stepStarted = Date.now();
      const startedAt = new Date().toISOString();
      emit({ type: 'step:start', stepId: step.id, index: step.index, title: step.title });
      const controller = new AbortController();
      const timeoutMs = step.meta.attributes.timeout ?? options.timeoutMs ?? 15 * 60_000;
      const timer = setTimeout(() => controller.abort(new RunbookError(`step timed out after ${Math.round(timeoutMs / 1000)}s`)), timeoutMs);
      const onOuterAbort = () => controller.abort(new RunbookError('cancelled'));
      options.signal?.addEventListener('abort', onOuterAbort, { once: true });
      const runner = new StepRunner({
        stepId: step.id, variables, baseEnv, workDir: store.filesDir,
        fallbackDirs: [resolve(dirname(runbook.file)), process.cwd()],
        redactor, signal: controller.signal, retries: step.meta.attributes.retries ?? 2,
        laterArgv: () => laterArgv(flow, i, lookup),
        confirm: async (what) => {
          if (step.meta.attributes.confirm && options.confirm) return options.confirm(`step ${step.index} (${step.title})`);
          return confirm(what);
        },
        output: (stream, text) => emit({ type: 'step:output', stepId: step.id, stream, text }),
        onCall: (call) => emit({ type: 'step:call', stepId: step.id, operation: call.operation, display: call.display, mutating: call.mutating }),
        onAdopt: (call, result) => emit({ type: 'step:adopt', stepId: step.id, operation: call.operation, outcome: result.outcome, detail: result.detail }),
        onRetry: (attempt, delayMs, reason) => emit({ type: 'step:retry', stepId: step.id, attempt, delayMs, reason }),
      });
      try {
        if (step.meta.attributes.confirm && options.confirm) await options.confirm(`step ${step.index} (${step.title})`);
        await runner.run(sf.actions);
      } catch (error) {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onOuterAbort);
        const record: StepRecord = {
          status: 'failed', fingerprint, startedAt, endedAt: new Date().toISOString(),
          variables: [...runner.outcome.setVariables], files: [...runner.outcome.files], resources: runner.outcome.resources,
          error: redactor.text(errorMessage(error)),
        };
        state.steps[step.id] = record;
        persist(state, variables, runner.outcome.files, step.id, store);
        const cancelled = options.signal?.aborted ?? false;
        emit({
          type: 'step:end', stepId: step.id, status: 'failed', durationMs: Date.now() - stepStarted,
          variables: pick(variables, record.variables), files: record.files,
          error: describeError(error, runbook.file, step.id, runner.currentOperation),
        });
        emit({ type: 'run:end', status: cancelled ? 'cancelled' : 'failed', durationMs: Date.now() - started, outputs: {}, failedStep: step.id });
        return { runId, status: cancelled ? 'cancelled' : 'failed', outputs: {}, failedStep: step.id, error, state };
      }
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onOuterAbort);
      const mutations = runner.outcome.resources.filter((r) => r.outcome !== 'read');
      // "adopted": every change it would have made was already there; an update (drift converged) is work done.
      const status: StepStatus = mutations.length && mutations.every((r) => r.outcome === 'adopted') ? 'adopted' : 'done';
      const record: StepRecord = {
        status: status as 'done' | 'adopted', fingerprint, startedAt, endedAt: new Date().toISOString(),
        variables: [...runner.outcome.setVariables], files: [...runner.outcome.files], resources: runner.outcome.resources,
      };
      state.steps[step.id] = record;
      persist(state, variables, runner.outcome.files, step.id, store);
      emit({ type: 'step:end', stepId: step.id, status: status as 'done' | 'adopted', durationMs: Date.now() - stepStarted, variables: pick(variables, record.variables), files: record.files });
    }
    // An output may be a parameter the runbook only passes on (e.g. the project it worked in).
    const outputs = Object.fromEntries(
      flow.outputs.flatMap((n) => (variables.has(n) ? [[n, variables.get(n)!.value]] : options.params[n] !== undefined && !secretParams.has(n) ? [[n, options.params[n]!]] : [])),
    );
    state.outputs = Object.keys(outputs);
    store.save(state);
    emit({ type: 'run:end', status: 'succeeded', durationMs: Date.now() - started, outputs });
    return { runId, status: 'succeeded', outputs: redactor.value(outputs), state };
  } finally {
    lock.release();
  }
}

function selectSteps(flow: Flow, options: RunOptions): Set<number> {
  const find = (id: string, flag: string) => {
    const i = flow.steps.findIndex((s) => s.step.id === id || String(s.step.index) === id);
    if (i < 0) {
      throw new RunbookError(`${flag} ${id}: no such step`, { exitCode: 2, hint: `steps: ${flow.steps.map((s) => s.step.id).join(', ')}` });
    }
    return i;
  };
  if (options.only) return new Set([find(options.only, '--only')]);
  const from = options.from ? find(options.from, '--from') : 0;
  return new Set(flow.steps.map((_, i) => i).filter((i) => i >= from));
}

/** A step's identity for resume: its code, the values it reads and the files earlier steps wrote for it. */
function fingerprintOf(sf: StepFlow, lookup: Lookup, state: RunState): string {
  const hash = createHash('sha256').update(sf.step.code);
  // Files earlier steps wrote are inputs too (`file://trust-policy.json`): a rewritten file re-runs its readers.
  for (const [path, file] of Object.entries(state.files).sort()) {
    if (file.step !== sf.step.id && sf.step.code.includes(path)) hash.update(`\0file:${path}=${file.sha256}`);
  }
  // Only values from before the step count: a variable the step sets and then reads is its own output.
  const before = (a: { line: number; column: number }, b: { line: number; column: number }) => a.line < b.line || (a.line === b.line && a.column < b.column);
  const inputs = sf.reads.filter((r) => !sf.sets.some((s) => s.name === r.name && before(s.span.start, r.span.start)));
  const names = [...new Set([...inputs.map((r) => r.name), ...sf.placeholderReads])].sort();
  for (const name of names) hash.update(`\0${name}=${lookup(name) ?? ''}`);
  return hash.digest('hex').slice(0, 16);
}

/** What the step produced is still there: its variables in state and its files on disk. */
function intact(record: StepRecord, state: RunState, store: StateStore): boolean {
  return record.variables.every((v) => v in state.variables) && record.files.every((f) => existsSync(resolve(store.filesDir, f)));
}

function persist(state: RunState, variables: Map<string, Variable>, files: Set<string>, stepId: string, store: StateStore): void {
  for (const [name, v] of variables) {
    const before = state.variables[name];
    if (!before || before.value !== v.value || before.exported !== v.exported) {
      state.variables[name] = { value: v.value, exported: v.exported, step: before?.value === v.value ? before.step : stepId, ...(v.secret ? { secret: true } : {}) };
    }
  }
  for (const f of files) {
    let sha256 = '';
    try {
      sha256 = createHash('sha256').update(readFileSync(resolve(store.filesDir, f))).digest('hex');
    } catch {
      // an absolute path outside the work directory that is gone again
    }
    state.files[f] = { step: stepId, sha256 };
  }
  store.save(state);
}

function pick(variables: Map<string, Variable>, names: string[]): Record<string, string> {
  return Object.fromEntries(names.filter((n) => variables.has(n)).map((n) => [n, variables.get(n)!.secret ? REDACTED : variables.get(n)!.value]));
}

/**
 * Later steps' commands with what is known now (adoption reads identities there, such as the alias
 * that names a key). Variables this step or a later one sets are about to change: they stay `<$VAR>`.
 */
function laterArgv(flow: Flow, index: number, lookup: Lookup): string[][] {
  const pending = new Set(flow.steps.slice(index).flatMap((sf) => sf.sets.map((s) => s.name)));
  const look: Lookup = (name) => (pending.has(name) || name.startsWith('__subst') ? `<$${name}>` : lookup(name) ?? `<$${name}>`);
  return flow.steps.slice(index).flatMap((sf) =>
    sf.actions.flatMap((action) => (action.kind === 'run' ? action.pipeline.map((spec) => spec.argv.flatMap((t) => bindFields(t, look))) : [])),
  );
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name && error.name !== 'Error' && error.name !== 'RunbookError' ? `${error.name}: ` : ''}${error.message}`;
  return String(error);
}

function describeError(error: unknown, file: string, stepId: string, operation?: string): { message: string; operation?: string; code?: string; hint?: string } {
  const e = error as { name?: string; message?: string; options?: { hint?: string }; $fault?: string };
  const code = e?.name && e.name !== 'Error' && e.name !== 'RunbookError' ? e.name : undefined;
  const hint = e?.options?.hint ?? `fix the cause, then run \`runbook exec ${file}\` again: completed steps are skipped and this one (${stepId}) runs again`;
  return { message: e?.message ?? String(error), ...(operation ? { operation } : {}), ...(code ? { code } : {}), hint };
}

