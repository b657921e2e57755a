#!/usr/bin/env -S npx tsx
// The fault sweep behind RELIABILITY.md: runbooks/vault-kms-aws.md through the fault-injecting proxy
// (test/servers/faults.ts) in front of moto, for every create it makes x every fault kind x N, then a
// re-run; and SIGKILL of the engine at every step start and right after every create's answer, then
// a re-run. Counts duplicates (any resource more than once), runs that did not converge, and runs
// that exited 0 after a fault they could not resolve.
// Usage: npx tsx bench/faults.mts [--repeat 5]   (needs `npm run build:cli`, moto)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { IAMClient, ListAttachedRolePoliciesCommand, ListOpenIDConnectProvidersCommand, ListPoliciesCommand, ListPolicyVersionsCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { KMSClient, ListAliasesCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { startMoto } from '../src/engine/sandbox.js';
import { startFaultProxy, type Fault } from '../test/servers/faults.js';
import { motoEnv } from '../test/support/moto.js';

const { values } = parseArgs({ options: { repeat: { type: 'string', default: '5' } } });
const repeat = Number(values.repeat);
const root = new URL('../', import.meta.url).pathname;
const bin = join(root, 'bin/runbook.js');
const runbook = join(root, 'runbooks/vault-kms-aws.md');
const cluster = 'faults';
const moto = await startMoto();
const proxy = await startFaultProxy(moto.endpoint);
const work = mkdtempSync(join(tmpdir(), 'runbook-bench-faults-'));
const aws = { endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };

async function fresh() {
  await moto.reset();
  const eks = new EKSClient(aws);
  await eks.send(new CreateClusterCommand({ name: cluster, roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: { subnetIds: ['subnet-1'] } }));
  eks.destroy();
}

async function counts(): Promise<Record<string, number>> {
  const kms = new KMSClient(aws);
  const iam = new IAMClient(aws);
  try {
    const policies = (await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies ?? [];
    const roles = ((await iam.send(new ListRolesCommand({}))).Roles ?? []).filter((r) => r.RoleName === 'vault-role');
    return {
      keys: ((await kms.send(new ListKeysCommand({}))).Keys ?? []).length,
      aliases: ((await kms.send(new ListAliasesCommand({}))).Aliases ?? []).filter((a) => a.AliasName === 'alias/vault-key').length,
      providers: ((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList ?? []).length,
      roles: roles.length,
      policies: policies.length,
      versions: policies[0] ? ((await iam.send(new ListPolicyVersionsCommand({ PolicyArn: policies[0].Arn }))).Versions ?? []).length : 0,
      attachments: roles.length ? ((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'vault-role' }))).AttachedPolicies ?? []).length : 0,
    };
  } finally {
    kms.destroy();
    iam.destroy();
  }
}

/** Run the engine; with `killAt`, SIGKILL it when that NDJSON event is read. */
function exec(stateDir: string, killAt?: (event: { type: string; outcome?: string }) => boolean): Promise<{ code: number | null; killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'exec', runbook, '--json', '--state-dir', stateDir, '--param', `EKS_CLUSTER_NAME=${cluster}`], {
      env: { ...process.env, ...motoEnv(proxy.endpoint), NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'ignore'],
    });
    let killed = false;
    let buffer = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      buffer += d;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!killed && killAt && line.startsWith('{') && killAt(JSON.parse(line))) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('exit', (code) => resolve({ code, killed }));
  });
}

const once = JSON.stringify({ keys: 1, aliases: 1, providers: 1, roles: 1, policies: 1, versions: 1, attachments: 1 });
const tally = { runs: 0, duplicates: 0, notConverged: 0, faultyRunsFailed: 0, faultyRunsSucceeded: 0, kills: 0 };
const problems: string[] = [];
let n = 0;

async function judge(label: string, stateDir: string): Promise<void> {
  const mid = await counts();
  if (Object.values(mid).some((v) => v > 1)) {
    tally.duplicates++;
    problems.push(`${label}: duplicate after the faulty run ${JSON.stringify(mid)}`);
  }
  proxy.set([]);
  const again = await exec(stateDir);
  const after = await counts();
  if (again.code !== 0 || JSON.stringify(after) !== once) {
    tally.notConverged++;
    problems.push(`${label}: re-run exit ${again.code}, ${JSON.stringify(after)}`);
  }
  if (Object.values(after).some((v) => v > 1)) tally.duplicates++;
}

const creates = ['CreateKey', 'CreateAlias', 'CreateOpenIDConnectProvider', 'CreateRole', 'CreatePolicy', 'AttachRolePolicy'];
const faults: Fault[] = ['forward-then-drop', 'forward-then-500', '500', '503', 'throttle', 'reset', 'delay'];
try {
  for (let r = 0; r < repeat; r++) {
    for (const operation of creates) {
      for (const fault of faults) {
        await fresh();
        // Persistent faults on some rounds: every attempt of that create fails the same way.
        proxy.set([{ operation, fault, times: r % 2 ? 100 : 1 }]);
        const stateDir = join(work, `s${++n}`);
        const run = await exec(stateDir);
        tally.runs++;
        if (run.code === 0) tally.faultyRunsSucceeded++;
        else tally.faultyRunsFailed++;
        await judge(`${operation}/${fault}/${r % 2 ? 'persistent' : 'once'}`, stateDir);
      }
    }
  }
  // SIGKILL at every step start and right after every mutating call's answer.
  const points: Array<[string, (e: { type: string; outcome?: string }, seen: { starts: number; creates: number }) => boolean]> = [];
  for (let k = 1; k <= 11; k++) points.push([`before step ${k}`, (e, s) => e.type === 'step:start' && ++s.starts === k]);
  for (let k = 1; k <= 6; k++) points.push([`after create ${k}`, (e, s) => e.type === 'step:call-end' && (e.outcome === 'created' || e.outcome === 'updated') && ++s.creates === k]);
  for (let r = 0; r < repeat; r++) {
    for (const [label, at] of points) {
      await fresh();
      proxy.set([]);
      const seen = { starts: 0, creates: 0 };
      const stateDir = join(work, `s${++n}`);
      const run = await exec(stateDir, (e) => at(e, seen));
      tally.runs++;
      if (run.killed) tally.kills++;
      await judge(`kill ${label}`, stateDir);
    }
  }
} finally {
  await proxy.stop();
  await moto.stop();
  rmSync(work, { recursive: true, force: true });
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/faults.json', import.meta.url), `${JSON.stringify({ ...tally, problems }, null, 2)}\n`);
console.log(JSON.stringify(tally));
for (const p of problems) console.log(p);
