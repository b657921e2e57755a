/**
 * AWS, then Kubernetes, end to end through the built CLI as a user runs it: runbooks/vault-kms-aws.md
 * against moto, then runbooks/vault-k8s.md against the Kubernetes test server with Vault nodes behind
 * the pods, sharing one state directory (the second takes KEY_ARN and IAM_ROLE_ARN from the first).
 * Then the Kubernetes runbook again with its state, and with its state folder deleted.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/events/types.js';
import { kubeconfig, startKubernetes, type KubernetesServer } from '../servers/kubernetes.js';
import { VaultCluster, attachVault } from '../servers/vault.js';
import { root, runCli, type CliResult } from '../support/cli.js';
import { motoEnv, startMoto, type Moto } from '../support/moto.js';

let moto: Moto;
let k8s: KubernetesServer;
let vault: VaultCluster;
let env: Record<string, string>;
let stateDir: string;
const dirs: string[] = [];
const outputs: CliResult[] = [];

const events = (stdout: string) => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as EngineEvent);

async function exec(runbook: string, extra: string[] = []) {
  const result = await runCli(['exec', join(root, 'runbooks', runbook), '--json', '--state-dir', stateDir, ...extra], { env });
  outputs.push(result);
  return { ...result, events: events(result.stdout) };
}

const k8sRunbook = () => exec('vault-k8s.md', ['--param', 'SEAL_TYPE=awskms']);

/** Every form in which Vault's recovery keys and root token could leak. */
function secrets(): string[] {
  expect(vault.rootToken).toBeTruthy();
  return [vault.rootToken!, ...vault.recoveryKeys.flatMap((k) => [k.toString('hex'), k.toString('base64')])];
}

function expectNoSecrets(text: string, where: string) {
  for (const s of secrets()) expect(text.includes(s), `${where} holds a Vault secret`).toBe(false);
}

/** Writes the API server saw since `from` (requests index), other than dry runs. */
function writesSince(from: number) {
  return k8s.state.requests.slice(from).filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) && !/dryRun=All/.test(r.query));
}

beforeAll(async () => {
  [moto, k8s] = await Promise.all([startMoto(), startKubernetes({ podStartDelayMs: 100, probeIntervalMs: 25 })]);
  const eks = new EKSClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  await eks.send(new CreateClusterCommand({ name: 'vault-test', roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: { subnetIds: ['subnet-1'] } }));
  eks.destroy();
  vault = new VaultCluster({ sealType: 'awskms' });
  attachVault(k8s.state, vault, { namespace: 'vault' });
  const config = kubeconfig(k8s.url);
  dirs.push(join(config, '..'));
  stateDir = mkdtempSync(join(tmpdir(), 'runbook-k8s-e2e-'));
  dirs.push(stateDir);
  env = { ...motoEnv(moto.endpoint), KUBECONFIG: config };
});

afterAll(async () => {
  vault?.stop();
  await Promise.all([k8s?.stop(), moto?.stop()]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('vault-kms-aws.md then vault-k8s.md', () => {
  it('deploys Vault on Kubernetes unsealed by the key and role the AWS runbook created', async () => {
    const aws = await exec('vault-kms-aws.md', ['--param', 'EKS_CLUSTER_NAME=vault-test']);
    expect(aws.code, aws.stderr).toBe(0);
    const awsState = JSON.parse(readFileSync(join(stateDir, 'vault-kms-aws', 'state.json'), 'utf8'));
    const roleArn = awsState.variables.IAM_ROLE_ARN.value as string;
    const keyArn = awsState.variables.KEY_ARN.value as string;
    expect(roleArn).toMatch(/^arn:aws:iam::\d{12}:role\/vault-role$/);
    expect(keyArn).toMatch(/^arn:aws:kms:us-east-1:\d{12}:key\//);

    // Neither ARN is passed by hand: the Kubernetes runbook takes them from the AWS runbook's state.
    const run = await k8sRunbook();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const statuses = Object.fromEntries(run.events.flatMap((e) => (e.type === 'step:end' ? [[e.stepId, e.status]] : [])));
    expect(statuses).toMatchObject({
      namespace: 'done', 'service-account': 'done', 'irsa-annotation': 'done', 'workload-identity-annotation': 'skipped',
      'seal-awskms': 'done', 'seal-gcpckms': 'skipped', 'server-config': 'done', rbac: 'done', services: 'done', statefulset: 'done',
      'wait-running': 'done', init: 'done', verify: 'done', 'helm-install': 'skipped',
    });
    const calls = run.events.flatMap((e) => (e.type === 'step:call' ? [e.display] : []));
    expect(calls).toContain('K8s.Create Namespace vault');
    expect(calls).toContain('K8s.ServerSideApply StatefulSet vault/vault');
    expect(calls).toContain('K8s.Exec vault/vault-0 vault operator init -recovery-shares=5 -recovery-threshold=3 -format=json');

    const sa = k8s.state.get('serviceaccounts', 'vault', 'vault');
    expect(sa?.metadata.annotations?.['eks.amazonaws.com/role-arn']).toBe(roleArn);
    const seal = k8s.state.get('configmaps', 'vault', 'vault-config')?.data?.['seal.hcl'] as string;
    expect(seal).toContain('seal "awskms"');
    expect(seal).toContain(`kms_key_id = "${keyArn}"`);
    expect(seal).toContain('region     = "us-east-1"');
    expect(k8s.state.get('configmaps', 'vault', 'vault-config')?.data?.['vault.hcl']).toMatch(/retry_join[\s\S]*vault-2\.vault-internal/);
    const sts = k8s.state.get('statefulsets', 'vault', 'vault');
    expect(sts?.spec.template.spec.serviceAccountName).toBe('vault');
    expect(sts?.spec.template.spec.containers[0].image).toBe('hashicorp/vault:1.18.1');
    // `\$(POD_IP)` in the heredoc reaches Kubernetes as its own `$(POD_IP)` expansion, not the shell's.
    expect(sts?.spec.template.spec.containers[0].env).toContainEqual({ name: 'VAULT_API_ADDR', value: 'http://$(POD_IP):8200' });
    expect(k8s.state.list('pods', 'vault').map((p) => [p.metadata.name, p.status.phase])).toEqual([['vault-0', 'Running'], ['vault-1', 'Running'], ['vault-2', 'Running']]);

    expect(vault.initialized).toBe(true);
    expect([vault.recoveryShares, vault.recoveryThreshold]).toEqual([5, 3]);
    expect([...vault.nodes.values()].map((n) => [n.name, n.initialized, n.sealed])).toEqual([['vault-0', true, false], ['vault-1', true, false], ['vault-2', true, false]]);
    expect(vault.initAttempts.map((a) => [a.node, a.status])).toEqual([['vault-0', 200]]);

    // The keys are in the init file, owner-only, and nowhere else.
    const initFile = join(stateDir, 'vault-k8s', 'files', 'vault-init.json');
    expect(statSync(initFile).mode & 0o777).toBe(0o600);
    const init = JSON.parse(readFileSync(initFile, 'utf8'));
    expect(init.root_token).toBe(vault.rootToken);
    expect(init.recovery_keys_hex).toEqual(vault.recoveryKeys.map((k) => k.toString('hex')));
    for (const [i, out] of outputs.entries()) {
      expectNoSecrets(out.stdout, `stdout of run ${i + 1}`);
      expectNoSecrets(out.stderr, `stderr of run ${i + 1}`);
    }
    for (const f of readdirSync(join(stateDir, 'runs'))) expectNoSecrets(readFileSync(join(stateDir, 'runs', f), 'utf8'), `run record ${f}`);
    expectNoSecrets(readFileSync(join(stateDir, 'vault-k8s', 'state.json'), 'utf8'), 'state.json');
  });

  it('a second run with its state skips every step and writes nothing', async () => {
    const before = k8s.state.requests.length;
    const run = await k8sRunbook();
    expect(run.code, run.stderr).toBe(0);
    expect(run.events.filter((e) => e.type === 'step:call')).toEqual([]);
    expect(run.events.filter((e) => e.type === 'step:end').every((e) => e.type === 'step:end' && e.status === 'skipped')).toBe(true);
    expect(writesSince(before)).toEqual([]);
    expect(vault.initAttempts).toHaveLength(1);
  });

  it('with its state folder deleted, adopts what exists, creates nothing and does not initialize Vault again', async () => {
    rmSync(join(stateDir, 'vault-k8s'), { recursive: true });
    const before = k8s.state.requests.length;
    const objectsBefore = k8s.state.events().length;
    const run = await k8sRunbook();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.events.filter((e) => e.type === 'step:call' && e.mutating)).toEqual([]);
    const adopted = run.events.flatMap((e) => (e.type === 'step:adopt' ? [[e.stepId, e.operation, e.outcome]] : []));
    expect(adopted).toEqual([
      ['namespace', 'K8s.Create', 'adopted'],
      ['service-account', 'K8s.Create', 'adopted'],
      ['irsa-annotation', 'K8s.Annotate', 'adopted'],
      ['server-config', 'K8s.ServerSideApply', 'adopted'],
      ['rbac', 'K8s.ServerSideApply', 'adopted'],
      ['services', 'K8s.ServerSideApply', 'adopted'],
      ['statefulset', 'K8s.ServerSideApply', 'adopted'],
      ['init', 'K8s.Exec', 'adopted'],
    ]);
    const init = run.events.find((e) => e.type === 'step:adopt' && e.stepId === 'init');
    expect(init).toMatchObject({ detail: expect.stringMatching(/already initialized/) });
    // Nothing was written (dry runs aside), no object changed, Vault was not initialized again.
    expect(writesSince(before)).toEqual([]);
    expect(k8s.state.events().length).toBe(objectsBefore);
    expect(vault.initAttempts).toHaveLength(1);
    expect(k8s.state.list('pods', 'vault')).toHaveLength(3);
    expectNoSecrets(run.stdout, 'stdout');
    for (const f of readdirSync(join(stateDir, 'runs'))) expectNoSecrets(readFileSync(join(stateDir, 'runs', f), 'utf8'), `run record ${f}`);
  });
});
