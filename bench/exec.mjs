#!/usr/bin/env node
// `runbook exec runbooks/vault-kms-aws.md` against moto, compared with the alternatives a user has:
//   (a) the same steps as a bash script with the aws CLI (the runbook's own fences, pasted in order),
//   (b) a hand-written script making the same SDK calls (bench/sdk-script.mjs).
// Each run starts from an empty moto (reset, the EKS cluster re-created) and, for the engine, an
// empty state directory. Reports medians and ratios; writes bench/results/exec.json.
// Usage: node bench/exec.mjs [--runs 5]   (needs `npm run build:cli`, moto and the aws CLI)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseRunbook } from '../lib/markdown/parse.js';
import { startMoto } from '../lib/engine/sandbox.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const root = new URL('../', import.meta.url).pathname;
const runbookFile = join(root, 'runbooks/vault-kms-aws.md');
const cluster = 'bench-cluster';

const moto = await startMoto();
const work = mkdtempSync(join(tmpdir(), 'runbook-bench-exec-'));
const env = {
  ...process.env,
  AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_DEFAULT_REGION: 'us-east-1', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_CONFIG_FILE: join(work, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'),
  EKS_CLUSTER_NAME: cluster, NO_COLOR: '1',
};

// (a): the runbook's fences as one bash script, with the parameters' defaults exported first.
const runbook = parseRunbook(readFileSync(runbookFile, 'utf8'), runbookFile);
const defaults = runbook.params.filter((p) => p.default !== undefined).map((p) => `export ${p.name}=${JSON.stringify(String(p.default))}`);
const script = join(work, 'vault-kms-aws.sh');
writeFileSync(script, ['set -euo pipefail', `cd ${JSON.stringify(work)}`, ...defaults, ...runbook.steps.map((s) => s.code), 'echo "$KEY_ARN"', 'echo "$IAM_ROLE_ARN"', ''].join('\n'));

async function fresh() {
  await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
  const r = spawnSync('aws', ['eks', 'create-cluster', '--name', cluster, '--role-arn', 'arn:aws:iam::123456789012:role/eks', '--resources-vpc-config', 'subnetIds=subnet-1'], { env, stdio: 'ignore' });
  if (r.status !== 0) throw new Error('could not create the EKS cluster in moto');
}

function timed(cmd, args) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, cwd: root, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return { ms, stdout: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const samples = { bash: [], sdk: [], engine: [] };
try {
  for (let i = 0; i < runs; i++) {
    await fresh();
    samples.bash.push(timed('bash', [script]).ms);
    await fresh();
    samples.sdk.push(timed(process.execPath, [join(root, 'bench/sdk-script.mjs')]).ms);
    await fresh();
    const state = join(work, `state-${i}`);
    const engine = timed(process.execPath, [join(root, 'bin/runbook.js'), 'exec', runbookFile, '--yes', '--state-dir', state, '--param', `EKS_CLUSTER_NAME=${cluster}`]);
    if (!/KEY_ARN\s+arn:aws:kms:/.test(engine.stdout)) throw new Error(`engine run printed no KEY_ARN:\n${engine.stdout}`);
    samples.engine.push(engine.ms);
  }
} finally {
  await moto.stop();
  rmSync(work, { recursive: true, force: true });
}
const result = {
  runs,
  medianMs: { bashAwsCli: Math.round(median(samples.bash)), sdkScript: Math.round(median(samples.sdk)), engine: Math.round(median(samples.engine)) },
  engineSpeedupOverBash: +(median(samples.bash) / median(samples.engine)).toFixed(1),
  engineOverSdkScript: +(median(samples.engine) / median(samples.sdk)).toFixed(2),
  samplesMs: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map(Math.round)])),
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/exec.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
console.log(`(a) bash + aws CLI:        ${result.medianMs.bashAwsCli} ms`);
console.log(`(b) hand-written SDK:      ${result.medianMs.sdkScript} ms`);
console.log(`runbook exec:              ${result.medianMs.engine} ms`);
console.log(`engine vs (a): ${result.engineSpeedupOverBash}x faster; engine vs (b): ${result.engineOverSdkScript}x the time`);
