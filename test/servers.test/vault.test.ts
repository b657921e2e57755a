import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeconfig, kubectl, startKubernetes, type KubernetesServer } from '../servers/kubernetes.js';
import { VaultCluster, attachVault, startVault } from '../servers/vault.js';
import { execIn } from './exec.js';


describe('vault test server: HTTP sys API (standalone)', () => {
  let servers: Awaited<ReturnType<typeof startVault>>[] = [];
  let cluster: VaultCluster;

  beforeAll(async () => {
    cluster = new VaultCluster({ sealType: 'gcpckms' });
    servers = await Promise.all(['vault-0', 'vault-1', 'vault-2'].map((node) => startVault({ cluster, node })));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    cluster.stop();
  });

  const call = async (i: number, method: string, path: string, body?: unknown) => {
    const res = await fetch(servers[i].url + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('reports uninitialized and sealed before init', async () => {
    expect(await call(0, 'GET', '/v1/sys/init')).toEqual({ status: 200, body: { initialized: false } });
    const s = await call(1, 'GET', '/v1/sys/seal-status');
    expect(s.body).toMatchObject({ type: 'gcpckms', initialized: false, sealed: true, t: 0, n: 0, recovery_seal: true, storage_type: 'raft' });
    expect((await call(0, 'GET', '/v1/sys/health')).status).toBe(501);
  });

  it('refuses secret_shares/secret_threshold on an auto seal', async () => {
    const r = await call(0, 'PUT', '/v1/sys/init', { secret_shares: 5, secret_threshold: 3 });
    expect(r).toEqual({ status: 400, body: { errors: ['parameters secret_shares,secret_threshold not applicable to seal type gcpckms'] } });
  });

  it('initializes with recovery keys, auto-unseals, and the other nodes join (retry_join)', async () => {
    const r = await call(0, 'PUT', '/v1/sys/init', { recovery_shares: 3, recovery_threshold: 2 });
    expect(r.status).toBe(200);
    expect(r.body.keys).toEqual([]);
    expect(r.body.keys_base64).toEqual([]);
    expect(r.body.recovery_keys).toHaveLength(3);
    expect(r.body.recovery_keys[0]).toMatch(/^[0-9a-f]+$/);
    expect(Buffer.from(r.body.recovery_keys_base64[0], 'base64').toString('hex')).toBe(r.body.recovery_keys[0]);
    expect(r.body.root_token).toMatch(/^hvs\.[A-Za-z0-9]{24}$/);
    for (const i of [0, 1, 2]) {
      const s = await call(i, 'GET', '/v1/sys/seal-status');
      expect(s.body).toMatchObject({ initialized: true, sealed: false, t: 2, n: 3, recovery_seal: true, recovery_seal_type: 'shamir' });
    }
    expect((await call(0, 'GET', '/v1/sys/health')).status).toBe(200);
    expect((await call(1, 'GET', '/v1/sys/health')).status).toBe(429);
    expect((await call(1, 'GET', '/v1/sys/health?standbyok=true')).status).toBe(200);
  });

  it('answers a second init with 400 "Vault is already initialized"', async () => {
    const r = await call(2, 'POST', '/v1/sys/init', { recovery_shares: 5, recovery_threshold: 3 });
    expect(r).toEqual({ status: 400, body: { errors: ['Vault is already initialized'] } });
    expect(cluster.initAttempts.map((a) => a.status)).toEqual([400, 200, 400]);
  });

  it('defaults recovery shares to 5/3 and lists raft peers with the root token', async () => {
    const c = new VaultCluster({ nodes: ['v0'] });
    const s = await startVault({ cluster: c });
    try {
      const r = await fetch(`${s.url}/v1/sys/init`, { method: 'PUT', body: '{}' }).then((x) => x.json() as Promise<any>);
      expect(r.recovery_keys).toHaveLength(5);
      expect((await fetch(`${s.url}/v1/sys/seal-status`).then((x) => x.json() as Promise<any>)).t).toBe(3);
      expect((await fetch(`${s.url}/v1/sys/storage/raft/configuration`)).status).toBe(403);
      const cfg = await fetch(`${s.url}/v1/sys/storage/raft/configuration`, { headers: { 'X-Vault-Token': r.root_token } }).then((x) => x.json() as Promise<any>);
      expect(cfg.data.config.servers).toEqual([{ node_id: 'v0', address: 'v0.vault-internal:8201', leader: true, protocol_version: '3', voter: true }]);
    } finally {
      await s.stop();
    }
  });

  it('without retry_join, nodes stay uninitialized until raft join', async () => {
    const c = new VaultCluster({ retryJoin: false });
    c.initialize(c.node('vault-0'), {});
    expect(c.node('vault-1').sealStatus()).toMatchObject({ initialized: false, sealed: true });
    const r = await c.node('vault-1').handle({ method: 'POST', url: '/v1/sys/storage/raft/join', headers: {}, body: Buffer.from('{"leader_api_addr":"http://vault-0.vault-internal:8200"}') });
    expect(JSON.parse(String(r.body))).toEqual({ joined: true });
    expect(c.node('vault-1').sealStatus()).toMatchObject({ initialized: true, sealed: false });
  });
});

describe('vault test server: CLI output', () => {
  it('vault status -format=json exits 2 when sealed and 0 when unsealed', async () => {
    const c = new VaultCluster();
    const n = c.node('vault-0');
    const sealed = await n.exec({ command: ['vault', 'status', '-format=json'] });
    expect(sealed.exitCode).toBe(2);
    expect(JSON.parse(sealed.stdout)).toMatchObject({ type: 'awskms', initialized: false, sealed: true, ha_enabled: true, recovery_seal: true });
    const table = await n.exec({ command: ['vault', 'status'] });
    expect(table.stdout).toContain('Seal Type                awskms');
    expect(table.stdout).toMatch(/Sealed\s+true/);
    const init = await n.exec({ command: ['vault', 'operator', 'init', '-recovery-shares=5', '-recovery-threshold=3', '-format=json'] });
    expect(init.exitCode).toBe(0);
    const j = JSON.parse(init.stdout);
    expect(Object.keys(j)).toEqual([
      'unseal_keys_b64',
      'unseal_keys_hex',
      'unseal_shares',
      'unseal_threshold',
      'recovery_keys_b64',
      'recovery_keys_hex',
      'recovery_keys_shares',
      'recovery_keys_threshold',
      'root_token',
    ]);
    expect(j).toMatchObject({ unseal_keys_b64: [], unseal_keys_hex: [], recovery_keys_shares: 5, recovery_keys_threshold: 3 });
    expect(j.recovery_keys_b64).toHaveLength(5);
    const unsealed = await n.exec({ command: ['/bin/sh', '-ec', 'vault status -tls-skip-verify -format=json'] });
    expect(unsealed.exitCode).toBe(0);
    expect(JSON.parse(unsealed.stdout)).toMatchObject({ initialized: true, sealed: false, is_self: true, leader_cluster_address: 'https://vault-0.vault-internal:8201' });
    const again = await n.exec({ command: ['vault', 'operator', 'init', '-key-shares=1', '-key-threshold=1', '-format=json'] });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toBe(
      'Error initializing: Error making API request.\n\nURL: PUT http://127.0.0.1:8200/v1/sys/init\nCode: 400. Errors:\n\n* parameters secret_shares,secret_threshold not applicable to seal type awskms\n',
    );
    const peers = await c.node('vault-1').exec({ command: ['sh', '-c', `VAULT_TOKEN=${j.root_token} vault operator raft list-peers`] });
    expect(peers.stdout.split('\n')[2]).toMatch(/^vault-0\s+vault-0\.vault-internal:8201\s+leader\s+true$/);
  });
});

describe('vault test server: behind the Kubernetes test server (pods vault-0..2)', () => {
  let k8s: KubernetesServer;
  let kc: KubeConfig;
  let file: string;
  let cluster: VaultCluster;

  const exec = (pod: string, command: string[]) => execIn(kc, 'vault', pod, 'vault', command);

  beforeAll(async () => {
    k8s = await startKubernetes({ podStartDelayMs: 50, probeIntervalMs: 20 });
    cluster = new VaultCluster({ sealType: 'awskms' });
    attachVault(k8s.state, cluster, { namespace: 'vault' });
    file = kubeconfig(k8s.url);
    kc = new KubeConfig();
    kc.loadFromFile(file);
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'vault' } } });
    await kc.makeApiClient(AppsV1Api).createNamespacedStatefulSet({
      namespace: 'vault',
      body: {
        metadata: { name: 'vault' },
        spec: {
          serviceName: 'vault-internal',
          replicas: 3,
          podManagementPolicy: 'Parallel',
          updateStrategy: { type: 'OnDelete' },
          selector: { matchLabels: { 'app.kubernetes.io/name': 'vault', component: 'server' } },
          template: {
            metadata: { labels: { 'app.kubernetes.io/name': 'vault', component: 'server' } },
            spec: {
              containers: [
                {
                  name: 'vault',
                  image: 'hashicorp/vault:1.18.1',
                  ports: [{ containerPort: 8200, name: 'http' }],
                  readinessProbe: { exec: { command: ['/bin/sh', '-ec', 'vault status -tls-skip-verify'] } },
                },
              ],
            },
          },
        },
      },
    });
    for (const p of ['vault-0', 'vault-1', 'vault-2']) await k8s.state.waitFor('pods', 'vault', p, (o) => o?.status?.phase === 'Running');
  });
  afterAll(async () => {
    await k8s?.stop();
    cluster?.stop();
    if (file) rmSync(dirname(file), { recursive: true, force: true });
  });

  it('pods are Running but not Ready while sealed; vault status exits 2', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const pods = await core.listNamespacedPod({ namespace: 'vault' });
    expect(pods.items.map((p) => [p.metadata?.name, p.status?.phase, p.status?.containerStatuses?.[0]?.ready])).toEqual([
      ['vault-0', 'Running', false],
      ['vault-1', 'Running', false],
      ['vault-2', 'Running', false],
    ]);
    const r = await exec('vault-0', ['vault', 'status', '-format=json']);
    expect(r.status).toMatchObject({ status: 'Failure', details: { causes: [{ reason: 'ExitCode', message: '2' }] } });
    expect(JSON.parse(r.stdout)).toMatchObject({ sealed: true, initialized: false });
  });

  it('seal status through the pod proxy', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const s = (await core.connectGetNamespacedPodProxyWithPath({ name: 'vault-1:8200', namespace: 'vault', path: 'v1/sys/seal-status' })) as any;
    const body = typeof s === 'string' ? JSON.parse(s) : s;
    expect(body).toMatchObject({ type: 'awskms', initialized: false, sealed: true });
  });

  it('init on vault-0 via exec makes all three pods Ready and the StatefulSet 3/3', async () => {
    const r = await exec('vault-0', ['vault', 'operator', 'init', '-recovery-shares=5', '-recovery-threshold=3', '-format=json']);
    expect(r.status.status).toBe('Success');
    const j = JSON.parse(r.stdout);
    expect(j.recovery_keys_b64).toHaveLength(5);
    expect(j.root_token).toBe(cluster.rootToken);
    const sts = await k8s.state.waitFor('statefulsets', 'vault', 'vault', (o) => o?.status?.readyReplicas === 3);
    expect(sts?.status).toMatchObject({ replicas: 3, readyReplicas: 3 });
    const s = await fetch(`${k8s.url}/api/v1/namespaces/vault/pods/vault-2:8200/proxy/v1/sys/seal-status`).then((x) => x.json() as Promise<any>);
    expect(s).toMatchObject({ initialized: true, sealed: false, recovery_seal: true });
  });

  it('kubectl exec reproduces the second-init failure with exit code 2', async () => {
    const e = await kubectl(file, ['exec', '-n', 'vault', 'vault-0', '-c', 'vault', '--', 'vault', 'operator', 'init', '-format=json']);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('* Vault is already initialized');
    const ok = await kubectl(file, ['exec', '-n', 'vault', 'vault-1', '--', 'vault', 'status']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/HA Mode\s+standby/);
  });
});
