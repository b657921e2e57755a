/** `kubectl get`: each output format printed as the real kubectl prints it against the same server. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { K8sApiError, K8sError } from '../../../src/translate/k8s/errors.js';
import { expectSame, hasKubectl, testCluster, type TestCluster } from './support.js';

let c: TestCluster;

beforeAll(async () => {
  c = await testCluster();
  const s = c.server.state;
  s.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'vault' } });
  s.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'vault', namespace: 'vault', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/vault-role' }, labels: { app: 'vault', on: 'yes' } } });
  s.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'vault-config', namespace: 'vault' }, data: { 'vault.hcl': 'ui = true\nlistener "tcp" {}\n', 'seal.hcl': 'seal "awskms" {}', n: '1019', html: '<a & b>' } });
  s.create({
    apiVersion: 'apps/v1', kind: 'StatefulSet',
    metadata: { name: 'vault', namespace: 'vault', labels: { 'app.kubernetes.io/name': 'vault' } },
    spec: {
      serviceName: 'vault-internal', replicas: 2, podManagementPolicy: 'Parallel', updateStrategy: { type: 'OnDelete' },
      selector: { matchLabels: { 'app.kubernetes.io/name': 'vault' } },
      template: { metadata: { labels: { 'app.kubernetes.io/name': 'vault' } }, spec: { containers: [{ name: 'vault', image: 'hashicorp/vault:1.18.1', ports: [{ containerPort: 8200, name: 'http' }] }] } },
    },
  });
  s.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'vault-internal', namespace: 'vault' }, spec: { clusterIP: 'None', selector: { 'app.kubernetes.io/name': 'vault' }, ports: [{ name: 'http', port: 8200 }] } });
  s.create({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'vault', namespace: 'vault' }, spec: { ingressClassName: 'nginx', rules: [{ host: 'vault.example.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'vault-internal', port: { number: 8200 } } } }] } }], tls: [{ hosts: ['vault.example.test'], secretName: 'vault-tls' }] } });
  s.create({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }] } });
  await s.waitFor('pods', 'vault', 'vault-1', (p) => p?.status?.phase === 'Running');
});

afterAll(() => c?.stop());

/** Tables print an AGE that may tick between two commands. */
const ageless = (text: string) => text.replace(/\b\d+s\b/g, 'Ns');

describe('kubectl get', () => {
  const same = [
    ['sa', 'vault', '-n', 'vault', '-o', 'json'],
    ['sa', '-n', 'vault', '-o', 'json'],
    ['sa', 'vault', '-n', 'vault', '-o', 'yaml'],
    ['configmap', 'vault-config', '-n', 'vault', '-o', 'json'],
    ['configmap', 'vault-config', '-n', 'vault', '-o', 'yaml'],
    ['statefulset', 'vault', '-n', 'vault', '-o', 'yaml'],
    ['pods', '-n', 'vault', '-o', 'name'],
    ['sts,svc', '-n', 'vault', '-o', 'name'],
    ['pod/vault-0', 'namespace/vault', '-n', 'vault', '-o', 'name'],
    ['sa', '-n', 'vault', '-o', 'jsonpath={.items[*].metadata.name}'],
    ['sa', 'vault', '-n', 'vault', '-o', 'jsonpath={.metadata.annotations.eks\\.amazonaws\\.com/role-arn}'],
    ['sa', 'vault', '-n', 'vault', '-o', 'jsonpath={.metadata.labels}'],
    ['cm', 'vault-config', '-n', 'vault', '-o', 'jsonpath={.data}'],
    ['pods', '-n', 'vault', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}'],
    ['pod', 'vault-0', '-n', 'vault', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'],
    ['pods', '-n', 'vault', '-o', 'jsonpath={.items[-1:].metadata.name} {.items[0].spec.containers[0].ports[0].containerPort}'],
    ['sts', 'vault', '-n', 'vault', '-o', "jsonpath={.spec.template.metadata.labels['app\\.kubernetes\\.io/name']}"],
    ['sts', 'vault', '-n', 'vault', '-o', 'jsonpath={.nope}'],
    ['sts', 'vault', '-n', 'vault', '-o', 'jsonpath-as-json={.spec.replicas}'],
    ['ns', 'vault', '-o', 'jsonpath={.metadata.name}{"\\n"}{.status}'],
    ['ingress', 'vault', '-n', 'vault', '-o', 'yaml'],
    ['crd', 'widgets.example.com', '-o', 'jsonpath={.status.conditions[?(@.type=="Established")].status}'],
    ['nodes', '-o', 'name'],
  ];
  for (const argv of same) {
    it.skipIf(!hasKubectl)(`prints what kubectl prints: get ${argv.join(' ')}`, async () => {
      const [ours, theirs] = await Promise.all([c.run(['get', ...argv]), c.real(['get', ...argv])]);
      expect(theirs.code, theirs.stderr).toBe(0);
      expect(ours.stdout).toBe(theirs.stdout);
    });
  }

  for (const argv of [
    ['pods', '-n', 'vault', '-o', 'custom-columns=NAME:.metadata.name,PHASE:.status.phase,IMAGES:.spec.containers[*].image'],
    ['sts', 'vault', '-n', 'vault', '-o', 'custom-columns=NAME:.metadata.name,LABELS:.metadata.labels,REPLICAS:{.spec.replicas},MISSING:.nope'],
    ['pods', '-n', 'vault', '-o', 'custom-columns=NAME:metadata.name,PORTS:.spec.containers[0].ports', '--no-headers'],
    ['sts,svc', '-n', 'vault', '-o', 'custom-columns=KIND:.kind,NAME:.metadata.name'],
    ['cm', 'nothing-here', '-n', 'vault', '--ignore-not-found', '-o', 'custom-columns=NAME:.metadata.name'],
    ['pods', '-l', 'app=none', '-n', 'vault', '-o', 'custom-columns=NAME:.metadata.name'],
    ['pods', '-l', 'app=none', '-n', 'vault', '--ignore-not-found', '-o', 'json'],
    ['sa', '-n', 'vault', '-o', 'custom-columns-file=COLUMNS'],
  ]) {
    it.skipIf(!hasKubectl)(`prints kubectl's custom columns: get ${argv.join(' ')}`, async () => {
      const words = argv.map((a) => a.replace('COLUMNS', c.file('columns.txt', 'NAME   ROLE\n.metadata.name   .metadata.annotations.eks\\.amazonaws\\.com/role-arn\n')));
      const [ours, theirs] = await Promise.all([c.relay(['get', ...words]), c.real(['get', ...words])]);
      expectSame(ours, theirs, undefined, words.join(' '));
      expect(theirs.code, theirs.stderr).toBe(0);
    });
  }

  for (const argv of [['get', 'pods', '-o', 'custom-columns='], ['get', 'pods', '-o', 'custom-columns=NAME'], ['get', 'pods', '-o', 'custom-columns=NAME:{.metadata.name'], ['get', 'pods', '-o', 'custom-columns-file=/nonexistent']]) {
    it.skipIf(!hasKubectl)(`refuses what kubectl refuses: ${argv.join(' ')}`, async () => {
      const [ours, theirs] = [await c.relay(argv), await c.real(argv)];
      expectSame(ours, theirs, undefined, argv.join(' '));
      expect(ours.code).toBe(1);
    });
  }

  for (const argv of [['ing', '-n', 'vault'], ['crds'], ['pods', '-n', 'vault', '-o', 'wide'], ['nodes'], ['nodes', '-o', 'wide'], ['sts', '-n', 'vault', '-o', 'wide'], ['svc', '-n', 'vault', '-o', 'wide'], ['pods', '-n', 'vault'], ['sts,pods,svc', '-n', 'vault'], ['sa', '-n', 'vault', '--no-headers'], ['cm', '-A'], ['sa', 'vault', '-n', 'vault', '--show-labels']]) {
    it.skipIf(!hasKubectl)(`prints kubectl's table: get ${argv.join(' ')}`, async () => {
      const [ours, theirs] = await Promise.all([c.run(['get', ...argv]), c.real(['get', ...argv])]);
      expect(theirs.code, theirs.stderr).toBe(0);
      expect(ageless(ours.stdout)).toBe(ageless(theirs.stdout));
    });
  }

  it('is a read: not mutating, displayed with its kind and namespace', async () => {
    const { call } = await c.run(['get', 'statefulset', 'vault', '-n', 'vault', '-o', 'json']);
    expect(call).toMatchObject({ tool: 'kubectl', operation: 'K8s.Get', mutating: false, display: 'K8s.Get StatefulSet vault/vault -o json' });
  });

  it('reports a missing object as kubectl does, and --ignore-not-found prints nothing', async () => {
    const e = await c.fails(['get', 'sa', 'nope', '-n', 'vault']);
    expect(e).toBeInstanceOf(K8sApiError);
    expect(e.message).toBe('Error from server (NotFound): serviceaccounts "nope" not found');
    expect(e).toMatchObject({ code: 404, reason: 'NotFound', name: 'NotFound' });
    expect((await c.run(['get', 'sa', 'nope', '-n', 'vault', '--ignore-not-found'])).stdout).toBe('');
    expect((await c.run(['get', 'sa', 'nope', '-n', 'vault', '--ignore-not-found', '-o', 'json'])).stdout).toBe('');
  });

  it('finds resource types through discovery, and names an unknown one', async () => {
    const e = await c.fails(['get', 'widgets']);
    expect(e).toBeInstanceOf(K8sError);
    expect(e.message).toBe('error: the server doesn\'t have a resource type "widgets"');
    // Group-qualified and short names resolve too.
    expect((await c.run(['get', 'statefulsets.apps', '-n', 'vault', '-o', 'name'])).stdout).toBe('statefulset.apps/vault\n');
    expect((await c.run(['get', 'pdb', '-n', 'vault', '-o', 'name'])).stdout).toBe('');
  });

  it('uses the namespace of the kubeconfig context when -n is not given', async () => {
    const scoped = await testCluster({ namespace: 'vault' });
    try {
      scoped.server.state.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'vault' } });
      scoped.server.state.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'vault' } });
      expect((await scoped.run(['get', 'cm', 'x', '-o', 'name'])).stdout).toBe('configmap/x\n');
    } finally {
      await scoped.stop();
    }
  });

  it('honours --kubeconfig and --context, as kubectl does', async () => {
    // A kubeconfig whose current context points nowhere, and a second context that points at the server.
    const text = readFileSync(c.config, 'utf8');
    const other = text.replace(/current-context: test/, 'current-context: nowhere').replace('contexts:', 'contexts:\n- name: nowhere\n  context:\n    cluster: nowhere\n    user: test').replace('clusters:', 'clusters:\n- name: nowhere\n  cluster:\n    server: http://127.0.0.1:9\n    insecure-skip-tls-verify: true');
    const file = c.file('two-contexts.kubeconfig', other);
    const { translator } = await import('./support.js');
    const send = async (argv: string[]) => {
      const call = await translator.translate(['kubectl', ...argv], { cwd: c.cwd });
      return translator.format(await translator.send(call, { env: { PATH: process.env.PATH ?? '' } }), call);
    };
    expect(await send(['--kubeconfig', 'two-contexts.kubeconfig', '--context', 'test', 'get', 'ns', 'vault', '-o', 'name'])).toBe('namespace/vault\n');
    await expect(send(['--kubeconfig', file, 'get', 'ns', 'vault', '-o', 'name'])).rejects.toThrow(/127\.0\.0\.1:9 was refused/);
    await expect(send(['--kubeconfig', file, '--context', 'missing', 'get', 'ns'])).rejects.toThrow('error: context "missing" does not exist');
    await expect(send(['--kubeconfig', 'nope.kubeconfig', 'get', 'ns'])).rejects.toThrow(/no such file/);
  });

  it('selects by label', async () => {
    expect((await c.run(['get', 'pods', '-n', 'vault', '-l', 'app.kubernetes.io/name=vault', '-o', 'name'])).stdout).toBe('pod/vault-0\npod/vault-1\n');
    expect((await c.run(['get', 'pods', '-n', 'vault', '-l', 'app.kubernetes.io/name=other', '-o', 'json'])).stdout).toBe('{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n');
  });

  it('hides Secret values from plans and reports them as secrets', async () => {
    c.server.state.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'vault' }, data: { token: Buffer.from('s3cr3t-token').toString('base64') } });
    const { call, result } = await c.run(['get', 'secret', 'creds', '-n', 'vault', '-o', 'json']);
    const { translator } = await import('./support.js');
    expect(translator.secretsOf!(result, call)).toEqual([Buffer.from('s3cr3t-token').toString('base64'), 's3cr3t-token']);
  });
});
