/**
 * Differential tests: the same command through the real aws CLI v1 and through translate → send → format,
 * against one moto server; stdout must be byte-for-byte equal.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { AttachRolePolicyCommand, CreatePolicyCommand, CreateRoleCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAwsClients, formatAwsOutput, sendAwsCall, translateAws } from '../../../src/translate/aws/index.js';
import { motoEnv, startMoto, type Moto } from '../../support/moto.js';
import { AwsCli } from './aws-cli.js';

const TRUST = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'eks.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 } },
    },
  ],
};
const POLICY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*' }] };

let moto: Moto;
let dir: string;
const savedEnv = { ...process.env };
/** Ids and ARNs made during setup; test names show the placeholders. */
const ids: Record<string, string> = {
  key: '<key-id>',
  ourKey: '<our-key-id>',
  roleArn: '<role-arn>',
  policyArn: '<policy-arn>',
  ourPolicy: '<our-policy-arn>',
  oidc: '<oidc-arn>',
  zone: '<zone-id>',
  token: '<starting-token>',
};

interface Outcome {
  cli: string;
  ours: string;
  cliError?: string;
  oursError?: string;
}

let cli: AwsCli;

async function runCli(argv: string[]): Promise<{ stdout: string; error?: string }> {
  const run = await cli.run(argv);
  return { stdout: run.stdout, error: run.code === 0 ? undefined : `exit ${run.code}: ${run.stderr.trim()}` };
}

async function runOurs(argv: string[]): Promise<{ stdout: string; error?: string }> {
  try {
    const call = await translateAws(argv, { cwd: dir });
    return { stdout: formatAwsOutput(await sendAwsCall(call), call) };
  } catch (error) {
    return { stdout: '', error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

async function setup(): Promise<void> {
  const kms = new KMSClient({});
  const key = await kms.send(new CreateKeyCommand({ Description: 'vault unseal', Tags: [{ TagKey: 'team', TagValue: 'vault' }] }));
  ids.key = key.KeyMetadata!.KeyId!;
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/vault', TargetKeyId: ids.key }));
  await kms.send(new CreateKeyCommand({ Description: 'backup' }));

  const iam = new IAMClient({});
  const role = await iam.send(
    new CreateRoleCommand({ RoleName: 'vault-role', AssumeRolePolicyDocument: JSON.stringify(TRUST), Tags: [{ Key: 'team', Value: 'vault' }] }),
  );
  ids.roleArn = role.Role!.Arn!;
  await iam.send(new CreateRoleCommand({ RoleName: 'reader-role', Path: '/app/', AssumeRolePolicyDocument: JSON.stringify(TRUST) }));
  const policy = await iam.send(new CreatePolicyCommand({ PolicyName: 'vault-policy', PolicyDocument: JSON.stringify(POLICY) }));
  ids.policyArn = policy.Policy!.Arn!;
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'vault-role', PolicyArn: ids.policyArn }));
  await iam.send(new CreateUserCommand({ UserName: 'alice', Tags: [{ Key: 'dept', Value: 'ops' }] }));

  const eks = new EKSClient({});
  await eks.send(
    new CreateClusterCommand({
      name: 'demo',
      roleArn: ids.roleArn,
      version: '1.29',
      resourcesVpcConfig: { subnetIds: ['subnet-1', 'subnet-2'] },
      tags: { team: 'vault' },
    }),
  );

  const r53 = new Route53Client({});
  const zone = await r53.send(new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'ref-1' }));
  ids.zone = zone.HostedZone!.Id!;
  await r53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: ids.zone,
      ChangeBatch: {
        Changes: [
          { Action: 'CREATE', ResourceRecordSet: { Name: 'www.example.com', Type: 'A', TTL: 300, ResourceRecords: [{ Value: '10.0.0.1' }] } },
        ],
      },
    }),
  );

  const s3 = new S3Client({});
  await s3.send(new CreateBucketCommand({ Bucket: 'runbook-bucket' }));
  await s3.send(new PutObjectCommand({ Bucket: 'runbook-bucket', Key: 'a.txt', Body: 'hello\n' }));
  await s3.send(new PutObjectCommand({ Bucket: 'runbook-bucket', Key: 'dir/b.txt', Body: 'b' }));
  await s3.send(new PutObjectCommand({ Bucket: 'runbook-bucket', Key: 'dir/c d+e.txt', Body: 'spaces and plus' }));

  const sm = new SecretsManagerClient({});
  await sm.send(
    new CreateSecretCommand({ Name: 'db-pass', SecretString: '{"user":"admin","pass":"s3cret"}', Tags: [{ Key: 'team', Value: 'vault' }] }),
  );

  const ssm = new SSMClient({});
  await ssm.send(new PutParameterCommand({ Name: '/app/db/host', Value: 'db.internal', Type: 'String' }));
  await ssm.send(new PutParameterCommand({ Name: '/app/db/pass', Value: 'pw', Type: 'SecureString' }));
  await ssm.send(new PutParameterCommand({ Name: '/app/list', Value: 'a,b,c', Type: 'StringList' }));
  for (const c of [kms, iam, eks, r53, s3, sm, ssm]) c.destroy();

  writeFileSync(join(dir, 'trust.json'), `${JSON.stringify(TRUST, null, 2)}\n`);
  writeFileSync(join(dir, 'policy.json'), JSON.stringify(POLICY));
  writeFileSync(join(dir, 'secret.json'), '{"user": "app", "token": "t0k3n"}\n');
  writeFileSync(join(dir, 'body.txt'), 'uploaded by runbook\n');
  writeFileSync(
    join(dir, 'batch.json'),
    JSON.stringify({
      Comment: 'add api',
      Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: 'api.example.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'lb.example.net' }] } }],
    }),
  );
}

/** Mutations made by translate → send only (shorthand, JSON and file:// inputs); compared through the reads below. */
const creates: Array<{ name: string; argv: () => string[]; keep?: (stdout: string) => void }> = [
  {
    name: 'kms create-key with list-of-structure shorthand',
    argv: () => ['aws', 'kms', 'create-key', '--description', 'created by runbook', '--key-usage', 'ENCRYPT_DECRYPT', '--tags', 'TagKey=owner,TagValue=ops', 'TagKey=env,TagValue=dev', '--query', 'KeyMetadata.KeyId', '--output', 'text'],
    keep: (stdout) => (ids.ourKey = stdout.trim()),
  },
  { name: 'kms enable-key-rotation', argv: () => ['aws', 'kms', 'enable-key-rotation', '--key-id', ids.ourKey] },
  {
    name: 'kms encrypt with a text blob',
    argv: () => ['aws', 'kms', 'encrypt', '--key-id', 'alias/vault', '--plaintext', 'hello vault', '--query', 'CiphertextBlob', '--output', 'text'],
    keep: (stdout) => writeFileSync(join(dir, 'cipher.bin'), Buffer.from(stdout.trim(), 'base64')),
  },
  {
    name: 'iam create-role with file:// policy and shorthand tags',
    argv: () => ['aws', 'iam', 'create-role', '--role-name', 'ours-role', '--assume-role-policy-document', 'file://trust.json', '--description', 'from a file', '--max-session-duration', '7200', '--tags', 'Key=team,Value=platform', 'Key=tier,Value=gold'],
  },
  {
    name: 'iam create-policy from file://',
    argv: () => ['aws', 'iam', 'create-policy', '--policy-name', 'ours-policy', '--policy-document', 'file://policy.json', '--query', 'Policy.Arn', '--output', 'text'],
    keep: (stdout) => (ids.ourPolicy = stdout.trim()),
  },
  {
    name: 'iam create-open-id-connect-provider with scalar lists',
    argv: () => ['aws', 'iam', 'create-open-id-connect-provider', '--url', 'https://oidc.example.com/id/ABC', '--client-id-list', 'sts.amazonaws.com', '--thumbprint-list', '9e99a48a9960b14926bb7f3b02e22da2b0ab7280', '--query', 'OpenIDConnectProviderArn', '--output', 'text'],
    keep: (stdout) => (ids.oidc = stdout.trim()),
  },
  {
    name: 'eks create-cluster with structure and map shorthand, renamed --kubernetes-version',
    argv: () => ['aws', 'eks', 'create-cluster', '--name', 'ours-cluster', '--role-arn', ids.roleArn, '--resources-vpc-config', 'subnetIds=subnet-a,subnet-b,securityGroupIds=sg-1,endpointPublicAccess=true', '--kubernetes-version', '1.29', '--tags', 'team=platform'],
  },
  {
    name: 'route53 change-resource-record-sets from file://',
    argv: () => ['aws', 'route53', 'change-resource-record-sets', '--hosted-zone-id', ids.zone, '--change-batch', 'file://batch.json', '--query', 'ChangeInfo.Status', '--output', 'text'],
  },
  {
    name: 'route53 change-resource-record-sets with inline JSON',
    argv: () => ['aws', 'route53', 'change-resource-record-sets', '--hosted-zone-id', ids.zone, '--change-batch', '{"Changes":[{"Action":"CREATE","ResourceRecordSet":{"Name":"txt.example.com","Type":"TXT","TTL":120,"ResourceRecords":[{"Value":"\\"v=spf1 -all\\""}]}}]}'],
  },
  {
    name: 's3api put-bucket-tagging with nested shorthand',
    argv: () => ['aws', 's3api', 'put-bucket-tagging', '--bucket', 'runbook-bucket', '--tagging', 'TagSet=[{Key=env,Value=dev},{Key=team,Value=ops}]'],
  },
  {
    name: 's3api put-object with a streaming --body path and map shorthand',
    argv: () => ['aws', 's3api', 'put-object', '--bucket', 'runbook-bucket', '--key', 'uploaded.txt', '--body', 'body.txt', '--content-type', 'text/plain', '--metadata', 'origin=runbook,step=7'],
  },
  {
    name: 'secretsmanager create-secret from file://',
    argv: () => ['aws', 'secretsmanager', 'create-secret', '--name', 'ours-secret', '--secret-string', 'file://secret.json', '--tags', 'Key=a,Value=b'],
  },
  {
    name: 'iam list-roles --max-items 1 for a resume token',
    // (With --output text the CLI prints the query per page: `None`, then the token.)
    argv: () => ['aws', 'iam', 'list-roles', '--max-items', '1', '--query', 'NextToken'],
    keep: (stdout) => (ids.token = JSON.parse(stdout) as string),
  },
  {
    name: 'ssm put-parameter with tags',
    argv: () => ['aws', 'ssm', 'put-parameter', '--name', '/app/ours', '--value', 'v1', '--type', 'String', '--tags', 'Key=a,Value=b'],
  },
];

/** Read commands run by both; earlier groups run before later ones (reads that touch state come last). */
const comparisons: Array<Array<{ argv: () => string[] }>> = [
  [
    ['aws', 'sts', 'get-caller-identity'],
    ['aws', 'sts', 'get-caller-identity', '--query', 'Account', '--output', 'text'],
    ['aws', 'sts', 'get-caller-identity', '--output', 'text'],
    ['aws', 'sts', 'get-caller-identity', '--output', 'table'],
    ['aws', 'sts', 'get-caller-identity', '--query', '{account: Account, who: Arn}'],
    ['aws', 'kms', 'describe-key', '--key-id', 'alias/vault'],
    ['aws', 'kms', 'describe-key', '--key-id', 'alias/vault', '--query', 'KeyMetadata.Arn', '--output', 'text'],
    ['aws', 'kms', 'describe-key', '--key-id', 'alias/vault', '--output', 'text'],
    ['aws', 'kms', 'list-aliases'],
    ['aws', 'kms', 'list-aliases', '--query', "Aliases[?AliasName=='alias/vault'].TargetKeyId", '--output', 'text'],
    ['aws', 'kms', 'list-keys', '--output', 'text'],
    ['aws', 'kms', 'list-keys', '--max-items', '1'],
    () => ['aws', 'kms', 'get-key-policy', '--key-id', ids.key, '--policy-name', 'default', '--query', 'Policy', '--output', 'text'],
    () => ['aws', 'kms', 'list-resource-tags', '--key-id', ids.key],
    () => ['aws', 'kms', 'describe-key', '--key-id', ids.ourKey],
    () => ['aws', 'kms', 'list-resource-tags', '--key-id', ids.ourKey, '--output', 'text'],
    () => ['aws', 'kms', 'get-key-rotation-status', '--key-id', ids.ourKey],
    ['aws', 'kms', 'decrypt', '--ciphertext-blob', 'fileb://cipher.bin'],
    ['aws', 'kms', 'decrypt', '--ciphertext-blob', 'fileb://cipher.bin', '--query', 'Plaintext', '--output', 'text'],
    ['aws', 'iam', 'get-role', '--role-name', 'vault-role'],
    ['aws', 'iam', 'get-role', '--role-name', 'vault-role', '--query', 'Role.AssumeRolePolicyDocument'],
    ['aws', 'iam', 'get-role', '--role-name', 'vault-role', '--output', 'text'],
    ['aws', 'iam', 'list-roles', '--query', 'Roles[].RoleName', '--output', 'text'],
    ['aws', 'iam', 'list-roles', '--no-paginate', '--output', 'text'],
    ['aws', 'iam', 'list-roles', '--path-prefix', '/app/'],
    ['aws', 'iam', 'list-roles', '--query', 'length(Roles)'],
    ['aws', 'iam', 'list-roles', '--query', 'sort_by(Roles, &RoleName)[].{name: RoleName, made: CreateDate}', '--output', 'table'],
    ['aws', 'iam', 'list-roles', '--page-size', '1', '--query', 'Roles[].RoleName', '--output', 'text'],
    ['aws', 'iam', 'list-roles', '--max-items', '1', '--query', 'NextToken', '--output', 'text'],
    ['aws', 'iam', 'list-roles', '--page-size', '1', '--max-items', '2', '--query', '[Roles[].RoleName, NextToken]'],
    () => ['aws', 'iam', 'list-roles', '--max-items', '1', '--starting-token', ids.token, '--query', 'Roles[].Arn'],
    ['aws', 'iam', 'list-attached-role-policies', '--role-name', 'vault-role'],
    ['aws', 'iam', 'list-policies', '--scope', 'Local', '--query', 'Policies[].[PolicyName,DefaultVersionId,AttachmentCount]', '--output', 'text'],
    () => ['aws', 'iam', 'get-policy-version', '--policy-arn', ids.policyArn, '--version-id', 'v1'],
    ['aws', 'iam', 'get-user', '--user-name', 'alice', '--output', 'table'],
    ['aws', 'iam', 'get-role', '--role-name', 'ours-role'],
    ['aws', 'iam', 'list-role-tags', '--role-name', 'ours-role', '--output', 'text'],
    () => ['aws', 'iam', 'get-policy-version', '--policy-arn', ids.ourPolicy, '--version-id', 'v1', '--query', 'PolicyVersion.Document'],
    () => ['aws', 'iam', 'get-open-id-connect-provider', '--open-id-connect-provider-arn', ids.oidc],
    ['aws', 'iam', 'list-open-id-connect-providers', '--output', 'text'],
    ['aws', 'eks', 'describe-cluster', '--name', 'demo'],
    ['aws', 'eks', 'describe-cluster', '--name', 'demo', '--query', 'cluster.identity.oidc.issuer', '--output', 'text'],
    ['aws', 'eks', 'list-clusters'],
    ['aws', 'eks', 'describe-cluster', '--name', 'ours-cluster'],
    ['aws', 'eks', 'describe-cluster', '--name', 'ours-cluster', '--output', 'text'],
    ['aws', 'route53', 'list-hosted-zones'],
    () => ['aws', 'route53', 'get-hosted-zone', '--id', ids.zone],
    () => ['aws', 'route53', 'list-resource-record-sets', '--hosted-zone-id', ids.zone],
    () => ['aws', 'route53', 'list-resource-record-sets', '--hosted-zone-id', ids.zone, '--query', "ResourceRecordSets[?Type=='A'].Name", '--output', 'text'],
    () => ['aws', 'route53', 'list-resource-record-sets', '--hosted-zone-id', ids.zone, '--output', 'text'],
    () => ['aws', 'route53', 'list-resource-record-sets', '--hosted-zone-id', ids.zone, '--page-size', '1', '--max-items', '3'],
    ['aws', 's3api', 'list-buckets', '--query', 'Buckets[].Name', '--output', 'text'],
    ['aws', 's3api', 'list-objects-v2', '--bucket', 'runbook-bucket'],
    ['aws', 's3api', 'list-objects-v2', '--bucket', 'runbook-bucket', '--output', 'text'],
    ['aws', 's3api', 'list-objects', '--bucket', 'runbook-bucket', '--prefix', 'dir/', '--no-paginate'],
    ['aws', 's3api', 'list-objects', '--bucket', 'runbook-bucket', '--page-size', '1', '--query', 'Contents[].Key'],
    ['aws', 's3api', 'list-objects-v2', '--bucket', 'runbook-bucket', '--page-size', '1', '--output', 'text'],
    ['aws', 's3api', 'head-object', '--bucket', 'runbook-bucket', '--key', 'a.txt'],
    ['aws', 's3api', 'head-object', '--bucket', 'runbook-bucket', '--key', 'uploaded.txt'],
    ['aws', 's3api', 'get-bucket-tagging', '--bucket', 'runbook-bucket'],
    ['aws', 's3api', 'get-bucket-location', '--bucket', 'runbook-bucket'],
    ['aws', 'secretsmanager', 'describe-secret', '--secret-id', 'db-pass'],
    ['aws', 'secretsmanager', 'describe-secret', '--secret-id', 'ours-secret'],
    ['aws', 'secretsmanager', 'list-secrets', '--query', 'SecretList[].Name', '--output', 'text'],
    ['aws', 'ssm', 'get-parameter', '--name', '/app/db/host'],
    ['aws', 'ssm', 'get-parameter', '--name', '/app/db/pass', '--with-decryption', '--query', 'Parameter.Value', '--output', 'text'],
    ['aws', 'ssm', 'get-parameters-by-path', '--path', '/app', '--recursive'],
    ['aws', 'ssm', 'get-parameters', '--names', '/app/db/host', '/app/list', '--output', 'text'],
    ['aws', 'ssm', 'describe-parameters', '--query', 'Parameters[].Name'],
    ['aws', 'ssm', 'get-parameter', '--name', '/app/ours'],
    ['aws', 'ssm', 'list-tags-for-resource', '--resource-type', 'Parameter', '--resource-id', '/app/ours', '--output', 'table'],
  ].map((c) => ({ argv: typeof c === 'function' ? c : () => c })),
  [
    ['aws', 'secretsmanager', 'get-secret-value', '--secret-id', 'ours-secret', '--query', 'SecretString', '--output', 'text'],
    ['aws', 'secretsmanager', 'get-secret-value', '--secret-id', 'db-pass'],
  ].map((c) => ({ argv: () => c })),
];

const createOutcomes = new Map<string, { stdout: string; error?: string }>();
const label = (argv: string[]) => argv.slice(1).join(' ');
const allComparisons = comparisons.flat().map((c) => ({ ...c, name: label(c.argv()) }));
const outcomes = new Map<string, Outcome>();
let objectFiles: { cli: Outcome; cliFile: string; oursFile: string } | undefined;

beforeAll(async () => {
  moto = await startMoto();
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  Object.assign(process.env, motoEnv(moto.endpoint));
  dir = mkdtempSync(join(tmpdir(), 'runbook-aws-diff-'));
  await setup();
  for (const c of creates) {
    const result = await runOurs(c.argv());
    createOutcomes.set(c.name, result);
    if (!result.error) c.keep?.(result.stdout);
  }
  cli = new AwsCli(dir);
  for (const group of comparisons) {
    const argvs = group.map((c) => c.argv());
    // The CLI runs in its own process: queue all of its commands, run ours meanwhile.
    const cliRuns = Promise.all(argvs.map((argv) => runCli(argv)));
    const ours: Array<{ stdout: string; error?: string }> = [];
    for (const argv of argvs) ours.push(await runOurs(argv));
    const cliResults = await cliRuns;
    group.forEach((c, i) => {
      const name = allComparisons.find((a) => a.argv === c.argv)!.name;
      outcomes.set(name, { cli: cliResults[i].stdout, cliError: cliResults[i].error, ours: ours[i].stdout, oursError: ours[i].error });
    });
  }
  // Streaming output: each writes its own file; stdout and the file contents must agree.
  const [cliGet, oursGet] = await Promise.all([
    runCli(['aws', 's3api', 'get-object', '--bucket', 'runbook-bucket', '--key', 'a.txt', 'out-cli.txt']),
    runOurs(['aws', 's3api', 'get-object', '--bucket', 'runbook-bucket', '--key', 'a.txt', 'out-ours.txt']),
  ]);
  objectFiles = {
    cli: { cli: cliGet.stdout, cliError: cliGet.error, ours: oursGet.stdout, oursError: oursGet.error },
    cliFile: join(dir, 'out-cli.txt'),
    oursFile: join(dir, 'out-ours.txt'),
  };
}, 120_000);

afterAll(async () => {
  closeAwsClients();
  await cli?.stop();
  await moto?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

describe('creates through translate → send (checked by the reads below)', () => {
  it.each(creates.map((c) => [c.name]))('%s', (name) => {
    const result = createOutcomes.get(name);
    expect(result?.error).toBeUndefined();
  });
});

describe('stdout is byte-for-byte the aws CLI v1 stdout', () => {
  it('covers at least 45 commands across the 8 services', () => {
    const services = new Set(allComparisons.map((c) => c.argv()[1]));
    expect(allComparisons.length).toBeGreaterThanOrEqual(45);
    expect(services.size).toBe(8);
  });
  it.each(allComparisons.map((c) => [c.name]))('aws %s', (name) => {
    const outcome = outcomes.get(name);
    expect(outcome, name).toBeDefined();
    expect(outcome!.cliError, `aws CLI failed: ${name}`).toBeUndefined();
    expect(outcome!.oursError, name).toBeUndefined();
    expect(outcome!.ours, name).toBe(outcome!.cli);
    if (process.env.DUMP_AWS_DIFF) console.log(`$ aws ${name}\n${outcome!.ours}`);
  });
  it.skipIf(process.env.RUNBOOK_AWS_CLI === 'subprocess')('the in-process CLI driver prints what the `aws` executable prints', async () => {
    const argv = ['aws', 'iam', 'get-role', '--role-name', 'vault-role', '--output', 'table'];
    const [driver, executable] = await Promise.all([cli.run(argv), cli.subprocess(argv)]);
    expect(driver.code).toBe(0);
    expect(driver.stdout).toBe(executable.stdout);
  });
  it('s3api get-object writes the same file and prints the same metadata', () => {
    expect(objectFiles?.cli.cliError).toBeUndefined();
    expect(objectFiles?.cli.oursError).toBeUndefined();
    expect(objectFiles!.cli.ours).toBe(objectFiles!.cli.cli);
    expect(readFileSync(objectFiles!.oursFile, 'utf8')).toBe(readFileSync(objectFiles!.cliFile, 'utf8'));
  });
});

describe('test/support/moto.ts', () => {
  it('reset clears every service', async () => {
    await moto.reset();
    const argv = ['aws', 'iam', 'list-roles', '--query', 'Roles[].RoleName', '--output', 'text'];
    const ours = await runOurs(argv);
    // An empty list prints nothing in text output.
    expect(ours).toEqual({ stdout: '' });
    expect((await runCli(argv)).stdout).toBe('');
  });
});
