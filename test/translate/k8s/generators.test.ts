/**
 * `kubectl create <generator>` (secret tls|docker-registry, deployment, job, role, rolebinding,
 * clusterrole, clusterrolebinding, and the ones before them): the objects kubectl builds, printed by
 * `--dry-run=client -o yaml|json` byte for byte as the real kubectl prints them, created as it creates
 * them, refused as it refuses them; `… --dry-run=client -o yaml | kubectl apply -f -` works.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { K8sCall } from '../../../src/translate/k8s/types.js';
import type { AdoptionContext } from '../../../src/translate/types.js';
import { expectSame, hasKubectl, testCluster, translator, type TestCluster } from './support.js';

let c: TestCluster;
let cert: string;
let key: string;
let otherKey: string;

beforeAll(async () => {
  c = await testCluster();
  c.server.state.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gen' } });
  // A self-signed pair (and a key that is not its), made with openssl as a guide would.
  key = join(c.cwd, 'tls.key');
  cert = join(c.cwd, 'tls.crt');
  otherKey = join(c.cwd, 'other.key');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=example.test'], { stdio: 'ignore' });
  execFileSync('openssl', ['genrsa', '-out', otherKey, '2048'], { stdio: 'ignore' });
  c.file('registry.json', '{"auths":{"r.example":{"auth":"dTpw"}}}');
  mkdirSync(join(c.cwd, 'conf.d'));
  writeFileSync(join(c.cwd, 'conf.d', 'b.conf'), 'b = 2\n');
  writeFileSync(join(c.cwd, 'conf.d', 'a.conf'), 'listen: "0.0.0.0:8200"\nyes: on\n');
  writeFileSync(join(c.cwd, 'conf.d', 'bin.dat'), Buffer.from([0xff, 0xfe, 0x00]));
  c.file('app.env', '# comment\nMODE=ha\nEMPTY=\n');
});

afterAll(() => c?.stop());

function adoptionContext(): AdoptionContext<K8sCall> {
  return { send: (call) => translator.send(call, { env: c.env }), translate: (argv) => translator.translate(argv, { cwd: c.cwd }), laterArgv: [] };
}

const printed = [
  ['secret', 'tls', 'web-tls', '-n', 'gen'],
  ['secret', 'docker-registry', 'pull', '-n', 'gen', '--docker-server=registry.example:5000', '--docker-username=bot', '--docker-password=s3cret', '--docker-email=bot@example.test'],
  ['secret', 'docker-registry', 'hub', '--docker-username=bot', '--docker-password=s3cret'],
  ['secret', 'docker-registry', 'fromfile', '--from-file=.dockerconfigjson=REGISTRY'],
  ['deployment', 'web', '--image=nginx:1.27', '-n', 'gen'],
  ['deployment', 'web', '--image=registry.example:5000/team/api:v2', '--replicas=3', '--port=8080'],
  ['deployment', 'multi', '--image=nginx:1.27', '--image=busybox:1.36'],
  ['deployment', 'sleeper', '--image=busybox:1.36', '--', 'sleep', '3600'],
  ['job', 'migrate', '--image=busybox:1.36', '-n', 'gen', '--', 'sh', '-c', 'echo done'],
  ['role', 'reader', '--verb=get,list,watch', '--resource=pods,deploy,statefulsets.apps', '-n', 'gen'],
  ['role', 'one', '--verb=get', '--verb=get', '--resource=configmaps', '--resource-name=a', '--resource-name=b', '--resource-name=a'],
  ['role', 'all', '--verb=*', '--resource=*'],
  ['role', 'logs', '--verb=get', '--resource=pods/log'],
  ['clusterrole', 'nodes', '--verb=get', '--resource=nodes,no', '--non-resource-url=/healthz', '--non-resource-url=/metrics/*'],
  ['rolebinding', 'read', '--role=reader', '--user=alice', '--group=devs', '--serviceaccount=gen:builder', '-n', 'gen'],
  ['rolebinding', 'admin', '--clusterrole=admin', '--serviceaccount=gen:ci'],
  ['clusterrolebinding', 'read-nodes', '--clusterrole=nodes', '--user=alice', '--group=ops'],
  ['namespace', 'staging'],
  ['serviceaccount', 'ci', '-n', 'gen'],
  ['configmap', 'settings', '--from-literal=b=2', '--from-literal=a=1', '-n', 'gen'],
  ['secret', 'generic', 'creds', '--from-literal=user=u', '--from-literal=pass=p'],
  ['configmap', 'conf', '--from-file=CONFDIR', '--from-file=renamed=CONFDIR/b.conf', '--from-literal=z=last'],
  ['configmap', 'env', '--from-env-file=ENVFILE'],
  ['secret', 'generic', 'files', '--from-file=CONFDIR', '--type=Opaque'],
];

const files = (argv: string[]) => argv.map((a) => a.replace('REGISTRY', join(c.cwd, 'registry.json')).replace('CONFDIR', join(c.cwd, 'conf.d')).replace('ENVFILE', join(c.cwd, 'app.env'))).concat(argv[0] === 'secret' && argv[1] === 'tls' ? [`--cert=${cert}`, `--key=${key}`] : []);

describe('kubectl create <generator> --dry-run=client', () => {
  for (const format of ['yaml', 'json']) {
    for (const argv of printed) {
      it.skipIf(!hasKubectl)(`prints what kubectl prints: create ${argv.join(' ')} -o ${format}`, async () => {
        // Flags first: a command after `--` takes every word behind it.
        const words = ['create', '--dry-run=client', '-o', format, ...files(argv)];
        const [ours, theirs] = await Promise.all([c.relay(words), c.real(words)]);
        // kubectl names a container after an image with `.` or `_` plus 5 random letters: none here.
        expectSame(ours, theirs, undefined, words.join(' '));
        expect(ours.code).toBe(0);
      });
    }
  }

  it('contacts nobody, except for the resource names of a role', async () => {
    const before = c.server.state.requests.length;
    await c.run(['create', 'deployment', 'web', '--image=nginx', '--dry-run=client', '-o', 'yaml']);
    await c.run(['create', 'job', 'j', '--image=busybox', '--dry-run=client', '-o', 'yaml']);
    expect(c.server.state.requests.length).toBe(before);
    const role = await c.run(['create', 'role', 'r', '--verb=get', '--resource=po', '--dry-run=client', '-o', 'json']);
    expect(JSON.parse(role.stdout).rules).toEqual([{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]);
    expect(role.call.mutating).toBe(false);
  });

  it('is what `kubectl apply -f -` reads: the printed manifest applies as the object kubectl would create', async () => {
    const manifest = (await c.run(['create', 'deployment', 'piped', '--image=nginx:1.27', '-n', 'gen', '--dry-run=client', '-o', 'yaml'])).stdout;
    const applied = await c.relay(['apply', '-f', '-'], { stdin: manifest });
    expect(applied).toEqual({ stdout: 'deployment.apps/piped created\n', stderr: '', code: 0 });
    expect(c.server.state.get('deployments', 'gen', 'piped')?.spec.template.spec.containers[0]).toMatchObject({ name: 'nginx', image: 'nginx:1.27' });
    const secret = (await c.run(['create', 'secret', 'tls', 'piped-tls', '-n', 'gen', `--cert=${cert}`, `--key=${key}`, '--dry-run=client', '-o', 'yaml'])).stdout;
    expect((await c.relay(['apply', '-f', '-'], { stdin: secret })).code).toBe(0);
    expect(c.server.state.get('secrets', 'gen', 'piped-tls')?.data['tls.crt']).toBe(readFileSync(cert).toString('base64'));
  });
});

describe('kubectl create <generator>', () => {
  const created = [
    ['deployment', 'NAME', '--image=nginx:1.27', '--replicas=2', '-n', 'gen'],
    ['job', 'NAME', '--image=busybox:1.36', '-n', 'gen', '--', 'echo', 'hi'],
    ['role', 'NAME', '--verb=get', '--resource=pods', '-n', 'gen'],
    ['clusterrole', 'NAME', '--verb=get', '--resource=nodes'],
    ['rolebinding', 'NAME', '--role=reader', '--user=alice', '-n', 'gen'],
    ['clusterrolebinding', 'NAME', '--clusterrole=view', '--group=ops'],
    ['secret', 'tls', 'NAME', '-n', 'gen'],
    ['secret', 'docker-registry', 'NAME', '--docker-username=u', '--docker-password=p', '-n', 'gen'],
  ];
  for (const [i, argv] of created.entries()) {
    it.skipIf(!hasKubectl)(`creates what kubectl creates: create ${argv.join(' ')}`, async () => {
      const ours = `ours${i}`;
      const theirs = `theirs${i}`;
      const same = (s: string) => s.replace(new RegExp(`\\b(${ours}|${theirs})\\b`, 'g'), 'NAME');
      const named = (name: string) => ['create', ...(argv.includes('-n') ? ['-n', 'gen'] : []), ...files(argv.filter((a, i) => a !== '-n' && argv[i - 1] !== '-n')).map((a) => (a === 'NAME' ? name : a))];
      const mine = await c.relay(named(ours));
      const real = await c.real(named(theirs));
      expectSame(mine, real, same);
      expect(mine.stdout).toMatch(/ created\n$/);
      const [resource, ns] = { deployment: ['deployments', 'gen'], job: ['jobs', 'gen'], role: ['roles', 'gen'], clusterrole: ['clusterroles'], rolebinding: ['rolebindings', 'gen'], clusterrolebinding: ['clusterrolebindings'], secret: ['secrets', 'gen'] }[argv[0] as 'job'] as [string, string?];
      const a = c.server.state.get(resource, ns, ours)!;
      const b = c.server.state.get(resource, ns, theirs)!;
      // What each create asked for: the spec and data (the status moves on by itself).
      const comparable = ({ status: _s, ...o }: Record<string, any>) => JSON.parse(same(JSON.stringify({ ...o, metadata: { labels: o.metadata.labels, annotations: o.metadata.annotations } })).replace(/"[0-9a-f-]{36}"/g, '"UID"'));
      expect(comparable(a)).toEqual(comparable(b));
      // A second create is AlreadyExists, which the engine adopts.
      const again = await translator.translate(['kubectl', ...named(ours)], { cwd: c.cwd });
      expect(await translator.adoption!['K8s.Create']!(again, adoptionContext())).toMatchObject({ outcome: 'adopted' });
      const second = await c.relay(named(ours));
      const realSecond = await c.real(named(theirs));
      expectSame(second, realSecond, same);
      expect(second.stderr).toMatch(/already exists/);
    });
  }

  it('reports what it did for the engine: created, and the call is mutating', async () => {
    const { call, result } = await c.run(['create', 'role', 'cm-reader', '--verb=list', '--resource=cm', '-n', 'gen']);
    expect(call).toMatchObject({ operation: 'K8s.Create', mutating: true });
    expect(translator.outcomeOf!(result, call)).toBe('created');
  });

  it('plans before the files exist, and checks what it can', async () => {
    for (const argv of [
      ['create', 'secret', 'tls', 'web', '--cert=later.crt', '--key=later.key'],
      ['create', 'deployment', 'web', '--image=nginx', '--replicas=<from step 1: N>'],
      ['create', 'role', 'r', '--verb=get', '--resource=pods'],
      ['scale', 'deploy', 'web', '--replicas=3'],
      ['delete', '-f', 'later/'],
      ['patch', 'deploy', 'web', '--patch-file=later.yaml'],
      ['expose', 'deploy', 'web', '--port=80'],
      ['rollout', 'restart', 'deploy/web'],
      ['get', 'pods', '-o', 'custom-columns=NAME:.metadata.name'],
    ]) expect(await translator.validate(['kubectl', ...argv], { cwd: c.cwd, planning: true }), argv.join(' ')).toEqual([]);
    expect((await translator.validate(['kubectl', 'create', 'deployment', 'Web_1', '--image=nginx'], { cwd: c.cwd, planning: true }))[0]).toMatchObject({ ruleId: 'k8s-bad-value', severity: 'error' });
    expect((await translator.validate(['kubectl', 'scale', 'deploy', 'web'], { cwd: c.cwd, planning: true }))[0]).toMatchObject({ severity: 'error', message: expect.stringMatching(/replicas/) });
  });

  it('keeps secret values out of plans, and reports the registry password as a secret', async () => {
    const call = await translator.translate(['kubectl', 'create', 'secret', 'docker-registry', 'pull', '--docker-username=bot', '--docker-password=hunter2-hunter2', '--dry-run=client', '-o', 'yaml'], { cwd: c.cwd });
    expect(JSON.stringify(call.input)).not.toContain(Buffer.from('hunter2-hunter2').toString('base64').slice(0, 12));
    const result = await translator.send(call, { env: c.env });
    expect(translator.secretsOf!(result, call)).toContain('hunter2-hunter2');
  });
});

describe('kubectl create <generator>: refusals', () => {
  const refused = [
    ['deployment', 'x'],
    ['deployment', 'x', '--image=a', '--image=b', '--', 'sleep', '1'],
    ['deployment', 'x', '--image=a', '--replicas=many'],
    ['job', 'x'],
    ['role', 'x', '--verb=get'],
    ['role', 'x', '--resource=pods'],
    ['role', 'x', '--verb=get', '--resource=widgets'],
    ['role', 'x', '--verb=bind', '--resource=pods'],
    ['clusterrole', 'x', '--verb=get'],
    ['clusterrole', 'x', '--verb=list', '--non-resource-url=/healthz'],
    ['clusterrole', 'x', '--verb=get', '--non-resource-url=healthz'],
    ['rolebinding', 'x'],
    ['rolebinding', 'x', '--role=a', '--clusterrole=b'],
    ['rolebinding', 'x', '--role=a', '--serviceaccount=nonamespace'],
    ['clusterrolebinding', 'x', '--clusterrole=a', '--serviceaccount=:x'],
    ['secret', 'tls', 'x'],
    ['secret', 'tls', 'x', '--cert=/nonexistent.crt', '--key=/nonexistent.key'],
    ['secret', 'tls', 'x', 'CERT_KEY_MISMATCH'],
    ['secret', 'tls', 'x', 'CERT_AS_KEY'],
    ['secret', 'docker-registry', 'x', '--docker-username=u'],
    ['deployment'],
    ['deployment', 'a', 'b', '--image=x'],
    ['configmap', 'x', '--from-env-file=/dev/null', '--from-literal=a=b'],
  ];
  for (const argv of refused) {
    it.skipIf(!hasKubectl)(`refuses what kubectl refuses: create ${argv.join(' ')}`, async () => {
      const words = ['create', ...argv.flatMap((a) => (a === 'CERT_KEY_MISMATCH' ? [`--cert=${cert}`, `--key=${otherKey}`] : a === 'CERT_AS_KEY' ? [`--cert=${cert}`, `--key=${cert}`] : [a]))];
      const before = c.server.state.requests.filter((r) => r.method === 'POST').length;
      const [ours, theirs] = [await c.relay(words), await c.real(words)];
      expectSame(ours, theirs, undefined, words.join(' '));
      expect(ours.code).toBe(1);
      expect(c.server.state.requests.filter((r) => r.method === 'POST').length).toBe(before);
    });
  }
});
