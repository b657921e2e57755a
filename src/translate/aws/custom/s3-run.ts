/**
 * Running `aws s3 …` (loaded with @aws-sdk/client-s3 when such a command runs): ls, mb and rb as
 * subcommands.py writes them, the transfers through ./s3-transfer.ts, each with the CLI's lines and
 * exit status. A status other than 0 is a CustomCommandFailure carrying what was printed.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { SendContext } from '../../types.js';
import { AwsCliError } from '../errors.js';
import { cliFailure } from '../failure.js';
import { errorText, makeClient, type Client } from './clients.js';
import { CustomCommandFailure, type CustomResult } from './command.js';
import type { S3Invocation, TransferParams } from './s3.js';
import { abspath, findBucketKey, humanReadableSize, localTimeString, splitS3 } from './s3-paths.js';
import { Results, runTransfer } from './s3-transfer.js';

type S3Sdk = typeof import('@aws-sdk/client-s3');

export async function runS3(inv: S3Invocation, context: SendContext): Promise<CustomResult> {
  const s3 = await import('@aws-sdk/client-s3');
  const client = makeClient(s3.S3Client as never, { service: 's3api', globals: inv.globals, globalService: true }, context.env, { followRegionRedirects: true });
  try {
    switch (inv.command) {
      case 'ls':
        return await ls(s3, client, inv, context);
      case 'mb':
        return await mb(s3, client, inv, context);
      case 'rb':
        return await rb(s3, client, inv, context);
      default:
        return await transfer(s3, client, inv, inv.transfer!, context);
    }
  } finally {
    client.destroy();
  }
}

/** An exception the CLI's driver prints (`\n<message>\n`, exit 255), after what the command already printed. */
function raised(stdout: string, error: unknown): CustomCommandFailure {
  const { stderr, exitCode } = cliFailure(error);
  return new CustomCommandFailure(stdout, stderr, exitCode);
}

// ---- ls ----

async function ls(s3: S3Sdk, client: Client, inv: S3Invocation, context: SendContext): Promise<CustomResult> {
  const o = inv.ls!;
  const out: string[] = [];
  const tz = context.env.TZ;
  const size = (n: number) => (o.humanReadable ? humanReadableSize(n) : String(n)).padStart(10, ' ');
  const date = (d: Date) => localTimeString(d, tz).padEnd(19, ' ');
  let path = inv.path!;
  if (path.startsWith('s3://')) path = path.slice(5);
  const [bucket, key] = findBucketKey(path);
  let empty = false;
  let firstPage = true;
  let objects = 0;
  let bytes = 0;
  try {
    if (!bucket) {
      let token: string | undefined;
      do {
        const page = await client.send<{ Buckets?: Array<{ Name?: string; CreationDate?: Date }>; ContinuationToken?: string }>(
          new s3.ListBucketsCommand({
            ...(o.pageSize ? { MaxBuckets: o.pageSize } : {}),
            ...(o.bucketNamePrefix ? { Prefix: o.bucketNamePrefix } : {}),
            ...(o.bucketRegion ? { BucketRegion: o.bucketRegion } : {}),
            ...(token ? { ContinuationToken: token } : {}),
          }),
          context.signal,
        );
        for (const b of page.Buckets ?? []) out.push(`${date(b.CreationDate!)} ${b.Name}\n`);
        token = page.ContinuationToken;
      } while (token);
    } else {
      let token: string | undefined;
      do {
        const page = await client.send<{
          Contents?: Array<{ Key?: string; Size?: number; LastModified?: Date }>;
          CommonPrefixes?: Array<{ Prefix?: string }>;
          IsTruncated?: boolean;
          NextContinuationToken?: string;
        }>(
          new s3.ListObjectsV2Command({
            Bucket: bucket,
            Prefix: key,
            ...(o.recursive ? {} : { Delimiter: '/' }),
            ...(o.pageSize ? { MaxKeys: o.pageSize } : {}),
            ...(o.requestPayer ? { RequestPayer: o.requestPayer as 'requester' } : {}),
            ...(token ? { ContinuationToken: token } : {}),
          }),
          context.signal,
        );
        const prefixes = page.CommonPrefixes ?? [];
        const contents = page.Contents ?? [];
        if (!prefixes.length && !contents.length) empty = true;
        else {
          for (const p of prefixes) {
            const parts = p.Prefix!.split('/');
            out.push(`${'PRE'.padStart(30, ' ')} ${parts[parts.length - 2]}/\n`);
          }
          for (const c of contents) {
            bytes += Number(c.Size ?? 0);
            objects++;
            const name = o.recursive ? c.Key! : c.Key!.split('/').pop()!;
            out.push(`${date(c.LastModified!)} ${size(Number(c.Size ?? 0))} ${name}\n`);
          }
          firstPage = false;
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    }
  } catch (error) {
    throw raised(out.join(''), error);
  }
  if (o.summarize) {
    out.push(`${'\nTotal Objects: '.padStart(15, ' ')}${objects}\n`);
    out.push(`${'Total Size: '.padStart(15, ' ')}${o.humanReadable ? humanReadableSize(bytes) : String(bytes)}\n`);
  }
  const stdout = out.join('');
  // A key that matches nothing is status 1 (the listing itself succeeded).
  if (key && empty && firstPage) throw new CustomCommandFailure(stdout, '', 1);
  return { stdout };
}

// ---- mb, rb ----

async function mb(s3: S3Sdk, client: Client, inv: S3Invocation, context: SendContext): Promise<CustomResult> {
  const [bucket] = splitS3(inv.path!);
  const params: Record<string, unknown> = { Bucket: bucket };
  const config: Record<string, unknown> = {};
  if (bucket.endsWith('-an')) params.BucketNamespace = 'account-regional';
  const region = client.settings.region;
  // Sending LocationConstraint us-east-1 is an error: the CLI leaves it out there.
  if (region !== 'us-east-1') config.LocationConstraint = region;
  if (inv.tags?.length) config.Tags = inv.tags;
  if (Object.keys(config).length) params.CreateBucketConfiguration = config;
  // In us-east-1, creating a bucket you own succeeds again: whether it existed is the call's outcome.
  let existed = false;
  if (region === 'us-east-1') {
    try {
      await client.send(new s3.HeadBucketCommand({ Bucket: bucket }), context.signal);
      existed = true;
    } catch {
      // absent, or not ours: CreateBucket says which
    }
  }
  try {
    await client.send(new s3.CreateBucketCommand(params as never), context.signal);
  } catch (error) {
    if (error instanceof AwsCliError) throw error;
    throw new CustomCommandFailure('', `make_bucket failed: ${inv.path} ${errorText(error)}\n`, 1);
  }
  return { stdout: `make_bucket: ${bucket}\n`, outcome: existed ? 'adopted' : 'created' };
}

async function rb(s3: S3Sdk, client: Client, inv: S3Invocation, context: SendContext): Promise<CustomResult> {
  const [bucket] = splitS3(inv.path!);
  let stdout = '';
  let stderr = '';
  if (inv.force) {
    // `rm <path> --recursive` first.
    const root = inv.path!.endsWith('/') ? inv.path! : `${inv.path}/`;
    const p: TransferParams = { dirOp: true, isMove: false, isStream: false, pathsType: 's3', src: root, dest: root, filters: [], followSymlinks: true, guessMimeType: true, caseConflict: 'ignore' };
    const results = new Results({});
    await runTransfer({ s3, command: 'rm', p, cwd: inv.cwd, client, sourceClient: client, results, probe: false, ...(context.signal ? { signal: context.signal } : {}) });
    stdout = results.out.join('');
    stderr = results.err.join('');
    if (results.exitCode !== 0) {
      throw new CustomCommandFailure(stdout, `${stderr}\nremove_bucket failed: Unable to delete all objects in the bucket, bucket will not be deleted.\n`, 255);
    }
  }
  try {
    await client.send(new s3.DeleteBucketCommand({ Bucket: bucket }), context.signal);
  } catch (error) {
    if (error instanceof AwsCliError) throw error;
    throw new CustomCommandFailure(stdout, `${stderr}remove_bucket failed: ${inv.path} ${errorText(error)}\n`, 1);
  }
  return { stdout: `${stdout}remove_bucket: ${bucket}\n`, ...(stderr ? { stderr } : {}), outcome: 'updated' };
}

// ---- cp, mv, rm, sync ----

async function transfer(s3: S3Sdk, client: Client, inv: S3Invocation, p: TransferParams, context: SendContext): Promise<CustomResult> {
  // CommandParameters._validate_path_args: what needs the file system.
  if (p.pathsType === 'locals3' && !p.isStream && !existsSync(abspath(p.src, inv.cwd))) {
    throw new CustomCommandFailure('', `\nThe user-provided path ${p.src} does not exist.\n`, 255);
  }
  if (p.pathsType === 's3local' && p.dirOp) {
    const dest = abspath(p.dest, inv.cwd);
    if (!existsSync(dest)) mkdirSync(dest, { recursive: true });
  }
  // The source client of --source-region has no --endpoint-url (the configured one still applies).
  const { endpointUrl: _, ...sourceGlobals } = inv.globals;
  const sourceClient =
    p.sourceRegion && p.pathsType === 's3s3'
      ? makeClient(s3.S3Client as never, { service: 's3api', globals: sourceGlobals, region: p.sourceRegion, globalService: true }, context.env, { followRegionRedirects: true })
      : client;
  const results = new Results(p);
  try {
    await runTransfer({
      s3, command: inv.command, p, cwd: inv.cwd, client, sourceClient, results, probe: !p.dryrun,
      ...(context.stdin !== undefined ? { stdin: context.stdin } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
    });
  } finally {
    if (sourceClient !== client) sourceClient.destroy();
  }
  const stdout = results.out.join('');
  const stderr = results.err.join('');
  if (results.exitCode !== 0) throw new CustomCommandFailure(stdout, stderr, results.exitCode);
  const changed = results.created + results.overwritten + results.deleted;
  const outcome = changed === 0 ? 'adopted' : results.overwritten + results.deleted === 0 ? 'created' : 'updated';
  return { stdout, ...(stderr ? { stderr } : {}), outcome };
}
