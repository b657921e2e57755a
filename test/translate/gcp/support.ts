/**
 * The two GCP test servers, tied together (KMS policies accept only service accounts IAM knows), and the
 * environment that points gcloud commands at them the way gcloud is pointed at an emulator.
 */
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
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startGcpServers(project = 'my-project'): Promise<GcpServers> {
  const iam = await startGcpIam();
  const kms = await startGcpKms({ knownServiceAccount: (email) => iam.state.has(email) });
  const env = {
    CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDKMS: `http://127.0.0.1:${kms.port}/`,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM: `${iam.url}/`,
    CLOUDSDK_CORE_PROJECT: project,
    METADATA_SERVER_DETECTION: 'none',
  };
  return { iam, kms, env, stop: async () => void (await Promise.all([kms.stop(), iam.stop()])) };
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
