#!/usr/bin/env node
// `runbook check` on 1,000 generated runbooks of 20 steps each, in one process, and the CLI's
// start-up (`--help`) against bare `node -e 0`. Reports wall times and ratios; writes
// bench/results/check.json. Usage: node bench/check.mjs [--runbooks 1000] [--runs 3]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runbooks: { type: 'string', default: '1000' }, runs: { type: 'string', default: '3' } } });
const count = Number(values.runbooks);
const runs = Number(values.runs);
const bin = new URL('../bin/runbook.js', import.meta.url).pathname;

// Twenty steps in the guide's style: aws calls with --query, exports, heredocs, pipes into cut.
function runbook(n) {
  const steps = [];
  steps.push('export ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)');
  for (let i = 1; i < 20; i++) {
    switch (i % 5) {
      case 0: steps.push(`export KEY_${i}=$(aws kms create-key --description "key ${n}-${i}" --query KeyMetadata.KeyId --output text)`); break;
      case 1: steps.push(`aws kms describe-key --key-id "$KEY_${i - 1 - ((i - 1) % 5)}" --query KeyMetadata.Arn --output text`.replace('$KEY_0', '$ACCOUNT_ID')); break;
      case 2: steps.push(`cat <<EOF > doc-${i}.json\n{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "arn:aws:iam::\${ACCOUNT_ID}:role/r${i}"}]}\nEOF`); break;
      case 3: steps.push(`export ROLE_${i}=$(aws iam create-role --role-name role-${n}-${i} --assume-role-policy-document file://doc-${i - 1}.json --query Role.Arn --output text)\necho "$ROLE_${i}" | cut -d'/' -f2-`); break;
      case 4: steps.push(`aws iam attach-role-policy --role-name role-${n}-${i - 1} --policy-arn "arn:aws:iam::$ACCOUNT_ID:policy/p${i}"`); break;
    }
  }
  return `---\ntitle: Generated ${n}\n---\n\n# Generated runbook ${n}\n\n${steps.map((s, i) => `${i + 1}. Step ${i + 1}.\n\n\`\`\`sh\n${s}\n\`\`\`\n`).join('\n')}`;
}

const dir = mkdtempSync(join(tmpdir(), 'runbook-bench-'));
try {
  const files = [];
  for (let n = 0; n < count; n++) {
    const file = join(dir, `rb-${String(n).padStart(4, '0')}.md`);
    writeFileSync(file, runbook(n));
    files.push(file);
  }
  // The parse cache lives in the temp dir: `cold` bypasses it, `warm` reads what the first run stored.
  const cacheEnv = { ...process.env, RUNBOOK_CACHE_DIR: join(dir, 'cache') };
  const time = (cmd, args, env = cacheEnv) => {
    const samples = [];
    for (let i = 0; i < runs; i++) {
      const t = process.hrtime.bigint();
      const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28, env });
      samples.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args[0]} failed: ${r.stderr}`);
    }
    samples.sort((a, b) => a - b);
    return samples[Math.floor(samples.length / 2)];
  };
  const node = time(process.execPath, ['-e', '0']);
  const help = time(process.execPath, [bin, '--help']);
  const one = time(process.execPath, [bin, 'check', files[0]]);
  const cold = time(process.execPath, [bin, 'check', ...files], { ...cacheEnv, RUNBOOK_NO_CACHE: '1' });
  spawnSync(process.execPath, [bin, 'check', ...files], { stdio: 'ignore', env: cacheEnv }); // fills the cache
  const all = time(process.execPath, [bin, 'check', ...files]);
  const result = {
    runbooks: count, stepsEach: 20, runs,
    nodeStartMs: Math.round(node), helpMs: Math.round(help), helpOverNode: +(help / node).toFixed(2),
    checkOneMs: Math.round(one),
    checkAllColdMs: Math.round(cold), perRunbookColdMs: +((cold - node) / count).toFixed(2),
    checkAllMs: Math.round(all), perRunbookMs: +((all - node) / count).toFixed(2),
    perStepUs: Math.round(((all - node) / count / 20) * 1000),
  };
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/check.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`node -e 0:                 ${result.nodeStartMs} ms`);
  console.log(`runbook --help:            ${result.helpMs} ms  (${result.helpOverNode}x bare node)`);
  console.log(`runbook check (1 file):    ${result.checkOneMs} ms`);
  console.log(`runbook check (${count} files, no parse cache): ${result.checkAllColdMs} ms  = ${result.perRunbookColdMs} ms per runbook of 20 steps`);
  console.log(`runbook check (${count} files, parse cache):    ${result.checkAllMs} ms  = ${result.perRunbookMs} ms per runbook (${result.perStepUs} µs per step)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
