import { port as parsePort, timeout as parseTimeout } from './options.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkRunbook } from '../check/index.js';
import { RunbookError } from '../diagnostics.js';
import { runRunbook } from '../engine/run.js';
import { recordSink, teeSinks } from '../events/record.js';
import { ndjsonSink, terminalSink } from '../events/terminal.js';
import type { EventSink } from '../events/types.js';
import { describeProblems, promptForParams, resolveParams } from '../params/resolve.js';
import { analyzeFlow } from '../plan/flow.js';
import { planRunbook } from '../plan/plan.js';
import { formatDiagnostic } from './check.js';
import { loadRunbook } from './load.js';
import { formatPlan } from './plan.js';

const help = `Usage: runbook exec FILE [options]

Runs the runbook's steps in order: aws commands as SDK calls, the rest through the shell.
State is kept in .runbook/ beside the runbook: a re-run skips completed steps, resumes after a
failure, and adopts resources that already exist instead of creating them twice.

Options:
  --param NAME=VALUE    a parameter value (repeatable)
  --params FILE         parameter values from a YAML file
  --state-dir DIR       where state lives (default: .runbook/ beside the runbook)
  --from STEP           start at this step (id or number), reusing earlier steps' state
  --only STEP           run only this step
  --restart             forget the state and start over (existing resources are adopted)
  --dry-run             print the plan and run nothing
  --yes, -y             do not ask before the first change
  --json                NDJSON events on stdout instead of the task list
  --timeout DURATION    default per-step timeout (e.g. 5m; a step's own timeout= wins)
  --tag NAME            run only the steps tagged NAME (Runme's tag attribute; repeatable)
  --allow RULE          go past a check error of this rule (repeatable; also
                        <!-- runbook-ignore RULE --> just before a fence)
  --profile NAME        AWS profile for every aws command
  --region REGION       AWS region for every aws command
  --sandbox             run against a local moto server with test credentials (AWS runbooks)
  --live                serve the docs site with this run's live log on 127.0.0.1`;

/** RUNBOOK_TRACE=1 prints where start-up time goes (ms since the process started). */
const trace = process.env.RUNBOOK_TRACE ? (label: string) => console.error(`[trace] ${label} ${Math.round(performance.now())}ms`) : () => {};

export async function run(args: string[]): Promise<number> {
  trace('exec start');
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      param: { type: 'string', multiple: true }, params: { type: 'string' }, 'state-dir': { type: 'string' },
      from: { type: 'string' }, only: { type: 'string' }, restart: { type: 'boolean' }, 'dry-run': { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' }, json: { type: 'boolean' }, timeout: { type: 'string' },
      profile: { type: 'string' }, region: { type: 'string' }, sandbox: { type: 'boolean' }, live: { type: 'boolean' },
      port: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      tag: { type: 'string', multiple: true }, allow: { type: 'string', multiple: true },
    },
  });
  if (values.help || positionals.length !== 1) {
    console.log(help);
    return values.help ? 0 : 2;
  }
  // Every option is checked before anything is read or started.
  const timeoutMs = parseTimeout(values.timeout);
  const livePort = parsePort(values.port);
  const runbook = await loadRunbook(positionals[0]!);
  trace('runbook loaded');
  const diagnostics = await checkRunbook(runbook, { allow: values.allow ?? [] });
  trace('checked');
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) {
    for (const d of errors) console.error(formatDiagnostic(d));
    const ids = [...new Set(errors.map((d) => d.ruleId))];
    throw new RunbookError(`${runbook.file} has ${errors.length} error${errors.length > 1 ? 's' : ''}; nothing was run`, {
      exitCode: 1,
      hint: `fix them (\`runbook check ${runbook.file}\` lists every problem), or, if you are sure, go past a rule with ${ids.map((id) => `--allow ${id}`).join(' ')} or an <!-- runbook-ignore ${ids[0]} --> comment just before the fence`,
    });
  }
  if (!runbook.steps.length) {
    throw new RunbookError(`${runbook.file} has no steps: no shell fence (\`\`\`bash, \`\`\`sh, \`\`\`console …) was found, so there is nothing to run`, {
      exitCode: 1, hint: 'label the fences a reader should run as ```bash',
    });
  }

  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  if (values.profile) env.AWS_PROFILE = values.profile;
  if (values.region) env.AWS_REGION = env.AWS_DEFAULT_REGION = values.region;
  // SDK clients run in this process: they read its environment.
  Object.assign(process.env, env);
  const flow = analyzeFlow(runbook);

  let sandbox: { stop(): Promise<void> } | undefined;
  let stateDir = values['state-dir'] ?? join(dirname(runbook.file), '.runbook');
  try {
    if (values.sandbox) {
      const { startSandbox } = await import('../engine/sandbox.js');
      const box = await startSandbox(runbook, flow, env, values.param ?? []);
      sandbox = box;
      Object.assign(env, box.env);
      if (!values['state-dir']) stateDir = mkdtempSync(join(tmpdir(), 'runbook-sandbox-'));
      console.error(`Sandbox: moto on ${box.endpoint}${box.notes.length ? `; ${box.notes.join('; ')}` : ''}`);
      values.param = [...box.params, ...(values.param ?? [])];
    }
    const { StateStore, siblingOutputs } = await import('../state/store.js');
    const previous = new StateStore(stateDir, runbook.name).load().params;
    const resolved = await resolveParams(flow.params, {
      flags: values.param ?? [], ...(values.params ? { file: values.params } : {}), env, saved: previous, siblings: siblingOutputs(stateDir, runbook.name),
    });
    if (resolved.missing.length && process.stdin.isTTY && !values.json) await promptForParams(resolved.missing, resolved);
    const problems = describeProblems(runbook.file, resolved);
    if (problems) {
      throw new RunbookError(`missing or invalid parameters for ${runbook.file}:\n${problems}`, {
        exitCode: 2, hint: 'give them with --param NAME=VALUE, --params file.yaml or the environment',
      });
    }

    trace('parameters resolved');
    if (values['dry-run']) {
      console.log(formatPlan(await planRunbook(runbook, { values: resolved.values })));
      return 0;
    }

    const interactive = !!process.stdin.isTTY && !!process.stderr.isTTY && !values.yes && !values.json;
    const sinks: EventSink[] = [values.json ? ndjsonSink() : terminalSink()];
    const record = recordSink(stateDir);
    sinks.push(record.sink);
    let live: { url: string; close(): Promise<void>; sink: EventSink } | undefined;
    if (values.live) {
      const { startLiveServer } = await import('../serve/server.js');
      const server = await startLiveServer({ stateDir, ...(livePort !== undefined ? { port: livePort } : {}) });
      live = server;
      sinks.push(server.sink);
      console.error(`Live log: ${server.url}`);
    }
    const controller = new AbortController();
    // Ctrl-C at the question cancels the run, as it does anywhere else.
    const confirm = interactive ? (what: string) => askOnce(what, () => controller.abort(new RunbookError('cancelled by Ctrl-C'))) : undefined;
    const onSigint = () => controller.abort(new RunbookError('cancelled by Ctrl-C'));
    process.once('SIGINT', onSigint);
    try {
      const result = await runRunbook({
        runbook, params: resolved.values, stateDir, sink: teeSinks(sinks), env, signal: controller.signal,
        ...(values.from ? { from: values.from } : {}), ...(values.only ? { only: values.only } : {}),
        ...(values.restart ? { restart: true } : {}), ...(confirm ? { confirm } : {}),
        ...(timeoutMs ? { timeoutMs } : {}), ...(values.tag?.length ? { tags: values.tag } : {}),
      });
      trace('run finished');
      return result.status === 'succeeded' ? 0 : result.status === 'cancelled' ? 130 : 1;
    } finally {
      // With --live, SIGINT stays handled until the wait below takes over.
      if (!live) process.off('SIGINT', onSigint);
      record.close();
      if (live) {
        // The page stays up after the run so it can be read; Ctrl-C (or SIGTERM) stops the server.
        // Listen before saying so: a signal right after the message must close the server cleanly.
        const stopped = new Promise<void>((r) => {
          process.once('SIGINT', () => r());
          process.once('SIGTERM', () => r());
        });
        console.error(`Run finished; the live log stays at ${live.url} until you press Ctrl-C.`);
        await stopped;
        await live.close();
      }
    }
  } finally {
    if (sandbox) {
      await sandbox.stop();
      if (!values['state-dir']) rmSync(stateDir, { recursive: true, force: true });
    }
  }
}


async function askOnce(what: string, cancel: () => void): Promise<void> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const asked = new AbortController();
  rl.once('SIGINT', () => {
    cancel();
    asked.abort();
  });
  try {
    const answer = (await rl.question(`\nAbout to make changes, starting with:\n  ${what.split('\n')[0]}\nContinue? [y/N] `, { signal: asked.signal })).trim().toLowerCase();
    if (answer !== 'y' && answer !== 'yes') throw new RunbookError('stopped: not confirmed (use --yes to skip this question)', { exitCode: 1 });
  } catch (error) {
    if ((error as Error)?.name === 'AbortError') throw new RunbookError('cancelled by Ctrl-C', { exitCode: 130 });
    throw error;
  } finally {
    rl.close();
  }
}
