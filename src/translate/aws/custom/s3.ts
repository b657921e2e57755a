/**
 * `aws s3 ls|mb|rb|cp|mv|rm|sync`, written once against @aws-sdk/client-s3 after the aws CLI v1's
 * awscli/customizations/s3 (subcommands.py: the argument tables, CommandParameters' checks, ls, mb,
 * rb; the transfers are ./s3-transfer.ts). Translation checks what the CLI checks from the command line
 * alone; what depends on files and buckets is found when the command runs, in the CLI's order.
 */
import { TranslateError } from '../errors.js';
import { pyJsonLoads } from '../pyjson.js';
import { isInstalled } from '../services.js';
import { ShorthandParser } from '../shorthand.js';
import type { SendContext, TranslateContext } from '../../types.js';
import { Args, parseCommandLine, type ArgSpec, type Globals } from './command-line.js';
import type { CustomCall, CustomCommand, CustomResult } from './command.js';
import { findBucketKey, isS3Express, splitS3 } from './s3-paths.js';

export type S3Command = 'ls' | 'mb' | 'rb' | 'cp' | 'mv' | 'rm' | 'sync';
const COMMANDS = new Set<string>(['ls', 'mb', 'rb', 'cp', 'mv', 'rm', 'sync']);

// ---- the argument tables (subcommands.py), in the CLI's order ----

const RECURSIVE: ArgSpec = { name: 'recursive', flag: true, dest: 'dir_op' };
const DRYRUN: ArgSpec = { name: 'dryrun', flag: true };
const QUIET: ArgSpec = { name: 'quiet', flag: true };
const INCLUDE: ArgSpec = { name: 'include', nargs: 1, dest: 'filters', append: true };
const EXCLUDE: ArgSpec = { name: 'exclude', nargs: 1, dest: 'filters', append: true };
const ONLY_SHOW_ERRORS: ArgSpec = { name: 'only-show-errors', flag: true };
const PAGE_SIZE: ArgSpec = { name: 'page-size', integer: true };
const REQUEST_PAYER: ArgSpec = { name: 'request-payer', nargs: '?', choices: ['requester'] };

const TRANSFER_ARGS: ArgSpec[] = [
  DRYRUN, QUIET, INCLUDE, EXCLUDE,
  { name: 'acl', choices: ['private', 'public-read', 'public-read-write', 'authenticated-read', 'aws-exec-read', 'bucket-owner-read', 'bucket-owner-full-control', 'log-delivery-write'] },
  { name: 'follow-symlinks', flag: true },
  { name: 'no-follow-symlinks', flag: false, dest: 'follow_symlinks' },
  { name: 'no-guess-mime-type', flag: false, dest: 'guess_mime_type' },
  { name: 'sse', nargs: '?', choices: ['AES256', 'aws:kms'] },
  { name: 'sse-c', nargs: '?', choices: ['AES256'] },
  { name: 'sse-c-key' },
  { name: 'sse-kms-key-id' },
  { name: 'sse-c-copy-source', nargs: '?', choices: ['AES256'] },
  { name: 'sse-c-copy-source-key' },
  { name: 'storage-class', choices: ['STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE', 'GLACIER_IR'] },
  { name: 'grants', nargs: '+' },
  { name: 'website-redirect' },
  { name: 'content-type' },
  { name: 'cache-control' },
  { name: 'content-disposition' },
  { name: 'content-encoding' },
  { name: 'content-language' },
  { name: 'expires' },
  { name: 'source-region' },
  ONLY_SHOW_ERRORS,
  { name: 'no-progress', flag: false, dest: 'progress' },
  PAGE_SIZE,
  { name: 'ignore-glacier-warnings', flag: true },
  { name: 'force-glacier-transfer', flag: true },
  REQUEST_PAYER,
  { name: 'checksum-mode', choices: ['ENABLED'] },
  { name: 'checksum-algorithm', choices: ['CRC64NVME', 'CRC32', 'SHA256', 'SHA1', 'CRC32C', 'SHA512', 'XXHASH64', 'XXHASH3', 'XXHASH128'] },
];
const METADATA: ArgSpec = { name: 'metadata' };
const METADATA_DIRECTIVE: ArgSpec = { name: 'metadata-directive', choices: ['COPY', 'REPLACE'] };
const CASE_CONFLICT: ArgSpec = { name: 'case-conflict', choices: ['ignore', 'skip', 'warn', 'error'] };
const PATHS2: ArgSpec = { name: 'paths', positional: true, nargs: 2 };

const TABLES: Record<S3Command, ArgSpec[]> = {
  ls: [
    { name: 'paths', positional: true, nargs: '?' }, RECURSIVE, PAGE_SIZE, { name: 'human-readable', flag: true }, { name: 'summarize', flag: true },
    REQUEST_PAYER, { name: 'bucket-name-prefix' }, { name: 'bucket-region' },
  ],
  mb: [{ name: 'path', positional: true }, { name: 'tags', nargs: 2, dest: 'tags', append: true }],
  rb: [{ name: 'path', positional: true }, { name: 'force', flag: true }],
  cp: [PATHS2, ...TRANSFER_ARGS, METADATA, METADATA_DIRECTIVE, { name: 'expected-size' }, RECURSIVE, CASE_CONFLICT],
  mv: [PATHS2, ...TRANSFER_ARGS, METADATA, METADATA_DIRECTIVE, RECURSIVE, { name: 'validate-same-s3-paths', flag: true }, CASE_CONFLICT],
  rm: [{ name: 'paths', positional: true, nargs: 1 }, DRYRUN, QUIET, RECURSIVE, REQUEST_PAYER, INCLUDE, EXCLUDE, ONLY_SHOW_ERRORS, PAGE_SIZE],
  // sync's strategies add their flags when its table is built (syncstrategy/register.py).
  sync: [PATHS2, ...TRANSFER_ARGS, METADATA, METADATA_DIRECTIVE, CASE_CONFLICT, { name: 'size-only', flag: true }, { name: 'exact-timestamps', flag: true }, { name: 'delete', flag: true }],
};

const USAGE: Record<S3Command, string> = {
  ls: '<S3Uri> or NONE',
  mb: '<S3Uri>',
  rb: '<S3Uri>',
  cp: '<LocalPath> <S3Uri> or <S3Uri> <LocalPath> or <S3Uri> <S3Uri>',
  mv: '<LocalPath> <S3Uri> or <S3Uri> <LocalPath> or <S3Uri> <S3Uri>',
  rm: '<S3Uri>',
  sync: '<LocalPath> <S3Uri> or <S3Uri> <LocalPath> or <S3Uri> <S3Uri>',
};

export type PathsType = 's3s3' | 's3local' | 'locals3' | 's3';

/** The CLI's parameters dict, for the transfer commands (only what they use). */
export interface TransferParams {
  dirOp: boolean;
  isMove: boolean;
  isStream: boolean;
  pathsType: PathsType;
  src: string;
  dest: string;
  dryrun?: boolean;
  quiet?: boolean;
  onlyShowErrors?: boolean;
  /** `[include|exclude, pattern]` in command-line order. */
  filters: Array<['include' | 'exclude', string]>;
  followSymlinks: boolean;
  guessMimeType: boolean;
  pageSize?: number;
  requestPayer?: string;
  acl?: string;
  sse?: string;
  sseC?: string;
  sseCKey?: string;
  sseKmsKeyId?: string;
  sseCCopySource?: string;
  sseCCopySourceKey?: string;
  storageClass?: string;
  grants?: string[];
  websiteRedirect?: string;
  contentType?: string;
  cacheControl?: string;
  contentDisposition?: string;
  contentEncoding?: string;
  contentLanguage?: string;
  expires?: string;
  sourceRegion?: string;
  ignoreGlacierWarnings?: boolean;
  forceGlacierTransfer?: boolean;
  checksumMode?: string;
  checksumAlgorithm?: string;
  metadata?: Record<string, string>;
  metadataDirective?: string;
  expectedSize?: string;
  caseConflict: string;
  delete?: boolean;
  sizeOnly?: boolean;
  exactTimestamps?: boolean;
}

/** What `aws s3 …` parsed: plain data, shown in plans. */
export interface S3Invocation {
  command: S3Command;
  /** The command's working directory: relative local paths resolve, and print, against it. */
  cwd: string;
  globals: Globals;
  /** ls, mb, rb: the path as given (printed in their messages). */
  path?: string;
  ls?: { recursive: boolean; pageSize?: number; humanReadable: boolean; summarize: boolean; requestPayer?: string; bucketNamePrefix?: string; bucketRegion?: string };
  tags?: Array<{ Key: string; Value: string }>;
  force?: boolean;
  transfer?: TransferParams;
}

const exception = (message: string, argIndex: number) => new TranslateError(message, { ruleId: 'aws-bad-value', refusal: 'exception', argIndex });

function translateS3(argv: string[], context: TranslateContext): CustomCall {
  const words = commandOf(argv);
  const command = words as S3Command;
  const { globals, args: parsed, commandIndex } = parseCommandLine(argv, TABLES[command], {
    command,
    cwd: context.cwd,
    ...(context.env ? { env: context.env } : {}),
    ...(context.planning ? { planning: true } : {}),
  });
  const args = new Args(parsed);
  const inv: S3Invocation = { command, cwd: context.cwd, globals };
  const pathIndex = parsed.taken.get(command === 'mb' || command === 'rb' ? 'path' : 'paths')?.words[0]?.index ?? commandIndex;
  const typeError = () => exception(`${command === 'mb' || command === 'rb' ? '' : `usage: aws s3 ${command} `}${USAGE[command]}\nError: Invalid argument type`, pathIndex);
  let mutating = true;
  let display: string;

  if (command === 'ls') {
    const path = args.string('paths') ?? 's3://';
    inv.path = path;
    inv.ls = {
      recursive: !!args.flag('dir_op'),
      humanReadable: !!args.flag('human_readable'),
      summarize: !!args.flag('summarize'),
      ...optional('pageSize', args.int('page_size')),
      ...optional('requestPayer', requestPayer(args)),
      ...optional('bucketNamePrefix', args.string('bucket_name_prefix')),
      ...optional('bucketRegion', args.string('bucket_region')),
    };
    guard(() => findBucketKey(path.startsWith('s3://') ? path.slice(5) : path), pathIndex);
    mutating = false;
    display = `S3 ls ${path}`;
  } else if (command === 'mb' || command === 'rb') {
    const path = args.string('path')!;
    inv.path = path;
    if (!path.startsWith('s3://')) throw typeError();
    const [bucket, key] = guard(() => splitS3(path), pathIndex);
    if (command === 'mb') {
      if (isS3Express(bucket)) throw exception('Cannot use mb command with a directory bucket.', pathIndex);
      const tags = args.taken('tags') ? args.occurrences('tags').map((o) => ({ Key: o.values[0]!, Value: o.values[1]! })) : [];
      if (tags.length) inv.tags = tags;
    } else {
      if (key) throw exception(`Please specify a valid bucket name only. E.g. s3://${bucket}`, pathIndex);
      inv.force = !!args.flag('force');
    }
    display = `S3 ${command} s3://${bucket}`;
  } else {
    const transfer = transferParams(command, args, pathIndex, typeError);
    inv.transfer = transfer;
    mutating = !transfer.dryrun;
    display = `S3 ${command} ${transfer.src}${transfer.pathsType === 's3' ? '' : ` ${transfer.dest}`}${transfer.dirOp && command !== 'sync' ? ' --recursive' : ''}`;
  }
  return { tool: 'aws', operation: `S3.${command[0]!.toUpperCase()}${command.slice(1)}`, input: inv, mutating, display, custom: { command: 's3', args: inv } };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** `--request-payer` alone is `requester` (nargs '?', const). */
function requestPayer(args: Args): string | undefined {
  const t = args.taken('request_payer');
  return t ? (t.words[0]?.text ?? 'requester') : undefined;
}

function guard<T>(fn: () => T, argIndex: number): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof Error && error.name === 'S3PathError') throw exception(error.message, argIndex);
    throw error;
  }
}

/** S3TransferCommand + CommandParameters: the parameters, and the checks that need only the command line. */
function transferParams(command: S3Command, args: Args, pathIndex: number, typeError: () => TranslateError): TransferParams {
  const paths = [...args.strings('paths')!];
  // check_path_type
  const pathsType = paths.map((p) => (p.startsWith('s3://') ? 's3' : 'local')).join('');
  const allowed: Record<string, string[]> = { s3s3: ['cp', 'sync', 'mv'], s3local: ['cp', 'sync', 'mv'], locals3: ['cp', 'sync', 'mv'], s3: ['mb', 'rb', 'rm'], local: [], locallocal: [] };
  if (!allowed[pathsType]!.includes(command)) throw typeError();
  // _normalize_s3_trailing_slash: a bare bucket is the bucket's root.
  for (let i = 0; i < paths.length; i++) {
    const p = paths[i]!;
    if (!p.startsWith('s3://')) continue;
    const [, key] = guard(() => findBucketKey(p.slice(5)), pathIndex);
    if (!key && !p.endsWith('/')) paths[i] = `${p}/`;
  }
  const src = paths[0]!;
  const dest = paths[1] ?? paths[0]!;
  let dirOp = command === 'sync' || !!args.flag('dir_op');
  const filters = args.occurrences('filters').map((o) => [o.option.slice(2), o.values[0]!] as ['include' | 'exclude', string]);
  const p: TransferParams = {
    dirOp,
    isMove: command === 'mv',
    isStream: false,
    pathsType: pathsType as PathsType,
    src,
    dest,
    filters,
    followSymlinks: args.flag('follow_symlinks') ?? true,
    guessMimeType: args.flag('guess_mime_type') ?? true,
    caseConflict: args.string('case_conflict') ?? 'ignore',
  };
  const set = <K extends keyof TransferParams>(key: K, value: TransferParams[K] | undefined) => {
    if (value !== undefined && value !== false) p[key] = value;
  };
  set('dryrun', args.flag('dryrun'));
  set('quiet', args.flag('quiet'));
  set('onlyShowErrors', args.flag('only_show_errors'));
  set('pageSize', args.int('page_size'));
  set('requestPayer', requestPayer(args));
  const nargsOptional = (dest: string, constant: string) => {
    const t = args.taken(dest);
    return t ? (t.words[0]?.text ?? constant) : undefined;
  };
  set('acl', args.string('acl'));
  set('sse', nargsOptional('sse', 'AES256'));
  set('sseC', nargsOptional('sse_c', 'AES256'));
  set('sseCKey', args.string('sse_c_key'));
  set('sseKmsKeyId', args.string('sse_kms_key_id'));
  set('sseCCopySource', nargsOptional('sse_c_copy_source', 'AES256'));
  set('sseCCopySourceKey', args.string('sse_c_copy_source_key'));
  set('storageClass', args.string('storage_class'));
  set('grants', args.strings('grants'));
  set('websiteRedirect', args.string('website_redirect'));
  set('contentType', args.string('content_type'));
  set('cacheControl', args.string('cache_control'));
  set('contentDisposition', args.string('content_disposition'));
  set('contentEncoding', args.string('content_encoding'));
  set('contentLanguage', args.string('content_language'));
  set('expires', args.string('expires'));
  set('sourceRegion', args.string('source_region'));
  set('ignoreGlacierWarnings', args.flag('ignore_glacier_warnings'));
  set('forceGlacierTransfer', args.flag('force_glacier_transfer'));
  set('checksumMode', args.string('checksum_mode'));
  set('checksumAlgorithm', args.string('checksum_algorithm'));
  set('metadataDirective', args.string('metadata_directive'));
  set('expectedSize', args.string('expected_size'));
  set('delete', args.flag('delete'));
  set('sizeOnly', args.flag('size_only'));
  set('exactTimestamps', args.flag('exact_timestamps'));
  const metadata = args.taken('metadata');
  if (metadata) set('metadata', parseMetadata(metadata.words[0]!.text, metadata.words[0]!.index));

  // _validate_streaming_paths
  if (src === '-' || dest === '-') {
    if (command !== 'cp' || dirOp) throw exception('Streaming currently is only compatible with non-recursive cp commands', pathIndex);
    p.isStream = true;
    dirOp = p.dirOp = false;
    p.onlyShowErrors = true;
  }
  // _validate_path_args: mv onto itself; the checksum flags' path types.
  if (command === 'mv' && pathsType === 's3s3' && samePath(src, dest)) throw exception(`Cannot mv a file onto itself: ${src} - ${dest}`, pathIndex);
  const usage: Record<string, string> = { locals3: '<LocalPath> <S3Uri>', s3s3: '<S3Uri> <S3Uri>', s3local: '<S3Uri> <LocalPath>', s3: '<S3Uri>' };
  const pathsFor = (param: string, ok: string[]) => {
    if (!ok.includes(pathsType)) {
      throw exception(`Expected ${param} parameter to be used with one of following path formats: ${ok.map((t) => usage[t]).join(', ')}. Instead, received ${usage[pathsType]}.`, pathIndex);
    }
  };
  if (p.checksumAlgorithm) pathsFor('checksum-algorithm', ['locals3', 's3s3']);
  if (p.checksumMode) pathsFor('checksum-mode', ['s3local']);
  // _validate_sse_c_args
  for (const [type, key, flag, keyFlag] of [['sseC', 'sseCKey', '--sse-c', '--sse-c-key'], ['sseCCopySource', 'sseCCopySourceKey', '--sse-c-copy-source', '--sse-c-copy-source-key']] as const) {
    if (p[type] && !p[key]) throw exception(`It ${flag} is specified, ${keyFlag} must be specified as well.`, pathIndex);
    if (p[key] && !p[type]) throw exception(`It ${keyFlag} is specified, ${flag} must be specified as well.`, pathIndex);
  }
  if (p.sseCCopySource && pathsType !== 's3s3') throw exception('--sse-c-copy-source is only supported for copy operations.', pathIndex);
  if (command === 'sync' && [src, dest].some((x) => x.startsWith('s3://') && isS3Express(splitS3(x)[0]))) {
    throw exception('Cannot use sync command with a directory bucket.', pathIndex);
  }
  if (p.caseConflict !== 'ignore' && pathsType === 's3local' && dirOp && isS3Express(splitS3(src)[0]) && !['ignore', 'warn'].includes(p.caseConflict)) {
    throw exception(`\`${p.caseConflict}\` is not a valid value for \`--case-conflict\` when operating on S3 Express directory buckets. Valid values: \`warn\`, \`ignore\`.`, pathIndex);
  }
  return p;
}

/** CommandParameters._same_path for s3s3. */
function samePath(src: string, dest: string): boolean {
  if (src === dest) return true;
  if (dest.endsWith('/')) {
    const base = src.slice(src.lastIndexOf('/') + 1);
    return src === (dest.endsWith('/') ? `${dest}${base}` : `${dest}/${base}`);
  }
  return false;
}

/** `--metadata`: a map, as JSON or shorthand (`k=v,k2=v2`). */
function parseMetadata(text: string, argIndex: number): Record<string, string> {
  try {
    const value = text.trimStart().startsWith('{') ? pyJsonLoads(text) : new ShorthandParser().parse(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a map');
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  } catch (error) {
    throw exception(`Error parsing parameter '--metadata': ${(error as Error).message}`, argIndex);
  }
}

/** The subcommand word (the caller matched the command). */
function commandOf(argv: string[]): string {
  const i = argv.indexOf('s3');
  for (let k = i + 1; k < argv.length; k++) if (COMMANDS.has(argv[k]!)) return argv[k]!;
  return 'ls';
}

export const s3: CustomCommand = {
  async translate(argv, context) {
    if (!isInstalled('@aws-sdk/client-s3')) throw notInstalled();
    return translateS3(argv, context);
  },
  async send(call: CustomCall, context: SendContext): Promise<CustomResult> {
    const { runS3 } = await import('./s3-run.js');
    return runS3(call.custom.args as S3Invocation, context);
  },
  readsStdin(argv: string[]) {
    try {
      const { args } = parseCommandLine(argv, TABLES.cp);
      return commandOf(argv) === 'cp' && args.taken.get('paths')?.words[0]?.text === '-';
    } catch {
      return false;
    }
  },
};

/** @aws-sdk/client-s3 is optional: without it the real aws CLI runs these commands. */
const notInstalled = () =>
  new TranslateError('aws s3 needs @aws-sdk/client-s3, which is not installed: the aws CLI runs it', {
    ruleId: 'aws-client-not-installed',
    refusal: 'untranslatable',
    argIndex: 1,
    note: 'npm install @aws-sdk/client-s3',
  });
