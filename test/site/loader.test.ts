/** The content loader and the remark plugin, without a site build (commands here have no translator: they stay shell). */
import { prerequisiteTools, toolsOf } from '../../src/plan/tools.js';
import { translatorNames } from '../../src/translate/index.js';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Code, Root } from 'mdast';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { VFile } from 'vfile';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/markdown/parse.js';
import { analyzeFlow } from '../../src/plan/flow.js';
import { describeRunbook } from '../../site/lib/describe.js';
import { pageRegistry, remarkRunbook } from '../../site/lib/remark-runbook.js';
import { blankFrontmatter, readRunbooks } from '../../site/lib/runbook-loader.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const rotate = `---
title: Rotate the app's database password
description: New password in a Kubernetes secret, then a rollout.
params:
  NAMESPACE: { type: k8s-name, default: shop, description: Namespace of the app }
  DB_PASSWORD: { type: secret, description: The new password }
---
Store it:

\`\`\`sh { name=store-secret timeout=30s } frame=none
curl -fsS -X PUT "https://vault.internal/v1/$NAMESPACE/db" --data "$DB_PASSWORD"
\`\`\`

Restart the app:

\`\`\`bash {"name":"restart","retries":"3"}
systemctl restart "app@$NAMESPACE" > rollout.txt
\`\`\`
`;

function project(files: Record<string, string>): URL {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-loader-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'runbooks'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'runbooks', name), text);
  return pathToFileURL(`${dir}/`);
}

describe('the runbook loader', () => {
  it('makes every Markdown file in runbooks/ a page, with no list to maintain', async () => {
    const root = project({ 'rotate-db-password.md': rotate, '_draft.md': rotate, 'notes.txt': 'x' });
    const first = await readRunbooks(root, 'runbooks');
    expect(first.map((r) => r.id)).toEqual(['runbooks/rotate-db-password']);
    writeFileSync(new URL('runbooks/restart-app.md', root), '# Restart the app\n\n```sh\nkubectl rollout restart deployment/app\n```\n');
    const second = await readRunbooks(root, 'runbooks');
    expect(second.map((r) => [r.id, r.title, r.filePath])).toEqual([
      ['runbooks/restart-app', 'Restart the app', 'runbooks/restart-app.md'],
      ['runbooks/rotate-db-password', "Rotate the app's database password", 'runbooks/rotate-db-password.md'],
    ]);
    const page = second[1]!.page;
    expect(page.steps.map((s) => [s.id, s.kind, s.variables, s.files, s.timeoutMs, s.retries])).toEqual([
      ['store-secret', 'shell', [], [], 30_000, undefined],
      ['restart', 'shell', [], ['rollout.txt'], undefined, 3],
    ]);
    expect(page.params.map((p) => [p.name, p.type, p.default, p.secret, p.required])).toEqual([
      ['NAMESPACE', 'k8s-name', 'shop', false, false],
      ['DB_PASSWORD', 'secret', undefined, true, true],
    ]);
  });

  it('renders the body with the frontmatter blanked, so fences keep their line numbers', () => {
    const body = blankFrontmatter(rotate);
    expect(body.split('\n')).toHaveLength(rotate.split('\n').length);
    expect(body).not.toContain('params:');
    expect(body.split('\n')[9]).toBe(rotate.split('\n')[9]);
    expect(blankFrontmatter('# no frontmatter\n')).toBe('# no frontmatter\n');
  });

  it('still describes the steps when the planner fails', async () => {
    const runbook = parseRunbook(rotate, 'runbooks/rotate-db-password.md');
    const page = await describeRunbook(runbook, { analyzeFlow, toolsOf, prerequisiteTools, served: translatorNames, planRunbook: () => Promise.reject(new Error('no translator')) });
    expect(page.planError).toBe('no translator');
    expect(page.steps.map((s) => [s.id, s.kind, s.files])).toEqual([
      ['store-secret', 'shell', []],
      ['restart', 'shell', ['rollout.txt']],
    ]);
  });
});

describe('the remark plugin', () => {
  const run = (markdown: string) => {
    const processor = unified().use(remarkParse).use(remarkRunbook);
    const file = new VFile({ value: markdown });
    return processor.runSync(processor.parse(file), file) as Root;
  };
  const codes = (tree: Root): Code[] => {
    const out: Code[] = [];
    const walk = (n: { type: string; children?: unknown[] }) => {
      if (n.type === 'code') out.push(n as unknown as Code);
      for (const c of (n.children ?? []) as Array<{ type: string }>) walk(c);
    };
    walk(tree);
    return out;
  };

  it('hands Expressive Code the meta without engine attributes, in both Runme forms', () => {
    const tree = run([
      '```sh { name=a timeout=30s } frame=none',
      'x',
      '```',
      '```zsh showLineNumbers=false {"name":"b","retries":"2"}',
      'y',
      '```',
      '```js {1,3-4} title="keep.js"',
      'z',
      '```',
      '```sh {interactive=false}',
      'w',
      '```',
    ].join('\n'));
    expect(codes(tree).map((c) => c.meta)).toEqual(['frame=none', 'showLineNumbers=false', '{1,3-4} title="keep.js"', null]);
  });

  it('wraps each step of a registered runbook with what the engine does with it', async () => {
    const runbook = parseRunbook(rotate, 'runbooks/rotate-db-password.md');
    const page = await describeRunbook(runbook, { analyzeFlow, toolsOf, prerequisiteTools, served: translatorNames, planRunbook: () => Promise.reject(new Error('offline')) });
    const body = blankFrontmatter(rotate);
    pageRegistry().set(body, page);
    try {
      const tree = run(body);
      const wrappers = (tree.children as Array<{ type: string; data?: { hProperties?: Record<string, unknown> } }>).filter((n) => n.type === 'runbookStep');
      expect(wrappers.map((w) => w.data!.hProperties!.dataStepId)).toEqual(['store-secret', 'restart']);
      expect(JSON.stringify(wrappers[1])).toContain('rollout.txt');
    } finally {
      pageRegistry().delete(body);
    }
  });
});
