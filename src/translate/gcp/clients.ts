/**
 * Where gcloud commands are sent, and with which credentials, decided the way gcloud decides:
 * the `api_endpoint_overrides/cloudkms` and `/iam` properties, i.e. the environment variables
 * `CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDKMS` and `CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM`
 * (https://cloud.google.com/sdk/gcloud/reference/topic/configurations, googlecloudsdk/core/properties.py).
 *
 * - No override: the public endpoints with Application Default Credentials.
 * - An `https://` override (a regional or private endpoint): that host, still with ADC.
 * - An `http://` override (an emulator or a test server, e.g. `http://127.0.0.1:8085/`): a plaintext
 *   channel and no credentials at all, so nothing ever asks the metadata server for a token.
 *
 * KMS goes through `@google-cloud/kms` over gRPC (loaded only when a step needs it); service accounts
 * through the IAM v1 REST API with google-auth-library's request (the `@googleapis/iam` URLs).
 */
import { createRequire } from 'node:module';
import type { KeyManagementServiceClient } from '@google-cloud/kms';
import { GcpApiError, toGcpError } from './errors.js';

const SCOPES = ['https://www.googleapis.com/auth/cloud-platform'];
const IAM_DEFAULT = 'https://iam.googleapis.com/';

export interface Endpoint {
  /** `https://host[:port]/…` as written in the override, or the public endpoint. */
  url: URL;
  /** Plain HTTP: an emulator or test server. No TLS and no credentials. */
  insecure: boolean;
}

/** The endpoint gcloud would use for `api` (`cloudkms`, `iam`) in this environment, or undefined for the default. */
export function endpointOverride(api: 'cloudkms' | 'iam', env: Record<string, string | undefined>): Endpoint | undefined {
  const text = env[`CLOUDSDK_API_ENDPOINT_OVERRIDES_${api.toUpperCase()}`]?.trim();
  if (!text) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`CLOUDSDK_API_ENDPOINT_OVERRIDES_${api.toUpperCase()}=${text} is not a URL (expected e.g. https://${api}.googleapis.com/ or http://127.0.0.1:8085/)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`CLOUDSDK_API_ENDPOINT_OVERRIDES_${api.toUpperCase()}: expected an http:// or https:// URL, got ${text}`);
  return { url, insecure: url.protocol === 'http:' };
}

/** What a call needs from the APIs; one per send (it carries the run's environment and signal). */
export interface Apis {
  kms(): Promise<KeyManagementServiceClient>;
  /** An IAM v1 REST call, `path` relative to the root URL (`v1/projects/P/serviceAccounts`). */
  iam<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
}

interface Requester {
  request<T>(opts: { url: string; method: string; data?: unknown; signal?: AbortSignal; retry?: boolean }): Promise<{ data: T }>;
}

let adcClient: Promise<Requester> | undefined;

/**
 * Application Default Credentials, resolved once and up front: without them a clear UNAUTHENTICATED
 * error, rather than the KMS client failing inside its own promises (where an unused mixin's rejection
 * would go unhandled and end the process).
 */
function adc(): Promise<Requester> {
  adcClient ??= (async () => {
    const { GoogleAuth } = await import('google-auth-library');
    try {
      return (await new GoogleAuth({ scopes: SCOPES }).getClient()) as unknown as Requester;
    } catch (error) {
      throw new GcpApiError('UNAUTHENTICATED', `no Application Default Credentials: ${(error as Error).message.split('\n')[0]}`, { cause: error });
    }
  })();
  adcClient.catch(() => (adcClient = undefined));
  return adcClient;
}

async function passThrough(): Promise<Requester> {
  const { PassThroughClient } = await import('google-auth-library');
  return new PassThroughClient() as unknown as Requester;
}

const kmsClients = new Map<string, Promise<KeyManagementServiceClient>>();

/** google-gax's own grpc-js (the copy the KMS client uses), for an insecure channel. */
function gaxGrpc(): { credentials: { createInsecure(): unknown } } {
  const fromHere = createRequire(import.meta.url);
  const fromKms = createRequire(fromHere.resolve('@google-cloud/kms'));
  const fromGax = createRequire(fromKms.resolve('google-gax'));
  return fromGax('@grpc/grpc-js') as { credentials: { createInsecure(): unknown } };
}

async function kmsClient(env: Record<string, string | undefined>): Promise<KeyManagementServiceClient> {
  const endpoint = endpointOverride('cloudkms', env);
  const key = endpoint ? endpoint.url.origin : 'default';
  let client = kmsClients.get(key);
  if (!client) {
    client = (async () => {
      type Options = NonNullable<ConstructorParameters<typeof KeyManagementServiceClient>[0]>;
      // The pass-through client never fetches a token; gax wraps whichever client it is given.
      const authClient = (endpoint?.insecure ? await passThrough() : await adc()) as unknown as Options['authClient'];
      const { KeyManagementServiceClient } = await import('@google-cloud/kms');
      if (!endpoint) return new KeyManagementServiceClient({ authClient });
      const port = Number(endpoint.url.port || (endpoint.insecure ? 80 : 443));
      const apiEndpoint = endpoint.url.hostname.replace(/^\[(.*)\]$/, '$1');
      if (!endpoint.insecure) return new KeyManagementServiceClient({ apiEndpoint, port, authClient });
      return new KeyManagementServiceClient({ apiEndpoint, port, authClient, sslCreds: gaxGrpc().credentials.createInsecure() as Options['sslCreds'] });
    })();
    client.catch(() => kmsClients.delete(key));
    kmsClients.set(key, client);
  }
  return client;
}

export function apisFor(env: Record<string, string | undefined>, signal?: AbortSignal): Apis {
  return {
    async kms() {
      return kmsClient(env);
    },
    async iam<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
      const endpoint = endpointOverride('iam', env);
      const root = endpoint ? endpoint.url.href.replace(/\/?$/, '/') : IAM_DEFAULT;
      try {
        const requester = endpoint?.insecure ? await passThrough() : await adc();
        const response = await requester.request<T>({
          url: new URL(path, root).href, method,
          ...(body !== undefined ? { data: body } : {}),
          ...(signal ? { signal } : {}),
          // One attempt: the engine's retry stage decides what is worth another.
          retry: false,
        });
        return response.data;
      } catch (error) {
        throw toGcpError(error);
      }
    },
  };
}

/** Close cached gRPC channels (tests; a long-lived process switching endpoints). */
export async function closeClients(): Promise<void> {
  const clients = [...kmsClients.values()];
  kmsClients.clear();
  adcClient = undefined;
  await Promise.all(clients.map(async (c) => (await c.catch(() => undefined))?.close()));
}
