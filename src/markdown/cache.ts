/**
 * A parse cache for the CLI: a runbook that has not changed is not parsed again. Parsing pulls in
 * remark, YAML and the shell parser (about half a second of start-up); a cached Runbook is one JSON
 * read. Keyed by the source, the path and the parser's own build, so an edit to either misses.
 * Set RUNBOOK_NO_CACHE=1 to bypass it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeAtomic } from '../state/store.js';
import type { Runbook } from './types.js';

const parserFiles = ['./parse.js', './meta.js', '../shell/parse.js', '../params/types.js', '../plan/lower.js'];

function cacheDir(): string {
  return process.env.RUNBOOK_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'runbook');
}

function key(source: string, file: string): string {
  const hash = createHash('sha256').update(file).update('\0').update(source);
  for (const f of parserFiles) {
    try {
      hash.update(`\0${statSync(fileURLToPath(new URL(f, import.meta.url))).mtimeMs}`);
    } catch {
      hash.update('\0?');
    }
  }
  return hash.digest('hex').slice(0, 32);
}

export async function parseRunbookCached(source: string, file: string): Promise<Runbook> {
  const parse = async () => (await import('./parse.js')).parseRunbook(source, file);
  if (process.env.RUNBOOK_NO_CACHE) return parse();
  const path = join(cacheDir(), `${key(source, file)}.json`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Runbook;
  } catch {
    // not cached yet, or unreadable: parse it
  }
  const runbook = await parse();
  try {
    mkdirSync(cacheDir(), { recursive: true, mode: 0o700 });
    writeAtomic(path, JSON.stringify(runbook));
  } catch {
    // a read-only home is no reason to fail
  }
  return runbook;
}
