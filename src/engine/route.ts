/**
 * A CLI call from the shell session, served by the engine: argv -> translator -> the one send path
 * (adoption, confirmation, retries, timeouts) -> what the CLI would print and exit with. A command
 * with no translation runs the real CLI (with a warning, once), or fails saying what to install.
 */
import { existsSync, rmSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { RunbookError } from '../diagnostics.js';
import type { Redactor } from '../events/redact.js';
import type { CallOutcome } from '../events/types.js';
import { bindString, type Lookup } from '../plan/bind.js';
import { matchSite, type CallSite } from '../plan/sites.js';
import { translatorFor } from '../translate/index.js';
import type { Call, Translator } from '../translate/types.js';
import { sendCall, type SendOptions } from './send.js';
import type { CallRequest, CallResponse } from './session/channel.js';
import { findOnPath } from './session/session.js';

/** What a routed call needs from the step it belongs to. */
export interface RouteContext {
  /** The runbook's name: with the step and the call's place in it, what makes a call's idempotency key. */
  runbook: string;
  stepId: string;
  signal: AbortSignal;
  retries: number;
  fallbackDirs: string[];
  redactor: Redactor;
  /** The step's call sites (and the runbook's later ones, for adoption). */
  sites: CallSite[];
  laterArgv(): string[][];
  /** Values known now, for matching argv to its site. */
  lookup: Lookup;
  /** The session's shims directory: the real CLI is looked up on PATH without it. */
  shims: string;
  confirm(what: string): Promise<void>;
  /** The call is about to be sent (after any adoption lookup found nothing). */
  onCall(call: Call, callId: number, line?: number): void;
  /** Every routed call ends with its outcome, sent or adopted. */
  onCallEnd(call: Call, callId: number, line: number | undefined, outcome: CallOutcome, durationMs: number, exitCode: number, error?: string): void;
  onAdopt: SendOptions['onAdopt'];
  onRetry: SendOptions['onRetry'];
  warn(message: string): void;
  /** Files the step may overwrite with an adopted call's output: their content before the step. */
  restoreAdopted(path: string): boolean;
}

/** What the step learns from its calls: their outcomes, the last failure, and anything that must stop the run. */
export interface RouteRecord {
  /** Calls served so far in this step. */
  calls: number;
  resources: Array<{ operation: string; outcome: 'created' | 'adopted' | 'updated' | 'read' }>;
  lastFailure?: { error: unknown; operation: string; exitCode: number };
  /** Confirmation refused, cancelled, timed out: the run stops, whatever the shell makes of the exit status. */
  fatal?: unknown;
}

const installHints: Record<string, string> = {
  aws: 'install the AWS CLI (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)',
  gcloud: 'install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install)',
  kubectl: 'install kubectl (https://kubernetes.io/docs/tasks/tools/)',
};

let callIds = 0;

export async function routeCall(request: CallRequest, ctx: RouteContext, record: RouteRecord, warned: Set<string>): Promise<CallResponse> {
  const { argv } = request;
  const translator = await translatorFor(argv);
  if (!translator) return fallback(request, ctx, warned, 'has no SDK translation');
  const stdin = (await translator.readsStdin?.(argv)) ? (await request.readStdin()).toString('utf8') : undefined;
  let call: Call;
  try {
    call = await translator.translate(argv, { cwd: request.cwd, fallbackDirs: ctx.fallbackDirs, env: request.env, ...(stdin !== undefined ? { stdin } : {}) });
  } catch (error) {
    if (translator.isUntranslatable?.(error)) return fallback(request, ctx, warned, (error as Error).message);
    record.lastFailure = { error, operation: argv.slice(0, 3).join(' '), exitCode: 0 };
    const failure = describeFailure(translator, error, argv);
    record.lastFailure.exitCode = failure.exitCode;
    return { stdout: failure.stdout ?? '', stderr: failure.stderr, exitCode: failure.exitCode };
  }

  // The same key for the same call of the same step, in this run or a resumed one: the idempotency
  // token it is sent with, or the mark a create without one leaves on what it makes.
  const key = `${ctx.runbook}\0${ctx.stepId}\0${record.calls++}\0${argv.join('\0')}`;
  if (call.mutating) call = translator.mark?.(call, key) ?? call;
  // What it sends in sensitive members is a secret from now on (events, the variables that hold it).
  for (const s of translator.secretsIn?.(call) ?? []) ctx.redactor.add(s);
  const site = matchSite(argv, ctx.sites, ctx.lookup);
  const callId = ++callIds;
  const started = Date.now();
  const line = site?.span.start.line;
  try {
    const sent = await sendCall(translator, call, {
      signal: ctx.signal, retries: ctx.retries, env: request.env, laterArgv: ctx.laterArgv(), idempotencyKey: key,
      ...(stdin !== undefined ? { stdin } : {}), ...(site?.capture ? { capture: site.capture } : {}),
      confirm: (c) => ctx.confirm(c.display),
      onCall: (c) => ctx.onCall(c, callId, line),
      onAdopt: ctx.onAdopt, onRetry: ctx.onRetry,
    });
    const secrets = translator.secretsOf?.(sent.result, call) ?? [];
    for (const s of secrets) ctx.redactor.add(s);
    record.resources.push({ operation: call.operation, outcome: sent.outcome });
    const stdout = translator.format(sent.result, call);
    const adopted = sent.outcome === 'adopted' || sent.outcome === 'updated';
    // `vault operator init > init.json` on a Vault that is already initialized: the file the run that
    // initialized it saved stays; nor is an empty file left in its place.
    if (adopted && site?.stdout) {
      const file = bindString(site.stdout, ctx.lookup);
      const path = isAbsolute(file) ? file : resolve(request.cwd, file);
      if (!ctx.restoreAdopted(path) && stdout === '' && existsSync(path)) rmSync(path, { force: true });
    }
    ctx.onCallEnd(call, callId, line, sent.outcome, Date.now() - started, 0);
    return { stdout, stderr: translator.stderrOf?.(sent.result, call) ?? '', exitCode: 0 };
  } catch (error) {
    if (error instanceof RunbookError || ctx.signal.aborted) {
      // Not the service's answer: the run itself must stop (declined, cancelled, timed out).
      record.fatal ??= error;
      ctx.onCallEnd(call, callId, line, 'failed', Date.now() - started, 1, (error as Error).message);
      return { stdout: '', stderr: `runbook: ${(error as Error).message}\n`, exitCode: 1 };
    }
    const failure = describeFailure(translator, error, argv);
    record.lastFailure = { error, operation: call.operation, exitCode: failure.exitCode };
    ctx.onCallEnd(call, callId, line, 'failed', Date.now() - started, failure.exitCode, ctx.redactor.text(failure.stderr.trim()));
    return { stdout: failure.stdout ?? '', stderr: failure.stderr, exitCode: failure.exitCode };
  }
}

function describeFailure(translator: Translator, error: unknown, argv: string[]): { stdout?: string; stderr: string; exitCode: number } {
  const known = translator.failure?.(error, argv);
  if (known) return known;
  const message = (error as Error)?.message ?? String(error);
  return { stderr: `${argv[0]}: ${message}\n`, exitCode: 1 };
}

/** The real CLI, when one is installed; else a clear failure naming what to install. */
function fallback(request: CallRequest, ctx: RouteContext, warned: Set<string>, why: string): CallResponse {
  const { argv, tool } = request;
  const words = argv.slice(0, 3).filter((w) => !w.startsWith('-')).join(' ');
  const real = findOnPath(tool, request.env.PATH, ctx.shims);
  if (!real) {
    return {
      stdout: '',
      stderr: `runbook: \`${words}\` ${why}, and no ${tool} CLI is installed to run it: ${installHints[tool] ?? `install ${tool}`}\n`,
      exitCode: 127,
    };
  }
  if (!warned.has(words)) {
    warned.add(words);
    ctx.warn(`\`${words}\` ${why}: running the installed ${tool} CLI (${real}); it is not adopted, retried or recorded as an SDK call`);
  }
  return { exec: real };
}
