/**
 * A content-layer loader that makes every `runbooks/*.md` a docs page: read with the engine's parser,
 * described with its planner, rendered by Astro's Markdown pipeline (Expressive Code included).
 * No runbook is copied anywhere: a new file in runbooks/ is a new page.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Loader, LoaderContext } from 'astro/loaders';
import { runbookPageId } from '../../src/serve/run-view.js';
import { describeRunbook, type RunbookPage } from './describe.js';
import { loadEngine } from './engine.js';
import { pageRegistry } from './remark-runbook.js';

export interface RunbookLoaderOptions {
  /** Folder of runbooks, relative to the project root. Starlight's sidebar finds them by this path too. */
  dir?: string;
  /** Another loader for the same collection, run first (Starlight's `docsLoader()` for site/content/docs). */
  before?: Loader;
}

/** Frontmatter lines become blank lines: the body renders without them, and keeps the file's line numbers. */
export function blankFrontmatter(source: string): string {
  const m = /^---\r?\n[\s\S]*?\r?\n---[ \t]*(?:\r?\n|$)/.exec(source);
  return m ? m[0].replace(/[^\n]/g, '') + source.slice(m[0].length) : source;
}

export interface LoadedRunbook {
  id: string;
  filePath: string;
  title: string;
  description?: string;
  page: RunbookPage;
  body: string;
  source: string;
}

/** Read and describe every runbook in `dir` (pure apart from reading files and loading SDK models). */
export async function readRunbooks(root: URL, dir: string): Promise<LoadedRunbook[]> {
  const folder = new URL(`${dir.replace(/\/+$/, '')}/`, root);
  if (!existsSync(folder)) return [];
  const names = (await readdir(folder)).filter((n) => /\.(md|markdown)$/i.test(n) && !n.startsWith('_')).sort();
  const out: LoadedRunbook[] = [];
  const engine = names.length ? await loadEngine() : undefined;
  for (const name of names) {
    const source = await readFile(new URL(name, folder), 'utf8');
    const filePath = `${dir}/${name}`;
    const runbook = engine!.parseRunbook(source, filePath);
    const page = await describeRunbook(runbook, engine!);
    out.push({
      id: runbookPageId(runbook.name),
      filePath,
      title: runbook.title,
      ...(runbook.description ? { description: runbook.description } : {}),
      page,
      body: blankFrontmatter(source),
      source,
    });
  }
  return out;
}

export function runbookLoader(options: RunbookLoaderOptions = {}): Loader {
  const dir = options.dir ?? 'runbooks';
  let watching = false;
  return {
    name: 'runbook-loader',
    async load(context: LoaderContext) {
      if (options.before) await options.before.load(context);
      await loadRunbooks(context, dir);
      // `astro dev`: an edited, added or removed runbook re-renders its pages.
      if (context.watcher && !watching) {
        watching = true;
        const folder = fileURLToPath(new URL(`${dir}/`, context.config.root));
        context.watcher.add(folder);
        context.watcher.on('all', (_event, path) => {
          if (path.startsWith(folder)) void loadRunbooks(context, dir);
        });
      }
    },
  };
}

async function loadRunbooks(context: LoaderContext, dir: string): Promise<void> {
  const { store, logger } = context;
  const runbooks = await readRunbooks(context.config.root, dir);
  const registry = pageRegistry();
  const ids = new Set<string>();
  for (const rb of runbooks) {
    if (ids.has(rb.id)) {
      logger.warn(`${rb.filePath}: another runbook already has the page ${rb.id}; skipped`);
      continue;
    }
    ids.add(rb.id);
    if (rb.page.planError) logger.warn(`${rb.filePath}: the planner failed (${rb.page.planError}); the page shows steps without their calls`);
    registry.set(rb.body, rb.page);
    let rendered: Awaited<ReturnType<LoaderContext['renderMarkdown']>>;
    try {
      rendered = await context.renderMarkdown(rb.body);
    } finally {
      registry.delete(rb.body);
    }
    const headings = rendered.metadata?.headings ?? [];
    const extra = rb.page.params.length ? [{ depth: 2, slug: 'parameters', text: 'Parameters' }] : [];
    const data = await context.parseData({
      id: rb.id,
      data: {
        title: rb.title,
        ...(rb.description ? { description: rb.description } : {}),
        editUrl: false,
        runbook: rb.page,
      },
    });
    store.set({
      id: rb.id,
      data,
      body: rb.source,
      filePath: rb.filePath,
      rendered: { ...rendered, metadata: { ...rendered.metadata, headings: [...extra, ...headings] } },
      digest: context.generateDigest(rb.source + JSON.stringify(rb.page)),
    });
  }
  // Pages of runbooks that were removed or renamed.
  for (const id of store.keys()) if (id.startsWith('runbooks/') && !ids.has(id)) store.delete(id);
}
