/**
 * `kubectl apply -f DIR` (every .json/.yaml/.yml in it, in kubectl's lexical order; -R for
 * subdirectories), the `create … --dry-run=client -o yaml | kubectl apply -f -` idiom, and `-k`
 * left to the real kubectl (which embeds kustomize), each against the real kubectl.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSame, hasKubectl, testCluster, translator, type TestCluster } from './support.js';

let c: TestCluster;
const same = (s: string) => s.replace(/-(ours|theirs)\b/g, '-X');

beforeAll(async () => {
  c = await testCluster();
  c.server.state.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ad' } });
  for (const side of ['ours', 'theirs']) {
    const dir = join(c.cwd, `manifests-${side}`);
    mkdirSync(join(dir, 'nested'), { recursive: true });
    const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}-${side}\n  namespace: ad\ndata:\n  k: v\n`;
    writeFileSync(join(dir, 'b-service.yaml'), `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${side}\n  namespace: ad\nspec:\n  selector: {app: x}\n  ports: [{port: 80}]\n`);
    writeFileSync(join(dir, 'a-config.yml'), `${cm('one')}---\n${cm('two')}`);
    writeFileSync(join(dir, 'c-secret.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `sec-${side}`, namespace: 'ad' }, data: { a: 'Yg==' } }));
    writeFileSync(join(dir, 'README.md'), '# not a manifest\n');
    writeFileSync(join(dir, 'nested', 'd.yaml'), cm('deep'));
  }
});

afterAll(() => c?.stop());

describe('kubectl apply -f DIR', () => {
  it.skipIf(!hasKubectl)('applies every manifest of a directory in kubectl\'s order, as kubectl prints it', async () => {
    const ours = await c.relay(['apply', '-f', join(c.cwd, 'manifests-ours')]);
    const theirs = await c.real(['apply', '-f', join(c.cwd, 'manifests-theirs')]);
    expectSame(ours, theirs, same);
    expect(ours.stdout).toBe('configmap/one-ours created\nconfigmap/two-ours created\nservice/svc-ours created\nsecret/sec-ours created\n');
    // Again: nothing changes.
    expectSame(await c.relay(['apply', '-f', join(c.cwd, 'manifests-ours')]), await c.real(['apply', '-f', join(c.cwd, 'manifests-theirs')]), same);
  });

  it.skipIf(!hasKubectl)('walks subdirectories with -R', async () => {
    const ours = await c.relay(['apply', '-R', '-f', join(c.cwd, 'manifests-ours'), '-o', 'name']);
    const theirs = await c.real(['apply', '-R', '-f', join(c.cwd, 'manifests-theirs'), '-o', 'name']);
    expectSame(ours, theirs, same);
    expect(ours.stdout).toContain('configmap/deep-ours\n');
  });

  it.skipIf(!hasKubectl)('applies what `create … --dry-run=client -o yaml` prints, from a pipe', async () => {
    const printed = await c.run(['create', 'configmap', 'piped-ours', '-n', 'ad', '--from-literal=a=1', '--dry-run=client', '-o', 'yaml']);
    const realPrinted = await c.real(['create', 'configmap', 'piped-theirs', '-n', 'ad', '--from-literal=a=1', '--dry-run=client', '-o', 'yaml']);
    expect(same(printed.stdout)).toBe(same(realPrinted.stdout));
    const ours = await c.relay(['apply', '-f', '-'], { stdin: printed.stdout });
    const theirs = await c.real(['apply', '-f', '-'], undefined, realPrinted.stdout);
    expectSame(ours, theirs, same);
    expect(ours.stdout).toBe('configmap/piped-ours created\n');
    // The idiom's point: run again with other data, it updates.
    const changed = (await c.run(['create', 'configmap', 'piped-ours', '-n', 'ad', '--from-literal=a=2', '--dry-run=client', '-o', 'yaml'])).stdout;
    const realChanged = (await c.real(['create', 'configmap', 'piped-theirs', '-n', 'ad', '--from-literal=a=2', '--dry-run=client', '-o', 'yaml'])).stdout;
    expectSame(await c.relay(['apply', '-f', '-'], { stdin: changed }), await c.real(['apply', '-f', '-'], undefined, realChanged), same);
    expect(c.server.state.get('configmaps', 'ad', 'piped-ours')?.data).toEqual({ a: '2' });
  });

  it('leaves -k (kustomize) to the real kubectl: no maintained JS kustomize exists, and kubectl embeds it', async () => {
    expect(translator.handles(['kubectl', 'apply', '-k', 'overlays/prod'])).toBe(false);
    expect(translator.handles(['kubectl', 'delete', '-k', 'overlays/prod'])).toBe(false);
    expect(translator.handles(['kubectl', 'kustomize', 'overlays/prod'])).toBe(false);
    const e = await translator.translate(['kubectl', 'apply', '-k', 'overlays/prod'], { cwd: c.cwd }).catch((x: unknown) => x);
    expect(translator.isUntranslatable!(e)).toBe(true);
  });

  it.skipIf(!hasKubectl)('refuses what kubectl refuses: a path that is not there, an empty directory', async () => {
    mkdirSync(join(c.cwd, 'empty'), { recursive: true });
    for (const argv of [['apply', '-f', join(c.cwd, 'nowhere')], ['apply', '-f', join(c.cwd, 'empty')]]) {
      const [ours, theirs] = [await c.relay(argv), await c.real(argv)];
      expectSame(ours, theirs, (s) => s, argv.join(' '));
      expect(ours.code).toBe(1);
    }
  });
});
