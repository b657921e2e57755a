/**
 * Exactly once under faults: the AWS runbook run through a fault-injecting proxy in front of moto
 * (test/servers/faults.ts). For every create it makes and every kind of fault, including the answer
 * lost after the service did the work, a run either succeeds or fails with its state intact, a
 * re-run converges, and each resource exists once. Figures of the longer sweep: RELIABILITY.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { IAMClient, ListAttachedRolePoliciesCommand, ListOpenIDConnectProvidersCommand, ListPoliciesCommand, ListPolicyVersionsCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { KMSClient, ListAliasesCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type Fault, type FaultProxy } from '../servers/faults.js';
import { root, runCli } from '../support/cli.js';
import { motoEnv, startMoto, type Moto } from '../support/moto.js';

const runbook = join(root, 'runbooks/vault-kms-aws.md');
const cluster = 'faults-cluster';
const aws = (endpoint: string) => ({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });

let moto: Moto;
let proxy: FaultProxy;
const work = mkdtempSync(join(tmpdir(), 'runbook-faults-'));
let n = 0;

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy(moto.endpoint);
});
afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function fresh() {
  await moto.reset();
  const eks = new EKSClient(aws(moto.endpoint));
  await eks.send(new CreateClusterCommand({ name: cluster, roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: { subnetIds: ['subnet-1'] } }));
  eks.destroy();
}

/** What the runbook leaves, counted (read from moto itself, not through the proxy). */
async function counts() {
  const kms = new KMSClient(aws(moto.endpoint));
  const iam = new IAMClient(aws(moto.endpoint));
  try {
    const policies = (await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies ?? [];
    const roles = ((await iam.send(new ListRolesCommand({}))).Roles ?? []).filter((r) => r.RoleName === 'vault-role');
    return {
      keys: ((await kms.send(new ListKeysCommand({}))).Keys ?? []).length,
      aliases: ((await kms.send(new ListAliasesCommand({}))).Aliases ?? []).filter((a) => a.AliasName === 'alias/vault-key').length,
      providers: ((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList ?? []).length,
      roles: roles.length,
      policies: policies.length,
      versions: policies[0] ? ((await iam.send(new ListPolicyVersionsCommand({ PolicyArn: policies[0].Arn }))).Versions ?? []).length : 0,
      attachments: roles.length ? ((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'vault-role' }))).AttachedPolicies ?? []).length : 0,
    };
  } finally {
    kms.destroy();
    iam.destroy();
  }
}

const once = { keys: 1, aliases: 1, providers: 1, roles: 1, policies: 1, versions: 1, attachments: 1 };

const exec = (stateDir: string) =>
  runCli(['exec', runbook, '--json', '--state-dir', stateDir, '--param', `EKS_CLUSTER_NAME=${cluster}`], { env: motoEnv(proxy.endpoint), timeoutMs: 60_000 });

const creates = ['CreateKey', 'CreateAlias', 'CreateOpenIDConnectProvider', 'CreateRole', 'CreatePolicy', 'AttachRolePolicy'];
const scenarios: Array<[string, Fault]> = [
  ...(['forward-then-drop', 'forward-then-500', '500', '503', 'throttle', 'reset'] as const).map((f) => ['CreateKey', f] as [string, Fault]),
  ...creates.slice(1).map((op) => [op, 'forward-then-drop'] as [string, Fault]),
  ['CreatePolicy', 'throttle'],
  ['CreateRole', 'forward-then-500'],
];

describe('exactly once under faults', () => {
  it.each(scenarios)('%s with %s: no duplicate; the run ends clearly and a re-run converges', async (operation, fault) => {
    await fresh();
    proxy.set([{ operation, fault }]);
    const stateDir = join(work, `state-${++n}`);
    const first = await exec(stateDir);
    expect(proxy.seen.some((s) => s.operation === operation && s.fault === fault), `${operation} was never sent`).toBe(true);
    // Never more than one of anything, whatever the fault did.
    const after = await counts();
    for (const [k, v] of Object.entries(after)) expect(v, `${k} after the faulty run (exit ${first.code}):\n${first.stdout.slice(-1500)}`).toBeLessThanOrEqual(1);
    expect([0, 1]).toContain(first.code);
    if (first.code === 1) expect(first.stdout).toMatch(/"type":"run:end","status":"failed"/);
    proxy.set([]);
    const again = await exec(stateDir);
    expect(again.code, again.stdout.slice(-2000)).toBe(0);
    expect(await counts()).toEqual(once);
  });

  it('a connection reset on every try is reported as a closed connection, not as a timeout', async () => {
    await fresh();
    proxy.set([{ operation: 'CreateKey', fault: 'reset', times: 100 }]);
    const first = await exec(join(work, `state-${++n}`));
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/"message":"the connection was closed before the service answered[^"]*","operation":"KMS.CreateKey","code":"ECONNRESET"/);
    expect(first.stdout).not.toMatch(/TimeoutError/);
    expect((await counts()).keys).toBeLessThanOrEqual(1);
  });

  it('a persistent lost answer for CreateKey fails the run after asking, and never makes a second key', async () => {
    await fresh();
    proxy.set([{ operation: 'CreateKey', fault: 'forward-then-drop', times: 100 }]);
    const stateDir = join(work, `state-${++n}`);
    const first = await exec(stateDir);
    expect((await counts()).keys).toBe(1);
    proxy.set([]);
    expect((await exec(stateDir)).code).toBe(0);
    expect(await counts()).toEqual(once);
    void first;
  });
});
