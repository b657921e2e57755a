/** `kubectl create`: namespace, serviceaccount, configmap, secret generic, -f; 409s and adoption. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { K8sApiError, K8sUsageError } from '../../../src/translate/k8s/errors.js';
import type { K8sCall } from '../../../src/translate/k8s/types.js';
import type { AdoptionContext } from '../../../src/translate/types.js';
import { hasKubectl, testCluster, translator, type TestCluster } from './support.js';

let c: TestCluster;

beforeAll(async () => {
  c = await testCluster();
  c.file('vault.hcl', 'ui = true\n');
  c.file('seal.hcl', 'seal "awskms" {\n  kms_key_id = "k"\n}\n');
  mkdirSync(join(c.cwd, 'conf.d'));
  writeFileSync(join(c.cwd, 'conf.d', 'a.hcl'), 'a = 1\n');
  writeFileSync(join(c.cwd, 'conf.d', 'b.hcl'), 'b = 2\n');
  writeFileSync(join(c.cwd, 'bin.dat'), Buffer.from([0xff, 0xfe, 0x00, 0x01]));
  c.file('app.env', '# comment\nA=1\nB=two words\n');
});

afterAll(() => c?.stop());

/** The adoption context the engine passes: sends through the translator. */
function adoptionContext(): AdoptionContext<K8sCall> {
  return {
    send: (call) => translator.send(call, { env: c.env }),
    translate: (argv) => translator.translate(argv, { cwd: c.cwd }),
    laterArgv: [],
  };
}

describe('kubectl create', () => {
  it('creates a namespace, and answers a second create with kubectl\'s AlreadyExists error', async () => {
    const first = await c.run(['create', 'namespace', 'vault']);
    expect(first.stdout).toBe('namespace/vault created\n');
    expect(first.call).toMatchObject({ operation: 'K8s.Create', mutating: true, display: 'K8s.Create Namespace vault' });
    expect(c.server.state.get('namespaces', undefined, 'vault')?.status?.phase).toBe('Active');
    const e = await c.fails(['create', 'namespace', 'vault']);
    expect(e).toBeInstanceOf(K8sApiError);
    expect(e.message).toBe('Error from server (AlreadyExists): namespaces "vault" already exists');
    expect(translator.isAlreadyExists!(e)).toBe(true);
    expect(translator.isRetryable!(e)).toBe(false);
  });

  it('creates a service account in the namespace given with -n', async () => {
    const { stdout, call } = await c.run(['create', 'serviceaccount', 'vault', '-n', 'vault']);
    expect(stdout).toBe('serviceaccount/vault created\n');
    expect(call.display).toBe('K8s.Create ServiceAccount vault/vault');
    expect(c.server.state.get('serviceaccounts', 'vault', 'vault')).toBeTruthy();
    const post = c.server.state.requests.filter((r) => r.method === 'POST').at(-1)!;
    expect(post.path).toBe('/api/v1/namespaces/vault/serviceaccounts');
    expect(post.query).toContain('fieldManager=runbook');
  });

  it('creates a ConfigMap from files, a directory, literals and an env file', async () => {
    const { stdout } = await c.run(['create', 'configmap', 'vault-config', '-n', 'vault', '--from-file=vault.hcl', '--from-file=seal=seal.hcl', '--from-file=conf.d', '--from-literal=mode=ha', '--from-file=bin.dat']);
    expect(stdout).toBe('configmap/vault-config created\n');
    const cm = c.server.state.get('configmaps', 'vault', 'vault-config')!;
    expect(cm.data).toEqual({ 'vault.hcl': 'ui = true\n', seal: 'seal "awskms" {\n  kms_key_id = "k"\n}\n', 'a.hcl': 'a = 1\n', 'b.hcl': 'b = 2\n', mode: 'ha' });
    expect(cm.binaryData).toEqual({ 'bin.dat': Buffer.from([0xff, 0xfe, 0x00, 0x01]).toString('base64') });
    // An env file stands alone (kubectl: "from-env-file cannot be combined with from-file or from-literal").
    await c.run(['create', 'configmap', 'vault-env', '-n', 'vault', '--from-env-file=app.env']);
    expect(c.server.state.get('configmaps', 'vault', 'vault-env')!.data).toEqual({ A: '1', B: 'two words' });
  });

  for (const argv of [
    ['namespace', 'vault', '--dry-run=client', '-o', 'yaml'],
    ['serviceaccount', 'vault', '-n', 'vault', '--dry-run=client', '-o', 'yaml'],
    ['configmap', 'vault-config', '-n', 'vault', '--from-file=vault.hcl', '--from-literal=a=b', '--dry-run=client', '-o', 'yaml'],
    ['configmap', 'vault-config', '-n', 'vault', '--from-file=vault.hcl', '--dry-run=client', '-o', 'json'],
    ['configmap', 'x', '--from-literal=a=b', '--dry-run=client'],
    ['configmap', 'x', '--from-literal=a=b', '--dry-run=client', '-o', 'name'],
    ['secret', 'generic', 's', '-n', 'vault', '--from-literal=a=b', '--dry-run=client', '-o', 'yaml'],
  ]) {
    it.skipIf(!hasKubectl)(`prints what kubectl prints: create ${argv.join(' ')}`, async () => {
      // The real kubectl runs in this process's directory: give it the files by absolute path.
      const abs = argv.map((a) => a.replace(/^--from-file=/, `--from-file=${c.cwd}/`));
      const [ours, theirs] = await Promise.all([c.run(['create', ...abs]), c.real(['create', ...abs])]);
      expect(theirs.code, theirs.stderr).toBe(0);
      expect(ours.stdout).toBe(theirs.stdout);
      expect(ours.call.mutating).toBe(false);
    });
  }

  it('a client-side dry run contacts nobody', async () => {
    const before = c.server.state.requests.length;
    await c.run(['create', 'configmap', 'y', '-n', 'vault', '--from-literal=a=b', '--dry-run=client', '-o', 'yaml']);
    expect(c.server.state.requests.length).toBe(before);
  });

  it('refuses what kubectl refuses before sending', async () => {
    expect(await c.fails(['create', 'configmap', 'x', '--from-literal=a'])).toMatchObject({ message: 'invalid literal source a, expected key=value', ruleId: 'k8s-bad-value' });
    expect((await c.fails(['create', 'configmap', 'x', '--from-literal=a=1', '--from-literal=a=2'])).message).toBe('cannot add key "a", another key by that name already exists in Data for ConfigMap "x"');
    expect((await c.fails(['create', 'configmap', 'x', '--from-file=nope.txt'])).message).toBe('error reading nope.txt: no such file or directory');
    expect(await c.fails(['create', 'namespace'])).toBeInstanceOf(K8sUsageError);
  });

  it('sends a name kubectl sends, and the server refuses it (runbook check reports it before the run)', async () => {
    const e = await c.fails(['create', 'namespace', 'Bad_Name']);
    expect(e).toMatchObject({ code: 422, reason: 'Invalid' });
    expect((await translator.validate(['kubectl', 'create', 'namespace', 'Bad_Name'], { cwd: c.cwd, planning: true }))[0]?.message).toMatch(/Invalid name `Bad_Name`/);
  });

  it('creates a Secret, keeps its values out of the plan, and reports them as secrets', async () => {
    const { call, result, stdout } = await c.run(['create', 'secret', 'generic', 'creds', '-n', 'vault', '--from-literal=password=hunter2-hunter2', '-o', 'json']);
    expect(JSON.stringify(call.input)).not.toContain(Buffer.from('hunter2-hunter2').toString('base64'));
    expect(JSON.stringify(call.input)).toContain('***');
    expect(JSON.parse(stdout).data.password).toBe(Buffer.from('hunter2-hunter2').toString('base64'));
    expect(translator.secretsOf!(result, call)).toContain('hunter2-hunter2');
  });

  it('creates every object of a multi-document manifest (-f file and -f - from stdin)', async () => {
    const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\ndata:\n  on: yes\n---\n# empty\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: two\n';
    c.file('objects.yaml', manifest);
    const { stdout, call } = await c.run(['create', '-f', 'objects.yaml', '-n', 'vault']);
    expect(call.display).toBe('K8s.Create ConfigMap vault/one, ConfigMap vault/two');
    expect(stdout).toBe('configmap/one created\nconfigmap/two created\n');
    // YAML 1.1, as kubectl reads it: `on: yes` is a boolean, which a ConfigMap refuses.
    expect(call.k8s.verb === 'create' && call.k8s.objects?.[0]?.data).toEqual({ true: true });
    const fromStdin = await c.run(['create', '-f', '-', '-n', 'vault', '-o', 'name'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: three\n' });
    expect(fromStdin.stdout).toBe('configmap/three\n');
  });

  it('adopts objects that exist (and only when all of them do)', async () => {
    const ns = await translator.translate(['kubectl', 'create', 'namespace', 'vault'], { cwd: c.cwd });
    const adopted = await translator.adoption!['K8s.Create']!(ns, adoptionContext());
    expect(adopted).toMatchObject({ outcome: 'adopted', detail: 'namespace/vault already exists' });
    expect(translator.format(adopted!.output, ns)).toBe('namespace/vault unchanged\n');
    const fresh = await translator.translate(['kubectl', 'create', 'serviceaccount', 'newcomer', '-n', 'vault'], { cwd: c.cwd });
    expect(await translator.adoption!['K8s.Create']!(fresh, adoptionContext())).toBeUndefined();
    const mixed = await translator.translate(['kubectl', 'create', '-f', '-', '-n', 'vault'], { cwd: c.cwd, stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: four}\n' });
    expect(await translator.adoption!['K8s.Create']!(mixed, adoptionContext())).toBeUndefined();
  });

  it('at plan time, files an earlier step writes read as placeholders', async () => {
    const call = await translator.translate(['kubectl', 'create', 'configmap', 'x', '--from-file=later.hcl', '--dry-run=client', '-o', 'yaml'], { cwd: c.cwd, planning: true });
    expect(call.k8s.verb === 'create' && call.k8s.objects?.[0]?.data).toEqual({ 'later.hcl': '<contents of later.hcl>' });
  });
});
