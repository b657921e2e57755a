/**
 * The real aws CLI v1 for differential tests. Each `aws` process spends ~0.7 s importing Python, so by
 * default one long-lived Python process runs the CLI's own entry point (`awscli.clidriver`, a fresh
 * driver and session per command, stdout/stderr captured) for every command in turn.
 * `RUNBOOK_AWS_CLI=subprocess` runs a separate `aws` process per command instead.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface CliRun {
  stdout: string;
  stderr: string;
  code: number;
}

const DRIVER = `
import contextlib, io, json, sys
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

  /** `argv` starts with `aws`. */
  run(argv: string[]): Promise<CliRun> {
    return this.mode === 'subprocess' ? this.subprocess(argv) : this.driver(argv);
  }

  /** A separate `aws` process, exactly as a shell runs it. */
  subprocess(argv: string[]): Promise<CliRun> {
    return new Promise((resolve) => {
      execFile('aws', argv.slice(1), { cwd: this.cwd, env: process.env, encoding: 'utf8', maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ stdout, stderr, code });
      });
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
