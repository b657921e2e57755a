/**
 * awscli/customizations/s3/utils.py's path and text helpers, as the s3 commands use them: bucket and
 * key of an `s3://` path (access point and Outposts ARNs included), local paths printed relative to the
 * working directory, sizes in the CLI's units, dates in the local time zone.
 */
import { isAbsolute, resolve } from 'node:path';

const ACCESSPOINT = /^(?<bucket>arn:(aws).*:s3:[a-z\-0-9]*:[0-9]{12}:accesspoint[:/][^/]+)\/?(?<key>.*)$/s;
const OUTPOST = /^(?<bucket>arn:(aws).*:s3-outposts:[a-z\-0-9]+:[0-9]{12}:outpost[/:][a-zA-Z0-9\-]{1,63}[/:]accesspoint[/:][a-zA-Z0-9\-]{1,63})[/:]?(?<key>.*)$/s;
const OUTPOST_BUCKET = /^(?<bucket>arn:(aws).*:s3-outposts:[a-z\-0-9]+:[0-9]{12}:outpost[/:][a-zA-Z0-9\-]{1,63}[/:]bucket[/:][a-zA-Z0-9\-]{1,63})[/:]?(?<key>.*)$/s;
const OBJECT_LAMBDA = /^(?<bucket>arn:(aws).*:s3-object-lambda:[a-z\-0-9]+:[0-9]{12}:accesspoint[/:][a-zA-Z0-9\-]{1,63})[/:]?(?<key>.*)$/s;

/** block_unsupported_resources: a ValueError (`\n…\n`, exit 255). */
export class S3PathError extends Error {
  override readonly name = 'S3PathError';
}

/** find_bucket_key, for a path without `s3://`. */
export function findBucketKey(path: string): [string, string] {
  if (OBJECT_LAMBDA.test(path)) throw new S3PathError('s3 commands do not support S3 Object Lambda resources. Use s3api commands instead.');
  if (OUTPOST_BUCKET.test(path)) throw new S3PathError('s3 commands do not support Outpost Bucket ARNs. Use s3control commands instead.');
  const m = ACCESSPOINT.exec(path) ?? OUTPOST.exec(path);
  if (m) return [m.groups!.bucket!, m.groups!.key!];
  const slash = path.indexOf('/');
  return slash < 0 ? [path, ''] : [path.slice(0, slash), path.slice(slash + 1)];
}

/** split_s3_bucket_key: `s3://` optional. */
export function splitS3(path: string): [string, string] {
  return findBucketKey(path.startsWith('s3://') ? path.slice(5) : path);
}

export const isS3Express = (bucket: string) => bucket.endsWith('--x-s3');

/** os.path.abspath against the command's working directory (normalised, no trailing slash). */
export function abspath(path: string, cwd: string): string {
  return isAbsolute(path) ? resolve(path) : resolve(cwd, path);
}

/** os.path.relpath(path, start) for absolute posix paths. */
function relpath(path: string, start: string): string {
  const a = resolve(path).split('/').filter(Boolean);
  const b = resolve(start).split('/').filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const parts = [...Array(b.length - i).fill('..'), ...a.slice(i)];
  return parts.length ? parts.join('/') : '.';
}

/** relative_path: the directory relative to the working directory, joined with the base name as given (`./a.txt`, `d/`). */
export function relativePath(path: string, cwd: string): string {
  const slash = path.lastIndexOf('/');
  const dir = slash < 0 ? '' : path.slice(0, slash) || '/';
  const base = path.slice(slash + 1);
  const relDir = relpath(dir ? abspath(dir, cwd) : cwd, cwd);
  return `${relDir}/${base}`;
}

/** human_readable_size. */
export function humanReadableSize(value: number): string {
  if (value === 1) return '1 Byte';
  if (value < 1024) return `${Math.trunc(value)} Bytes`;
  const suffixes = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  for (let i = 0; i < suffixes.length; i++) {
    const unit = 1024 ** (i + 2);
    if (pyRound((value / unit) * 1024) < 1024) return `${pyFixed1((1024 * value) / unit)} ${suffixes[i]}`;
  }
  return `${value} Bytes`;
}

/** Python's round() (half to even) to an integer. */
function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** '%.1f' % x (round half even on the exact binary value, as printf does). */
function pyFixed1(x: number): string {
  const tenths = x * 10;
  // An exact tie (1280 bytes is 1.25 KiB): printf keeps the even digit, toFixed would round up.
  if (!Number.isInteger(tenths) && Number.isInteger(tenths * 2)) {
    const even = Math.floor(tenths) % 2 === 0 ? Math.floor(tenths) : Math.ceil(tenths);
    return (even / 10).toFixed(1);
  }
  return x.toFixed(1);
}

/**
 * The CLI's `_make_last_mod_str`: the time in the local time zone (the command's TZ when it names an
 * IANA zone, else this process's), `YYYY-MM-DD HH:MM:SS`.
 */
export function localTimeString(date: Date, tz: string | undefined): string {
  const zone = tz && validZone(tz) ? tz.replace(/^:/, '') : undefined;
  if (!zone) {
    const p = (n: number) => String(n).padStart(2, '0');
    return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
  }
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(date)
      .map((x) => [x.type, x.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

function validZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz.replace(/^:/, '') });
    return true;
  } catch {
    return false;
  }
}

/** Python's str comparison (code points), which orders listings for sync's comparator. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}
