/**
 * The kubectl translator against the Kubernetes test server: translate -> send -> format, as the
 * engine does it, and the real kubectl binary against the same server for comparisons.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { translator } from '../../../src/translate/k8s/translator.js';
import type { K8sCall } from '../../../src/translate/k8s/types.js';
import { kubeconfig, kubectl, startKubernetes, type KubernetesOptions, type KubernetesServer } from '../../servers/kubernetes.js';

export { translator };

export const hasKubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
})();

export interface Sent {
  call: K8sCall;
  result: unknown;
  stdout: string;
}

/** What a shell sees of one command: its two streams and its exit status. */
export interface Relayed {
  stdout: string;
  stderr: string;
  code: number;
}

export interface TestCluster {
  server: KubernetesServer;
  config: string;
  cwd: string;
  env: Record<string, string>;
  /** translate -> send -> format, like the engine. */
  run(argv: string[], options?: { stdin?: string; signal?: AbortSignal }): Promise<Sent>;
  /** The error a command fails with. */
  fails(argv: string[], options?: { stdin?: string; signal?: AbortSignal }): Promise<Error & Record<string, unknown>>;
  /**
   * What the engine's shell session relays for the command: stdout and stderr (stderrOf) and exit 0 when
   * it succeeds, the translator's failure() when translating or sending fails.
   */
  relay(argv: string[], options?: { stdin?: string }): Promise<Relayed>;
  /** The real kubectl against the same server. */
  real(argv: string[], timeoutMs?: number, stdin?: string): Promise<Relayed>;
  file(name: string, content: string): string;
  stop(): Promise<void>;
}

export async function testCluster(options: KubernetesOptions & { namespace?: string } = {}): Promise<TestCluster> {
  const { namespace, ...serverOptions } = options;
  const server = await startKubernetes({ podStartDelayMs: 50, probeIntervalMs: 25, ...serverOptions });
  const config = kubeconfig(server.url, namespace ? { namespace } : {});
  const cwd = mkdtempSync(join(tmpdir(), 'k8s-translator-'));
  const env = { ...(process.env as Record<string, string>), KUBECONFIG: config };
  const run: TestCluster['run'] = async (argv, o = {}) => {
    const call = await translator.translate(['kubectl', ...argv], { cwd, ...(o.stdin !== undefined ? { stdin: o.stdin } : {}) });
    const result = await translator.send(call, { env, ...(o.stdin !== undefined ? { stdin: o.stdin } : {}), ...(o.signal ? { signal: o.signal } : {}) });
    return { call, result, stdout: translator.format(result, call) };
  };
  return {
    server, config, cwd, env, run,
    async fails(argv, o) {
      try {
        await run(argv, o);
      } catch (error) {
        return error as Error & Record<string, unknown>;
      }
      throw new Error(`expected kubectl ${argv.join(' ')} to fail`);
    },
    async relay(argv, o = {}) {
      try {
        const { call, result, stdout } = await run(argv, o);
        return { stdout, stderr: translator.stderrOf(result, call), code: 0 };
      } catch (error) {
        const { stdout = '', stderr, exitCode } = translator.failure(error, ['kubectl', ...argv]);
        return { stdout, stderr, code: exitCode };
      }
    },
    real: (argv, timeoutMs, stdin) => kubectl(config, argv, { ...(timeoutMs ? { timeoutMs } : {}), ...(stdin !== undefined ? { stdin } : {}) }),
    file(name, content) {
      const path = join(cwd, name);
      writeFileSync(path, content);
      return path;
    },
    async stop() {
      await server.stop();
      rmSync(cwd, { recursive: true, force: true });
      rmSync(dirname(config), { recursive: true, force: true });
    },
  };
}

/**
 * The kind of failure a stderr tells: '' (none), `Error from server (Reason)`, `error` (kubectl's own),
 * `Error` (a flag it could not parse), or the whole first line for anything else.
 */
export function stderrClass(stderr: string): string {
  // client-go's own log lines (a watch cut short at --timeout) are noise beside kubectl's error.
  const lines = stderr.split('\n').filter((l) => !/^[EWI]\d{4} [\d:.]+ +\d+ (?!run\.go)[\w.]+:\d+\]/.test(l));
  if (!lines.join('')) return '';
  const first = lines[0]!;
  const server = /^Error from server \(([A-Za-z]+)\)/.exec(first);
  if (server) return `Error from server (${server[1]})`;
  if (first.startsWith('error: ')) return 'error';
  if (first.startsWith('Error: ')) return 'Error';
  // klog's `E1202 14:19:06.335226 8308 run.go:72] "command failed" err="…"` is kubectl's own error too.
  if (/^E\d{4} [\d:.]+ +\d+ run\.go:\d+\] "command failed"/.test(first)) return 'error';
  return first;
}

/** The engine's answer and the real kubectl's agree: stdout (after `normalize`), the class of stderr, the exit status. */
export function expectSame(ours: Relayed, theirs: Relayed, normalize: (s: string) => string = (s) => s, what = ''): void {
  const view = (r: Relayed) => ({ stdout: normalize(r.stdout), stderr: stderrClass(r.stderr), code: r.code });
  expect(view(ours), `${what}\nengine stderr: ${ours.stderr}\nkubectl stderr: ${theirs.stderr}`).toEqual(view(theirs));
}
