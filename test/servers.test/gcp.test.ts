import * as grpc from '@grpc/grpc-js';
import { KeyManagementServiceClient } from '@google-cloud/kms';
import { iam, type iam_v1 } from '@googleapis/iam';
import { OAuth2Client, PassThroughClient } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordOutboundConnections } from '../servers/http.js';
import { startGcpIam } from '../servers/gcp-iam.js';
import { startGcpKms } from '../servers/gcp-kms.js';

// google-auth-library must never probe the GCE metadata server (169.254.169.254).
process.env.METADATA_SERVER_DETECTION = 'none';

// google-gax 5.0.8 and googleapis-common 8.0.3 pin google-auth-library 10.5.0, so a different top-level copy has
// nominally different classes: cast to the clients' own parameter types (same runtime objects).
type KmsAuth = NonNullable<ConstructorParameters<typeof KeyManagementServiceClient>[0]>['authClient'];
type IamAuth = iam_v1.Options['auth'];
// The generated KMS typings ask for the IAM request *classes* (with toJSON); plain objects work at run time.
type GetIamReq = Parameters<KeyManagementServiceClient['getIamPolicy']>[0];
type SetIamReq = Parameters<KeyManagementServiceClient['setIamPolicy']>[0];

type Iam = Awaited<ReturnType<typeof startGcpIam>>;
type Kms = Awaited<ReturnType<typeof startGcpKms>>;

let iamServer: Iam;
let kmsServer: Kms;
let kms: KeyManagementServiceClient;
let iamClient: iam_v1.Iam;
const outbound = recordOutboundConnections();

beforeAll(async () => {
  iamServer = await startGcpIam();
  kmsServer = await startGcpKms({ knownServiceAccount: (email) => iamServer.state.has(email) });
  kms = new KeyManagementServiceClient({
    apiEndpoint: '127.0.0.1',
    port: kmsServer.port,
    sslCreds: grpc.credentials.createInsecure(),
    authClient: new PassThroughClient() as unknown as KmsAuth,
  });
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: 'test-access-token' });
  iamClient = iam({ version: 'v1', rootUrl: `${iamServer.url}/`, auth: auth as unknown as IamAuth });
});

afterAll(async () => {
  await kms?.close();
  await kmsServer?.stop();
  await iamServer?.stop();
  outbound.restore();
});

async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('gcp-iam test server through @googleapis/iam', () => {
  it('creates a service account and answers 409 ALREADY_EXISTS the second time', async () => {
    const { data } = await iamClient.projects.serviceAccounts.create({
      name: 'projects/my-proj',
      requestBody: { accountId: 'vault-unseal', serviceAccount: { displayName: 'Vault auto-unseal', description: 'd' } },
    });
    expect(data).toMatchObject({
      name: 'projects/my-proj/serviceAccounts/vault-unseal@my-proj.iam.gserviceaccount.com',
      email: 'vault-unseal@my-proj.iam.gserviceaccount.com',
      projectId: 'my-proj',
      displayName: 'Vault auto-unseal',
    });
    expect(data.uniqueId).toMatch(/^\d{21}$/);
    expect(iamServer.state.requests[0].authorization).toBe('Bearer test-access-token');
    const e = await rejection(
      iamClient.projects.serviceAccounts.create({ name: 'projects/my-proj', requestBody: { accountId: 'vault-unseal', serviceAccount: {} } }),
    );
    expect(e.status).toBe(409);
    expect(e.response.data.error).toMatchObject({
      code: 409,
      status: 'ALREADY_EXISTS',
      message: 'Service account vault-unseal already exists within project projects/my-proj.',
      errors: [{ reason: 'alreadyExists' }],
    });
  });

  it('validates accountId (6-30 chars, RFC 1035)', async () => {
    for (const accountId of ['short', 'Upper-case1', 'ends-with-dash-', 'x'.repeat(31)]) {
      const e = await rejection(iamClient.projects.serviceAccounts.create({ name: 'projects/my-proj', requestBody: { accountId } }));
      expect(e.status).toBe(400);
      expect(e.response.data.error.status).toBe('INVALID_ARGUMENT');
    }
  });

  it('gets by email (also via projects/-) and 404s an unknown one', async () => {
    const { data } = await iamClient.projects.serviceAccounts.get({ name: 'projects/-/serviceAccounts/vault-unseal@my-proj.iam.gserviceaccount.com' });
    expect(data.email).toBe('vault-unseal@my-proj.iam.gserviceaccount.com');
    const e = await rejection(iamClient.projects.serviceAccounts.get({ name: 'projects/my-proj/serviceAccounts/nope-nope@my-proj.iam.gserviceaccount.com' }));
    expect(e.status).toBe(404);
    expect(e.response.data.error.status).toBe('NOT_FOUND');
  });

  it('get/set IAM policy with etag concurrency (stale etag → 409 ABORTED)', async () => {
    const resource = 'projects/my-proj/serviceAccounts/vault-unseal@my-proj.iam.gserviceaccount.com';
    const { data: p0 } = await iamClient.projects.serviceAccounts.getIamPolicy({ resource });
    expect(p0.etag).toBe('ACAB');
    const member = 'serviceAccount:my-proj.svc.id.goog[vault/vault]';
    const { data: p1 } = await iamClient.projects.serviceAccounts.setIamPolicy({
      resource,
      requestBody: { policy: { bindings: [{ role: 'roles/iam.workloadIdentityUser', members: [member] }], etag: p0.etag } },
    });
    expect(p1.bindings).toEqual([{ role: 'roles/iam.workloadIdentityUser', members: [member] }]);
    expect(p1.etag).not.toBe(p0.etag);
    expect(iamServer.state.members('vault-unseal@my-proj.iam.gserviceaccount.com', 'roles/iam.workloadIdentityUser')).toEqual([member]);
    const e = await rejection(iamClient.projects.serviceAccounts.setIamPolicy({ resource, requestBody: { policy: { bindings: [], etag: p0.etag } } }));
    expect(e.status).toBe(409);
    expect(e.response.data.error.status).toBe('ABORTED');
  });

  it('works with google-auth-library PassThroughClient (no Authorization header)', async () => {
    const client = iam({ version: 'v1', rootUrl: `${iamServer.url}/`, auth: new PassThroughClient() as unknown as IamAuth });
    const { data } = await client.projects.serviceAccounts.list({ name: 'projects/my-proj' });
    expect(data.accounts?.map((a) => a.email)).toEqual(['vault-unseal@my-proj.iam.gserviceaccount.com']);
    expect(iamServer.state.requests.at(-1)?.authorization).toBeUndefined();
  });
});

describe('gcp-kms test server through @google-cloud/kms (gRPC, insecure channel)', () => {
  const project = 'my-proj';
  it('creates a key ring; ALREADY_EXISTS (6) on the second create; NOT_FOUND (5) for a missing one', async () => {
    const [kr] = await kms.createKeyRing({ parent: kms.locationPath(project, 'global'), keyRingId: 'vault', keyRing: {} });
    expect(kr.name).toBe('projects/my-proj/locations/global/keyRings/vault');
    expect(Number(kr.createTime?.seconds)).toBeGreaterThan(0);
    const e = await rejection(kms.createKeyRing({ parent: kms.locationPath(project, 'global'), keyRingId: 'vault', keyRing: {} }));
    expect(e.code).toBe(6);
    expect(e.details).toBe('KeyRing projects/my-proj/locations/global/keyRings/vault already exists.');
    const nf = await rejection(kms.getKeyRing({ name: kms.keyRingPath(project, 'global', 'other') }));
    expect(nf.code).toBe(5);
    const [got] = await kms.getKeyRing({ name: kms.keyRingPath(project, 'global', 'vault') });
    expect(got.name).toBe(kr.name);
    const [rings] = await kms.listKeyRings({ parent: kms.locationPath(project, 'global') });
    expect(rings.map((r) => r.name)).toEqual([kr.name]);
  });

  it('creates an ENCRYPT_DECRYPT key with a primary version; 6 on re-create; 5 under a missing ring', async () => {
    const parent = kms.keyRingPath(project, 'global', 'vault');
    const [key] = await kms.createCryptoKey({
      parent,
      cryptoKeyId: 'vault-key',
      cryptoKey: { purpose: 'ENCRYPT_DECRYPT', versionTemplate: { algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION' } },
    });
    expect(key.name).toBe(kms.cryptoKeyPath(project, 'global', 'vault', 'vault-key'));
    expect(key.purpose).toBe('ENCRYPT_DECRYPT');
    expect(key.primary).toMatchObject({ name: `${key.name}/cryptoKeyVersions/1`, state: 'ENABLED', algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION' });
    expect((await rejection(kms.createCryptoKey({ parent, cryptoKeyId: 'vault-key', cryptoKey: { purpose: 'ENCRYPT_DECRYPT' } }))).code).toBe(6);
    expect((await rejection(kms.createCryptoKey({ parent: kms.keyRingPath(project, 'global', 'none'), cryptoKeyId: 'k', cryptoKey: { purpose: 'ENCRYPT_DECRYPT' } }))).code).toBe(5);
    expect((await rejection(kms.createCryptoKey({ parent, cryptoKeyId: 'k2', cryptoKey: {} }))).code).toBe(3);
    const [got] = await kms.getCryptoKey({ name: key.name! });
    expect(got.purpose).toBe('ENCRYPT_DECRYPT');
    const [keys] = await kms.listCryptoKeys({ parent });
    expect(keys.map((k) => k.name)).toEqual([key.name]);
    expect(kmsServer.state.calls.find((c) => c.method === 'CreateCryptoKey')?.routing).toBe(`parent=${encodeURIComponent(parent)}`);
  });

  it('IAM policy on the key: add a binding with the etag; a stale etag is ABORTED (10)', async () => {
    const resource = kms.cryptoKeyPath(project, 'global', 'vault', 'vault-key');
    const [p0] = await kms.getIamPolicy({ resource } as GetIamReq);
    expect(p0.bindings).toEqual([]);
    const role = 'roles/cloudkms.cryptoKeyEncrypterDecrypter';
    const member = 'serviceAccount:vault-unseal@my-proj.iam.gserviceaccount.com';
    const [p1] = await kms.setIamPolicy({ resource, policy: { bindings: [{ role, members: [member] }], etag: p0.etag } } as SetIamReq);
    expect(p1.bindings?.[0]).toMatchObject({ role, members: [member] });
    expect(kmsServer.state.members(resource, role)).toEqual([member]);
    const stale = await rejection(kms.setIamPolicy({ resource, policy: { bindings: [] as { role: string; members: string[] }[], etag: p0.etag } } as SetIamReq));
    expect(stale.code).toBe(10);
    // an unknown service account is rejected like real IAM does (INVALID_ARGUMENT)
    const [p2] = await kms.getIamPolicy({ resource } as GetIamReq);
    const bad = await rejection(kms.setIamPolicy({ resource, policy: { bindings: [{ role, members: ['serviceAccount:ghost@my-proj.iam.gserviceaccount.com'] }], etag: p2.etag } } as SetIamReq));
    expect(bad.code).toBe(3);
    expect((await rejection(kms.getIamPolicy({ resource: `${resource}-missing` } as GetIamReq))).code).toBe(5);
  });
});

describe('gcp-kms test server over REST (cloudkms v1, what the gcloud CLI calls)', () => {
  const rest = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${kmsServer.restUrl}/v1/${path}`, { method, ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
    return { status: res.status, json: (await res.json()) as any };
  };
  const parent = 'projects/rest-proj/locations/global';

  it('shares the gRPC state: a ring made over REST is read over gRPC, with proto3 JSON on the wire', async () => {
    const created = await rest('POST', `${parent}/keyRings?keyRingId=rest-ring&alt=json`, {});
    expect(created).toMatchObject({ status: 200, json: { name: `${parent}/keyRings/rest-ring`, createTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6}|\.\d{9})?Z$/) } });
    const [ring] = await kms.getKeyRing({ name: `${parent}/keyRings/rest-ring` });
    expect(ring.name).toBe(`${parent}/keyRings/rest-ring`);
    const key = await rest('POST', `${parent}/keyRings/rest-ring/cryptoKeys?cryptoKeyId=k`, { purpose: 'ENCRYPT_DECRYPT', rotationPeriod: '7776000s', nextRotationTime: '2030-01-01T00:00:00Z' });
    expect(key.json).toMatchObject({ purpose: 'ENCRYPT_DECRYPT', rotationPeriod: '7776000s', nextRotationTime: '2030-01-01T00:00:00Z', destroyScheduledDuration: '2592000s' });
  });

  it('answers errors as {error: {code, message, status}} with the HTTP status of the canonical code', async () => {
    expect(await rest('POST', `${parent}/keyRings?keyRingId=rest-ring`, {})).toEqual({ status: 409, json: { error: { code: 409, status: 'ALREADY_EXISTS', message: `KeyRing ${parent}/keyRings/rest-ring already exists.` } } });
    expect(await rest('GET', `${parent}/keyRings/nope`)).toMatchObject({ status: 404, json: { error: { status: 'NOT_FOUND' } } });
    expect((await rest('GET', 'nothing/here')).status).toBe(404);
  });

  it('IAM policies with base64 etags; a stale one is 409 ABORTED', async () => {
    const resource = `${parent}/keyRings/rest-ring`;
    const policy = (await rest('GET', `${resource}:getIamPolicy?options.requestedPolicyVersion=3`)).json;
    expect(policy).toEqual({ version: 1, etag: Buffer.from([0x00, 0x20, 0x01]).toString('base64') });
    const set = await rest('POST', `${resource}:setIamPolicy`, { policy: { ...policy, bindings: [{ role: 'roles/cloudkms.viewer', members: ['user:a@example.com'] }] } });
    expect(set.json.bindings).toEqual([{ role: 'roles/cloudkms.viewer', members: ['user:a@example.com'] }]);
    expect((await rest('POST', `${resource}:setIamPolicy`, { policy })).json.error.status).toBe('ABORTED');
  });

  it('refuses what the caller may not do with PERMISSION_DENIED (7 over gRPC, 403 over REST)', async () => {
    kmsServer.state.denied.add('cloudkms.keyRings.get');
    try {
      const name = `${parent}/keyRings/rest-ring`;
      const message = `Permission 'cloudkms.keyRings.get' denied on resource '${name}' (or it may not exist).`;
      expect(await rest('GET', name)).toEqual({ status: 403, json: { error: { code: 403, status: 'PERMISSION_DENIED', message } } });
      expect(await rejection(kms.getKeyRing({ name }))).toMatchObject({ code: 7, details: message });
    } finally {
      kmsServer.state.denied.clear();
    }
  });
});

describe('gcp-iam test server: permissions', () => {
  it('refuses what the caller may not do with 403 PERMISSION_DENIED', async () => {
    iamServer.state.denied.add('iam.serviceAccounts.get');
    try {
      const e = await rejection(iamClient.projects.serviceAccounts.get({ name: 'projects/-/serviceAccounts/vault-unseal@my-proj.iam.gserviceaccount.com' }));
      expect(e.response).toMatchObject({ status: 403, data: { error: { status: 'PERMISSION_DENIED', message: "Permission 'iam.serviceAccounts.get' denied on resource (or it may not exist)." } } });
    } finally {
      iamServer.state.denied.clear();
    }
  });
});

describe('network hygiene', () => {
  it('contacted nothing but 127.0.0.1 (no metadata server, no googleapis.com)', () => {
    expect(outbound.hosts.length).toBeGreaterThan(0);
    expect([...new Set(outbound.hosts)]).toEqual(['127.0.0.1']);
  });
});
