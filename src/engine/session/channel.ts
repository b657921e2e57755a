/**
 * The private channel between the CLI shims in the session and the engine: a FIFO in the owner-only
 * session directory (no other user can open it) on which each shim names itself, request files
 * beside it, and one FIFO per call for the engine's answers. A request must carry the run's secret
 * token, which only the shims (owner-only files) hold: anything else is refused.
 */
import { execFileSync } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';

export interface CallRequest {
  /** The CLI's name (`aws`), as argv[0]. */
  tool: string;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  pid: number;
  /** The shim's stdin, handed over on demand (most commands never read it). */
  readStdin(): Promise<Buffer>;
}

export type CallResponse =
  | { stdout: string | Buffer; stderr: string; exitCode: number }
  /** Run the real CLI at this path instead. */
  | { exec: string };

export type CallHandler = (request: CallRequest) => Promise<CallResponse>;

interface Pending {
  onStdin?: () => void;
}

export class Channel {
  private readonly socket: Socket;
  private readonly pending = new Map<number, Pending>();
  private buffered = '';
  private readonly inFlight = new Set<Promise<void>>();

  private constructor(
    readonly dir: string,
    private readonly token: Buffer,
    private readonly handler: CallHandler,
    private readonly onRefused: (reason: string) => void,
  ) {
    mkdirSync(join(dir, 'calls'), { mode: 0o700 });
    const path = join(dir, 'channel');
    execFileSync('mkfifo', ['-m', '600', path]);
    // Read and write: the FIFO never reads EOF between shims, and opening it never blocks.
    const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
    this.socket = new Socket({ fd, readable: true, writable: false });
    this.socket.setEncoding('utf8');
    this.socket.on('data', (text: string) => this.lines(text));
    this.socket.on('error', () => {});
  }

  static open(dir: string, token: string, handler: CallHandler, onRefused: (reason: string) => void = () => {}): Channel {
    return new Channel(dir, Buffer.from(token), handler, onRefused);
  }

  /** Resolves when every call in flight has been answered. */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  close(): void {
    this.socket.destroy();
  }

  private lines(text: string): void {
    this.buffered += text;
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      const [pidText, event] = line.split(' ');
      const pid = Number(pidText);
      if (!Number.isSafeInteger(pid) || pid <= 0) continue;
      if (event === 'in') this.pending.get(pid)?.onStdin?.();
      else if (event === 'bye') this.cleanup(pid);
      else if (!event && !this.pending.has(pid)) this.start(pid);
    }
  }

  private start(pid: number): void {
    const base = join(this.dir, 'calls', String(pid));
    let request: CallRequest;
    try {
      request = this.read(pid, base);
    } catch (error) {
      this.onRefused((error as Error).message);
      this.answer(base, `out 126 2`, { stderr: `runbook: refused: ${(error as Error).message}\n` });
      return;
    }
    const entry: Pending = {};
    this.pending.set(pid, entry);
    const task = this.handler(request)
      .catch((error: unknown): CallResponse => ({ stdout: '', stderr: `runbook: ${(error as Error)?.message ?? String(error)}\n`, exitCode: 70 }))
      .then((response) => {
        if ('exec' in response) return this.answer(base, `exec - ${response.exec}`);
        const stdout = typeof response.stdout === 'string' ? Buffer.from(response.stdout) : response.stdout;
        // Text goes through the shim's builtins; output with NUL bytes needs cat.
        const files = `${stdout.length ? (stdout.includes(0) ? 'B' : '1') : ''}${response.stderr ? '2' : ''}`;
        this.answer(base, `out ${response.exitCode} ${files || '-'}`, { stdout, stderr: response.stderr });
      })
      .finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  private read(pid: number, base: string): CallRequest {
    const fields = readFileSync(`${base}.req`).toString('utf8').split('\0');
    const [token = '', tool = '', cwd = '', countText = ''] = fields;
    const given = Buffer.from(token);
    if (given.length !== this.token.length || !timingSafeEqual(given, this.token)) throw new Error('the request does not carry this run\'s token');
    const count = Number(countText);
    if (!Number.isSafeInteger(count) || count < 0 || count > fields.length - 4) throw new Error('malformed request');
    const args = fields.slice(4, 4 + count);
    const envFields = existsSync(`/proc/${pid}/environ`) ? readFileSync(`/proc/${pid}/environ`).toString('utf8').split('\0') : fields.slice(4 + count);
    const env: Record<string, string> = {};
    for (const f of envFields) {
      const eq = f.indexOf('=');
      if (eq > 0) env[f.slice(0, eq)] = f.slice(eq + 1);
    }
    const stdin = () =>
      new Promise<Buffer>((resolve) => {
        const entry = this.pending.get(pid);
        if (!entry) return resolve(Buffer.alloc(0));
        entry.onStdin = () => {
          entry.onStdin = undefined;
          try {
            resolve(readFileSync(`${base}.in`));
          } catch {
            resolve(Buffer.alloc(0));
          }
        };
        this.answer(base, 'in');
      });
    return { tool, argv: [tool, ...args], cwd, env, pid, readStdin: stdin };
  }

  /** Write the output files, then the answer line on the call's FIFO (the shim holds it open). */
  private answer(base: string, line: string, files: { stdout?: Buffer; stderr?: string } = {}): void {
    if (files.stdout?.length) writeFileSync(`${base}.1`, files.stdout, { mode: 0o600 });
    if (files.stderr) writeFileSync(`${base}.2`, files.stderr, { mode: 0o600 });
    let fd: number;
    try {
      fd = openSync(`${base}.fifo`, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch {
      return; // the shim is gone (killed): nobody to answer
    }
    try {
      writeSync(fd, `${line}\n`);
    } finally {
      closeSync(fd);
    }
  }

  private cleanup(pid: number): void {
    this.pending.delete(pid);
    const base = join(this.dir, 'calls', String(pid));
    for (const suffix of ['.req', '.fifo', '.in', '.1', '.2']) rmSync(`${base}${suffix}`, { force: true });
  }
}
