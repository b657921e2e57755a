/**
 * The AWS runbook end to end against moto, through the built CLI as a user runs it: the resources
 * it leaves, a second run, a run killed with SIGKILL and re-run, a run with its state deleted.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { GetPolicyVersionCommand, GetPolicyCommand, GetRoleCommand, IAMClient, ListAttachedRolePoliciesCommand, ListOpenIDConnectProvidersCommand, ListPoliciesCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { KMSClient, ListAliasesCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/events/types.js';
import { bin, root, runCli } from '../support/cli.js';
import { motoEnv, startMoto, type Moto } from '../support/moto.js';

let moto: Moto;
let env: Record<string, string>;
const cluster = 'vault-test';
const runbook = join(root, 'runbooks/vault-kms-aws.md');
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'runbook-e2e-'));
  dirs.push(d);
  return d;
};

function events(stdout: string): EngineEvent[] {
  return stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as EngineEvent);
}

async function exec(stateDir: string, extra: string[] = []) {
  const result = await runCli(['exec', runbook, '--json', '--state-dir', stateDir, '--param', `EKS_CLUSTER_NAME=${cluster}`, ...extra], { env });
  return { ...result, events: events(result.stdout) };
}

async function resources() {
  const config = { endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  const kms = new KMSClient(config);
  const iam = new IAMClient(config);
  const keys = (await kms.send(new ListKeysCommand({}))).Keys ?? [];
  const aliases = ((await kms.send(new ListAliasesCommand({}))).Aliases ?? []).filter((a) => a.AliasName === 'alias/vault-key');
  const roles = ((await iam.send(new ListRolesCommand({}))).Roles ?? []).filter((r) => r.RoleName === 'vault-role');
  const policies = (await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies ?? [];
  const providers = (await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList ?? [];
  const attached = roles.length ? (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'vault-role' }))).AttachedPolicies ?? [] : [];
  kms.destroy();
  iam.destroy();
  return { keys, aliases, roles, policies, providers, attached, iam: new IAMClient(config) };
}

beforeAll(async () => {
  moto = await startMoto();
  env = motoEnv(moto.endpoint);
  const eks = new EKSClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  await eks.send(new CreateClusterCommand({ name: cluster, roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: { subnetIds: ['subnet-1'] } }));
  eks.destroy();
});

afterAll(async () => {
  await moto?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('runbooks/vault-kms-aws.md on moto', () => {
  let stateDir: string;

  it('runs end to end and leaves exactly the key, alias, role, policy and attachment', async () => {
    stateDir = tempDir();
    const run = await exec(stateDir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const ends = run.events.filter((e) => e.type === 'step:end');
    expect(ends.map((e) => e.type === 'step:end' && e.status)).toEqual(Array(11).fill('done'));

    const r = await resources();
    expect(r.keys).toHaveLength(1);
    expect(r.aliases).toHaveLength(1);
    expect(r.aliases[0]!.TargetKeyId).toBe(r.keys[0]!.KeyId);
    expect(r.roles).toHaveLength(1);
    expect(r.providers).toHaveLength(1);
    expect(r.policies.map((p) => p.PolicyName)).toEqual(['vault-policy']);
    expect(r.attached.map((p) => p.PolicyArn)).toEqual([r.policies[0]!.Arn]);

    // The trust policy names the cluster's issuer, the service account and the STS audience.
    const role = (await r.iam.send(new GetRoleCommand({ RoleName: 'vault-role' }))).Role!;
    const trust = JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!));
    const provider = r.providers[0]!.Arn!.split(':oidc-provider/')[1]!;
    expect(trust.Statement[0].Principal.Federated).toBe(r.providers[0]!.Arn);
    expect(trust.Statement[0].Condition.StringEquals).toEqual({
      [`${provider}:sub`]: 'system:serviceaccount:vault:vault',
      [`${provider}:aud`]: 'sts.amazonaws.com',
    });
    // The policy grants the three KMS actions on the key's ARN (not the alias, not a stray `$`).
    const policy = (await r.iam.send(new GetPolicyCommand({ PolicyArn: r.policies[0]!.Arn! }))).Policy!;
    const version = await r.iam.send(new GetPolicyVersionCommand({ PolicyArn: policy.Arn!, VersionId: policy.DefaultVersionId! }));
    const doc = JSON.parse(decodeURIComponent(version.PolicyVersion!.Document!));
    expect(doc.Statement[0].Action.sort()).toEqual(['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt']);
    expect(doc.Statement[0].Resource).toBe(r.keys[0]!.KeyArn);

    const end = run.events.at(-1)!;
    expect(end).toMatchObject({ type: 'run:end', status: 'succeeded', outputs: { KEY_ARN: r.keys[0]!.KeyArn, IAM_ROLE_ARN: role.Arn } });
    // State is owner-only.
    expect(statSync(join(stateDir, 'vault-kms-aws', 'state.json')).mode & 0o077).toBe(0);
  });

  it('a second run creates nothing: every step is skipped as already done', async () => {
    const run = await exec(stateDir);
    expect(run.code).toBe(0);
    expect(run.events.filter((e) => e.type === 'step:call')).toEqual([]);
    expect(run.events.filter((e) => e.type === 'step:end').every((e) => e.type === 'step:end' && e.status === 'skipped')).toBe(true);
    const r = await resources();
    expect([r.keys.length, r.roles.length, r.policies.length, r.attached.length]).toEqual([1, 1, 1, 1]);
  });

  it('with its state deleted, a run adopts everything and creates nothing', async () => {
    const run = await exec(tempDir());
    expect(run.code).toBe(0);
    // Creates that fail on duplicates are attempted and adopted on the conflict; the rest are looked up first.
    const adopted = run.events.filter((e) => e.type === 'step:adopt').map((e) => e.type === 'step:adopt' && e.operation);
    expect(adopted).toEqual(['KMS.CreateKey', 'KMS.CreateAlias', 'IAM.CreateOpenIDConnectProvider', 'IAM.CreateRole', 'IAM.CreatePolicy', 'IAM.AttachRolePolicy']);
    const r = await resources();
    expect([r.keys.length, r.aliases.length, r.roles.length, r.policies.length, r.attached.length, r.providers.length]).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('a run killed with SIGKILL mid-way, then re-run, ends with the same single set of resources', async () => {
    await moto.reset();
    const eks = new EKSClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await eks.send(new CreateClusterCommand({ name: cluster, roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: { subnetIds: ['subnet-1'] } }));
    eks.destroy();
    const dir = tempDir();
    // Kill the process as soon as the role exists (step 8 of 11).
    const killed = await new Promise<EngineEvent[]>((resolve) => {
      const child = spawn(process.execPath, [bin, 'exec', runbook, '--json', '--state-dir', dir, '--param', `EKS_CLUSTER_NAME=${cluster}`], { cwd: root, env: { ...process.env, ...env } });
      let out = '';
      child.stdout.on('data', (d) => {
        out += String(d);
        const done = out.split('\n').slice(0, -1).map((l) => JSON.parse(l) as EngineEvent);
        if (done.some((e) => e.type === 'step:end' && e.stepId === 'create-role')) child.kill('SIGKILL');
      });
      child.on('close', () => resolve(events(out.split('\n').slice(0, -1).join('\n'))));
    });
    expect(killed.some((e) => e.type === 'run:end')).toBe(false);
    // The lock of the dead run is stale, not a reason to refuse.
    const rerun = await exec(dir);
    expect(rerun.code).toBe(0);
    const statuses = Object.fromEntries(rerun.events.filter((e) => e.type === 'step:end').map((e) => [e.type === 'step:end' && e.stepId, e.type === 'step:end' && e.status]));
    expect(statuses['create-key']).toBe('skipped');
    expect(statuses['create-policy']).toBe('done');
    const r = await resources();
    expect([r.keys.length, r.aliases.length, r.roles.length, r.policies.length, r.attached.length, r.providers.length]).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('refuses a second concurrent run on the same state', async () => {
    const dir = tempDir();
    const slow = join(root, 'test/fixtures/exec/slow.md');
    const first = spawn(process.execPath, [bin, 'exec', slow, '--json', '--state-dir', dir], { cwd: root, env: { ...process.env, ...env } });
    const closed = new Promise((r) => first.on('close', r));
    // Wait until the first run has started its step (it holds the lock from before run:start).
    await new Promise<void>((resolve) => first.stdout.on('data', (d) => String(d).includes('step:start') && resolve()));
    const second = await runCli(['exec', slow, '--json', '--state-dir', dir], { env });
    await closed;
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(/another run holds the state in .*slow \(pid \d+/);
  });

  it('fails with the step, the call, the service error and what to do next, keeping earlier state', async () => {
    const dir = tempDir();
    const run = await runCli(['exec', runbook, '--json', '--state-dir', dir, '--param', 'EKS_CLUSTER_NAME=no-such-cluster'], { env }).then((r) => ({ ...r, events: events(r.stdout) }));
    expect(run.code).toBe(1);
    const failed = run.events.find((e) => e.type === 'step:end' && e.status === 'failed');
    expect(failed).toMatchObject({ stepId: 'oidc-issuer', error: { code: 'ResourceNotFoundException', hint: expect.stringMatching(/run .*again/) } });
    expect(run.events.find((e) => e.type === 'step:call' && e.stepId === 'oidc-issuer')).toMatchObject({ operation: 'EKS.DescribeCluster' });
    const state = JSON.parse(readFileSync(join(dir, 'vault-kms-aws', 'state.json'), 'utf8'));
    expect(state.steps['create-key'].status).toMatch(/done|adopted/);
    expect(state.variables.KEY_ARN.value).toMatch(/^arn:aws:kms:/);
  });
});
