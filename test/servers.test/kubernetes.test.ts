import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  RbacAuthorizationV1Api,
  Watch,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonResponse } from '../servers/http.js';
import { execIn } from './exec.js';
import { kubeconfig, kubectl as kubectlRun, startKubernetes, type KubernetesServer } from '../servers/kubernetes.js';


let k8s: KubernetesServer;
let kc: KubeConfig;
let file: string;
let core: CoreV1Api;
let apps: AppsV1Api;
let objects: KubernetesObjectApi;

async function apiError(p: Promise<unknown>): Promise<ApiException<any>> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) return e;
    throw e;
  }
  throw new Error('expected an ApiException');
}

function statusOf(e: ApiException<any>): any {
  return typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
}

const exec = (ns: string, pod: string, container: string, command: string[]) => execIn(kc, ns, pod, container, command);

beforeAll(async () => {
  k8s = await startKubernetes({ podStartDelayMs: 100, probeIntervalMs: 25 });
  file = kubeconfig(k8s.url);
  kc = new KubeConfig();
  kc.loadFromFile(file);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
  objects = KubernetesObjectApi.makeApiClient(kc);
});

afterAll(async () => {
  await k8s?.stop();
  if (file) rmSync(dirname(file), { recursive: true, force: true });
});

const kubectl = (...args: string[]) => kubectlRun(file, args);

describe('kubernetes test server: core semantics through @kubernetes/client-node', () => {
  it('creates a namespace (201) and answers 409 AlreadyExists on the second create', async () => {
    const ns = await core.createNamespace({ body: { metadata: { name: 'vault' } } });
    expect(ns.metadata?.uid).toBeTruthy();
    expect(ns.metadata?.resourceVersion).toBeTruthy();
    expect(ns.status?.phase).toBe('Active');
    const e = await apiError(core.createNamespace({ body: { metadata: { name: 'vault' } } }));
    expect(e.code).toBe(409);
    const st = statusOf(e);
    expect(st).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'AlreadyExists', code: 409, details: { name: 'vault', kind: 'namespaces' } });
    expect(st.message).toBe('namespaces "vault" already exists');
    const read = await core.readNamespace({ name: 'vault' });
    expect(read.metadata?.uid).toBe(ns.metadata?.uid);
  });

  it('answers 404 NotFound for a missing object and for a create in a missing namespace', async () => {
    const e = await apiError(core.readNamespacedServiceAccount({ name: 'nope', namespace: 'vault' }));
    expect(e.code).toBe(404);
    expect(statusOf(e)).toMatchObject({ reason: 'NotFound', message: 'serviceaccounts "nope" not found' });
    const e2 = await apiError(core.createNamespacedConfigMap({ namespace: 'missing', body: { metadata: { name: 'x' } } }));
    expect(e2.code).toBe(404);
    expect(statusOf(e2)).toMatchObject({ reason: 'NotFound', message: 'namespaces "missing" not found' });
  });

  it('rejects invalid names with 422 Invalid', async () => {
    const e = await apiError(core.createNamespacedConfigMap({ namespace: 'vault', body: { metadata: { name: 'Bad_Name' } } }));
    expect(e.code).toBe(422);
    expect(statusOf(e)).toMatchObject({ reason: 'Invalid', details: { kind: 'ConfigMap', causes: [{ field: 'metadata.name' }] } });
  });

  it('creates the default service account in a new namespace (controller)', async () => {
    await k8s.state.waitFor('serviceaccounts', 'vault', 'default', (o) => !!o);
    const list = await core.listNamespacedServiceAccount({ namespace: 'vault' });
    expect(list.items.map((s) => s.metadata?.name)).toContain('default');
  });

  it('merge-patches a service account annotation with PatchStrategy.MergePatch', async () => {
    await core.createNamespacedServiceAccount({ namespace: 'vault', body: { metadata: { name: 'vault', labels: { a: '1' } } } });
    const patched = await core.patchNamespacedServiceAccount(
      { name: 'vault', namespace: 'vault', body: { metadata: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/vault-role' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(patched.metadata?.annotations?.['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::123456789012:role/vault-role');
    expect(patched.metadata?.labels).toEqual({ a: '1' });
    const req = k8s.state.requests.filter((r) => r.method === 'PATCH').at(-1);
    expect(req?.contentType).toBe('application/merge-patch+json');
    expect(req?.authorization).toBe('Bearer test-token');
    // null removes a key (RFC 7386)
    const removed = await core.patchNamespacedServiceAccount(
      { name: 'vault', namespace: 'vault', body: { metadata: { labels: { a: null } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(removed.metadata?.labels ?? {}).toEqual({});
  });

  it('applies a JSON patch (the generated client default content type) and 422s a failing test op', async () => {
    await core.createNamespacedConfigMap({ namespace: 'vault', body: { metadata: { name: 'jp' }, data: { a: '1' } } });
    const cm = await core.patchNamespacedConfigMap({
      name: 'jp',
      namespace: 'vault',
      body: [
        { op: 'add', path: '/data/b', value: '2' },
        { op: 'replace', path: '/data/a', value: 'one' },
      ],
    });
    expect(cm.data).toEqual({ a: 'one', b: '2' });
    const e = await apiError(core.patchNamespacedConfigMap({ name: 'jp', namespace: 'vault', body: [{ op: 'test', path: '/data/a', value: 'zzz' }] }));
    expect(e.code).toBe(422);
  });

  it('replace (PUT) with a stale resourceVersion answers 409 Conflict; a fresh one succeeds', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: 'vault', body: { metadata: { name: 'cfg' }, data: { k: 'v1' } } });
    const updated = await core.replaceNamespacedConfigMap({ name: 'cfg', namespace: 'vault', body: { ...created, data: { k: 'v2' } } });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
    expect(updated.metadata?.uid).toBe(created.metadata?.uid);
    const e = await apiError(core.replaceNamespacedConfigMap({ name: 'cfg', namespace: 'vault', body: { ...created, data: { k: 'v3' } } }));
    expect(e.code).toBe(409);
    expect(statusOf(e)).toMatchObject({ reason: 'Conflict' });
    expect(statusOf(e).message).toContain('the object has been modified');
  });

  it('converts Secret stringData to base64 data', async () => {
    const s = await core.createNamespacedSecret({ namespace: 'vault', body: { metadata: { name: 's' }, stringData: { token: 'abc' } } });
    expect(s.data).toEqual({ token: Buffer.from('abc').toString('base64') });
    expect(s.type).toBe('Opaque');
    const e = await apiError(core.createNamespacedSecret({ namespace: 'vault', body: { metadata: { name: 's2' }, data: { token: 'not base64!' } } }));
    expect(e.code).toBe(400);
  });

  it('deletes objects (Status for configmaps) and lists with label selectors', async () => {
    await core.createNamespacedConfigMap({ namespace: 'vault', body: { metadata: { name: 'l1', labels: { app: 'x', tier: 'a' } } } });
    await core.createNamespacedConfigMap({ namespace: 'vault', body: { metadata: { name: 'l2', labels: { app: 'x', tier: 'b' } } } });
    const sel = await core.listNamespacedConfigMap({ namespace: 'vault', labelSelector: 'app=x,tier in (b)' });
    expect(sel.items.map((c) => c.metadata?.name)).toEqual(['l2']);
    const st = await core.deleteNamespacedConfigMap({ name: 'l1', namespace: 'vault' });
    expect(st).toMatchObject({ status: 'Success' });
    await apiError(core.readNamespacedConfigMap({ name: 'l1', namespace: 'vault' })).then((e) => expect(e.code).toBe(404));
  });

  it('serves RBAC and policy resources', async () => {
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const crb = await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'vault-server-binding' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
        subjects: [{ kind: 'ServiceAccount', name: 'vault', namespace: 'vault' }],
      },
    });
    expect(crb.metadata?.uid).toBeTruthy();
    const e = await apiError(rbac.createClusterRoleBinding({ body: { metadata: { name: 'vault-server-binding' }, roleRef: crb.roleRef } }));
    expect(e.code).toBe(409);
  });
});

describe('kubernetes test server: KubernetesObjectApi (discovery, create, server-side apply)', () => {
  it('creates from a manifest using discovery and reads it back', async () => {
    const svc = await objects.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'vault-internal', namespace: 'vault' },
      spec: { clusterIP: 'None', ports: [{ name: 'http', port: 8200 }], selector: { app: 'vault' } },
    } as any);
    expect((svc as any).spec.clusterIP).toBe('None');
    const read = await objects.read({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'vault-internal', namespace: 'vault' } });
    expect(read.metadata?.uid).toBe(svc.metadata?.uid);
    const e = await apiError(objects.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'vault-internal', namespace: 'vault' }, spec: { clusterIP: 'None' } } as any));
    expect(e.code).toBe(409);
  });

  it('server-side apply creates when absent and merges on re-apply', async () => {
    const pdb = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'vault', namespace: 'vault' },
      spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'vault' } } },
    };
    const created = await objects.patch(pdb as any, undefined, undefined, 'runbook', true, PatchStrategy.ServerSideApply);
    expect(created.metadata?.generation).toBe(1);
    const req = k8s.state.requests.filter((r) => r.method === 'PATCH').at(-1)!;
    expect(req.contentType).toBe('application/apply-patch+yaml');
    expect(req.query).toContain('fieldManager=runbook');
    expect(req.status).toBe(201);
    const again = await objects.patch({ ...pdb, metadata: { ...pdb.metadata, labels: { x: 'y' } } } as any, undefined, undefined, 'runbook', true, PatchStrategy.ServerSideApply);
    expect(again.metadata?.labels).toEqual({ x: 'y' });
    expect(again.metadata?.uid).toBe(created.metadata?.uid);
    expect(again.metadata?.managedFields?.some((m: { manager?: string; operation?: string }) => m.manager === 'runbook' && m.operation === 'Apply')).toBe(true);
    // fieldManager is required for apply
    const e = await apiError(objects.patch(pdb as any, undefined, undefined, undefined, undefined, PatchStrategy.ServerSideApply));
    expect(e.code).toBe(400);
  });

  it('strategic merge patch merges containers by name', async () => {
    await apps.createNamespacedDeployment({
      namespace: 'vault',
      body: {
        metadata: { name: 'vault-agent-injector' },
        spec: {
          selector: { matchLabels: { app: 'inj' } },
          template: { metadata: { labels: { app: 'inj' } }, spec: { containers: [{ name: 'sidecar-injector', image: 'hashicorp/vault-k8s:1.4.2' }, { name: 'other', image: 'busybox:1' }] } },
        },
      },
    });
    const patched = await apps.patchNamespacedDeployment(
      { name: 'vault-agent-injector', namespace: 'vault', body: { spec: { template: { spec: { containers: [{ name: 'sidecar-injector', image: 'hashicorp/vault-k8s:1.5.0' }] } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(patched.spec?.template.spec?.containers.map((c) => `${c.name}=${c.image}`)).toEqual(['sidecar-injector=hashicorp/vault-k8s:1.5.0', 'other=busybox:1']);
    expect(patched.metadata?.generation).toBe(2);
    const ready = await k8s.state.waitFor('deployments', 'vault', 'vault-agent-injector', (o) => o?.status?.availableReplicas === 1);
    expect(ready?.status?.observedGeneration).toBe(2);
  });
});

describe('kubernetes test server: workloads, scale, finalizers, content types', () => {
  const dep = (image: string) => ({
    metadata: { name: 'shop' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'shop' } }, template: { metadata: { labels: { app: 'shop' } }, spec: { containers: [{ name: 'shop', image }] } } },
  });
  const owned = (kind: string, uid: string) => (o: any) => o.metadata.ownerReferences?.some((r: any) => r.kind === kind && r.uid === uid);

  it('a Deployment gets a ReplicaSet per template (revision annotations) and pods; its status counts them', async () => {
    await core.createNamespace({ body: { metadata: { name: 'shop' } } });
    const created = await apps.createNamespacedDeployment({ namespace: 'shop', body: dep('nginx:1.26') });
    const ready = await k8s.state.waitFor('deployments', 'shop', 'shop', (o) => o?.status?.availableReplicas === 2);
    expect(ready?.status).toMatchObject({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2 });
    expect(ready?.metadata.annotations['deployment.kubernetes.io/revision']).toBe('1');
    const [rs1] = k8s.state.list('replicasets', 'shop').filter(owned('Deployment', created.metadata!.uid!));
    expect(rs1!.metadata.name).toMatch(/^shop-[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(rs1!.spec.selector.matchLabels['pod-template-hash']).toBe(rs1!.metadata.name.slice('shop-'.length));
    expect(k8s.state.list('pods', 'shop').filter(owned('ReplicaSet', rs1!.metadata.uid))).toHaveLength(2);
    // A new template: a second ReplicaSet (revision 2), the first scaled to 0.
    await apps.patchNamespacedDeployment({ name: 'shop', namespace: 'shop', body: { spec: { template: { spec: { containers: [{ name: 'shop', image: 'nginx:1.27' }] } } } } }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
    await k8s.state.waitFor('deployments', 'shop', 'shop', (o) => o?.metadata.annotations['deployment.kubernetes.io/revision'] === '2' && o?.status?.updatedReplicas === 2 && o?.status?.replicas === 2);
    expect(k8s.state.get('replicasets', 'shop', rs1!.metadata.name)?.spec.replicas).toBe(0);
    // The first template again (a rollback): its ReplicaSet comes back with revision 3.
    await apps.patchNamespacedDeployment({ name: 'shop', namespace: 'shop', body: { spec: { template: { spec: { containers: [{ name: 'shop', image: 'nginx:1.26' }] } } } } }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
    const back = await k8s.state.waitFor('replicasets', 'shop', rs1!.metadata.name, (o) => o?.spec.replicas === 2);
    expect(back?.metadata.annotations['deployment.kubernetes.io/revision']).toBe('3');
  });

  it('serves the scale subresource (autoscaling/v1 Scale) of deployments, listed in discovery', async () => {
    const scale = await (await fetch(`${k8s.url}/apis/apps/v1/namespaces/shop/deployments/shop/scale`)).json();
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'shop', namespace: 'shop' }, spec: { replicas: 2 }, status: { replicas: 2, selector: 'app=shop' } });
    const patched = await fetch(`${k8s.url}/apis/apps/v1/namespaces/shop/deployments/shop/scale`, { method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: '{"spec":{"replicas":3}}' });
    expect((await patched.json()).spec.replicas).toBe(3);
    expect(k8s.state.get('deployments', 'shop', 'shop')?.spec.replicas).toBe(3);
    const stale = await fetch(`${k8s.url}/apis/apps/v1/namespaces/shop/deployments/shop/scale`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...scale, spec: { replicas: 1 } }) });
    expect(stale.status).toBe(409);
    const apps1 = await (await fetch(`${k8s.url}/apis/apps/v1`)).json();
    expect(apps1.resources.find((r: any) => r.name === 'deployments/scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
  });

  it('keeps an object with finalizers, marked for deletion, until the last one is removed', async () => {
    await core.createNamespacedConfigMap({ namespace: 'shop', body: { metadata: { name: 'held', finalizers: ['example.com/hold'] } } });
    await core.deleteNamespacedConfigMap({ name: 'held', namespace: 'shop' });
    const held = k8s.state.get('configmaps', 'shop', 'held');
    expect(held?.metadata.deletionTimestamp).toBeTruthy();
    await core.patchNamespacedConfigMap({ name: 'held', namespace: 'shop', body: { metadata: { finalizers: null } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect(k8s.state.get('configmaps', 'shop', 'held')).toBeUndefined();
  });

  it('answers JSON: a protobuf-only Accept gets 406, a protobuf body of a kind it cannot decode 415', async () => {
    const notAcceptable = await fetch(`${k8s.url}/api/v1/namespaces`, { headers: { accept: 'application/vnd.kubernetes.protobuf' } });
    expect(notAcceptable.status).toBe(406);
    expect(await notAcceptable.json()).toMatchObject({ kind: 'Status', reason: 'NotAcceptable', code: 406 });
    const both = await fetch(`${k8s.url}/api/v1/namespaces`, { headers: { accept: 'application/vnd.kubernetes.protobuf,application/json' } });
    expect(both.status).toBe(200);
    const unknownKind = Buffer.concat([Buffer.from('k8s\u0000'), Buffer.from([0x0a, 0x0b, 0x0a, 0x02, 0x76, 0x31, 0x12, 0x05, 0x57, 0x68, 0x61, 0x74, 0x3f])]);
    const refused = await fetch(`${k8s.url}/api/v1/namespaces/shop/configmaps`, { method: 'POST', headers: { 'content-type': 'application/vnd.kubernetes.protobuf' }, body: unknownKind });
    expect(refused.status).toBe(415);
  });
});

describe('kubernetes test server: StatefulSet controller, exec and pod proxy', () => {
  const sts = {
    metadata: { name: 'web' },
    spec: {
      serviceName: 'web-internal',
      replicas: 3,
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27', readinessProbe: { exec: { command: ['/bin/ready'] } } }] },
      },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  };

  it('creates pods <name>-0..N-1, Pending then Running, not ready, with PVCs', async () => {
    for (let i = 0; i < 3; i++)
      k8s.state.registerPod('vault', `web-${i}`, {
        exec: ({ command }) =>
          command[0] === '/bin/ready' ? { exitCode: 1 } : command[0] === 'echo' ? { stdout: command.slice(1).join(' ') + '\n', exitCode: 0 } : { stderr: 'boom\n', exitCode: 3 },
        proxy: { 8080: (req) => jsonResponse(200, { path: req.url, method: req.method }) },
      });
    await apps.createNamespacedStatefulSet({ namespace: 'vault', body: sts });
    const p0 = await k8s.state.waitFor('pods', 'vault', 'web-0', (o) => !!o);
    expect(p0?.status?.phase).toBe('Pending');
    expect(p0?.metadata?.labels).toMatchObject({ app: 'web', 'statefulset.kubernetes.io/pod-name': 'web-0' });
    for (let i = 0; i < 3; i++) await k8s.state.waitFor('pods', 'vault', `web-${i}`, (o) => o?.status?.phase === 'Running');
    const pods = await core.listNamespacedPod({ namespace: 'vault', labelSelector: 'app=web' });
    expect(pods.items.map((p) => p.metadata?.name)).toEqual(['web-0', 'web-1', 'web-2']);
    expect(pods.items.every((p) => p.status?.containerStatuses?.[0]?.ready === false)).toBe(true);
    const pvc = await core.readNamespacedPersistentVolumeClaim({ name: 'data-web-1', namespace: 'vault' });
    expect(pvc.status?.phase).toBe('Bound');
    const s = await apps.readNamespacedStatefulSet({ name: 'web', namespace: 'vault' });
    expect(s.status).toMatchObject({ replicas: 3, currentReplicas: 3 });
    expect(s.status?.readyReplicas ?? 0).toBe(0);
  });

  it('pod readiness is controllable and reflected in the StatefulSet status', async () => {
    k8s.state.setPodReady('vault', 'web-0', true);
    await k8s.state.waitFor('statefulsets', 'vault', 'web', (o) => o?.status?.readyReplicas === 1);
    const p = await core.readNamespacedPod({ name: 'web-0', namespace: 'vault' });
    expect(p.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('runs exec commands over WebSocket with stdout, stderr and exit codes', async () => {
    const ok = await exec('vault', 'web-1', 'web', ['echo', 'hello', 'world']);
    expect(ok.stdout).toBe('hello world\n');
    expect(ok.status.status).toBe('Success');
    const bad = await exec('vault', 'web-1', 'web', ['false']);
    expect(bad.stderr).toBe('boom\n');
    expect(bad.status).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } });
  });

  it('proxies HTTP to the handler registered for the pod port', async () => {
    const body = await core.connectGetNamespacedPodProxyWithPath({ name: 'web-2:8080', namespace: 'vault', path: 'v1/sys/seal-status' });
    // client-node parses an application/json proxy response into an object
    expect(typeof body === 'string' ? JSON.parse(body) : body).toEqual({ path: '/v1/sys/seal-status', method: 'GET' });
    const res = await fetch(`${k8s.url}/api/v1/namespaces/vault/pods/web-2:8080/proxy/a/b?x=1`, { method: 'PUT', headers: { authorization: 'Bearer test-token' }, body: '{}' });
    expect(await res.json()).toEqual({ path: '/a/b?x=1', method: 'PUT' });
    // without a port: the only registered port is used
    const noPort = await fetch(`${k8s.url}/api/v1/namespaces/vault/pods/web-2/proxy/healthz`);
    expect(await noPort.json()).toEqual({ path: '/healthz', method: 'GET' });
    const refused = await fetch(`${k8s.url}/api/v1/namespaces/vault/pods/web-2:9999/proxy/`, { headers: { authorization: 'Bearer test-token' } });
    expect(refused.status).toBe(503);
  });

  it('recreates a deleted pod and garbage-collects pods when the StatefulSet is deleted', async () => {
    const before = await core.readNamespacedPod({ name: 'web-1', namespace: 'vault' });
    await core.deleteNamespacedPod({ name: 'web-1', namespace: 'vault' });
    const after = await k8s.state.waitFor('pods', 'vault', 'web-1', (o) => !!o && o.metadata.uid !== before.metadata?.uid);
    expect(after?.metadata?.name).toBe('web-1');
    await apps.deleteNamespacedStatefulSet({ name: 'web', namespace: 'vault' });
    await k8s.state.waitFor('pods', 'vault', 'web-0', (o) => !o);
    expect(k8s.state.list('pods', 'vault').filter((p) => p.metadata.name.startsWith('web-'))).toEqual([]);
    expect(k8s.state.get('pvc', 'vault', 'data-web-0')).toBeTruthy(); // PVCs are retained
  });

  it('OrderedReady creates the next pod only when the previous one is Running and Ready', async () => {
    await apps.createNamespacedStatefulSet({
      namespace: 'vault',
      body: { ...sts, metadata: { name: 'ord' }, spec: { ...sts.spec, podManagementPolicy: 'OrderedReady', replicas: 2, volumeClaimTemplates: [], selector: { matchLabels: { app: 'ord' } }, template: { ...sts.spec.template, metadata: { labels: { app: 'ord' } } } } },
    });
    await k8s.state.waitFor('pods', 'vault', 'ord-0', (o) => o?.status?.phase === 'Running');
    await new Promise((r) => setTimeout(r, 150));
    expect(k8s.state.get('pods', 'vault', 'ord-1')).toBeUndefined();
    k8s.state.setPodReady('vault', 'ord-0', true);
    await k8s.state.waitFor('pods', 'vault', 'ord-1', (o) => !!o);
  });

  it('streams watch events (client-node Watch)', async () => {
    const seen: string[] = [];
    const w = new Watch(kc);
    const req = await w.watch('/api/v1/namespaces/vault/configmaps', {}, (type, obj) => seen.push(`${type}:${obj.metadata.name}`), () => {});
    await core.createNamespacedConfigMap({ namespace: 'vault', body: { metadata: { name: 'watched' } } });
    await new Promise((r) => setTimeout(r, 100));
    req.abort();
    expect(seen).toContain('ADDED:watched');
  });
});

describe('kubernetes test server: discovery as kube-apiserver publishes it', () => {
  it('lists each group version by resource name, with shortNames and categories, groups in apiserver order', async () => {
    const get = async (path: string) => (await fetch(`${k8s.url}${path}`)).json() as Promise<any>;
    const core = await get('/api/v1');
    const names = core.resources.map((r: { name: string }) => r.name);
    expect(names).toEqual([...names].sort());
    expect(core.resources.find((r: { name: string }) => r.name === 'pods')).toMatchObject({ kind: 'Pod', shortNames: ['po'], categories: ['all'] });
    expect((await get('/apis')).groups.map((g: { name: string }) => g.name)).toEqual(['apps', 'autoscaling', 'batch', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io']);
    const inAll = [];
    for (const gv of ['/api/v1', '/apis/apps/v1', '/apis/autoscaling/v2', '/apis/batch/v1'])
      inAll.push(...(await get(gv)).resources.filter((r: { categories?: string[] }) => r.categories?.includes('all')).map((r: { name: string }) => r.name));
    expect(inAll).toEqual(['pods', 'replicationcontrollers', 'services', 'daemonsets', 'deployments', 'replicasets', 'statefulsets', 'horizontalpodautoscalers', 'cronjobs', 'jobs']);
  });
});

describe('kubernetes test server: token check', () => {
  it('answers 401 Unauthorized when a token is required and the client sends another', async () => {
    const strict = await startKubernetes({ token: 'right' });
    try {
      const dir = dirname(file);
      const c = new KubeConfig();
      c.loadFromFile(kubeconfig(strict.url, { token: 'wrong', dir, contextName: 'wrong' }));
      const e = await apiError(c.makeApiClient(CoreV1Api).listNamespace());
      expect(e.code).toBe(401);
      const ok = new KubeConfig();
      ok.loadFromFile(kubeconfig(strict.url, { token: 'right', dir, contextName: 'right' }));
      expect((await ok.makeApiClient(CoreV1Api).listNamespace()).items.length).toBeGreaterThan(0);
    } finally {
      await strict.stop();
    }
  });
});

describe('kubernetes test server: kubectl', () => {
  it('kubectl get ns works over plain http with the token kubeconfig', async () => {
    const { stdout, code } = await kubectl('get', 'ns');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^NAME\s+STATUS\s+AGE/);
    expect(stdout).toMatch(/\nvault\s+Active\s+/);
  });

  it('kubectl -o json and exec', async () => {
    const { stdout } = await kubectl('get', 'sa', 'vault', '-n', 'vault', '-o', 'json');
    expect(JSON.parse(stdout).metadata.annotations['eks.amazonaws.com/role-arn']).toContain('vault-role');
    k8s.state.registerPod('vault', 'ord-0', { exec: ({ command }) => ({ stdout: `ran ${command.join(' ')}\n`, exitCode: command.includes('fail') ? 2 : 0 }) });
    const ok = await kubectl('exec', '-n', 'vault', 'ord-0', '--', 'vault', 'status');
    expect(ok).toMatchObject({ stdout: 'ran vault status\n', code: 0 });
    const failed = await kubectl('exec', '-n', 'vault', 'ord-0', '--', 'fail');
    expect(failed.code).toBe(2);
  });

  it('kubectl create (protobuf bodies) answers AlreadyExists like a real server', async () => {
    expect((await kubectl('create', 'ns', 'demo')).stdout).toBe('namespace/demo created\n');
    const again = await kubectl('create', 'ns', 'demo');
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('Error from server (AlreadyExists): namespaces "demo" already exists\n');
    await kubectl('create', 'secret', 'generic', 'pw', '-n', 'demo', '--from-literal=pw=hunter2');
    expect(k8s.state.get('secrets', 'demo', 'pw')?.data).toEqual({ pw: Buffer.from('hunter2').toString('base64') });
    expect(k8s.state.requests.find((r) => r.method === 'POST' && r.path === '/api/v1/namespaces' && r.userAgent?.startsWith('kubectl'))?.contentType).toBe('application/vnd.kubernetes.protobuf');
  });

  it("kubectl's generators send protobuf bodies that decode to the object its --dry-run=client -o json prints", async () => {
    /** The printed object without what JSON shows of unset structs (`{}`, null) and with the server's type meta. */
    const meaningful = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(meaningful);
      if (!v || typeof v !== 'object') return v;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const m = meaningful(x);
        if (m === null || (m && typeof m === 'object' && !Array.isArray(m) && !Object.keys(m).length)) continue;
        out[k] = m;
      }
      return out;
    };
    await kubectl('create', 'ns', 'gen');
    const cases: Array<[string, string, string | undefined, string[]]> = [
      ['deployments', 'web', 'gen', ['deployment', 'web', '--image=nginx:1.27', '--replicas=2', '--port=8080']],
      ['deployments', 'cmd', 'gen', ['deployment', 'cmd', '--image=busybox:1.36', '--', 'sleep', '3600']],
      ['jobs', 'once', 'gen', ['job', 'once', '--image=busybox:1.36', '--', 'echo', 'hi']],
      ['cronjobs', 'nightly', 'gen', ['cronjob', 'nightly', '--image=busybox:1.36', '--schedule=0 3 * * *', '--', 'date']],
      ['roles', 'reader', 'gen', ['role', 'reader', '--verb=get,list', '--resource=pods,deployments.apps', '--resource-name=a']],
      ['clusterroles', 'nodes-reader', undefined, ['clusterrole', 'nodes-reader', '--verb=get', '--resource=nodes', '--non-resource-url=/healthz']],
      ['rolebindings', 'read', 'gen', ['rolebinding', 'read', '--role=reader', '--user=bob', '--group=devs', '--serviceaccount=gen:builder']],
      ['clusterrolebindings', 'read-nodes', undefined, ['clusterrolebinding', 'read-nodes', '--clusterrole=nodes-reader', '--user=al']],
      ['services', 'front', 'gen', ['service', 'nodeport', 'front', '--tcp=80:8080']],
      ['secrets', 'registry', 'gen', ['secret', 'docker-registry', 'registry', '--docker-server=r.example', '--docker-username=u', '--docker-password=p']],
    ];
    for (const [resource, name, ns, argv] of cases) {
      const nsArgs = ns ? ['-n', ns] : [];
      // Flags before the generator's words: a command after `--` would take them.
      const printed = await kubectl('create', '--dry-run=client', '-o', 'json', ...nsArgs, ...argv);
      expect(printed.code, printed.stderr).toBe(0);
      const created = await kubectl('create', ...nsArgs, ...argv);
      expect(created.code, created.stderr).toBe(0);
      const stored = k8s.state.get(resource, ns, name)!;
      expect(stored, argv.join(' ')).toMatchObject(meaningful(JSON.parse(printed.stdout)) as object);
    }
    expect(k8s.state.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/apis/apps/v1/namespaces/gen/deployments')).map((r) => r.contentType)).toEqual(['application/vnd.kubernetes.protobuf', 'application/vnd.kubernetes.protobuf']);
  });

  it('kubectl apply (client-side and --server-side), wait and rollout status', async () => {
    const manifest = (image: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: kv, namespace: demo}
spec:
  serviceName: kv
  replicas: 1
  podManagementPolicy: Parallel
  selector: {matchLabels: {app: kv}}
  template:
    metadata: {labels: {app: kv}}
    spec:
      containers: [{name: kv, image: "${image}", env: [{name: A, value: "1"}]}]
`;
    const f = join(dirname(file), 'kv.yaml');
    writeFileSync(f, manifest('busybox:1.36'));
    expect((await kubectl('apply', '-f', f)).stdout).toBe('statefulset.apps/kv created\n');
    writeFileSync(f, manifest('busybox:1.37'));
    expect((await kubectl('apply', '-f', f)).stdout).toBe('statefulset.apps/kv configured\n');
    const sts = k8s.state.get('statefulsets', 'demo', 'kv')!;
    expect(sts.spec.template.spec.containers).toMatchObject([{ name: 'kv', image: 'busybox:1.37', env: [{ name: 'A', value: '1' }] }]);
    expect(JSON.stringify(sts)).not.toContain('$setElementOrder');
    expect(sts.metadata.generation).toBe(2);
    expect((await kubectl('apply', '--server-side', '-f', f)).stdout).toBe('statefulset.apps/kv serverside-applied\n');
    expect((await kubectl('wait', '--for=condition=Ready', 'pod/kv-0', '-n', 'demo', '--timeout=10s')).stdout).toBe('pod/kv-0 condition met\n');
    expect((await kubectl('rollout', 'status', 'sts/kv', '-n', 'demo', '--timeout=10s')).stdout).toContain('roll out complete');
  });
});
