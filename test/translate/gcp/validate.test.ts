/**
 * What `runbook check` says about gcloud commands, and which commands the translator takes at all
 * (the rest run in the shell with the real gcloud).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRunbook } from '../../../src/check/index.js';
import { parseRunbook } from '../../../src/markdown/parse.js';
import { translator } from '../../../src/translate/gcp/translator.js';
import { translatorFor } from '../../../src/translate/index.js';
import { argv } from './support.js';

const validate = (command: string | string[]) =>
  translator.validate(Array.isArray(command) ? command : argv(command), { cwd: process.cwd(), planning: true });

describe('validate', () => {
  it('the guide-style service account id `vault` (5 characters) is refused', async () => {
    expect(await validate('iam service-accounts create vault --display-name Vault')).toEqual([
      { argIndex: 4, ruleId: 'gcp-bad-value', severity: 'error', message: 'Unexpected NAME: expected a service account id of 6-30 characters, got 5 ("vault")' },
    ]);
    expect(await validate('iam service-accounts create Vault_Unseal')).toMatchObject([{ ruleId: 'gcp-bad-value', message: expect.stringContaining('[a-z]([-a-z0-9]*[a-z0-9])') }]);
    expect(await validate(`iam service-accounts create ${'a'.repeat(31)}`)).toMatchObject([{ message: expect.stringContaining('got 31') }]);
    expect(await validate('iam service-accounts create vault-unseal')).toEqual([]);
  });

  it('placeholders (values known only when the run gets there) are accepted', async () => {
    expect(await validate(['gcloud', 'iam', 'service-accounts', 'create', '<$GSA_NAME>', '--project', '<$GCP_PROJECT>'])).toEqual([]);
    expect(await validate(['gcloud', 'kms', 'keys', 'add-iam-policy-binding', '<$KEY>', '--keyring', '<$RING>', '--location', '<$LOC>', '--member', 'serviceAccount:<$GSA_EMAIL>', '--role', 'roles/cloudkms.viewer'])).toEqual([]);
    expect(await validate(['gcloud', 'iam', 'service-accounts', 'add-iam-policy-binding', '<$GSA_EMAIL>', '--role', 'roles/iam.workloadIdentityUser', '--member', 'serviceAccount:<$P>.svc.id.goog[<$NS>/<$KSA>]'])).toEqual([]);
    // A placeholder after a literal prefix is still checked for its prefix.
    expect(await validate(['gcloud', 'iam', 'service-accounts', 'add-iam-policy-binding', 'a@b.iam.gserviceaccount.com', '--role', 'roles/x', '--member', 'svc:<$X>'])).toMatchObject([{ ruleId: 'gcp-bad-value' }]);
  });

  it('a --member without its type prefix, and a malformed Workload Identity member', async () => {
    const base = 'iam service-accounts add-iam-policy-binding vault-unseal@p1234.iam.gserviceaccount.com --role roles/iam.workloadIdentityUser --member';
    expect(await validate(`${base} p1234.svc.id.goog[vault/vault]`)).toEqual([{
      argIndex: 8, ruleId: 'gcp-bad-value', severity: 'error',
      message: 'Unexpected value for --member: expected a principal with its type, such as serviceAccount:NAME@PROJECT.iam.gserviceaccount.com, user:EMAIL, group:EMAIL or principal://…, got "p1234.svc.id.goog[vault/vault]"',
    }]);
    expect(await validate(`${base} serviceAccount:p1234.svc.id.goog[vault:vault]`)).toMatchObject([{ message: expect.stringContaining('serviceAccount:PROJECT.svc.id.goog[NAMESPACE/KSA]') }]);
    for (const ok of ['user:a@example.com', 'group:g@example.com', 'principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p.svc.id.goog/subject/ns/vault/sa/vault', 'allUsers']) {
      expect(await validate(`${base} ${ok}`)).toEqual([]);
    }
  });

  it('the service account of describe / add-iam-policy-binding is its email, not its id', async () => {
    expect(await validate('iam service-accounts describe vault-unseal')).toMatchObject([
      { argIndex: 4, ruleId: 'gcp-bad-value', message: expect.stringContaining("the service account's email") },
    ]);
    expect(await validate('iam service-accounts describe 123456789012345678901')).toEqual([]);
  });

  it('missing --location, --keyring, --purpose, the positional, a role', async () => {
    expect(await validate('kms keyrings create vault-keyring')).toEqual([
      { argIndex: 3, ruleId: 'gcp-missing-required', severity: 'error', message: 'Missing --location for `gcloud kms keyrings create`' },
    ]);
    expect((await validate('kms keys create vault-key --location global')).map((i) => i.message)).toEqual([
      'Missing --keyring for `gcloud kms keys create`', 'Missing --purpose for `gcloud kms keys create`',
    ]);
    expect(await validate('kms keyrings describe --location global')).toMatchObject([{ ruleId: 'gcp-missing-required', message: 'Missing KEYRING for `gcloud kms keyrings describe`' }]);
    expect(await validate('kms keys add-iam-policy-binding k --keyring r --location global --member user:a@b.c')).toMatchObject([{ ruleId: 'gcp-missing-required', message: 'Missing --role for `gcloud kms keys add-iam-policy-binding`' }]);
    expect(await validate('kms keys add-iam-policy-binding k --keyring r --location global --member user:a@b.c --role cloudkms.viewer')).toMatchObject([{ ruleId: 'gcp-bad-value', message: expect.stringContaining('a role such as roles/') }]);
    // A full resource name needs neither flag.
    expect(await validate('kms keys describe projects/p/locations/global/keyRings/r/cryptoKeys/k')).toEqual([]);
  });

  it('unknown commands and flags, with did-you-mean', async () => {
    expect(await validate('kms keyring create vault-keyring --location global')).toEqual([{
      argIndex: 2, ruleId: 'gcp-unknown-command', severity: 'error',
      message: 'Unexpected command `gcloud kms keyring`, expected one of the commands of `gcloud kms`', note: 'did you mean `gcloud kms keyrings`?',
    }]);
    expect(await validate('kms keys crate vault-key')).toMatchObject([{ ruleId: 'gcp-unknown-command', note: 'did you mean `gcloud kms keys create`?' }]);
    expect(await validate('iam service-account create vault-unseal')).toMatchObject([{ note: 'did you mean `gcloud iam service-accounts`?' }]);
    expect(await validate('kms keyrings create vault-keyring --locaton global')).toEqual([
      { argIndex: 5, ruleId: 'gcp-unknown-flag', severity: 'error', message: 'Unexpected flag --locaton for `gcloud kms keyrings create`', note: 'did you mean --location?' },
      { argIndex: 3, ruleId: 'gcp-missing-required', severity: 'error', message: 'Missing --location for `gcloud kms keyrings create`' },
    ]);
  });

  it('values outside gcloud choices, and what gcloud refuses before sending', async () => {
    expect(await validate('kms keys create k --keyring r --location global --purpose encrypt')).toMatchObject([
      { argIndex: 10, ruleId: 'gcp-bad-value', message: 'Unexpected value "encrypt" for --purpose, expected one of: encryption, raw-encryption, asymmetric-signing, asymmetric-encryption, mac', note: 'did you mean encryption?' },
    ]);
    expect(await validate('kms keys create k --keyring r --location global --purpose mac')).toMatchObject([
      { argIndex: 3, ruleId: 'gcp-missing-required', message: expect.stringMatching(/^--default-algorithm needs to be specified when creating a key with --purpose=mac/) },
    ]);
    expect(await validate('kms keys create k --keyring r --location global --purpose encryption --rotation-period 90days')).toMatchObject([{ ruleId: 'gcp-bad-value' }]);
    expect(await validate(['gcloud', 'kms', 'keyrings', 'describe', 'r', '--location', 'global', '--format=value()'])).toMatchObject([{ ruleId: 'gcp-bad-value', message: expect.stringContaining('non-empty projection') }]);
    expect(await validate(['gcloud', 'kms', 'keyrings', 'describe', 'r', '--location', 'global', '--format=jsn'])).toMatchObject([{ ruleId: 'gcp-bad-value', message: expect.stringContaining('Unknown format') }]);
  });
});

describe('handles: what is translated, what runs in the shell', () => {
  const handled = (command: string) => translator.handles(argv(command));

  it('takes the translated commands, and mistakes under kms/iam (to report them)', () => {
    expect(handled('kms keyrings create r --location global')).toBe(true);
    expect(handled('--project p kms keys describe k --keyring r --location global')).toBe(true);
    expect(handled('iam service-accounts add-iam-policy-binding a@b.c --role roles/x --member user:x@y.z')).toBe(true);
    expect(handled('kms keyring create r')).toBe(true);
  });

  it('leaves real gcloud commands, flags and formats it does not reproduce to the shell', () => {
    for (const command of [
      'container clusters get-credentials c --region r', 'services enable cloudkms.googleapis.com', 'kms encrypt --key k --plaintext-file -',
      'kms keys versions list --key k --keyring r --location global', 'iam roles create r', 'beta kms keys create k',
      'kms keys describe k --keyring r --location global --format=table(name)', '--account me@example.com kms keyrings create r --location global',
      'kms keys add-iam-policy-binding k --keyring r --location global --member user:a@b.c --role roles/x --condition=title=t,expression=e',
      'iam service-accounts get-iam-policy a@b.c --filter=bindings.role:roles/x',
    ]) expect([command, handled(command)]).toEqual([command, false]);
  });

  it('is in the translator table under `gcloud`', async () => {
    expect((await translatorFor(argv('kms keyrings create r --location global')))?.tool).toBe('gcloud');
    expect(await translatorFor(argv('container clusters list'))).toBeUndefined();
  });
});

describe('runbook check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-gcp-check-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports the guide-style mistakes at their place', async () => {
    const file = join(dir, 'mistakes.md');
    writeFileSync(file, [
      '# GCP mistakes', '',
      '```sh', 'gcloud kms keyrings create vault-keyring', '```', '',
      '```sh', 'gcloud iam service-accounts create vault --display-name "Vault"', '```', '',
      '```sh', 'gcloud iam service-accounts add-iam-policy-binding vault@p1234.iam.gserviceaccount.com --role roles/iam.workloadIdentityUser --member "p1234.svc.id.goog[vault/vault]"', '```', '',
    ].join('\n'));
    const { readFileSync } = await import('node:fs');
    const diagnostics = await checkRunbook(parseRunbook(readFileSync(file, 'utf8'), file));
    expect(diagnostics.map((d) => `${d.start.line}:${d.start.column} ${d.ruleId} ${d.message}`)).toEqual([
      '4:21 gcp-missing-required Missing --location for `gcloud kms keyrings create`',
      '8:36 gcp-bad-value Unexpected NAME: expected a service account id of 6-30 characters, got 5 ("vault")',
      '12:135 gcp-bad-value Unexpected value for --member: expected a principal with its type, such as serviceAccount:NAME@PROJECT.iam.gserviceaccount.com, user:EMAIL, group:EMAIL or principal://…, got "p1234.svc.id.goog[vault/vault]"',
    ]);
  });
});
