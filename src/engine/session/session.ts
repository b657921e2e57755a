/**
 * One bash session per run: the steps run in it in order, as a reader pasting the guide into one
 * terminal would run them, and every aws/gcloud/kubectl it runs (wherever in the shell) reaches the
 * engine through the shims on its PATH. After each step the session's state (variables, arrays,
 * functions, working directory, aliases, options) is read back as a snapshot.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants as os, tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { RunbookError } from '../../diagnostics.js';
import { Channel, type CallHandler } from './channel.js';
import { shellQuote } from './quote.js';
import { parseSnapshot, type Snapshot } from './snapshot.js';

const assets = new URL('./', import.meta.url);
let driverText: string | undefined;
let shimText: string | undefined;

/** Bash's and the engine's own variables (glob patterns): never a step's doing, so dumps skip them. */
const dynamicVariables = [
  'BASH*', 'SHELLOPTS', 'COMP_*', 'FUNCNAME', 'GROUPS', 'PIPESTATUS', 'LINENO', 'RANDOM', 'SRANDOM',
  'SECONDS', 'EPOCHREALTIME', 'EPOCHSECONDS', 'HISTCMD', '_', 'PPID', 'OPTIND', 'OPTERR', 'SHLVL', 'UID', 'EUID',
  'HOSTNAME', 'HOSTTYPE', 'MACHTYPE', 'OSTYPE', 'DIRSTACK', 'PWD', 'OLDPWD', 'IFS', 'PS1', 'PS2', 'PS4', 'COLUMNS',
  'LINES', 'MAILCHECK', 'HISTFILE', 'HISTFILESIZE', 'HISTSIZE', '__rb_*',
];

export interface SessionOptions {
  /** The environment bash starts with (the shims' directory is put first on its PATH). */
  env: Record<string, string>;
  cwd: string;
  /** CLIs whose calls the engine serves. */
  tools: string[];
  serve: CallHandler;
  /** Raw output of the session, in order per stream. */
  output(stream: 'stdout' | 'stderr', text: string): void;
  /** A request refused on the channel (no token): reported, never served. */
  onRefused?(reason: string): void;
}

export interface SessionStep {
  /** The step's shell, exactly as bash should read it. */
  code: string;
  /** The runbook file's name: bash's own messages name it (`vault.md: line 12: …`). */
  file: string;
  /** Line of the runbook where the code starts: bash's line numbers match the file's. */
  line: number;
  /** Run in this directory and come back after (Runme's `cwd`). */
  cwd?: string;
  background?: boolean;
}

export interface StepRun {
  /** The step's exit status (bash's). */
  status: number;
  /** The session's state after the step (absent when the shell died without a dump). */
  snapshot?: Snapshot;
  /** The shell ended during the step (`exit`, errexit): the next step needs a new session. */
  ended: boolean;
}

export function findOnPath(program: string, path: string | undefined, except?: string): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir || dir === except) continue;
    const full = join(dir, program);
    try {
      accessSync(full, constants.X_OK);
      return full;
    } catch {
      // not here
    }
  }
  return undefined;
}

interface Waiting {
  seq: number;
  marks: Map<'stdout' | 'stderr', number>;
  ending?: boolean;
  resolve(): void;
}

export class Session {
  readonly dir: string;
  readonly shims: string;
  private readonly nonce = randomBytes(12).toString('hex');
  private readonly token = randomBytes(24).toString('hex');
  private readonly child: ChildProcess;
  private readonly channel: Channel;
  private seq = 0;
  private waiting: Waiting | undefined;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;
  private readonly pendingText = { stdout: '', stderr: '' };

  private constructor(private readonly options: SessionOptions, readonly bash: string) {
    this.dir = mkdtempSync(join(tmpdir(), 'runbook-session-'));
    this.shims = join(this.dir, 'bin');
    mkdirSync(this.shims, { mode: 0o700 });
    driverText ??= readFileSync(new URL('driver.bash', assets), 'utf8').replace('@DYNAMIC@', dynamicVariables.join('|'));
    shimText ??= readFileSync(new URL('shim.bash', assets), 'utf8');
    writeFileSync(join(this.dir, 'driver.bash'), driverText, { mode: 0o600 });
    for (const tool of options.tools) {
      const text = shimText
        .replace('@BASH@', bash)
        .replaceAll('@TOOL@', tool)
        .replaceAll('@TOOL_Q@', shellQuote(tool))
        .replace('@DIR@', shellQuote(this.dir))
        .replace('@TOKEN@', shellQuote(this.token));
      writeFileSync(join(this.shims, tool), text, { mode: 0o700 });
    }
    this.channel = Channel.open(this.dir, this.token, options.serve, options.onRefused);

    const env: Record<string, string> = { ...options.env, PATH: `${this.shims}${delimiter}${options.env.PATH ?? ''}` };
    // Never a user's startup file: the session is the runbook's, not an interactive shell.
    for (const name of ['BASH_ENV', 'ENV', 'SHELLOPTS', 'BASHOPTS', 'CDPATH', 'PROMPT_COMMAND']) delete env[name];
    this.child = spawn(bash, ['--noprofile', '--norc', join(this.dir, 'driver.bash'), this.dir, this.nonce], {
      cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'], detached: true,
    });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve();
      });
      this.child.on('error', (error) => {
        this.exit = { code: 127, signal: null };
        this.options.output('stderr', `runbook: cannot start bash: ${error.message}\n`);
        resolve();
      });
    });
    for (const fd of [3, 4]) (this.child.stdio[fd] as Writable).on('error', () => {});
    for (const stream of ['stdout', 'stderr'] as const) {
      const readable = this.child[stream] as Readable;
      readable.setEncoding('utf8');
      readable.on('data', (text: string) => this.receive(stream, text));
    }
  }

  static start(options: SessionOptions): Session {
    const bash = findOnPath('bash', options.env.PATH ?? process.env.PATH);
    if (!bash) throw new RunbookError('bash is not installed: runbooks run their steps in a bash session', { exitCode: 2 });
    return new Session(options, bash);
  }

  get alive(): boolean {
    return !this.exit;
  }

  /** Run one step; resolves when bash has finished it (or died), rejects when `signal` fires. */
  async run(step: SessionStep, signal: AbortSignal): Promise<StepRun> {
    if (this.exit) throw new RunbookError('the shell session has ended');
    const seq = ++this.seq;
    const stepDir = join(this.dir, `s${seq}`);
    mkdirSync(stepDir, { mode: 0o700 });
    // Blank lines before the code: bash's line numbers are the runbook's.
    const prologue = step.cwd ? `builtin cd -- ${shellQuote(step.cwd)} || return\n` : '';
    const padding = '\n'.repeat(Math.max(0, step.line - 1 - (prologue ? 1 : 0)));
    const name = basename(step.file).replace(/[^\w.@+-]/g, '_') || 'runbook.md';
    writeFileSync(join(stepDir, name), `${prologue}${padding}${step.code}\n`, { mode: 0o600 });

    const done = new Promise<void>((resolve) => {
      this.waiting = { seq, marks: new Map(), resolve };
    });
    (this.child.stdio[3] as Writable).write(`step ${seq} ${step.cwd ? 0 : 1} ${step.background ? 1 : 0} ${name}\n`);
    const aborted = new Promise<never>((_, reject) => {
      const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new RunbookError(String(signal.reason ?? 'aborted')));
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      void done.finally(() => signal.removeEventListener('abort', onAbort));
    });
    try {
      await Promise.race([done, this.exited.then(() => this.flushPending()), aborted]);
    } catch (error) {
      this.kill();
      throw error;
    }
    // Calls the step started in the background may still be in flight; the step's own are done.
    const status = this.waiting?.marks.get('stdout') ?? this.waiting?.marks.get('stderr') ?? exitStatus(this.exit);
    const ending = !!this.waiting?.ending || !!this.exit;
    this.waiting = undefined;
    let snapshot: Snapshot | undefined;
    try {
      snapshot = parseSnapshot(readFileSync(join(this.dir, `dump.${seq}`)));
    } catch {
      snapshot = undefined;
    }
    rmSync(stepDir, { recursive: true, force: true });
    rmSync(join(this.dir, `dump.${seq}`), { force: true });
    // The shell is on its way out: let it go, so `alive` is right for the next step.
    if (ending) await Promise.race([this.exited, delay(1000)]);
    return { status, ended: ending, ...(snapshot ? { snapshot } : {}) };
  }

  private stopped = false;

  /** Let the shell finish (its own EXIT traps run), then end whatever it left running. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (!this.exit) {
      (this.child.stdio[3] as Writable).end('stop 0 0 0 -\n');
      await Promise.race([this.exited, delay(2000)]);
    }
    this.kill();
    await this.channel.drain();
    this.channel.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The whole process group: the shell, its jobs, and everything they started. */
  kill(): void {
    (this.child.stdio[4] as Writable | null)?.destroy();
    if (this.exit || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  private receive(stream: 'stdout' | 'stderr', text: string): void {
    let rest = this.pendingText[stream] + text;
    this.pendingText[stream] = '';
    const start = `\x1f${this.nonce}:`;
    for (;;) {
      const at = rest.indexOf(start);
      if (at < 0) break;
      const end = rest.indexOf('\x1f', at + start.length);
      if (end < 0) {
        // A marker cut in two: keep it for the next chunk.
        if (at > 0) this.options.output(stream, this.scrub(rest.slice(0, at)));
        this.pendingText[stream] = rest.slice(at);
        return;
      }
      if (at > 0) this.options.output(stream, this.scrub(rest.slice(0, at)));
      const [seqText, statusText, ending] = rest.slice(at + start.length, end).split(':');
      rest = rest.slice(end + 1);
      const w = this.waiting;
      if (w && Number(seqText) === w.seq) {
        w.marks.set(stream, Number(statusText));
        if (ending === 'E') w.ending = true;
        if (w.marks.size === 2) w.resolve();
      }
    }
    // A marker's first bytes may end this chunk.
    const partial = partialPrefix(rest, start);
    if (partial) this.pendingText[stream] = rest.slice(rest.length - partial);
    const out = rest.slice(0, rest.length - partial);
    if (out) this.options.output(stream, this.scrub(out));
  }

  private flushPending(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const text = this.pendingText[stream];
      this.pendingText[stream] = '';
      if (text) this.options.output(stream, this.scrub(text));
    }
  }

  /** Bash names the step file in its messages: show the runbook's name instead of the session path. */
  private scrub(text: string): string {
    return text.includes(this.dir) ? text.replace(new RegExp(`${escapeRegExp(this.dir)}/s\\d+/`, 'g'), '') : text;
  }
}

function exitStatus(exit: { code: number | null; signal: NodeJS.Signals | null } | undefined): number {
  if (!exit) return 1;
  return exit.code ?? 128 + (exit.signal ? (os.signals[exit.signal] ?? 1) : 1);
}

/** How many characters at the end of `text` could begin `marker`. */
function partialPrefix(text: string, marker: string): number {
  for (let n = Math.min(marker.length - 1, text.length); n > 0; n--) if (text.endsWith(marker.slice(0, n))) return n;
  return 0;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
