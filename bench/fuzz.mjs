#!/usr/bin/env node
// Mutation fuzzing of the whole read path: parse -> check -> plan, in-process, on mutations of the
// shipped runbooks and the test fixtures (byte flips, deleted/duplicated/swapped lines, spliced
// fences and frontmatter, runs of shell metacharacters). Counts exceptions and inputs slower than
// 2 s; writes the first few of each to bench/results/fuzz-*.md to reproduce.
// Usage: node bench/fuzz.mjs [--inputs 100000] [--seed 1]   (needs `npm run build:cli`)
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkRunbook } from '../lib/check/index.js';
import { parseRunbook } from '../lib/markdown/parse.js';
import { planRunbook } from '../lib/plan/plan.js';

const { values } = parseArgs({ options: { inputs: { type: 'string', default: '100000' }, seed: { type: 'string', default: '1' } } });
const total = Number(values.inputs);
const root = new URL('../', import.meta.url).pathname;
const corpus = [];
for (const dir of ['runbooks', 'test/fixtures/runbooks', 'test/fixtures/check', 'test/fixtures/exec', 'test/fixtures/markdown', 'test/guides/fixtures']) {
  for (const name of readdirSync(join(root, dir))) if (name.endsWith('.md')) corpus.push(readFileSync(join(root, dir, name), 'utf8'));
}

let state = Number(values.seed) >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (xs) => xs[Math.floor(random() * xs.length)];
const tokens = ['$', '${', '}', '$(', ')', '`', '"', "'", '\\', '<<EOF', '\nEOF\n', '<<-', '|', '&&', ';', '{', '}', '```', '```bash\n', '---\n', '*', '&', '\n', '> ', '- ', '  ', '\t', '#', '[[', '((', '\u0000', '\uFFFD', 'é', 'aws ', 'kubectl ', 'gcloud ', '--', '=', 'file://', '{ name=x }', '{"name":'];

function mutate(text) {
  let lines = text.split('\n');
  const n = 1 + Math.floor(random() * 4);
  for (let k = 0; k < n; k++) {
    const i = Math.floor(random() * Math.max(1, lines.length));
    switch (Math.floor(random() * 7)) {
      case 0: lines.splice(i, 1); break;
      case 1: lines.splice(i, 0, lines[i] ?? ''); break;
      case 2: { const j = Math.floor(random() * lines.length); [lines[i], lines[j]] = [lines[j], lines[i]]; break; }
      case 3: { const l = lines[i] ?? ''; const at = Math.floor(random() * (l.length + 1)); lines[i] = l.slice(0, at) + pick(tokens) + l.slice(at); break; }
      case 4: { const l = lines[i] ?? ''; if (l.length) { const at = Math.floor(random() * l.length); lines[i] = l.slice(0, at) + String.fromCharCode(l.charCodeAt(at) ^ (1 << Math.floor(random() * 7))) + l.slice(at + 1); } break; }
      case 5: { const other = pick(corpus).split('\n'); const s = Math.floor(random() * other.length); lines.splice(i, 0, ...other.slice(s, s + 1 + Math.floor(random() * 20))); break; }
      default: lines[i] = (lines[i] ?? '') + pick(tokens).repeat(1 + Math.floor(random() * 50));
    }
  }
  return lines.join('\n');
}

const out = new URL('./results/', import.meta.url);
mkdirSync(out, { recursive: true });
let exceptions = 0;
let slow = 0;
let worst = 0;
const started = Date.now();
for (let i = 0; i < total; i++) {
  const source = mutate(pick(corpus));
  const t = performance.now();
  try {
    const runbook = parseRunbook(source, 'fuzz.md');
    await checkRunbook(runbook);
    await planRunbook(runbook);
  } catch (error) {
    if (exceptions++ < 5) writeFileSync(new URL(`fuzz-exception-${exceptions}.md`, out), `${source}\n<!-- ${String(error?.stack ?? error)} -->\n`);
  }
  const ms = performance.now() - t;
  worst = Math.max(worst, ms);
  if (ms > 2000 && slow++ < 5) writeFileSync(new URL(`fuzz-slow-${slow}.md`, out), source);
  if ((i + 1) % 10000 === 0) console.error(`${i + 1} inputs, ${exceptions} exceptions, ${slow} over 2 s, slowest ${Math.round(worst)} ms`);
}
const result = { inputs: total, seed: Number(values.seed), exceptions, over2s: slow, slowestMs: Math.round(worst), minutes: +((Date.now() - started) / 60000).toFixed(1) };
writeFileSync(new URL('fuzz.json', out), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result));
