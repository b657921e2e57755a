/**
 * Adoption through the engine's one send path against moto: what exists is found, drift is
 * converged (trust policy, policy document, alias target, secret value), nothing is duplicated.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** The default client set's creates: a second run of the same command finds what the first made. */
describe('AWS adoption: the default client set', () => {
  /** Runs `argv` twice; the second is adopted (or updated) and prints what the first printed. */
  async function twice(argv: string[], outcome: 'adopted' | 'updated' = 'adopted') {
    const first = await send(argv);
    expect(first.outcome, argv.join(' ')).toBe('created');
    const again = await send(argv);
    expect(again.outcome, argv.join(' ')).toBe(outcome);
    expect(again.text, argv.join(' ')).toBe(first.text);
    return { first, again };
  }
  const count = async (query: string, ...argv: string[]) => JSON.parse((await send([...argv, '--query', query])).text) as number;
  let vpc: string;
  let subnets: string[];
  let roleArn: string;

  beforeAll(async () => {
    vpc = (await read('ec2', 'create-vpc', '--cidr-block', '10.7.0.0/16')).Vpc.VpcId;
    subnets = [];
    for (const cidr of ['10.7.1.0/24', '10.7.2.0/24']) subnets.push((await read('ec2', 'create-subnet', '--vpc-id', vpc, '--cidr-block', cidr)).Subnet.SubnetId);
    roleArn = (await read('iam', 'create-role', '--role-name', 'lambda-adopt', '--assume-role-policy-document', '{"Version":"2012-10-17","Statement":[]}')).Role.Arn;
  });

  it('ECR repositories, with the create\'s timestamps as the CLI prints them', async () => {
    const { again } = await twice(['ecr', 'create-repository', '--repository-name', 'adopt/app', '--query', 'repository.[repositoryArn,repositoryUri,createdAt]']);
    expect(again.adopted[0]!.detail).toBe('repository adopt/app exists');
    expect(again.text).toMatch(/^\[\n {4}"arn:aws:ecr:[^"]+",\n {4}"[^"]+",\n {4}\d+\.\d+\n\]\n$/);
  });

  it('CloudWatch log groups (the create prints nothing)', async () => {
    await twice(['logs', 'create-log-group', '--log-group-name', '/adopt/app']);
    await twice(['logs', 'create-log-group', '--log-group-name', '/adopt']);
    expect(await count('length(logGroups)', 'logs', 'describe-log-groups', '--log-group-name-prefix', '/adopt')).toBe(2);
  });

  it('DynamoDB tables', async () => {
    const create = ['dynamodb', 'create-table', '--table-name', 'adopt', '--attribute-definitions', 'AttributeName=id,AttributeType=S', '--key-schema', 'AttributeName=id,KeyType=HASH', '--billing-mode', 'PAY_PER_REQUEST'];
    await twice([...create, '--query', 'TableDescription.[TableArn,KeySchema]', '--output', 'text']);
  });

  it('SQS queues: the same attributes are idempotent; others are set on the existing queue', async () => {
    const create = ['sqs', 'create-queue', '--queue-name', 'adopt', '--query', 'QueueUrl', '--output', 'text'];
    const first = await send(create);
    const same = await send(create);
    expect(same).toMatchObject({ outcome: 'created', text: first.text });
    const changed = await send([...create, '--attributes', 'VisibilityTimeout=90']);
    expect(changed).toMatchObject({ outcome: 'updated', text: first.text });
    const attrs = await read('sqs', 'get-queue-attributes', '--queue-url', first.text.trim(), '--attribute-names', 'VisibilityTimeout');
    expect(attrs.Attributes.VisibilityTimeout).toBe('90');
  });

  it('SNS topics are idempotent', async () => {
    const create = ['sns', 'create-topic', '--name', 'adopt', '--query', 'TopicArn', '--output', 'text'];
    const first = await send(create);
    expect(await send(create)).toMatchObject({ text: first.text });
    expect(await count("length(Topics[?ends_with(TopicArn, ':adopt')])", 'sns', 'list-topics')).toBe(1);
  });

  it('EFS file systems, by creation token or by Name tag', async () => {
    await twice(['efs', 'create-file-system', '--creation-token', 'adopt-token', '--query', '[FileSystemId,CreationToken,CreationTime]']);
    await twice(['efs', 'create-file-system', '--tags', 'Key=Name,Value=adopt-named', '--query', 'FileSystemId', '--output', 'text']);
    expect(await count('length(FileSystems)', 'efs', 'describe-file-systems')).toBe(2);
  });

  it('ELB load balancers (v2 and classic) and target groups', async () => {
    await twice(['elbv2', 'create-load-balancer', '--name', 'adopt-lb', '--subnets', ...subnets, '--query', 'LoadBalancers[0].[LoadBalancerArn,CreatedTime]', '--output', 'text']);
    expect(await count('length(LoadBalancers)', 'elbv2', 'describe-load-balancers')).toBe(1);
    await twice(['elbv2', 'create-target-group', '--name', 'adopt-tg', '--protocol', 'HTTP', '--port', '80', '--vpc-id', vpc, '--query', 'TargetGroups[0].[TargetGroupArn,Port]', '--output', 'text']);
    const classic = ['elb', 'create-load-balancer', '--load-balancer-name', 'adopt-clb', '--subnets', ...subnets, '--query', 'DNSName', '--output', 'text'];
    const first = await send([...classic, '--listeners', 'Protocol=HTTP,LoadBalancerPort=80,InstancePort=80']);
    // Other listeners than the existing one: DuplicateLoadBalancerName, then adopted.
    const again = await send([...classic, '--listeners', 'Protocol=HTTP,LoadBalancerPort=80,InstancePort=8080']);
    expect(again).toMatchObject({ outcome: 'adopted', text: first.text });
  });

  it('CloudFormation stacks', async () => {
    const { again } = await twice(['cloudformation', 'create-stack', '--stack-name', 'adopt', '--template-body', '{"Resources":{"T":{"Type":"AWS::SNS::Topic"}}}', '--query', 'StackId', '--output', 'text']);
    expect(again.adopted[0]!.detail).toMatch(/^stack adopt exists \(CREATE_COMPLETE\)$/);
  });

  it('Cloud Map namespaces (the operation that created them) and services', async () => {
    const { first } = await twice(['servicediscovery', 'create-http-namespace', '--name', 'adopt-http', '--query', 'OperationId', '--output', 'text']);
    const target = await read('servicediscovery', 'get-operation', '--operation-id', first.text.trim());
    expect(target.Operation.Targets.NAMESPACE).toMatch(/^ns-/);
    await twice(['servicediscovery', 'create-private-dns-namespace', '--name', 'adopt.local', '--vpc', vpc, '--query', 'OperationId', '--output', 'text']);
    await twice(['servicediscovery', 'create-service', '--name', 'web', '--namespace-id', target.Operation.Targets.NAMESPACE, '--query', 'Service.[Id,Arn]', '--output', 'text']);
    expect(await count("length(Namespaces[?Name=='adopt-http'])", 'servicediscovery', 'list-namespaces')).toBe(1);
  });

  it('Lambda functions: the configuration, as the create prints it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-adopt-lambda-'));
    try {
      execFileSync('python3', ['-c', "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w'); z.writestr('index.py','def handler(e, c):\\n    return 1\\n'); z.close()", join(dir, 'f.zip')]);
      await twice(['lambda', 'create-function', '--function-name', 'adopt', '--runtime', 'python3.12', '--role', roleArn, '--handler', 'index.handler', '--zip-file', `fileb://${join(dir, 'f.zip')}`, '--query', '[FunctionArn,Runtime,CodeSize]', '--output', 'text']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Auto Scaling groups and launch configurations (looked up first)', async () => {
    await twice(['autoscaling', 'create-launch-configuration', '--launch-configuration-name', 'adopt-lc', '--image-id', 'ami-12c6146b', '--instance-type', 't2.micro']);
    await twice(['autoscaling', 'create-auto-scaling-group', '--auto-scaling-group-name', 'adopt-asg', '--launch-configuration-name', 'adopt-lc', '--min-size', '0', '--max-size', '1', '--vpc-zone-identifier', subnets[0]!]);
  });

  it('EC2: security groups, subnets by CIDR, VPCs and gateways by their tags, launch templates; a key pair cannot be', async () => {
    await twice(['ec2', 'create-security-group', '--group-name', 'adopt', '--description', 'd', '--vpc-id', vpc, '--query', 'GroupId', '--output', 'text']);
    await twice(['ec2', 'create-security-group', '--group-name', 'adopt-default', '--description', 'd', '--query', 'GroupId', '--output', 'text']);
    await twice(['ec2', 'create-subnet', '--vpc-id', vpc, '--cidr-block', '10.7.9.0/24', '--query', 'Subnet.[SubnetId,CidrBlock,AvailabilityZone]', '--output', 'text']);
    const tags = (type: string) => ['--tag-specifications', `ResourceType=${type},Tags=[{Key=Name,Value=adopt}]`];
    await twice(['ec2', 'create-vpc', '--cidr-block', '10.8.0.0/16', ...tags('vpc'), '--query', 'Vpc.[VpcId,CidrBlock]', '--output', 'text']);
    await twice(['ec2', 'create-internet-gateway', ...tags('internet-gateway'), '--query', 'InternetGateway.InternetGatewayId', '--output', 'text']);
    await twice(['ec2', 'create-launch-template', '--launch-template-name', 'adopt', '--launch-template-data', 'ImageId=ami-12c6146b', '--query', 'LaunchTemplate.[LaunchTemplateId,CreateTime]', '--output', 'text']);
    // Without tags a VPC has no identity: each create makes another, as the CLI's would.
    expect((await send(['ec2', 'create-vpc', '--cidr-block', '10.9.0.0/16'])).outcome).toBe('created');
    expect((await send(['ec2', 'create-vpc', '--cidr-block', '10.9.0.0/16'])).outcome).toBe('created');
    // The private key is printed only when the pair is made: the CLI's refusal stands.
    await send(['ec2', 'create-key-pair', '--key-name', 'adopt']);
    const error = await send(['ec2', 'create-key-pair', '--key-name', 'adopt']).catch((e: unknown) => e);
    expect(translator.failure!(error, []).stderr).toMatch(/InvalidKeyPair\.Duplicate/);
  });

  it('ACM certificates for the same names, and the organization', async () => {
    await twice(['acm', 'request-certificate', '--domain-name', 'adopt.example.com', '--validation-method', 'DNS', '--query', 'CertificateArn', '--output', 'text']);
    const other = await send(['acm', 'request-certificate', '--domain-name', 'adopt.example.com', '--subject-alternative-names', 'www.adopt.example.com', '--validation-method', 'DNS']);
    expect(other.outcome).toBe('created');
    await twice(['organizations', 'create-organization', '--feature-set', 'ALL', '--query', 'Organization.[Id,FeatureSet]', '--output', 'text']);
  });
});
