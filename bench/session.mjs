#!/usr/bin/env node
// What routing an aws call through the shell session costs. The same call, `aws sts
// get-caller-identity --query Account --output text`, against moto:
//   (a) translated, sent and formatted in-process, as the engine does for every call (the floor);
//   (b) typed in a step of the session: bash runs the shim, the shim hands argv to the engine over
//       the channel, the engine does (a), the shim prints the answer;
//   (c) the aws CLI process that a pasted guide starts for it.
// (b) - (a) is the routing overhead per call. Also: an empty step's cost (the per-step state dump).
// Usage: node bench/session.mjs [--calls 40]   (needs `npm run build:cli`, moto and the aws CLI)
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startMoto } from '../lib/engine/sandbox.js';
import { Session } from '../lib/engine/session/session.js';
import { translatorFor } from '../lib/translate/index.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '40' } } });
const calls = Number(values.calls);
const moto = await startMoto();
const env = {
  ...process.env, AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_DEFAULT_REGION: 'us-east-1', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
Object.assign(process.env, env);
const argv = ['aws', 'sts', 'get-caller-identity', '--query', 'Account', '--output', 'text'];
const translator = await translatorFor(argv);
const serveInProcess = async (args, callEnv) => {
  const call = await translator.translate(args, { cwd: process.cwd(), env: callEnv });
  return translator.format(await translator.send(call, { env: callEnv }), call);
};
const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  // Warm both paths: the client, its connection, the model.
  for (let i = 0; i < 5; i++) await serveInProcess(argv, env);

  const inProcess = [];
  for (let i = 0; i < calls; i++) {
    const t = process.hrtime.bigint();
    await serveInProcess(argv, env);
    inProcess.push(ms(t));
  }

  const session = Session.start({
    env, cwd: process.cwd(), tools: ['aws'], output: () => {},
    serve: async (request) => ({ stdout: await serveInProcess(request.argv, request.env), stderr: '', exitCode: 0 }),
  });
  const signal = new AbortController().signal;
  await session.run({ code: ':', file: 'bench.md', line: 1 }, signal);
  await session.run({ code: `for i in 1 2 3 4 5; do ${argv.join(' ')} > /dev/null; done`, file: 'bench.md', line: 1 }, signal);
  const routed = [];
  for (let i = 0; i < calls; i++) {
    const t = process.hrtime.bigint();
    await session.run({ code: `${argv.join(' ')} > /dev/null`, file: 'bench.md', line: 1 }, signal);
    routed.push(ms(t));
  }
  const empty = [];
  for (let i = 0; i < calls; i++) {
    const t = process.hrtime.bigint();
    await session.run({ code: ':', file: 'bench.md', line: 1 }, signal);
    empty.push(ms(t));
  }
  await session.stop();

  const cli = [];
  for (let i = 0; i < Math.min(5, calls); i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync('aws', argv.slice(1), { env, stdio: 'ignore' });
    if (r.status !== 0) throw new Error('the aws CLI failed');
    cli.push(ms(t));
  }

  const r = {
    calls,
    medianMs: {
      inProcess: +median(inProcess).toFixed(2),
      routedStep: +median(routed).toFixed(2),
      emptyStep: +median(empty).toFixed(2),
      awsCliProcess: Math.round(median(cli)),
    },
  };
  r.routingOverheadMs = +(r.medianMs.routedStep - r.medianMs.emptyStep - r.medianMs.inProcess).toFixed(2);
  r.awsCliOverRouted = +(r.medianMs.awsCliProcess / (r.medianMs.routedStep - r.medianMs.emptyStep)).toFixed(1);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/session.json', import.meta.url), `${JSON.stringify(r, null, 2)}\n`);
  console.log(`(a) in-process translate + send + format: ${r.medianMs.inProcess} ms per call`);
  console.log(`(b) the same call typed in a session step: ${(r.medianMs.routedStep - r.medianMs.emptyStep).toFixed(2)} ms (an empty step: ${r.medianMs.emptyStep} ms)`);
  console.log(`    routing overhead per call: ${r.routingOverheadMs} ms`);
  console.log(`(c) the aws CLI process: ${r.medianMs.awsCliProcess} ms (${r.awsCliOverRouted}x the routed call)`);
} finally {
  await moto.stop();
}
