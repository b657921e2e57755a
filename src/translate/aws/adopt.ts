/**
 * What the models cannot say: how to find the resource a creating call would duplicate.
 * Each entry returns the existing resource shaped like the creating call's output (so `--query`
 * reads it the same), converging drift where the API allows, or undefined when nothing exists.
 * Lookups are written as aws CLI commands and go through the same translator and send path.
 */
import { createHash } from 'node:crypto';
import { adopted, unlessNotFound, updated } from '../adopt.js';
import type { AdoptResult, AdoptionContext, AdoptionTable } from '../types.js';
import { isNotFound } from './index.js';
import { attachView, CLI_VIEW, type CliView } from './output.js';
import type { AwsCall } from './call.js';
import type { AwsTranslatedCall } from './translator.js';

type Ctx = AdoptionContext<AwsTranslatedCall>;
type Out = Record<string, unknown>;

/** Run another aws operation with the same region, profile and endpoint as `call`. */
async function aws(ctx: Ctx, call: AwsTranslatedCall, ...words: string[]): Promise<Out> {
  const g = call.aws;
  const globals = [...(g.region ? ['--region', g.region] : []), ...(g.profile ? ['--profile', g.profile] : []), ...(g.endpointUrl ? ['--endpoint-url', g.endpointUrl] : [])];
  return (await ctx.send(await ctx.translate(['aws', ...words, ...globals]))) as Out;
}

const orUndefined = <T>(promise: Promise<T>) => unlessNotFound(promise, isNotFound);

const input = (call: AwsTranslatedCall) => call.aws.input as Record<string, unknown>;

/** Policy documents compare as JSON, whatever their spacing or URL encoding. */
function sameDocument(a: unknown, b: unknown): boolean {
  const norm = (d: unknown) => {
    if (typeof d !== 'string') return JSON.stringify(d);
    let text = d;
    if (/%7B|%22/i.test(text)) text = decodeURIComponent(text);
    try {
      return JSON.stringify(sortKeys(JSON.parse(text)));
    } catch {
      return text.trim();
    }
  };
  return norm(a) === norm(b);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Out)[k])]));
  return v;
}

/** The value given to `flag` in a later command of the runbook (`<$VAR>` when it is not known yet). */
function laterFlag(ctx: Ctx, service: string, operation: string, flag: string, where?: (argv: string[]) => boolean): string[] {
  return ctx.laterArgv
    .filter((argv) => argv[0] === 'aws' && argv.includes(service) && argv.includes(operation) && (!where || where(argv)))
    .map((argv) => argv[argv.indexOf(flag) + 1])
    .filter((v): v is string => typeof v === 'string');
}


/** The tag that marks what a call without idempotency made: the same for the same call of the same step. */
export const markTag = 'runbook:call';

/** Creates with no idempotency token and no name: the mark they are sent with. */
const marks: Record<string, (input: Out, mark: string) => Out> = {
  'KMS.CreateKey': (input, mark) => ({ ...input, Tags: [...((input.Tags as unknown[] | undefined) ?? []), { TagKey: markTag, TagValue: mark }] }),
};

export function markFor(call: AwsCall, key: string): AwsCall | undefined {
  const add = marks[`${call.serviceId}.${call.operation}`];
  if (!add) return undefined;
  const mark = createHash('sha256').update(key).digest('hex').slice(0, 24);
  return { ...call, input: add(call.input as Out, mark) };
}

export const adoption: AdoptionTable<AwsTranslatedCall> = {
  /**
   * Keys have no name: every CreateKey makes another key. Its identity is the alias a later step
   * gives it (`create-alias --target-key-id $KEY_ID`), else the tags it is created with.
   */
  async 'KMS.CreateKey'(call, ctx) {
    const target = ctx.capture ? `<$${ctx.capture}>` : undefined;
    const aliases = laterFlag(ctx, 'kms', 'create-alias', '--alias-name', (argv) => !target || argv.includes(target));
    for (const alias of aliases) {
      if (alias.includes('<')) continue;
      const found = await orUndefined(aws(ctx, call, 'kms', 'describe-key', '--key-id', alias));
      const meta = found?.KeyMetadata as Out | undefined;
      if (meta && meta.KeyState === 'Enabled') return adopted(found, `key ${meta.KeyId} found by ${alias}`);
    }
    const tags = (input(call).Tags as Array<{ TagKey: string; TagValue: string }> | undefined) ?? [];
    if (!tags.length) return undefined;
    const keys = ((await aws(ctx, call, 'kms', 'list-keys')).Keys as Array<{ KeyId: string }>) ?? [];
    for (const key of keys) {
      const found = await aws(ctx, call, 'kms', 'list-resource-tags', '--key-id', key.KeyId);
      const have = (found.Tags as typeof tags) ?? [];
      if (tags.every((t) => have.some((h) => h.TagKey === t.TagKey && h.TagValue === t.TagValue))) {
        const described = await aws(ctx, call, 'kms', 'describe-key', '--key-id', key.KeyId);
        if ((described.KeyMetadata as Out).KeyState === 'Enabled') return adopted(described, `key ${key.KeyId} found by its tags`);
      }
    }
    return undefined;
  },

  async 'KMS.CreateAlias'(call, ctx) {
    const { AliasName, TargetKeyId } = input(call) as { AliasName: string; TargetKeyId: string };
    const existing = await orUndefined(aws(ctx, call, 'kms', 'describe-key', '--key-id', AliasName));
    if (!existing) return undefined;
    const meta = existing.KeyMetadata as { KeyId: string; Arn: string };
    if (TargetKeyId === meta.KeyId || TargetKeyId === meta.Arn) return adopted({}, `${AliasName} already points to ${meta.KeyId}`);
    await aws(ctx, call, 'kms', 'update-alias', '--alias-name', AliasName, '--target-key-id', TargetKeyId);
    return updated({}, `${AliasName} moved from ${meta.KeyId} to ${TargetKeyId}`);
  },

  async 'IAM.CreateRole'(call, ctx) {
    const { RoleName, AssumeRolePolicyDocument } = input(call) as { RoleName: string; AssumeRolePolicyDocument: string };
    const found = await orUndefined(aws(ctx, call, 'iam', 'get-role', '--role-name', RoleName));
    if (!found) return undefined;
    const role = found.Role as Out;
    if (!sameDocument(role.AssumeRolePolicyDocument, AssumeRolePolicyDocument)) {
      await aws(ctx, call, 'iam', 'update-assume-role-policy', '--role-name', RoleName, '--policy-document', AssumeRolePolicyDocument);
      return updated({ Role: { ...role, AssumeRolePolicyDocument: JSON.parse(AssumeRolePolicyDocument) } }, `role ${RoleName} exists; trust policy updated`);
    }
    return adopted(found, `role ${RoleName} exists`);
  },

  async 'IAM.CreatePolicy'(call, ctx) {
    const { PolicyName, PolicyDocument, Path } = input(call) as { PolicyName: string; PolicyDocument: string; Path?: string };
    const account = (await aws(ctx, call, 'sts', 'get-caller-identity')).Account as string;
    const partition = /^[a-z]{2}-gov-/.test(call.aws.region ?? '') ? 'aws-us-gov' : /^cn-/.test(call.aws.region ?? '') ? 'aws-cn' : 'aws';
    const arn = `arn:${partition}:iam::${account}:policy${Path ?? '/'}${PolicyName}`;
    const found = await orUndefined(aws(ctx, call, 'iam', 'get-policy', '--policy-arn', arn));
    if (!found) return undefined;
    const policy = found.Policy as Out;
    const version = await aws(ctx, call, 'iam', 'get-policy-version', '--policy-arn', arn, '--version-id', String(policy.DefaultVersionId));
    if (sameDocument((version.PolicyVersion as Out).Document, PolicyDocument)) return adopted(found, `policy ${PolicyName} exists`);
    // IAM keeps at most five versions: drop the oldest non-default one first.
    const versions = ((await aws(ctx, call, 'iam', 'list-policy-versions', '--policy-arn', arn)).Versions as Array<{ VersionId: string; IsDefaultVersion: boolean }>) ?? [];
    if (versions.length >= 5) {
      const oldest = versions.filter((v) => !v.IsDefaultVersion).at(-1);
      if (oldest) await aws(ctx, call, 'iam', 'delete-policy-version', '--policy-arn', arn, '--version-id', oldest.VersionId);
    }
    await aws(ctx, call, 'iam', 'create-policy-version', '--policy-arn', arn, '--policy-document', PolicyDocument, '--set-as-default');
    return updated(await aws(ctx, call, 'iam', 'get-policy', '--policy-arn', arn), `policy ${PolicyName} exists; new default version with this document`);
  },

  async 'IAM.AttachRolePolicy'(call, ctx) {
    const { RoleName, PolicyArn } = input(call) as { RoleName: string; PolicyArn: string };
    const found = await orUndefined(aws(ctx, call, 'iam', 'list-attached-role-policies', '--role-name', RoleName));
    const attached = (found?.AttachedPolicies as Array<{ PolicyArn: string }> | undefined) ?? [];
    return attached.some((p) => p.PolicyArn === PolicyArn) ? adopted({}, `${PolicyArn} already attached to ${RoleName}`) : undefined;
  },

  async 'IAM.CreateOpenIDConnectProvider'(call, ctx) {
    const { Url, ClientIDList } = input(call) as { Url: string; ClientIDList?: string[] };
    const host = Url.replace(/^https:\/\//, '');
    const list = ((await aws(ctx, call, 'iam', 'list-open-id-connect-providers')).OpenIDConnectProviderList as Array<{ Arn: string }>) ?? [];
    const match = list.find((p) => p.Arn.endsWith(`:oidc-provider/${host}`));
    if (!match) return undefined;
    const provider = await aws(ctx, call, 'iam', 'get-open-id-connect-provider', '--open-id-connect-provider-arn', match.Arn);
    const missing = (ClientIDList ?? []).filter((id) => !((provider.ClientIDList as string[] | undefined) ?? []).includes(id));
    for (const id of missing) await aws(ctx, call, 'iam', 'add-client-id-to-open-id-connect-provider', '--open-id-connect-provider-arn', match.Arn, '--client-id', id);
    const output = { OpenIDConnectProviderArn: match.Arn };
    return missing.length ? updated(output, `provider for ${host} exists; added client ids ${missing.join(', ')}`) : adopted(output, `provider for ${host} exists`);
  },

  async 'IAM.CreateUser'(call, ctx) {
    const found = await orUndefined(aws(ctx, call, 'iam', 'get-user', '--user-name', String(input(call).UserName)));
    return found && adopted(found, `user ${input(call).UserName} exists`);
  },

  async 'IAM.CreateInstanceProfile'(call, ctx) {
    const found = await orUndefined(aws(ctx, call, 'iam', 'get-instance-profile', '--instance-profile-name', String(input(call).InstanceProfileName)));
    return found && adopted(found, `instance profile ${input(call).InstanceProfileName} exists`);
  },

  /** An existing secret is adopted with the value this run asks for: a different value becomes a new version. */
  async 'SecretsManager.CreateSecret'(call, ctx) {
    const { Name, SecretString, SecretBinary } = input(call) as { Name: string; SecretString?: string; SecretBinary?: Uint8Array };
    const found = await orUndefined(aws(ctx, call, 'secretsmanager', 'describe-secret', '--secret-id', Name));
    if (!found) return undefined;
    const output = { ARN: found.ARN, Name: found.Name };
    if (SecretString === undefined && SecretBinary === undefined) return adopted(output, `secret ${Name} exists`);
    const current = await orUndefined(aws(ctx, call, 'secretsmanager', 'get-secret-value', '--secret-id', Name));
    const same = SecretString !== undefined ? current?.SecretString === SecretString : Buffer.from(SecretBinary!).equals(Buffer.from((current?.SecretBinary as Uint8Array | undefined) ?? []));
    if (same) return adopted(output, `secret ${Name} exists with this value`);
    if (SecretString === undefined) throw new Error(`secret ${Name} exists with another binary value; update it with put-secret-value`);
    const version = await aws(ctx, call, 'secretsmanager', 'put-secret-value', '--secret-id', Name, '--secret-string', SecretString);
    return updated({ ...output, VersionId: version.VersionId }, `secret ${Name} exists; stored this value as a new version`);
  },

  async 'S3.CreateBucket'(call, ctx) {
    const bucket = String(input(call).Bucket);
    const found = await orUndefined(aws(ctx, call, 's3api', 'head-bucket', '--bucket', bucket));
    return found && adopted({ Location: `/${bucket}` }, `bucket ${bucket} exists`);
  },

  /**
   * Route 53 takes a second zone of the same name (a fresh CallerReference, often `$(date +%s)`, makes
   * every create new): a zone is found by its name (and whether it is private) before creating one.
   */
  async 'Route53.CreateHostedZone'(call, ctx) {
    const { Name, HostedZoneConfig, VPC } = input(call) as { Name: string; HostedZoneConfig?: { PrivateZone?: boolean }; VPC?: unknown };
    const fqdn = Name.endsWith('.') ? Name : `${Name}.`;
    const listed = await aws(ctx, call, 'route53', 'list-hosted-zones-by-name', '--dns-name', fqdn);
    const wantPrivate = !!(HostedZoneConfig?.PrivateZone || VPC);
    const zones = ((listed.HostedZones as Array<{ Id: string; Name: string; Config?: { PrivateZone?: boolean } }> | undefined) ?? [])
      .filter((z) => z.Name === fqdn && !!z.Config?.PrivateZone === wantPrivate);
    if (!zones.length) return undefined;
    const found = await aws(ctx, call, 'route53', 'get-hosted-zone', '--id', zones[0]!.Id);
    const extra = zones.length > 1 ? ` (${zones.length} zones have this name; the first is used)` : '';
    return adopted({ HostedZone: found.HostedZone, DelegationSet: found.DelegationSet, Location: `https://route53.amazonaws.com/2013-04-01${zones[0]!.Id}` }, `zone ${fqdn} exists as ${zones[0]!.Id}${extra}`);
  },

  async 'EKS.CreateCluster'(call, ctx) {
    const found = await orUndefined(aws(ctx, call, 'eks', 'describe-cluster', '--name', String(input(call).name)));
    return found && adopted(found, `cluster ${input(call).name} exists`);
  },

  // The default client set's creates. "On conflict" entries (listed in translator.ts's
  // adoptOnConflict) run only after the service refuses the duplicate; the others are looked up first,
  // because the service takes a second one of the same name (or moto does, where AWS would refuse).

  /** On conflict (RepositoryAlreadyExistsException). */
  async 'ECR.CreateRepository'(call, ctx) {
    const name = String(input(call).repositoryName);
    const found = await orUndefined(aws(ctx, call, 'ecr', 'describe-repositories', '--repository-names', name));
    const repository = (found?.repositories as Out[] | undefined)?.[0];
    return repository && adopted(reshape(found!, (o) => ({ repository: (o.repositories as Out[])[0] })), `repository ${name} exists`);
  },

  /** On conflict (ResourceAlreadyExistsException); the create prints nothing, and neither does its adoption. */
  async 'CloudWatchLogs.CreateLogGroup'(call, ctx) {
    const name = String(input(call).logGroupName);
    const listed = await aws(ctx, call, 'logs', 'describe-log-groups', '--log-group-name-prefix', name);
    const exists = ((listed.logGroups as Out[] | undefined) ?? []).some((g) => g.logGroupName === name);
    return exists ? adopted({}, `log group ${name} exists`) : undefined;
  },

  /** On conflict (ResourceInUseException): the table as describe-table has it, under the create's key. */
  async 'DynamoDB.CreateTable'(call, ctx) {
    const name = String(input(call).TableName);
    const found = await orUndefined(aws(ctx, call, 'dynamodb', 'describe-table', '--table-name', name));
    return found && adopted(reshape(found, (o) => ({ TableDescription: o.Table })), `table ${name} exists (${(found.Table as Out).TableStatus})`);
  },

  /**
   * CreateQueue is idempotent: the same name with the same attributes answers the existing queue's URL,
   * so a re-run needs nothing. Other attributes are refused (QueueAlreadyExists): they are set on the
   * existing queue, as the runbook asks.
   */
  async 'SQS.CreateQueue'(call, ctx) {
    const { QueueName, Attributes } = input(call) as { QueueName: string; Attributes?: Record<string, string> };
    const found = await orUndefined(aws(ctx, call, 'sqs', 'get-queue-url', '--queue-name', QueueName));
    if (!found) return undefined;
    if (!Attributes || !Object.keys(Attributes).length) return adopted(found, `queue ${QueueName} exists`);
    await aws(ctx, call, 'sqs', 'set-queue-attributes', '--queue-url', String(found.QueueUrl), '--attributes', JSON.stringify(Attributes));
    return updated(found, `queue ${QueueName} exists; set ${Object.keys(Attributes).join(', ')}`);
  },

  /**
   * CreateTopic is idempotent (the same name answers the same ARN). Only when the service refuses it
   * (other attributes or tags than the topic has) is the topic found by its name.
   */
  async 'SNS.CreateTopic'(call, ctx) {
    const name = String(input(call).Name);
    const topics = ((await aws(ctx, call, 'sns', 'list-topics')).Topics as Array<{ TopicArn: string }> | undefined) ?? [];
    const topic = topics.find((t) => t.TopicArn.split(':').at(-1) === name);
    return topic && adopted({ TopicArn: topic.TopicArn }, `topic ${name} exists`);
  },

  /**
   * Looked up first: by the creation token when the command gives one (a second create with it would
   * be refused, FileSystemAlreadyExists), else by the Name tag it is created with; the create's output
   * is the file system's description.
   */
  async 'EFS.CreateFileSystem'(call, ctx) {
    const { CreationToken, Tags } = input(call) as { CreationToken?: string; Tags?: Array<{ Key: string; Value: string }> };
    if (CreationToken) {
      const found = await aws(ctx, call, 'efs', 'describe-file-systems', '--creation-token', CreationToken);
      const fs = (found.FileSystems as Out[] | undefined)?.[0];
      return fs && adopted(reshape(found, (o) => (o.FileSystems as Out[])[0]!), `file system ${fs.FileSystemId} has creation token ${CreationToken}`);
    }
    const name = Tags?.find((t) => t.Key === 'Name')?.Value;
    if (!name) return undefined;
    const found = await aws(ctx, call, 'efs', 'describe-file-systems');
    const systems = (found.FileSystems as Out[] | undefined) ?? [];
    const index = systems.findIndex((f) => f.Name === name && f.LifeCycleState !== 'deleting' && f.LifeCycleState !== 'deleted');
    return index >= 0 ? adopted(reshape(found, (o) => (o.FileSystems as Out[])[index]!), `file system ${systems[index]!.FileSystemId} is named ${name}`) : undefined;
  },

  /**
   * Looked up first: AWS answers the same settings with the existing load balancer and refuses others
   * (DuplicateLoadBalancerName), but moto makes a second one of the same name.
   */
  async 'ElasticLoadBalancingV2.CreateLoadBalancer'(call, ctx) {
    const name = String(input(call).Name);
    const found = await orUndefined(aws(ctx, call, 'elbv2', 'describe-load-balancers', '--names', name));
    return found && adopted(found, `load balancer ${name} exists (its settings are left as they are)`);
  },

  /** On conflict (DuplicateTargetGroupName). */
  async 'ElasticLoadBalancingV2.CreateTargetGroup'(call, ctx) {
    const name = String(input(call).Name);
    const found = await orUndefined(aws(ctx, call, 'elbv2', 'describe-target-groups', '--names', name));
    return found && adopted(found, `target group ${name} exists (its settings are left as they are)`);
  },

  /** On conflict (DuplicateLoadBalancerName): the classic load balancer's DNS name, as the create prints it. */
  async 'ElasticLoadBalancing.CreateLoadBalancer'(call, ctx) {
    const name = String(input(call).LoadBalancerName);
    const found = await orUndefined(aws(ctx, call, 'elb', 'describe-load-balancers', '--load-balancer-names', name));
    const lb = (found?.LoadBalancerDescriptions as Out[] | undefined)?.[0];
    return lb && adopted(reshape(found!, (o) => ({ DNSName: (o.LoadBalancerDescriptions as Out[])[0]!.DNSName })), `load balancer ${name} exists (its listeners are left as they are)`);
  },

  /** On conflict (AlreadyExistsException): the stack's id, whatever state it is in (the detail says which). */
  async 'CloudFormation.CreateStack'(call, ctx) {
    const name = String(input(call).StackName);
    // A stack that is not there is a ValidationError ("Stack with id … does not exist"), not a NotFound.
    const found = await aws(ctx, call, 'cloudformation', 'describe-stacks', '--stack-name', name).catch((error: unknown) => {
      if (/does not exist/.test(String((error as Error)?.message))) return undefined;
      throw error;
    });
    const stack = (found?.Stacks as Out[] | undefined)?.[0];
    return stack && adopted({ StackId: stack.StackId }, `stack ${name} exists (${stack.StackStatus})`);
  },

  'ServiceDiscovery.CreateHttpNamespace': (call, ctx) => namespace(call, ctx, 'HTTP'),
  'ServiceDiscovery.CreatePrivateDnsNamespace': (call, ctx) => namespace(call, ctx, 'DNS_PRIVATE'),
  'ServiceDiscovery.CreatePublicDnsNamespace': (call, ctx) => namespace(call, ctx, 'DNS_PUBLIC'),

  /** Looked up first: a service is found by its name in its namespace (moto takes a second one). */
  async 'ServiceDiscovery.CreateService'(call, ctx) {
    const { Name, NamespaceId } = input(call) as { Name: string; NamespaceId?: string };
    const listed = await aws(ctx, call, 'servicediscovery', 'list-services', ...(NamespaceId ? ['--filters', JSON.stringify([{ Name: 'NAMESPACE_ID', Values: [NamespaceId], Condition: 'EQ' }])] : []));
    const summary = ((listed.Services as Out[] | undefined) ?? []).find((s) => s.Name === Name && (!NamespaceId || s.NamespaceId === undefined || s.NamespaceId === NamespaceId));
    if (!summary) return undefined;
    const found = await aws(ctx, call, 'servicediscovery', 'get-service', '--id', String(summary.Id));
    if (NamespaceId && (found.Service as Out).NamespaceId !== NamespaceId) return undefined;
    return adopted(found, `service ${Name} exists as ${summary.Id}`);
  },

  /** On conflict (ResourceConflictException): the function's configuration, which is what the create prints. */
  async 'Lambda.CreateFunction'(call, ctx) {
    const name = String(input(call).FunctionName);
    const found = await orUndefined(aws(ctx, call, 'lambda', 'get-function', '--function-name', name));
    return found && adopted(reshape(found, (o) => o.Configuration as Out), `function ${name} exists (its code and configuration are left as they are: update-function-code changes them)`);
  },

  /** Looked up first (the create prints nothing, so the lookup costs what a refused create would). */
  async 'AutoScaling.CreateAutoScalingGroup'(call, ctx) {
    const name = String(input(call).AutoScalingGroupName);
    const found = await aws(ctx, call, 'autoscaling', 'describe-auto-scaling-groups', '--auto-scaling-group-names', name);
    return ((found.AutoScalingGroups as Out[] | undefined) ?? []).length ? adopted({}, `auto scaling group ${name} exists`) : undefined;
  },

  async 'AutoScaling.CreateLaunchConfiguration'(call, ctx) {
    const name = String(input(call).LaunchConfigurationName);
    const found = await aws(ctx, call, 'autoscaling', 'describe-launch-configurations', '--launch-configuration-names', name);
    return ((found.LaunchConfigurations as Out[] | undefined) ?? []).length ? adopted({}, `launch configuration ${name} exists`) : undefined;
  },

  /** On conflict (InvalidGroup.Duplicate): names are unique per VPC (the default VPC when none is given). */
  async 'EC2.CreateSecurityGroup'(call, ctx) {
    const { GroupName, VpcId } = input(call) as { GroupName: string; VpcId?: string };
    const vpc = VpcId ?? (((await aws(ctx, call, 'ec2', 'describe-vpcs', '--filters', JSON.stringify([{ Name: 'is-default', Values: ['true'] }]))).Vpcs as Out[] | undefined)?.[0]?.VpcId as string | undefined);
    const filters = [{ Name: 'group-name', Values: [GroupName] }, ...(vpc ? [{ Name: 'vpc-id', Values: [vpc] }] : [])];
    const found = await aws(ctx, call, 'ec2', 'describe-security-groups', '--filters', JSON.stringify(filters));
    const group = (found.SecurityGroups as Out[] | undefined)?.[0];
    if (!group) return undefined;
    const output = { GroupId: group.GroupId, ...(group.Tags ? { Tags: group.Tags } : {}), ...(group.SecurityGroupArn ? { SecurityGroupArn: group.SecurityGroupArn } : {}) };
    return adopted(output, `security group ${GroupName} exists as ${group.GroupId} (its rules are left as they are)`);
  },

  /** On conflict (InvalidSubnet.Conflict): a subnet is its CIDR block in its VPC. */
  async 'EC2.CreateSubnet'(call, ctx) {
    const { VpcId, CidrBlock } = input(call) as { VpcId: string; CidrBlock?: string };
    if (!CidrBlock) return undefined;
    const found = await aws(ctx, call, 'ec2', 'describe-subnets', '--filters', JSON.stringify([{ Name: 'vpc-id', Values: [VpcId] }, { Name: 'cidr-block', Values: [CidrBlock] }]));
    const subnet = (found.Subnets as Out[] | undefined)?.[0];
    return subnet && adopted(reshape(found, (o) => ({ Subnet: (o.Subnets as Out[])[0] })), `subnet ${CidrBlock} of ${VpcId} exists as ${subnet.SubnetId}`);
  },

  /**
   * VPCs have no name: every CreateVpc makes another. One created with tags (`--tag-specifications
   * 'ResourceType=vpc,Tags=[{Key=Name,Value=app}]'`) is found by them and its CIDR block, looked up first.
   */
  async 'EC2.CreateVpc'(call, ctx) {
    const { CidrBlock } = input(call) as { CidrBlock?: string };
    const filters = tagFilters(call, 'vpc');
    if (!filters.length) return undefined;
    if (CidrBlock) filters.push({ Name: 'cidr-block-association.cidr-block', Values: [CidrBlock] });
    const found = await aws(ctx, call, 'ec2', 'describe-vpcs', '--filters', JSON.stringify(filters));
    const vpc = (found.Vpcs as Out[] | undefined)?.[0];
    return vpc && adopted(reshape(found, (o) => ({ Vpc: (o.Vpcs as Out[])[0] })), `VPC ${vpc.VpcId} found by its tags`);
  },

  /** As VPCs: found by the tags it is created with, looked up first. */
  async 'EC2.CreateInternetGateway'(call, ctx) {
    const filters = tagFilters(call, 'internet-gateway');
    if (!filters.length) return undefined;
    const found = await aws(ctx, call, 'ec2', 'describe-internet-gateways', '--filters', JSON.stringify(filters));
    const gateway = (found.InternetGateways as Out[] | undefined)?.[0];
    return gateway && adopted(reshape(found, (o) => ({ InternetGateway: (o.InternetGateways as Out[])[0] })), `internet gateway ${gateway.InternetGatewayId} found by its tags`);
  },

  /** On conflict (InvalidLaunchTemplateName.AlreadyExistsException). */
  async 'EC2.CreateLaunchTemplate'(call, ctx) {
    const name = String(input(call).LaunchTemplateName);
    const found = await orUndefined(aws(ctx, call, 'ec2', 'describe-launch-templates', '--launch-template-names', name));
    const template = (found?.LaunchTemplates as Out[] | undefined)?.[0];
    return template && adopted(reshape(found!, (o) => ({ LaunchTemplate: (o.LaunchTemplates as Out[])[0] })), `launch template ${name} exists (version ${template.LatestVersionNumber})`);
  },

  /**
   * RequestCertificate makes another certificate every time (its idempotency token lasts an hour):
   * one for the same domain that is pending or issued is looked up first.
   */
  async 'ACM.RequestCertificate'(call, ctx) {
    const { DomainName, SubjectAlternativeNames } = input(call) as { DomainName: string; SubjectAlternativeNames?: string[] };
    const listed = await aws(ctx, call, 'acm', 'list-certificates', '--certificate-statuses', 'PENDING_VALIDATION', 'ISSUED');
    const wanted = [...new Set([DomainName, ...(SubjectAlternativeNames ?? [])])].sort().join(' ');
    for (const summary of (listed.CertificateSummaryList as Out[] | undefined) ?? []) {
      if (summary.DomainName !== DomainName) continue;
      const names = (summary.SubjectAlternativeNameSummaries as string[] | undefined) ?? [DomainName];
      if ([...new Set([DomainName, ...names])].sort().join(' ') !== wanted) continue;
      return adopted({ CertificateArn: summary.CertificateArn }, `certificate for ${DomainName} exists (${summary.Status})`);
    }
    return undefined;
  },

  /** On conflict (AlreadyInOrganizationException): the organization this account is in. */
  async 'Organizations.CreateOrganization'(call, ctx) {
    const found = await aws(ctx, call, 'organizations', 'describe-organization').catch((error: unknown) => {
      if ((error as Error)?.name === 'AWSOrganizationsNotInUseException') return undefined;
      throw error;
    });
    return found && adopted(found, `this account is in organization ${(found.Organization as Out).Id}`);
  },
};

/**
 * The output `pick` makes of a lookup's, with the CLI's view of it made the same way, so that it prints
 * as the create's would (the CLI's timestamps and numbers, not the SDK's).
 */
function reshape(found: Out, pick: (o: Out) => Out): Out {
  const out = { ...pick(found) };
  const view = (found as Record<symbol, CliView | undefined>)[CLI_VIEW];
  if (view) attachView(out, { full: pick(view.full) });
  return out;
}

/** `tag:KEY` filters for the tags a create gives the resource type in `--tag-specifications`. */
function tagFilters(call: AwsTranslatedCall, resourceType: string): Array<{ Name: string; Values: string[] }> {
  const specs = (input(call).TagSpecifications as Array<{ ResourceType?: string; Tags?: Array<{ Key: string; Value: string }> }> | undefined) ?? [];
  return specs
    .filter((s) => !s.ResourceType || s.ResourceType === resourceType)
    .flatMap((s) => s.Tags ?? [])
    .filter((t) => !t.Key.startsWith('aws:'))
    .map((t) => ({ Name: `tag:${t.Key}`, Values: [t.Value] }));
}

/**
 * Cloud Map namespaces, looked up first by name and type (moto takes a second one of the same name).
 * The create answers an operation id (guides pass it to get-operation to learn the namespace id): the
 * operation that created the namespace is found, so that reads the same.
 */
async function namespace(call: AwsTranslatedCall, ctx: Ctx, type: string): Promise<AdoptResult | undefined> {
  const name = String(input(call).Name);
  const listed = await aws(ctx, call, 'servicediscovery', 'list-namespaces', '--filters', JSON.stringify([{ Name: 'TYPE', Values: [type], Condition: 'EQ' }]));
  const ns = ((listed.Namespaces as Out[] | undefined) ?? []).find((n) => n.Name === name && (n.Type === undefined || n.Type === type));
  if (!ns) return undefined;
  const filters = [{ Name: 'NAMESPACE_ID', Values: [ns.Id], Condition: 'EQ' }, { Name: 'TYPE', Values: ['CREATE_NAMESPACE'], Condition: 'EQ' }];
  const operations = ((await aws(ctx, call, 'servicediscovery', 'list-operations', '--filters', JSON.stringify(filters))).Operations as Array<{ Id: string }> | undefined) ?? [];
  // Filters narrow the list on AWS; moto ignores them, so each candidate's target is checked (a few at most).
  for (const { Id } of operations.slice(0, 20)) {
    const operation = (await aws(ctx, call, 'servicediscovery', 'get-operation', '--operation-id', Id)).Operation as Out;
    if (operation.Type === 'CREATE_NAMESPACE' && (operation.Targets as Out | undefined)?.NAMESPACE === ns.Id) {
      return adopted({ OperationId: Id }, `namespace ${name} exists as ${ns.Id}`);
    }
  }
  return adopted({}, `namespace ${name} exists as ${ns.Id} (the operation that created it is no longer listed)`);
}
