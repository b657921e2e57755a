/**
 * An on-disk cache of derived data that is costly to rebuild at every start: parsed runbooks,
 * the parts of an SDK package's type declarations the translators read. Entries are keyed by what
 * they derive from, so a change misses; a cache that cannot be read or written is ignored.
 * RUNBOOK_CACHE_DIR moves it; RUNBOOK_NO_CACHE=1 turns it off.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeAtomic } from './state/store.js';

export function cacheDir(): string {
  return process.env.RUNBOOK_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'runbook');
}

export function cacheKey(...parts: Array<string | number>): string {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(`${p}\0`);
  return hash.digest('hex').slice(0, 32);
}

function read<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function write(path: string, value: unknown): void {
  try {
    mkdirSync(cacheDir(), { recursive: true, mode: 0o700 });
    writeAtomic(path, JSON.stringify(value));
  } catch {
    // a read-only home is no reason to fail
  }
}

/** The cached value for `key`, or `build()`'s result stored under it. */
export function cached<T>(kind: string, key: string, build: () => T): T {
  if (process.env.RUNBOOK_NO_CACHE) return build();
  const path = join(cacheDir(), `${kind}-${key}.json`);
  const hit = read<T>(path);
  if (hit !== undefined) return hit;
  const value = build();
  write(path, value);
  return value;
}

export async function cachedAsync<T>(kind: string, key: string, build: () => Promise<T>): Promise<T> {
  if (process.env.RUNBOOK_NO_CACHE) return build();
  const path = join(cacheDir(), `${kind}-${key}.json`);
  const hit = read<T>(path);
  if (hit !== undefined) return hit;
  const value = await build();
  write(path, value);
  return value;
}
