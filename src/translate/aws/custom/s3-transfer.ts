/**
 * `aws s3 cp|mv|rm|sync` as the aws CLI v1 runs them (awscli/customizations/s3: fileformat.py,
 * filegenerator.py, filters.py, comparator.py, syncstrategy/, s3handler.py, results.py): the source
 * listed (a local tree in the CLI's byte order, or ListObjectsV2/HeadObject), filtered, compared with
 * the destination for sync, each file submitted (upload, download, copy, delete; multipart from 8 MiB as
 * s3transfer does), at most 10 at a time, and the CLI's result lines. Lines are reported in submission
 * order (the CLI prints them as its threads finish; the set of lines is the same). The CLI's progress
 * line (`Completed 6 Bytes/6 Bytes (…/s) with 1 file(s) remaining\r`) is not reproduced: it is timing.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { dirname, posix } from 'node:path';
import type { Client } from './clients.js';
import { errorText } from './clients.js';
import { fnmatch } from './fnmatch.js';
import { guessContentType } from './mime.js';
import type { S3Command, TransferParams } from './s3.js';
import { abspath, compareCodePoints, findBucketKey, humanReadableSize, relativePath, splitS3 } from './s3-paths.js';

type S3Sdk = typeof import('@aws-sdk/client-s3');
type Operation = 'upload' | 'download' | 'copy' | 'delete';

const MB = 1024 * 1024;
const MULTIPART_THRESHOLD = 8 * MB;
const MULTIPART_CHUNKSIZE = 8 * MB;
const MAX_CONCURRENCY = 10;
const MAX_UPLOAD_SIZE = 5 * 1024 ** 3 * 10000;
const MAX_PARTS = 10000;

/** What the run printed and counted (ResultRecorder + the printer). */
export class Results {
  readonly out: string[] = [];
  readonly err: string[] = [];
  failed = 0;
  warned = 0;
  errors = 0;
  /** What changed: destinations written (new or over an existing one), objects or files deleted. */
  created = 0;
  overwritten = 0;
  deleted = 0;

  constructor(private readonly mode: { quiet?: boolean; onlyShowErrors?: boolean }) {}

  success(line: string): void {
    if (!this.mode.quiet && !this.mode.onlyShowErrors) this.out.push(`${line}\n`);
  }
  dryrun(line: string): void {
    if (!this.mode.quiet) this.out.push(`(dryrun) ${line}\n`);
  }
  failure(line: string): void {
    this.failed++;
    if (!this.mode.quiet) this.err.push(`${line}\n`);
  }
  warning(message: string): void {
    this.warned++;
    if (!this.mode.quiet) this.err.push(`${message}\n`);
  }
  fatal(message: string): void {
    this.errors++;
    if (!this.mode.quiet) this.err.push(`fatal error: ${message}\n`);
  }
  /** The CLI's status: 1 when a transfer failed or a fatal error stopped it, 2 for warnings only. */
  get exitCode(): number {
    return this.failed + this.errors > 0 ? 1 : this.warned > 0 ? 2 : 0;
  }
}

/** create_warning */
const warningText = (path: string, message: string, skip = true) => `warning: ${skip ? `Skipping file ${path}. ` : ''}${message}`;

export interface TransferContext {
  s3: S3Sdk;
  command: S3Command;
  p: TransferParams;
  cwd: string;
  /** The destination's client, and the source's (`--source-region`). */
  client: Client;
  sourceClient: Client;
  stdin?: string;
  signal?: AbortSignal;
  results: Results;
  /** Whether to find out which destinations exist already (the call's outcome): not for dry runs. */
  probe: boolean;
}

/** An SDK command from a plain input (the CLI's parameters are checked by S3, as botocore leaves them). */
function make(Command: new (input: never) => unknown, input: Record<string, unknown>): unknown {
  return new Command(input as never);
}

/**
 * botocore sends a body without a Content-Type when none is given (S3 then stores its default,
 * binary/octet-stream); the SDK would add application/octet-stream.
 */
function untyped(command: unknown, strip: boolean): unknown {
  if (!strip) return command;
  const stack = (command as { middlewareStack: { add(m: unknown, o: object): void } }).middlewareStack;
  stack.add(
    (next: (args: unknown) => Promise<unknown>) => async (args: { request?: { headers?: Record<string, string> } }) => {
      const headers = args.request?.headers;
      if (headers) for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-type') delete headers[name];
      return next(args);
    },
    { step: 'build', priority: 'low', name: 'runbookNoDefaultContentType' },
  );
  return command;
}

/** A file or object as the generators yield it (FileStat / FileInfo). */
interface FileStat {
  src: string;
  dest: string;
  compareKey: string;
  size?: number;
  /** Seconds since the epoch (the local file's mtime, the object's LastModified). */
  mtime?: number;
  srcType: 'local' | 's3';
  destType: 'local' | 's3';
  operation: Operation;
  storageClass?: string;
  restore?: string;
  etag?: string;
}

interface Side {
  path: string;
  type: 'local' | 's3';
}
interface Files {
  src: Side;
  dest: Side;
  dirOp: boolean;
  useSrcName: boolean;
}

/** FileFormat.format */
function formatFiles(src: string, dest: string, dirOp: boolean, cwd: string): Files {
  const side = (path: string) => (path.startsWith('s3://') ? { type: 's3' as const, path: path.slice(5) } : { type: 'local' as const, path });
  const s = side(src);
  const d = side(dest);
  const fmt = (x: Side): [string, boolean] => {
    if (x.type === 's3') {
      if (dirOp) return [x.path.endsWith('/') ? x.path : `${x.path}/`, true];
      return [x.path, x.path.endsWith('/')];
    }
    const full = abspath(x.path, cwd);
    if ((existsSync(full) && statSync(full).isDirectory()) || dirOp) return [`${full}/`.replace(/\/+$/, '/'), true];
    return x.path.endsWith('/') ? [`${full}/`.replace(/\/+$/, '/'), true] : [full, false];
  };
  const [srcPath] = fmt(s);
  const [destPath, useSrcName] = fmt(d);
  return { src: { ...s, path: srcPath }, dest: { ...d, path: destPath }, dirOp, useSrcName };
}

/** find_dest_path_comp_key */
function destAndKey(files: Files, srcPath: string): [string, string] {
  const rel = files.dirOp ? srcPath.slice(files.src.path.length) : srcPath.slice(srcPath.lastIndexOf('/') + 1);
  return [files.useSrcName ? files.dest.path + rel : files.dest.path, rel];
}

/** os.path.dirname: everything before the last `/`, trailing slashes removed (`d/` is `d`). */
function pyDirname(path: string): string {
  const head = path.slice(0, path.lastIndexOf('/') + 1);
  return head && !/^\/+$/.test(head) ? head.replace(/\/+$/, '') : head;
}

/** os.path.join for two parts */
const pyJoin = (a: string, b: string) => (b.startsWith('/') ? b : a === '' || a.endsWith('/') ? `${a}${b}` : `${a}/${b}`);

// ---- the file generators ----

type Generated = { path: string; size?: number; mtime?: number; storageClass?: string; restore?: string; etag?: string };

/** FileGenerator.list_files: a local file, or a directory depth first in the order S3 lists keys. */
function* listFiles(path: string, dirOp: boolean, ctx: TransferContext): Generator<Generated> {
  if (shouldIgnore(path, ctx)) return;
  if (!dirOp) {
    const stats = safeStats(path, ctx);
    if (stats) yield stats;
    return;
  }
  const names: string[] = [];
  for (const name of readdirSync(path)) {
    const filePath = pyJoin(path, name);
    if (shouldIgnore(filePath, ctx)) continue;
    names.push(isDir(filePath) ? `${name}/` : name);
  }
  names.sort(compareCodePoints);
  for (const name of names) {
    const filePath = pyJoin(path, name);
    if (isDir(filePath)) yield* listFiles(filePath, dirOp, ctx);
    else {
      const stats = safeStats(filePath, ctx);
      if (stats) yield stats;
    }
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function safeStats(path: string, ctx: TransferContext): Generated | undefined {
  try {
    const st = statSync(path, { bigint: true });
    return { path, size: Number(st.size), mtime: Number(st.mtimeNs / 1000n) / 1e6 };
  } catch {
    triggersWarning(path, ctx);
    return undefined;
  }
}

/** should_ignore_file: a link not to follow, or a file that triggers a warning. */
function shouldIgnore(path: string, ctx: TransferContext): boolean {
  if (!ctx.p.followSymlinks) {
    const p = isDir(path) && path.endsWith('/') ? path.slice(0, -1) : path;
    try {
      if (lstatSync(p).isSymbolicLink()) return true;
    } catch {
      // checked below
    }
  }
  return triggersWarning(path, ctx);
}

function triggersWarning(path: string, ctx: TransferContext): boolean {
  let st;
  try {
    st = statSync(path);
  } catch {
    ctx.results.warning(warningText(path, 'File does not exist.'));
    return true;
  }
  if (st.isCharacterDevice() || st.isBlockDevice() || st.isFIFO() || st.isSocket()) {
    ctx.results.warning(warningText(path, 'File is character special device, block special device, FIFO, or socket.'));
    return true;
  }
  if (!readable(path, st.isDirectory())) {
    ctx.results.warning(warningText(path, 'File/Directory is not readable.'));
    return true;
  }
  return false;
}

function readable(path: string, dir: boolean): boolean {
  try {
    if (dir) readdirSync(path);
    else closeSync(openSync(path, 'r'));
    return true;
  } catch {
    return false;
  }
}

/** A failure that stops the command (`fatal error: …`): the CLI's exception text. */
class Fatal extends Error {
  override readonly name = 'Fatal';
}

/** FileGenerator.list_objects: one object by HeadObject (a delete needs none), or a listing. */
async function* listObjects(s3Path: string, dirOp: boolean, operation: Operation | '', client: Client, ctx: TransferContext): AsyncGenerator<Generated> {
  const [bucket, prefix] = findBucketKey(s3Path);
  const payer = ctx.p.requestPayer ? { RequestPayer: ctx.p.requestPayer } : {};
  if (!dirOp && prefix) {
    if (operation === 'delete') {
      yield { path: s3Path };
      return;
    }
    const sse = ctx.p.pathsType === 's3s3'
      ? ctx.p.sseCCopySource ? { SSECustomerAlgorithm: ctx.p.sseCCopySource, SSECustomerKey: ctx.p.sseCCopySourceKey } : {}
      : ctx.p.sseC ? { SSECustomerAlgorithm: ctx.p.sseC, SSECustomerKey: ctx.p.sseCKey } : {};
    let head: Record<string, unknown>;
    try {
      head = await client.send(make(ctx.s3.HeadObjectCommand, { Bucket: bucket, Key: prefix, ...payer, ...sse }), ctx.signal);
    } catch (error) {
      const text = errorText(error);
      // The key does not exist: the CLI says so instead of "Not Found".
      if (/^An error occurred \(404\) when calling the HeadObject operation/.test(text)) {
        throw new Fatal(`${text.slice(0, text.indexOf(': ') + 2)}Key "${prefix}" does not exist`);
      }
      throw new Fatal(text);
    }
    yield {
      path: s3Path,
      size: Number(head.ContentLength ?? 0),
      mtime: (head.LastModified as Date).getTime() / 1000,
      ...(head.StorageClass ? { storageClass: String(head.StorageClass) } : {}),
      ...(head.Restore ? { restore: String(head.Restore) } : {}),
      ...(head.ETag ? { etag: String(head.ETag) } : {}),
    };
    return;
  }
  let token: string | undefined;
  do {
    let page: { Contents?: Array<Record<string, unknown>>; NextContinuationToken?: string; IsTruncated?: boolean };
    try {
      page = await client.send(
        make(ctx.s3.ListObjectsV2Command, { Bucket: bucket, Prefix: prefix, ...(ctx.p.pageSize ? { MaxKeys: ctx.p.pageSize } : {}), ...(token ? { ContinuationToken: token } : {}), ...payer }),
        ctx.signal,
      );
    } catch (error) {
      throw new Fatal(errorText(error));
    }
    for (const content of page.Contents ?? []) {
      const key = String(content.Key);
      const source = `${bucket}/${key}`;
      const item: Generated = {
        path: source,
        size: Number(content.Size ?? 0),
        mtime: (content.LastModified as Date).getTime() / 1000,
        ...(content.StorageClass ? { storageClass: String(content.StorageClass) } : {}),
        ...(content.ETag ? { etag: String(content.ETag) } : {}),
      };
      // Zero-byte "folders" are deleted but never copied.
      if (item.size === 0 && key.endsWith('/')) {
        if (operation === 'delete') yield item;
      } else if (!dirOp && s3Path !== source) {
        continue;
      } else yield item;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

async function* generate(files: Files, operation: Operation | '', client: Client, ctx: TransferContext): AsyncGenerator<FileStat> {
  const source = files.src.type === 's3' ? listObjects(files.src.path, files.dirOp, operation, client, ctx) : listFiles(files.src.path, files.dirOp, ctx);
  for await (const g of source) {
    const [dest, compareKey] = destAndKey(files, g.path);
    yield {
      src: g.path,
      dest,
      compareKey,
      srcType: files.src.type,
      destType: files.dest.type,
      operation: operation as Operation,
      ...(g.size !== undefined ? { size: g.size } : {}),
      ...(g.mtime !== undefined ? { mtime: g.mtime } : {}),
      ...(g.storageClass ? { storageClass: g.storageClass } : {}),
      ...(g.restore ? { restore: g.restore } : {}),
      ...(g.etag ? { etag: g.etag } : {}),
    };
  }
}

// ---- filters (filters.py) ----

class Filter {
  private readonly patterns: Array<[string, string]>;
  private readonly destPatterns: Array<[string, string]>;

  constructor(p: TransferParams, cwd: string) {
    const root = (location: string) => {
      if (location.startsWith('s3://')) {
        let [bucket, key] = splitS3(location);
        if (!p.dirOp && !key.endsWith('/')) key = key.split('/').slice(0, -1).join('/');
        return `${bucket}/${key}`;
      }
      return abspath(p.dirOp ? location : pyDirname(location), cwd);
    };
    const srcRoot = p.filters.length ? root(p.src) : '';
    const destRoot = p.filters.length ? root(p.dest) : '';
    this.patterns = p.filters.map(([type, pattern]) => [type, pyJoin(srcRoot, pattern)]);
    this.destPatterns = p.filters.map(([type, pattern]) => [type, pyJoin(destRoot, pattern)]);
  }

  includes(file: FileStat): boolean {
    let include = true;
    this.patterns.forEach((pattern, i) => {
      for (const [type, path] of [pattern, this.destPatterns[i]!]) {
        if (fnmatch(file.src, path)) include = type === 'include';
      }
    });
    return include;
  }
}

async function* filtered(source: AsyncIterable<FileStat>, filter: Filter): AsyncGenerator<FileStat> {
  for await (const f of source) if (filter.includes(f)) yield f;
}

// ---- sync (comparator.py, syncstrategy) ----

interface Decision {
  file: FileStat;
  /** Whether the destination already has it (the outcome: created or overwritten). */
  existed: boolean;
}

async function* compare(src: AsyncIterator<FileStat>, dest: AsyncIterator<FileStat>, p: TransferParams): AsyncGenerator<Decision> {
  const atBoth = (s: FileStat, d: FileStat): boolean => {
    const sameSize = s.size === d.size;
    if (p.sizeOnly && !p.exactTimestamps) return !sameSize;
    const delta = (d.mtime ?? 0) - (s.mtime ?? 0);
    let sameTime: boolean;
    if (s.operation === 'download') sameTime = p.exactTimestamps ? delta === 0 : delta <= 0;
    else sameTime = delta >= 0;
    return !sameSize || !sameTime;
  };
  let s = await src.next();
  let d = await dest.next();
  while (!s.done || !d.done) {
    if (!s.done && !d.done) {
      const order = compareCodePoints(s.value.compareKey, d.value.compareKey);
      if (order === 0) {
        if (atBoth(s.value, d.value)) yield { file: s.value, existed: true };
        s = await src.next();
        d = await dest.next();
      } else if (order < 0) {
        yield { file: s.value, existed: false };
        s = await src.next();
      } else {
        if (p.delete) yield { file: { ...d.value, operation: 'delete' }, existed: true };
        d = await dest.next();
      }
    } else if (!s.done) {
      yield { file: s.value, existed: false };
      s = await src.next();
    } else {
      if (p.delete) yield { file: { ...d.value, operation: 'delete' }, existed: true };
      d = await dest.next();
    }
  }
}

// ---- request parameters (RequestParamsMapper) ----

function generalParams(p: TransferParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const map: Array<[keyof TransferParams, string]> = [
    ['acl', 'ACL'], ['storageClass', 'StorageClass'], ['websiteRedirect', 'WebsiteRedirectLocation'], ['contentType', 'ContentType'],
    ['cacheControl', 'CacheControl'], ['contentDisposition', 'ContentDisposition'], ['contentEncoding', 'ContentEncoding'],
    ['contentLanguage', 'ContentLanguage'], ['expires', 'Expires'],
  ];
  for (const [from, to] of map) if (p[from]) out[to] = from === 'expires' ? new Date(String(p[from])) : p[from];
  for (const grant of p.grants ?? []) {
    const eq = grant.indexOf('=');
    if (eq < 0) throw new Fatal('grants should be of the form permission=principal');
    const permission = grant.slice(0, eq);
    const param = { read: 'GrantRead', full: 'GrantFullControl', readacl: 'GrantReadACP', writeacl: 'GrantWriteACP' }[permission];
    if (!param) throw new Fatal('permission must be one of: read|readacl|writeacl|full');
    out[param] = grant.slice(eq + 1);
  }
  return out;
}

const sseParams = (p: TransferParams) => ({ ...(p.sse ? { ServerSideEncryption: p.sse } : {}), ...(p.sseKmsKeyId ? { SSEKMSKeyId: p.sseKmsKeyId } : {}) });
const sseCParams = (p: TransferParams) => (p.sseC ? { SSECustomerAlgorithm: p.sseC, SSECustomerKey: p.sseCKey } : {});
const copySourceSseC = (p: TransferParams) => (p.sseCCopySource ? { CopySourceSSECustomerAlgorithm: p.sseCCopySource, CopySourceSSECustomerKey: p.sseCCopySourceKey } : {});
const payerParam = (p: TransferParams) => (p.requestPayer ? { RequestPayer: p.requestPayer } : {});
const checksumParam = (p: TransferParams) => (p.checksumAlgorithm ? { ChecksumAlgorithm: p.checksumAlgorithm } : {});

function putObjectParams(p: TransferParams): Record<string, unknown> {
  return { ...generalParams(p), ...(p.metadata ? { Metadata: p.metadata } : {}), ...sseParams(p), ...sseCParams(p), ...payerParam(p), ...checksumParam(p) };
}

function copyObjectParams(p: TransferParams): Record<string, unknown> {
  const out: Record<string, unknown> = { ...generalParams(p) };
  if (p.metadataDirective) out.MetadataDirective = p.metadataDirective;
  if (p.metadata) out.Metadata = p.metadata;
  if (out.Metadata && !out.MetadataDirective) out.MetadataDirective = 'REPLACE';
  return { ...out, ...sseParams(p), ...sseCParams(p), ...copySourceSseC(p), ...payerParam(p), ...checksumParam(p) };
}

/** s3transfer's ChunksizeAdjuster: at most 10,000 parts of 5 MiB to 5 GiB. */
function partSize(size: number): number {
  let chunk = Math.min(Math.max(MULTIPART_CHUNKSIZE, 5 * MB), 5 * 1024 ** 3);
  while (Math.ceil(size / chunk) > MAX_PARTS) chunk *= 2;
  return chunk;
}

/** botocore's copy source: the key percent-encoded but for `/` and `-._~`. */
function copySource(bucket: string, key: string): string {
  const enc = (s: string) => [...new TextEncoder().encode(s)].map((b) => (/[A-Za-z0-9\-._~/]/.test(String.fromCharCode(b)) && b < 128 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
  return `${bucket}/${enc(key)}`;
}

// ---- the transfers (s3handler.py + s3transfer) ----

interface Task {
  run(): Promise<void>;
  /** `upload: ./a.txt to s3://b/a.txt` without the type word. */
  location: string;
  type: string;
}

export async function runTransfer(ctx: TransferContext): Promise<void> {
  const { p, results } = ctx;
  const operation: Operation = ({ locals3: 'upload', s3s3: 'copy', s3local: 'download', s3: 'delete' } as const)[p.pathsType];
  const files = formatFiles(p.src, p.dest, p.dirOp, ctx.cwd);
  const tasks: Task[] = [];
  try {
    let decisions: AsyncIterable<Decision>;
    if (p.isStream) {
      const [dest, compareKey] = destAndKey(files, files.src.path);
      decisions = (async function* () {
        yield { file: { src: files.src.path, dest, compareKey, srcType: files.src.type, destType: files.dest.type, operation }, existed: false };
      })();
    } else if (ctx.command === 'sync') {
      const rev = formatFiles(p.dest, p.src, p.dirOp, ctx.cwd);
      const filter = new Filter(p, ctx.cwd);
      const src = filtered(generate(files, operation, ctx.sourceClient, ctx), filter)[Symbol.asyncIterator]();
      const dest = filtered(generate(rev, '', ctx.client, ctx), filter)[Symbol.asyncIterator]();
      decisions = compare(src, dest, p);
    } else {
      const filter = new Filter(p, ctx.cwd);
      const source = filtered(generate(files, operation, ctx.sourceClient, ctx), filter);
      const existed = ctx.probe && operation !== 'delete' && operation !== 'download' ? existence(files, ctx) : async () => false;
      decisions = (async function* () {
        for await (const file of source) yield { file, existed: await existed(file.dest) };
      })();
    }
    const conflicts = p.pathsType === 's3local' && p.dirOp && p.caseConflict !== 'ignore' ? new Set<string>() : undefined;
    for await (const decision of decisions) {
      if (conflicts && !caseConflictAllows(decision, conflicts, ctx)) continue;
      const task = submit(decision, ctx);
      if (task) tasks.push(task);
    }
  } catch (error) {
    // What was submitted before the failure still runs; then the CLI reports it and stops.
    await runAll(tasks, ctx);
    results.fatal(error instanceof Fatal ? error.message : errorText(error));
    return;
  }
  await runAll(tasks, ctx);
}

/**
 * Whether a destination object exists before the transfer (the call's outcome: created or updated):
 * HeadObject for one file, one listing of the prefix for a recursive copy. Best effort, never fatal.
 */
function existence(files: Files, ctx: TransferContext): (dest: string) => Promise<boolean> {
  let listed: Promise<Set<string>> | undefined;
  const list = async (): Promise<Set<string>> => {
    const found = new Set<string>();
    const [bucket, prefix] = findBucketKey(files.dest.path);
    let token: string | undefined;
    do {
      const page = await ctx.client.send<{ Contents?: Array<{ Key?: string }>; IsTruncated?: boolean; NextContinuationToken?: string }>(
        make(ctx.s3.ListObjectsV2Command, { Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}), ...payerParam(ctx.p) }),
        ctx.signal,
      );
      for (const c of page.Contents ?? []) found.add(`${bucket}/${c.Key}`);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found;
  };
  return async (dest) => {
    try {
      if (files.dirOp) return (await (listed ??= list())).has(dest);
      const [bucket, key] = findBucketKey(dest);
      if (!key) return false;
      await ctx.client.send(make(ctx.s3.HeadObjectCommand, { Bucket: bucket, Key: key, ...payerParam(ctx.p) }), ctx.signal);
      return true;
    } catch {
      return false;
    }
  };
}

async function runAll(tasks: Task[], ctx: TransferContext): Promise<void> {
  const failures = new Map<Task, unknown>();
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++]!;
      try {
        await task.run();
      } catch (error) {
        failures.set(task, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAX_CONCURRENCY, tasks.length) }, worker));
  for (const task of tasks) {
    const error = failures.get(task);
    if (error === undefined) ctx.results.success(`${task.type}: ${task.location}`);
    else ctx.results.failure(`${task.type} failed: ${task.location} ${error instanceof Fatal ? error.message : errorText(error)}`);
  }
}

/**
 * CaseConflictSync (`--case-conflict` for recursive downloads): a key that differs only by case from
 * one already downloaded, or from a file that exists, is warned about, skipped, or stops the command.
 * Its messages go straight to stderr (even with --quiet), not counted as warnings.
 */
function caseConflictAllows(decision: Decision, submitted: Set<string>, ctx: TransferContext): boolean {
  const { file } = decision;
  if (file.operation !== 'download' || decision.existed || (ctx.command !== 'sync' && existsSync(file.dest))) return true;
  const key = file.compareKey.toLowerCase();
  let allowed = true;
  if (submitted.has(key) || existsSync(file.dest)) {
    const mode = ctx.p.caseConflict;
    if (mode === 'error') throw new Fatal(`Failed to download ${file.src} -> ${file.dest} because a file whose name differs only by case either exists or is being downloaded.`);
    if (mode === 'skip') {
      ctx.results.err.push(`warning: Skipping ${file.src} -> ${file.dest} because a file whose name differs only by case either exists or is being downloaded.\n`);
      allowed = false;
    } else if (mode === 'warn') {
      ctx.results.err.push(`warning: Downloading ${file.src} -> ${file.dest} despite a file whose name differs only by case either existing or being downloaded. This behavior is not defined on case-insensitive filesystems and may result in overwriting existing files or race conditions between concurrent downloads. For more information, see https://docs.aws.amazon.com/cli/v1/topic/s3-case-insensitivity.html.\n`);
    }
  }
  if (allowed) submitted.add(key);
  return allowed;
}

/** The submitters: warnings that skip a file, dry runs, else a task. */
function submit(decision: Decision, ctx: TransferContext): Task | undefined {
  const { file, existed } = decision;
  const { p, results, cwd } = ctx;
  const s3url = (path: string) => `s3://${path}`;
  const local = (path: string) => (p.isStream ? '-' : relativePath(path, cwd));
  const type = p.isMove && file.operation !== 'delete' ? 'move' : file.operation;
  const glacier = () => {
    if (p.forceGlacierTransfer) return false;
    const frozen = (file.storageClass === 'GLACIER' || file.storageClass === 'DEEP_ARCHIVE') && !(file.restore ?? '').includes('ongoing-request="false"');
    if (!frozen) return false;
    if (!p.ignoreGlacierWarnings) {
      results.warning(warningText(`s3://${file.src}`, `Object is of storage class GLACIER. Unable to perform ${file.operation} operations on GLACIER objects. You must restore the object to be able to perform the operation. See aws s3 ${file.operation} help for additional parameter options to ignore or force these transfers.`));
    }
    return true;
  };
  // RequestParamsMapper runs as each file is submitted, dry run or not: bad grants stop the command.
  if (file.operation === 'upload' || file.operation === 'copy') generalParams(p);
  let location: string;
  let run: () => Promise<void>;
  switch (file.operation) {
    case 'upload': {
      if (!p.isStream && file.size && file.size > MAX_UPLOAD_SIZE) {
        const path = relativePath(file.src, cwd);
        results.warning(warningText(path, `File ${path} exceeds s3 upload limit of ${humanReadableSize(MAX_UPLOAD_SIZE)}.`, false));
      }
      location = `${local(file.src)} to ${s3url(file.dest)}`;
      run = () => upload(file, existed, ctx);
      break;
    }
    case 'download': {
      if (!p.isStream) {
        if (glacier()) return undefined;
        if (posix.normalize(file.compareKey).startsWith('../')) {
          results.warning(warningText(file.compareKey, 'File references a parent directory.'));
          return undefined;
        }
      }
      location = `${s3url(file.src)} to ${local(file.dest)}`;
      run = () => download(file, ctx);
      break;
    }
    case 'copy': {
      if (glacier()) return undefined;
      location = `${s3url(file.src)} to ${s3url(file.dest)}`;
      run = () => copy(file, existed, ctx);
      break;
    }
    case 'delete': {
      location = file.srcType === 's3' ? s3url(file.src) : relativePath(file.src, cwd);
      run = () => remove(file, ctx);
      break;
    }
  }
  if (p.dryrun) {
    results.dryrun(`${type}: ${location}`);
    return undefined;
  }
  return { type, location, run };
}

async function upload(file: FileStat, existed: boolean, ctx: TransferContext): Promise<void> {
  const { p, s3, client, signal } = ctx;
  const [bucket, key] = findBucketKey(file.dest);
  const extra = putObjectParams(p);
  if (!key) throw new Fatal('Parameter validation failed:\nInvalid length for parameter Key, value: 0, valid min length: 1');
  let body: Buffer | undefined;
  let size: number;
  if (p.isStream) {
    body = Buffer.from(ctx.stdin ?? '', 'utf8');
    size = body.length;
  } else {
    size = file.size ?? statSync(file.src).size;
    if (p.guessMimeType && !p.contentType) {
      const type = guessContentType(file.src);
      if (type) extra.ContentType = type;
    }
  }
  if (size < MULTIPART_THRESHOLD) {
    body ??= readRange(file.src, 0, size);
    await client.send(untyped(make(s3.PutObjectCommand, { Bucket: bucket, Key: key, Body: body, ...extra }), !extra.ContentType), signal);
  } else {
    // CreateMultipartUpload takes the object's parameters; parts only SSE-C and the payer.
    const create = { ...generalParams(p), ...sseParams(p), ...sseCParams(p), ...(p.metadata ? { Metadata: p.metadata } : {}), ...payerParam(p), ...checksumParam(p), ...(extra.ContentType ? { ContentType: extra.ContentType } : {}) };
    const chunk = partSize(size);
    const source = body;
    await multipart(ctx, bucket, key, create, Math.ceil(size / chunk), async (n, uploadId) => {
      const start = (n - 1) * chunk;
      const part = source ? source.subarray(start, start + chunk) : readRange(file.src, start, Math.min(chunk, size - start));
      const out = await client.send<{ ETag?: string }>(
        make(s3.UploadPartCommand, { Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: n, Body: part, ...sseCParams(p), ...payerParam(p), ...checksumParam(p) }),
        signal,
      );
      return { ETag: out.ETag, PartNumber: n, ...checksumsOf(out) };
    });
  }
  if (p.isMove) unlinkSync(file.src);
  if (existed) ctx.results.overwritten++;
  else ctx.results.created++;
}

function checksumsOf(out: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(out).filter(([k, v]) => k.startsWith('Checksum') && k !== 'ChecksumType' && v !== undefined));
}

async function multipart(
  ctx: TransferContext,
  bucket: string,
  key: string,
  create: Record<string, unknown>,
  parts: number,
  part: (n: number, uploadId: string) => Promise<Record<string, unknown>>,
): Promise<void> {
  const { s3, client, signal, p } = ctx;
  const started = await client.send<{ UploadId?: string }>(make(s3.CreateMultipartUploadCommand, { Bucket: bucket, Key: key, ...create }), signal);
  const uploadId = started.UploadId!;
  try {
    const done: Array<Record<string, unknown>> = [];
    let next = 1;
    const worker = async () => {
      while (next <= parts) {
        const n = next++;
        done[n - 1] = await part(n, uploadId);
      }
    };
    await Promise.all(Array.from({ length: Math.min(MAX_CONCURRENCY, parts) }, worker));
    await client.send(make(s3.CompleteMultipartUploadCommand, { Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: done }, ...payerParam(p), ...sseCParams(p) }), signal);
  } catch (error) {
    await client.send(make(s3.AbortMultipartUploadCommand, { Bucket: bucket, Key: key, UploadId: uploadId, ...payerParam(p) }), signal).catch(() => undefined);
    throw error;
  }
}

function readRange(path: string, start: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const n = readSync(fd, buffer, read, length - read, start + read);
      if (n === 0) break;
      read += n;
    }
    return read === length ? buffer : buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

async function download(file: FileStat, ctx: TransferContext): Promise<void> {
  const { p, s3, signal } = ctx;
  // The transfer manager downloads with the destination's client (the same one but for --source-region copies).
  const sourceClient = ctx.client;
  const [bucket, key] = findBucketKey(file.src);
  const params = { Bucket: bucket, Key: key, ...sseCParams(p), ...payerParam(p), ...(p.checksumMode ? { ChecksumMode: p.checksumMode } : {}) };
  if (p.isStream) {
    // s3transfer asks for the size first when it is not known.
    await sourceClient.send(make(s3.HeadObjectCommand, { Bucket: bucket, Key: key, ...sseCParams(p), ...payerParam(p) }), signal);
    const out = await sourceClient.send<{ Body?: AsyncIterable<Uint8Array> }>(make(s3.GetObjectCommand, params), signal);
    const chunks: Buffer[] = [];
    for await (const chunk of out.Body ?? []) chunks.push(Buffer.from(chunk));
    ctx.results.out.push(Buffer.concat(chunks).toString('utf8'));
    return;
  }
  const dir = dirname(file.dest);
  try {
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new Fatal(`Could not create directory ${dir}: ${(error as Error).message}`);
  }
  const existed = existsSync(file.dest);
  const out = await sourceClient.send<{ Body?: AsyncIterable<Uint8Array> }>(make(s3.GetObjectCommand, params), signal);
  // s3transfer writes beside the file and renames it into place.
  const temp = `${file.dest}.${randomBytes(4).toString('hex').slice(0, 8).toUpperCase()}`;
  const fd = openSync(temp, 'w');
  try {
    for await (const chunk of out.Body ?? []) writeSync(fd, chunk);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, file.dest);
  if (file.mtime !== undefined) {
    try {
      const seconds = Math.floor(file.mtime);
      utimesSync(file.dest, seconds, seconds);
    } catch (error) {
      ctx.results.warning(warningText(file.dest, `Successfully Downloaded ${file.dest} but was unable to update the last modified time. ${(error as Error).message}`));
    }
  }
  if (p.isMove) await sourceClient.send(make(s3.DeleteObjectCommand, { Bucket: bucket, Key: key, ...payerParam(p) }), signal);
  if (existed) ctx.results.overwritten++;
  else ctx.results.created++;
}

async function copy(file: FileStat, existed: boolean, ctx: TransferContext): Promise<void> {
  const { p, s3, client, sourceClient, signal } = ctx;
  const [bucket, key] = findBucketKey(file.dest);
  const [sourceBucket, sourceKey] = findBucketKey(file.src);
  const extra = copyObjectParams(p);
  if (p.guessMimeType && !p.contentType) {
    const type = guessContentType(sourceKey);
    if (type) extra.ContentType = type;
  }
  const size = file.size ?? 0;
  const source = copySource(sourceBucket, sourceKey);
  if (size < MULTIPART_THRESHOLD) {
    await client.send(make(s3.CopyObjectCommand, { Bucket: bucket, Key: key, CopySource: source, ...extra }), signal);
  } else {
    const create: Record<string, unknown> = { ...extra };
    for (const k of Object.keys(create)) if (k.startsWith('CopySource') || k === 'MetadataDirective') delete create[k];
    const chunk = partSize(size);
    await multipart(ctx, bucket, key, create, Math.ceil(size / chunk), async (n, uploadId) => {
      const start = (n - 1) * chunk;
      const end = Math.min(start + chunk, size) - 1;
      const out = await client.send<{ CopyPartResult?: Record<string, unknown> }>(
        make(s3.UploadPartCopyCommand, { Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: n, CopySource: source, CopySourceRange: `bytes=${start}-${end}`, ...sseCParams(p), ...copySourceSseC(p), ...payerParam(p) }),
        signal,
      );
      return { ETag: out.CopyPartResult?.ETag, PartNumber: n, ...checksumsOf(out.CopyPartResult ?? {}) };
    });
  }
  if (p.isMove) await sourceClient.send(make(s3.DeleteObjectCommand, { Bucket: sourceBucket, Key: sourceKey, ...payerParam(p) }), signal);
  if (existed) ctx.results.overwritten++;
  else ctx.results.created++;
}

async function remove(file: FileStat, ctx: TransferContext): Promise<void> {
  if (file.srcType === 'local') {
    unlinkSync(file.src);
  } else {
    const [bucket, key] = findBucketKey(file.src);
    // The transfer manager's client: the destination's (rm's own bucket).
    await ctx.client.send(make(ctx.s3.DeleteObjectCommand, { Bucket: bucket, Key: key, ...payerParam(ctx.p) }), ctx.signal);
  }
  ctx.results.deleted++;
}
