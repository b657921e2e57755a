/**
 * What a step wrote in the run's work directory: bash writes the files (heredocs, `>`, `tee`), so
 * the engine compares the directory before and after each step. Bounded: a step that clones a
 * repository into the work directory does not make every later step hash thousands of files.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface FileMark {
  size: number;
  mtimeMs: number;
}

export type FileScan = Map<string, FileMark>;

const limits = { files: 2000, depth: 4 };
const skipped = new Set(['.git', 'node_modules', '.terraform', '.venv', '__pycache__']);

export function scanFiles(dir: string): FileScan {
  const out: FileScan = new Map();
  const walk = (at: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(at);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      if (out.size >= limits.files) return;
      const full = join(at, name);
      let stat;
      try {
        stat = lstatSync(full);
      } catch {
        continue;
      }
      if (stat.isDirectory()) {
        if (depth < limits.depth && !skipped.has(name)) walk(full, depth + 1);
      } else if (stat.isFile()) {
        out.set(relative(dir, full), { size: stat.size, mtimeMs: stat.mtimeMs });
      }
    }
  };
  walk(dir, 0);
  return out;
}

/** Files new or changed since `before`, and files gone. */
export function changedFiles(before: FileScan, after: FileScan): { changed: string[]; removed: string[] } {
  const changed = [...after].filter(([path, m]) => {
    const b = before.get(path);
    return !b || b.size !== m.size || b.mtimeMs !== m.mtimeMs;
  }).map(([path]) => path);
  const removed = [...before.keys()].filter((path) => !after.has(path));
  return { changed, removed };
}

export function sha256Of(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return '';
  }
}
