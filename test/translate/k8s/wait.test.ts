/** `kubectl wait` and `kubectl rollout status`: waiters that poll the API, time out, and stop on the step's signal. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { K8sApiError, K8sError, K8sUsageError } from '../../../src/translate/k8s/errors.js';
import { rolloutMessage } from '../../../src/translate/k8s/send.js';
import { hasKubectl, testCluster, type TestCluster } from './support.js';

let c: TestCluster;

const sts = (name: string, strategy: string) => ({
  apiVersion: 'apps/v1', kind: 'StatefulSet',
  metadata: { name, namespace: 'vault' },
  spec: {
    serviceName: name, replicas: 2, podManagementPolicy: 'Parallel', updateStrategy: { type: strategy },
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
  },
});

beforeAll(async () => {
  c = await testCluster({ podStartDelayMs: 300, readyWithoutProbe: true });
  c.server.state.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'vault' } });
});

afterAll(() => c?.stop());

describe('kubectl wait', () => {
  it('waits for pods to be created, then Running, printing "condition met" per pod', async () => {
    const created = c.run(['wait', '--for=create', 'pod/web-0', 'pod/web-1', '-n', 'vault', '--timeout=10s']);
    await new Promise((r) => setTimeout(r, 150));
    c.server.state.create(sts('web', 'RollingUpdate'));
    const { call, stdout } = await created;
    expect(call).toMatchObject({ operation: 'K8s.Wait', mutating: false, display: 'K8s.Wait Pod vault/web-0, vault/web-1 for create (timeout 10s)' });
    expect(stdout).toBe('pod/web-0 condition met\npod/web-1 condition met\n');
    const running = await c.run(['wait', "--for=jsonpath='{.status.phase}'=Running", 'pod/web-0', 'pod/web-1', '-n', 'vault', '--timeout=10s']);
    expect(running.stdout).toBe('pod/web-0 condition met\npod/web-1 condition met\n');
    expect(c.server.state.get('pods', 'vault', 'web-1')?.status?.phase).toBe('Running');
  });

  it('waits for a condition, for pods chosen by label', async () => {
    const { stdout } = await c.run(['wait', '--for=condition=Ready', 'pods', '-l', 'app=web', '-n', 'vault', '--timeout=10s']);
    expect(stdout).toBe('pod/web-0 condition met\npod/web-1 condition met\n');
    expect((await c.run(['wait', '--for=condition=ready=TRUE', 'pod/web-0', '-n', 'vault'])).stdout).toBe('pod/web-0 condition met\n');
  });

  it('times out with kubectl\'s message', async () => {
    const started = Date.now();
    const e = await c.fails(['wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/web-0', '-n', 'vault', '--timeout=600ms']);
    expect(e).toBeInstanceOf(K8sError);
    expect(e.message).toBe('error: timed out waiting for the condition on pods/web-0');
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await c.fails(['wait', '--for=create', 'pod/never', '-n', 'vault', '--timeout=300ms'])).message).toBe('error: timed out waiting for the condition');
    expect((await c.fails(['wait', '--for=condition=Nope', 'pod/web-0', '-n', 'vault', '--timeout=0'])).message).toBe('error: condition not met for pods/web-0');
  });

  it('fails at once on what cannot become true', async () => {
    const missing = await c.fails(['wait', '--for=condition=Ready', 'pod/nope', '-n', 'vault']);
    expect(missing).toBeInstanceOf(K8sApiError);
    expect(missing.message).toBe('Error from server (NotFound): pods "nope" not found');
    expect((await c.fails(['wait', '--for=condition=Ready', 'pods', '-l', 'app=none', '-n', 'vault'])).message).toBe('error: no matching resources found');
    expect((await c.fails(['wait', '--for=jsonpath={.status.conditions[*].type}=Ready', 'pod/web-0', '-n', 'vault'])).message).toBe('error: given jsonpath expression matches more than one value');
    expect((await c.fails(['wait', '--for=jsonpath={.spec}=x', 'pod/web-0', '-n', 'vault'])).message).toBe('error: jsonpath leads to a nested object or list which is not supported');
    const bad = await c.fails(['wait', '--for=nope', 'pod/web-0']);
    expect(bad).toBeInstanceOf(K8sUsageError);
    expect(bad.message).toBe('error: unrecognized condition: "nope"');
  });

  it('waits for deletion (and a missing object is already deleted)', async () => {
    expect((await c.run(['wait', '--for=delete', 'pod/never', '-n', 'vault', '--timeout=1s'])).stdout).toBe('');
    c.server.state.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'doomed', namespace: 'vault' } });
    const deleted = c.run(['wait', '--for=delete', 'configmap/doomed', '-n', 'vault', '--timeout=5s']);
    await new Promise((r) => setTimeout(r, 200));
    await c.real(['delete', 'configmap', 'doomed', '-n', 'vault']).catch(() => undefined);
    if (c.server.state.get('configmaps', 'vault', 'doomed')) {
      // Without kubectl on this machine, delete through the API.
      await fetch(`${c.server.url}/api/v1/namespaces/vault/configmaps/doomed`, { method: 'DELETE' });
    }
    expect((await deleted).stdout).toBe('configmap/doomed condition met\n');
  });

  it('stops when the step is cancelled (its AbortSignal)', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('step timed out after 1s')), 300);
    const e = await c.fails(['wait', '--for=condition=Nope', 'pod/web-0', '-n', 'vault', '--timeout=1m'], { signal: controller.signal });
    expect(e.message).toBe('step timed out after 1s');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it.skipIf(!hasKubectl)('prints what kubectl prints', async () => {
    for (const argv of [['--for=condition=Ready', 'pod/web-0', 'pod/web-1'], ['--for=jsonpath={.status.phase}=Running', 'pods', '--all'], ['--for=jsonpath=.metadata.name', 'pod/web-0']]) {
      const full = ['wait', ...argv, '-n', 'vault', '--timeout=5s'];
      const [ours, theirs] = await Promise.all([c.run(full), c.real(full)]);
      expect(ours.stdout).toBe(theirs.stdout);
    }
  });
});

describe('kubectl rollout status', () => {
  it('waits for a RollingUpdate StatefulSet and prints kubectl\'s lines', async () => {
    c.server.state.create(sts('api', 'RollingUpdate'));
    const { call, stdout } = await c.run(['rollout', 'status', 'statefulset/api', '-n', 'vault', '--timeout=20s']);
    expect(call).toMatchObject({ operation: 'K8s.RolloutStatus', mutating: false, display: 'K8s.RolloutStatus StatefulSet vault/api' });
    expect(stdout.split('\n').at(-2)).toMatch(/^statefulset rolling update complete 2 pods at revision api-\w+\.\.\.$/);
    if (hasKubectl) expect((await c.real(['rollout', 'status', 'statefulset/api', '-n', 'vault', '--timeout=5s'])).stdout.split('\n').at(-2)).toBe(stdout.split('\n').at(-2));
  });

  it('refuses an OnDelete StatefulSet as kubectl does', async () => {
    c.server.state.create(sts('ondelete', 'OnDelete'));
    expect((await c.fails(['rollout', 'status', 'sts/ondelete', '-n', 'vault'])).message).toBe('error: rollout status is only available for RollingUpdate strategy type');
  });

  it('words every state as kubectl\'s status viewers do', () => {
    const o = (status: object, spec: object = { replicas: 3 }, generation = 2) => ({ metadata: { generation }, spec, status });
    expect(rolloutMessage('StatefulSet', 'x', o({ observedGeneration: 1 }))).toEqual({ message: 'Waiting for statefulset spec update to be observed...', done: false });
    expect(rolloutMessage('StatefulSet', 'x', o({ observedGeneration: 2, readyReplicas: 1 }))).toEqual({ message: 'Waiting for 2 pods to be ready...', done: false });
    expect(rolloutMessage('Deployment', 'web', o({ observedGeneration: 2, updatedReplicas: 1, replicas: 3 }))).toEqual({ message: 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...', done: false });
    expect(rolloutMessage('Deployment', 'web', o({ observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 3 }))).toEqual({ message: 'deployment "web" successfully rolled out', done: true });
    expect(rolloutMessage('DaemonSet', 'ds', o({ observedGeneration: 2, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2 }, {}))).toEqual({ message: 'daemon set "ds" successfully rolled out', done: true });
  });
});
