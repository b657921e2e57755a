#!/usr/bin/env node
// The live server with many pages following one run that another process is recording: N event
// streams on the run's record while a child process appends to it for S seconds, and meanwhile a
// request for the run list every 100 ms. Reports the other requests' latency (median, p99, max), the
// server's CPU time, and whether every stream got every event.
// Usage: node bench/followers.mjs [--followers 1000] [--seconds 60]   (needs `npm run build:cli`)
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { followers: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '60' } } });
const followers = Number(values.followers);
const seconds = Number(values.seconds);
const stateDir = mkdtempSync(join(tmpdir(), 'runbook-bench-followers-'));
const runId = '20261202T000000-bench1';
mkdirSync(join(stateDir, 'runs'));
const file = join(stateDir, 'runs', `${runId}.ndjson`);
const time = new Date().toISOString();
const start = { type: 'run:start', runId, seq: 1, time, runbook: { file: 'bench.md', name: 'bench', title: 'Bench' }, steps: [{ id: 's', index: 1, title: 'S', kind: 'shell' }], params: {}, dryRun: false };
writeFileSync(file, `${JSON.stringify(start)}\n`);

// The recording process: appends an output event every 20 ms, then run:end.
const writer = join(stateDir, 'writer.mjs');
writeFileSync(writer, `
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const [file, stateDir, runId, seconds] = process.argv.slice(2);
mkdirSync(join(stateDir, 'bench'), { recursive: true });
writeFileSync(join(stateDir, 'bench', 'lock'), JSON.stringify({ pid: process.pid, runId, startedAt: new Date().toISOString() }));
let seq = 1;
const end = Date.now() + Number(seconds) * 1000;
const timer = setInterval(() => {
  const time = new Date().toISOString();
  if (Date.now() > end) {
    appendFileSync(file, JSON.stringify({ type: 'run:end', runId, seq: ++seq, time, status: 'succeeded', durationMs: 1, outputs: {} }) + '\\n');
    clearInterval(timer);
    return process.send?.({ seq });
  }
  appendFileSync(file, JSON.stringify({ type: 'step:output', runId, seq: ++seq, time, stepId: 's', stream: 'stdout', text: 'line ' + seq + ' ' + 'x'.repeat(60) + '\\n' }) + '\\n');
}, 20);
`);

// The server in a process of its own, as `runbook serve` is: its CPU time is its own.
const serverScript = join(stateDir, 'server.mjs');
writeFileSync(serverScript, `
import { startLiveServer } from ${JSON.stringify(new URL('../lib/serve/server.js', import.meta.url).href)};
const server = await startLiveServer({ stateDir: process.argv[2] });
const cpu0 = process.cpuUsage();
process.send({ port: server.port });
process.on('message', async () => {
  const cpu = process.cpuUsage(cpu0);
  await server.close();
  process.send({ cpuSeconds: (cpu.user + cpu.system) / 1e6 });
  process.exit(0);
});
`);
const serverProcess = fork(serverScript, [stateDir], { stdio: 'inherit' });
const next = () => new Promise((resolve) => serverProcess.once('message', resolve));
const server = { port: (await next()).port };
const child = fork(writer, [file, stateDir, runId, String(seconds)], { stdio: 'ignore' });
const written = new Promise((resolve) => child.on('message', (m) => resolve(m.seq)));

// The followers in a third process: the probe below measures the server, not the followers' parsing.
const followersScript = join(stateDir, 'followers.mjs');
writeFileSync(followersScript, `
import { request, Agent } from 'node:http';
const [port, runId, n] = process.argv.slice(2);
const agent = new Agent({ keepAlive: true, maxSockets: Number(n) + 10 });
const follow = () => new Promise((resolve) => {
  const req = request({ host: '127.0.0.1', port: Number(port), path: '/_runbook/events?run=' + runId, agent }, (res) => {
    let last = 0;
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (d) => {
      buffer += d;
      for (const m of buffer.matchAll(/^id: (\\d+)$/gm)) last = Number(m[1]);
      buffer = buffer.slice(buffer.lastIndexOf('\\n') + 1);
    });
    res.on('end', () => resolve(last));
  });
  req.on('error', () => resolve(-1));
  req.end();
});
const got = await Promise.all(Array.from({ length: Number(n) }, follow));
process.send(got);
`);
const followerProcess = fork(followersScript, [String(server.port), runId, String(followers)], { stdio: 'inherit' });
const streamsDone = new Promise((resolve) => followerProcess.once('message', resolve));

const latencies = [];
const probe = setInterval(() => {
  const t = process.hrtime.bigint();
  const req = request({ host: '127.0.0.1', port: server.port, path: '/_runbook/runs' }, (res) => {
    res.resume();
    res.on('end', () => latencies.push(Number(process.hrtime.bigint() - t) / 1e6));
  });
  req.on('error', () => {});
  req.end();
}, 100);

const lastSeq = await written;
const got = await streamsDone;
clearInterval(probe);
serverProcess.send('stop');
const { cpuSeconds } = await next();
rmSync(stateDir, { recursive: true, force: true });

const sorted = [...latencies].sort((a, b) => a - b);
const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
const complete = got.filter((s) => s === lastSeq).length;
console.log(`${followers} followers, ${seconds} s, ${lastSeq} events recorded by another process`);
console.log(`streams that got every event: ${complete}/${followers}`);
console.log(`other requests (${latencies.length}): median ${q(0.5).toFixed(1)} ms, p99 ${q(0.99).toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms`);
console.log(`server CPU: ${cpuSeconds.toFixed(1)} s over ${seconds} s`);
