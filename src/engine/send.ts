/**
 * The one path every SDK call takes, as named stages in a fixed order:
 * adopt (find what a creating call would duplicate; for creates that fail on duplicates, only
 * after that conflict) -> confirm (first mutating call) -> retry (retryable faults, with
 * backoff) -> timeout (the step's signal) -> send.
 */
import { RunbookError } from '../diagnostics.js';
import type { AdoptionContext, AdoptResult, Call, Translator } from '../translate/types.js';

export interface SendOptions {
  signal: AbortSignal;
  retries: number;
  env: Record<string, string>;
  stdin?: string;
  /** Later commands of the runbook bound with what is known now (adoption looks for identities there). */
  laterArgv: string[][];
  capture?: string;
  /** Asked once before the first mutating call; false stops the run. */
  confirm(call: Call): Promise<void>;
  onCall(call: Call): void;
  onAdopt(call: Call, result: AdoptResult): void;
  onRetry(attempt: number, delayMs: number, reason: string): void;
}

export interface SendResult {
  result: unknown;
  outcome: 'created' | 'adopted' | 'updated' | 'read';
}

export async function sendCall(translator: Translator, call: Call, options: SendOptions): Promise<SendResult> {
  const adopt = call.mutating ? translator.adoption?.[call.operation] : undefined;
  const context: AdoptionContext<Call> = {
    send: (c) => retrying(() => translator.send(c, { signal: options.signal, env: options.env, ...(options.stdin !== undefined ? { stdin: options.stdin } : {}) }), translator, options),
    translate: (argv) => translator.translate(argv, { cwd: process.cwd() }),
    laterArgv: options.laterArgv,
    ...(options.capture ? { capture: options.capture } : {}),
  };
  if (adopt && !translator.adoptOnConflict?.has(call.operation)) {
    const found = await adopt(call, context);
    if (found) {
      options.onAdopt(call, found);
      return { result: found.output, outcome: found.outcome };
    }
  }
  if (call.mutating) await options.confirm(call);
  options.onCall(call);
  try {
    const result = await retrying(() => translator.send(call, { signal: options.signal, env: options.env, ...(options.stdin !== undefined ? { stdin: options.stdin } : {}) }), translator, options);
    return { result, outcome: call.mutating ? (translator.outcomeOf?.(result, call) ?? 'created') : 'read' };
  } catch (error) {
    // Created by someone else between our lookup and our call (or no lookup matched): adopt it now.
    if (adopt && translator.isAlreadyExists?.(error)) {
      const found = await adopt(call, context);
      if (found) {
        options.onAdopt(call, found);
        return { result: found.output, outcome: found.outcome };
      }
    }
    throw error;
  }
}

async function retrying<T>(fn: () => Promise<T>, translator: Translator, options: SendOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await abortable(fn(), options.signal);
    } catch (error) {
      if (options.signal.aborted || attempt > options.retries || !translator.isRetryable?.(error)) throw error;
      const delayMs = Math.min(8000, 500 * 2 ** (attempt - 1));
      options.onRetry(attempt, delayMs, (error as Error).message);
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}

/** Reject as soon as the step's signal fires (timeout or Ctrl-C), even if the SDK ignores it. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  return reason instanceof Error ? reason : new RunbookError(String(reason ?? 'aborted'));
}
