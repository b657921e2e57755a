/**
 * The GCP runbook end to end against the Cloud KMS (gRPC) and IAM (REST) test servers, through the built
 * CLI as a user runs it, pointed at them the way gcloud is pointed at emulators
 * (CLOUDSDK_API_ENDPOINT_OVERRIDES_*): what it leaves, a second run, a run with its state deleted, and
 * the outputs the Kubernetes runbook takes from the state directory. The CLI process records every TCP
 * connection it opens (a preload), so the test can assert that nothing but 127.0.0.1 was contacted.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/events/types.js';
import { siblingOutputs } from '../../src/state/store.js';
import { root, runCli } from '../support/cli.js';
import { startGcpServers, type GcpServers } from '../translate/gcp/support.js';

const project = 'vault-test-project';
const runbook = join(root, 'runbooks/vault-kms-gcp.md');
const ring = `projects/${project}/locations/global/keyRings/vault-keyring`;
const key = `${ring}/cryptoKeys/vault-key`;
const email = `vault-unseal@${project}.iam.gserviceaccount.com`;
const wi = `serviceAccount:${project}.svc.id.goog[vault/vault]`;

let s: GcpServers;
let work: string;
let connections: string;
let env: Record<string, string>;
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(work, 'state-'));
  dirs.push(d);
  return d;
};

/** Loaded into the CLI process: appends the host of every outgoing TCP connection to a file. */
const recorder = `
import net from 'node:net';
import { appendFileSync } from 'node:fs';
const out = process.env.RUNBOOK_TEST_CONNECTIONS;
const original = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  let host;
  if (first && typeof first === 'object') { if (first.path === undefined) host = String(first.host ?? 'localhost'); }
  else if (typeof first === 'number' || (typeof first === 'string' && /^\\d+$/.test(first))) host = typeof args[1] === 'string' ? args[1] : 'localhost';
  if (host && out) appendFileSync(out, host + '\\n');
  return original.apply(this, args);
};
`;

function events(stdout: string): EngineEvent[] {
  return stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as EngineEvent);
}

async function exec(stateDir: string, extra: string[] = []) {
  const result = await runCli(['exec', runbook, '--json', '--state-dir', stateDir, '--param', `GCP_PROJECT=${project}`, ...extra], { env });
  return { ...result, events: events(result.stdout) };
}

function resources() {
  return {
    keyRings: [...s.kms.state.keyRings.keys()],
    keys: [...s.kms.state.cryptoKeys.values()].map((k) => ({ name: k.name, purpose: k.purpose })),
    accounts: [...s.iam.state.accounts.keys()],
    encrypters: s.kms.state.members(key, 'roles/cloudkms.cryptoKeyEncrypterDecrypter'),
    viewers: s.kms.state.members(key, 'roles/cloudkms.viewer'),
    keyRoles: s.kms.state.policy(key).bindings.map((b) => b.role),
    workloadIdentity: s.iam.state.members(email, 'roles/iam.workloadIdentityUser'),
  };
}

const expected = {
  keyRings: [ring],
  keys: [{ name: key, purpose: 'ENCRYPT_DECRYPT' }],
  accounts: [email],
  encrypters: [`serviceAccount:${email}`],
  viewers: [`serviceAccount:${email}`],
  keyRoles: ['roles/cloudkms.cryptoKeyEncrypterDecrypter', 'roles/cloudkms.viewer'],
  workloadIdentity: [wi],
};

const outputs = { GCP_PROJECT: project, KMS_LOCATION: 'global', KMS_KEY_RING: 'vault-keyring', KMS_CRYPTO_KEY: 'vault-key', GSA_EMAIL: email };

beforeAll(async () => {
  s = await startGcpServers(project);
  work = mkdtempSync(join(tmpdir(), 'runbook-gcp-e2e-'));
  connections = join(work, 'connections.txt');
  const preload = join(work, 'record-connections.mjs');
  writeFileSync(preload, recorder);
  env = {
    ...s.env,
    // A different default project: the runbook must name its project on every command.
    CLOUDSDK_CORE_PROJECT: 'some-other-project',
    GOOGLE_APPLICATION_CREDENTIALS: '',
    RUNBOOK_TEST_CONNECTIONS: connections,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(preload).href}`.trim(),
  };
});

afterAll(async () => {
  await s?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('runbooks/vault-kms-gcp.md on the GCP test servers', () => {
  let stateDir: string;

  it('runs end to end: the key ring, key, service account and the three bindings, each exactly once', async () => {
    stateDir = tempDir();
    const run = await exec(stateDir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const ends = run.events.filter((e) => e.type === 'step:end');
    expect(ends.map((e) => e.type === 'step:end' && [e.stepId, e.status])).toEqual([
      ['key-ring', 'done'], ['crypto-key', 'done'], ['service-account', 'done'],
      ['key-encrypter-decrypter', 'done'], ['key-viewer', 'done'], ['workload-identity', 'done'],
    ]);
    expect(run.events.filter((e) => e.type === 'step:call').map((e) => e.type === 'step:call' && e.operation)).toEqual([
      'KMS.CreateKeyRing', 'KMS.CreateCryptoKey', 'IAM.CreateServiceAccount',
      'KMS.AddIamPolicyBinding', 'KMS.AddIamPolicyBinding', 'IAM.AddIamPolicyBinding',
    ]);
    expect(resources()).toEqual(expected);
    expect(s.iam.state.accounts.get(email)).toMatchObject({ displayName: 'Vault auto-unseal' });
    expect(run.events.at(-1)).toMatchObject({ type: 'run:end', status: 'succeeded', outputs });
  });

  it('a second run creates nothing: every step is skipped as already done', async () => {
    const before = s.kms.state.calls.length + s.iam.state.requests.length;
    const run = await exec(stateDir);
    expect(run.code).toBe(0);
    expect(run.events.filter((e) => e.type === 'step:call')).toEqual([]);
    expect(run.events.filter((e) => e.type === 'step:end').every((e) => e.type === 'step:end' && e.status === 'skipped')).toBe(true);
    expect(s.kms.state.calls.length + s.iam.state.requests.length).toBe(before);
    expect(run.events.at(-1)).toMatchObject({ type: 'run:end', status: 'succeeded', outputs });
    expect(resources()).toEqual(expected);
  });

  it('with its state deleted, a run adopts everything and creates nothing', async () => {
    const run = await exec(tempDir());
    expect(run.code).toBe(0);
    expect(run.events.filter((e) => e.type === 'step:call' && e.mutating)).toEqual([]);
    expect(run.events.filter((e) => e.type === 'step:adopt').map((e) => e.type === 'step:adopt' && [e.stepId, e.operation, e.outcome])).toEqual([
      ['key-ring', 'KMS.CreateKeyRing', 'adopted'],
      ['crypto-key', 'KMS.CreateCryptoKey', 'adopted'],
      ['service-account', 'IAM.CreateServiceAccount', 'adopted'],
      ['key-encrypter-decrypter', 'KMS.AddIamPolicyBinding', 'adopted'],
      ['key-viewer', 'KMS.AddIamPolicyBinding', 'adopted'],
      ['workload-identity', 'IAM.AddIamPolicyBinding', 'adopted'],
    ]);
    expect(run.events.filter((e) => e.type === 'step:end').every((e) => e.type === 'step:end' && e.status === 'adopted')).toBe(true);
    expect(run.events.at(-1)).toMatchObject({ type: 'run:end', status: 'succeeded', outputs });
    expect(resources()).toEqual(expected);
    expect(s.kms.state.calls.filter((c) => c.method === 'SetIamPolicy')).toHaveLength(2);
    expect(s.iam.state.requests.filter((r) => r.path.endsWith(':setIamPolicy'))).toHaveLength(1);
  });

  it('leaves its outputs in the state directory for the Kubernetes runbook', () => {
    const state = JSON.parse(readFileSync(join(stateDir, 'vault-kms-gcp', 'state.json'), 'utf8'));
    expect(state.outputs).toEqual(Object.keys(outputs));
    expect(siblingOutputs(stateDir, 'vault-k8s')).toEqual([{ runbook: 'vault-kms-gcp', values: outputs }]);
  });

  it('refuses the guide-style service account name before running anything', async () => {
    const dir = tempDir();
    const run = await exec(dir, ['--param', 'GSA_NAME=vault']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/GSA_NAME/);
    expect(existsSync(join(dir, 'vault-kms-gcp', 'state.json'))).toBe(false);
  });

  it('runbook check and plan are clean', async () => {
    const check = await runCli(['check', runbook]);
    expect([check.code, check.stdout + check.stderr]).toEqual([0, '1 file checked, no problems\n']);
    const plan = await runCli(['plan', runbook, '--param', `GCP_PROJECT=${project}`]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(`KMS.CreateKeyRing ${ring}`);
    expect(plan.stdout).toContain(`IAM.AddIamPolicyBinding projects/-/serviceAccounts/<from step 3: GSA_EMAIL> roles/iam.workloadIdentityUser ${wi}`);
    expect(plan.stdout).not.toMatch(/error/i);
  });

  it('without an emulator and without credentials: a clear UNAUTHENTICATED failure, and no connection at all', async () => {
    const before = existsSync(connections) ? readFileSync(connections, 'utf8') : '';
    const noAdc = mkdtempSync(join(work, 'gcloud-config-'));
    const result = await runCli(['exec', runbook, '--json', '--state-dir', tempDir(), '--param', `GCP_PROJECT=${project}`], {
      env: { ...env, CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDKMS: '', CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM: '', CLOUDSDK_CONFIG: noAdc, GOOGLE_APPLICATION_CREDENTIALS: '' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const failed = events(result.stdout).find((e) => e.type === 'step:end' && e.status === 'failed');
    expect(failed).toMatchObject({ stepId: 'key-ring', error: { code: 'UNAUTHENTICATED', hint: expect.stringContaining('gcloud auth application-default login') } });
    expect(existsSync(connections) ? readFileSync(connections, 'utf8') : '').toBe(before);
  });

  it('contacted nothing but 127.0.0.1 (no metadata server, no googleapis.com)', () => {
    const hosts = readFileSync(connections, 'utf8').split('\n').filter(Boolean);
    expect(hosts.length).toBeGreaterThan(0);
    expect([...new Set(hosts)]).toEqual(['127.0.0.1']);
    expect(s.iam.state.requests.every((r) => r.authorization === undefined)).toBe(true);
  });
});
