/**
 * `runbook exec`: runs the steps in order through one path, saving state after every step.
 * A re-run skips steps completed with the same inputs, resumes where a run stopped, and adopts
 * resources that exist when state is missing or stale.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { RunbookError } from '../diagnostics.js';
import { RedactingStream, Redactor, REDACTED } from '../events/redact.js';
import type { EngineEvent, EventDraft, EventSink, StepStatus } from '../events/types.js';
import { conditionHolds } from '../markdown/meta.js';
import type { Runbook } from '../markdown/types.js';
import { bindFields, bindString, type Lookup } from '../plan/bind.js';
import { analyzeFlow, type Flow, type StepFlow } from '../plan/flow.js';
import { planRunbook, type StepKind } from '../plan/plan.js';
import { callSitesOf, type CallSite } from '../plan/sites.js';
import { acquireLock } from '../state/lock.js';
import { StateStore, writeAtomic, type RunState, type StepRecord } from '../state/store.js';
import { translatorNames } from '../translate/index.js';
import { changingCommands } from './changes.js';
import { changedFiles, scanFiles, sha256Of } from './files.js';
import { routeCall, type RouteContext, type RouteRecord } from './route.js';
import { Session } from './session/session.js';
import { changesBetween, restoreScript, type SavedSession, type Snapshot } from './session/snapshot.js';
import { strictDeclarations } from './session/strict.js';

/** A variable of the run, as the engine tracks it between steps. */
export interface Variable {
  value: string;
  exported: boolean;
  secret: boolean;
}

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
  /** Runme's `--tag`: run only the steps with one of these tags. */
  tags?: string[];
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
  store.sweep();
  const started = Date.now();
  let seq = 0;
  const redactor = new Redactor();
  const emit = (event: EventDraft) =>
    options.sink(redactor.value({ ...event, runId, seq: ++seq, time: new Date().toISOString() } as EngineEvent));
  let session: Session | undefined;

  try {
    const flow = analyzeFlow(runbook);
    let state = store.load();
    if (options.restart) state = { ...state, variables: {}, files: {}, steps: {}, functions: {}, aliases: [], options: [] };
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
    // Variables the runbook sends in sensitive members (`--secret-string "$DBPASS"`) are secret from the
    // moment a step sets them, before any event or state shows them.
    const sensitive = new Set(plan.steps.flatMap((s) => s.actions.flatMap((a) => (a.kind === 'call' ? a.secretVariables ?? [] : []))));
    const kinds = new Map<string, StepKind>(plan.steps.map((s) => [s.id, s.kind]));
    emit({
      type: 'run:start', runbook: { file: runbook.file, name: runbook.name, title: runbook.title },
      steps: runbook.steps.map((s) => ({ id: s.id, index: s.index, title: s.title, kind: kinds.get(s.id) ?? 'shell' })),
      params: Object.fromEntries(Object.entries(options.params).map(([k, v]) => [k, secretParams.has(k) ? REDACTED : v])),
      dryRun: false,
    });

    const selected = selectSteps(flow, options);
    let confirmed = !options.confirm;
    const confirm = async (what: string) => {
      if (confirmed) return;
      await options.confirm!(what);
      confirmed = true;
    };
    const tools = new Set(translatorNames);
    const stepSites = flow.steps.map((sf) => callSitesOf(sf.step.script.statements, tools));
    // A call may come from a function another step defined: its sites are candidates in every step.
    const functionSites = stepSites.flat().filter((s) => s.inFunction);
    const sites = stepSites.map((list) => [...list, ...functionSites.filter((f) => !list.includes(f))]);
    const changes = changingCommands(flow, tools);
    const fallbackDirs = [resolve(dirname(runbook.file)), process.cwd()];
    const warned = new Set<string>();
    const lookup: Lookup = (name) => variables.get(name)?.value ?? baseEnv[name];

    /** The step whose output and calls the session's activity belongs to (the last one started). */
    let active: { stepId: string; ctx: RouteContext; record: RouteRecord; stdout: RedactingStream; stderr: RedactingStream; tail: string[] } | undefined;
    let snapshot: Snapshot | undefined;
    let pristine: string[] = [];
    let scan = scanFiles(store.filesDir);

    const startSession = async (index: number, signal: AbortSignal) => {
      // Where a reader who ran the earlier steps would be: the directory the last of them ended in.
      const last = [...flow.steps.slice(0, index)].reverse().map((sf) => state.steps[sf.step.id]).find((r) => r?.cwd && existsSync(r.cwd));
      const cwd = last?.cwd ?? store.filesDir;
      const s = Session.start({
        env: baseEnv, cwd, tools: [...tools],
        serve: (request) => (active ? routeCall(request, active.ctx, active.record, warned) : Promise.resolve({ stdout: '', stderr: 'runbook: no step is running\n', exitCode: 70 })),
        output: (stream, text) => {
          if (!active) return;
          active[stream].write(text);
          if (stream === 'stderr') active.tail = [...active.tail, ...text.split('\n')].filter((l) => l.trim()).slice(-5);
        },
        onRefused: (reason) => emit({ type: 'step:warning', stepId: active?.stepId ?? runbook.steps[0]?.id ?? '', message: `a call on the session's channel was refused: ${reason}` }),
      });
      session = s;
      const first = await s.run({ code: ':', file: runbook.file, line: 1 }, signal);
      pristine = first.snapshot?.options ?? [];
      snapshot = first.snapshot;
      const saved = savedSession(state, s.shims, last?.dirs);
      if (saved) {
        const restored = await s.run({ code: restoreScript(saved), file: runbook.file, line: 1 }, signal);
        snapshot = restored.snapshot ?? snapshot;
      }
    };

    for (const [i, sf] of flow.steps.entries()) {
      const step = sf.step;
      const when = step.meta.attributes.when;
      const skipReason = !selected.has(i)
        ? options.only || options.tags ? `not selected (${options.only ? '--only' : '--tag'})` : 'before --from'
        : step.meta.attributes.skip ? 'marked skip'
        : step.meta.attributes.ignore ? 'marked ignore (documentation, not run)'
        : when && !conditionHolds(when, lookup(when.name)) ? `condition ${when.text} is false`
        : undefined;
      if (skipReason) {
        emit({ type: 'step:end', stepId: step.id, status: 'skipped', durationMs: 0, variables: {}, files: [], reason: skipReason });
        continue;
      }
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
      if (options.signal?.aborted) onOuterAbort();
      options.signal?.addEventListener('abort', onOuterAbort, { once: true });
      const record: RouteRecord = { calls: 0, resources: [] };
      const output = (stream: 'stdout' | 'stderr') => new RedactingStream(redactor, (text) => emit({ type: 'step:output', stepId: step.id, stream, text }));
      const siteLookup: Lookup = (name) => lookup(name);
      const ctx: RouteContext = {
        runbook: runbook.name, stepId: step.id, signal: controller.signal, retries: step.meta.attributes.retries ?? 2, fallbackDirs, redactor,
        sites: sites[i]!, lookup: siteLookup, shims: '',
        laterArgv: () => laterArgv(flow, stepSites, i, lookup),
        confirm: async (what) => {
          if (step.meta.attributes.confirm && options.confirm) return options.confirm(`step ${step.index} (${step.title})`);
          return confirm(what);
        },
        onCall: (call, callId, line) => emit({ type: 'step:call', stepId: step.id, callId, operation: call.operation, display: call.display, mutating: call.mutating, ...(line ? { line } : {}) }),
        onCallEnd: (call, callId, line, outcome, durationMs, exitCode, error) =>
          emit({ type: 'step:call-end', stepId: step.id, callId, operation: call.operation, display: call.display, outcome, durationMs, exitCode, ...(line ? { line } : {}), ...(error ? { error } : {}) }),
        onAdopt: (call, result) => emit({ type: 'step:adopt', stepId: step.id, operation: call.operation, outcome: result.outcome, detail: result.detail }),
        onRetry: (attempt, delayMs, reason) => emit({ type: 'step:retry', stepId: step.id, attempt, delayMs, reason }),
        warn: (message) => emit({ type: 'step:warning', stepId: step.id, message }),
        restoreAdopted: () => false,
      };
      const here = { stepId: step.id, ctx, record, stdout: output('stdout'), stderr: output('stderr'), tail: [] as string[] };
      let status = 0;
      let files: string[] = [];
      let stepVariables: string[] = [];
      let stepFunctions: string[] = [];
      let failure: unknown;
      try {
        if (step.meta.attributes.confirm && options.confirm) await options.confirm(`step ${step.index} (${step.title})`);
        else if (changes[i]) await confirm(changes[i]!);
        if (step.write) {
          const dir = snapshot?.cwd ?? store.filesDir;
          const path = isAbsolute(step.write.path) ? step.write.path : join(dir, step.write.path);
          mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
          writeAtomic(path, step.write.content);
        } else {
          if (!session?.alive) await startSession(i, controller.signal);
          const s = session!;
          ctx.shims = s.shims;
          ctx.restoreAdopted = backupsOf(sites[i]!, lookup, snapshot?.cwd ?? store.filesDir);
          active = here;
          const attributes = step.meta.attributes;
          const run = await s.run({
            code: strictDeclarations(step.code, step.script.statements, step.codeStart), file: runbook.file, line: step.codeStart.line,
            ...(attributes.cwd ? { cwd: resolve(dirname(runbook.file), attributes.cwd) } : {}),
            ...(attributes.background ? { background: true } : {}),
          }, controller.signal);
          status = run.status;
          if (run.ended) {
            // The shell ended (`exit`, errexit): a later step starts a new one from the saved state.
            await s.stop();
            session = undefined;
          }
          if (run.snapshot && snapshot) {
            const applied = applySnapshot(snapshot, run.snapshot, { state, variables, redactor, stepId: step.id, shims: s.shims, pristine, sensitive });
            stepVariables = applied.variables;
            stepFunctions = applied.functions;
          }
          if (run.snapshot) snapshot = run.snapshot;
        }
      } catch (error) {
        failure = error;
      } finally {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onOuterAbort);
        here.stdout.flush();
        here.stderr.flush();
      }
      // A value that became a secret in this step (sent as a sensitive member, printed by a call the
      // SDK marks sensitive) makes every variable holding it secret, whichever step set it.
      for (const [name, v] of variables) {
        if (v.secret || redactor.text(v.value) === v.value) continue;
        v.secret = true;
        redactor.add(v.value);
        if (state.variables[name]) state.variables[name]!.secret = true;
      }
      // What the step wrote in the work directory (bash writes files itself).
      const after = scanFiles(store.filesDir);
      const written = changedFiles(scan, after);
      scan = after;
      for (const f of written.removed) delete state.files[f];
      for (const f of written.changed) state.files[f] = { step: step.id, sha256: sha256Of(join(store.filesDir, f)) };
      files = written.changed;

      failure ??= record.fatal ?? (status !== 0 ? stepFailure(status, record, here.tail, runbook.file) : undefined);
      if (failure) {
        const stepRecord: StepRecord = {
          status: 'failed', fingerprint, startedAt, endedAt: new Date().toISOString(),
          variables: stepVariables, files, resources: record.resources, error: redactor.text(errorMessage(failure)),
          ...(snapshot ? { cwd: snapshot.cwd } : {}),
        };
        state.steps[step.id] = stepRecord;
        store.save(state);
        const cancelled = options.signal?.aborted ?? false;
        emit({
          type: 'step:end', stepId: step.id, status: 'failed', durationMs: Date.now() - stepStarted,
          variables: pick(variables, stepVariables), files,
          error: describeError(failure, runbook.file, step.id, record.fatal ? undefined : record.lastFailure?.operation),
        });
        emit({ type: 'run:end', status: cancelled ? 'cancelled' : 'failed', durationMs: Date.now() - started, outputs: {}, failedStep: step.id });
        return { runId, status: cancelled ? 'cancelled' : 'failed', outputs: {}, failedStep: step.id, error: failure, state };
      }
      const mutations = record.resources.filter((r) => r.outcome !== 'read');
      // "adopted": every change it would have made was already there; an update (drift converged) is work done.
      const stepStatus: StepStatus = mutations.length && mutations.every((r) => r.outcome === 'adopted') ? 'adopted' : 'done';
      state.steps[step.id] = {
        status: stepStatus as 'done' | 'adopted', fingerprint, startedAt, endedAt: new Date().toISOString(),
        variables: stepVariables, files, resources: record.resources,
        ...(snapshot ? { cwd: snapshot.cwd, ...(snapshot.dirs.length > 1 ? { dirs: snapshot.dirs } : {}) } : {}),
        ...(stepFunctions.length ? { functions: stepFunctions } : {}),
      };
      store.save(state);
      emit({ type: 'step:end', stepId: step.id, status: stepStatus as 'done' | 'adopted', durationMs: Date.now() - stepStarted, variables: pick(variables, stepVariables), files });
    }
    // An output may be a parameter the runbook only passes on (e.g. the project it worked in).
    const outputs = Object.fromEntries(
      flow.outputs.flatMap((n) => (variables.has(n) ? [[n, variables.get(n)!.value]] : options.params[n] !== undefined && !secretParams.has(n) ? [[n, options.params[n]!]] : [])),
    );
    state.outputs = Object.keys(outputs);
    store.save(state);
    await session?.stop();
    session = undefined;
    emit({ type: 'run:end', status: 'succeeded', durationMs: Date.now() - started, outputs });
    return { runId, status: 'succeeded', outputs: redactor.value(outputs), state };
  } finally {
    await session?.stop().catch(() => {});
    lock.release();
  }
}

/**
 * Why a step whose shell exited non-zero failed: the failed call it ended on, else what bash (or the
 * command) said last. Bash's own `file: line N: message` reads as `message (line N)`.
 */
function stepFailure(status: number, record: RouteRecord, tail: string[], file: string): unknown {
  if (record.lastFailure && record.lastFailure.exitCode === status) return record.lastFailure.error;
  const name = file.split('/').pop()!;
  const said = tail.map((l) => {
    const m = /^(.+?): line (\d+): (.*)$/.exec(l);
    return m && m[1] === name ? { text: m[3]!, line: m[2] } : { text: l };
  });
  const last = said.pop();
  if (!last) return new RunbookError(`the step exited with status ${status}`);
  const where = `${last.line ? `line ${last.line}, ` : ''}exit status ${status}`;
  return new RunbookError(`${last.text} (${where})${said.length ? `\n${said.map((s) => s.text).join('\n')}` : ''}`);
}

/**
 * Record what a step changed in the session: its variables (secret when they hold a secret), its
 * functions, aliases and options, the directory it ended in. Returns the names it set and defined.
 */
function applySnapshot(
  before: Snapshot,
  after: Snapshot,
  ctx: { state: RunState; variables: Map<string, Variable>; redactor: Redactor; stepId: string; shims: string; pristine: string[]; sensitive: ReadonlySet<string> },
): { variables: string[]; functions: string[] } {
  const { state, variables, redactor, stepId } = ctx;
  const changes = changesBetween(before, after);
  for (const name of changes.variables) {
    const v = after.variables.get(name)!;
    const value = name === 'PATH' ? withoutShims(v.value, ctx.shims) : v.value;
    const secret = ctx.sensitive.has(name) || !!variables.get(name)?.secret || redactor.text(value) !== value;
    if (secret) redactor.add(value);
    const exported = v.attrs.includes('x');
    variables.set(name, { value, exported, secret });
    const attrs = v.attrs.replace(/x/g, '');
    state.variables[name] = { value, exported, step: stepId, ...(secret ? { secret: true } : {}), ...(attrs ? { attrs } : {}), ...(v.entries ? { entries: v.entries } : {}) };
  }
  for (const name of changes.unset) {
    variables.delete(name);
    delete state.variables[name];
  }
  state.functions ??= {};
  for (const name of changes.functions) state.functions[name] = { text: after.functions.get(name)!, step: stepId };
  for (const name of changes.removedFunctions) delete state.functions[name];
  state.aliases = after.aliases;
  state.options = after.options.filter((line) => !ctx.pristine.includes(line));
  return { variables: changes.variables, functions: changes.functions };
}

/** The saved session state to restore into a fresh shell, or undefined when there is nothing to restore. */
function savedSession(state: RunState, shims: string, dirs: string[] | undefined): SavedSession | undefined {
  const vars = Object.entries(state.variables).map(([name, v]) => ({
    name,
    value: name === 'PATH' ? `${shims}${delimiter}${withoutShims(v.value, shims)}` : v.value,
    attrs: `${v.exported ? 'x' : ''}${v.attrs ?? ''}`,
    ...(v.entries ? { entries: v.entries } : {}),
  }));
  const functions = Object.values(state.functions ?? {}).map((f) => f.text);
  const saved: SavedSession = { variables: vars, functions, aliases: state.aliases ?? [], options: state.options ?? [], ...(dirs?.length ? { dirs } : {}) };
  return vars.length || functions.length || saved.aliases.length || saved.options.length || saved.dirs ? saved : undefined;
}

/** PATH as the step left it, without this session's (or an earlier session's) shims directory. */
function withoutShims(path: string, shims: string): string {
  return path.split(delimiter).filter((d) => d !== shims && !/\/runbook-session-[^/]+\/bin$/.test(d)).join(delimiter);
}

/**
 * Files the step's calls write with `>` (bound with what is known now): their content before the
 * step, put back by `restore(path)` when the call that wrote them was adopted.
 */
function backupsOf(sites: CallSite[], lookup: Lookup, cwd: string): (path: string) => boolean {
  const saved = new Map<string, Buffer>();
  for (const site of sites) {
    if (!site.stdout) continue;
    const look: Lookup = (name) => lookup(name);
    const file = bindString(site.stdout, look);
    const path = isAbsolute(file) ? file : resolve(cwd, file);
    try {
      saved.set(path, readFileSync(path));
    } catch {
      // nothing there yet
    }
  }
  return (path) => {
    const content = saved.get(path);
    if (content === undefined) return false;
    writeAtomic(path, content);
    return true;
  };
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
  const tags = options.tags;
  if (tags?.length && !flow.steps.some((s) => s.step.meta.attributes.tags?.some((t) => tags.includes(t)))) {
    throw new RunbookError(`--tag ${tags.join(',')}: no step has this tag`, { exitCode: 2 });
  }
  return new Set(flow.steps.map((_, i) => i).filter((i) => i >= from && (!tags?.length || !!flow.steps[i]!.step.meta.attributes.tags?.some((t) => tags.includes(t)))));
}

/** A step's identity for resume: its code, the values it reads and the files earlier steps wrote for it. */
function fingerprintOf(sf: StepFlow, lookup: Lookup, state: RunState): string {
  const hash = createHash('sha256').update(sf.step.code);
  if (sf.step.write) hash.update(`\0write:${sf.step.write.path}\0${sf.step.write.content}`);
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

function pick(variables: Map<string, Variable>, names: string[]): Record<string, string> {
  return Object.fromEntries(names.filter((n) => variables.has(n)).map((n) => [n, variables.get(n)!.secret ? REDACTED : variables.get(n)!.value]));
}

/**
 * Later commands of the runbook with what is known now (adoption reads identities there, such as the
 * alias that names a key). Variables this step or a later one sets are about to change: they stay `<$VAR>`.
 */
function laterArgv(flow: Flow, sites: CallSite[][], index: number, lookup: Lookup): string[][] {
  const pending = new Set(flow.steps.slice(index).flatMap((sf) => sf.sets.map((s) => s.name)));
  const look: Lookup = (name) => (pending.has(name) || name === '__runtime' ? `<$${name}>` : lookup(name) ?? `<$${name}>`);
  return sites.slice(index).flatMap((list) => list.map((site) => site.words.flatMap((t) => bindFields(t, look))));
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name && error.name !== 'Error' && error.name !== 'RunbookError' ? `${error.name}: ` : ''}${error.message}`;
  return String(error);
}

function describeError(error: unknown, file: string, stepId: string, operation?: string): { message: string; operation?: string; code?: string; hint?: string } {
  const e = error as { name?: string; message?: string; code?: unknown; options?: { hint?: string }; $fault?: string };
  // A socket error's own code (ECONNRESET) says more than the name the SDK wraps it in (TimeoutError).
  const reset = e?.code === 'ECONNRESET' || e?.code === 'EPIPE' || e?.message === 'socket hang up';
  const system = typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code) ? e.code : reset ? 'ECONNRESET' : undefined;
  const code = system ?? (e?.name && e.name !== 'Error' && e.name !== 'RunbookError' ? e.name : undefined);
  if (reset) return { message: `the connection was closed before the service answered (${e?.message ?? 'reset'})`, ...(operation ? { operation } : {}), code: code!, hint: e?.options?.hint ?? `the request may have landed; a re-run asks before it sends it again: \`runbook exec ${file}\`` };
  const hint = e?.options?.hint ?? `fix the cause, then run \`runbook exec ${file}\` again: completed steps are skipped and this one (${stepId}) runs again`;
  return { message: e?.message ?? String(error), ...(operation ? { operation } : {}), ...(code ? { code } : {}), hint };
}

