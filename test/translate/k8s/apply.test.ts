/** `kubectl apply -f`: server-side apply of every document, outcomes, conflicts, adoption. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { K8sUsageError } from '../../../src/translate/k8s/errors.js';
import { outcomeOf } from '../../../src/translate/k8s/translator.js';
import type { K8sCall } from '../../../src/translate/k8s/types.js';
import type { AdoptionContext } from '../../../src/translate/types.js';
import { testCluster, translator, type TestCluster } from './support.js';

let c: TestCluster;

const services = `apiVersion: v1
kind: Service
metadata:
  name: vault-internal
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  selector:
    app.kubernetes.io/name: vault
  ports:
    - name: http
      port: 8200
---
apiVersion: v1
kind: Service
metadata:
  name: vault
spec:
  selector:
    app.kubernetes.io/name: vault
  ports:
    - name: http
      port: 8200
`;

const role = (verbs: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: vault-discovery-role
  namespace: vault
rules:
  - apiGroups: [""]
    resources: ["pods"]
    verbs: [${verbs}]
`;

beforeAll(async () => {
  c = await testCluster();
  c.server.state.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'vault' } });
});

afterAll(() => c?.stop());

function adoptionContext(): AdoptionContext<K8sCall> {
  return { send: (call) => translator.send(call, { env: c.env }), translate: (argv) => translator.translate(argv, { cwd: c.cwd }), laterArgv: [] };
}

describe('kubectl apply', () => {
  it('server-side applies every document read from stdin, with field manager runbook', async () => {
    const { call, stdout, result } = await c.run(['apply', '--server-side', '-n', 'vault', '-f', '-'], { stdin: services });
    expect(call).toMatchObject({ operation: 'K8s.ServerSideApply', mutating: true, display: 'K8s.ServerSideApply Service vault/vault-internal, Service vault/vault' });
    expect(stdout).toBe('service/vault-internal serverside-applied\nservice/vault serverside-applied\n');
    expect(result).toMatchObject({ kind: 'written', items: [{ created: true }, { created: true }] });
    const patches = c.server.state.requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => [r.path, r.contentType])).toEqual([
      ['/api/v1/namespaces/vault/services/vault-internal', 'application/apply-patch+yaml'],
      ['/api/v1/namespaces/vault/services/vault', 'application/apply-patch+yaml'],
    ]);
    expect(patches[0]!.query).toContain('fieldManager=runbook');
    expect(c.server.state.get('services', 'vault', 'vault-internal')?.spec.clusterIP).toBe('None');
    expect(c.server.state.get('services', 'vault', 'vault-internal')?.metadata.managedFields.map((m: { manager: string; operation: string }) => [m.manager, m.operation])).toEqual([['runbook', 'Apply']]);
  });

  it('applying again changes nothing; without --server-side it says what kubectl says (created, configured, unchanged)', async () => {
    const again = await c.run(['apply', '-n', 'vault', '-f', '-'], { stdin: services });
    expect(again.stdout).toBe('service/vault-internal unchanged\nservice/vault unchanged\n');
    expect(again.result).toMatchObject({ items: [{ created: false }, { created: false }] });
    expect((await c.run(['apply', '-f', '-'], { stdin: role('"get"') })).stdout).toBe('role.rbac.authorization.k8s.io/vault-discovery-role created\n');
    expect((await c.run(['apply', '-f', '-'], { stdin: role('"get", "list"') })).stdout).toBe('role.rbac.authorization.k8s.io/vault-discovery-role configured\n');
    expect(c.server.state.get('roles', 'vault', 'vault-discovery-role')?.rules[0].verbs).toEqual(['get', 'list']);
  });

  it('reads files and directories beside the runbook', async () => {
    c.file('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-file\n  namespace: vault\ndata:\n  a: "1"\n');
    expect((await c.run(['apply', '--server-side', '-f', 'cm.yaml', '-o', 'name'])).stdout).toBe('configmap/from-file\n');
    expect(c.server.state.get('configmaps', 'vault', 'from-file')?.data).toEqual({ a: '1' });
  });

  it('refuses what kubectl refuses', async () => {
    const e = await c.fails(['apply', '-n', 'default', '-f', '-'], { stdin: role('"get"') });
    expect(e).toBeInstanceOf(K8sUsageError);
    expect(e.message).toBe('the namespace from the provided object "vault" does not match the namespace "default". You must pass \'--namespace=vault\' to perform this operation.');
    expect((await c.fails(['apply', '-f', '-'], { stdin: 'kind: ConfigMap\nmetadata: {name: x}\n' })).message).toBe('error: error validating "STDIN": error validating data: [apiVersion not set]');
    expect((await c.fails(['apply', '-f', '-'], { stdin: 'a: [\n' })).message).toMatch(/^error: error parsing STDIN/);
    expect((await c.fails(['apply', '-f', 'missing.yaml'])).message).toBe('error: the path "missing.yaml" does not exist');
    expect((await c.fails(['apply', '--force-conflicts', '-f', '-'], { stdin: services })).message).toBe('error: --force-conflicts only works with --server-side');
    expect((await c.fails(['apply', '-f', '-'], { stdin: 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n' })).message).toMatch(/no matches|resource mapping not found/);
  });

  it('plans with the kinds of a heredoc, or a placeholder when its text is only known at run time', async () => {
    const known = await translator.translate(['kubectl', 'apply', '-f', '-'], { cwd: c.cwd, planning: true, stdin: services });
    expect(known.display).toBe('K8s.ServerSideApply Service vault-internal, Service vault');
    const unknown = await translator.translate(['kubectl', 'apply', '-f', '-'], { cwd: c.cwd, planning: true });
    expect(unknown.display).toBe('K8s.ServerSideApply <objects from stdin>');
    const placeholders = await translator.translate(['kubectl', 'apply', '-f', '-'], { cwd: c.cwd, planning: true, stdin: 'kind: Service\nmetadata:\n  name: <from step 3: X>\n' });
    expect(placeholders.display).toBe('K8s.ServerSideApply <objects from stdin>');
  });

  it('adopts when a server-side dry run changes nothing, and applies when it would', async () => {
    const same = await translator.translate(['kubectl', 'apply', '--server-side', '-n', 'vault', '-f', '-'], { cwd: c.cwd, stdin: services });
    const before = c.server.state.events().length;
    const adopted = await translator.adoption!['K8s.ServerSideApply']!(same, adoptionContext());
    expect(adopted).toMatchObject({ outcome: 'adopted', detail: 'service/vault-internal, service/vault already match the manifest' });
    expect(translator.format(adopted!.output, same)).toBe('service/vault-internal unchanged\nservice/vault unchanged\n');
    expect(c.server.state.events().length).toBe(before);
    // The lookup was a dry run: nothing was written.
    expect(c.server.state.requests.filter((r) => r.method === 'PATCH').at(-1)?.query).toContain('dryRun=All');
    const changed = await translator.translate(['kubectl', 'apply', '--server-side', '-n', 'vault', '-f', '-'], { cwd: c.cwd, stdin: services.replace('port: 8200\n---', 'port: 8201\n---') });
    expect(await translator.adoption!['K8s.ServerSideApply']!(changed, adoptionContext())).toBeUndefined();
    const missing = await translator.translate(['kubectl', 'apply', '--server-side', '-n', 'vault', '-f', '-'], { cwd: c.cwd, stdin: services.replace(/name: vault$/m, 'name: vault-active') });
    expect(await translator.adoption!['K8s.ServerSideApply']!(missing, adoptionContext())).toBeUndefined();
  });

  it('tells created from updated from unchanged (for the engine\'s step record)', async () => {
    const cm = (v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: outcome\n  namespace: vault\ndata:\n  v: "${v}"\n`;
    expect(outcomeOf((await c.run(['apply', '--server-side', '-f', '-'], { stdin: cm('1') })).result)).toBe('created');
    expect(outcomeOf((await c.run(['apply', '--server-side', '-f', '-'], { stdin: cm('2') })).result)).toBe('updated');
    expect(outcomeOf((await c.run(['apply', '--server-side', '-f', '-'], { stdin: cm('2') })).result)).toBe('adopted');
  });

  it('--dry-run=server applies nothing and is not a change', async () => {
    const { call, stdout } = await c.run(['apply', '--server-side', '--dry-run=server', '-f', '-'], { stdin: role('"watch"') });
    expect(call.mutating).toBe(false);
    expect(stdout).toBe('role.rbac.authorization.k8s.io/vault-discovery-role serverside-applied (server dry run)\n');
    expect(c.server.state.get('roles', 'vault', 'vault-discovery-role')?.rules[0].verbs).toEqual(['get', 'list']);
  });
});
