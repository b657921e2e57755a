import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { parseRunbookCached } from '../markdown/cache.js';
import { analyzeFlow } from '../plan/flow.js';
import { runbookDirs } from './load.js';
import { choice } from './options.js';
import { paint } from './style.js';

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { format: { type: 'string', default: 'text' } } });
  choice('--format', values.format, ['text', 'json'] as const);
  const seen = new Set<string>();
  const rows: Array<{ file: string; name: string; title: string; description?: string; params: Array<{ name: string; type: string; required: boolean }> }> = [];
  for (const dir of runbookDirs()) {
    let names: string[] = [];
    try {
      names = (await readdir(dir)).filter((n) => n.endsWith('.md')).sort();
    } catch {
      continue;
    }
    for (const n of names) {
      if (seen.has(n)) continue;
      seen.add(n);
      const file = relative(process.cwd(), join(dir, n));
      const runbook = await parseRunbookCached(await readFile(join(dir, n), 'utf8'), file);
      const flow = analyzeFlow(runbook);
      rows.push({
        file, name: runbook.name, title: runbook.title, ...(runbook.description ? { description: runbook.description } : {}),
        params: flow.params.map((p) => ({ name: p.name, type: p.type, required: p.required && p.default === undefined })),
      });
    }
  }
  if (values.format === 'json') return void console.log(JSON.stringify(rows, null, 2)), 0;
  if (!rows.length) return void console.log('No runbooks found in runbooks/.'), 0;
  for (const r of rows) {
    console.log(`${paint('bold', r.name)}  ${r.title}`);
    if (r.description) console.log(`  ${paint('dim', r.description)}`);
    if (r.params.length) console.log(`  params: ${r.params.map((p) => `${p.name}${p.required ? '' : '?'}:${p.type}`).join(', ')}`);
  }
  return 0;
}
