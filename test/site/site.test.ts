/// <reference lib="dom" />
/**
 * The published docs site, as built into dist/: every runbook in runbooks/ is a page with its steps
 * (and what the engine does with each) and its parameters, served as plain static files.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runbook } from '../../src/markdown/types.js';
import { analyzeFlow } from '../../src/plan/flow.js';
import { planRunbook, type Plan } from '../../src/plan/plan.js';
import { launch, type Browser } from './support/browser.js';
import { loadRunbook } from './support/scenario.js';
import { distDir, ensureSite, root, runbookFiles } from './support/site.js';

/** Any static file server will do: this one knows nothing of the engine. */
function staticServer(dir: string): Promise<{ origin: string; server: Server }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml' };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(dir, path));
    if (!file.startsWith(dir)) return res.writeHead(400).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) return res.writeHead(404, { 'Content-Type': 'text/html' }).end('<h1>404</h1>');
    res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })));
}

interface Described {
  runbook: Runbook;
  plan: Plan;
  html: string;
}

const described: Described[] = [];
let browser: Browser;
let noScript: Browser;
let site: { origin: string; server: Server };

beforeAll(async () => {
  await ensureSite();
  for (const file of runbookFiles()) {
    const runbook = await loadRunbook(file, root);
    const page = join(distDir, 'runbooks', runbook.name, 'index.html');
    described.push({ runbook, plan: await planRunbook(runbook), html: existsSync(page) ? readFileSync(page, 'utf8') : '' });
  }
  site = await staticServer(distDir);
  browser = await launch();
  noScript = await launch({ javaScriptEnabled: false });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await noScript?.close();
  if (site) await new Promise((r) => site.server.close(r));
});

describe('the built site', () => {
  it('has runbooks to show', () => {
    expect(described.length).toBeGreaterThan(0);
  });

  it('has a page for every runbook in runbooks/, with its steps and what the engine does with each', async () => {
    const page = await browser.context.newPage();
    for (const { runbook, plan } of described) {
      const res = await page.goto(`${site.origin}/runbooks/${runbook.name}/`);
      expect(res?.status(), runbook.file).toBe(200);
      await expect(page.locator('h1').first().textContent()).resolves.toBe(runbook.title);
      const steps = page.locator('.rb-step[data-step-id]');
      await expect(steps.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.stepId))).resolves.toEqual(plan.steps.map((s) => s.id));
      for (const step of plan.steps) {
        const info = page.locator(`.rb-step[data-step-id="${step.id}"] .rb-step-info`);
        const text = (await info.textContent())!;
        expect(text, step.id).toContain(step.id);
        expect(text).toContain({ sdk: 'SDK call', file: 'File write', shell: 'Shell' }[step.kind]);
        for (const call of step.actions) if (call.kind === 'call' && !call.error) expect(text).toContain(call.operation);
        for (const v of step.produces.variables) expect(text).toContain(v);
        for (const f of step.produces.files) expect(text).toContain(f);
        // The fence itself is there, with the step's code.
        const code = await page.locator(`.rb-step[data-step-id="${step.id}"] pre`).textContent();
        expect(code!.replace(/\s+/g, '')).toContain(runbook.steps[step.index - 1]!.code.split('\n')[0]!.replace(/\s+/g, ''));
      }
    }
    await page.close();
  });

  it('shows each runbook\'s parameters as a table: name, type, default, description', async () => {
    const page = await browser.context.newPage();
    for (const { runbook } of described) {
      const params = analyzeFlow(runbook).params;
      await page.goto(`${site.origin}/runbooks/${runbook.name}/`);
      if (!params.length) continue;
      await expect(page.locator('table.rb-params thead th').allTextContents()).resolves.toEqual(['Name', 'Type', 'Default', 'Description']);
      const rows = page.locator('table.rb-params tbody tr');
      await expect(rows.count()).resolves.toBe(params.length);
      for (const [i, p] of params.entries()) {
        const cells = await rows.nth(i).locator('td').allTextContents();
        expect(cells[0]).toContain(p.name);
        expect(cells[1]).toContain(p.type);
        if (p.default !== undefined && !p.secret) expect(cells[2]).toContain(String(p.default));
        // `backticks` in a description show as code.
        if (p.description) expect(cells[3]).toContain(p.description.replace(/`/g, ''));
      }
    }
    await page.close();
  });

  it('lists the programs a runbook needs besides the ones the engine serves', () => {
    const k8s = described.find((d) => d.runbook.name === 'vault-k8s')!;
    const needs = /<p class="rb-prerequisites[^>]*>([\s\S]*?)<\/p>/.exec(k8s.html)?.[1]?.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();
    expect(needs).toBe('Needs jq, helm (only for a step shown, not run) installed; the engine serves aws, gcloud and kubectl itself.');
    expect(described.find((d) => d.runbook.name === 'vault-kms-aws')!.html).not.toContain('rb-prerequisites');
  });

  it('renders fences as the guide asks and keeps engine attributes out of the pages', () => {
    for (const { runbook, html } of described) {
      for (const step of runbook.steps) {
        const block = html.slice(html.indexOf(`data-step-id="${step.id}"`), html.indexOf('rb-step-footer', html.indexOf(`data-step-id="${step.id}"`)));
        expect(block, step.id).toContain('<figure');
        // Expressive Code saw the display meta: no line numbers where the fence says so, no terminal frame with frame=none.
        if (/showLineNumbers=false/.test(step.meta.display)) expect(block).not.toContain('class="ln"');
        else expect(block).toContain('class="ln"');
        if (/frame=none/.test(step.meta.display)) expect(block).not.toContain('is-terminal');
        // Engine attributes, in either form, are gone.
        const braces = step.meta.raw.match(/\{[^}]*\}/g) ?? [];
        for (const b of braces.filter((b) => /[a-z]/i.test(b))) {
          expect(html).not.toContain(b);
          expect(html).not.toContain(b.replace(/"/g, '&quot;'));
        }
        for (const [k, v] of Object.entries(step.meta.attributes)) if (k !== 'name') expect(block).not.toContain(`${k}=${v}`);
      }
    }
  });

  it('lists every runbook on the index with its title, description and parameters', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${site.origin}/`);
    for (const { runbook } of described) {
      const card = page.locator(`.rb-card[data-runbook="${runbook.name}"]`);
      await expect(card.locator('a.rb-card-title').textContent()).resolves.toBe(runbook.title);
      await expect(card.locator('a.rb-card-title').getAttribute('href')).resolves.toBe(`/runbooks/${runbook.name}/`);
      if (runbook.description) await expect(card.textContent()).resolves.toContain(runbook.description.replace(/`/g, ''));
      for (const p of analyzeFlow(runbook).params) await expect(card.textContent()).resolves.toContain(p.name);
    }
    // And in the sidebar, under Runbooks.
    const sidebar = await page.locator('#starlight__sidebar').textContent();
    for (const { runbook } of described) expect(sidebar).toContain(runbook.title);
    await page.close();
  });

  it('has the page on writing runbooks, with every parameter type and fence attribute', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${site.origin}/writing-runbooks/`);
    const text = (await page.locator('main').textContent())!;
    for (const type of ['string', 'integer', 'boolean', 'enum', 'aws-region', 'aws-account-id', 'arn', 'gcp-project-id', 'gcp-location', 'k8s-name', 'secret']) expect(text).toContain(type);
    for (const word of ['outputs:', 'timeout', 'retries', 'confirm', 'skip', 'src/translate/index.ts', 'src/translate/aws/adopt.ts']) expect(text).toContain(word);
    // Its examples show fence attributes as text, in a Markdown block, not as live fence meta.
    expect(text).toContain('{ name=create-role timeout=2m retries=3 }');
    await page.close();
  });

  it('reads without JavaScript, and says plainly that no run is live', async () => {
    const page = await noScript.context.newPage();
    for (const { runbook, plan } of described) {
      await page.goto(`${site.origin}/runbooks/${runbook.name}/`);
      await expect(page.locator('.rb-step[data-step-id]').count()).resolves.toBe(plan.steps.length);
      const panel = (await page.locator('[data-rb-run]').textContent())!;
      expect(panel).toContain('No live run');
      expect(panel).toContain(`runbook exec ${runbook.file}`);
      expect(panel).toContain('--live');
    }
    await page.close();
  });

  it('stays static without the engine: no live panel appears, nothing breaks', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const { runbook } = described[0]!;
    await page.goto(`${site.origin}/runbooks/${runbook.name}/`);
    await page.waitForLoadState('networkidle');
    await expect(page.locator('[data-rb-run]').getAttribute('data-state')).resolves.toBe('static');
    await expect(page.locator('.rb-step[data-state]').count()).resolves.toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('searches offline with Pagefind', async () => {
    expect(existsSync(join(distDir, 'pagefind', 'pagefind.js'))).toBe(true);
    const page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${site.origin}/`);
    const { runbook } = described[0]!;
    await page.locator('button[data-open-modal]').first().click();
    await page.locator('dialog[open] input.pagefind-ui__search-input').fill(runbook.title.split(/\s+/).slice(0, 3).join(' '));
    const result = page.locator(`dialog[open] a[href^="/runbooks/${runbook.name}/"]`).first();
    await result.waitFor({ timeout: 15_000 });
    await page.close();
  });

  it('has a dark and a light theme', async () => {
    const page = await browser.context.newPage();
    const colours: string[] = [];
    for (const scheme of ['dark', 'light'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${site.origin}/runbooks/${described[0]!.runbook.name}/`);
      await expect(page.locator('html').getAttribute('data-theme')).resolves.toBe(scheme);
      colours.push(await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
    }
    expect(colours[0]).not.toBe(colours[1]);
    await page.close();
  });
});

