/**
 * `kubectl rollout restart|status|undo` for deployments (and restart for statefulsets), against the
 * real kubectl on twin objects of the same test server; `kubectl expose` of deployments, services
 * and pods.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSame, hasKubectl, testCluster, translator, type TestCluster } from './support.js';

let c: TestCluster;
const same = (s: string) => s.replace(/-(ours|theirs)\b/g, '-X');

beforeAll(async () => {
  c = await testCluster();
  c.server.state.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'r' } });
});

afterAll(() => c?.stop());

const template = (app: string, image = 'nginx:1.26') => ({ metadata: { labels: { app } }, spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 8080, name: 'http' }] }] } });

async function deployment(name: string, replicas = 1, labels: Record<string, string> = { tier: 'web' }) {
  c.server.state.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'r', labels }, spec: { replicas, selector: { matchLabels: { app: name } }, template: template(name) } });
  await c.server.state.waitFor('deployments', 'r', name, (o) => o?.status?.availableReplicas === replicas);
}

async function twins(argv: (side: string) => string[], setup: (side: string) => unknown = () => {}) {
  await setup('ours');
  await setup('theirs');
  return { ours: await c.relay(argv('ours')), theirs: await c.real(argv('theirs')) };
}

const annotation = (name: string) => c.server.state.get('deployments', 'r', name)?.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'];

describe('kubectl rollout restart', () => {
  it.skipIf(!hasKubectl)('sets the restartedAt annotation on the pod template, as kubectl does', async () => {
    const { ours, theirs } = await twins((s) => ['rollout', 'restart', `deployment/a-${s}`, '-n', 'r'], (s) => deployment(`a-${s}`));
    expectSame(ours, theirs, same);
    expect(ours).toEqual({ stdout: 'deployment.apps/a-ours restarted\n', stderr: '', code: 0 });
    expect(annotation('a-ours')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    expect(Math.abs(Date.parse(annotation('a-ours')) - Date.parse(annotation('a-theirs')))).toBeLessThan(5000);
    // A new template: a new ReplicaSet, and pods, as the controller rolls it out.
    // Both rolled out before either asks: what `rollout status` prints first depends on that moment.
    for (const side of ['ours', 'theirs'])
      await c.server.state.waitFor('deployments', 'r', `a-${side}`, (o) => o?.metadata.annotations['deployment.kubernetes.io/revision'] === '2' && o?.status?.replicas === 1 && o?.status?.updatedReplicas === 1 && o?.status?.availableReplicas === 1 && o?.status?.observedGeneration === o?.metadata.generation);
    const status = await Promise.all([c.relay(['rollout', 'status', 'deployment/a-ours', '-n', 'r', '--timeout=10s']), c.real(['rollout', 'status', 'deployment/a-theirs', '-n', 'r', '--timeout=10s'])]);
    expectSame(status[0], status[1], same);
    expect(status[0].stdout).toMatch(/deployment "a-ours" successfully rolled out\n$/);
  });

  it.skipIf(!hasKubectl)('restarts every deployment of a type, or those a selector picks; and statefulsets', async () => {
    const bare = await twins((s) => ['rollout', 'restart', 'deployment', '-l', `side=${s}`, '-n', 'r', '-o', 'name'], async (s) => {
      await deployment(`b1-${s}`, 1, { side: s });
      await deployment(`b2-${s}`, 1, { side: s });
    });
    expectSame(bare.ours, bare.theirs, same);
    expect(bare.ours.stdout).toBe('deployment.apps/b1-ours\ndeployment.apps/b2-ours\n');
    const sts = await twins((s) => ['rollout', 'restart', `sts/s-${s}`, '-n', 'r'], (s) => c.server.state.create({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: `s-${s}`, namespace: 'r' }, spec: { replicas: 1, serviceName: 's', selector: { matchLabels: { app: `s-${s}` } }, template: template(`s-${s}`) } }));
    expectSame(sts.ours, sts.theirs, same);
    expect(c.server.state.get('statefulsets', 'r', 's-ours')?.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBeTruthy();
  });

  const refused = [
    ['rollout', 'restart'],
    ['rollout', 'restart', 'deployment/nope', '-n', 'r'],
    ['rollout', 'restart', 'configmap/cfg', '-n', 'r'],
    ['rollout', 'restart', 'deployment', '-l', 'nobody=here', '-n', 'r'],
  ];
  for (const argv of refused) {
    it.skipIf(!hasKubectl)(`answers as kubectl does: ${argv.join(' ')}`, async () => {
      if (!c.server.state.get('configmaps', 'r', 'cfg')) c.server.state.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'r' } });
      const [ours, theirs] = [await c.relay(argv), await c.real(argv)];
      expectSame(ours, theirs, undefined, argv.join(' '));
      expect(ours.stderr).toBe(theirs.stderr);
    });
  }

  it('is a mutating call the engine records as updated', async () => {
    await deployment('rec');
    const { call, result } = await c.run(['rollout', 'restart', 'deploy/rec', '-n', 'r']);
    expect(call).toMatchObject({ operation: 'K8s.RolloutRestart', mutating: true, display: 'K8s.RolloutRestart Deployment r/rec' });
    expect(translator.outcomeOf!(result, call)).toBe('updated');
  });
});

describe('kubectl rollout undo', () => {
  /** A deployment at revision 2 (image 1.27), revision 1 was 1.26. */
  async function twoRevisions(name: string) {
    await deployment(name);
    await c.run(['patch', 'deployment', name, '-n', 'r', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}']);
    await c.server.state.waitFor('deployments', 'r', name, (o) => o?.metadata.annotations['deployment.kubernetes.io/revision'] === '2' && o?.status?.updatedReplicas === 1 && o?.status?.replicas === 1);
  }
  const image = (name: string) => c.server.state.get('deployments', 'r', name)?.spec.template.spec.containers[0].image;

  it.skipIf(!hasKubectl)('rolls back to the previous revision, as kubectl does', async () => {
    const { ours, theirs } = await twins((s) => ['rollout', 'undo', `deployment/u-${s}`, '-n', 'r'], (s) => twoRevisions(`u-${s}`));
    expectSame(ours, theirs, same);
    expect(ours).toEqual({ stdout: 'deployment.apps/u-ours rolled back\n', stderr: '', code: 0 });
    expect(image('u-ours')).toBe('nginx:1.26');
    expect(image('u-theirs')).toBe('nginx:1.26');
    // Revision 1's ReplicaSet becomes revision 3.
    await c.server.state.waitFor('deployments', 'r', 'u-ours', (o) => o?.metadata.annotations['deployment.kubernetes.io/revision'] === '3');
  });

  it.skipIf(!hasKubectl)('rolls back to a given revision, skips one that is current, refuses one that is not there', async () => {
    let r = await twins((s) => ['rollout', 'undo', `deployment/v-${s}`, '-n', 'r', '--to-revision=1'], (s) => twoRevisions(`v-${s}`));
    expectSame(r.ours, r.theirs, same);
    expect(image('v-ours')).toBe('nginx:1.26');
    await c.server.state.waitFor('deployments', 'r', 'v-ours', (o) => o?.metadata.annotations['deployment.kubernetes.io/revision'] === '3');
    await c.server.state.waitFor('deployments', 'r', 'v-theirs', (o) => o?.metadata.annotations['deployment.kubernetes.io/revision'] === '3');
    r = await twins((s) => ['rollout', 'undo', `deployment/v-${s}`, '-n', 'r', '--to-revision=3']);
    expectSame(r.ours, r.theirs, same);
    expect(r.ours.stdout).toBe('deployment.apps/v-ours skipped rollback (current template already matches revision 3)\n');
    r = await twins((s) => ['rollout', 'undo', `deployment/v-${s}`, '-n', 'r', '--to-revision=9']);
    expectSame(r.ours, r.theirs, same);
    expect(r.ours).toMatchObject({ stderr: 'error: unable to find specified revision 9 in history\n', code: 1 });
  });

  it.skipIf(!hasKubectl)('says there is no history for a deployment with one revision', async () => {
    const r = await twins((s) => ['rollout', 'undo', `deployment/w-${s}`, '-n', 'r'], (s) => deployment(`w-${s}`));
    expectSame(r.ours, r.theirs, same);
    expect(r.ours).toMatchObject({ stderr: 'error: no rollout history found for deployment "w-ours"\n', code: 1 });
  });

  it('leaves statefulsets and daemonsets to the real kubectl', () => {
    expect(translator.handles(['kubectl', 'rollout', 'undo', 'sts/vault'])).toBe(false);
    expect(translator.handles(['kubectl', 'rollout', 'undo', 'deployment/web'])).toBe(true);
  });
});

describe('kubectl expose', () => {
  const exposed = [
    ['a deployment: its selector and container port', ['expose', 'deployment', 'NAME', '-n', 'r']],
    ['a deployment on another port, named, as a NodePort', ['expose', 'deploy/NAME', '-n', 'r', '--port=80', '--target-port=http', '--name=front-NAME', '--type=NodePort']],
    ['a deployment, printed by a client-side dry run', ['expose', 'deployment', 'NAME', '-n', 'r', '--port=80', '--dry-run=client', '-o', 'yaml']],
    ['a deployment, printed as JSON by a client-side dry run', ['expose', 'deployment', 'NAME', '-n', 'r', '--port=80', '--protocol=UDP', '--labels=a=b,c=d', '--session-affinity=ClientIP', '--dry-run=client', '-o', 'json']],
    ['a headless service for a deployment', ['expose', 'deployment', 'NAME', '-n', 'r', '--cluster-ip=None', '--name=headless-NAME', '-o', 'name']],
  ];
  for (const [i, [what, argv]] of exposed.entries()) {
    it.skipIf(!hasKubectl)(`exposes ${what}, as kubectl does`, async () => {
      const named = (s: string) => (argv as string[]).map((a) => a.replace('NAME', `e${i}-${s}`));
      const { ours, theirs } = await twins(named, (s) => deployment(`e${i}-${s}`));
      expectSame(ours, theirs, same, (argv as string[]).join(' '));
      expect(ours.code, ours.stderr).toBe(0);
      const svcName = (s: string) => named(s).find((a) => a.startsWith('--name='))?.slice('--name='.length) ?? `e${i}-${s}`;
      const a = c.server.state.get('services', 'r', svcName('ours'));
      const b = c.server.state.get('services', 'r', svcName('theirs'));
      const comparable = (o: Record<string, any> | undefined) => o && JSON.parse(same(JSON.stringify({ labels: o.metadata.labels, ports: o.spec.ports, selector: o.spec.selector, type: o.spec.type })));
      expect(comparable(a)).toEqual(comparable(b));
    });
  }

  it.skipIf(!hasKubectl)('exposes a pod (its labels) and a service (its selector and ports)', async () => {
    let r = await twins((s) => ['expose', 'pod', `p-${s}`, '-n', 'r', '--port=9000'], (s) => c.server.state.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${s}`, namespace: 'r', labels: { run: `p-${s}` } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } }));
    expectSame(r.ours, r.theirs, same);
    expect(c.server.state.get('services', 'r', 'p-ours')?.spec.selector).toEqual({ run: 'p-ours' });
    r = await twins((s) => ['expose', 'service', `p-${s}`, '-n', 'r', `--name=copy-${s}`, '--port=9001']);
    expectSame(r.ours, r.theirs, (t) => same(t).replace(/copy-(ours|theirs)/, 'copy-X'));
  });

  const refused = [
    ['expose'],
    ['expose', 'deployment', 'nope', '-n', 'r'],
    ['expose', 'configmap', 'cfg', '-n', 'r', '--port=80'],
    ['expose', 'deployment', 'rec', '-n', 'r'],
    ['expose', 'deployment', 'noport', '-n', 'r'],
    ['expose', 'deployment', 'rec', '-n', 'r', '--port=80', '--session-affinity=Sticky', '--name=sticky'],
  ];
  for (const argv of refused) {
    it.skipIf(!hasKubectl)(`refuses what kubectl refuses: ${argv.join(' ')}`, async () => {
      if (!c.server.state.get('configmaps', 'r', 'cfg')) c.server.state.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'r' } });
      if (!c.server.state.get('deployments', 'r', 'noport')) c.server.state.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'noport', namespace: 'r' }, spec: { selector: { matchLabels: { app: 'np' } }, template: { metadata: { labels: { app: 'np' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } } });
      // `rec` exists from the restart tests, and a service named after it too once one side exposed it.
      if (!c.server.state.get('services', 'r', 'rec')) c.server.state.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'rec', namespace: 'r' }, spec: { selector: { app: 'rec' }, ports: [{ port: 8080 }] } });
      const [ours, theirs] = [await c.relay(argv), await c.real(argv)];
      expectSame(ours, theirs, undefined, argv.join(' '));
      expect(ours.code).toBe(1);
    });
  }

  it('adopts the Service a second expose finds', async () => {
    await deployment('adopt');
    await c.run(['expose', 'deployment', 'adopt', '-n', 'r']);
    const call = await translator.translate(['kubectl', 'expose', 'deployment', 'adopt', '-n', 'r'], { cwd: c.cwd });
    const found = await translator.adoption!['K8s.Expose']!(call, { send: (x) => translator.send(x, { env: c.env }), translate: (argv) => translator.translate(argv, { cwd: c.cwd }), laterArgv: [] });
    expect(found).toMatchObject({ outcome: 'adopted', detail: 'service/adopt already exists' });
    expect(translator.format(found!.output, call)).toBe('service/adopt unchanged\n');
  });
});
