/** `kubectl annotate` and `kubectl label`: merge patches with kubectl's --overwrite rule, and adoption. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { K8sError } from '../../../src/translate/k8s/errors.js';
import type { K8sCall } from '../../../src/translate/k8s/types.js';
import type { AdoptionContext } from '../../../src/translate/types.js';
import { hasKubectl, testCluster, translator, type TestCluster } from './support.js';

let c: TestCluster;
const role = 'arn:aws:iam::123456789012:role/vault-role';

beforeAll(async () => {
  c = await testCluster();
  c.server.state.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'vault' } });
  c.server.state.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'vault', namespace: 'vault' } });
  c.server.state.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'other', namespace: 'vault', labels: { team: 'a' } } });
});

afterAll(() => c?.stop());

function adoptionContext(): AdoptionContext<K8sCall> {
  return { send: (call) => translator.send(call, { env: c.env }), translate: (argv) => translator.translate(argv, { cwd: c.cwd }), laterArgv: [] };
}

describe('kubectl annotate', () => {
  it('adds an annotation with a JSON merge patch', async () => {
    const { call, stdout } = await c.run(['annotate', 'serviceaccount', 'vault', '-n', 'vault', `eks.amazonaws.com/role-arn=${role}`]);
    expect(call).toMatchObject({ operation: 'K8s.Annotate', mutating: true, display: `K8s.Annotate ServiceAccount vault/vault eks.amazonaws.com/role-arn=${role}` });
    expect(stdout).toBe('serviceaccount/vault annotated\n');
    expect(c.server.state.get('sa', 'vault', 'vault')?.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': role });
    const patch = c.server.state.requests.filter((r) => r.method === 'PATCH').at(-1)!;
    expect([patch.path, patch.contentType]).toEqual(['/api/v1/namespaces/vault/serviceaccounts/vault', 'application/merge-patch+json']);
  });

  it('refuses to change a different value without --overwrite, like kubectl', async () => {
    const e = await c.fails(['annotate', 'sa/vault', '-n', 'vault', 'eks.amazonaws.com/role-arn=arn:aws:iam::123456789012:role/other']);
    expect(e).toBeInstanceOf(K8sError);
    expect(e.message).toBe(`error: --overwrite is false but found the following declared annotation(s): 'eks.amazonaws.com/role-arn' already has a value (${role})`);
    // The same value is not a change: kubectl accepts it.
    expect((await c.run(['annotate', 'sa/vault', '-n', 'vault', `eks.amazonaws.com/role-arn=${role}`])).stdout).toBe('serviceaccount/vault annotated\n');
    await c.run(['annotate', 'sa', 'vault', '-n', 'vault', '--overwrite', 'eks.amazonaws.com/role-arn=arn:aws:iam::123456789012:role/other']);
    expect(c.server.state.get('sa', 'vault', 'vault')?.metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::123456789012:role/other');
    await c.run(['annotate', 'sa', 'vault', '-n', 'vault', '--overwrite', `eks.amazonaws.com/role-arn=${role}`, 'x=1']);
    await c.run(['annotate', 'sa', 'vault', '-n', 'vault', 'x-']);
    expect(c.server.state.get('sa', 'vault', 'vault')?.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': role });
  });

  it('adopts when every value is already set, and not otherwise', async () => {
    const set = await translator.translate(['kubectl', 'annotate', 'serviceaccount', 'vault', '-n', 'vault', '--overwrite', `eks.amazonaws.com/role-arn=${role}`], { cwd: c.cwd });
    const adopted = await translator.adoption!['K8s.Annotate']!(set, adoptionContext());
    expect(adopted).toMatchObject({ outcome: 'adopted', detail: 'serviceaccount/vault: eks.amazonaws.com/role-arn already set' });
    expect(translator.format(adopted!.output, set)).toBe('serviceaccount/vault annotated\n');
    const different = await translator.translate(['kubectl', 'annotate', 'serviceaccount', 'vault', '-n', 'vault', '--overwrite', 'eks.amazonaws.com/role-arn=arn:aws:iam::123456789012:role/new'], { cwd: c.cwd });
    expect(await translator.adoption!['K8s.Annotate']!(different, adoptionContext())).toBeUndefined();
    const removal = await translator.translate(['kubectl', 'annotate', 'serviceaccount', 'vault', '-n', 'vault', 'gone-'], { cwd: c.cwd });
    expect(await translator.adoption!['K8s.Annotate']!(removal, adoptionContext())).toMatchObject({ outcome: 'adopted' });
  });

  it('reports a missing object as kubectl does', async () => {
    expect((await c.fails(['annotate', 'sa', 'nope', '-n', 'vault', 'a=b'])).message).toBe('Error from server (NotFound): serviceaccounts "nope" not found');
  });

  it('refuses arguments kubectl refuses', async () => {
    expect((await c.fails(['annotate', 'sa', 'vault', 'a=b', 'stray', '-n', 'vault'])).message).toBe('error: all resources must be specified before annotation changes: stray');
    expect((await c.fails(['annotate', 'sa', 'vault', '-n', 'vault'])).message).toBe('error: at least one annotation update is required');
    expect((await c.fails(['annotate', 'sa', 'vault', 'bad key!=1', '-n', 'vault'])).message).toMatch(/Invalid annotation key/);
  });
});

describe('kubectl label', () => {
  const same = [
    ['sa', 'other', '-n', 'vault', 'team=a'],
    ['sa', 'other', '-n', 'vault', 'tier=web'],
    ['sa', 'other', '-n', 'vault', 'tier-'],
    ['sa', 'other', '-n', 'vault', 'missing-'],
    ['sa', 'other', '-n', 'vault', 'team=b', '--overwrite', '-o', 'name'],
  ];
  it.skipIf(!hasKubectl)('prints what kubectl prints, step by step on the same object', async () => {
    // Run each command with kubectl and with the translator on twin objects, and compare.
    c.server.state.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'twin', namespace: 'vault', labels: { team: 'a' } } });
    for (const argv of same) {
      const theirs = await c.real(['label', ...argv.map((a) => (a === 'other' ? 'twin' : a))]);
      const ours = await c.run(['label', ...argv]);
      expect(ours.stdout, argv.join(' ')).toBe(theirs.stdout.replace(/twin/g, 'other'));
    }
    expect(c.server.state.get('sa', 'vault', 'other')?.metadata.labels).toEqual(c.server.state.get('sa', 'vault', 'twin')?.metadata.labels);
  });

  it('refuses a different value without --overwrite, and adopts labels already set', async () => {
    expect((await c.fails(['label', 'sa', 'other', '-n', 'vault', 'team=c'])).message).toBe("error: 'team' already has a value (b), and --overwrite is false");
    const call = await translator.translate(['kubectl', 'label', 'sa', 'other', '-n', 'vault', 'team=b'], { cwd: c.cwd });
    expect(call.operation).toBe('K8s.Label');
    expect(await translator.adoption!['K8s.Label']!(call, adoptionContext())).toMatchObject({ outcome: 'adopted' });
  });

  it('labels everything a selector or --all picks', async () => {
    expect((await c.run(['label', 'sa', '--all', '-n', 'vault', 'scope=all'])).stdout).toBe('serviceaccount/default labeled\nserviceaccount/other labeled\nserviceaccount/twin labeled\nserviceaccount/vault labeled\n'.replace('serviceaccount/twin labeled\n', hasKubectl ? 'serviceaccount/twin labeled\n' : ''));
    expect((await c.run(['label', 'sa', '-l', 'team=b', '-n', 'vault', 'picked=yes'])).stdout).toBe(hasKubectl ? 'serviceaccount/other labeled\nserviceaccount/twin labeled\n' : 'serviceaccount/other labeled\n');
  });
});
