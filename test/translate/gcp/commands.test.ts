/**
 * Each translated gcloud command, translate -> send -> format, against the Cloud KMS (gRPC) and IAM
 * (REST) test servers; adoption through the engine's send path; the etag read-modify-write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunbookError } from '../../../src/diagnostics.js';
import { closeClients } from '../../../src/translate/gcp/clients.js';
import { GcpApiError } from '../../../src/translate/gcp/errors.js';
import { ETAG_ATTEMPTS } from '../../../src/translate/gcp/policy.js';
import { translator } from '../../../src/translate/gcp/translator.js';
import { recordOutboundConnections } from '../../servers/http.js';
import { engineSend, rejection, run, startGcpServers, translate, type GcpServers } from './support.js';

const project = 'my-project';
const ring = `projects/${project}/locations/global/keyRings/vault-keyring`;
const key = `${ring}/cryptoKeys/vault-key`;
const email = `vault-unseal@${project}.iam.gserviceaccount.com`;
const sa = `serviceAccount:${email}`;
const wi = `serviceAccount:${project}.svc.id.goog[vault/vault]`;
const keyFlags = '--keyring vault-keyring --location global';

let s: GcpServers;
const outbound = recordOutboundConnections();

beforeAll(async () => {
  s = await startGcpServers(project);
});

afterAll(async () => {
  await closeClients();
  await s?.stop();
  outbound.restore();
});

describe('gcloud kms keyrings', () => {
  it('create prints nothing (as gcloud) and makes the key ring under the project', async () => {
    const { call, stdout } = await run('kms keyrings create vault-keyring --location global', s.env);
    expect(call).toMatchObject({
      tool: 'gcloud', operation: 'KMS.CreateKeyRing', mutating: true,
      display: `KMS.CreateKeyRing ${ring}`,
      input: { parent: `projects/${project}/locations/global`, keyRingId: 'vault-keyring', keyRing: {} },
    });
    expect(stdout).toBe('');
    expect([...s.kms.state.keyRings.keys()]).toEqual([ring]);
  });

  it('describe prints YAML, value(name) the name; both are reads', async () => {
    const described = await run('kms keyrings describe vault-keyring --location global', s.env);
    expect(described.call.mutating).toBe(false);
    expect(described.stdout).toMatch(new RegExp(`^createTime: '\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z'\\nname: ${ring}\\n$`));
    const value = await run(['gcloud', 'kms', 'keyrings', 'describe', 'vault-keyring', '--location=global', '--format=value(name)'], s.env);
    expect(value.stdout).toBe(`${ring}\n`);
  });

  it('a second create is ALREADY_EXISTS (gRPC 6); through the engine the existing ring is adopted, nothing sent', async () => {
    const error = await rejection(run('kms keyrings create vault-keyring --location global', s.env));
    expect(error).toBeInstanceOf(GcpApiError);
    expect(error).toMatchObject({ name: 'ALREADY_EXISTS', code: 6, message: `KeyRing ${ring} already exists.` });
    expect(translator.isAlreadyExists!(error)).toBe(true);
    expect(translator.isAlreadyExists!(error.cause)).toBe(true);
    const sent = await engineSend('kms keyrings create vault-keyring --location global --format=value(name)', s.env);
    expect(sent).toMatchObject({ outcome: 'adopted', calls: [], adopted: [{ detail: `key ring ${ring} exists` }], stdout: `${ring}\n` });
  });

  it('created between the lookup and the call: ALREADY_EXISTS, then adopted', async () => {
    const calls = s.kms.state.calls;
    const push = calls.push.bind(calls);
    const raced = `projects/${project}/locations/global/keyRings/raced`;
    calls.push = (...records) => {
      if (records[0]!.method === 'CreateKeyRing') s.kms.state.keyRings.set(raced, { name: raced, createTime: { seconds: 1, nanos: 0 } });
      return push(...records);
    };
    try {
      const sent = await engineSend('kms keyrings create raced --location global', s.env);
      expect(sent.outcome).toBe('adopted');
      expect(sent.calls.map((c) => c.operation)).toEqual(['KMS.CreateKeyRing']);
      expect(calls.filter((c) => c.request.keyRingId === 'raced' || c.request.name === raced).map((c) => [c.method, c.code])).toEqual([
        ['GetKeyRing', 5], ['CreateKeyRing', 6], ['GetKeyRing', 0],
      ]);
    } finally {
      calls.push = push;
    }
  });

  it('get-iam-policy of a resource with no bindings prints the etag and version', async () => {
    const { stdout } = await run('kms keyrings get-iam-policy vault-keyring --location global', s.env);
    expect(stdout).toBe('etag: ACAB\nversion: 1\n');
  });
});

describe('gcloud kms keys', () => {
  it('create --purpose encryption sends a GOOGLE_SYMMETRIC_ENCRYPTION software key, as gcloud does', async () => {
    const { call, stdout } = await run(`kms keys create vault-key ${keyFlags} --purpose encryption`, s.env);
    expect(stdout).toBe('');
    expect(call.display).toBe(`KMS.CreateCryptoKey ${key} (ENCRYPT_DECRYPT, GOOGLE_SYMMETRIC_ENCRYPTION, SOFTWARE)`);
    const sent = s.kms.state.calls.find((c) => c.method === 'CreateCryptoKey')!;
    expect(sent.request).toMatchObject({ parent: ring, cryptoKeyId: 'vault-key', cryptoKey: { purpose: 'ENCRYPT_DECRYPT', versionTemplate: { algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION', protectionLevel: 'SOFTWARE' } } });
    expect(sent.routing).toBe(`parent=${encodeURIComponent(ring)}`);
  });

  it('describe: the REST JSON shape gcloud prints (timestamps and durations as strings, no empty defaults)', async () => {
    const { stdout } = await run(`kms keys describe vault-key ${keyFlags} --format=json`, s.env);
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({
      name: key, purpose: 'ENCRYPT_DECRYPT', destroyScheduledDuration: '2592000s',
      primary: { name: `${key}/cryptoKeyVersions/1`, state: 'ENABLED', algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION', protectionLevel: 'SOFTWARE' },
      versionTemplate: { algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION', protectionLevel: 'SOFTWARE' },
    });
    expect(json.createTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/);
    expect(json).not.toHaveProperty('labels');
    expect(json).not.toHaveProperty('importOnly');
    expect(json.primary).not.toHaveProperty('destroyTime');
    // Keys are sorted like gcloud's json printer.
    expect(Object.keys(json)).toEqual([...Object.keys(json)].sort());
    // A full resource name needs no --keyring/--location (gcloud resource arguments).
    expect((await run(['gcloud', 'kms', 'keys', 'describe', key, '--format=value(purpose,primary.state,name.basename())'], s.env)).stdout).toBe('ENCRYPT_DECRYPT\tENABLED\tvault-key\n');
  });

  it('an existing ENCRYPT_DECRYPT key is adopted', async () => {
    const sent = await engineSend(`kms keys create vault-key ${keyFlags} --purpose encryption --format=value(name)`, s.env);
    expect(sent).toMatchObject({ outcome: 'adopted', calls: [], stdout: `${key}\n`, adopted: [{ detail: `key ${key} exists (ENCRYPT_DECRYPT)` }] });
  });

  it('an existing key with another purpose is not adopted: a clear failure', async () => {
    await run(`kms keys create mac-key ${keyFlags} --purpose mac --default-algorithm hmac-sha256`, s.env);
    const error = await rejection(engineSend(`kms keys create mac-key ${keyFlags} --purpose encryption`, s.env));
    expect(error).toBeInstanceOf(RunbookError);
    expect(error.message).toBe(`key ${ring}/cryptoKeys/mac-key already exists with purpose MAC, not ENCRYPT_DECRYPT`);
    expect((error as unknown as RunbookError).options.hint).toMatch(/another name/);
    expect(s.kms.state.calls.filter((c) => c.method === 'CreateCryptoKey' && c.request.cryptoKeyId === 'mac-key')).toHaveLength(1);
  });

  it('an existing key with no enabled primary version is not adopted', async () => {
    await run(`kms keys create empty-key ${keyFlags} --purpose encryption --skip-initial-version-creation`, s.env);
    const error = await rejection(engineSend(`kms keys create empty-key ${keyFlags} --purpose encryption`, s.env));
    expect(error.message).toMatch(/exists but has no enabled primary version/);
  });

  it('refuses what gcloud refuses before sending', async () => {
    await expect(translate(`kms keys create k ${keyFlags} --purpose asymmetric-signing`, s.env)).rejects.toThrow(/--default-algorithm needs to be specified/);
    await expect(translate(`kms keys create k ${keyFlags} --purpose encryption --default-algorithm hmac-sha256`, s.env)).rejects.toThrow(/incompatible/);
    await expect(translate('kms keys create k --location global --purpose encryption', s.env)).rejects.toThrow(/^Missing --keyring/);
  });
});

describe('gcloud iam service-accounts', () => {
  it('create prints nothing by default, the email with --format=value(email)', async () => {
    const created = await run('iam service-accounts create vault-unseal --display-name Vault --format=value(email)', s.env);
    expect(created.call).toMatchObject({ operation: 'IAM.CreateServiceAccount', display: `IAM.CreateServiceAccount ${email}`, input: { name: `projects/${project}`, accountId: 'vault-unseal', serviceAccount: { displayName: 'Vault' } } });
    expect(created.stdout).toBe(`${email}\n`);
    expect(s.iam.state.accounts.get(email)).toMatchObject({ projectId: project, displayName: 'Vault' });
    const silent = await run('iam service-accounts create other-account', s.env);
    expect(silent.stdout).toBe('');
  });

  it('a second create is HTTP 409 ALREADY_EXISTS; through the engine the account is adopted', async () => {
    const error = await rejection(run('iam service-accounts create vault-unseal', s.env));
    expect(error).toMatchObject({ name: 'ALREADY_EXISTS', httpStatus: 409, message: `Service account vault-unseal already exists within project projects/${project}.` });
    expect(translator.isAlreadyExists!(error)).toBe(true);
    const sent = await engineSend('iam service-accounts create vault-unseal --format=value(email)', s.env);
    expect(sent).toMatchObject({ outcome: 'adopted', calls: [], stdout: `${email}\n`, adopted: [{ detail: `service account ${email} exists` }] });
  });

  it('describe needs no project (projects/-) and prints what gcloud prints', async () => {
    const { CLOUDSDK_CORE_PROJECT: _, ...noProject } = s.env;
    const { call, stdout } = await run(`iam service-accounts describe ${email}`, noProject);
    expect(call).toMatchObject({ operation: 'IAM.GetServiceAccount', mutating: false, input: { name: `projects/-/serviceAccounts/${email}` } });
    const acct = s.iam.state.accounts.get(email)!;
    expect(stdout).toBe([
      'displayName: Vault', `email: ${email}`, `etag: ${acct.etag}`, `name: projects/${project}/serviceAccounts/${email}`,
      `oauth2ClientId: '${acct.oauth2ClientId}'`, `projectId: ${project}`, `uniqueId: '${acct.uniqueId}'`, '',
    ].join('\n'));
    // gcloud prints a missing value as an empty column.
    expect((await run(`iam service-accounts describe ${email} --format=value(email,uniqueId,disabled)`, s.env)).stdout).toBe(`${email}\t${acct.uniqueId}\t\n`);
  });

  it('a missing account is NOT_FOUND (404)', async () => {
    const error = await rejection(run('iam service-accounts describe nobody-here@my-project.iam.gserviceaccount.com', s.env));
    expect(error).toMatchObject({ name: 'NOT_FOUND', httpStatus: 404 });
  });

  it('a disabled account is not adopted silently', async () => {
    await run('iam service-accounts create disabled-one', s.env);
    const disabled = `disabled-one@${project}.iam.gserviceaccount.com`;
    s.iam.state.accounts.get(disabled)!.disabled = true;
    await expect(engineSend('iam service-accounts create disabled-one', s.env)).rejects.toThrow(`service account ${disabled} exists but is disabled`);
  });

  it('--project wins over CLOUDSDK_CORE_PROJECT; GOOGLE_CLOUD_PROJECT is the last fallback; none is a clear error', async () => {
    expect((await translate('iam service-accounts create flagged --project other-project', s.env)).input).toMatchObject({ name: 'projects/other-project' });
    expect((await translate('iam service-accounts create flagged', { GOOGLE_CLOUD_PROJECT: 'gc-project' })).input).toMatchObject({ name: 'projects/gc-project' });
    await expect(translate('kms keyrings create r --location global', {})).rejects.toThrow(
      '`gcloud kms keyrings create` needs a project: pass --project PROJECT_ID, or set CLOUDSDK_CORE_PROJECT (or GOOGLE_CLOUD_PROJECT) in the environment',
    );
  });
});

describe('add-iam-policy-binding', () => {
  const encrypter = 'roles/cloudkms.cryptoKeyEncrypterDecrypter';
  const bind = `kms keys add-iam-policy-binding vault-key ${keyFlags} --member ${sa} --role ${encrypter}`;

  it('on a key: the first run adds the member, the second adopts it; the member is bound once', async () => {
    const first = await engineSend(bind, s.env);
    expect(first.outcome).toBe('created');
    expect(first.calls.map((c) => c.display)).toEqual([`KMS.AddIamPolicyBinding ${key} ${encrypter} ${sa}`]);
    expect(first.stdout).toMatch(new RegExp(`^bindings:\\n- members:\\n  - ${sa}\\n  role: ${encrypter}\\netag: \\S+\\nversion: 3\\n$`));
    const second = await engineSend(bind, s.env);
    expect(second).toMatchObject({ outcome: 'adopted', calls: [], adopted: [{ detail: `${sa} already has ${encrypter} on ${key}` }] });
    expect(second.stdout).toBe(first.stdout);
    expect(s.kms.state.members(key, encrypter)).toEqual([sa]);
    expect(s.kms.state.calls.filter((c) => c.method === 'SetIamPolicy')).toHaveLength(1);
  });

  it('a second role joins the policy beside the first', async () => {
    await engineSend(`kms keys add-iam-policy-binding vault-key ${keyFlags} --member ${sa} --role roles/cloudkms.viewer`, s.env);
    const { stdout } = await run(`kms keys get-iam-policy vault-key ${keyFlags} --format=value(bindings.role)`, s.env);
    expect(stdout).toBe(`${encrypter};roles/cloudkms.viewer\n`);
  });

  it('a stale etag (a concurrent change) is ABORTED: read again and keep both changes', async () => {
    const calls = s.kms.state.calls;
    const push = calls.push.bind(calls);
    let raced = false;
    calls.push = (...records) => {
      if (records[0]!.method === 'SetIamPolicy' && !raced) {
        raced = true;
        const p = s.kms.state.policy(key);
        s.kms.state.policies.set(key, { ...p, bindings: [...p.bindings, { role: 'roles/cloudkms.admin', members: ['user:alice@example.com'] }], etag: Buffer.from('concurrent') });
      }
      return push(...records);
    };
    const start = calls.length;
    try {
      const member = 'group:vault-admins@example.com';
      const sent = await engineSend(`kms keys add-iam-policy-binding vault-key ${keyFlags} --member ${member} --role roles/cloudkms.viewer`, s.env);
      expect(sent.outcome).toBe('created');
      expect(calls.slice(start).map((c) => [c.method, c.code])).toEqual([
        ['GetIamPolicy', 0], // adoption: not there yet
        ['GetIamPolicy', 0], ['SetIamPolicy', 10], // the stale write
        ['GetIamPolicy', 0], ['SetIamPolicy', 0],
      ]);
      expect(s.kms.state.members(key, 'roles/cloudkms.admin')).toEqual(['user:alice@example.com']);
      expect(s.kms.state.members(key, 'roles/cloudkms.viewer')).toEqual([sa, member]);
    } finally {
      calls.push = push;
    }
  });

  it(`gives up after ${ETAG_ATTEMPTS} stale etags with ABORTED (retryable for the engine)`, async () => {
    const calls = s.kms.state.calls;
    const push = calls.push.bind(calls);
    calls.push = (...records) => {
      if (records[0]!.method === 'SetIamPolicy') s.kms.state.policies.set(key, { ...s.kms.state.policy(key), etag: Buffer.from(String(Math.random())) });
      return push(...records);
    };
    try {
      const error = await rejection(run(`kms keys add-iam-policy-binding vault-key ${keyFlags} --member user:bob@example.com --role roles/cloudkms.viewer`, s.env));
      expect(error).toMatchObject({ name: 'ABORTED', code: 10 });
      expect(translator.isRetryable!(error)).toBe(true);
      expect(translator.isAlreadyExists!(error)).toBe(false);
    } finally {
      calls.push = push;
    }
  });

  it('a service account IAM does not know yet is refused; the engine may retry that (IAM is eventually consistent)', async () => {
    const error = await rejection(run(`kms keys add-iam-policy-binding vault-key ${keyFlags} --member serviceAccount:ghost-account@${project}.iam.gserviceaccount.com --role roles/cloudkms.viewer`, s.env));
    expect(error).toMatchObject({ name: 'INVALID_ARGUMENT', code: 3 });
    expect(translator.isRetryable!(error)).toBe(true);
  });

  it('through the engine, a binding naming a service account IAM only just learned of succeeds on retry', async () => {
    const late = `late-account@${project}.iam.gserviceaccount.com`;
    const calls = s.kms.state.calls;
    const push = calls.push.bind(calls);
    calls.push = (...records) => {
      // The account becomes visible right after the first refusal.
      if (records[0]!.method === 'SetIamPolicy') setTimeout(() => s.iam.state.accounts.set(late, { ...s.iam.state.accounts.get(email)!, email: late }), 0);
      return push(...records);
    };
    try {
      const sent = await engineSend(`kms keys add-iam-policy-binding vault-key ${keyFlags} --member serviceAccount:${late} --role roles/cloudkms.viewer`, s.env, 2);
      expect(sent.outcome).toBe('created');
      expect(s.kms.state.calls.filter((c) => c.method === 'SetIamPolicy' && c.request.policy?.bindings?.some((b: { members: string[] }) => b.members.includes(`serviceAccount:${late}`))).map((c) => c.code)).toEqual([3, 0]);
    } finally {
      calls.push = push;
    }
  });

  it('on a service account (REST): Workload Identity binding added once, then adopted', async () => {
    const wiBind = `iam service-accounts add-iam-policy-binding ${email} --role roles/iam.workloadIdentityUser --member ${wi}`;
    const first = await engineSend(wiBind, s.env);
    expect(first.outcome).toBe('created');
    expect(first.stdout).toMatch(new RegExp(`^bindings:\\n- members:\\n  - ${wi.replace(/[.[\]]/g, '\\$&')}\\n  role: roles/iam.workloadIdentityUser\\netag: \\S+\\nversion: 3\\n$`));
    const second = await engineSend(wiBind, s.env);
    expect(second).toMatchObject({ outcome: 'adopted', calls: [] });
    expect(s.iam.state.members(email, 'roles/iam.workloadIdentityUser')).toEqual([wi]);
    expect(s.iam.state.requests.filter((r) => r.path.endsWith(':setIamPolicy'))).toHaveLength(1);
  });

  it('on a service account: a stale etag is HTTP 409 ABORTED (not ALREADY_EXISTS) and is retried', async () => {
    const requests = s.iam.state.requests;
    const push = requests.push.bind(requests);
    let raced = false;
    requests.push = (...records) => {
      if (records[0]!.path.endsWith(':setIamPolicy') && !raced) {
        raced = true;
        const p = s.iam.state.policy(email);
        s.iam.state.policies.set(email, { ...p, etag: 'Y29uY3VycmVudA==' });
      }
      return push(...records);
    };
    const start = requests.length;
    try {
      const member = `serviceAccount:${project}.svc.id.goog[vault/vault-agent]`;
      const sent = await engineSend(`iam service-accounts add-iam-policy-binding ${email} --role roles/iam.workloadIdentityUser --member ${member}`, s.env);
      expect(sent.outcome).toBe('created');
      expect(requests.slice(start).filter((r) => r.path.endsWith(':setIamPolicy')).map((r) => r.status)).toEqual([409, 200]);
      expect(s.iam.state.members(email, 'roles/iam.workloadIdentityUser')).toEqual([wi, member]);
    } finally {
      requests.push = push;
    }
  });
});

describe('network hygiene', () => {
  it('contacted nothing but 127.0.0.1 (no metadata server, no googleapis.com)', () => {
    expect(outbound.hosts.length).toBeGreaterThan(0);
    expect([...new Set(outbound.hosts)]).toEqual(['127.0.0.1']);
    expect(s.iam.state.requests.every((r) => r.authorization === undefined)).toBe(true);
  });
});
