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
};
