/**
 * `aws eks update-kubeconfig` and `aws eks get-token`, after awscli/customizations/eks:
 * update-kubeconfig describes the cluster (DescribeCluster, with --assume-role-arn's credentials when
 * given), builds the cluster, user (an exec plugin running `aws eks get-token`) and context entries
 * exactly as the CLI does, and writes them into the kubeconfig the CLI would choose (./kubeconfig.ts);
 * get-token prints the ExecCredential with a token computed here (./eks-token.ts), redacted as a secret.
 */
import { readFileSync } from 'node:fs';
import type { SendContext, TranslateContext } from '../../types.js';
import { AwsCliError, TranslateError } from '../errors.js';
import { profileOutput } from '../environment.js';
import { formatAwsOutput } from '../output.js';
import { makeClient } from './clients.js';
import { Args, parseCommandLine, type ArgSpec, type Globals } from './command-line.js';
import { eksToken, expirationOf, GET_TOKEN_ARGS } from './eks-token.js';
import type { CustomCall, CustomCommand, CustomResult } from './command.js';
import { CustomCommandFailure } from './command.js';
import { chooseKubeconfig, dumpContent, hasCluster, insertClusterUserPair, KubeconfigError, writeKubeconfig } from './kubeconfig.js';
import { dumpYaml, PyMap } from './pyyaml.js';

const API_VERSION = 'client.authentication.k8s.io/v1beta1';

const UPDATE_KUBECONFIG_ARGS: readonly ArgSpec[] = [
  { name: 'name', dest: 'cluster_name', required: true },
  { name: 'kubeconfig' },
  { name: 'role-arn' },
  { name: 'proxy-url' },
  { name: 'dry-run', flag: true },
  { name: 'verbose', flag: true },
  { name: 'alias' },
  { name: 'user-alias' },
  { name: 'assume-role-arn' },
];

interface UpdateKubeconfig {
  command: 'update-kubeconfig';
  cwd: string;
  globals: Globals;
  name: string;
  kubeconfig?: string;
  roleArn?: string;
  proxyUrl?: string;
  dryRun: boolean;
  verbose: boolean;
  alias?: string;
  userAlias?: string;
  assumeRoleArn?: string;
}

interface GetToken {
  command: 'get-token';
  globals: Globals;
  clusterName?: string;
  clusterId?: string;
  roleArn?: string;
}

type EksInvocation = UpdateKubeconfig | GetToken;


function subcommandOf(argv: string[]): 'update-kubeconfig' | 'get-token' {
  return argv.includes('get-token') ? 'get-token' : 'update-kubeconfig';
}

function translateEks(argv: string[], context: TranslateContext): CustomCall {
  const sub = subcommandOf(argv);
  const load = { command: sub, cwd: context.cwd, ...(context.env ? { env: context.env } : {}), ...(context.planning ? { planning: true } : {}) };
  if (sub === 'get-token') {
    const { globals, args: parsed } = parseCommandLine(argv, GET_TOKEN_ARGS, load);
    const args = new Args(parsed);
    const inv: GetToken = { command: sub, globals };
    const set = <K extends 'clusterName' | 'clusterId' | 'roleArn'>(key: K, value: string | undefined) => {
      if (value !== undefined) inv[key] = value;
    };
    set('clusterName', args.string('cluster_name'));
    set('clusterId', args.string('cluster_id'));
    set('roleArn', args.string('role_arn'));
    return { tool: 'aws', operation: 'EKS.GetToken', input: inv, mutating: false, display: `EKS get-token ${inv.clusterName ?? inv.clusterId ?? ''}`.trim(), custom: { command: 'eks', args: inv } };
  }
  const { globals, args: parsed } = parseCommandLine(argv, UPDATE_KUBECONFIG_ARGS, load);
  const args = new Args(parsed);
  const inv: UpdateKubeconfig = { command: sub, cwd: context.cwd, globals, name: args.string('cluster_name')!, dryRun: !!args.flag('dry_run'), verbose: !!args.flag('verbose') };
  for (const [key, dest] of [['kubeconfig', 'kubeconfig'], ['roleArn', 'role_arn'], ['proxyUrl', 'proxy_url'], ['alias', 'alias'], ['userAlias', 'user_alias'], ['assumeRoleArn', 'assume_role_arn']] as const) {
    const value = args.string(dest);
    if (value !== undefined) inv[key] = value;
  }
  return {
    tool: 'aws',
    operation: 'EKS.UpdateKubeconfig',
    input: inv,
    mutating: !inv.dryRun,
    display: `EKS update-kubeconfig ${inv.name}${inv.kubeconfig ? ` --kubeconfig ${inv.kubeconfig}` : ''}`,
    custom: { command: 'eks', args: inv },
  };
}

/** EKSClient.cluster_description */
async function describeCluster(inv: UpdateKubeconfig, context: SendContext): Promise<Record<string, unknown>> {
  const { EKSClient, DescribeClusterCommand } = await import('@aws-sdk/client-eks');
  let credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
  if (inv.assumeRoleArn) {
    const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
    const sts = makeClient(STSClient as never, { service: 'sts', globals: inv.globals, globalService: true }, context.env);
    try {
      const out = await sts.send<{ Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } }>(
        new AssumeRoleCommand({ RoleArn: inv.assumeRoleArn, RoleSessionName: 'EKSDescribeClusterSession' }),
        context.signal,
      );
      credentials = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
    } finally {
      sts.destroy();
    }
  }
  const eks = makeClient(EKSClient as never, { service: 'eks', globals: inv.globals, ...(credentials ? { credentials } : {}) }, context.env);
  try {
    const out = await eks.send<{ cluster?: Record<string, unknown> }>(new DescribeClusterCommand({ name: inv.name }), context.signal);
    const cluster = out.cluster;
    if (!cluster || !('status' in cluster)) throw new AwsCliError('Cluster not found', 'exception');
    if (cluster.status !== 'ACTIVE' && cluster.status !== 'UPDATING') throw new AwsCliError(`Cluster status is ${String(cluster.status)}`, 'exception');
    return cluster;
  } finally {
    eks.destroy();
  }
}

async function updateKubeconfig(inv: UpdateKubeconfig, context: SendContext): Promise<CustomResult> {
  const description = await describeCluster(inv, context);
  const arn = String(description.arn ?? '');
  // get_cluster_entry
  const clusterBody = new PyMap([
    ['certificate-authority-data', String((description.certificateAuthority as { data?: string } | undefined)?.data ?? '')],
    ['server', description.endpoint === undefined ? null : String(description.endpoint)],
  ]);
  if (inv.proxyUrl !== undefined) clusterBody.set('proxy-url', inv.proxyUrl);
  const cluster = new PyMap([['cluster', clusterBody], ['name', arn]]);
  // get_user_entry
  const region = arn.split(':')[3] ?? '';
  const outpost = description.outpostConfig !== undefined && description.outpostConfig !== null;
  const args = ['--region', region, 'eks', 'get-token', outpost ? '--cluster-id' : '--cluster-name', outpost ? String(description.id) : inv.name, '--output', 'json'];
  if (inv.roleArn !== undefined) args.push('--role', inv.roleArn);
  const exec = new PyMap([['apiVersion', API_VERSION], ['args', args], ['command', 'aws']]);
  const profile = inv.globals.profile ?? context.env.AWS_DEFAULT_PROFILE ?? context.env.AWS_PROFILE;
  if (profile) exec.set('env', [new PyMap([['name', 'AWS_PROFILE'], ['value', profile]])]);
  const user = new PyMap([['name', inv.userAlias || arn], ['user', new PyMap([['exec', exec]])]]);

  const config = chooseKubeconfig(arn, inv.kubeconfig, inv.cwd, context.env);
  const updating = hasCluster(config, arn);
  const contextEntry = insertClusterUserPair(config, cluster, user, inv.alias);
  const name = String(contextEntry.get('name'));
  if (inv.dryRun) return { stdout: dumpContent(config) };
  const after = dumpContent(config);
  // A re-run that finds the file as it would write it changes nothing: adopted.
  let unchanged = false;
  try {
    unchanged = readFileSync(config.path, 'utf8') === after;
  } catch {
    unchanged = false;
  }
  writeKubeconfig(config);
  let stdout = updating ? `Updated context ${name} in ${config.path}\n` : `Added new context ${name} to ${config.path}\n`;
  if (inv.verbose) stdout += `Entries:\n\n${[contextEntry, user, cluster].map((e) => `${dumpYaml(e)}\n`).join('')}`;
  return { stdout, outcome: unchanged ? 'adopted' : updating ? 'updated' : 'created' };
}

/** discover_api_version: KUBERNETES_EXEC_INFO's apiVersion, else v1beta1 (with a note on stderr when it is unusable). */
function apiVersionOf(env: Record<string, string | undefined>): { apiVersion: string; stderr: string } {
  const raw = env.KUBERNETES_EXEC_INFO ?? '';
  if (!raw) return { apiVersion: API_VERSION, stderr: '' };
  let info: unknown;
  try {
    info = JSON.parse(raw);
  } catch {
    return { apiVersion: API_VERSION, stderr: `Error parsing KUBERNETES_EXEC_INFO, defaulting to ${API_VERSION}. This is likely a bug in your Kubernetes client. Please update your Kubernetes client.\n` };
  }
  const version = (info as { apiVersion?: unknown } | null)?.apiVersion;
  if (version === 'client.authentication.k8s.io/v1' || version === API_VERSION) return { apiVersion: version, stderr: '' };
  if (version === 'client.authentication.k8s.io/v1alpha1') {
    return { apiVersion: version, stderr: `Kubeconfig user entry is using deprecated API version ${version}. Run 'aws eks update-kubeconfig' to update.\n` };
  }
  return { apiVersion: API_VERSION, stderr: `Unrecognized API version in KUBERNETES_EXEC_INFO, defaulting to ${API_VERSION}. This is likely due to an outdated AWS CLI. Please update your AWS CLI.\n` };
}

async function getToken(inv: GetToken, context: SendContext): Promise<CustomResult> {
  if (inv.clusterName !== undefined && inv.clusterId !== undefined) {
    throw new TranslateError('The key "cluster_id" cannot be specified when one of the following keys are also specified: cluster_name', { ruleId: 'aws-bad-value', refusal: 'exception' });
  }
  const id = inv.clusterId ?? inv.clusterName;
  // The CLI returns (not raises) this ValueError: Python prints it and exits 1.
  if (id === undefined) throw new CustomCommandFailure('', 'Either parameter --cluster-name or --cluster-id must be specified.\n', 1);
  const token = await eksToken({ clusterId: id, globals: inv.globals, env: context.env, ...(inv.roleArn ? { roleArn: inv.roleArn } : {}), ...(context.signal ? { signal: context.signal } : {}) });
  const { apiVersion, stderr } = apiVersionOf(context.env);
  const credential = { kind: 'ExecCredential', apiVersion, spec: {}, status: { expirationTimestamp: expirationOf(new Date()), token } };
  const chosen = inv.globals.output ?? context.env.AWS_DEFAULT_OUTPUT ?? profileOutput(inv.globals.profile, context.env) ?? 'json';
  if (chosen !== 'json' && chosen !== 'text' && chosen !== 'table') throw new AwsCliError(`Unknown output type: ${chosen}`, 'exception');
  const stdout = `${formatAwsOutput(credential, { output: chosen, ...(inv.globals.query !== undefined ? { query: inv.globals.query } : {}), operation: 'get-token' })}\n`;
  return { stdout, ...(stderr ? { stderr } : {}), secrets: [token] };
}

export const eks: CustomCommand = {
  async translate(argv, context) {
    return translateEks(argv, context);
  },
  async send(call: CustomCall, context: SendContext): Promise<CustomResult> {
    const inv = call.custom.args as EksInvocation;
    try {
      return inv.command === 'get-token' ? await getToken(inv, context) : await updateKubeconfig(inv, context);
    } catch (error) {
      if (error instanceof KubeconfigError) throw new AwsCliError(error.message, 'exception');
      throw error;
    }
  },
};
