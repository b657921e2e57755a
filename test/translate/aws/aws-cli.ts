/**
 * The real aws CLI v1 for differential tests. Each `aws` process spends ~0.7 s importing Python, so by
 * default one long-lived Python process runs the CLI's own entry point (`awscli.clidriver`, a fresh
 * driver and session per command, stdout/stderr captured) for every command in turn.
 * `RUNBOOK_AWS_CLI=subprocess` runs a separate `aws` process per command instead.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface CliRun {
  stdout: string;
  stderr: string;
  code: number;
}

// argv[0] is the program name argparse prints in errors (`aws: error: …`), as the `aws` script has it.
const DRIVER = `
import contextlib, io, json, sys
sys.argv[0] = 'aws'
from awscli.clidriver import create_clidriver
out = sys.stdout
for line in sys.stdin:
    argv = json.loads(line)
    o, e = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):
        try:
            rc = create_clidriver().main(argv)
        except SystemExit as x:
            rc = x.code if isinstance(x.code, int) else 1
    out.write(json.dumps({"stdout": o.getvalue(), "stderr": e.getvalue(), "code": rc}) + "\\n")
    out.flush()
`;

export class AwsCli {
  private child: ChildProcessWithoutNullStreams | undefined;
  private waiting: Array<(run: CliRun) => void> = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly cwd: string,
    readonly mode: 'driver' | 'subprocess' = process.env.RUNBOOK_AWS_CLI === 'subprocess' ? 'subprocess' : 'driver',
  ) {}

  /** `argv` starts with `aws`. A command with its own environment or standard input runs as its own process. */
  run(argv: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliRun> {
    return this.mode === 'subprocess' || options.env || options.input !== undefined ? this.subprocess(argv, options) : this.driver(argv);
  }

  /**
   * A separate `aws` process, exactly as a shell runs it. Its stdin is a file, as a heredoc is: Node's
   * stdio pipes are sockets, which `open('/dev/stdin')` refuses (ENXIO).
   */
  subprocess(argv: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliRun> {
    const stdinDir = mkdtempSync(join(tmpdir(), 'runbook-aws-stdin-'));
    const stdinFile = join(stdinDir, 'stdin');
    writeFileSync(stdinFile, options.input ?? '');
    const fd = openSync(stdinFile, 'r');
    return new Promise<CliRun>((resolve) => {
      const child = spawn('aws', argv.slice(1), { cwd: this.cwd, env: options.env ?? process.env, stdio: [fd, 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('close', (code) => resolve({ stdout, stderr, code: code ?? 1 }));
    }).finally(() => {
      closeSync(fd);
      rmSync(stdinDir, { recursive: true, force: true });
    });
  }

  private driver(argv: string[]): Promise<CliRun> {
    const next = this.queue.then(
      () =>
        new Promise<CliRun>((resolve) => {
          const child = this.start();
          this.waiting.push(resolve);
          child.stdin.write(`${JSON.stringify(argv.slice(1))}\n`);
        }),
    );
    this.queue = next;
    return next;
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn('python3', ['-c', DRIVER], { cwd: this.cwd, env: process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: child.stdout }).on('line', (line) => this.waiting.shift()?.(JSON.parse(line) as CliRun));
    child.stderr.resume();
    child.on('exit', () => {
      for (const resolve of this.waiting.splice(0)) resolve({ stdout: '', stderr: 'aws CLI driver exited', code: -1 });
      this.child = undefined;
    });
    this.child = child;
    return child;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stdin.end();
    await exited;
  }
}
