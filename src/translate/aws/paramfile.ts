/** `file://` (text) and `fileb://` (bytes) parameter values, as awscli/paramfile.py loads them. */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';

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

/** The file's contents for a `file://`/`fileb://` value, undefined for any other value. Throws ParamFileError. */
export function loadParamFile(value: string, options: ParamFileOptions): string | Uint8Array | undefined {
  for (const [prefix, binary] of PREFIXES) {
    if (!value.startsWith(prefix)) continue;
    const path = expandPath(value.slice(prefix.length), options);
    let data: string | Uint8Array;
    try {
      data = (options.readFile ?? defaultReadFile)(path, binary);
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      throw new ParamFileError(`Unable to load paramfile ${value}: ${message}`, path, isMissingFile(error));
    }
    if (binary) return typeof data === 'string' ? new TextEncoder().encode(data) : data;
    const text = typeof data === 'string' ? data : decodeText(data, value);
    // Python reads text files with universal newlines.
    return text.replace(/\r\n?/g, '\n');
  }
  return undefined;
}

function decodeText(data: Uint8Array, value: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new ParamFileError(
      `Unable to load paramfile (${value}), text contents could not be decoded.  If this is a binary file, please use the fileb:// prefix instead of the file:// prefix.`,
      value,
      false,
    );
  }
}

function defaultReadFile(path: string, binary: boolean): string | Uint8Array {
  return binary ? new Uint8Array(readFileSync(path)) : readFileSync(path, 'utf8');
}

/** `os.path.expandvars(os.path.expanduser(p))`, relative paths against the step's cwd. */
export function expandPath(path: string, options: Pick<ParamFileOptions, 'cwd' | 'env'>): string {
  const env = options.env ?? process.env;
  let p = path;
  if (p === '~' || p.startsWith('~/')) p = homedir() + p.slice(1);
  p = p.replace(/\$(\w+)|\$\{([^}]*)\}/g, (whole, a: string | undefined, b: string | undefined) => {
    const name = a ?? b ?? '';
    return env[name] ?? whole;
  });
  return resolve(options.cwd, p);
}
