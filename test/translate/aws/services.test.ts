/**
 * The default client set beyond the first eight services (ec2, ecr, elb, elbv2, efs, cloudformation,
 * logs, acm, servicediscovery, dynamodb, sqs, sns, lambda, autoscaling, organizations), each through
 * the real aws CLI and through the translator against one moto server: what the CLI accepts (reads of
 * what setup made, with --query and each --output, and creates made once by each side under its own
 * name) and what it refuses (usage errors, client-side errors, service errors), with the same exit
 * status, stdout and stderr.
 *
 * SQS commands name `--endpoint-url`: without it the CLI v1 sends SQS calls to queue.amazonaws.com
 * whatever AWS_ENDPOINT_URL says (awscli/customizations/overridesslcommonname.py); the translator
 * honours AWS_ENDPOINT_URL, as the SDK and aws CLI v2 do.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAwsClients } from '../../../src/translate/aws/index.js';
import { motoEnv, startMoto, type Moto } from '../../support/moto.js';
import { AwsCli, type CliRun } from './aws-cli.js';
import { errorLine, runOurs, type Outcome } from './run-ours.js';

type Compare = 'exact' | 'line' | 'status';

interface Form {
  service: string;
  why: string;
  /** The CLI's exit status, pinned. */
  code: number;
  compare?: Compare;
  argv: () => string[];
  /** A create: each side runs it with its own name (`{}` in argv becomes `cli` or `ours`). */
  each?: boolean;
  /** Masks what the server makes anew on every request (moto's EFS size timestamp is `now`). */
  mask?: RegExp;
}

let moto: Moto;
let dir: string;
let cli: AwsCli;
let env: Record<string, string>;
const savedEnv = { ...process.env };
const ids: Record<string, string> = {};
const sqs = () => ['--endpoint-url', moto.endpoint];

const TEMPLATE = JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'from-stack' } } }, Outputs: { Arn: { Value: { Ref: 'Topic' } } } });

const forms: Form[] = [
  // ec2
  { service: 'ec2', why: 'describe a VPC', code: 0, argv: () => ['aws', 'ec2', 'describe-vpcs', '--vpc-ids', ids.vpc!] },
  { service: 'ec2', why: 'VPCs by tag, as text', code: 0, argv: () => ['aws', 'ec2', 'describe-vpcs', '--filters', 'Name=tag:Name,Values=diff', '--query', 'Vpcs[].[VpcId,CidrBlock,State]', '--output', 'text'] },
  { service: 'ec2', why: 'a security group as a table', code: 0, argv: () => ['aws', 'ec2', 'describe-security-groups', '--group-ids', ids.sg!, '--output', 'table'] },
  { service: 'ec2', why: 'subnets with a JSON filter', code: 0, argv: () => ['aws', 'ec2', 'describe-subnets', '--filters', `[{"Name":"vpc-id","Values":["${ids.vpc}"]}]`, '--query', 'sort_by(Subnets, &CidrBlock)[].{id: SubnetId, cidr: CidrBlock, az: AvailabilityZone}'] },
  { service: 'ec2', why: 'an instance', code: 0, argv: () => ['aws', 'ec2', 'describe-instances', '--instance-ids', ids.instance!, '--query', 'Reservations[].Instances[].[InstanceId,InstanceType,State.Name,Placement.AvailabilityZone]', '--output', 'text'] },
  { service: 'ec2', why: 'a create, each with its own tag', code: 0, each: true, argv: () => ['aws', 'ec2', 'create-security-group', '--group-name', 'diff-{}', '--description', 'made by both', '--vpc-id', ids.vpc!, '--query', 'length(GroupId)'] },
  { service: 'ec2', why: 'an unknown VPC', code: 255, argv: () => ['aws', 'ec2', 'describe-vpcs', '--vpc-ids', 'vpc-00000000000000000'] },
  { service: 'ec2', why: 'a missing required option', code: 2, argv: () => ['aws', 'ec2', 'create-security-group', '--group-name', 'x'] },
  { service: 'ec2', why: 'a filter that is neither shorthand nor JSON', code: 255, argv: () => ['aws', 'ec2', 'describe-vpcs', '--filters', 'Name'] },
  // ecr
  { service: 'ecr', why: 'describe a repository', code: 0, argv: () => ['aws', 'ecr', 'describe-repositories', '--repository-names', 'diff/app'] },
  { service: 'ecr', why: 'its URI as text', code: 0, argv: () => ['aws', 'ecr', 'describe-repositories', '--query', 'repositories[].repositoryUri', '--output', 'text'] },
  { service: 'ecr', why: 'a create with scanning, each its own', code: 0, each: true, argv: () => ['aws', 'ecr', 'create-repository', '--repository-name', 'diff/{}', '--image-scanning-configuration', 'scanOnPush=true', '--query', 'repository.imageScanningConfiguration', '--output', 'table'] },
  { service: 'ecr', why: 'an unknown repository', code: 255, argv: () => ['aws', 'ecr', 'describe-repositories', '--repository-names', 'nope'] },
  { service: 'ecr', why: 'no repository name', code: 2, argv: () => ['aws', 'ecr', 'create-repository'] },
  // elb (classic)
  { service: 'elb', why: 'describe a classic load balancer', code: 0, argv: () => ['aws', 'elb', 'describe-load-balancers', '--load-balancer-names', 'diff-clb', '--query', 'LoadBalancerDescriptions[].[LoadBalancerName,DNSName,Scheme]', '--output', 'text'] },
  { service: 'elb', why: 'its listeners as a table', code: 0, argv: () => ['aws', 'elb', 'describe-load-balancers', '--query', 'LoadBalancerDescriptions[].ListenerDescriptions[].Listener', '--output', 'table'] },
  { service: 'elb', why: 'an unknown load balancer', code: 255, argv: () => ['aws', 'elb', 'describe-load-balancers', '--load-balancer-names', 'nope'] },
  { service: 'elb', why: 'a listener missing a required key', code: 255, argv: () => ['aws', 'elb', 'create-load-balancer', '--load-balancer-name', 'x', '--listeners', 'Protocol=HTTP,LoadBalancerPort=80'] },
  // elbv2
  { service: 'elbv2', why: 'a load balancer\'s DNS name', code: 0, argv: () => ['aws', 'elbv2', 'describe-load-balancers', '--names', 'diff-alb', '--query', 'LoadBalancers[].[LoadBalancerName,DNSName,Type,Scheme]', '--output', 'text'] },
  { service: 'elbv2', why: 'a target group', code: 0, argv: () => ['aws', 'elbv2', 'describe-target-groups', '--names', 'diff-tg'] },
  { service: 'elbv2', why: 'target groups as a table', code: 0, argv: () => ['aws', 'elbv2', 'describe-target-groups', '--query', 'TargetGroups[].{name: TargetGroupName, port: Port, proto: Protocol}', '--output', 'table'] },
  { service: 'elbv2', why: 'an unknown target group', code: 255, argv: () => ['aws', 'elbv2', 'describe-target-groups', '--names', 'nope'] },
  { service: 'elbv2', why: 'a port that is not a number', code: 255, argv: () => ['aws', 'elbv2', 'create-target-group', '--name', 'x', '--protocol', 'HTTP', '--port', 'eighty', '--vpc-id', 'vpc-1'] },
  // efs
  { service: 'efs', why: 'a file system by its creation token', code: 0, argv: () => ['aws', 'efs', 'describe-file-systems', '--creation-token', 'diff-token'], mask: /"Timestamp": [\d.]+/g },
  { service: 'efs', why: 'ids and states as text', code: 0, argv: () => ['aws', 'efs', 'describe-file-systems', '--query', 'FileSystems[].[FileSystemId,LifeCycleState,PerformanceMode]', '--output', 'text'] },
  { service: 'efs', why: 'an unknown file system', code: 255, argv: () => ['aws', 'efs', 'describe-file-systems', '--file-system-id', 'fs-00000000'] },
  { service: 'efs', why: 'a mount target without its subnet', code: 2, argv: () => ['aws', 'efs', 'create-mount-target', '--file-system-id', 'fs-1'] },
  // cloudformation
  { service: 'cloudformation', why: 'a stack\'s status', code: 0, argv: () => ['aws', 'cloudformation', 'describe-stacks', '--stack-name', 'diff', '--query', 'Stacks[0].[StackName,StackStatus]', '--output', 'text'] },
  { service: 'cloudformation', why: 'its outputs as a table', code: 0, argv: () => ['aws', 'cloudformation', 'describe-stacks', '--stack-name', 'diff', '--query', 'Stacks[0].Outputs', '--output', 'table'] },
  { service: 'cloudformation', why: 'its resources', code: 0, argv: () => ['aws', 'cloudformation', 'list-stack-resources', '--stack-name', 'diff', '--query', 'StackResourceSummaries[].[LogicalResourceId,ResourceType,ResourceStatus]'] },
  { service: 'cloudformation', why: 'an unknown stack', code: 255, argv: () => ['aws', 'cloudformation', 'describe-stacks', '--stack-name', 'nope'] },
  { service: 'cloudformation', why: 'a stack name without its value', code: 2, argv: () => ['aws', 'cloudformation', 'create-stack', '--stack-name'] },
  // logs
  { service: 'logs', why: 'log groups by prefix', code: 0, argv: () => ['aws', 'logs', 'describe-log-groups', '--log-group-name-prefix', '/diff/', '--query', 'logGroups[].[logGroupName,retentionInDays]', '--output', 'text'] },
  { service: 'logs', why: 'a create, each its own (prints nothing)', code: 0, each: true, argv: () => ['aws', 'logs', 'create-log-group', '--log-group-name', '/diff/{}'] },
  { service: 'logs', why: 'a retention that is not a number', code: 255, argv: () => ['aws', 'logs', 'put-retention-policy', '--log-group-name', '/diff/app', '--retention-in-days', 'week'] },
  { service: 'logs', why: 'deleting a log group that is not there', code: 255, argv: () => ['aws', 'logs', 'delete-log-group', '--log-group-name', '/nope'] },
  // acm
  { service: 'acm', why: 'certificates as text', code: 0, argv: () => ['aws', 'acm', 'list-certificates', '--query', 'CertificateSummaryList[].DomainName', '--output', 'text'] },
  { service: 'acm', why: 'a certificate\'s domain and validation', code: 0, argv: () => ['aws', 'acm', 'describe-certificate', '--certificate-arn', ids.cert!, '--query', 'Certificate.[DomainName,Type,DomainValidationOptions[0].ValidationMethod]'] },
  { service: 'acm', why: 'an unknown certificate', code: 255, argv: () => ['aws', 'acm', 'describe-certificate', '--certificate-arn', 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000'] },
  { service: 'acm', why: 'no domain name', code: 2, argv: () => ['aws', 'acm', 'request-certificate', '--validation-method', 'DNS'] },
  // servicediscovery
  { service: 'servicediscovery', why: 'namespaces as text', code: 0, argv: () => ['aws', 'servicediscovery', 'list-namespaces', '--query', 'Namespaces[].[Name,Type]', '--output', 'text'] },
  { service: 'servicediscovery', why: 'a namespace', code: 0, argv: () => ['aws', 'servicediscovery', 'get-namespace', '--id', ids.namespace!, '--query', 'Namespace.{name: Name, type: Type}', '--output', 'table'] },
  { service: 'servicediscovery', why: 'an unknown namespace', code: 255, argv: () => ['aws', 'servicediscovery', 'get-namespace', '--id', 'ns-00000000000000000'] },
  { service: 'servicediscovery', why: 'a namespace without its name', code: 2, argv: () => ['aws', 'servicediscovery', 'create-http-namespace'] },
  // dynamodb
  { service: 'dynamodb', why: 'a table', code: 0, argv: () => ['aws', 'dynamodb', 'describe-table', '--table-name', 'diff', '--query', 'Table.[TableName,TableStatus,KeySchema]', '--output', 'text'] },
  { service: 'dynamodb', why: 'an item', code: 0, argv: () => ['aws', 'dynamodb', 'get-item', '--table-name', 'diff', '--key', '{"id": {"S": "a"}}'] },
  { service: 'dynamodb', why: 'a scan as a table', code: 0, argv: () => ['aws', 'dynamodb', 'scan', '--table-name', 'diff', '--output', 'table'] },
  { service: 'dynamodb', why: 'tables', code: 0, argv: () => ['aws', 'dynamodb', 'list-tables', '--output', 'text'] },
  { service: 'dynamodb', why: 'an unknown table', code: 255, argv: () => ['aws', 'dynamodb', 'describe-table', '--table-name', 'nope'] },
  { service: 'dynamodb', why: 'an item that is not JSON', code: 255, argv: () => ['aws', 'dynamodb', 'put-item', '--table-name', 'diff', '--item', '{"id": {"S": "a"'] },
  // sqs
  { service: 'sqs', why: 'a queue URL', code: 0, argv: () => ['aws', 'sqs', 'get-queue-url', '--queue-name', 'diff', ...sqs()] },
  { service: 'sqs', why: 'queue attributes as text', code: 0, argv: () => ['aws', 'sqs', 'get-queue-attributes', '--queue-url', ids.queue!, '--attribute-names', 'VisibilityTimeout', 'DelaySeconds', '--output', 'text', ...sqs()] },
  { service: 'sqs', why: 'a create, each its own', code: 0, each: true, argv: () => ['aws', 'sqs', 'create-queue', '--queue-name', 'diff-{}', '--attributes', 'VisibilityTimeout=45', '--query', 'length(QueueUrl) > `10`', ...sqs()] },
  { service: 'sqs', why: 'an unknown queue', code: 255, argv: () => ['aws', 'sqs', 'get-queue-url', '--queue-name', 'nope', ...sqs()] },
  { service: 'sqs', why: 'a message without its body', code: 2, argv: () => ['aws', 'sqs', 'send-message', '--queue-url', 'http://x', ...sqs()] },
  // sns
  { service: 'sns', why: 'topics', code: 0, argv: () => ['aws', 'sns', 'list-topics'] },
  { service: 'sns', why: 'a topic\'s display name', code: 0, argv: () => ['aws', 'sns', 'get-topic-attributes', '--topic-arn', ids.topic!, '--query', 'Attributes.DisplayName', '--output', 'text'] },
  { service: 'sns', why: 'an unknown topic', code: 255, argv: () => ['aws', 'sns', 'get-topic-attributes', '--topic-arn', 'arn:aws:sns:us-east-1:123456789012:nope'] },
  { service: 'sns', why: 'a publish without a message', code: 2, argv: () => ['aws', 'sns', 'publish', '--topic-arn', 'arn:aws:sns:us-east-1:123456789012:diff'] },
  // lambda
  { service: 'lambda', why: 'a function\'s configuration', code: 0, argv: () => ['aws', 'lambda', 'get-function-configuration', '--function-name', 'diff', '--query', '[FunctionName,Runtime,Handler,CodeSize]', '--output', 'text'] },
  { service: 'lambda', why: 'functions', code: 0, argv: () => ['aws', 'lambda', 'list-functions', '--query', 'Functions[].FunctionName'] },
  { service: 'lambda', why: 'a create from --zip-file fileb://, each its own', code: 0, each: true, argv: () => ['aws', 'lambda', 'create-function', '--function-name', 'diff-{}', '--runtime', 'python3.12', '--role', ids.role!, '--handler', 'index.handler', '--zip-file', 'fileb://f.zip', '--query', '[Runtime,Handler,CodeSize,PackageType]', '--output', 'text'] },
  { service: 'lambda', why: 'an unknown function', code: 255, argv: () => ['aws', 'lambda', 'get-function', '--function-name', 'nope'] },
  { service: 'lambda', why: '--zip-file that is not a zip', code: 255, argv: () => ['aws', 'lambda', 'create-function', '--function-name', 'x', '--runtime', 'python3.12', '--role', ids.role!, '--handler', 'h', '--zip-file', 'fileb://notzip.txt'] },
  { service: 'lambda', why: 'neither --code nor --zip-file', code: 255, argv: () => ['aws', 'lambda', 'create-function', '--function-name', 'x', '--runtime', 'python3.12', '--role', ids.role!, '--handler', 'h'] },
  // autoscaling
  { service: 'autoscaling', why: 'a group', code: 0, argv: () => ['aws', 'autoscaling', 'describe-auto-scaling-groups', '--auto-scaling-group-names', 'diff', '--query', 'AutoScalingGroups[].[AutoScalingGroupName,MinSize,MaxSize,LaunchConfigurationName]', '--output', 'text'] },
  { service: 'autoscaling', why: 'launch configurations as a table', code: 0, argv: () => ['aws', 'autoscaling', 'describe-launch-configurations', '--query', 'LaunchConfigurations[].{name: LaunchConfigurationName, image: ImageId, type: InstanceType}', '--output', 'table'] },
  { service: 'autoscaling', why: 'a group without its maximum', code: 2, argv: () => ['aws', 'autoscaling', 'create-auto-scaling-group', '--auto-scaling-group-name', 'x', '--min-size', '1'] },
  { service: 'autoscaling', why: 'a size that is not a number', code: 255, argv: () => ['aws', 'autoscaling', 'update-auto-scaling-group', '--auto-scaling-group-name', 'diff', '--max-size', 'many'] },
  // organizations
  { service: 'organizations', why: 'the organization', code: 0, argv: () => ['aws', 'organizations', 'describe-organization', '--query', 'Organization.[FeatureSet,MasterAccountId]', '--output', 'text'] },
  { service: 'organizations', why: 'roots', code: 0, argv: () => ['aws', 'organizations', 'list-roots', '--query', 'Roots[].Name'] },
  { service: 'organizations', why: 'an unknown account', code: 255, argv: () => ['aws', 'organizations', 'describe-account', '--account-id', '111111111111'] },
  { service: 'organizations', why: 'a feature set it does not know (the service refuses it)', code: 255, compare: 'status', argv: () => ['aws', 'organizations', 'create-organization', '--feature-set', 'SOME'] },
];

const results = new Map<string, { cli: CliRun; ours: Outcome }>();
const label = (form: Form) => `${form.service}: ${form.why}`;

async function ours(argv: string[]): Promise<Outcome> {
  return runOurs(argv, { cwd: dir, env });
}

/** Setup through the translator itself; a failure stops the file. */
async function make(...argv: string[]): Promise<Record<string, any>> {
  const run = await ours(['aws', ...argv, '--output', 'json']);
  if (run.code !== 0) throw new Error(`setup: aws ${argv.join(' ')}: ${run.stderr}`);
  return run.stdout ? (JSON.parse(run.stdout) as Record<string, any>) : {};
}

beforeAll(async () => {
  moto = await startMoto();
  env = { ...(process.env as Record<string, string>), ...motoEnv(moto.endpoint) };
  delete env.AWS_PROFILE;
  Object.assign(process.env, env);
  dir = mkdtempSync(join(tmpdir(), 'runbook-aws-services-'));
  execFileSync('python3', ['-c', "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w'); z.writestr('index.py','def handler(e, c):\\n    return 1\\n'); z.close()", join(dir, 'f.zip')]);
  writeFileSync(join(dir, 'notzip.txt'), 'not a zip\n');

  ids.vpc = (await make('ec2', 'create-vpc', '--cidr-block', '10.20.0.0/16', '--tag-specifications', 'ResourceType=vpc,Tags=[{Key=Name,Value=diff}]')).Vpc.VpcId;
  const subnets: string[] = [];
  for (const [cidr, az] of [['10.20.1.0/24', 'us-east-1a'], ['10.20.2.0/24', 'us-east-1b']] as const) {
    subnets.push((await make('ec2', 'create-subnet', '--vpc-id', ids.vpc, '--cidr-block', cidr, '--availability-zone', az)).Subnet.SubnetId);
  }
  ids.sg = (await make('ec2', 'create-security-group', '--group-name', 'diff', '--description', 'differential', '--vpc-id', ids.vpc)).GroupId;
  const image = (await make('ec2', 'describe-images', '--owners', 'amazon', '--query', 'Images[0].ImageId')) as unknown as string;
  ids.instance = (await make('ec2', 'run-instances', '--image-id', image, '--instance-type', 't3.micro', '--subnet-id', subnets[0]!, '--count', '1')).Instances[0].InstanceId;
  await make('ecr', 'create-repository', '--repository-name', 'diff/app', '--tags', 'Key=team,Value=ops');
  await make('elb', 'create-load-balancer', '--load-balancer-name', 'diff-clb', '--listeners', 'Protocol=HTTP,LoadBalancerPort=80,InstancePort=8080', '--subnets', ...subnets);
  await make('elbv2', 'create-load-balancer', '--name', 'diff-alb', '--subnets', ...subnets);
  await make('elbv2', 'create-target-group', '--name', 'diff-tg', '--protocol', 'HTTP', '--port', '8080', '--vpc-id', ids.vpc, '--health-check-path', '/healthz');
  await make('efs', 'create-file-system', '--creation-token', 'diff-token', '--tags', 'Key=Name,Value=diff');
  await make('cloudformation', 'create-stack', '--stack-name', 'diff', '--template-body', TEMPLATE);
  await make('logs', 'create-log-group', '--log-group-name', '/diff/app');
  await make('logs', 'put-retention-policy', '--log-group-name', '/diff/app', '--retention-in-days', '14');
  ids.cert = (await make('acm', 'request-certificate', '--domain-name', 'diff.example.com', '--validation-method', 'DNS')).CertificateArn;
  const operation = (await make('servicediscovery', 'create-http-namespace', '--name', 'diff')).OperationId;
  ids.namespace = (await make('servicediscovery', 'get-operation', '--operation-id', operation)).Operation.Targets.NAMESPACE;
  await make('dynamodb', 'create-table', '--table-name', 'diff', '--attribute-definitions', 'AttributeName=id,AttributeType=S', '--key-schema', 'AttributeName=id,KeyType=HASH', '--billing-mode', 'PAY_PER_REQUEST');
  await make('dynamodb', 'put-item', '--table-name', 'diff', '--item', '{"id": {"S": "a"}, "n": {"N": "1.50"}, "tags": {"SS": ["x", "y"]}, "ok": {"BOOL": true}}');
  ids.queue = (await make('sqs', 'create-queue', '--queue-name', 'diff', '--attributes', 'VisibilityTimeout=60')).QueueUrl;
  ids.topic = (await make('sns', 'create-topic', '--name', 'diff', '--attributes', 'DisplayName=Differential')).TopicArn;
  ids.role = (await make('iam', 'create-role', '--role-name', 'diff-lambda', '--assume-role-policy-document', '{"Version":"2012-10-17","Statement":[]}')).Role.Arn;
  await make('lambda', 'create-function', '--function-name', 'diff', '--runtime', 'python3.12', '--role', ids.role!, '--handler', 'index.handler', '--zip-file', 'fileb://f.zip');
  await make('autoscaling', 'create-launch-configuration', '--launch-configuration-name', 'diff', '--image-id', image, '--instance-type', 't3.micro');
  await make('autoscaling', 'create-auto-scaling-group', '--auto-scaling-group-name', 'diff', '--launch-configuration-name', 'diff', '--min-size', '0', '--max-size', '2', '--vpc-zone-identifier', subnets.join(','));
  await make('organizations', 'create-organization', '--feature-set', 'ALL');

  cli = new AwsCli(dir);
  // Each form through the CLI first, then ours: both see the same state.
  for (const form of forms) {
    const argv = form.argv();
    const cliRun = await cli.run(form.each ? argv.map((w) => w.replace('{}', 'cli')) : argv);
    const oursRun = await ours(form.each ? argv.map((w) => w.replace('{}', 'ours')) : argv);
    results.set(label(form), { cli: cliRun, ours: oursRun });
  }
}, 240_000);

afterAll(async () => {
  closeAwsClients();
  await cli?.stop();
  await moto?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

describe('each service of the default set, against the aws CLI on moto', () => {
  it('covers every service with an accepted and a refused form', () => {
    const services = ['ec2', 'ecr', 'elb', 'elbv2', 'efs', 'cloudformation', 'logs', 'acm', 'servicediscovery', 'dynamodb', 'sqs', 'sns', 'lambda', 'autoscaling', 'organizations'];
    for (const service of services) {
      expect(forms.some((f) => f.service === service && f.code === 0), service).toBe(true);
      expect(forms.some((f) => f.service === service && f.code !== 0), service).toBe(true);
    }
  });

  it.each(forms.map((f) => [label(f), f] as const))('%s', (name, form) => {
    const { cli: theirs, ours: mine } = results.get(name)!;
    expect(theirs.code, `the aws CLI's status\n${theirs.stderr}`).toBe(form.code);
    expect(mine.untranslatable, mine.stderr).toBeUndefined();
    expect(mine.code, mine.stderr).toBe(theirs.code);
    const masked = (text: string) => (form.mask ? text.replace(form.mask, '<masked>') : text);
    expect(masked(mine.stdout)).toBe(masked(theirs.stdout));
    const mode = form.compare ?? 'exact';
    if (mode === 'exact') expect(mine.stderr).toBe(theirs.stderr);
    else if (mode === 'line') expect(errorLine(mine.stderr)).toBe(errorLine(theirs.stderr));
  });
});
