/**
 * When kubectl fails: what the shell session relays (the translator's failure(): stderr and exit status,
 * and what was printed before) against the real kubectl on the same server. API errors, usage errors,
 * exec'd commands that exit non-zero, partial results; and the line between "kubectl refuses this"
 * (failure) and "the translator does not do this" (isUntranslatable: the real kubectl runs it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { K8sUsageError } from '../../../src/translate/k8s/errors.js';
import { resourceDef } from '../../servers/kubernetes.js';
import { hasKubectl, testCluster, translator, type Relayed, type TestCluster } from './support.js';

let c: TestCluster;

beforeAll(async () => {
  c = await testCluster();
  const s = c.server.state;
  s.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'vault' } });
  s.registerPod('vault', 'tools', {
    exec: (req) => {
      if (req.command[0] === 'fail') return { stdout: 'partial\n', stderr: 'boom\n', exitCode: Number(req.command[1] ?? 3) };
      if (req.command[0] === 'missing') return { exitCode: 0, error: 'OCI runtime exec failed: exec failed: unable to start container process: exec: "missing": executable file not found in $PATH: unknown' };
      return { stdout: `ran ${req.command.join(' ')}\n`, stderr: 'a warning\n', exitCode: 0 };
    },
  });
  s.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'tools', namespace: 'vault' }, spec: { containers: [{ name: 'main', image: 'x' }, { name: 'sidecar', image: 'y' }] } });
  await s.waitFor('pods', 'vault', 'tools', (p) => p?.status?.phase === 'Running');
});

afterAll(() => c?.stop());

const same = (argv: string[], options: { stdin?: string } = {}) =>
  it.skipIf(!hasKubectl)(`relays what kubectl prints: kubectl ${argv.join(' ')}`, async () => {
    const [ours, theirs] = await Promise.all([c.relay(argv, options), c.real(argv, undefined, options.stdin)]);
    expect(ours).toEqual(theirs);
  });

describe('API errors: Error from server (Reason), exit 1', () => {
  same(['get', 'namespace', 'nope']);
  same(['create', 'namespace', 'vault']);
  same(['get', 'sa', 'nope', '-n', 'vault', '-o', 'json']);
  same(['exec', 'nope', '-n', 'vault', '--', 'ls']);
  // The server's Invalid answer, cause by cause.
  same(['create', 'namespace', 'Bad_Name']);
  same(['create', 'configmap', 'Bad_Name', '-n', 'vault', '--from-literal=a=b']);
  // A namespace kubectl does not check: the server has nothing there.
  same(['get', 'pods', '-n', 'Bad_NS']);
});

describe('partial results: what was done is printed, then each error', () => {
  same(['get', 'pods', 'tools', 'nope', '-n', 'vault', '-o', 'name']);
  same(['get', 'pods', 'nope', 'gone', '-n', 'vault', '-o', 'name']);
  same(['get', 'sa', 'nope', 'default', '-n', 'vault', '-o', 'jsonpath={.items[*].metadata.name}']);
  same(['get', 'pods', 'nope', '-n', 'vault', '--ignore-not-found']);

  it.skipIf(!hasKubectl)('create -f names the file of each object the server refuses, after creating the others', async () => {
    const file = c.file('two.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: vault\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: first-time\n');
    const theirs = await c.real(['create', '-f', file]);
    c.server.state.deleteObject(resourceDef('namespaces'), undefined, 'first-time', {});
    const ours = await c.relay(['create', '-f', file]);
    expect(theirs).toMatchObject({ code: 1, stdout: 'namespace/first-time created\n' });
    expect(ours).toEqual(theirs);
  });

  it.skipIf(!hasKubectl)('create -f - names STDIN', async () => {
    const stdin = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: vault\n';
    expect(await c.relay(['create', '-f', '-'], { stdin })).toEqual(await c.real(['create', '-f', '-'], undefined, stdin));
  });
});

describe('kubectl exec: the command’s own streams and exit status', () => {
  same(['exec', 'tools', '-n', 'vault', '-c', 'main', '--', 'fail', '3']);
  same(['exec', 'tools', '-n', 'vault', '-c', 'main', '--', 'fail', '42']);
  // Without -c: kubectl's note on stderr, before the command's own output.
  same(['exec', 'tools', '-n', 'vault', '--', 'fail', '2']);
  same(['exec', 'tools', '-n', 'vault', '--', 'echo', 'hi']);
  same(['exec', 'tools', '-n', 'vault', '-c', 'main', '--', 'missing']);
  same(['exec', 'tools', '-n', 'vault', '-c', 'nope', '--', 'ls']);
});

describe('usage errors, worded as kubectl (cobra, pflag) words them', () => {
  for (const argv of [
    ['get', 'pods', '--x'],
    ['get', 'pods', '--x=1', '-n', 'vault'],
    ['get', 'pods', '-x'],
    ['get', 'pods', '-n'],
    ['get', 'pods', '-n', 'vault', '--namespace'],
    ['create', 'namespace', '--bogus', 'y'],
    ['rollout', 'status', 'sts/vault', '--x'],
    ['aply', '-f', 'x.yaml'],
    ['gett', 'pods'],
    ['ap'],
    ['xyzzy'],
    ['-n', 'vault', 'aply'],
    ['--bogus', 'get', 'pods'],
    ['rollout', 'statuss', 'sts/x'],
    ['create', 'widget', 'x'],
    ['create', 'secret', 'genric', 's'],
    ['create'],
    ['create', 'namespace'],
    ['create', 'namespace', 'a', 'b'],
    ['create', 'configmap', 'c', '--from-literal=bad'],
    ['get'],
    ['get', 'pods', '-o', 'bogus'],
    ['get', 'pods', '-o', 'yaml=x'],
    ['create', 'namespace', 'x', '-o', 'wide'],
    ['get', 'pods', '-o', 'jsonpath'],
    ['get', 'pods', '--request-timeout', 'soon'],
    ['rollout', 'status'],
    ['wait', '--for=condition=Ready'],
    ['wait', 'pod/tools', '-n', 'vault'],
    ['wait', '--for=ready', 'pod/tools', '-n', 'vault'],
    ['exec'],
    ['exec', 'tools', '-n', 'vault'],
    ['label', 'pod', 'tools', '-n', 'vault'],
    ['annotate', 'pod', 'a=b'],
    ['apply'],
    ['apply', '-f', 'nope.yaml'],
  ]) same(argv);
});

describe('no translation vs a refusal', () => {
  const untranslatable = async (argv: string[]) => {
    try {
      await translator.translate(['kubectl', ...argv], { cwd: c.cwd });
    } catch (error) {
      return translator.isUntranslatable!(error);
    }
    throw new Error(`kubectl ${argv.join(' ')} translated`);
  };

  it('what kubectl does but the translator does not is "no translation", and handles() says so first', async () => {
    for (const argv of [['create', 'cronjob', 'c', '--image=nginx', '--schedule=@daily'], ['get', 'pods', '-o', 'go-template={{.kind}}'], ['exec', 'deploy/web', '--', 'ls'], ['apply', '-f', 'https://example.com/x.yaml'], ['apply', '-k', 'overlays/prod'], ['rollout']]) {
      expect(translator.handles(['kubectl', ...argv]), argv.join(' ')).toBe(false);
      expect(await untranslatable(argv), argv.join(' ')).toBe(true);
    }
  });

  it('what kubectl refuses is translated into its refusal, not handed over', async () => {
    for (const argv of [['aply', '-f', 'x.yaml'], ['get', 'pods', '--x'], ['create', 'namespace'], ['get', 'pods', '-o', 'bogus']]) {
      expect(translator.handles(['kubectl', ...argv]), argv.join(' ')).toBe(true);
      expect(await untranslatable(argv), argv.join(' ')).toBe(false);
    }
  });

  it('runbook check warns at most about a valid command it does not translate', async () => {
    const issues = await translator.validate(['kubectl', 'create', 'cronjob', 'c', '--image=nginx', '--schedule=@daily'], { cwd: c.cwd, planning: true });
    expect(issues.every((i) => i.severity === 'warning')).toBe(true);
    const format = await translator.validate(['kubectl', 'get', 'pods', '-o', 'go-template={{.kind}}'], { cwd: c.cwd, planning: true });
    expect(format).toEqual([expect.objectContaining({ ruleId: 'k8s-not-translated', severity: 'warning' })]);
  });

  it('keeps the check wording for runbook check and kubectl’s for the session', async () => {
    const e = await translator.translate(['kubectl', 'get', 'pods', '--namspace', 'vault'], { cwd: c.cwd }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(K8sUsageError);
    expect((e as K8sUsageError).message).toBe('Unexpected flag `--namspace` for `kubectl get`; did you mean `--namespace`?');
    expect(translator.failure(e, [])).toEqual({ stderr: "Error: unknown flag: --namspace\nSee 'kubectl get --help' for usage.\n", exitCode: 1 });
  });
});

describe('readsStdin', () => {
  const reads = (...argv: string[]) => translator.readsStdin!(['kubectl', ...argv]);

  it('is true where kubectl reads its stdin', () => {
    for (const argv of [
      ['apply', '-f', '-'], ['apply', '--filename=-'], ['apply', '--filename', '-'], ['apply', '-f-'], ['create', '-f', '/dev/stdin'],
      ['exec', '-i', 'vault-0', '--', 'sh'], ['exec', '-it', 'vault-0', '--', 'sh'], ['exec', '--stdin', 'vault-0', '--', 'cat'],
      ['create', 'secret', 'generic', 's', '--from-file=token=/dev/stdin'], ['create', 'configmap', 'c', '--from-env-file=/dev/stdin'],
      // Verbs the real kubectl runs read their stdin too.
      ['delete', '-f', '-'], ['replace', '--filename=-'], ['run', 'x', '-i', '--image=busybox'],
    ]) expect(reads(...argv), argv.join(' ')).toBe(true);
  });

  it('is false otherwise', () => {
    for (const argv of [
      ['apply', '-f', 'x.yaml'], ['get', 'pods'], ['exec', 'vault-0', '--', 'cat', '-'], ['exec', 'vault-0', '--', 'sh', '-i'],
      ['create', 'secret', 'generic', 's', '--from-file=token.txt'], ['logs', 'vault-0'],
    ]) expect(reads(...argv), argv.join(' ')).toBe(false);
  });

  it.skipIf(!hasKubectl)('--from-file=/dev/stdin takes the heredoc, as kubectl does', async () => {
    const argv = ['create', 'secret', 'generic', 'from-stdin', '-n', 'vault', '--from-file=token=/dev/stdin', '--dry-run=client', '-o', 'json'];
    const [ours, theirs] = await Promise.all([c.relay(argv, { stdin: 's3cr3t' }), c.real(argv, undefined, 's3cr3t')]);
    expect(ours).toEqual(theirs);
  });
});

describe('stderr on success', () => {
  it.skipIf(!hasKubectl)('relays the exec’d command’s stderr and kubectl’s own notes', async () => {
    const argv = ['exec', 'tools', '-n', 'vault', '--', 'echo', 'hi'];
    const [ours, theirs]: Relayed[] = await Promise.all([c.relay(argv), c.real(argv)]);
    expect(ours.stderr).toBe('Defaulted container "main" out of: main, sidecar\na warning\n');
    expect(ours).toEqual(theirs);
  });
});
