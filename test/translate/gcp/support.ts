/**
 * The two GCP test servers, tied together (KMS policies accept only service accounts IAM knows), and the
 * environment that points gcloud commands at them the way gcloud is pointed at an emulator.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { sendCall } from '../../../src/engine/send.js';
import type { AdoptResult, Call } from '../../../src/translate/types.js';
import { translator, type GcpCall } from '../../../src/translate/gcp/translator.js';
import { startGcpIam } from '../../servers/gcp-iam.js';
import { startGcpKms } from '../../servers/gcp-kms.js';

export type Iam = Awaited<ReturnType<typeof startGcpIam>>;
export type Kms = Awaited<ReturnType<typeof startGcpKms>>;

export interface GcpServers {
  iam: Iam;
  kms: Kms;
  /** The run's environment: the translator reaches KMS over gRPC, IAM over REST, with no credentials. */
  env: Record<string, string>;
  /**
   * The real gcloud's: the same servers (KMS by its REST front end), an isolated CLOUDSDK_CONFIG, no
   * credentials (auth/disable_credentials, as the translator has none for an http:// endpoint), no prompts,
   * update checks, usage reports or GCE probes, and a dead proxy for anything but 127.0.0.1.
   */
  gcloudEnv: Record<string, string>;
  /** The real gcloud with gcloudEnv (and `extra` on top), resolving with its streams and status. */
  real(argv: string[], extra?: Record<string, string>): Promise<Relayed>;
  /** What the shell session relays for the command through the translator: stdout, stderr, exit status. */
  relay(argv: string[], extra?: Record<string, string>): Promise<Relayed>;
  stop(): Promise<void>;
}

/** What a shell sees of one command. */
export interface Relayed {
  stdout: string;
  stderr: string;
  code: number;
}

/** Whether the gcloud binary is installed (found on PATH, not run: running it unisolated writes ~/.config/gcloud). */
export const hasGcloud = (process.env.PATH ?? '').split(delimiter).some((dir) => {
  try {
    accessSync(join(dir, 'gcloud'), constants.X_OK);
    return true;
  } catch {
    return false;
  }
});

export async function startGcpServers(project = 'my-project'): Promise<GcpServers> {
  const iam = await startGcpIam();
  const kms = await startGcpKms({ knownServiceAccount: (email) => iam.state.has(email) });
  const config = mkdtempSync(join(tmpdir(), 'gcloud-config-'));
  const shared = { CLOUDSDK_CONFIG: config, CLOUDSDK_CORE_PROJECT: project, CLOUDSDK_AUTH_DISABLE_CREDENTIALS: 'true', METADATA_SERVER_DETECTION: 'none' };
  const env = { ...shared, CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDKMS: `http://127.0.0.1:${kms.port}/`, CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM: `${iam.url}/` };
  const gcloudEnv = {
    ...shared,
    PATH: process.env.PATH ?? '', HOME: config,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDKMS: `${kms.restUrl}/`, CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM: `${iam.url}/`,
    CLOUDSDK_CORE_CHECK_GCE_METADATA: 'false', CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: 'true', CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: 'true',
    CLOUDSDK_CORE_DISABLE_PROMPTS: '1', HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1,localhost',
  };
  const real: GcpServers['real'] = (argv, extra = {}) =>
    new Promise((resolve) => {
      const child = spawn('gcloud', argv.slice(1), { env: { ...gcloudEnv, ...extra }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += String(d)));
      child.stderr.on('data', (d) => (stderr += String(d)));
      child.on('close', (code) => resolve({ stdout, stderr, code: code ?? 1 }));
    });
  const relay: GcpServers['relay'] = async (argv, extra = {}) => {
    const runEnv = { ...env, ...extra };
    try {
      const call = await translator.translate(argv, { cwd: process.cwd(), env: runEnv });
      const result = await translator.send(call, { env: runEnv });
      return { stdout: translator.format(result, call), stderr: translator.stderrOf(result, call), code: 0 };
    } catch (error) {
      const { stderr, exitCode } = translator.failure(error, argv);
      return { stdout: '', stderr, code: exitCode };
    }
  };
  return {
    iam, kms, env, gcloudEnv, real, relay,
    stop: async () => {
      await Promise.all([kms.stop(), iam.stop()]);
      rmSync(config, { recursive: true, force: true });
    },
  };
}

/** `gcloud kms keys create …` split like a shell would (no quoting needed in these tests). */
export const argv = (command: string) => ['gcloud', ...command.trim().split(/\s+/)];

export async function translate(command: string | string[], env: Record<string, string>): Promise<GcpCall> {
  return translator.translate(Array.isArray(command) ? command : argv(command), { cwd: process.cwd(), env });
}

/** translate -> send -> format, as a step without adoption does it. */
export async function run(command: string | string[], env: Record<string, string>): Promise<{ call: GcpCall; result: unknown; stdout: string }> {
  const call = await translate(command, env);
  const result = await translator.send(call, { env });
  return { call, result, stdout: translator.format(result, call) };
}

/** Through the engine's one send path (adoption first, then the call; on ALREADY_EXISTS the lookup again). */
export async function engineSend(command: string | string[], env: Record<string, string>, retries = 0) {
  const call = await translate(command, env);
  const calls: Call[] = [];
  const adopted: AdoptResult[] = [];
  const sent = await sendCall(translator as never, call, {
    signal: new AbortController().signal, retries, env, laterArgv: [],
    confirm: async () => {},
    onCall: (c) => calls.push(c),
    onAdopt: (_c, r) => adopted.push(r),
    onRetry: () => {},
  });
  return { ...sent, calls, adopted, stdout: translator.format(sent.result, call) };
}

export async function rejection(p: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await p;
  } catch (e) {
    return e as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection');
}
