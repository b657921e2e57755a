/**
 * Sending an AwsCall: one cached client per package and settings (region, endpoint, credentials,
 * profile, timeouts, resolved from the command's environment as the CLI resolves them), the CLI's
 * auto-pagination, and the raw response kept so the output, and a failure's message, match the CLI's.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { afterReceive, beforeSend, type HookState } from './botocore.js';
import type { AwsCall } from './call.js';
import { awsSettings, type Env } from './environment.js';
import { AwsCliError } from './errors.js';
import { attachFailure, type SentRequest } from './failure.js';
import { CLI_VIEW, attachView } from './output.js';
import { commandClass, serviceOperations, type ClientClass } from './operations.js';
import {
  buildFullResult,
  decodeToken,
  encodeToken,
  getPath,
  primaryItems,
  setPath,
  textPages,
  type PageKeys,
  type PaginationModel,
} from './pagination.js';
import { searchQuery } from './query.js';
import { operationModel, streamingOutputMember, type OperationModel } from './schema.js';
import { loadServicePackage } from './services.js';
import { cliView, type RawResponse, type ViewContext } from './view.js';

type Client = InstanceType<ClientClass>;

const clients = new Map<string, Client>();
const models = new Map<string, OperationModel>();

export interface SendOptions {
  signal?: AbortSignal;
  /** The command's environment (region, profile, endpoint, credentials); defaults to process.env. */
  env?: Env;
  /** Stable for one call of one step: becomes the operation's idempotency token when the command gives none. */
  idempotencyKey?: string;
}

function clientFor(Client: ClientClass, call: AwsCall, env: Env): { client: Client; maxAttempts: number } {
  const settings = awsSettings(call, env);
  // A create with no idempotency token goes out once: a second attempt after a lost answer would make
  // a second one. The engine re-sends it only after asking whether the first landed (engine/send.ts).
  if (call.mutating && !call.idempotencyToken) settings.maxAttempts = 1;
  const secret = settings.credentials ? createHash('sha256').update(JSON.stringify(settings.credentials)).digest('hex') : '';
  const timeouts = [call.timeouts?.connect, call.timeouts?.read].join(',');
  const key = [call.packageName, settings.region, settings.endpoint, settings.profile, secret, timeouts, settings.maxAttempts, settings.retryMode].join('|');
  let client = clients.get(key);
  if (!client) {
    // Everything explicit: the SDK would otherwise read this process's AWS_REGION, AWS_ENDPOINT_URL…
    const config: Record<string, unknown> = {
      region: settings.region,
      ignoreConfiguredEndpointUrls: true,
      maxAttempts: settings.maxAttempts,
      retryMode: settings.retryMode,
    };
    if (settings.endpoint) config.endpoint = settings.endpoint;
    if (settings.credentials) config.credentials = settings.credentials;
    else config.profile = settings.profile;
    // The CLI's socket timeouts: 60 s each unless given, 0 for none.
    const ms = (seconds: number | undefined) => (seconds ?? 60) * 1000;
    config.requestHandler = { connectionTimeout: ms(call.timeouts?.connect), requestTimeout: ms(call.timeouts?.read) };
    client = new Client(config);
    clients.set(key, client);
  }
  return { client, maxAttempts: settings.maxAttempts };
}

/** A UUID (the form every AWS idempotency token accepts) made from the call's key. */
function tokenFrom(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Destroys the cached clients (their sockets), e.g. at the end of a run or a test file. */
export function closeAwsClients(): void {
  for (const client of clients.values()) client.destroy();
  clients.clear();
}

interface Sent {
  output: Record<string, unknown>;
  raw?: RawResponse;
}

type Middleware = (next: (args: unknown) => Promise<{ response: unknown }>) => (args: unknown) => Promise<{ response: unknown }>;

async function sendOne(
  client: Client,
  Command: ReturnType<typeof commandClass>,
  input: Record<string, unknown>,
  protocol: string,
  captureBody: boolean,
  signal: AbortSignal | undefined,
  failure: Pick<SentRequest, 'operation' | 'maxAttempts'>,
): Promise<Sent> {
  const command = new Command(input) as unknown as { middlewareStack: { add(m: Middleware, o: object): void } };
  let raw: RawResponse | undefined;
  const sent: SentRequest = { ...failure, protocol };
  // Below the deserializer (same step, lower priority): the request as sent, the response as received;
  // the body is buffered (an error's always), its text kept, the bytes handed on.
  command.middlewareStack.add(
    (next) => async (args) => {
      sent.url = requestUrl((args as { request?: unknown }).request);
      const result = await next(args);
      const response = result.response as { body?: unknown; headers?: Record<string, string>; statusCode?: number };
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(response?.headers ?? {})) headers[k.toLowerCase()] = String(v);
      const status = response?.statusCode ?? 200;
      let body: string | undefined;
      if ((captureBody || status >= 300) && response && response.body != null) {
        const bytes = await collect(response.body);
        response.body = bytes;
        body = new TextDecoder('utf-8').decode(bytes);
      }
      raw = { protocol, body, headers };
      sent.response = { status, headers, body: body ?? '' };
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'runbookRawResponseCapture' },
  );
  try {
    const output = (await client.send(command, { abortSignal: signal })) as Record<string, unknown>;
    return { output, raw };
  } catch (error) {
    throw attachFailure(error, sent);
  }
}

/** The request's URL as botocore prints it in connection errors. */
function requestUrl(request: unknown): string | undefined {
  const r = request as { protocol?: string; hostname?: string; port?: number; path?: string; query?: Record<string, string | string[] | null> } | undefined;
  if (!r?.hostname) return undefined;
  const query = Object.entries(r.query ?? {})
    .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]))
    .map(([k, v]) => (v === null || v === undefined ? encodeURIComponent(k!) : `${encodeURIComponent(k!)}=${encodeURIComponent(v)}`))
    .join('&');
  return `${r.protocol ?? 'https:'}//${r.hostname}${r.port ? `:${r.port}` : ''}${r.path ?? '/'}${query ? `?${query}` : ''}`;
}

async function collect(body: unknown): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return new TextEncoder().encode(body);
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    chunks.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function stripMetadata(output: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...output };
  delete rest.$metadata;
  return rest;
}

/** Sends the call (all pages unless `paginate` is false) and returns the SDK output without `$metadata`. */
export async function sendAwsCall(call: AwsCall, options: SendOptions = {}): Promise<Record<string, unknown>> {
  const pkg = await loadServicePackage({ service: call.service, packageName: call.packageName });
  const ops = serviceOperations(pkg);
  const Command = commandClass(pkg, call.operation);
  const modelKey = `${call.packageName}#${call.operation}`;
  let model = models.get(modelKey);
  if (!model) {
    model = operationModel(Command);
    if (!model) throw new Error(`${call.serviceId}.${call.operation} has no schema in ${call.packageName}`);
    models.set(modelKey, model);
  }
  const { client, maxAttempts } = clientFor(ops.Client, call, options.env ?? process.env);
  const failure = { operation: model.name, maxAttempts };
  const protocol = String((client.config.protocol as { getShapeId?: () => string } | undefined)?.getShapeId?.() ?? '');
  const streaming = streamingOutputMember(model.output);
  const ctx: ViewContext = { packageName: call.packageName, iam: call.packageName === '@aws-sdk/client-iam' };

  const hooks: HookState = {};
  const baseInput = beforeSend(call, { ...call.input }, hooks);
  // The same token for every attempt of this call, in this run or a resumed one: the service then
  // makes it once however many times it arrives.
  if (call.mutating && call.idempotencyToken && baseInput[call.idempotencyToken] === undefined && options.idempotencyKey) {
    baseInput[call.idempotencyToken] = tokenFrom(options.idempotencyKey);
  }

  if (!call.paginate || !call.pagination) {
    const { output, raw } = await sendOne(client, Command, baseInput, protocol, !streaming, options.signal, failure);
    const result = stripMetadata(output);
    if (streaming && result[streaming] !== undefined) {
      if (call.outfile) await pipeline(result[streaming] as NodeJS.ReadableStream, createWriteStream(call.outfile));
      // The CLI writes the payload to outfile and prints the rest.
      if (call.outfile) delete result[streaming];
    }
    const viewSource = { ...result };
    if (streaming) delete viewSource[streaming];
    const view = cliView(viewSource, model.output, raw, ctx);
    afterReceive(call, result, view, hooks);
    attachView(result, { full: view });
    return printable(result, call);
  }

  const paging = call.pagination;
  const keys: PageKeys = paging;
  const input: Record<string, unknown> = { ...baseInput };
  // botocore's next_token: one entry per input token, None until a page provides one.
  let token: Record<string, unknown> = Object.fromEntries(paging.inputTokens.map((t) => [t, null]));
  let skip = 0;
  if (paging.startingToken !== undefined) {
    const decoded = decodeToken(paging.startingToken);
    if (decoded) {
      token = decoded.token;
      skip = decoded.skip;
    } else {
      token = { [paging.inputTokens[0]]: paging.startingToken };
    }
    injectToken(input, token);
  }
  if (paging.pageSize !== undefined && paging.limitKey) input[paging.limitKey] = paging.pageSize;

  const outputs: Record<string, unknown>[] = [];
  const views: Record<string, unknown>[] = [];
  let previous: string | undefined;
  let total = 0;
  let resumeToken: string | undefined;
  for (let first = true; ; first = false) {
    const { output, raw } = await sendOne(client, Command, { ...input }, protocol, true, options.signal, failure);
    const sdkPage = stripMetadata(output);
    const view = cliView(sdkPage, model.output, raw, ctx);
    afterReceive(call, sdkPage, view, hooks);
    const next = nextToken(view, paging);
    if (first && skip > 0) resumeFrom(skip, [view, sdkPage], keys);
    const count = primaryItems(view, keys)?.length ?? 0;
    if (paging.maxItems !== undefined && total + count > paging.maxItems) {
      const keep = paging.maxItems - total;
      truncatePrimary(keep, [view, sdkPage], keys);
      resumeToken = encodeToken({ ...token, boto_truncate_amount: keep + (first ? skip : 0) });
      outputs.push(sdkPage);
      views.push(view);
      break;
    }
    outputs.push(sdkPage);
    views.push(view);
    total += count;
    if (Object.values(next).every((t) => t === null)) break;
    if (paging.maxItems !== undefined && total === paging.maxItems) {
      resumeToken = encodeToken(next);
      break;
    }
    const signature = JSON.stringify(next);
    if (previous === signature) throw new Error(`The same next token was received twice: ${signature}`);
    previous = signature;
    token = next;
    injectToken(input, token);
  }

  const result = mergeSdkPages(outputs, keys, paging.outputTokens);
  if (resumeToken !== undefined) result.NextToken = resumeToken;
  attachView(result, {
    full: buildFullResult(views, keys, resumeToken),
    textPages: textPages(views, keys, resumeToken),
  });
  return printable(result, call);
}

/** An AWS_DEFAULT_OUTPUT the CLI does not know fails only when it prints, after the call is made. */
function printable(result: Record<string, unknown>, call: AwsCall): Record<string, unknown> {
  if (call.badOutput !== undefined) throw new AwsCliError(`Unknown output type: ${call.badOutput}`, 'exception');
  return result;
}

/** `_get_next_token`: nothing when the more-results flag is false, else each output expression's value or null. */
function nextToken(page: Record<string, unknown>, paging: PaginationModel): Record<string, unknown> {
  if (paging.moreResults && !searchQuery(page, paging.moreResults)) return {};
  const next: Record<string, unknown> = {};
  paging.outputTokens.forEach((expression, i) => {
    const value = searchQuery(page, expression);
    next[paging.inputTokens[i]] = value === null || value === '' || value === false ? null : value;
  });
  return next;
}

function injectToken(input: Record<string, unknown>, token: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(token)) {
    if (value !== null && value !== 'None') input[name] = value;
    else delete input[name];
  }
}

/** First page of a resumed listing: drop the items already returned, empty the other result keys. */
function resumeFrom(skip: number, pages: Record<string, unknown>[], keys: PageKeys): void {
  for (const page of pages) {
    const [primary, ...others] = keys.resultKeys;
    const items = primary ? getPath(page, primary) : undefined;
    if (Array.isArray(items) || typeof items === 'string') setPath(page, primary, items.slice(skip));
    for (const key of others) {
      const sample = getPath(page, key);
      setPath(page, key, Array.isArray(sample) ? [] : typeof sample === 'string' ? '' : typeof sample === 'number' ? sample : null);
    }
  }
}

function truncatePrimary(keep: number, pages: Record<string, unknown>[], keys: PageKeys): void {
  const primary = keys.resultKeys[0];
  if (!primary) return;
  for (const page of pages) {
    const items = getPath(page, primary);
    if (Array.isArray(items)) setPath(page, primary, items.slice(0, keep));
  }
}

/** SDK-typed merge for the engine: the first page with every result key concatenated, no page token. */
function mergeSdkPages(pages: Record<string, unknown>[], keys: PageKeys, outputTokens: string[]): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...(pages[0] ?? {}) };
  for (const expression of outputTokens) delete merged[expression];
  for (const key of keys.resultKeys) {
    if (key.includes('.')) continue;
    const values = pages.map((p) => p[key]).filter((v) => v !== undefined);
    if (values.length === 0) continue;
    if (values.every(Array.isArray)) merged[key] = (values as unknown[][]).flat();
    else if (values.every((v) => v && typeof v === 'object')) merged[key] = Object.assign({}, ...values);
  }
  return merged;
}

export { CLI_VIEW };
