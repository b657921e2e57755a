/**
 * Adoption through the engine's one send path against moto: what exists is found, drift is
 * converged (trust policy, policy document, alias target, secret value), nothing is duplicated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendCall, type SendOptions } from '../../../src/engine/send.js';
import { translator } from '../../../src/translate/aws/translator.js';
import type { AdoptResult, Call } from '../../../src/translate/types.js';
import { motoEnv, startMoto, type Moto } from '../../support/moto.js';

let moto: Moto;
const saved = { ...process.env };

beforeAll(async () => {
  moto = await startMoto();
  Object.assign(process.env, motoEnv(moto.endpoint));
});
afterAll(async () => {
  await moto?.stop();
  process.env = saved;
});

async function send(argv: string[], laterArgv: string[][] = [], capture?: string) {
  const adopted: AdoptResult[] = [];
  const options: SendOptions = {
    signal: new AbortController().signal, retries: 0, env: {}, laterArgv, ...(capture ? { capture } : {}),
    confirm: async () => {}, onCall: () => {}, onAdopt: (_c: Call, r: AdoptResult) => void adopted.push(r), onRetry: () => {},
  };
  const call = await translator.translate(['aws', ...argv], { cwd: process.cwd() });
  const sent = await sendCall(translator as never, call, options);
  return { ...sent, adopted, text: translator.format(sent.result, call) };
}

const read = async (...argv: string[]) => (await send(argv)).result as Record<string, any>;

describe('AWS adoption', () => {
  it('finds a key by the alias a later step gives it, and by its tags without one', async () => {
    const later = [['aws', 'kms', 'create-alias', '--alias-name', 'alias/app', '--target-key-id', '<$KEY_ID>']];
    const first = await send(['kms', 'create-key', '--query', 'KeyMetadata.KeyId', '--output', 'text'], later, 'KEY_ID');
    expect(first.outcome).toBe('created');
    const keyId = first.text.trim();
    await send(['kms', 'create-alias', '--alias-name', 'alias/app', '--target-key-id', keyId]);
    const again = await send(['kms', 'create-key', '--query', 'KeyMetadata.KeyId', '--output', 'text'], later, 'KEY_ID');
    expect(again).toMatchObject({ outcome: 'adopted', text: `${keyId}\n` });

    const tagged = await send(['kms', 'create-key', '--tags', 'TagKey=app,TagValue=tagged', '--query', 'KeyMetadata.KeyId', '--output', 'text']);
    const byTags = await send(['kms', 'create-key', '--tags', 'TagKey=app,TagValue=tagged', '--query', 'KeyMetadata.KeyId', '--output', 'text']);
    expect(byTags).toMatchObject({ outcome: 'adopted', text: tagged.text });
    expect(((await read('kms', 'list-keys')).Keys as unknown[]).length).toBe(2);
  });

  it('moves an alias that points at another key', async () => {
    const other = (await read('kms', 'create-key')).KeyMetadata.KeyId as string;
    const moved = await send(['kms', 'create-alias', '--alias-name', 'alias/app', '--target-key-id', other]);
    expect(moved.outcome).toBe('updated');
    expect((await read('kms', 'describe-key', '--key-id', 'alias/app')).KeyMetadata.KeyId).toBe(other);
  });

  it('adopts a role and converges a drifted trust policy', async () => {
    const trust = (sub: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:sub': sub } } }] });
    expect((await send(['iam', 'create-role', '--role-name', 'r1', '--assume-role-policy-document', trust('a')])).outcome).toBe('created');
    expect((await send(['iam', 'create-role', '--role-name', 'r1', '--assume-role-policy-document', trust('a')])).outcome).toBe('adopted');
    const drift = await send(['iam', 'create-role', '--role-name', 'r1', '--assume-role-policy-document', trust('b'), '--query', 'Role.RoleName', '--output', 'text']);
    expect(drift).toMatchObject({ outcome: 'updated', text: 'r1\n' });
    const doc = (await read('iam', 'get-role', '--role-name', 'r1')).Role.AssumeRolePolicyDocument;
    // The SDK returns the document URL-encoded (RFC 3986), as the IAM API does.
    expect(JSON.parse(decodeURIComponent(doc)).Statement[0].Condition.StringEquals['aws:sub']).toBe('b');
  });

  it('adopts a policy by name and stores a changed document as the new default version', async () => {
    const doc = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
    const created = await send(['iam', 'create-policy', '--policy-name', 'p1', '--policy-document', doc('kms:Decrypt'), '--query', 'Policy.Arn', '--output', 'text']);
    const same = await send(['iam', 'create-policy', '--policy-name', 'p1', '--policy-document', doc('kms:Decrypt'), '--query', 'Policy.Arn', '--output', 'text']);
    expect(same).toMatchObject({ outcome: 'adopted', text: created.text });
    const changed = await send(['iam', 'create-policy', '--policy-name', 'p1', '--policy-document', doc('kms:Encrypt'), '--query', 'Policy.Arn', '--output', 'text']);
    expect(changed).toMatchObject({ outcome: 'updated', text: created.text });
    const arn = created.text.trim();
    const versions = (await read('iam', 'list-policy-versions', '--policy-arn', arn)).Versions as Array<{ IsDefaultVersion: boolean; VersionId: string }>;
    expect(versions).toHaveLength(2);
    const def = versions.find((v) => v.IsDefaultVersion)!;
    expect(JSON.stringify((await read('iam', 'get-policy-version', '--policy-arn', arn, '--version-id', def.VersionId)).PolicyVersion.Document)).toContain('kms:Encrypt');
  });

  it('treats an existing attachment as adopted', async () => {
    const arn = `arn:aws:iam::123456789012:policy/p1`;
    expect((await send(['iam', 'attach-role-policy', '--role-name', 'r1', '--policy-arn', arn])).outcome).toBe('created');
    expect((await send(['iam', 'attach-role-policy', '--role-name', 'r1', '--policy-arn', arn])).outcome).toBe('adopted');
  });

  it('adopts a secret with the same value and stores a different one as a new version', async () => {
    expect((await send(['secretsmanager', 'create-secret', '--name', 'app/db', '--secret-string', 'v1'])).outcome).toBe('created');
    expect((await send(['secretsmanager', 'create-secret', '--name', 'app/db', '--secret-string', 'v1'])).outcome).toBe('adopted');
    const changed = await send(['secretsmanager', 'create-secret', '--name', 'app/db', '--secret-string', 'v2']);
    expect(changed.outcome).toBe('updated');
    expect(changed.adopted[0]!.detail).not.toContain('v2');
    expect((await read('secretsmanager', 'get-secret-value', '--secret-id', 'app/db')).SecretString).toBe('v2');
  });

  it('finds a hosted zone by its name, whatever caller reference the create uses, public apart from private', async () => {
    const create = (ref: string) => send(['route53', 'create-hosted-zone', '--name', 'adopt.example.', '--caller-reference', ref, '--query', 'HostedZone.Id', '--output', 'text']);
    const first = await create('ref-1');
    expect(first.outcome).toBe('created');
    const again = await create(`ref-${Date.now()}`);
    expect(again).toMatchObject({ outcome: 'adopted', text: first.text });
    expect(again.adopted[0]?.detail).toMatch(/zone adopt\.example\. exists/);
    expect(((await read('route53', 'list-hosted-zones-by-name', '--dns-name', 'adopt.example.')).HostedZones as unknown[]).length).toBe(1);
    // Name servers too: `--query DelegationSet.NameServers` reads the same as after a create.
    expect(((await create('ref-3')).result as Record<string, any>).DelegationSet.NameServers.length).toBeGreaterThan(0);
  });
});
