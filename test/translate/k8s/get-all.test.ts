/**
 * `kubectl get all` and other categories: expanded from the server's discovery (APIResourceList
 * `categories`), printed as kubectl 1.32 prints them against the same server, with its stderr notice
 * when nothing is found.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasKubectl, testCluster, type Relayed, type TestCluster } from './support.js';

let c: TestCluster;

const template = (labels: Record<string, string>) => ({ metadata: { labels }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } });

beforeAll(async () => {
  c = await testCluster();
  const s = c.server.state;
  for (const name of ['vault', 'apps', 'empty']) s.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  s.create({
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'vault', namespace: 'vault', labels: { 'app.kubernetes.io/name': 'vault' } },
    spec: { serviceName: 'vault-internal', replicas: 2, podManagementPolicy: 'Parallel', selector: { matchLabels: { 'app.kubernetes.io/name': 'vault' } }, template: template({ 'app.kubernetes.io/name': 'vault' }) },
  });
  s.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'vault-internal', namespace: 'vault', labels: { 'app.kubernetes.io/name': 'vault' } }, spec: { clusterIP: 'None', selector: { 'app.kubernetes.io/name': 'vault' }, ports: [{ name: 'http', port: 8200 }] } });
  s.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'vault-config', namespace: 'vault' }, data: { a: 'b' } });
  // One of each other kind in the `all` category, in another namespace.
  s.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'apps' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) } });
  s.create({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-5d8f7c', namespace: 'apps' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) } });
  s.create({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'apps' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: template({ app: 'agent' }) } });
  s.create({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'legacy', namespace: 'apps' }, spec: { replicas: 0, selector: { app: 'legacy' }, template: template({ app: 'legacy' }) } });
  s.create({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'apps' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'busybox' }] } } } });
  s.create({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'backup', namespace: 'apps' }, spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'b', image: 'busybox' }] } } } } } });
  s.create({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'apps' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 3 } });
  s.create({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'inject' }, webhooks: [] });
  await s.waitFor('pods', 'vault', 'vault-1', (p) => p?.status?.phase === 'Running');
  await s.waitFor('deployments', 'apps', 'web', (d) => d?.status?.availableReplicas === 1);
});

afterAll(() => c?.stop());

/** Tables print an AGE (and a Job's DURATION) that may tick between two commands. */
const ageless = (r: Relayed): Relayed => ({ ...r, stdout: r.stdout.replace(/\b\d+s\b/g, 'Ns') });

describe('kubectl get all (categories from discovery)', () => {
  const cases = [
    ['get', 'all', '-n', 'vault'],
    ['get', 'all', '-n', 'apps'],
    ['get', 'all', '-A'],
    ['get', 'all', '-n', 'vault', '-o', 'name'],
    ['get', 'all', '-A', '-o', 'name'],
    ['get', 'all', '-n', 'vault', '-o', 'wide'],
    ['get', 'all', '-n', 'vault', '--no-headers'],
    ['get', 'all', '-n', 'vault', '-l', 'app.kubernetes.io/name=vault'],
    ['get', 'all,cm', '-n', 'vault'],
    ['get', 'all,pods', '-n', 'vault', '-o', 'name'],
    ['get', 'pods,po', '-n', 'vault'],
    ['get', 'all', '-n', 'vault', '-o', 'json'],
    ['get', 'all', '-n', 'apps', '-o', 'yaml'],
    ['get', 'api-extensions'],
    // Nothing found: the notice goes to stderr, and only for tables.
    ['get', 'all', '-n', 'empty'],
    ['get', 'all', '-n', 'empty', '-o', 'name'],
    ['get', 'all', '-n', 'empty', '-o', 'json'],
    ['get', 'all', '-n', 'empty', '--ignore-not-found'],
    ['get', 'all', '-A', '-l', 'nothing=here'],
    ['get', 'pods', '-n', 'empty'],
    ['get', 'clusterroles'],
    ['-n', 'empty', 'get', 'all,ns', '-o', 'name'],
    // A category is not a type: it takes no name.
    ['get', 'all', 'vault-0', '-n', 'vault'],
    ['get', 'all/vault-0', '-n', 'vault'],
  ];
  for (const argv of cases) {
    it.skipIf(!hasKubectl)(`relays what kubectl prints: kubectl ${argv.join(' ')}`, async () => {
      const [ours, theirs] = await Promise.all([c.relay(argv), c.real(argv)]);
      expect(ageless(ours)).toEqual(ageless(theirs));
    });
  }

  it('asks for each type the category names, in discovery order', async () => {
    const { stdout } = await c.run(['get', 'all', '-A', '-o', 'name']);
    // Core v1 first (sorted by resource name, as kube-apiserver lists them), then apps, autoscaling, batch.
    // Pods: the StatefulSet's two, the Deployment's ReplicaSet's and the other ReplicaSet's.
    expect(stdout.split('\n').filter(Boolean).map((n) => n.split('/')[0])).toEqual([
      'pod', 'pod', 'pod', 'pod', 'replicationcontroller', 'service', 'daemonset.apps', 'deployment.apps', 'replicaset.apps', 'replicaset.apps', 'statefulset.apps',
      'horizontalpodautoscaler.autoscaling', 'cronjob.batch', 'job.batch',
    ]);
  });

  it('follows the server: a category it does not publish is an unknown type', async () => {
    expect((await c.relay(['get', 'everything']))).toEqual({ stdout: '', stderr: 'error: the server doesn\'t have a resource type "everything"\n', code: 1 });
    expect((await c.run(['get', 'api-extensions', '-o', 'name'])).stdout).toBe('mutatingwebhookconfiguration.admissionregistration.k8s.io/inject\n');
  });
});
