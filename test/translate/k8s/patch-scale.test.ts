/**
 * `kubectl patch` (strategic, merge, json; -p and --patch-file; dry runs; "no change") and `kubectl
 * scale` (deployments, statefulsets, replicasets; --current-replicas, --resource-version, --timeout),
 * each against the real kubectl on twin objects of the same test server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSame, hasKubectl, testCluster, translator, type TestCluster } from './support.js';

let c: TestCluster;
const same = (s: string) => s.replace(/-(ours|theirs)\b/g, '-X');

beforeAll(async () => {
  c = await testCluster();
  c.server.state.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'p' } });
});

afterAll(() => c?.stop());

const template = (app: string) => ({ metadata: { labels: { app } }, spec: { containers: [{ name: 'web', image: 'nginx:1.26', env: [{ name: 'A', value: '1' }] }, { name: 'side', image: 'busybox:1.36' }] } });
/** A Deployment, once its controller has settled it (revision annotation, ReplicaSet, pods). */
async function deployment(name: string, replicas = 1) {
  c.server.state.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'p', labels: { tier: 'web' } }, spec: { replicas, selector: { matchLabels: { app: name } }, template: template(name) } });
  await c.server.state.waitFor('deployments', 'p', name, (o) => o?.status?.availableReplicas === replicas || (replicas === 0 && !!o?.status?.observedGeneration));
}

async function twins(argv: (side: string) => string[], setup: (side: string) => unknown = () => {}) {
  await setup('ours');
  await setup('theirs');
  return { ours: await c.relay(argv('ours')), theirs: await c.real(argv('theirs')) };
}


describe('kubectl patch', () => {
  const cases: Array<[string, string[]]> = [
    ['a strategic merge patch (the default) merges containers by name', ['-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}']],
    ['a merge patch replaces the list', ['--type', 'merge', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}']],
    ['a JSON patch', ['--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":3},{"op":"add","path":"/metadata/labels/extra","value":"yes"}]']],
    ['a patch written as YAML', ['-p', 'spec:\n  replicas: 2\n']],
    ['-o yaml prints the patched object', ['-p', '{"spec":{"replicas":2}}', '-o', 'yaml']],
    ['-o name', ['--type=merge', '-p', '{"metadata":{"annotations":{"a":"b"}}}', '-o', 'name']],
    ['a patch that changes nothing', ['--type=merge', '-p', '{"spec":{"replicas":1}}']],
    ['a server-side dry run', ['-p', '{"spec":{"replicas":4}}', '--dry-run=server']],
    ['a client-side dry run of a merge patch', ['--type=merge', '-p', '{"spec":{"replicas":4}}', '--dry-run=client', '-o', 'json']],
  ];
  for (const [i, [what, flags]] of cases.entries()) {
    it.skipIf(!hasKubectl)(`${what}, as kubectl does`, async () => {
      const { ours, theirs } = await twins((s) => ['patch', 'deployment', `d${i}-${s}`, '-n', 'p', ...flags], (s) => deployment(`d${i}-${s}`));
      // -o yaml|json carries what differs between any two objects (uid, times, resourceVersion) and a status that moves on.
      const fuzzy = (t: string) =>
        same(t)
          .replace(/\nstatus:\n[\s\S]*$/, '\n')
          .replace(/,\n    "status": \{[\s\S]*\n    \}\n\}\n$/, '\n}\n')
          .replace(/(uid|resourceVersion|creationTimestamp|time): .*/g, '$1: *')
          .replace(/"(uid|resourceVersion|creationTimestamp|time)": ".*"/g, '"$1": "*"');
      expectSame(ours, theirs, fuzzy, flags.join(' '));
      expect(ours.code, ours.stderr).toBe(0);
      const specOf = (side: string) => JSON.parse(same(JSON.stringify(c.server.state.get('deployments', 'p', `d${i}-${side}`)?.spec)));
      expect(specOf('ours')).toEqual(specOf('theirs'));
    });
  }

  it.skipIf(!hasKubectl)('reads the patch from --patch-file', async () => {
    const file = c.file('patch.yaml', 'data:\n  b: "2"\n');
    const { ours, theirs } = await twins((s) => ['patch', 'cm', `m-${s}`, '-n', 'p', '--patch-file', file], (s) => c.server.state.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `m-${s}`, namespace: 'p' }, data: { a: '1' } }));
    expectSame(ours, theirs, same);
    expect(ours.stdout).toBe('configmap/m-ours patched\n');
    expect(c.server.state.get('configmaps', 'p', 'm-ours')?.data).toEqual({ a: '1', b: '2' });
  });

  it.skipIf(!hasKubectl)('reads --patch-file=/dev/stdin from the command\'s stdin (a heredoc), never the engine\'s', async () => {
    expect(translator.readsStdin!(['kubectl', 'patch', 'cm', 'x', '--patch-file=/dev/stdin'])).toBe(true);
    const body = 'data:\n  c: "3"\n';
    const { ours, theirs } = await (async () => {
      for (const s of ['ours', 'theirs']) c.server.state.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `in-${s}`, namespace: 'p' }, data: { a: '1' } });
      return { ours: await c.relay(['patch', 'cm', 'in-ours', '-n', 'p', '--patch-file=/dev/stdin'], { stdin: body }), theirs: await c.real(['patch', 'cm', 'in-theirs', '-n', 'p', '--patch-file=/dev/stdin'], undefined, body) };
    })();
    expectSame(ours, theirs, same);
    expect(c.server.state.get('configmaps', 'p', 'in-ours')?.data).toEqual({ a: '1', c: '3' });
  });

  it('shows where a Secret patch writes, not what', async () => {
    const call = await translator.translate(['kubectl', 'patch', 'secret', 'db', '-p', '{"stringData":{"password":"hunter2-hunter2"}}'], { cwd: c.cwd });
    expect(call.display).toBe('K8s.Patch Secret db --type strategic {"stringData":{"password":"***"}}');
    expect(JSON.stringify(call.input)).not.toContain('hunter2');
  });

  const refused = [
    ['patch', 'cm', 'x', '-n', 'p'],
    ['patch', 'cm', 'x', '-n', 'p', '-p', '{}', '--type=foo'],
    ['patch', 'cm', 'x', '-n', 'p', '-p', '{}', '--patch-file=/nonexistent.yaml'],
    ['patch', 'cm', 'nope', '-n', 'p', '-p', '{"data":{"a":"1"}}'],
    ['patch', 'cm', 'x', '-n', 'p', '--patch-file=/nonexistent.yaml'],
    ['patch', 'widgets', 'x', '-p', '{}'],
    ['patch', 'cm', 'existing', '-n', 'p', '--type=json', '-p', '[{"op":"remove","path":"/data/missing"}]'],
    ['patch', 'cm', 'existing', '-n', 'p', '--type=json', '-p', '{"not":"a list"}'],
    ['patch', 'cm', 'existing', '-n', 'p', '-p', '{"data": [unclosed'],
  ];
  for (const argv of refused) {
    it.skipIf(!hasKubectl)(`refuses what kubectl refuses: ${argv.join(' ')}`, async () => {
      if (!c.server.state.get('configmaps', 'p', 'existing')) c.server.state.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'existing', namespace: 'p' }, data: { a: '1' } });
      const [ours, theirs] = [await c.relay(argv), await c.real(argv)];
      expectSame(ours, theirs, undefined, argv.join(' '));
      expect(ours.code).toBe(1);
    });
  }

  it('reports "patched (no change)" to the engine as adopted, a change as updated', async () => {
    c.server.state.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rec', namespace: 'p' }, data: { a: '1' } });
    const changed = await c.run(['patch', 'cm', 'rec', '-n', 'p', '-p', '{"data":{"a":"2"}}']);
    expect(changed.call).toMatchObject({ operation: 'K8s.Patch', mutating: true });
    expect(translator.outcomeOf!(changed.result, changed.call)).toBe('updated');
    const again = await c.run(['patch', 'cm', 'rec', '-n', 'p', '-p', '{"data":{"a":"2"}}']);
    expect(again.stdout).toBe('configmap/rec patched (no change)\n');
    expect(translator.outcomeOf!(again.result, again.call)).toBe('adopted');
  });
});

describe('kubectl scale', () => {
  it.skipIf(!hasKubectl)('scales a deployment through its scale subresource, as kubectl does', async () => {
    const { ours, theirs } = await twins((s) => ['scale', 'deployment', `sc-${s}`, '-n', 'p', '--replicas=3'], (s) => deployment(`sc-${s}`));
    expectSame(ours, theirs, same);
    expect(ours.stdout).toBe('deployment.apps/sc-ours scaled\n');
    expect(c.server.state.get('deployments', 'p', 'sc-ours')?.spec.replicas).toBe(3);
    const pods = await c.server.state.waitFor('deployments', 'p', 'sc-ours', (o) => o?.status?.readyReplicas === 3);
    expect(pods?.status.replicas).toBe(3);
    expect(c.server.state.requests.some((r) => r.method === 'PATCH' && r.path === '/apis/apps/v1/namespaces/p/deployments/sc-ours/scale' && r.contentType === 'application/merge-patch+json')).toBe(true);
  });

  it.skipIf(!hasKubectl)('scales statefulsets and replicasets, by name, by label and with --all; -o name', async () => {
    const sts = (s: string) => c.server.state.create({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: `s-${s}`, namespace: 'p', labels: { side: s } }, spec: { replicas: 1, serviceName: 's', selector: { matchLabels: { app: `s-${s}` } }, template: template(`s-${s}`) } });
    const rs = (s: string) => c.server.state.create({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `r-${s}`, namespace: 'p', labels: { side: s } }, spec: { replicas: 1, selector: { matchLabels: { app: `r-${s}` } }, template: template(`r-${s}`) } });
    let r = await twins((s) => ['scale', 'sts', `s-${s}`, '-n', 'p', '--replicas=2', '-o', 'name'], sts);
    expectSame(r.ours, r.theirs, same);
    expect(r.ours.stdout).toBe('statefulset.apps/s-ours\n');
    r = await twins((s) => ['scale', 'rs', '-l', `side=${s}`, '-n', 'p', '--replicas=0'], rs);
    expectSame(r.ours, r.theirs, same);
    expect(r.ours.stdout).toBe('replicaset.apps/r-ours scaled\n');
    expect(c.server.state.get('replicasets', 'p', 'r-ours')?.spec.replicas).toBe(0);
  });

  it.skipIf(!hasKubectl)('checks --current-replicas and --resource-version before it scales', async () => {
    let r = await twins((s) => ['scale', 'deployment', `c-${s}`, '-n', 'p', '--replicas=2', '--current-replicas=1'], (s) => deployment(`c-${s}`));
    expectSame(r.ours, r.theirs, same);
    expect(r.ours.stdout).toBe('deployment.apps/c-ours scaled\n');
    r = await twins((s) => ['scale', 'deployment', `c-${s}`, '-n', 'p', '--replicas=5', '--current-replicas=3']);
    expectSame(r.ours, r.theirs, same);
    expect(r.ours).toMatchObject({ stderr: 'error: Expected replicas to be 3, was 2\n', code: 1 });
    r = await twins((s) => ['scale', 'deployment', `c-${s}`, '-n', 'p', '--replicas=5', '--resource-version=1']);
    expectSame(r.ours, r.theirs, same);
    expect(r.ours.code).toBe(1);
    expect(c.server.state.get('deployments', 'p', 'c-ours')?.spec.replicas).toBe(2);
  });

  it.skipIf(!hasKubectl)('waits with --timeout until the replicas are there', async () => {
    const { ours, theirs } = await twins((s) => ['scale', 'deployment', `t-${s}`, '-n', 'p', '--replicas=2', '--timeout=10s'], (s) => deployment(`t-${s}`));
    expectSame(ours, theirs, same);
    expect(c.server.state.get('deployments', 'p', 't-ours')?.status.replicas).toBe(2);
  });

  it.skipIf(!hasKubectl)('dry runs print and change nothing', async () => {
    for (const dryRun of ['client', 'server']) {
      const { ours, theirs } = await twins((s) => ['scale', 'deployment', `dry-${dryRun}-${s}`, '-n', 'p', '--replicas=4', `--dry-run=${dryRun}`], (s) => deployment(`dry-${dryRun}-${s}`));
      expectSame(ours, theirs, same);
      expect(c.server.state.get('deployments', 'p', `dry-${dryRun}-ours`)?.spec.replicas).toBe(1);
    }
  });

  const refused = [
    ['scale', 'deployment', 'x'],
    ['scale', 'deployment', 'x', '--replicas=-1'],
    ['scale', 'deployment', 'x', '--replicas=2', '--current-replicas=-3'],
    ['scale', 'deployment', 'nope', '-n', 'p', '--replicas=2'],
    ['scale', 'configmap', 'cfg', '-n', 'p', '--replicas=2'],
    ['scale', 'deployment', '--replicas=2'],
    ['scale', '--replicas=2'],
    ['scale', 'deployment', 'x', '--replicas=two'],
  ];
  for (const argv of refused) {
    it.skipIf(!hasKubectl)(`refuses what kubectl refuses: ${argv.join(' ')}`, async () => {
      if (!c.server.state.get('configmaps', 'p', 'cfg')) c.server.state.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'p' } });
      const [ours, theirs] = [await c.relay(argv), await c.real(argv)];
      expectSame(ours, theirs, undefined, argv.join(' '));
      expect(ours.code).toBe(1);
    });
  }

  it('is a mutating call: updated when the size changes, adopted when it is already that size', async () => {
    await deployment('rec', 2);
    const noop = await c.run(['scale', 'deploy', 'rec', '-n', 'p', '--replicas=2']);
    expect(noop.call).toMatchObject({ operation: 'K8s.Scale', mutating: true });
    expect(translator.outcomeOf!(noop.result, noop.call)).toBe('adopted');
    const up = await c.run(['scale', 'deploy', 'rec', '-n', 'p', '--replicas=3']);
    expect(translator.outcomeOf!(up.result, up.call)).toBe('updated');
  });
});
