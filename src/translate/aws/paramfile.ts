/** `file://` (text) and `fileb://` (bytes) parameter values, as awscli/paramfile.py loads them. */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { normalize, resolve } from 'node:path';
import { pyRepr } from './output.js';

export type ReadFile = (path: string, binary: boolean) => string | Uint8Array;

export interface ParamFileOptions {
  cwd: string;
  readFile?: ReadFile;
  env?: NodeJS.ProcessEnv;
}

export class ParamFileError extends Error {
  override readonly name = 'ParamFileError';
  constructor(
    message: string,
    readonly path: string,
    readonly missing: boolean,
  ) {
    super(message);
  }
}

const PREFIXES = [
  ['file://', false],
  ['fileb://', true],
] as const;

/** ENOENT, or an injected reader's plain "no such file" error: a file not written yet. */
export function isMissingFile(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || /no such file|ENOENT/i.test((error as Error | undefined)?.message ?? '');
}

export function isParamFile(value: string): boolean {
  return value.startsWith('file://') || value.startsWith('fileb://');
}

const STDIN_PATHS = new Set(['/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

/** A path that reads the process's standard input. */
export function isStdinPath(path: string): boolean {
  return STDIN_PATHS.has(normalize(path));
}

/** Python's OSError text for the errno a read failed with: `[Errno 2] No such file or directory: 'x.json'`. */
const ERRNO: Readonly<Record<string, [number, string]>> = {
  ENOENT: [2, 'No such file or directory'],
  EACCES: [13, 'Permission denied'],
  EPERM: [1, 'Operation not permitted'],
  EISDIR: [21, 'Is a directory'],
  ENOTDIR: [20, 'Not a directory'],
  ELOOP: [40, 'Too many levels of symbolic links'],
  ENAMETOOLONG: [36, 'File name too long'],
  EMFILE: [24, 'Too many open files'],
  ENXIO: [6, 'No such device or address'],
};

function osErrorText(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? (isMissingFile(error) ? 'ENOENT' : undefined);
  const known = code ? ERRNO[code] : undefined;
  if (known) return `[Errno ${known[0]}] ${known[1]}: ${pyRepr(path)}`;
  return (error as Error)?.message ?? String(error);
}

/** The file's contents for a `file://`/`fileb://` value, undefined for any other value. Throws ParamFileError. */
export function loadParamFile(value: string, options: ParamFileOptions): string | Uint8Array | undefined {
  for (const [prefix, binary] of PREFIXES) {
    if (!value.startsWith(prefix)) continue;
    const written = expandUserVars(value.slice(prefix.length), options.env ?? process.env);
    const path = resolve(options.cwd, written);
    let data: string | Uint8Array;
    try {
      data = (options.readFile ?? defaultReadFile)(path, binary);
    } catch (error) {
      throw new ParamFileError(`Unable to load paramfile ${value}: ${osErrorText(error, written)}`, path, isMissingFile(error));
    }
    if (binary) return typeof data === 'string' ? new TextEncoder().encode(data) : data;
    const text = typeof data === 'string' ? data : decodeText(data, written);
    // Python reads text files with universal newlines.
    return text.replace(/\r\n?/g, '\n');
  }
  return undefined;
}

function decodeText(data: Uint8Array, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new ParamFileError(
      `Unable to load paramfile (${path}), text contents could not be decoded.  If this is a binary file, please use the fileb:// prefix instead of the file:// prefix.`,
      path,
      false,
    );
  }
}

function defaultReadFile(path: string, binary: boolean): string | Uint8Array {
  return binary ? new Uint8Array(readFileSync(path)) : readFileSync(path, 'utf8');
}

/** `os.path.expandvars(os.path.expanduser(p))`, relative paths against the step's cwd. */
export function expandPath(path: string, options: Pick<ParamFileOptions, 'cwd' | 'env'>): string {
  return resolve(options.cwd, expandUserVars(path, options.env ?? process.env));
}

/** `expandvars(expanduser(p))` with the command's environment (HOME included), still relative if it was. */
function expandUserVars(path: string, env: NodeJS.ProcessEnv): string {
  let p = path;
  if (p === '~' || p.startsWith('~/')) p = (env.HOME || homedir()) + p.slice(1);
  return p.replace(/\$(\w+)|\$\{([^}]*)\}/g, (whole, a: string | undefined, b: string | undefined) => env[a ?? b ?? ''] ?? whole);
}
