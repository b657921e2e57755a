/**
 * The token `aws eks get-token` prints (awscli/customizations/eks/get_token.py): a presigned STS
 * GetCallerIdentity URL (GET, 60 seconds, the `x-k8s-aws-id` header naming the cluster signed with it),
 * base64url without padding, prefixed `k8s-aws-v1.`. Signed here as botocore's SigV4QueryAuth signs it,
 * with the credentials the command's environment gives (or those of `--role-arn`, assumed first).
 * ./eks-exec-auth.ts uses it for kubeconfig users whose exec plugin is `aws eks get-token`.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Env } from '../environment.js';
import { AwsCliError } from '../errors.js';
import { makeClient } from './clients.js';
import { parseCommandLine, type ArgSpec, type Globals } from './command-line.js';

export const TOKEN_PREFIX = 'k8s-aws-v1.';
const URL_TIMEOUT = 60;
const TOKEN_EXPIRATION_MINS = 14;
const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** botocore's percent_encode (quote with `-_.~` safe). */
function percentEncode(text: string): string {
  return [...new TextEncoder().encode(text)].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) && b < 128 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');

/** `%Y%m%dT%H%M%SZ` */
function amzDate(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** The STS endpoint the CLI presigns against: the configured one, else the regional one (`sts.amazonaws.com` with no region). */
export function stsEndpoint(region: string | undefined, configured: string | undefined): string {
  if (configured) return configured;
  if (!region) return 'https://sts.amazonaws.com';
  return `https://sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

/** The presigned GetCallerIdentity URL, as SigV4QueryAuth builds it. */
export function presignedUrl(options: { clusterId: string; region: string; endpoint: string; credentials: Credentials; now: Date }): string {
  const { clusterId, region, credentials, now } = options;
  const url = new URL(options.endpoint);
  const path = url.pathname && url.pathname !== '' ? url.pathname : '/';
  const host = url.host;
  const timestamp = amzDate(now);
  const scope = `${timestamp.slice(0, 8)}/${region}/sts/aws4_request`;
  const operation: Array<[string, string]> = [['Action', 'GetCallerIdentity'], ['Version', '2011-06-15']];
  const auth: Array<[string, string]> = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${credentials.accessKeyId}/${scope}`],
    ['X-Amz-Date', timestamp],
    ['X-Amz-Expires', String(URL_TIMEOUT)],
    ['X-Amz-SignedHeaders', 'host;x-k8s-aws-id'],
  ];
  if (credentials.sessionToken) auth.push(['X-Amz-Security-Token', credentials.sessionToken]);
  const encode = (pairs: Array<[string, string]>) => pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`);
  const query = [...encode(operation), ...encode(auth)];
  const canonicalQuery = query
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as [string, string])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = ['GET', encodeURI(path).replace(/%7E/g, '~'), canonicalQuery, `host:${host}\nx-k8s-aws-id:${clusterId.trim().split(/\s+/).join(' ')}\n`, 'host;x-k8s-aws-id', EMPTY_SHA256].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', timestamp, scope, sha256(canonicalRequest)].join('\n');
  const kDate = hmac(`AWS4${credentials.secretAccessKey}`, timestamp.slice(0, 8));
  const kSigning = hmac(hmac(hmac(kDate, region), 'sts'), 'aws4_request');
  const signature = createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex');
  return `${url.protocol}//${host}${path}?${query.join('&')}&X-Amz-Signature=${signature}`;
}

/** TokenGenerator.get_token */
export function tokenOf(url: string): string {
  return TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url');
}

/** `%Y-%m-%dT%H:%M:%SZ`, 14 minutes from now (STS signs for 15). */
export function expirationOf(now: Date): string {
  return new Date(now.getTime() + TOKEN_EXPIRATION_MINS * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface TokenRequest {
  clusterId: string;
  globals: Globals;
  roleArn?: string;
  env: Env;
  signal?: AbortSignal;
}

/** STSClientFactory + TokenGenerator: the credentials (a role assumed first with --role-arn), then the URL. */
export async function eksToken(request: TokenRequest): Promise<string> {
  const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
  // With no region configured botocore presigns for the global endpoint, signed in us-east-1.
  let regional = true;
  let sts;
  try {
    sts = makeClient(STSClient as never, { service: 'sts', globals: request.globals }, request.env);
  } catch (error) {
    if (!(error instanceof AwsCliError) || !/specify a region/.test(error.message)) throw error;
    regional = false;
    sts = makeClient(STSClient as never, { service: 'sts', globals: request.globals, globalService: true }, request.env);
  }
  try {
    let credentials: Credentials;
    if (request.roleArn) {
      const out = await sts.send<{ Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } }>(
        new AssumeRoleCommand({ RoleArn: request.roleArn, RoleSessionName: 'EKSGetTokenAuth' }),
        request.signal,
      );
      credentials = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
    } else {
      const c = await sts.raw.config.credentials();
      credentials = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}) };
    }
    const region = sts.settings.region;
    const endpoint = stsEndpoint(regional ? region : undefined, sts.settings.endpoint);
    return tokenOf(presignedUrl({ clusterId: request.clusterId, region, endpoint, credentials, now: new Date() }));
  } finally {
    sts.destroy();
  }
}

/** get-token's ARG_TABLE. */
export const GET_TOKEN_ARGS: readonly ArgSpec[] = [{ name: 'cluster-name' }, { name: 'role-arn' }, { name: 'cluster-id' }];

/** The token for an exec plugin's `aws … eks get-token …` arguments, in the plugin's environment. */
export async function tokenForExecArgs(args: string[], env: Env): Promise<string> {
  const { globals, args: parsed } = parseCommandLine(['aws', ...args], GET_TOKEN_ARGS);
  const clusterId = parsed.taken.get('cluster_id')?.words[0]?.text ?? parsed.taken.get('cluster_name')?.words[0]?.text;
  if (!clusterId) throw new Error('getting credentials: Either parameter --cluster-name or --cluster-id must be specified.');
  const roleArn = parsed.taken.get('role_arn')?.words[0]?.text;
  return eksToken({ clusterId, globals, env, ...(roleArn ? { roleArn } : {}) });
}
