/** A moto server on 127.0.0.1 for tests: started on a free port, stopped by its own PID. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Moto {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  /** Clears every service's state (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function launch(command: string, args: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    child.once('spawn', () => resolve(child));
    child.once('error', reject);
  });
}

async function ready(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`${endpoint}/moto-api/data.json`);
      if (res.ok) {
        await res.arrayBuffer();
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto did not answer on ${endpoint} within ${timeoutMs} ms`);
}

/** Starts `moto_server` (or `python3 -m moto.server`) and waits until it answers. */
export async function startMoto(timeoutMs = 20_000): Promise<Moto> {
  const port = await freePort();
  const args = ['-H', '127.0.0.1', '-p', String(port)];
  let child: ChildProcess;
  try {
    child = await launch('moto_server', args);
  } catch {
    child = await launch('python3', ['-m', 'moto.server', ...args]);
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await ready(endpoint, child, timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    endpoint,
    port,
    stop,
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      await res.arrayBuffer();
    },
  };
}

/** Environment for the SDK and the aws CLI against moto: static test credentials, no metadata service, no user config. */
export function motoEnv(endpoint: string): Record<string, string> {
  const none = join(tmpdir(), 'runbook-no-aws-config');
  return {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL: endpoint,
    AWS_CONFIG_FILE: join(none, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(none, 'credentials'),
  };
}
