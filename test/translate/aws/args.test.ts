import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCall, isUntranslatable, TranslateError, translateAws, validateAws, type AwsProblem } from '../../../src/translate/aws/index.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-aws-args-'));
  writeFileSync(join(dir, 'trust.json'), '{"Version": "2012-10-17", "Statement": []}\r\n');
  writeFileSync(join(dir, 'key.bin'), Buffer.from([0, 1, 2, 255]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const translate = (...argv: string[]) => translateAws(['aws', ...argv], { cwd: dir });
const validate = (argv: string[], options: { ignoreMissingFiles?: boolean } = {}) => validateAws(['aws', ...argv], { cwd: dir, ...options });

async function translateError(...argv: string[]): Promise<TranslateError> {
  try {
    await translate(...argv);
  } catch (error) {
    expect(error).toBeInstanceOf(TranslateError);
    return error as TranslateError;
  }
  throw new Error(`expected aws ${argv.join(' ')} to fail`);
}

const rules = (problems: AwsProblem[]) => problems.map((p) => p.ruleId);

describe('translateAws: the call', () => {
  it('maps the operation, its flags and the global options', async () => {
    const call = await translate('kms', 'create-key', '--description', 'vault unseal', '--query', 'KeyMetadata.KeyId', '--output', 'text');
    expect(call).toMatchObject({
      service: 'kms',
      packageName: '@aws-sdk/client-kms',
      serviceId: 'KMS',
      operation: 'CreateKey',
      input: { Description: 'vault unseal' },
      query: 'KeyMetadata.KeyId',
      output: 'text',
      paginate: false,
      mutating: true,
    });
    expect(describeCall(call)).toBe('KMS.CreateKey {"Description":"vault unseal"}');
  });

  it('takes global options anywhere, including before the service', async () => {
    const call = await translateAws(['aws', '--region', 'eu-west-1', 'sts', '--profile', 'ops', 'get-caller-identity', '--endpoint-url', 'http://127.0.0.1:1', '--color', 'off'], {
      cwd: dir,
      planning: true,
    });
    expect(call).toMatchObject({ operation: 'GetCallerIdentity', region: 'eu-west-1', profile: 'ops', endpointUrl: 'http://127.0.0.1:1', output: 'json', mutating: false });
  });

  it('hands --debug and the certificate options back to the real CLI', async () => {
    for (const flag of ['--debug', '--no-verify-ssl', '--no-sign-request', '--v2-debug']) {
      const error = await translateError('sts', 'get-caller-identity', flag);
      expect(error).toMatchObject({ refusal: 'untranslatable', ruleId: 'aws-cli-only', argIndex: 3 });
      expect(isUntranslatable(error)).toBe(true);
    }
  });

  it('refuses aws CLI v2 options as v1 does, and says why', async () => {
    const error = await translateError('sts', 'get-caller-identity', '--no-cli-pager');
    expect(error).toMatchObject({ refusal: 'options', cliMessage: 'Unknown options: --no-cli-pager', note: '--no-cli-pager is an aws CLI v2 option; v1 refuses it' });
  });

  it('spells camelCase members and CLI renames the way the CLI does', async () => {
    const call = await translate(
      'eks', 'create-cluster', '--name', 'demo', '--role-arn', 'arn:aws:iam::123456789012:role/eks', '--kubernetes-version', '1.29',
      '--resources-vpc-config', 'subnetIds=subnet-1,subnet-2,endpointPublicAccess=true', '--tags', 'team=platform,env=dev',
    );
    expect(call.input).toEqual({
      name: 'demo',
      roleArn: 'arn:aws:iam::123456789012:role/eks',
      version: '1.29',
      resourcesVpcConfig: { subnetIds: ['subnet-1', 'subnet-2'], endpointPublicAccess: true },
      tags: { team: 'platform', env: 'dev' },
    });
  });

  it('parses lists of structures written as shorthand, one per word', async () => {
    const call = await translate('kms', 'create-key', '--tags', 'TagKey=a,TagValue=b', 'TagKey=c,TagValue=d');
    expect(call.input.Tags).toEqual([{ TagKey: 'a', TagValue: 'b' }, { TagKey: 'c', TagValue: 'd' }]);
  });

  it('parses lists of scalars as words or as JSON', async () => {
    const words = await translate('iam', 'create-open-id-connect-provider', '--url', 'https://oidc.example.com', '--client-id-list', 'a', 'b', '--thumbprint-list', 'f'.repeat(40));
    expect(words.input.ClientIDList).toEqual(['a', 'b']);
    const json = await translate('iam', 'create-open-id-connect-provider', '--url', 'https://oidc.example.com', '--client-id-list', '["a","b"]');
    expect(json.input.ClientIDList).toEqual(['a', 'b']);
  });

  it('reads file:// as text (universal newlines) and fileb:// as bytes, relative to cwd', async () => {
    const role = await translate('iam', 'create-role', '--role-name', 'r', '--assume-role-policy-document', 'file://trust.json');
    expect(role.input.AssumeRolePolicyDocument).toBe('{"Version": "2012-10-17", "Statement": []}\n');
    const encrypt = await translate('kms', 'encrypt', '--key-id', 'alias/k', '--plaintext', 'fileb://key.bin');
    expect(encrypt.input.Plaintext).toEqual(new Uint8Array([0, 1, 2, 255]));
  });

  it('uses the readFile option when given', async () => {
    const call = await translateAws(['aws', 'iam', 'create-role', '--role-name', 'r', '--assume-role-policy-document', 'file://virtual.json'], {
      cwd: '/nowhere',
      readFile: (path, binary) => (binary ? new Uint8Array() : `read ${path}`),
    });
    expect(call.input.AssumeRolePolicyDocument).toBe('read /nowhere/virtual.json');
  });

  it('turns blobs into bytes, numbers into numbers and timestamps into Dates', async () => {
    const encrypt = await translate('kms', 'encrypt', '--key-id', 'alias/k', '--plaintext', 'hello');
    expect(encrypt.input.Plaintext).toEqual(new TextEncoder().encode('hello'));
    const role = await translate('iam', 'create-role', '--role-name', 'r', '--assume-role-policy-document', '{}', '--max-session-duration', '7200');
    expect(role.input.MaxSessionDuration).toBe(7200);
    const head = await translate('s3api', 'head-object', '--bucket', 'b', '--key', 'k', '--if-modified-since', '2024-01-31T12:00:00Z');
    expect(head.input.IfModifiedSince).toEqual(new Date('2024-01-31T12:00:00Z'));
    const epoch = await translate('s3api', 'head-object', '--bucket', 'b', '--key', 'k', '--if-modified-since', '1700000000');
    expect(epoch.input.IfModifiedSince).toEqual(new Date(1_700_000_000_000));
  });

  it('has --flag and --no-flag for booleans', async () => {
    expect((await translate('ssm', 'get-parameter', '--name', 'x', '--with-decryption')).input.WithDecryption).toBe(true);
    expect((await translate('ssm', 'get-parameter', '--name', 'x', '--no-with-decryption')).input.WithDecryption).toBe(false);
  });

  it('accepts --flag=value and keeps the last of repeated flags', async () => {
    const call = await translate('ssm', 'get-parameter', '--name=first', '--name', 'second');
    expect(call.input.Name).toBe('second');
  });

  it('lets explicit flags win over --cli-input-json', async () => {
    const call = await translate('iam', 'create-role', '--cli-input-json', '{"RoleName":"from-json","AssumeRolePolicyDocument":"{}","Path":"/x/"}', '--role-name', 'explicit');
    expect(call.input).toEqual({ RoleName: 'explicit', AssumeRolePolicyDocument: '{}', Path: '/x/' });
  });

  it('paginates like the CLI: its paginators, --max-items, manual tokens, --no-paginate', async () => {
    const roles = await translate('iam', 'list-roles');
    expect(roles).toMatchObject({ paginate: true, mutating: false, pagination: { inputTokens: ['Marker'], limitKey: 'MaxItems', resultKeys: ['Roles'] } });
    expect((await translate('iam', 'list-roles', '--max-items', '2')).pagination?.maxItems).toBe(2);
    expect((await translate('iam', 'list-roles', '--marker', 'abc')).paginate).toBe(false);
    const noPaginate = await translate('iam', 'list-roles', '--no-paginate', '--max-items', '5');
    expect(noPaginate).toMatchObject({ paginate: false, input: { MaxItems: 5 } });
    // The CLI has a paginator where the SDK has none, and the reverse.
    expect((await translate('route53', 'list-resource-record-sets', '--hosted-zone-id', 'Z1')).pagination?.inputTokens).toEqual([
      'StartRecordName',
      'StartRecordType',
      'StartRecordIdentifier',
    ]);
    expect((await translate('secretsmanager', 'list-secret-version-ids', '--secret-id', 's')).paginate).toBe(false);
  });

  it('takes the outfile of streaming operations as a positional argument', async () => {
    const call = await translate('s3api', 'get-object', '--bucket', 'b', '--key', 'k', 'out.txt');
    expect(call.outfile).toBe(join(dir, 'out.txt'));
    expect((await translateError('s3api', 'get-object', '--bucket', 'b', '--key', 'k')).ruleId).toBe('aws-missing-required');
  });

  it('reports sensitive members for redaction', async () => {
    const secret = await translate('secretsmanager', 'create-secret', '--name', 'db', '--secret-string', 's3cret');
    expect(secret.sensitiveInputPaths).toContain('SecretString');
    expect(describeCall(secret)).toBe('SecretsManager.CreateSecret {"Name":"db","SecretString":"***"}');
    expect((await translate('secretsmanager', 'get-secret-value', '--secret-id', 'db')).sensitiveOutputPaths).toEqual(
      expect.arrayContaining(['SecretString', 'SecretBinary']),
    );
    expect((await translate('kms', 'decrypt', '--ciphertext-blob', 'x')).sensitiveOutputPaths).toContain('Plaintext');
    expect((await translate('sts', 'assume-role', '--role-arn', 'arn:aws:iam::1:role/r', '--role-session-name', 'ss')).sensitiveOutputPaths).toContain(
      'Credentials.SecretAccessKey',
    );
  });
});

describe('translateAws: errors name the word that is wrong', () => {
  it('a misspelt required flag: argparse reports the flag missing, the note points at the misspelling', async () => {
    const error = await translateError('iam', 'attach-role-policy', '--role-nmae', 'r', '--policy-arn', 'arn:aws:iam::aws:policy/ReadOnlyAccess');
    expect(error).toMatchObject({ ruleId: 'aws-missing-required', refusal: 'usage', argIndex: 3, note: '--role-nmae is not an option: did you mean --role-name?' });
    expect(error.cliMessage).toBe('the following arguments are required: --role-name');
  });

  it('an unknown optional flag: "Unknown options", with a did-you-mean', async () => {
    const error = await translateError('iam', 'list-roles', '--path-prefx', '/app/');
    expect(error).toMatchObject({ ruleId: 'aws-unknown-flag', refusal: 'options', argIndex: 3, note: 'did you mean --path-prefix?' });
    expect(error.cliMessage).toBe('Unknown options: --path-prefx, /app/');
  });

  it('unknown operation, with a did-you-mean', async () => {
    expect(await translateError('kms', 'creat-key')).toMatchObject({ ruleId: 'aws-unknown-operation', argIndex: 2, note: "did you mean 'create-key'?" });
  });

  it('an unknown service is a usage error with a did-you-mean', async () => {
    const typo = await translateError('kmss', 'list-keys');
    expect(typo).toMatchObject({ ruleId: 'aws-unknown-service', refusal: 'usage', argIndex: 1, note: "did you mean 'kms'?" });
    expect(typo.cliMessage).toMatch(/^argument command: Invalid choice, valid choices are:/);
  });

  it('a service whose SDK client is not installed is untranslatable, naming the package', async () => {
    for (const [service, operation, pkg] of [
      ['rds', 'describe-db-instances', '@aws-sdk/client-rds'],
      ['cloudwatch', 'describe-alarms', '@aws-sdk/client-cloudwatch'],
      ['ecs', 'list-clusters', '@aws-sdk/client-ecs'],
    ] as const) {
      const error = await translateError(service, operation);
      expect(error).toMatchObject({ ruleId: 'aws-client-not-installed', refusal: 'untranslatable', argIndex: 1 });
      expect(error.message).toContain(`npm install ${pkg}`);
      expect(isUntranslatable(error)).toBe(true);
    }
  });

  it('the CLI programs and its own subcommands are untranslatable', async () => {
    for (const argv of [['s3', 'cp', 'a', 's3://b/a'], ['configure', 'list'], ['eks', 'update-kubeconfig', '--name', 'c'], ['iam', 'wait', 'role-exists'], ['help'], ['iam', 'help'], ['iam', 'get-role', 'help']]) {
      const error = await translateError(...argv);
      expect(error, argv.join(' ')).toMatchObject({ ruleId: 'aws-cli-only', refusal: 'untranslatable' });
    }
    expect(await translateError('--version')).toMatchObject({ refusal: 'untranslatable' });
    expect(await translateError('sts', 'get-caller-identity', '--generate-cli-skeleton')).toMatchObject({ refusal: 'untranslatable' });
    expect(await translateError('iam', 'get-role', '--role-name', 'https://example.com/name')).toMatchObject({ refusal: 'untranslatable' });
  });

  it('a URL is text where the CLI does not download it', async () => {
    const call = await translate('iam', 'create-open-id-connect-provider', '--url', 'https://oidc.example.com', '--thumbprint-list', 'f'.repeat(40));
    expect(call.input.Url).toBe('https://oidc.example.com');
  });

  it('enum values outside the SDK enum: the CLI sends them (the service refuses), check reports them', async () => {
    expect((await translate('kms', 'create-key', '--key-spec', 'NOPE')).input.KeySpec).toBe('NOPE');
    const [problem] = await validate(['kms', 'create-key', '--key-spec', 'NOPE']);
    expect(problem).toMatchObject({ ruleId: 'aws-enum-value', argIndex: 4, refusal: 'service', severity: 'error' });
    expect(problem!.message).toContain('SYMMETRIC_DEFAULT');
    expect((await validate(['kms', 'create-key', '--key-usage', 'encrypt_decrypt']))[0]).toMatchObject({ note: "did you mean 'ENCRYPT_DECRYPT'?" });
  });

  it('a bare name where an ARN belongs (the classic --policy-arn vault-policy): botocore\'s minimum length', async () => {
    const error = await translateError('iam', 'attach-role-policy', '--policy-arn', 'vault-policy', '--role-name', 'vault-role');
    expect(error).toMatchObject({ ruleId: 'aws-expected-arn', refusal: 'validation', argIndex: 4 });
    expect(error.cliMessage).toBe('Invalid length for parameter PolicyArn, value: 12, valid min length: 20');
    expect(error.note).toContain('pass the full ARN');
  });

  it('a name where an ARN belongs but long enough: sent, and reported by check', async () => {
    const name = 'a-policy-with-a-long-name';
    expect((await translate('iam', 'attach-role-policy', '--policy-arn', name, '--role-name', 'r')).input.PolicyArn).toBe(name);
    expect(rules(await validate(['iam', 'attach-role-policy', '--policy-arn', name, '--role-name', 'r']))).toEqual(['aws-expected-arn']);
  });

  it('missing required members', async () => {
    const error = await translateError('iam', 'create-role', '--role-name', 'r');
    expect(error).toMatchObject({ ruleId: 'aws-missing-required', argIndex: 2 });
    expect(error.message).toContain('--assume-role-policy-document');
  });

  it('nested problems: missing member, unknown key, wrong type', async () => {
    expect((await translateError('kms', 'create-key', '--tags', 'TagKey=a')).message).toContain('"TagValue"');
    const unknown = await translateError('kms', 'create-key', '--tags', 'TagKey=a,TagValue=b,Colour=red');
    expect(unknown).toMatchObject({ ruleId: 'aws-bad-value', argIndex: 4 });
    expect(unknown.message).toContain('must be one of: TagKey, TagValue');
    expect((await translateError('iam', 'create-role', '--role-name', 'r', '--assume-role-policy-document', '{}', '--max-session-duration', 'long')).ruleId).toBe('aws-bad-value');
  });

  it('bad JSON and bad shorthand', async () => {
    expect((await translateError('route53', 'change-resource-record-sets', '--hosted-zone-id', 'Z', '--change-batch', '{bad')).message).toContain('Invalid JSON');
    expect(await translateError('kms', 'create-key', '--tags', 'TagKey=a,,=')).toMatchObject({ ruleId: 'aws-missing-required', refusal: 'validation' });
    expect(await translateError('kms', 'create-key', '--tags', 'TagKey=a,TagValue=[b')).toMatchObject({ ruleId: 'aws-bad-value', refusal: 'exception' });
  });

  it('enum values deep inside JSON', async () => {
    const [problem] = await validate(['eks', 'update-cluster-config', '--name', 'c', '--logging', '{"clusterLogging":[{"types":["api","nope"],"enabled":true}]}']);
    expect(problem).toMatchObject({ ruleId: 'aws-enum-value' });
    expect(problem!.message).toContain("'nope'");
  });

  it('stray words and bad global values', async () => {
    expect((await translateError('sts', 'get-caller-identity', 'extra')).ruleId).toBe('aws-unknown-flag');
    expect((await translateError('sts', 'get-caller-identity', '--output', 'yaml')).ruleId).toBe('aws-bad-value');
    expect((await translateError('sts', 'get-caller-identity', '--query', 'Account[')).ruleId).toBe('aws-bad-value');
  });
});

describe('validateAws: every problem, never a throw', () => {
  it('collects all problems with their words', async () => {
    const problems = await validate(['kms', 'create-key', '--key-spec', 'NOPE', '--descriptoin', 'x', '--tags', 'TagKey=a']);
    expect(problems.map((p) => [p.ruleId, p.argIndex])).toEqual([
      ['aws-unknown-flag', 5],
      ['aws-enum-value', 4],
      ['aws-missing-required', 8],
    ]);
    expect(problems.every((p) => p.severity === 'error')).toBe(true);
  });

  it('warns about abbreviated flags (argparse accepts them)', async () => {
    const problems = await validate(['kms', 'create-key', '--descr', 'x']);
    expect(problems).toMatchObject([{ ruleId: 'aws-unknown-flag', severity: 'warning', argIndex: 3 }]);
    expect((await translate('kms', 'create-key', '--descr', 'x')).input.Description).toBe('x');
  });

  it('does not report values that are placeholders until run time', async () => {
    expect(await validate(['iam', 'attach-role-policy', '--role-name', 'r', '--policy-arn', '<from step 3: POLICY_ARN>'])).toEqual([]);
    expect(await validate(['kms', 'create-key', '--key-spec', '<KEY_SPEC>', '--tags', 'TagKey=owner,TagValue=<from step 1: USER>'])).toEqual([]);
    const batch = '{"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":"<from step 2: NAME>","Type":"A","TTL":<TTL>}}]}';
    expect(await validate(['route53', 'change-resource-record-sets', '--hosted-zone-id', 'Z', '--change-batch', batch])).toEqual([]);
  });

  it('still checks the structure around a placeholder', async () => {
    const batch = '{"Changes":[{"Action":"UPSRT","ResourceRecordSet":{"Name":"<from step 2: NAME>","Type":"A"}}]}';
    expect(rules(await validate(['route53', 'change-resource-record-sets', '--hosted-zone-id', 'Z', '--change-batch', batch]))).toEqual(['aws-enum-value']);
  });

  it('keeps placeholders as text when translating for a plan', async () => {
    const call = await translate('iam', 'attach-role-policy', '--role-name', 'r', '--policy-arn', '<from step 3: POLICY_ARN>');
    expect(call.input.PolicyArn).toBe('<from step 3: POLICY_ARN>');
    const tags = await translate('kms', 'create-key', '--tags', 'TagKey=owner,TagValue=<from step 1: USER>');
    expect(tags.input.Tags).toEqual([{ TagKey: 'owner', TagValue: '<from step 1: USER>' }]);
  });

  it('ignores file:// files that do not exist yet only when asked to', async () => {
    const argv = ['iam', 'create-role', '--role-name', 'r', '--assume-role-policy-document', 'file://written-later.json'];
    expect(await validate(argv, { ignoreMissingFiles: true })).toEqual([]);
    expect(rules(await validate(argv))).toEqual(['aws-bad-value']);
  });

  it('reports instead of throwing for anything', async () => {
    expect(rules(await validate(['nosuchservice', 'x']))).toEqual(['aws-unknown-service']);
    expect(rules(await validateAws(['gcloud', 'x'], { cwd: dir }))).toEqual(['aws-unknown-service']);
    expect(rules(await validate([]))).toEqual(['aws-missing-required']);
  });
});
