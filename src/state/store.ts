/**
 * Run state on disk, one folder per runbook under the state directory (default `.runbook/` beside
 * the runbook): `state.json` (variables, files, step results, fingerprints), `files/` (what heredocs
 * wrote; the run's working directory) and `lock`. Every write is atomic (temp file, fsync, rename)
 * and owner-only, since variables may hold secrets.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { RunbookError } from '../diagnostics.js';

export interface StepRecord {
  status: 'done' | 'adopted' | 'failed' | 'skipped';
  /** Hash of the step's code and the values it read: a change re-runs it. */
  fingerprint: string;
  startedAt: string;
  endedAt: string;
  variables: string[];
  files: string[];
  resources: Array<{ operation: string; outcome: 'created' | 'adopted' | 'updated' | 'read'; detail?: string }>;
  error?: string;
  /** The session's working directory when the step ended (and its `pushd` stack, top first): a later run that starts after it starts there. */
  cwd?: string;
  dirs?: string[];
  /** Shell functions the step defined or changed. */
  functions?: string[];
}

export interface RunState {
  version: 1;
  runbook: string;
  updatedAt: string;
  /** Parameter values of the last run (secrets are not kept: they must be given again). */
  params: Record<string, string>;
  /**
   * The shell variables steps set. `attrs` holds bash's other attribute letters (`a` array, `A`
   * associative, `i` integer…) and `entries` an array's elements; `value` is then its values joined.
   */
  variables: Record<string, { value: string; exported: boolean; step: string; secret?: boolean; attrs?: string; entries?: Array<[string, string]> }>;
  /** Shell functions steps defined: name -> definition, as `declare -f` prints it. */
  functions?: Record<string, { text: string; step: string }>;
  /** `alias` lines and changed shell options (`set -o …`, `shopt -s …`) the steps left in the session. */
  aliases?: string[];
  options?: string[];
  files: Record<string, { step: string; sha256: string }>;
  steps: Record<string, StepRecord>;
  runs: string[];
  /** The runbook's outputs after its last successful run: other runbooks may take their parameters from them. */
  outputs?: string[];
}

export function emptyState(runbook: string): RunState {
  return { version: 1, runbook, updatedAt: new Date().toISOString(), params: {}, variables: {}, files: {}, steps: {}, runs: [] };
}

export class StateStore {
  readonly dir: string;
  readonly filesDir: string;
  readonly file: string;

  constructor(readonly stateDir: string, readonly runbook: string) {
    this.dir = join(stateDir, runbook);
    this.filesDir = join(this.dir, 'files');
    this.file = join(this.dir, 'state.json');
  }

  ensure(): void {
    mkdirSync(this.filesDir, { recursive: true, mode: 0o700 });
  }

  /**
   * Temp files of writes that never reached their rename (the writer was killed): removed, once the
   * caller holds the lock, when the process that wrote them is gone.
   */
  sweep(): void {
    for (const name of readdirSync(this.dir)) {
      const pid = Number(/\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name)?.[1]);
      if (!pid || pid === process.pid || alive(pid)) continue;
      rmSync(join(this.dir, name), { force: true });
    }
  }

  load(): RunState {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return emptyState(this.runbook);
    }
    try {
      const state = JSON.parse(text) as RunState;
      if (state.version !== 1) throw new Error(`unsupported state version ${String(state.version)}`);
      return state;
    } catch (error) {
      throw new RunbookError(`the state file ${this.file} is unreadable: ${(error as Error).message}`, {
        exitCode: 1, hint: 'move it aside and re-run (existing resources are adopted), or restore it from a backup',
      });
    }
  }

  save(state: RunState): void {
    this.ensure();
    state.updatedAt = new Date().toISOString();
    writeAtomic(this.file, `${JSON.stringify(state, null, 2)}\n`);
  }
}

/** Other runbooks' outputs in the same state directory, for parameters such as KEY_ARN. */
export function siblingOutputs(stateDir: string, except: string): Array<{ runbook: string; values: Record<string, string> }> {
  let names: string[];
  try {
    names = readdirSync(stateDir);
  } catch {
    return [];
  }
  const out: Array<{ runbook: string; values: Record<string, string> }> = [];
  for (const name of names.sort()) {
    if (name === except || name === 'runs') continue;
    try {
      const state = JSON.parse(readFileSync(join(stateDir, name, 'state.json'), 'utf8')) as RunState;
      const values: Record<string, string> = {};
      for (const o of state.outputs ?? []) {
        const v = state.variables[o];
        if (v && !v.secret) values[o] = v.value;
        else if (!v && state.params[o] !== undefined) values[o] = state.params[o]!;
      }
      if (Object.keys(values).length) out.push({ runbook: name, values });
    } catch {
      // not a runbook's state folder
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Write to a temp file beside the target, flush it, then rename over the target. */
export function writeAtomic(path: string, content: string | Uint8Array, mode = 0o600): void {
  const tmp = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
