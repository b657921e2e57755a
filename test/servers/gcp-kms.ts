// Cloud KMS (google.cloud.kms.v1.KeyManagementService + the google.iam.v1.IAMPolicy mixin) over real gRPC, for tests.
// Follows:
// - The service definition shipped in @google-cloud/kms (build/protos/google/cloud/kms/v1/service.proto,
//   resources.proto) and google-gax (build/protos/google/iam/v1/iam_policy.proto, policy.proto), loaded with
//   @grpc/proto-loader and served with @grpc/grpc-js (both dependencies of google-gax).
// - REST reference for semantics: https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings
//   (create: ALREADY_EXISTS when the id is taken; keyRingId/cryptoKeyId match [a-zA-Z0-9_-]{1,63}; parent must exist)
//   https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings.cryptoKeys (primary version for
//   ENCRYPT_DECRYPT keys, versionTemplate defaults, destroyScheduledDuration 30 days)
// - IAM policies and etags: https://cloud.google.com/iam/docs/policies#etag (stale etag → ABORTED, code 10)
// - gRPC status codes: https://grpc.github.io/grpc/core/md_doc_statuscodes.html (NOT_FOUND 5, ALREADY_EXISTS 6,
//   INVALID_ARGUMENT 3, PERMISSION_DENIED 7, ABORTED 10)
// - The same service over REST (what the gcloud CLI calls, cloudkms v1): https://cloud.google.com/kms/docs/reference/rest
//   and the HTTP mapping of the gRPC transcoding rules (google/api/http.proto): proto3 JSON bodies (Timestamps as RFC 3339,
//   Durations as "Ns", bytes as base64), errors as {error: {code, message, status}} with the HTTP status of
//   https://cloud.google.com/apis/design/errors#handling_errors.
// - Permissions: https://cloud.google.com/kms/docs/reference/permissions-and-roles ("Permission 'cloudkms.keyRings.get'
//   denied on resource '…' (or it may not exist).")
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as GrpcJs from '@grpc/grpc-js';
import type * as ProtoLoader from '@grpc/proto-loader';
import http from 'node:http';
import { jsonResponse, listen, nodeListener, type ServerHandle, type SimpleRequest, type SimpleResponse } from './http.js';

type Obj = Record<string, any>;

// Load grpc-js and proto-loader the way the client does: from google-gax, the dependency of @google-cloud/kms.
const requireHere = createRequire(import.meta.url);
const kmsMain = requireHere.resolve('@google-cloud/kms');
const kmsRequire = createRequire(kmsMain);
const gaxMain = kmsRequire.resolve('google-gax');
const gaxRequire = createRequire(gaxMain);
const grpc = gaxRequire('@grpc/grpc-js') as typeof GrpcJs;
const protoLoader = gaxRequire('@grpc/proto-loader') as typeof ProtoLoader;
const KMS_PROTOS = join(dirname(kmsMain), '..', 'protos');
const GAX_PROTOS = join(dirname(gaxMain), '..', 'protos');

export interface KmsKeyRing {
  name: string;
  createTime: { seconds: number; nanos: number };
}

export interface KmsPolicy {
  version: number;
  bindings: { role: string; members: string[]; condition?: Obj }[];
  etag: Buffer;
}

export interface KmsCall {
  method: string;
  request: Obj;
  /** The x-goog-request-params routing header the client sent. */
  routing?: string;
  /** How it came: gRPC (the client library) or REST (the gcloud CLI). */
  via?: 'grpc' | 'rest';
  /** gRPC status code the call ended with (0 = OK). */
  code: number;
}

export class KmsState {
  readonly keyRings = new Map<string, KmsKeyRing>();
  readonly cryptoKeys = new Map<string, Obj>();
  readonly policies = new Map<string, KmsPolicy>();
  readonly calls: KmsCall[] = [];
  /** Permissions the caller lacks (`cloudkms.keyRings.create`): calls needing one are PERMISSION_DENIED. */
  readonly denied = new Set<string>();
  constructor(readonly knownServiceAccount?: (email: string) => boolean) {}

  policy(resource: string): KmsPolicy {
    return this.policies.get(resource) ?? { version: 1, bindings: [], etag: Buffer.from([0x00, 0x20, 0x01]) };
  }

  /** Members bound to a role on a key ring or crypto key. */
  members(resource: string, role: string): string[] {
    return this.policy(resource).bindings.find((b) => b.role === role)?.members ?? [];
  }
}

export interface GcpKmsOptions {
  /**
   * When set, `serviceAccount:` members in SetIamPolicy must satisfy it (as real IAM rejects unknown service
   * accounts with INVALID_ARGUMENT). Pass `(email) => iam.state.has(email)` to tie it to the IAM test server.
   */
  knownServiceAccount?: (email: string) => boolean;
}

class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const ID = /^[a-zA-Z0-9_-]{1,63}$/;
const LOCATION = /^projects\/[^/]+\/locations\/[^/]+$/;
const KEY_RING = /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+$/;
const CRYPTO_KEY = /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/;
const MEMBER = /^(allUsers|allAuthenticatedUsers|(user|serviceAccount|group|domain|principal|principalSet|projectOwner|projectEditor|projectViewer|deleted:user|deleted:serviceAccount|deleted:group):.+)$/;

function now(): { seconds: number; nanos: number } {
  const ms = Date.now();
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

function page<T>(items: T[], req: Obj): { items: T[]; nextPageToken: string; totalSize: number } {
  const size = Number(req.pageSize ?? 0) > 0 ? Number(req.pageSize) : 1000;
  const start = req.pageToken ? Number(Buffer.from(String(req.pageToken), 'base64').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) throw new RpcError(grpc.status.INVALID_ARGUMENT, 'Invalid page token.');
  const slice = items.slice(start, start + size);
  const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64') : '';
  return { items: slice, nextPageToken: next, totalSize: items.length };
}

function defaultAlgorithm(purpose: string): string | undefined {
  switch (purpose) {
    case 'ENCRYPT_DECRYPT':
      return 'GOOGLE_SYMMETRIC_ENCRYPTION';
    case 'MAC':
      return 'HMAC_SHA256';
    case 'RAW_ENCRYPT_DECRYPT':
      return 'AES_256_GCM';
    default:
      return undefined;
  }
}

export async function startGcpKms(options: GcpKmsOptions = {}): Promise<GcpKmsServer> {
  const state = new KmsState(options.knownServiceAccount);
  const loadOpts: ProtoLoader.Options = { keepCase: false, longs: Number, enums: String, defaults: false, oneofs: true, includeDirs: [KMS_PROTOS, GAX_PROTOS] };
  const kmsDef = grpc.loadPackageDefinition(await protoLoader.load('google/cloud/kms/v1/service.proto', loadOpts)) as any;
  const iamDef = grpc.loadPackageDefinition(await protoLoader.load('google/iam/v1/iam_policy.proto', loadOpts)) as any;

  const resourceExists = (name: string) => {
    if (CRYPTO_KEY.test(name)) {
      if (!state.cryptoKeys.has(name)) throw new RpcError(grpc.status.NOT_FOUND, `CryptoKey ${name} not found.`);
    } else if (KEY_RING.test(name)) {
      if (!state.keyRings.has(name)) throw new RpcError(grpc.status.NOT_FOUND, `KeyRing ${name} not found.`);
    } else throw new RpcError(grpc.status.INVALID_ARGUMENT, `Resource name [${name}] does not match any known resource name pattern.`);
  };

  const kms: Record<string, (req: Obj) => Obj> = {
    CreateKeyRing(req) {
      const parent = String(req.parent ?? '');
      if (!LOCATION.test(parent)) throw new RpcError(grpc.status.INVALID_ARGUMENT, `Resource name [${parent}] does not match any known resource name pattern.`);
      if (!ID.test(String(req.keyRingId ?? '')))
        throw new RpcError(grpc.status.INVALID_ARGUMENT, `Invalid key ring id: must match [a-zA-Z0-9_-]{1,63}; got "${req.keyRingId ?? ''}".`);
      const name = `${parent}/keyRings/${req.keyRingId}`;
      if (state.keyRings.has(name)) throw new RpcError(grpc.status.ALREADY_EXISTS, `KeyRing ${name} already exists.`);
      const kr: KmsKeyRing = { name, createTime: now() };
      state.keyRings.set(name, kr);
      return kr;
    },
    GetKeyRing(req) {
      const kr = state.keyRings.get(String(req.name ?? ''));
      if (!kr) throw new RpcError(grpc.status.NOT_FOUND, `KeyRing ${req.name} not found.`);
      return kr;
    },
    ListKeyRings(req) {
      const parent = String(req.parent ?? '');
      if (!LOCATION.test(parent)) throw new RpcError(grpc.status.INVALID_ARGUMENT, `Resource name [${parent}] does not match any known resource name pattern.`);
      const all = [...state.keyRings.values()].filter((k) => k.name.startsWith(`${parent}/keyRings/`)).sort((a, b) => a.name.localeCompare(b.name));
      const p = page(all, req);
      return { keyRings: p.items, nextPageToken: p.nextPageToken, totalSize: p.totalSize };
    },
    CreateCryptoKey(req) {
      const parent = String(req.parent ?? '');
      if (!KEY_RING.test(parent)) throw new RpcError(grpc.status.INVALID_ARGUMENT, `Resource name [${parent}] does not match any known resource name pattern.`);
      if (!state.keyRings.has(parent)) throw new RpcError(grpc.status.NOT_FOUND, `KeyRing ${parent} not found.`);
      if (!ID.test(String(req.cryptoKeyId ?? '')))
        throw new RpcError(grpc.status.INVALID_ARGUMENT, `Invalid crypto key id: must match [a-zA-Z0-9_-]{1,63}; got "${req.cryptoKeyId ?? ''}".`);
      const name = `${parent}/cryptoKeys/${req.cryptoKeyId}`;
      if (state.cryptoKeys.has(name)) throw new RpcError(grpc.status.ALREADY_EXISTS, `CryptoKey ${name} already exists.`);
      const ck: Obj = req.cryptoKey ?? {};
      const purpose = ck.purpose && ck.purpose !== 'CRYPTO_KEY_PURPOSE_UNSPECIFIED' ? String(ck.purpose) : '';
      if (!purpose) throw new RpcError(grpc.status.INVALID_ARGUMENT, 'The request must specify a valid purpose.');
      const algorithm = ck.versionTemplate?.algorithm && ck.versionTemplate.algorithm !== 'CRYPTO_KEY_VERSION_ALGORITHM_UNSPECIFIED' ? ck.versionTemplate.algorithm : defaultAlgorithm(purpose);
      if (!algorithm) throw new RpcError(grpc.status.INVALID_ARGUMENT, `The request must specify version_template.algorithm for purpose ${purpose}.`);
      const protectionLevel = ck.versionTemplate?.protectionLevel && ck.versionTemplate.protectionLevel !== 'PROTECTION_LEVEL_UNSPECIFIED' ? ck.versionTemplate.protectionLevel : 'SOFTWARE';
      const t = now();
      const key: Obj = {
        name,
        purpose,
        createTime: t,
        versionTemplate: { protectionLevel, algorithm },
        labels: ck.labels ?? {},
        destroyScheduledDuration: ck.destroyScheduledDuration ?? { seconds: 2592000, nanos: 0 },
        ...(ck.rotationPeriod ? { rotationPeriod: ck.rotationPeriod } : {}),
        ...(ck.nextRotationTime ? { nextRotationTime: ck.nextRotationTime } : {}),
        ...(ck.importOnly ? { importOnly: true } : {}),
      };
      if (!req.skipInitialVersionCreation && !ck.importOnly) {
        const version = { name: `${name}/cryptoKeyVersions/1`, state: 'ENABLED', protectionLevel, algorithm, createTime: t, generateTime: t };
        if (purpose === 'ENCRYPT_DECRYPT') key.primary = version;
        key.versions = [version];
      }
      state.cryptoKeys.set(name, key);
      return publicKey(key);
    },
    GetCryptoKey(req) {
      const k = state.cryptoKeys.get(String(req.name ?? ''));
      if (!k) throw new RpcError(grpc.status.NOT_FOUND, `CryptoKey ${req.name} not found.`);
      return publicKey(k);
    },
    ListCryptoKeys(req) {
      const parent = String(req.parent ?? '');
      if (!KEY_RING.test(parent)) throw new RpcError(grpc.status.INVALID_ARGUMENT, `Resource name [${parent}] does not match any known resource name pattern.`);
      if (!state.keyRings.has(parent)) throw new RpcError(grpc.status.NOT_FOUND, `KeyRing ${parent} not found.`);
      const all = [...state.cryptoKeys.values()].filter((k) => k.name.startsWith(`${parent}/cryptoKeys/`)).sort((a, b) => a.name.localeCompare(b.name));
      const p = page(all, req);
      return { cryptoKeys: p.items.map(publicKey), nextPageToken: p.nextPageToken, totalSize: p.totalSize };
    },
    GetCryptoKeyVersion(req) {
      const name = String(req.name ?? '');
      const key = state.cryptoKeys.get(name.replace(/\/cryptoKeyVersions\/[^/]+$/, ''));
      const v = key?.versions?.find((x: Obj) => x.name === name);
      if (!v) throw new RpcError(grpc.status.NOT_FOUND, `CryptoKeyVersion ${name} not found.`);
      return v;
    },
  };

  const iam: Record<string, (req: Obj) => Obj> = {
    GetIamPolicy(req) {
      const resource = String(req.resource ?? '');
      resourceExists(resource);
      return state.policy(resource);
    },
    SetIamPolicy(req) {
      const resource = String(req.resource ?? '');
      resourceExists(resource);
      const p: Obj = req.policy ?? {};
      const current = state.policy(resource);
      const etag: Buffer | undefined = p.etag && Buffer.from(p.etag).length ? Buffer.from(p.etag) : undefined;
      if (etag && !etag.equals(current.etag))
        throw new RpcError(grpc.status.ABORTED, 'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.');
      const bindings: KmsPolicy['bindings'] = [];
      for (const b of (p.bindings ?? []) as Obj[]) {
        const role = String(b.role ?? '');
        if (!/^(roles\/|projects\/[^/]+\/roles\/|organizations\/[^/]+\/roles\/)/.test(role))
          throw new RpcError(grpc.status.INVALID_ARGUMENT, `Role (${role}) does not exist in the resource's hierarchy.`);
        const members = [...new Set<string>((b.members ?? []).map(String))];
        for (const m of members) {
          if (!MEMBER.test(m)) throw new RpcError(grpc.status.INVALID_ARGUMENT, `Invalid member: ${m}`);
          if (m.startsWith('serviceAccount:') && state.knownServiceAccount && !m.includes('.svc.id.goog[') && !state.knownServiceAccount(m.slice('serviceAccount:'.length)))
            throw new RpcError(grpc.status.INVALID_ARGUMENT, `Service account ${m.slice('serviceAccount:'.length)} does not exist.`);
        }
        if (members.length) bindings.push({ role, members, ...(b.condition ? { condition: b.condition } : {}) });
      }
      const policy: KmsPolicy = { version: Number(p.version) || 1, bindings, etag: randomBytes(8) };
      state.policies.set(resource, policy);
      return policy;
    },
  };

  /** The permission each method needs, on which resource (a key ring's or key's policy methods by the resource's kind). */
  const permission: Record<string, (req: Obj) => [string, string]> = {
    CreateKeyRing: (r) => ['cloudkms.keyRings.create', String(r.parent ?? '')],
    GetKeyRing: (r) => ['cloudkms.keyRings.get', String(r.name ?? '')],
    ListKeyRings: (r) => ['cloudkms.keyRings.list', String(r.parent ?? '')],
    CreateCryptoKey: (r) => ['cloudkms.cryptoKeys.create', String(r.parent ?? '')],
    GetCryptoKey: (r) => ['cloudkms.cryptoKeys.get', String(r.name ?? '')],
    ListCryptoKeys: (r) => ['cloudkms.cryptoKeys.list', String(r.parent ?? '')],
    GetCryptoKeyVersion: (r) => ['cloudkms.cryptoKeyVersions.get', String(r.name ?? '')],
    GetIamPolicy: (r) => [`cloudkms.${CRYPTO_KEY.test(String(r.resource)) ? 'cryptoKeys' : 'keyRings'}.getIamPolicy`, String(r.resource ?? '')],
    SetIamPolicy: (r) => [`cloudkms.${CRYPTO_KEY.test(String(r.resource)) ? 'cryptoKeys' : 'keyRings'}.setIamPolicy`, String(r.resource ?? '')],
  };

  /** One call, whichever transport brought it: checked, answered, recorded. */
  const dispatch = (method: string, fn: (req: Obj) => Obj, request: Obj, record: Omit<KmsCall, 'method' | 'request' | 'code'>): Obj => {
    const entry: KmsCall = { method, request, ...record, code: 0 };
    state.calls.push(entry);
    try {
      const [needed, resource] = permission[method]?.(request) ?? ['', ''];
      if (state.denied.has(needed)) throw new RpcError(grpc.status.PERMISSION_DENIED, `Permission '${needed}' denied on resource '${resource}' (or it may not exist).`);
      return fn(request);
    } catch (e) {
      const err = e instanceof RpcError ? e : new RpcError(grpc.status.INTERNAL, String(e));
      entry.code = err.code;
      throw err;
    }
  };

  const wrap = (impl: Record<string, (req: Obj) => Obj>) => {
    const out: GrpcJs.UntypedServiceImplementation = {};
    for (const [method, fn] of Object.entries(impl)) {
      out[method] = (call: GrpcJs.ServerUnaryCall<Obj, Obj>, callback: GrpcJs.sendUnaryData<Obj>) => {
        try {
          callback(null, dispatch(method, fn, call.request, { via: 'grpc', routing: String(call.metadata.get('x-goog-request-params')[0] ?? '') }));
        } catch (e) {
          const err = e as RpcError;
          callback({ code: err.code, details: err.message, metadata: new grpc.Metadata() } as GrpcJs.ServiceError, null);
        }
      };
    }
    return out;
  };

  // ---- REST (cloudkms v1), for the gcloud CLI ----

  const rest = restRoutes(kms, iam);
  const restHandler = (req: SimpleRequest): SimpleResponse => {
    const u = new URL(req.url, 'http://127.0.0.1');
    const path = decodeURIComponent(u.pathname);
    const route = rest.find((r) => r.method === req.method && r.path.test(path));
    if (!route) return restError(404, 'NOT_FOUND', `The requested URL ${u.pathname} was not found on this server.`);
    let body: Obj = {};
    try {
      body = req.body.length ? (JSON.parse(req.body.toString('utf8')) as Obj) : {};
    } catch {
      return restError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    }
    const match = route.path.exec(path)!;
    try {
      const request = route.request(match, u.searchParams, body);
      return jsonResponse(200, toRestJson(dispatch(route.rpc, route.fn, request, { via: 'rest' })));
    } catch (e) {
      const err = e as RpcError;
      const [status, httpCode] = HTTP_OF[err.code] ?? ['INTERNAL', 500];
      return restError(httpCode, status, err.message);
    }
  };
  const restServer = http.createServer(nodeListener(restHandler));
  const restListener = await listen(restServer);

  const server = new grpc.Server();
  server.addService(kmsDef.google.cloud.kms.v1.KeyManagementService.service, wrap(kms));
  server.addService(iamDef.google.iam.v1.IAMPolicy.service, wrap(iam));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    url: `127.0.0.1:${port}`,
    port,
    restUrl: restListener.url,
    state,
    stop: async () => {
      await Promise.all([
        restListener.close(),
        new Promise<void>((resolve) => {
          server.tryShutdown(() => resolve());
          setTimeout(() => {
            server.forceShutdown();
            resolve();
          }, 500).unref();
        }),
      ]);
    },
  };
}

/** The KMS server's handle: gRPC on `port` (the client library), REST on `restUrl` (the gcloud CLI). */
export interface GcpKmsServer extends ServerHandle<KmsState> {
  restUrl: string;
}

// ---------------------------------------------------------------------------------------------------------------
// REST transcoding (google/api/http.proto rules as the cloudkms v1 service declares them)
// ---------------------------------------------------------------------------------------------------------------

interface RestRoute {
  method: string;
  path: RegExp;
  rpc: string;
  fn: (req: Obj) => Obj;
  request: (m: RegExpExecArray, q: URLSearchParams, body: Obj) => Obj;
}

const SEG = '[^/:]+';
const RING = `projects/${SEG}/locations/${SEG}/keyRings/${SEG}`;
const KEY = `${RING}/cryptoKeys/${SEG}`;

function restRoutes(kms: Record<string, (req: Obj) => Obj>, iam: Record<string, (req: Obj) => Obj>): RestRoute[] {
  const at = (p: string) => new RegExp(`^/v1/${p}$`);
  const page = (q: URLSearchParams) => ({
    ...(q.get('pageSize') ? { pageSize: Number(q.get('pageSize')) } : {}),
    ...(q.get('pageToken') ? { pageToken: q.get('pageToken') } : {}),
  });
  return [
    { method: 'POST', path: at(`(projects/${SEG}/locations/${SEG})/keyRings`), rpc: 'CreateKeyRing', fn: kms.CreateKeyRing!, request: (m, q, b) => ({ parent: m[1], keyRingId: q.get('keyRingId') ?? '', keyRing: fromRestJson(b) }) },
    { method: 'GET', path: at(`(${RING})`), rpc: 'GetKeyRing', fn: kms.GetKeyRing!, request: (m) => ({ name: m[1] }) },
    { method: 'GET', path: at(`(projects/${SEG}/locations/${SEG})/keyRings`), rpc: 'ListKeyRings', fn: kms.ListKeyRings!, request: (m, q) => ({ parent: m[1], ...page(q) }) },
    {
      method: 'POST', path: at(`(${RING})/cryptoKeys`), rpc: 'CreateCryptoKey', fn: kms.CreateCryptoKey!,
      request: (m, q, b) => ({ parent: m[1], cryptoKeyId: q.get('cryptoKeyId') ?? '', cryptoKey: fromRestJson(b), skipInitialVersionCreation: q.get('skipInitialVersionCreation') === 'true' }),
    },
    { method: 'GET', path: at(`(${KEY})`), rpc: 'GetCryptoKey', fn: kms.GetCryptoKey!, request: (m) => ({ name: m[1] }) },
    { method: 'GET', path: at(`(${RING})/cryptoKeys`), rpc: 'ListCryptoKeys', fn: kms.ListCryptoKeys!, request: (m, q) => ({ parent: m[1], ...page(q) }) },
    { method: 'GET', path: at(`(${KEY}/cryptoKeyVersions/${SEG})`), rpc: 'GetCryptoKeyVersion', fn: kms.GetCryptoKeyVersion!, request: (m) => ({ name: m[1] }) },
    // GetIamPolicy is a GET with the policy version in the query; gcloud also POSTs it (the v1 surface allows both).
    ...['GET', 'POST'].map((method): RestRoute => ({
      method, path: at(`(${RING}|${KEY}):getIamPolicy`), rpc: 'GetIamPolicy', fn: iam.GetIamPolicy!,
      request: (m, q, b) => ({ resource: m[1], options: { requestedPolicyVersion: Number(q.get('options.requestedPolicyVersion') ?? (b.options as Obj | undefined)?.requestedPolicyVersion ?? 0) } }),
    })),
    { method: 'POST', path: at(`(${RING}|${KEY}):setIamPolicy`), rpc: 'SetIamPolicy', fn: iam.SetIamPolicy!, request: (m, _q, b) => ({ resource: m[1], policy: fromRestJson(b.policy ?? {}), ...(b.updateMask ? { updateMask: b.updateMask } : {}) }) },
  ];
}

/** gRPC code -> canonical status and HTTP status (https://cloud.google.com/apis/design/errors#handling_errors). */
const HTTP_OF: Record<number, [string, number]> = {
  3: ['INVALID_ARGUMENT', 400], 5: ['NOT_FOUND', 404], 6: ['ALREADY_EXISTS', 409], 7: ['PERMISSION_DENIED', 403], 9: ['FAILED_PRECONDITION', 400],
  10: ['ABORTED', 409], 13: ['INTERNAL', 500], 16: ['UNAUTHENTICATED', 401],
};

function restError(code: number, status: string, message: string): SimpleResponse {
  return jsonResponse(code, { error: { code, message, status } });
}

const TIMESTAMPS = new Set(['createTime', 'generateTime', 'destroyTime', 'destroyEventTime', 'importTime', 'nextRotationTime']);
const DURATIONS = new Set(['rotationPeriod', 'destroyScheduledDuration']);
const MAPS = new Set(['labels']);

/** A proto message as the handlers hold it -> proto3 JSON (Timestamps, Durations, bytes as base64; int64 as strings are not used here). */
function toRestJson(v: unknown, key = ''): unknown {
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (Array.isArray(v)) return v.map((x) => toRestJson(x));
  if (v && typeof v === 'object') {
    const o = v as Obj;
    // The canonical forms: Z-normalized, 0, 3, 6 or 9 fractional digits (protobuf.dev/programming-guides/json).
    const digits = String(Number(o.nanos ?? 0)).padStart(9, '0');
    const fraction = /^0+$/.test(digits) ? '' : `.${digits.replace(/(000)+$/, '')}`;
    if (TIMESTAMPS.has(key)) return new Date(Number(o.seconds ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, `${fraction}Z`);
    if (DURATIONS.has(key)) return `${Number(o.seconds ?? 0)}${fraction}s`;
    // Proto3 JSON leaves out empty repeated and map fields (`bindings: []`, `labels: {}`).
    const empty = (k: string, x: unknown) => x === undefined || (Array.isArray(x) && !x.length) || (MAPS.has(k) && !Object.keys(x as Obj).length);
    return Object.fromEntries(Object.entries(o).filter(([k, x]) => !empty(k, x)).map(([k, x]) => [k, toRestJson(x, k)]));
  }
  return v;
}

/** Proto3 JSON from a REST body -> the shape the handlers take. */
function fromRestJson(v: unknown, key = ''): any {
  if (Array.isArray(v)) return v.map((x) => fromRestJson(x));
  if (typeof v === 'string') {
    if (TIMESTAMPS.has(key)) {
      const ms = Date.parse(v);
      return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
    }
    if (DURATIONS.has(key)) return { seconds: Number.parseFloat(v), nanos: 0 };
    if (key === 'etag') return Buffer.from(v, 'base64');
    return v;
  }
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, fromRestJson(x, k)]));
  return v;
}

function publicKey(k: Obj): Obj {
  const { versions: _v, ...rest } = k;
  return rest;
}
