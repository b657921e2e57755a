/**
 * Commands with no SDK mapping run through zx: argv elements are quoted by zx (never concatenated
 * into a command line), variables reach the shell through its environment, not through its text.
 */
import { RunbookError } from '../diagnostics.js';

type Zx = typeof import('zx/core');
let zx: Promise<Zx> | undefined;
// zx/core has $ and quote without zx's globals and CLI helpers: a third of the import cost.
const loadZx = () => (zx ??= import('zx/core'));

export interface ShellResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface ShellOptions {
  cwd: string;
  env: Record<string, string>;
  input?: string;
  signal?: AbortSignal;
}

/** zx's quoting, for building a pipeline of several commands into one shell line. */
export async function loadQuote(): Promise<{ quote: (arg: string) => string }> {
  return { quote: (await loadZx()).quote };
}

/** Start loading zx while the run waits on the network, so the first shell step does not pay for it. */
export function prefetchShell(): void {
  loadZx().catch(() => {});
}

/** Shell builtins with no executable of the same name: they run inside bash, still quoted. */
const builtins = new Set([':', 'cd', 'source', '.', 'set', 'shopt', 'unset', 'alias', 'eval', 'trap', 'ulimit', 'umask', 'wait', 'read', 'let', 'local', 'declare', 'typeset', 'pushd', 'popd']);

/** Run one command from its argv. */
export async function runArgv(argv: string[], options: ShellOptions): Promise<ShellResult> {
  const { $, quote } = await loadZx();
  if (builtins.has(argv[0]!)) return runScript(argv.map((a) => quote(a)).join(' '), options);
  const p = $({ cwd: options.cwd, env: options.env, nothrow: true, quiet: true, verbose: false, ...(options.input !== undefined ? { input: options.input } : {}), ...(options.signal ? { signal: options.signal } : {}) });
  const out = await p`${argv}`;
  // Killed by the step's timeout or Ctrl-C: report that, not the exit status it died with.
  if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new RunbookError(String(options.signal.reason));
  return { stdout: out.stdout, stderr: out.stderr, exitCode: out.exitCode ?? 1 };
}

/** Run shell text as written (control flow, `&&`, redirections the engine does not model) with bash. */
export async function runScript(text: string, options: ShellOptions): Promise<ShellResult> {
  return runArgv(['bash', '-e', '-o', 'pipefail', '-c', text], options);
}

export function commandFailed(what: string, result: ShellResult): RunbookError {
  const detail = result.stderr.trim().split('\n').slice(-5).join('\n');
  return new RunbookError(`${what} exited with status ${result.exitCode}${detail ? `: ${detail}` : ''}`);
}

/** Text tools that only read and print: running them needs no confirmation. */
export const readOnlyCommands = new Set([
  'echo', 'printf', 'cat', 'cut', 'jq', 'yq', 'grep', 'sed', 'awk', 'tr', 'head', 'tail', 'sort', 'uniq', 'wc',
  'base64', 'date', 'true', 'false', 'sleep', 'test', '[', 'basename', 'dirname', 'tee', 'xargs', 'envsubst', 'column',
]);
