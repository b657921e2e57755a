/**
 * The built site, once per test run: `astro build` runs only when dist/ is older than what it is
 * built from (runbooks, the site, the engine, the config). Test files running in parallel wait for
 * one build through a lock directory.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../../', import.meta.url));
export const distDir = join(root, 'dist');
export const runbooksDir = join(root, 'runbooks');
const stampFile = join(root, 'test-results', 'site-build.json');
const lockDir = join(root, 'test-results', 'site-build.lock');
const inputs = ['runbooks', 'site', 'src', 'astro.config.mjs', 'package.json'];

/** Newest modification time among the inputs (directories count: a deleted runbook changes its folder). */
function newestInput(): number {
  let newest = 0;
  const walk = (path: string) => {
    let st;
    try {
      st = statSync(path);
    } catch {
      return;
    }
    newest = Math.max(newest, st.mtimeMs);
    if (st.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  for (const input of inputs) walk(join(root, input));
  return newest;
}

function builtAt(): number {
  if (!existsSync(join(distDir, 'index.html'))) return 0;
  try {
    return (JSON.parse(readFileSync(stampFile, 'utf8')) as { startedAt: number }).startedAt;
  } catch {
    // Built by `npm run build`, not by a test: its pages are as new as its index.
    return statSync(join(distDir, 'index.html')).mtimeMs;
  }
}

const fresh = () => builtAt() >= newestInput();

/**
 * The environment without what vitest adds to it (NODE_ENV=test, DEV=1, MODE, SSR, BASE_URL…):
 * Astro reads those into import.meta.env, and would build a development site (no search).
 */
function buildEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ['NODE_ENV', 'DEV', 'PROD', 'MODE', 'SSR', 'BASE_URL', 'TEST']) delete env[key];
  for (const key of Object.keys(env)) if (key.startsWith('VITEST')) delete env[key];
  return { ...env, NODE_ENV: 'production' };
}

/** Build beside dist/, then swap it in: pages being served from dist/ never vanish mid-build. */
async function build(): Promise<void> {
  const out = join(root, 'test-results', `dist.building-${process.pid}`);
  const old = join(root, 'test-results', `dist.old-${process.pid}`);
  try {
    await astroBuild(out);
    if (existsSync(distDir)) renameSync(distDir, old);
    renameSync(out, distDir);
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
}

function astroBuild(outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'node_modules', 'astro', 'astro.js'), 'build', '--outDir', outDir], {
      cwd: root,
      env: { ...buildEnv(), ASTRO_TELEMETRY_DISABLED: '1', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += String(d)));
    child.stderr.on('data', (d) => (output += String(d)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`astro build failed (exit ${code}):\n${output.slice(-4000)}`))));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** dist/ up to date with the sources; builds at most once however many test files ask. */
export async function ensureSite(): Promise<void> {
  if (fresh()) return;
  mkdirSync(join(root, 'test-results'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      // Another test file is building; a lock older than 5 minutes is from a killed run.
      try {
        if (Date.now() - statSync(lockDir).mtimeMs > 300_000) rmSync(lockDir, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      await sleep(250);
    }
  }
  try {
    if (fresh()) return;
    const startedAt = Date.now();
    await build();
    writeFileSync(stampFile, JSON.stringify({ startedAt }));
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

export function runbookFiles(): string[] {
  return readdirSync(runbooksDir).filter((n) => /\.(md|markdown)$/i.test(n) && !n.startsWith('_')).sort().map((n) => join(runbooksDir, n));
}
