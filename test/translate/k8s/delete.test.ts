/**
 * `kubectl delete`: by name, -f, -l, --all, --ignore-not-found, -o name, dry runs, and --wait through
 * finalizers, against the real kubectl on the same test server. Each command runs twice, on twin
 * objects (`…-ours` for the engine, `…-theirs` for kubectl), and the two answers must agree.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSame, hasKubectl, testCluster, translator, type TestCluster } from './support.js';

let c: TestCluster;
const same = (s: string) => s.replace(/-(ours|theirs)\b/g, '-X');

beforeAll(async () => {
  c = await testCluster();
  c.server.state.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'del' } });
});

afterAll(() => c?.stop());

const cm = (name: string, labels: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
  c.server.state.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'del', labels, ...extra }, data: { a: '1' } });

/** Both sides against their own twin objects, made by `setup(suffix)`. */
async function twins(argv: (side: string) => string[], setup: (side: string) => void | Promise<void> = () => {}) {
  await setup('ours');
  await setup('theirs');
  const ours = await c.relay(argv('ours'));
  const theirs = await c.real(argv('theirs'));
  return { ours, theirs };
}

describe('kubectl delete', () => {
  it.skipIf(!hasKubectl)('deletes by name, as kubectl prints it', async () => {
    const { ours, theirs } = await twins((s) => ['delete', 'configmap', `one-${s}`, '-n', 'del'], (s) => void cm(`one-${s}`));
    expectSame(ours, theirs, same);
    expect(ours).toEqual({ stdout: 'configmap "one-ours" deleted\n', stderr: '', code: 0 });
    expect(c.server.state.get('configmaps', 'del', 'one-ours')).toBeUndefined();
  });

  it.skipIf(!hasKubectl)('deletes TYPE/NAME pairs and several names, -o name', async () => {
    const { ours, theirs } = await twins((s) => ['delete', `cm/a-${s}`, `configmap/b-${s}`, '-n', 'del', '-o', 'name'], (s) => {
      cm(`a-${s}`);
      cm(`b-${s}`);
    });
    expectSame(ours, theirs, same);
    expect(ours.stdout).toBe('configmap/a-ours\nconfigmap/b-ours\n');
  });

  it.skipIf(!hasKubectl)('deletes by label, and says "No resources found" when nothing matches', async () => {
    const { ours, theirs } = await twins((s) => ['delete', 'cm', '-l', `team=${s}`, '-n', 'del'], (s) => {
      cm(`l1-${s}`, { team: s });
      cm(`l2-${s}`, { team: s });
    });
    expectSame(ours, theirs, same);
    expect(ours.stdout).toBe('configmap "l1-ours" deleted\nconfigmap "l2-ours" deleted\n');
    const none = await Promise.all([c.relay(['delete', 'cm', '-l', 'team=nobody', '-n', 'del']), c.real(['delete', 'cm', '-l', 'team=nobody', '-n', 'del'])]);
    expectSame(none[0], none[1]);
    expect(none[0].stdout).toBe('No resources found\n');
  });

  it.skipIf(!hasKubectl)('reports a missing object after deleting the others; --ignore-not-found is quiet', async () => {
    const { ours, theirs } = await twins((s) => ['delete', 'cm', `here-${s}`, `gone-${s}`, '-n', 'del'], (s) => void cm(`here-${s}`));
    expectSame(ours, theirs, same);
    expect(ours).toEqual({ stdout: 'configmap "here-ours" deleted\n', stderr: 'Error from server (NotFound): configmaps "gone-ours" not found\n', code: 1 });
    const quiet = await Promise.all([c.relay(['delete', 'cm', 'gone', '-n', 'del', '--ignore-not-found']), c.real(['delete', 'cm', 'gone', '-n', 'del', '--ignore-not-found'])]);
    expectSame(quiet[0], quiet[1]);
    expect(quiet[0]).toEqual({ stdout: '', stderr: '', code: 0 });
  });

  it.skipIf(!hasKubectl)('deletes what a manifest names (-f FILE and -f DIR)', async () => {
    const manifest = (s: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: f1-${s}\n  namespace: del\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: f2-${s}\n  namespace: del\n`;
    const { ours, theirs } = await twins((s) => ['delete', '-f', c.file(`objects-${s}.yaml`, manifest(s))], (s) => {
      cm(`f1-${s}`);
      c.server.state.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `f2-${s}`, namespace: 'del' } });
    });
    expectSame(ours, theirs, same);
    expect(ours.stdout).toBe('configmap "f1-ours" deleted\nsecret "f2-ours" deleted\n');
  });

  it.skipIf(!hasKubectl)('dry runs print what would go and delete nothing', async () => {
    for (const dryRun of ['client', 'server']) {
      const { ours, theirs } = await twins((s) => ['delete', 'cm', `dry-${dryRun}-${s}`, '-n', 'del', `--dry-run=${dryRun}`], (s) => void cm(`dry-${dryRun}-${s}`));
      expectSame(ours, theirs, same);
      expect(c.server.state.get('configmaps', 'del', `dry-${dryRun}-ours`)).toBeTruthy();
    }
  });

  it.skipIf(!hasKubectl)('waits for finalizers (--wait, the default) and gives up at --timeout', async () => {
    const { ours, theirs } = await twins((s) => ['delete', 'cm', `held-${s}`, '-n', 'del', '--timeout=1s'], (s) => void cm(`held-${s}`, {}, { finalizers: ['example.com/hold'] }));
    expectSame(ours, theirs, same);
    expect(ours).toEqual({ stdout: 'configmap "held-ours" deleted\n', stderr: 'error: timed out waiting for the condition on configmaps/held-ours\n', code: 1 });
    expect(c.server.state.get('configmaps', 'del', 'held-ours')?.metadata.deletionTimestamp).toBeTruthy();
    // With --wait=false it returns at once; once the finalizer goes, so does the object.
    const nowait = await twins((s) => ['delete', 'cm', `held2-${s}`, '-n', 'del', '--wait=false'], (s) => void cm(`held2-${s}`, {}, { finalizers: ['example.com/hold'] }));
    expectSame(nowait.ours, nowait.theirs, same);
    expect(nowait.ours.code).toBe(0);
    // A delete that waits returns once whoever holds the finalizer lets go.
    cm('released', {}, { finalizers: ['example.com/hold'] });
    const waiting = c.relay(['delete', 'cm', 'released', '-n', 'del']);
    await c.server.state.waitFor('configmaps', 'del', 'released', (o) => !!o?.metadata.deletionTimestamp);
    await (await fetch(`${c.server.url}/api/v1/namespaces/del/configmaps/released`, { method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: '{"metadata":{"finalizers":null}}' })).text();
    expect(await waiting).toEqual({ stdout: 'configmap "released" deleted\n', stderr: '', code: 0 });
  });

  it.skipIf(!hasKubectl)('deletes a Deployment and, in the background, what it owns', async () => {
    const dep = (s: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `web-${s}`, namespace: 'del' }, spec: { replicas: 1, selector: { matchLabels: { app: `web-${s}` } }, template: { metadata: { labels: { app: `web-${s}` } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } });
    const { ours, theirs } = await twins((s) => ['delete', 'deployment', `web-${s}`, '-n', 'del'], async (s) => {
      c.server.state.create(dep(s));
      await c.server.state.waitFor('deployments', 'del', `web-${s}`, (o) => o?.status?.availableReplicas === 1);
    });
    expectSame(ours, theirs, same);
    expect(ours.stdout).toBe('deployment.apps "web-ours" deleted\n');
    expect(c.server.state.list('replicasets', 'del').filter((r) => r.metadata.name.startsWith('web-ours'))).toEqual([]);
  });

  it.skipIf(!hasKubectl)('warns when -n is given and a cluster-scoped object is deleted', async () => {
    const { ours, theirs } = await twins((s) => ['delete', 'namespace', `gone-${s}`, '-n', 'del'], (s) => void c.server.state.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `gone-${s}` } }));
    expectSame(ours, theirs, same);
    expect(ours.stderr).toBe(theirs.stderr);
  });

  const refused = [
    ['delete'],
    ['delete', 'cm'],
    ['delete', 'cm', 'x', '-o', 'json'],
    ['delete', 'cm', '--all', '-l', 'a=b'],
    ['delete', 'cm', 'x', '--now', '--grace-period=5'],
    ['delete', 'cm', 'x', '--force', '--grace-period=5'],
    ['delete', 'widgets', 'x'],
    ['delete', 'namespace', 'default'],
    ['delete', 'cm/x', 'cm', 'y'],
  ];
  for (const argv of refused) {
    it.skipIf(!hasKubectl)(`refuses what kubectl refuses: ${argv.join(' ')}`, async () => {
      const [ours, theirs] = [await c.relay(argv), await c.real(argv)];
      expectSame(ours, theirs, undefined, argv.join(' '));
      expect(ours.code).toBe(1);
    });
  }

  it('is a mutating call the engine records as updated (or adopted when nothing matched)', async () => {
    cm('rec');
    const { call, result } = await c.run(['delete', 'cm', 'rec', '-n', 'del']);
    expect(call).toMatchObject({ operation: 'K8s.Delete', mutating: true, display: 'K8s.Delete ConfigMap del/rec' });
    expect(translator.outcomeOf!(result, call)).toBe('updated');
    const none = await c.run(['delete', 'cm', '-l', 'team=nobody', '-n', 'del']);
    expect(translator.outcomeOf!(none.result, none.call)).toBe('adopted');
  });
});
