/**
 * `--sandbox`: the run goes to a local moto server with test credentials. The EKS cluster the
 * runbook describes (`aws eks describe-cluster --name …`) is created first, since moto starts empty.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { RunbookError } from '../diagnostics.js';
import type { Runbook } from '../markdown/types.js';
import { bindString } from '../plan/bind.js';
import type { Flow } from '../plan/flow.js';
import type { Param } from '../params/types.js';
import { translatorFor } from '../translate/index.js';

export interface Sandbox {
  endpoint: string;
  env: Record<string, string>;
  /** `NAME=value` for required parameters the user did not give: sandbox sample values. */
  params: string[];
  notes: string[];
  stop(): Promise<void>;
}

const samples: Partial<Record<Param['type'], string>> = {
  'aws-region': 'us-east-1', 'aws-account-id': '123456789012', 'k8s-name': 'sandbox', 'gcp-project-id': 'sandbox-project',
  'gcp-location': 'global', integer: '1', boolean: 'false', string: 'sandbox', secret: 'sandbox-secret',
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Moto {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  /** Clears every service's state (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts moto on a free loopback port (`moto_server`, else `python3 -m moto.server`) and waits until it answers. */
export async function startMoto(timeoutMs = 20_000): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const args = ['-H', '127.0.0.1', '-p', String(port)];
  for (const [command, prefix] of [['moto_server', []], ['python3', ['-m', 'moto.server']]] as const) {
    const child: ChildProcess = spawn(command, [...prefix, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += String(d)));
    const spawned = await new Promise<boolean>((resolve) => {
      child.once('spawn', () => resolve(true));
      child.once('error', () => resolve(false));
    });
    if (!spawned) continue;
    const stop = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    };
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        const res = await fetch(`${endpoint}/moto-api/data.json`);
        await res.arrayBuffer();
        if (res.ok) {
          return {
            endpoint, port, stop,
            async reset() {
              const r = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
              await r.arrayBuffer();
            },
          };
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await stop();
    if (/No module named/.test(stderr)) continue;
    throw new RunbookError(`moto did not answer on ${endpoint} within ${timeoutMs} ms${stderr ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`);
  }
  throw new RunbookError('the sandbox needs moto, which is not installed', { exitCode: 2, hint: 'install it with: pip install "moto[server]"' });
}

export async function startSandbox(runbook: Runbook, flow: Flow, env: Record<string, string>, given: string[]): Promise<Sandbox> {
  const moto = await startMoto();
  const sandboxEnv: Record<string, string> = {
    AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_SESSION_TOKEN: 'testing',
    AWS_REGION: env.AWS_REGION ?? 'us-east-1', AWS_DEFAULT_REGION: env.AWS_REGION ?? 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  // The SDK clients live in this process and read its environment.
  Object.assign(env, sandboxEnv);
  Object.assign(process.env, sandboxEnv);
  delete env.AWS_PROFILE;
  delete process.env.AWS_PROFILE;
  const givenNames = new Set(given.map((g) => g.split('=')[0]));
  const params: string[] = [];
  const notes: string[] = [];
  for (const p of flow.params) {
    if (!p.required || p.default !== undefined || givenNames.has(p.name) || env[p.name]) continue;
    const value = p.example !== undefined ? String(p.example) : p.values?.length ? String(p.values[0]) : samples[p.type] ?? 'sandbox';
    params.push(`${p.name}=${value}`);
  }
  if (params.length) notes.push(`sample values: ${params.join(', ')}`);
  // Create each EKS cluster the runbook describes.
  const values = Object.fromEntries([...params, ...given].map((g) => [g.slice(0, g.indexOf('=')), g.slice(g.indexOf('=') + 1)]));
  const lookup = (name: string) => values[name] ?? env[name];
  for (const sf of flow.steps) {
    for (const action of sf.actions) {
      if (action.kind !== 'run') continue;
      for (const spec of action.pipeline) {
        const argv = spec.argv.map((t) => bindString(t, lookup));
        if (argv[0] !== 'aws' || argv[1] !== 'eks' || argv[2] !== 'describe-cluster') continue;
        const name = argv[argv.indexOf('--name') + 1];
        if (!name || name.startsWith('<')) continue;
        const create = ['aws', 'eks', 'create-cluster', '--name', name, '--role-arn', 'arn:aws:iam::123456789012:role/eks-sandbox', '--resources-vpc-config', 'subnetIds=subnet-sandbox1,subnet-sandbox2'];
        const translator = (await translatorFor(create))!;
        await translator.send(await translator.translate(create, { cwd: process.cwd() }), { env });
        notes.push(`EKS cluster ${name} created`);
      }
    }
  }
  return { endpoint: moto.endpoint, env: sandboxEnv, params, notes, stop: moto.stop };
}

