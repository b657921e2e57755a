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
//   INVALID_ARGUMENT 3, ABORTED 10)
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as GrpcJs from '@grpc/grpc-js';
import type * as ProtoLoader from '@grpc/proto-loader';
import type { ServerHandle } from './http.js';

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
  /** gRPC status code the call ended with (0 = OK). */
  code: number;
}

export class KmsState {
  readonly keyRings = new Map<string, KmsKeyRing>();
  readonly cryptoKeys = new Map<string, Obj>();
  readonly policies = new Map<string, KmsPolicy>();
  readonly calls: KmsCall[] = [];
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

export async function startGcpKms(options: GcpKmsOptions = {}): Promise<ServerHandle<KmsState>> {
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

  const wrap = (impl: Record<string, (req: Obj) => Obj>) => {
    const out: GrpcJs.UntypedServiceImplementation = {};
    for (const [method, fn] of Object.entries(impl)) {
      out[method] = (call: GrpcJs.ServerUnaryCall<Obj, Obj>, callback: GrpcJs.sendUnaryData<Obj>) => {
        const record: KmsCall = { method, request: call.request, routing: String(call.metadata.get('x-goog-request-params')[0] ?? ''), code: 0 };
        state.calls.push(record);
        try {
          callback(null, fn(call.request));
        } catch (e) {
          const err = e instanceof RpcError ? e : new RpcError(grpc.status.INTERNAL, String(e));
          record.code = err.code;
          callback({ code: err.code, details: err.message, metadata: new grpc.Metadata() } as GrpcJs.ServiceError, null);
        }
      };
    }
    return out;
  };

  const server = new grpc.Server();
  server.addService(kmsDef.google.cloud.kms.v1.KeyManagementService.service, wrap(kms));
  server.addService(iamDef.google.iam.v1.IAMPolicy.service, wrap(iam));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    url: `127.0.0.1:${port}`,
    port,
    state,
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 500).unref();
      }),
  };
}

function publicKey(k: Obj): Obj {
  const { versions: _v, ...rest } = k;
  return rest;
}
