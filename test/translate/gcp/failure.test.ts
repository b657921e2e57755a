/**
 * When gcloud fails, and what it says when it succeeds: what the shell session relays through the
 * translator (failure(), stderrOf()) against the real gcloud on the same KMS and IAM test servers.
 * Service errors (ALREADY_EXISTS, NOT_FOUND, PERMISSION_DENIED, INVALID_ARGUMENT, with gcloud's sentence
 * about its credentials), argument errors (exit 2, with the usage where gcloud prints it), refusals of
 * the command itself; the line between those and "no translation"; which commands read stdin.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClients } from '../../../src/translate/gcp/clients.js';
import { credentialInfo } from '../../../src/translate/gcp/properties.js';
import { closeMatch } from '../../../src/translate/gcp/suggest.js';
import { translator } from '../../../src/translate/gcp/translator.js';
import { argv, hasGcloud, run, startGcpServers, type GcpServers } from './support.js';

const project = 'my-project';
const email = `vault-unseal@${project}.iam.gserviceaccount.com`;
const ring = '--keyring vault-keyring --location global';

let s: GcpServers;

beforeAll(async () => {
  s = await startGcpServers(project);
  await run('kms keyrings create vault-keyring --location global', s.env);
  await run(`kms keys create vault-key ${ring} --purpose encryption`, s.env);
  await run('iam service-accounts create vault-unseal', s.env);
});

afterAll(async () => {
  await closeClients();
  await s?.stop();
});

const same = (command: string, extra?: () => Record<string, string>) =>
  it.skipIf(!hasGcloud)(`relays what gcloud prints: gcloud ${command}`, async () => {
    const env = extra?.() ?? {};
    const [ours, theirs] = await Promise.all([s.relay(argv(command), env), s.real(argv(command), env)]);
    expect(ours).toEqual(theirs);
  });

describe('service errors: ERROR: (gcloud.…) STATUS: message, exit 1', () => {
  same('kms keyrings create vault-keyring --location global');
  same('kms keyrings describe nope --location global');
  same(`kms keys describe nope ${ring}`);
  same('kms keys create k --keyring nope --location global --purpose encryption');
  same(`kms keys get-iam-policy nope ${ring}`);
  // The URL projects/P/serviceAccounts gives gcloud a resource to word the conflict around.
  same('iam service-accounts create vault-unseal');
  // A message without a final dot: gcloud adds one before its sentence about credentials, and drops its own.
  same('iam service-accounts describe nope@my-project.iam.gserviceaccount.com');
  // Values gcloud leaves to the service: its INVALID_ARGUMENT, and for a policy write gcloud's hint first.
  same('iam service-accounts create ab');
  same('kms keys create bad! --keyring vault-keyring --location global --purpose encryption');
  same(`kms keys add-iam-policy-binding vault-key ${ring} --member bogus --role roles/cloudkms.viewer`);
  same(`kms keyrings add-iam-policy-binding vault-keyring --location global --member user:a@example.com --role bogus`);
  same(`iam service-accounts add-iam-policy-binding ${email} --member bogus --role roles/iam.workloadIdentityUser`);

  it.skipIf(!hasGcloud)('PERMISSION_DENIED, for a KMS resource and around a project', async () => {
    s.kms.state.denied.add('cloudkms.keyRings.get');
    s.iam.state.denied.add('iam.serviceAccounts.create');
    try {
      for (const command of ['kms keyrings describe vault-keyring --location global', 'iam service-accounts create other-account']) {
        const [ours, theirs] = await Promise.all([s.relay(argv(command)), s.real(argv(command))]);
        expect(theirs.stderr).toMatch(/Permission '[a-zA-Z.]+' denied/);
        expect(ours).toEqual(theirs);
      }
    } finally {
      s.kms.state.denied.clear();
      s.iam.state.denied.clear();
    }
  });

  it.skipIf(!hasGcloud)('names the credentials gcloud would use (here an access token file)', async () => {
    const token = join(s.env.CLOUDSDK_CONFIG!, 'token');
    writeFileSync(token, 'test-token');
    const extra = { CLOUDSDK_AUTH_DISABLE_CREDENTIALS: 'false', CLOUDSDK_AUTH_ACCESS_TOKEN_FILE: token };
    const command = argv('kms keyrings describe nope --location global');
    const [ours, theirs] = await Promise.all([s.relay(command, extra), s.real(command, extra)]);
    expect(theirs.stderr).toContain(`access token from ${token}`);
    expect(ours).toEqual(theirs);
  });
});

describe('argument errors: exit 2, with the usage where gcloud prints it', () => {
  for (const command of [
    'kms keyrings create r --location global --bogus',
    'kms keyrings create r --locaton global',
    'kms keyrings create r --location global --projet p',
    'kms keyrings create r s --location global',
    'kms keyrings create r --location',
    'kms keyrings create --location global',
    `kms keys create k ${ring} --purpose bogus`,
    `kms keys create k ${ring}`,
    `kms keys create k ${ring} --purpose encryption --import-only=x`,
    `kms keys add-iam-policy-binding k ${ring} --role roles/cloudkms.viewer`,
    'kms keyrings describe vault-keyring --location global --verbosity loud',
    'iam service-accounts create',
    'iam service-accounts describe',
    'iam service-accounts describe not-an-email',
    `iam service-accounts get-iam-policy ${email} --format`,
  ]) same(command);
});

describe('the command refuses it: exit 1', () => {
  same('kms keys create k --location global --purpose encryption');
  same('kms keys describe k --keyring vault-keyring');
  same('kms keyrings describe projects/p/bad');
  same('kms keyrings get-iam-policy vault-keyring');
});

describe('an unknown command under kms or iam', () => {
  it.skipIf(!hasGcloud)('is refused with gcloud’s status and first line (its suggestions come from its whole command tree)', async () => {
    const command = argv('kms keyringz list');
    const [ours, theirs] = await Promise.all([s.relay(command), s.real(command)]);
    expect(ours.code).toBe(theirs.code);
    expect(ours.stderr.split('\n')[0]).toBe(theirs.stderr.split('\n')[0]);
    expect(ours.stderr).toContain('  gcloud kms keyrings\n');
  });
});

describe('success: what gcloud prints on stderr', () => {
  const fresh = async (command: string, forget: () => void) => {
    const theirs = await s.real(argv(command));
    forget();
    const ours = await s.relay(argv(command));
    return { ours, theirs };
  };

  it.skipIf(!hasGcloud)('iam service-accounts create: Created service account [NAME].', async () => {
    const { ours, theirs } = await fresh('iam service-accounts create fresh-account', () => s.iam.state.accounts.delete(`fresh-account@${project}.iam.gserviceaccount.com`));
    expect(theirs).toEqual({ stdout: '', stderr: 'Created service account [fresh-account].\n', code: 0 });
    expect(ours).toEqual(theirs);
  });

  it.skipIf(!hasGcloud)('kms keyrings create: nothing', async () => {
    const { ours, theirs } = await fresh('kms keyrings create fresh-ring --location global', () => s.kms.state.keyRings.delete(`projects/${project}/locations/global/keyRings/fresh-ring`));
    expect(ours).toEqual(theirs);
  });

  for (const command of [
    `kms keys add-iam-policy-binding vault-key ${ring} --member user:a@example.com --role roles/cloudkms.viewer`,
    'kms keyrings add-iam-policy-binding vault-keyring --location global --member user:a@example.com --role roles/cloudkms.viewer',
    `iam service-accounts add-iam-policy-binding ${email} --member user:a@example.com --role roles/iam.workloadIdentityUser`,
  ]) {
    it.skipIf(!hasGcloud)(`add-iam-policy-binding: Updated IAM policy for … — gcloud ${command.split(' ').slice(0, 3).join(' ')}`, async () => {
      const theirs = await s.real(argv(command));
      const ours = await s.relay(argv(command));
      // Each write gets a new etag; the rest is the same.
      const etagless = (r: typeof ours) => ({ ...r, stdout: r.stdout.replace(/^etag: .*$/m, 'etag: E') });
      expect(theirs.code).toBe(0);
      expect(etagless(ours)).toEqual(etagless(theirs));
    });
  }

  for (const command of [
    'kms keyrings describe vault-keyring --location global',
    `kms keys describe vault-key ${ring}`,
    `kms keys describe vault-key ${ring} --format=value(primary.state)`,
    `iam service-accounts describe ${email} --format=json`,
  ]) same(command);

  it('prints no notice with --no-user-output-enabled', async () => {
    const call = await translator.translate(argv('iam service-accounts create quiet-account --no-user-output-enabled'), { cwd: process.cwd(), env: s.env });
    expect(translator.stderrOf(await translator.send(call, { env: s.env }), call)).toBe('');
  });
});

describe('no translation vs a refusal', () => {
  const untranslatable = async (command: string) => {
    try {
      await translator.translate(argv(command), { cwd: process.cwd(), env: s.env });
    } catch (error) {
      return translator.isUntranslatable!(error);
    }
    throw new Error(`gcloud ${command} translated`);
  };

  it('a real gcloud command it does not reproduce is "no translation", and handles() says so first', async () => {
    for (const command of ['compute instances list', 'kms keyrings list --location global', `kms keys describe k ${ring} --format=table(name)`, 'kms encrypt --plaintext-file=- --ciphertext-file=x --key k']) {
      expect(translator.handles(argv(command)), command).toBe(false);
      expect(await untranslatable(command), command).toBe(true);
      // runbook check has nothing to say about it.
      expect(await translator.validate(argv(command), { cwd: process.cwd(), planning: true }), command).toEqual([]);
    }
    // A group without its command: gcloud lists the group's commands (its help), so the real gcloud answers.
    expect(translator.handles(argv('kms keyrings'))).toBe(false);
    expect(await untranslatable('kms keyrings')).toBe(true);
  });

  it('what gcloud refuses is translated into its refusal', async () => {
    for (const command of ['kms keyringz list', 'kms keyrings create r --locaton global', `kms keys create k ${ring} --purpose bogus`]) {
      expect(translator.handles(argv(command)), command).toBe(true);
      expect(await untranslatable(command), command).toBe(false);
    }
  });
});

describe('readsStdin', () => {
  it('is true for a file flag given - (the real gcloud reads it), false otherwise', () => {
    for (const command of ['kms encrypt --plaintext-file=- --ciphertext-file=out --key k', 'kms keys set-iam-policy k --keyring r --location global --policy-file -'])
      expect(translator.readsStdin!(argv(command)), command).toBe(true);
    for (const command of ['kms keyrings create r --location global', 'kms encrypt --plaintext-file=in --ciphertext-file=-x --key k', `iam service-accounts describe ${email}`])
      expect(translator.readsStdin!(argv(command)), command).toBe(false);
  });
});

describe('pieces', () => {
  it('suggests flags as difflib.get_close_matches does', () => {
    expect(closeMatch('--locaton', ['--location', '--labels', '--log-http'])).toBe('--location');
    expect(closeMatch('--zzz', ['--location', '--labels'])).toBeUndefined();
  });

  it('reads the account from the active configuration, as gcloud does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gcloud-config-'));
    try {
      mkdirSync(join(dir, 'configurations'));
      writeFileSync(join(dir, 'active_config'), 'work\n');
      writeFileSync(join(dir, 'configurations', 'config_work'), '[core]\naccount = ops@example.com\nproject = p\n');
      expect(credentialInfo({ CLOUDSDK_CONFIG: dir })).toEqual({
        sentence: 'This command is authenticated as ops@example.com which is the active account specified by the [core/account] property.',
        account: 'ops@example.com',
      });
      expect(credentialInfo({ CLOUDSDK_CONFIG: dir, CLOUDSDK_CORE_ACCOUNT: 'ci@example.com' }).account).toBe('ci@example.com');
      expect(credentialInfo({ CLOUDSDK_CONFIG: dir, CLOUDSDK_AUTH_DISABLE_CREDENTIALS: 'True' }).sentence).toMatch(/unauthenticated/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
