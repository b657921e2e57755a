/** Finding and reading runbooks as users name them: a path, or a name in runbooks/. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunbookError } from '../diagnostics.js';
import { parseRunbookCached } from '../markdown/cache.js';
import type { Runbook } from '../markdown/types.js';

/** The runbooks/ folders searched: the current directory's, then the package's own. */
export function runbookDirs(): string[] {
  const own = fileURLToPath(new URL('../../runbooks/', import.meta.url));
  return [...new Set([resolve('runbooks'), resolve(own)])];
}

export function findRunbook(name: string): string {
  if (existsSync(name)) return name;
  const candidates = runbookDirs().flatMap((dir) => [join(dir, name), join(dir, `${name}.md`)]);
  const found = candidates.find((c) => existsSync(c));
  if (found) return relative(process.cwd(), found) || found;
  throw new RunbookError(`no runbook '${name}': not a file, and not in ${runbookDirs().map((d) => relative(process.cwd(), d) || '.').join(' or ')}`, {
    exitCode: 2, hint: 'run `runbook list` to see the runbooks',
  });
}

export async function loadRunbook(name: string): Promise<Runbook> {
  const file = findRunbook(name);
  const source = await readFile(file, 'utf8');
  return parseRunbookCached(source, file);
}
