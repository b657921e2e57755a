/**
 * runbooks/vault-k8s.md with the Cloud KMS seal, through the built CLI: its GCP values come from the
 * outputs a vault-kms-gcp run leaves in the state directory (written here as that run would write
 * them), and a seal's step refuses to run when its values are missing.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/events/types.js';
import { kubeconfig, startKubernetes, type KubernetesServer } from '../servers/kubernetes.js';
import { VaultCluster, attachVault } from '../servers/vault.js';
import { root, runCli } from '../support/cli.js';

let k8s: KubernetesServer;
let vault: VaultCluster;
let config: string;
const dirs: string[] = [];

const gcp = {
  GCP_PROJECT: 'vault-test-project',
  KMS_LOCATION: 'global',
  KMS_KEY_RING: 'vault-keyring',
  KMS_CRYPTO_KEY: 'vault-key',
  GSA_EMAIL: 'vault-unseal@vault-test-project.iam.gserviceaccount.com',
};

function stateDirWithGcpOutputs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-k8s-gcp-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'vault-kms-gcp'), { recursive: true });
  const state = {
    version: 1, runbook: 'vault-kms-gcp', updatedAt: new Date().toISOString(), params: {}, files: {}, steps: {}, runs: [],
    variables: Object.fromEntries(Object.entries(gcp).map(([k, value]) => [k, { value, exported: true, step: 'test' }])),
    outputs: Object.keys(gcp),
  };
  writeFileSync(join(dir, 'vault-kms-gcp', 'state.json'), JSON.stringify(state), { mode: 0o600 });
  return dir;
}

async function exec(stateDir: string, sealType: string) {
  const result = await runCli(['exec', join(root, 'runbooks', 'vault-k8s.md'), '--json', '--state-dir', stateDir, '--param', `SEAL_TYPE=${sealType}`], {
    env: { KUBECONFIG: config, METADATA_SERVER_DETECTION: 'none' },
  });
  return { ...result, events: result.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as EngineEvent) };
}

beforeAll(async () => {
  k8s = await startKubernetes({ podStartDelayMs: 100, probeIntervalMs: 25 });
  vault = new VaultCluster({ sealType: 'gcpckms' });
  attachVault(k8s.state, vault, { namespace: 'vault' });
  config = kubeconfig(k8s.url);
  dirs.push(join(config, '..'));
});

afterAll(async () => {
  vault?.stop();
  await k8s?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('vault-k8s.md with SEAL_TYPE=gcpckms', () => {
  it('refuses a seal whose values are missing, naming the runbook that provides them', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'runbook-k8s-empty-'));
    dirs.push(empty);
    const run = await exec(empty, 'awskms');
    expect(run.code).toBe(1);
    const failed = run.events.find((e) => e.type === 'step:end' && e.status === 'failed');
    expect(failed).toMatchObject({ stepId: 'irsa-annotation', error: { message: expect.stringMatching(/^IAM_ROLE_ARN: run the vault-kms-aws runbook first/) } });
  });

  it('deploys Vault with the Cloud KMS seal and Workload Identity from the GCP runbook\'s outputs', async () => {
    const stateDir = stateDirWithGcpOutputs();
    const run = await exec(stateDir, 'gcpckms');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const statuses = Object.fromEntries(run.events.flatMap((e) => (e.type === 'step:end' ? [[e.stepId, e.status]] : [])));
    expect(statuses).toMatchObject({ 'irsa-annotation': 'skipped', 'workload-identity-annotation': 'done', 'seal-awskms': 'skipped', 'seal-gcpckms': 'done', init: 'done', verify: 'done' });
    expect(k8s.state.get('serviceaccounts', 'vault', 'vault')?.metadata.annotations).toEqual({ 'iam.gke.io/gcp-service-account': gcp.GSA_EMAIL });
    const seal = k8s.state.get('configmaps', 'vault', 'vault-config')?.data?.['seal.hcl'];
    expect(seal).toBe(`seal "gcpckms" {\n  project    = "${gcp.GCP_PROJECT}"\n  region     = "global"\n  key_ring   = "vault-keyring"\n  crypto_key = "vault-key"\n}\n`);
    expect([vault.initialized, vault.recoveryShares, vault.recoveryThreshold]).toEqual([true, 5, 3]);
    expect([...vault.nodes.values()].every((n) => !n.sealed)).toBe(true);
    const init = JSON.parse(readFileSync(join(stateDir, 'vault-k8s', 'files', 'vault-init.json'), 'utf8'));
    expect(init.root_token).toBe(vault.rootToken);
    expect(run.stdout).not.toContain(vault.rootToken!);
  });
});
