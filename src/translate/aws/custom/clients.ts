/**
 * SDK clients for the CLI's own commands, configured from the command's environment as the
 * model-driven path configures its own (../send.ts): region, endpoint, credentials or profile, retries,
 * the CLI's socket timeouts. A failed request keeps what was sent and received (../failure.ts), so its
 * message is botocore's (`An error occurred (NoSuchBucket) when calling the ListObjectsV2 operation: …`).
 */
import { awsSettings, type AwsSettings, type Env } from '../environment.js';
import { attachFailure, cliFailure, type SentRequest } from '../failure.js';
import type { Globals } from './command-line.js';

/** What names a client: the CLI service (its endpoint variable), the global options, its region default. */
export interface ClientTarget {
  /** `s3api` (endpoint AWS_ENDPOINT_URL_S3), `eks`, `sts`. */
  service: string;
  globals: Globals;
  /** botocore calls it without a region (S3, STS's global endpoint), signing in us-east-1. */
  globalService?: boolean;
  /** Overrides the region (`--source-region`, the region a kubeconfig entry names). */
  region?: string;
  /** Credentials from elsewhere (an assumed role). */
  credentials?: AwsSettings['credentials'];
}

interface SdkClient {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  destroy(): void;
  config: { protocol?: unknown; region: () => Promise<string>; credentials: () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }> };
}

export interface Client {
  settings: AwsSettings;
  raw: SdkClient;
  /** Sends one command; a failure keeps the request and response for the CLI's message. */
  send<T = Record<string, unknown>>(command: unknown, signal?: AbortSignal): Promise<T>;
  destroy(): void;
}

type ClientClass = new (config: Record<string, unknown>) => SdkClient;

/** A client for the call (the caller destroys it when the command is done). */
export function makeClient(Client: ClientClass, target: ClientTarget, env: Env, extra: Record<string, unknown> = {}): Client {
  const { globals } = target;
  const settings = awsSettings(
    { service: target.service, region: target.region ?? globals.region, profile: globals.profile, endpointUrl: globals.endpointUrl, ...(target.globalService ? { globalService: true } : {}) },
    env,
  );
  const credentials = target.credentials ?? settings.credentials;
  const ms = (seconds: number | undefined) => (seconds ?? 60) * 1000;
  const config: Record<string, unknown> = {
    region: settings.region,
    ignoreConfiguredEndpointUrls: true,
    maxAttempts: settings.maxAttempts,
    retryMode: settings.retryMode,
    requestHandler: { connectionTimeout: ms(globals.connectTimeout), requestTimeout: ms(globals.readTimeout) },
    ...extra,
  };
  if (settings.endpoint) config.endpoint = settings.endpoint;
  if (credentials) config.credentials = credentials;
  else config.profile = settings.profile;
  const raw = new Client(config);
  const protocol = String((raw.config.protocol as { getShapeId?: () => string } | undefined)?.getShapeId?.() ?? '');
  return {
    settings,
    raw,
    send: <T>(command: unknown, signal?: AbortSignal) => sendRecorded(raw, command, protocol, settings.maxAttempts, signal) as Promise<T>,
    destroy: () => raw.destroy(),
  };
}

type Middleware = (next: (args: unknown) => Promise<{ response: unknown }>) => (args: unknown) => Promise<{ response: unknown }>;

async function sendRecorded(client: SdkClient, command: unknown, protocol: string, maxAttempts: number, signal: AbortSignal | undefined): Promise<unknown> {
  const c = command as { constructor: { name: string }; middlewareStack: { add(m: Middleware, o: object): void } };
  const sent: SentRequest = { operation: c.constructor.name.replace(/Command$/, ''), maxAttempts, protocol };
  c.middlewareStack.add(
    (next) => async (args) => {
      const r = (args as { request?: { protocol?: string; hostname?: string; port?: number; path?: string } }).request;
      if (r?.hostname) sent.url = `${r.protocol ?? 'https:'}//${r.hostname}${r.port ? `:${r.port}` : ''}${r.path ?? '/'}`;
      const result = await next(args);
      const response = result.response as { body?: unknown; headers?: Record<string, string>; statusCode?: number };
      const status = response?.statusCode ?? 200;
      if (status >= 300) {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(response?.headers ?? {})) headers[k.toLowerCase()] = String(v);
        const bytes = response.body != null ? await collect(response.body) : new Uint8Array();
        response.body = bytes;
        sent.response = { status, headers, body: new TextDecoder().decode(bytes) };
      }
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'runbookCustomFailureCapture' },
  );
  try {
    return await client.send(command, signal ? { abortSignal: signal } : {});
  } catch (error) {
    throw attachFailure(error, sent);
  }
}

async function collect(body: unknown): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return new TextEncoder().encode(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(chunk));
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * `str(exception)` as the CLI prints it inside its own lines (`upload failed: ./a to s3://b/a <this>`):
 * botocore's ClientError text, `Unable to locate credentials`, a connection error.
 */
export function errorText(error: unknown): string {
  if ((error as { name?: string })?.name === 'CredentialsProviderError') return 'Unable to locate credentials';
  return cliFailure(error).stderr.replace(/^\n/, '').replace(/\n$/, '');
}
