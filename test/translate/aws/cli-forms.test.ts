/**
 * Which command lines the aws CLI v1 accepts and which it refuses, and how: each form runs through the
 * real CLI and through the translator against one moto server, and their exit status, stdout and
 * stderr must agree. The forms are the argparse rules the CLI inherits (abbreviations, `--opt=value`,
 * a value after other options, repeated options, lists, `--`), its customizations (`--cli-input-json`,
 * pagination) and its client-side errors (paramfiles, JSON, scalar conversion, parameter validation).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreatePolicyCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAwsClients } from '../../../src/translate/aws/index.js';
import { motoEnv, startMoto, type Moto } from '../../support/moto.js';
import { AwsCli, type CliRun } from './aws-cli.js';
import { errorLine, runOurs, type Outcome } from './run-ours.js';

/** `exact`: stderr byte for byte; `line`: the `aws: error:` line (the rest lists the SDK's operations, not botocore's). */
type Compare = 'exact' | 'line' | 'status';

interface Form {
  argv: string[];
  /** The CLI's exit status, pinned so a changed CLI shows up as a failure here. */
  code: number;
  compare?: Compare;
  why: string;
}

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
let policyArn = '';
const arn = () => policyArn;

const accepted: Array<Omit<Form, 'argv'> & { argv: () => string[] }> = [
  { why: 'a unique prefix of a global option', code: 0, argv: () => ['aws', 'iam', 'get-role', '--role-name', 'vault-role', '--query', 'Role.RoleName', '--out', 'text'] },
  { why: 'a unique prefix of an operation option', code: 0, argv: () => ['aws', 'iam', 'get-role', '--role-nam', 'vault-role', '--query', 'Role.RoleName', '--output', 'text'] },
  { why: 'a shorter unique prefix', code: 0, argv: () => ['aws', 'iam', 'get-role', '--role', 'vault-role', '--query', 'Role.Arn'] },
  { why: 'a global prefix before the service', code: 0, argv: () => ['aws', '--reg', 'us-east-1', 'iam', 'get-role', '--role-name', 'vault-role', '--query', 'Role.RoleName'] },
  { why: '--query abbreviated', code: 0, argv: () => ['aws', 'sts', 'get-caller-identity', '--qu', 'Account'] },
  { why: '--opt=value', code: 0, argv: () => ['aws', 'iam', 'get-role', '--role-name=vault-role', '--query', 'Role.Path'] },
  { why: '--prefix=value', code: 0, argv: () => ['aws', 'iam', 'get-role', '--role-n=vault-role', '--query=Role.RoleName', '--output=text'] },
  { why: 'a repeated option: the last one wins', code: 0, argv: () => ['aws', 'iam', 'get-role', '--role-name', 'nobody', '--role-name', 'vault-role', '--query', 'Role.RoleName'] },
  { why: 'a global option between the service and the operation', code: 0, argv: () => ['aws', 'sts', '--output', 'text', 'get-caller-identity', '--query', 'Account'] },
  { why: 'a global --opt=value first', code: 0, argv: () => ['aws', '--output=text', 'sts', 'get-caller-identity'] },
  {
    why: 'a value after a global option: the main parser takes --query Q, the ARN is left to --policy-arn',
    code: 0,
    argv: () => ['aws', 'iam', 'attach-role-policy', '--role-name', 'vault-role', '--policy-arn', '--query', 'Q', arn()],
  },
  { why: 'a value after --output and before another option', code: 0, argv: () => ['aws', 'iam', 'attach-role-policy', '--policy-arn', '--output', 'text', arn(), '--role-name', 'vault-role'] },
  { why: 'the attachment those made', code: 0, argv: () => ['aws', 'iam', 'list-attached-role-policies', '--role-name', 'vault-role', '--query', 'AttachedPolicies[].PolicyName', '--output', 'text'] },
  { why: '`--` taken by the operation word, options after it still parsed', code: 0, argv: () => ['aws', 'kms', 'list-keys', '--query', 'length(Keys)', '--', '--limit', '1'] },
  { why: '`--` at the end', code: 0, argv: () => ['aws', 'sts', 'get-caller-identity', '--query', 'Account', '--'] },
  { why: 'a value with a space is never an option', code: 255, argv: () => ['aws', 'iam', 'get-role', '--role-name', '-x y'] },
  { why: 'a negative number is never an option', code: 255, argv: () => ['aws', 'iam', 'get-role', '--role-name', '-5'] },
  { why: 'a list of scalars, one per word', code: 0, argv: () => ['aws', 'ssm', 'get-parameters', '--names', '/app/a', '/app/b', '--query', 'Parameters[].Name', '--output', 'text'] },
  { why: 'a list of scalars as JSON', code: 0, argv: () => ['aws', 'ssm', 'get-parameters', '--names', '["/app/b"]', '--query', 'Parameters[].Value', '--output', 'text'] },
  { why: 'an empty list', code: 0, argv: () => ['aws', 'kms', 'create-key', '--tags', '--description', 'from an empty list', '--query', 'KeyMetadata.Description'] },
  { why: '--flag then --no-flag: the last wins', code: 0, argv: () => ['aws', 'ssm', 'get-parameter', '--name', '/app/secret', '--with-decryption', '--no-with-decryption', '--query', 'Parameter.Value', '--output', 'text'] },
  { why: 'a boolean flag abbreviated', code: 0, argv: () => ['aws', 'ssm', 'get-parameter', '--name', '/app/secret', '--with', '--query', 'Parameter.Value', '--output', 'text'] },
  { why: 'a list of structures as shorthand words', code: 0, argv: () => ['aws', 'iam', 'tag-role', '--role-name', 'vault-role', '--tags', 'Key=a,Value=b', 'Key=c,Value=d'] },
  { why: 'a list of structures as JSON', code: 0, argv: () => ['aws', 'iam', 'tag-role', '--role-name', 'vault-role', '--tags', '[{"Key": "e", "Value": "f"}]'] },
  { why: 'the tags those wrote', code: 0, argv: () => ['aws', 'iam', 'list-role-tags', '--role-name', 'vault-role', '--output', 'text'] },
  { why: 'NaN and Infinity are Python JSON', code: 255, argv: () => ['aws', 'kms', 'create-key', '--tags', '[{"TagKey": "n", "TagValue": NaN}]'] },
  { why: '--no-paginate gives --max-items back to IAM', code: 0, argv: () => ['aws', 'iam', 'list-roles', '--no-paginate', '--max-items', '1', '--query', 'length(Roles)'] },
  { why: '--cli-input-json fills what the flags leave', code: 0, argv: () => ['aws', 'iam', 'get-role', '--cli-input-json', '{"RoleName": "vault-role"}', '--query', 'Role.RoleName'] },
  { why: 'a flag wins over --cli-input-json', code: 0, argv: () => ['aws', 'iam', 'get-role', '--role-name', 'vault-role', '--cli-input-json', '{"RoleName": "nobody"}', '--query', 'Role.RoleName'] },
  { why: 'a file:// value', code: 0, argv: () => ['aws', 'iam', 'get-role', '--role-name', 'file://role-name.txt', '--query', 'Role.RoleName'] },
];

const refused: Form[] = [
  { why: 'an option without its value', code: 2, compare: 'exact', argv: ['aws', 'iam', 'get-role', '--role-name'] },
  { why: 'an option without its value before another option', code: 2, compare: 'exact', argv: ['aws', 'iam', 'attach-role-policy', '--role-name', 'r', '--policy-arn', '--role-name', 'r', 'arn:aws:iam::aws:policy/X'] },
  { why: 'an operation value that looks like an option', code: 2, compare: 'exact', argv: ['aws', 'iam', 'get-role', '--role-name', '-x'] },
  { why: 'an ambiguous prefix, refused by the main parser', code: 2, compare: 'exact', argv: ['aws', 'iam', 'get-role', '--no', 'x'] },
  { why: 'an ambiguous operation prefix', code: 2, compare: 'exact', argv: ['aws', 'iam', 'list-roles', '--ma', '1'] },
  { why: '--p is --profile, read before --cli-input-json', code: 255, compare: 'exact', argv: ['aws', 'iam', 'get-role', '--p', 'nosuch', '--role-name', 'r', '--cli-input-json', '{bad'] },
  { why: 'after a leading `--` every word is an argument', code: 255, compare: 'exact', argv: ['aws', '--', 'sts', 'get-caller-identity', '--query', 'Account'] },
  { why: '--r is --region: then --role-name is missing', code: 2, compare: 'exact', argv: ['aws', 'iam', 'get-role', '--r', 'x'] },
  { why: 'a missing required option', code: 2, compare: 'exact', argv: ['aws', 'iam', 'create-role', '--role-name', 'r'] },
  { why: 'a misspelt required option', code: 2, compare: 'exact', argv: ['aws', 'iam', 'get-role', '--role-nmae', 'r'] },
  { why: 'no command', code: 2, compare: 'exact', argv: ['aws'] },
  { why: 'no operation', code: 2, compare: 'exact', argv: ['aws', 'iam'] },
  { why: 'an unknown service: the CLI lists its commands, and a close one', code: 2, compare: 'exact', argv: ['aws', 'kmss', 'list-keys'] },
  { why: 'an unknown service', code: 2, compare: 'exact', argv: ['aws', 'nosuch', 'list'] },
  { why: 'an unknown operation', code: 2, compare: 'line', argv: ['aws', 'iam', 'get-rol', '--role-name', 'x'] },
  { why: 'an option before the operation: its value is taken for the operation', code: 2, compare: 'line', argv: ['aws', 'iam', '--role-name', 'r', 'get-role'] },
  { why: 'a flag given a value', code: 2, compare: 'exact', argv: ['aws', 'sts', 'get-caller-identity', '--debug=1'] },
  { why: 'a boolean operation flag given a value', code: 2, compare: 'exact', argv: ['aws', 'ssm', 'get-parameter', '--name', 'x', '--with-decryption=true'] },
  { why: 'an --output the CLI does not have', code: 2, compare: 'exact', argv: ['aws', 'sts', 'get-caller-identity', '--output', 'yaml'] },
  { why: 'a --color the CLI does not have', code: 2, compare: 'exact', argv: ['aws', 'sts', 'get-caller-identity', '--color', 'rainbow'] },
  { why: '--output without a value', code: 2, compare: 'exact', argv: ['aws', 'sts', 'get-caller-identity', '--output'] },
  { why: 'a --page-size that is not an int', code: 2, compare: 'exact', argv: ['aws', 'kms', 'list-keys', '--page-size', 'x'] },
  { why: '--generate-cli-skeleton with a value it does not know', code: 2, compare: 'exact', argv: ['aws', 'sts', 'get-caller-identity', '--generate-cli-skeleton', 'yaml'] },
  { why: 'streaming output without its outfile', code: 2, compare: 'exact', argv: ['aws', 's3api', 'get-object', '--bucket', 'b', '--key', 'k'] },
  { why: '--cli-input-json=… is not --cli-input-json for the required check', code: 2, compare: 'exact', argv: ['aws', 'iam', 'create-role', '--cli-input-json=file://nope.json'] },
  { why: 'stray words', code: 255, compare: 'exact', argv: ['aws', 'sts', 'get-caller-identity', 'a', 'b'] },
  { why: 'a stray word after a value', code: 255, compare: 'exact', argv: ['aws', 'iam', 'get-role', '--role-name', 'a', 'b'] },
  { why: 'a list option with =value takes one word only', code: 255, compare: 'exact', argv: ['aws', 'ssm', 'get-parameters', '--names=/app/a', '/app/b'] },
  { why: 'an aws CLI v2 option', code: 255, compare: 'exact', argv: ['aws', 'sts', 'get-caller-identity', '--no-cli-pager'] },
  { why: 'an unknown single-dash option', code: 255, compare: 'exact', argv: ['aws', 'sts', 'get-caller-identity', '-x'] },
  { why: 'an unknown --opt=value', code: 255, compare: 'exact', argv: ['aws', 'sts', 'get-caller-identity', '--x=1'] },
  { why: 'options after `--` are words', code: 255, compare: 'exact', argv: ['aws', 'kms', 'list-aliases', '--', '--query', 'X'] },
  { why: 'a missing paramfile', code: 255, compare: 'exact', argv: ['aws', 'iam', 'create-role', '--role-name', 'r', '--assume-role-policy-document', 'file://nope.json'] },
  { why: 'a paramfile that is a directory', code: 255, compare: 'exact', argv: ['aws', 'iam', 'create-role', '--role-name', 'r', '--assume-role-policy-document', 'file://adir'] },
  { why: 'a missing binary paramfile', code: 255, compare: 'exact', argv: ['aws', 'kms', 'encrypt', '--key-id', 'alias/vault', '--plaintext', 'fileb://nope.bin'] },
  { why: 'a missing --cli-input-json file', code: 255, compare: 'exact', argv: ['aws', 'iam', 'create-role', '--cli-input-json', 'file://nope.json'] },
  { why: 'bad --cli-input-json: Python json\'s message', code: 255, compare: 'exact', argv: ['aws', 'iam', 'create-role', '--cli-input-json', '{"RoleName": "x",}'] },
  { why: '--cli-input-json without a required member', code: 255, compare: 'exact', argv: ['aws', 'iam', 'create-role', '--cli-input-json', '{"RoleName": "x"}'] },
  { why: '--cli-input-json with an unknown member', code: 255, compare: 'exact', argv: ['aws', 'iam', 'create-role', '--cli-input-json', '{"RoleName": "x", "Bogus": 1, "AssumeRolePolicyDocument": "{}"}'] },
  { why: 'bad JSON for a structure', code: 255, compare: 'exact', argv: ['aws', 'route53', 'change-resource-record-sets', '--hosted-zone-id', 'Z', '--change-batch', '{"Changes": [}'] },
  { why: 'a structure that is neither JSON nor shorthand', code: 255, compare: 'exact', argv: ['aws', 'eks', 'update-cluster-config', '--name', 'c', '--logging', '[1]'] },
  { why: 'an integer that does not convert', code: 255, compare: 'exact', argv: ['aws', 'iam', 'create-role', '--role-name', 'r', '--assume-role-policy-document', '{}', '--max-session-duration', 'long'] },
  { why: 'a --cli-read-timeout that does not convert', code: 255, compare: 'exact', argv: ['aws', 'sts', 'get-caller-identity', '--cli-read-timeout', 'x'] },
  { why: 'an --endpoint-url without a scheme', code: 255, compare: 'exact', argv: ['aws', 'sts', 'get-caller-identity', '--endpoint-url', '127.0.0.1:1'] },
  { why: 'an --endpoint-url whose scheme is the host', code: 255, compare: 'exact', argv: ['aws', 'sts', 'get-caller-identity', '--endpoint-url', 'localhost:1'] },
  { why: 'a bad endpoint wins over validation (the client is made first)', code: 255, compare: 'exact', argv: ['aws', 'kms', 'create-key', '--tags', 'TagKey=a', '--endpoint-url', 'http://a_b:1'] },
  { why: 'a region botocore refuses', code: 255, compare: 'exact', argv: ['aws', 'kms', 'list-keys', '--region', 'bad region'] },
  { why: '--no-paginate with --page-size', code: 255, compare: 'exact', argv: ['aws', 'iam', 'list-roles', '--no-paginate', '--page-size', '2'] },
  { why: 'a nested required member missing', code: 255, compare: 'exact', argv: ['aws', 'kms', 'create-key', '--tags', 'TagKey=a'] },
  { why: 'an unknown nested key', code: 255, compare: 'exact', argv: ['aws', 'kms', 'create-key', '--tags', 'TagKey=a,TagValue=b,Colour=red'] },
  { why: 'several validation problems, reported together', code: 255, compare: 'exact', argv: ['aws', 'kms', 'create-key', '--tags', 'TagKey=a,,='] },
  { why: 'a JSON value of the wrong type', code: 255, compare: 'exact', argv: ['aws', 'kms', 'create-key', '--tags', '[{"TagKey": "a", "TagValue": 1}]'] },
  { why: 'a name where an ARN belongs: under its minimum length', code: 255, compare: 'exact', argv: ['aws', 'iam', 'attach-role-policy', '--role-name', 'vault-role', '--policy-arn', 'vault-policy'] },
  { why: 'a number under its minimum', code: 255, compare: 'exact', argv: ['aws', 'kms', 'list-keys', '--limit', '0'] },
  { why: 'bad shorthand', code: 255, compare: 'exact', argv: ['aws', 'kms', 'create-key', '--tags', 'TagKey=a,TagValue=[b'] },
  { why: 'a query that does not parse (jmespath\'s own wording differs)', code: 255, compare: 'status', argv: ['aws', 'sts', 'get-caller-identity', '--query', 'Account['] },
];

let moto: Moto;
let dir: string;
let cli: AwsCli;
let env: Record<string, string>;
const savedEnv = { ...process.env };
const results = new Map<string, { cli: CliRun; ours: Outcome }>();
const label = (argv: string[]) => argv.slice(1).join(' ') || '(no arguments)';

beforeAll(async () => {
  moto = await startMoto();
  env = { ...(process.env as Record<string, string>), ...motoEnv(moto.endpoint) };
  delete env.AWS_PROFILE;
  Object.assign(process.env, env);
  dir = mkdtempSync(join(tmpdir(), 'runbook-aws-forms-'));
  mkdirSync(join(dir, 'adir'));
  writeFileSync(join(dir, 'role-name.txt'), 'vault-role');
  const iam = new IAMClient({});
  await iam.send(new CreateRoleCommand({ RoleName: 'vault-role', AssumeRolePolicyDocument: TRUST }));
  policyArn = (await iam.send(new CreatePolicyCommand({ PolicyName: 'vault-policy', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}' }))).Policy!.Arn!;
  const kms = new KMSClient({});
  const key = await kms.send(new CreateKeyCommand({ Description: 'vault' }));
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/vault', TargetKeyId: key.KeyMetadata!.KeyId! }));
  const ssm = new SSMClient({});
  await ssm.send(new PutParameterCommand({ Name: '/app/a', Value: 'alpha', Type: 'String' }));
  await ssm.send(new PutParameterCommand({ Name: '/app/b', Value: 'beta', Type: 'String' }));
  await ssm.send(new PutParameterCommand({ Name: '/app/secret', Value: 's3cret', Type: 'SecureString' }));
  for (const c of [iam, kms, ssm]) c.destroy();
  cli = new AwsCli(dir);
  // Mutating forms run in order, each through the CLI first, then ours: both see the same state.
  for (const form of [...accepted.map((f) => ({ ...f, argv: f.argv() })), ...refused]) {
    const cliRun = await cli.run(form.argv);
    const ours = await runOurs(form.argv, { cwd: dir, env });
    results.set(label(form.argv), { cli: cliRun, ours });
  }
}, 180_000);

afterAll(async () => {
  closeAwsClients();
  await cli?.stop();
  await moto?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

function compare(form: { argv: string[]; code: number; compare?: Compare }): void {
  const name = label(form.argv);
  const { cli: theirs, ours } = results.get(name)!;
  expect(theirs.code, `the aws CLI's status for: aws ${name}\n${theirs.stderr}`).toBe(form.code);
  expect(ours.untranslatable, ours.stderr).toBeUndefined();
  expect(ours.code, `${name}\n${ours.stderr}`).toBe(theirs.code);
  expect(ours.stdout).toBe(theirs.stdout);
  const mode = form.compare ?? 'exact';
  if (mode === 'exact') expect(ours.stderr).toBe(theirs.stderr);
  else if (mode === 'line') expect(errorLine(ours.stderr)).toBe(errorLine(theirs.stderr));
}

describe('forms the aws CLI accepts', () => {
  it.each(accepted.map((f) => [f.why, f] as const))('%s', (_why, form) => compare({ ...form, argv: form.argv() }));
});

describe('forms the aws CLI refuses, with its status and message', () => {
  it.each(refused.map((f) => [f.why, f] as const))('%s', (_why, form) => compare(form));
});
