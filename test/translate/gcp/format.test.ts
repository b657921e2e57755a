/**
 * `--format` output compared with what gcloud 528 printed for the same resources (captured from the
 * real gcloud against the IAM test server), plus gcloud's key and printer rules.
 */
import { describe, expect, it } from 'vitest';
import { FormatError, formatResource, parseFormat, toYaml } from '../../../src/translate/gcp/format.js';
import { restJson } from '../../../src/translate/gcp/proto-json.js';

const account = {
  name: 'projects/my-project/serviceAccounts/vault-unseal@my-project.iam.gserviceaccount.com',
  projectId: 'my-project',
  uniqueId: '556340463507914938024',
  email: 'vault-unseal@my-project.iam.gserviceaccount.com',
  displayName: 'Vault unseal',
  etag: 'MDEwMjE5MjA=',
  oauth2ClientId: '556340463507914938024',
};

const policy = {
  version: 3,
  etag: '4QDL9dKMMJ8=',
  bindings: [{ role: 'roles/iam.workloadIdentityUser', members: ['serviceAccount:my-project.svc.id.goog[vault/vault]'] }],
};

const print = (resource: unknown, format: string) => formatResource(resource, parseFormat(format));

describe('as gcloud prints them', () => {
  it('describe (default format) of a service account', () => {
    expect(print(account, 'default')).toBe(`displayName: Vault unseal
email: vault-unseal@my-project.iam.gserviceaccount.com
etag: MDEwMjE5MjA=
name: projects/my-project/serviceAccounts/vault-unseal@my-project.iam.gserviceaccount.com
oauth2ClientId: '556340463507914938024'
projectId: my-project
uniqueId: '556340463507914938024'
`);
  });

  it('--format=json', () => {
    expect(print(account, 'json')).toBe(`{
  "displayName": "Vault unseal",
  "email": "vault-unseal@my-project.iam.gserviceaccount.com",
  "etag": "MDEwMjE5MjA=",
  "name": "projects/my-project/serviceAccounts/vault-unseal@my-project.iam.gserviceaccount.com",
  "oauth2ClientId": "556340463507914938024",
  "projectId": "my-project",
  "uniqueId": "556340463507914938024"
}
`);
  });

  it("--format='value(email)', get(email), value(email,uniqueId,disabled)", () => {
    expect(print(account, 'value(email)')).toBe('vault-unseal@my-project.iam.gserviceaccount.com\n');
    expect(print(account, 'get(email)')).toBe('vault-unseal@my-project.iam.gserviceaccount.com\n');
    expect(print(account, 'value(email,uniqueId,disabled)')).toBe('vault-unseal@my-project.iam.gserviceaccount.com\t556340463507914938024\t\n');
  });

  it('add-iam-policy-binding prints the policy', () => {
    expect(print(policy, 'default')).toBe(`bindings:
- members:
  - serviceAccount:my-project.svc.id.goog[vault/vault]
  role: roles/iam.workloadIdentityUser
etag: 4QDL9dKMMJ8=
version: 3
`);
  });
});

describe('projection keys and printer attributes', () => {
  const two = { ...policy, bindings: [...policy.bindings, { role: 'roles/cloudkms.viewer', members: ['user:a@example.com', 'user:b@example.com'] }] };

  it('a key on a list maps over it; lists join with ";"; [n] indexes; snake_case finds camelCase', () => {
    expect(print(two, 'value(bindings.role)')).toBe('roles/iam.workloadIdentityUser;roles/cloudkms.viewer\n');
    expect(print(two, 'value(bindings[1].members)')).toBe('user:a@example.com;user:b@example.com\n');
    expect(print(two, 'value(bindings[-1].role)')).toBe('roles/cloudkms.viewer\n');
    expect(print(account, 'value(display_name)')).toBe('Vault unseal\n');
    expect(print(account, 'value(missing.key)')).toBe('\n');
  });

  it('basename() in value() but not in get(); separators; column labels ignored', () => {
    expect(print(account, 'value(name.basename())')).toBe('vault-unseal@my-project.iam.gserviceaccount.com\n');
    expect(print(account, 'get(name.basename())')).toBe(`${account.name}\n`);
    expect(print(account, "value[separator=','](email,projectId)")).toBe('vault-unseal@my-project.iam.gserviceaccount.com,my-project\n');
    expect(print(account, 'value(email:label=EMAIL)')).toBe('vault-unseal@my-project.iam.gserviceaccount.com\n');
    expect(print({ labels: { b: '2', a: '1' }, on: true }, 'value(labels,on)')).toBe('a=1;b=2\tTrue\n');
  });

  it('none prints nothing; a bad format says what is expected', () => {
    expect(print(account, 'none')).toBe('');
    expect(() => parseFormat('value()')).toThrow(FormatError);
    expect(() => parseFormat('jsn')).toThrow('Unknown format [jsn], expected json, yaml, default, none, value(…) or get(…)');
    expect(() => parseFormat('value(name.scope())')).toThrow('Unsupported transform scope()');
  });
});

describe('YAML', () => {
  it('quotes what a YAML reader would take for something else', () => {
    expect(toYaml({ a: '2030-01-01T00:00:00Z', b: '123', c: 'true', d: '', e: 'x: y', f: '- x', g: '*x', h: 'plain:colon', i: 'it\'s' })).toBe(
      "a: '2030-01-01T00:00:00Z'\nb: '123'\nc: 'true'\nd: ''\ne: 'x: y'\nf: '- x'\ng: '*x'\nh: plain:colon\ni: it's\n",
    );
  });

  it('nests maps, keeps lists at their key, writes empty collections inline and text with newlines as a block', () => {
    expect(toYaml({ m: { k: [{ a: 1, b: [] }] }, e: {}, t: 'one\ntwo\n' })).toBe('m:\n  k:\n  - a: 1\n    b: []\ne: {}\nt: |\n  one\n  two\n');
  });
});

describe('KMS gRPC answers as REST JSON', () => {
  it('drops defaults, spells timestamps, durations and bytes as strings', () => {
    const grpc = {
      name: 'k', labels: {}, importOnly: false, cryptoKeyBackend: '', nextRotationTime: null,
      createTime: { seconds: '1700000000', nanos: 123000000 },
      destroyScheduledDuration: { seconds: '2592000', nanos: 0 },
      primary: { state: 'ENABLED', destroyTime: null, generateTime: { seconds: '1700000000', nanos: 0 }, attestation: null },
      versionTemplate: { algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION', protectionLevel: 'PROTECTION_LEVEL_UNSPECIFIED' },
    };
    expect(restJson(grpc)).toEqual({
      name: 'k', createTime: '2023-11-14T22:13:20.123Z', destroyScheduledDuration: '2592000s',
      primary: { state: 'ENABLED', generateTime: '2023-11-14T22:13:20Z' },
      versionTemplate: { algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION' },
    });
    expect(restJson({ version: 1, bindings: [], etag: Buffer.from([0x00, 0x20, 0x01]) })).toEqual({ version: 1, etag: 'ACAB' });
  });
});
