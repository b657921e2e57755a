#!/usr/bin/env node
// aws CLI commands through src/translate/aws (translate → send → format, in one process) against the
// `aws` executable, on moto: time per command and whether stdout is identical.
// Usage: node bench/aws-translate.mjs [--runs 5]   (needs `npm run build:cli`, moto and the aws CLI)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const root = new URL('../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'runbook-bench-aws-'));

const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
const endpoint = `http://127.0.0.1:${port}`;
for (let i = 0; i < 100; i++) {
  try {
    if ((await fetch(`${endpoint}/moto-api/data.json`)).ok) break;
  } catch {}
  await new Promise((r) => setTimeout(r, 100));
}
Object.assign(process.env, {
  AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_DEFAULT_REGION: 'us-east-1',
  AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_CONFIG_FILE: join(work, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'),
});

const t0 = performance.now();
const { translateAws, sendAwsCall, formatAwsOutput, closeAwsClients } = await import(join(root, 'lib/translate/aws/index.js'));
const importMs = performance.now() - t0;

const aws = (args) => spawnSync('aws', args, { cwd: work, encoding: 'utf8' });
aws(['kms', 'create-key', '--description', 'bench']);
aws(['iam', 'create-role', '--role-name', 'bench-role', '--assume-role-policy-document', '{"Version":"2012-10-17","Statement":[]}']);
aws(['s3api', 'create-bucket', '--bucket', 'bench-bucket']);
aws(['ssm', 'put-parameter', '--name', '/bench/p', '--value', 'v', '--type', 'String']);

const commands = [
  ['sts', 'get-caller-identity', '--query', 'Account', '--output', 'text'],
  ['kms', 'list-keys'],
  ['iam', 'get-role', '--role-name', 'bench-role'],
  ['iam', 'list-roles', '--output', 'text'],
  ['s3api', 'list-buckets', '--output', 'table'],
  ['ssm', 'get-parameter', '--name', '/bench/p', '--query', 'Parameter.Value', '--output', 'text'],
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const command of commands) {
  const argv = ['aws', ...command];
  let t = performance.now();
  const first = await translateAws(argv, { cwd: work });
  const coldTranslateMs = performance.now() - t;
  const translate = [];
  const ours = [];
  const cli = [];
  let same = true;
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    const call = await translateAws(argv, { cwd: work });
    translate.push(performance.now() - t);
    t = performance.now();
    const stdout = formatAwsOutput(await sendAwsCall(call), call);
    ours.push(performance.now() - t);
    t = performance.now();
    const reference = aws(command).stdout;
    cli.push(performance.now() - t);
    same &&= stdout === reference;
  }
  void first;
  rows.push({
    command: `aws ${command.join(' ')}`,
    coldTranslateMs: Math.round(coldTranslateMs),
    translateMs: +median(translate).toFixed(2),
    sendAndFormatMs: +median(ours).toFixed(1),
    awsCliMs: Math.round(median(cli)),
    identicalStdout: same,
  });
}
closeAwsClients();
moto.kill();
rmSync(work, { recursive: true, force: true });

console.table(rows);
console.log(`import of src/translate/aws: ${importMs.toFixed(0)} ms (clients load on first use)`);
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/aws-translate.json'), `${JSON.stringify({ runs, importMs: Math.round(importMs), rows }, null, 2)}\n`);
