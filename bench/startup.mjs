#!/usr/bin/env node
// Start-up cost of the CLI, hyperfine-style: `runbook --help` and `runbook check
// runbooks/vault-kms-aws.md` (with a warm parse/declarations cache, as a user's second run has, and
// with RUNBOOK_NO_CACHE=1), beside bare `node -e 0`. Each command gets warm-up runs, then N timed runs;
// the commands take turns run by run so a busy moment of the (shared) machine falls on all of them.
// Reports median, mean ± σ, min and max per command; `--save NAME` writes
// bench/results/startup-NAME.json, `--baseline FILE` prints each median against that file's and
// exits 1 when one grew by more than `--limit` percent (default 5).
// Usage: node bench/startup.mjs [--runs 30] [--warmup 3] [--save before] [--baseline bench/results/startup-before.json]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '3' },
    save: { type: 'string' },
    baseline: { type: 'string' },
    limit: { type: 'string', default: '5' },
  },
});
const runs = Number(values.runs);
const warmup = Number(values.warmup);
const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin/runbook.js');
const runbook = join(root, 'runbooks/vault-kms-aws.md');

const cache = mkdtempSync(join(tmpdir(), 'runbook-bench-startup-'));
const env = { ...process.env, RUNBOOK_CACHE_DIR: cache, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
delete env.RUNBOOK_NO_CACHE;
delete env.RUNBOOK_TRACE;

const commands = [
  { name: 'node -e 0', args: ['-e', '0'], env },
  { name: 'runbook --help', args: [bin, '--help'], env },
  { name: 'runbook check vault-kms-aws.md', args: [bin, 'check', runbook], env },
  { name: 'runbook check vault-kms-aws.md (no cache)', args: [bin, 'check', runbook], env: { ...env, RUNBOOK_NO_CACHE: '1' } },
];

function once(command) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, command.args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: command.env });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  // check exits 1 on an error in the runbook; anything else means the command did not run.
  if (r.status !== 0 && r.status !== 1) throw new Error(`${command.name} failed (${r.status}): ${r.stderr}`);
  return ms;
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const sd = Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, samples.length - 1));
  const r = (x) => +x.toFixed(1);
  return { median: r(median), mean: r(mean), sd: r(sd), min: r(sorted[0]), max: r(sorted.at(-1)) };
}

try {
  for (const command of commands) for (let i = 0; i < warmup; i++) once(command);
  const samples = commands.map(() => []);
  for (let i = 0; i < runs; i++) commands.forEach((command, k) => samples[k].push(once(command)));
  const clients = readdirSync(join(root, 'node_modules/@aws-sdk')).filter((n) => n.startsWith('client-'));
  const result = {
    when: new Date().toISOString(),
    node: process.version,
    runs,
    warmup,
    awsClientsInstalled: clients.length,
    commands: Object.fromEntries(commands.map((c, k) => [c.name, stats(samples[k])])),
  };
  const baseline = values.baseline ? JSON.parse(readFileSync(values.baseline, 'utf8')) : undefined;
  const limit = Number(values.limit);
  let regressed = false;
  console.log(`${runs} runs each after ${warmup} warm-up runs; ${clients.length} @aws-sdk/client-* packages installed${baseline ? ` (baseline: ${baseline.awsClientsInstalled})` : ''}`);
  for (const [name, s] of Object.entries(result.commands)) {
    let line = `${name.padEnd(44)} median ${String(s.median).padStart(6)} ms   mean ${s.mean} ± ${s.sd} ms   [${s.min} … ${s.max}]`;
    const before = baseline?.commands?.[name];
    if (before) {
      const change = ((s.median - before.median) / before.median) * 100;
      line += `   vs ${before.median} ms: ${change >= 0 ? '+' : ''}${change.toFixed(1)} %`;
      if (change > limit && name !== 'node -e 0') regressed = true;
    }
    console.log(line);
  }
  if (values.save) {
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    const file = join(root, `bench/results/startup-${values.save}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`written to ${file}`);
  }
  if (regressed) {
    console.log(`a median grew by more than ${limit} %`);
    process.exitCode = 1;
  }
} finally {
  rmSync(cache, { recursive: true, force: true });
}
