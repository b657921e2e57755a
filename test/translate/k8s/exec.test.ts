/** `kubectl exec`: client-node Exec over WebSocket, exit codes, stdin, containers, Vault's secrets and init adoption. */
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { K8sApiError, K8sError, K8sExecError } from '../../../src/translate/k8s/errors.js';
import type { K8sCall } from '../../../src/translate/k8s/types.js';
import { isReadOnlyCommand, vaultSecrets } from '../../../src/translate/k8s/vault.js';
import type { AdoptionContext } from '../../../src/translate/types.js';
import { VaultCluster, attachVault } from '../../servers/vault.js';
import { testCluster, translator, type TestCluster } from './support.js';

let c: TestCluster;
let vault: VaultCluster;

async function readAll(stream: Readable | null): Promise<string> {
  if (!stream) return '';
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

beforeAll(async () => {
  c = await testCluster();
  const s = c.server.state;
  s.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'vault' } });
  vault = new VaultCluster({ sealType: 'awskms' });
  attachVault(s, vault, { namespace: 'vault' });
  for (const name of ['vault-0', 'vault-1', 'vault-2']) s.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'vault' }, spec: { containers: [{ name: 'vault', image: 'hashicorp/vault:1.18.1' }] } });
  s.registerPod('vault', 'tools', {
    exec: async (req) => {
      if (req.command[0] === 'cat') return { stdout: await readAll(req.stdin), exitCode: 0 };
      if (req.command[0] === 'fail') return { stdout: 'partial\n', stderr: 'boom\n', exitCode: 3 };
      return { stdout: `${req.container}: ${req.command.join(' ')}\n`, exitCode: 0 };
    },
  });
  s.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'tools', namespace: 'vault' }, spec: { containers: [{ name: 'main', image: 'x' }, { name: 'sidecar', image: 'y' }] } });
  await s.waitFor('pods', 'vault', 'tools', (p) => p?.status?.phase === 'Running');
  await s.waitFor('pods', 'vault', 'vault-2', (p) => p?.status?.phase === 'Running');
});

afterAll(async () => {
  vault?.stop();
  await c?.stop();
});

function adoptionContext(): AdoptionContext<K8sCall> {
  return { send: (call) => translator.send(call, { env: c.env }), translate: (argv) => translator.translate(argv, { cwd: c.cwd }), laterArgv: [] };
}

describe('kubectl exec', () => {
  it('runs a command and returns its stdout; a read-only vault command is not a change', async () => {
    const { call, stdout } = await c.run(['exec', '-n', 'vault', 'vault-0', '--', 'vault', 'version']);
    expect(call).toMatchObject({ operation: 'K8s.Exec', mutating: false, display: 'K8s.Exec vault/vault-0 vault version' });
    expect(stdout).toMatch(/^Vault v1\.18\.1 /);
  });

  it('fails with the exit code on a non-zero exit, keeping stdout and stderr', async () => {
    const e = await c.fails(['exec', '-n', 'vault', 'vault-0', '--', 'vault', 'status', '-format=json']);
    expect(e).toBeInstanceOf(K8sExecError);
    expect(e).toMatchObject({ exitCode: 2, message: 'command terminated with exit code 2' });
    expect(JSON.parse(e.stdout as string)).toMatchObject({ initialized: false, sealed: true });
    const boom = await c.fails(['exec', '-n', 'vault', 'tools', '-c', 'main', '--', 'fail']);
    expect(boom).toMatchObject({ exitCode: 3, stdout: 'partial\n', message: 'command terminated with exit code 3: boom' });
  });

  it('feeds stdin with -i, and picks the first container (saying so) when -c is not given', async () => {
    const { stdout } = await c.run(['exec', '-i', '-n', 'vault', 'tools', '-c', 'main', '--', 'cat'], { stdin: 'hello from a heredoc\n' });
    expect(stdout).toBe('hello from a heredoc\n');
    const defaulted = await c.run(['exec', '-n', 'vault', 'pod/tools', '--', 'echo', 'hi']);
    expect(defaulted.stdout).toBe('main: echo hi\n');
    expect(defaulted.result).toMatchObject({ stderr: 'Defaulted container "main" out of: main, sidecar\n' });
    expect((await c.run(['exec', '-n', 'vault', 'tools', '-c', 'sidecar', '--', 'echo', 'hi'])).stdout).toBe('sidecar: echo hi\n');
  });

  it('reports what kubectl reports for a missing pod or container', async () => {
    const e = await c.fails(['exec', '-n', 'vault', 'nope', '--', 'ls']);
    expect(e).toBeInstanceOf(K8sApiError);
    expect(e.message).toBe('Error from server (NotFound): pods "nope" not found');
    // The API server's BadRequest, as kubectl prints it (failure.test.ts compares with the real kubectl).
    expect((await c.fails(['exec', '-n', 'vault', 'tools', '-c', 'zz', '--', 'ls'])).message).toBe('Error from server (BadRequest): container zz is not valid for pod tools');
    expect((await c.fails(['exec', '-n', 'vault', 'tools'])).message).toBe('error: you must specify at least one command for the container');
  });

  it('vault operator init: the recovery keys and root token are secrets', async () => {
    const { call, result, stdout } = await c.run(['exec', '-n', 'vault', 'vault-0', '--', 'vault', 'operator', 'init', '-recovery-shares=5', '-recovery-threshold=3', '-format=json']);
    expect(call.mutating).toBe(true);
    const init = JSON.parse(stdout);
    const secrets = translator.secretsOf!(result, call);
    expect(secrets).toEqual(expect.arrayContaining([init.root_token, ...init.recovery_keys_b64, ...init.recovery_keys_hex]));
    expect(secrets).toContain(vault.rootToken);
    for (const k of vault.recoveryKeys) expect(secrets).toEqual(expect.arrayContaining([k.toString('hex'), k.toString('base64')]));
    expect(secrets).not.toContain('5');
  });

  it('finds the secrets in the table vault prints without -format=json', () => {
    const table = 'Recovery Key 1: AbCdEf0123456789\nRecovery Key 2: ZyXw9876543210\n\nInitial Root Token: hvs.abcdefghijklmnopqrstuvwx\n\nSuccess! Vault is initialized\n';
    expect(vaultSecrets(table)).toEqual(['AbCdEf0123456789', 'ZyXw9876543210', 'hvs.abcdefghijklmnopqrstuvwx']);
    expect(vaultSecrets('{"unseal_keys_b64":["a2V5MQ=="],"keys":["6b657931"],"auth":{"client_token":"hvs.token123","accessor":"acc"},"data":{"id":"not-a-secret"}}')).toEqual(['a2V5MQ==', '6b657931', 'hvs.token123']);
  });

  it('adopts vault operator init once Vault reports itself initialized, and not before', async () => {
    const call = await translator.translate(['kubectl', 'exec', '-n', 'vault', 'vault-1', '--', 'vault', 'operator', 'init', '-format=json'], { cwd: c.cwd });
    const adopted = await translator.adoption!['K8s.Exec']!(call, adoptionContext());
    expect(adopted).toEqual({ output: '', outcome: 'adopted', detail: 'Vault is already initialized; its recovery keys are in the file the first run wrote' });
    expect(translator.format(adopted!.output, call)).toBe('');
    const other = await translator.translate(['kubectl', 'exec', '-n', 'vault', 'vault-1', '--', 'vault', 'kv', 'put', 'secret/x', 'a=b'], { cwd: c.cwd });
    expect(await translator.adoption!['K8s.Exec']!(other, adoptionContext())).toBeUndefined();
    // A second init fails as "already initialized", which the engine treats as "exists" and adopts.
    const again = await c.fails(['exec', '-n', 'vault', 'vault-0', '--', 'vault', 'operator', 'init', '-format=json']);
    expect(translator.isAlreadyExists!(again)).toBe(true);
    expect(vault.initAttempts.map((a) => a.status)).toEqual([200, 400]);
  });

  it('adoption does not apply to an uninitialized Vault', async () => {
    const fresh = new VaultCluster({ nodes: ['solo-0'] });
    try {
      attachVault(c.server.state, fresh, { namespace: 'vault' });
      c.server.state.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'solo-0', namespace: 'vault' }, spec: { containers: [{ name: 'vault', image: 'v' }] } });
      await c.server.state.waitFor('pods', 'vault', 'solo-0', (p) => p?.status?.phase === 'Running');
      const call = await translator.translate(['kubectl', 'exec', '-n', 'vault', 'solo-0', '--', 'vault', 'operator', 'init'], { cwd: c.cwd });
      expect(await translator.adoption!['K8s.Exec']!(call, adoptionContext())).toBeUndefined();
    } finally {
      fresh.stop();
    }
  });

  it('knows which commands only read', () => {
    expect(isReadOnlyCommand(['vault', 'status', '-format=json'])).toBe(true);
    expect(isReadOnlyCommand(['vault', 'operator', 'raft', 'list-peers'])).toBe(true);
    expect(isReadOnlyCommand(['vault', 'operator', 'init', '-status'])).toBe(true);
    expect(isReadOnlyCommand(['env', 'VAULT_ADDR=http://x', 'vault', 'read', 'sys/health'])).toBe(true);
    expect(isReadOnlyCommand(['vault', 'operator', 'init'])).toBe(false);
    expect(isReadOnlyCommand(['vault', 'kv', 'put', 'a', 'b=c'])).toBe(false);
    expect(isReadOnlyCommand(['sh', '-c', 'vault status'])).toBe(false);
  });
});
