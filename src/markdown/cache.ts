/**
 * The CLI's parse cache: a runbook that has not changed is not parsed again. Parsing pulls in
 * remark, YAML and the shell parser (about half a second of start-up); a cached Runbook is one JSON
 * read. Keyed by the source, the path and the parser's own build, so an edit to either misses.
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cacheKey, cachedAsync } from '../cache.js';
import type { Runbook } from './types.js';

const parserFiles = ['./parse.js', './meta.js', './fences.js', './session.js', './commands.js', './files.js', './ignore.js', './output.js', '../shell/parse.js', '../params/types.js'];

function parserBuild(): string {
  return parserFiles
    .map((f) => {
      try {
        return String(statSync(fileURLToPath(new URL(f, import.meta.url))).mtimeMs);
      } catch {
        return '?';
      }
    })
    .join(',');
}

export function parseRunbookCached(source: string, file: string): Promise<Runbook> {
  return cachedAsync('runbook', cacheKey(file, source, parserBuild()), async () => (await import('./parse.js')).parseRunbook(source, file));
}
