/**
 * The one path every SDK call takes, as named stages in a fixed order:
 * adopt (find what a creating call would duplicate; for creates that fail on duplicates, only
 * after that conflict) -> confirm (first mutating call) -> retry (retryable faults, with
 * backoff) -> timeout (the step's signal) -> send.
 */
import { RunbookError } from '../diagnostics.js';
import { mayHaveLanded } from '../translate/faults.js';
import type { AdoptionContext, AdoptResult, Call, Translator } from '../translate/types.js';

export interface SendOptions {
  signal: AbortSignal;
  /** Stable for this call of this step (see SendContext.idempotencyKey). */
  idempotencyKey?: string;
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
    send: (c) => retrying(() => translator.send(c, { signal: options.signal, env: options.env, ...(options.stdin !== undefined ? { stdin: options.stdin } : {}) }), translator, options) as Promise<unknown>,
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
  const send = () => translator.send(call, {
    signal: options.signal, env: options.env, ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
    ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
  });
  try {
    // A create is never sent twice without first asking whether the first one landed.
    const safe = !call.mutating || !!translator.isIdempotent?.(call);
    const result = await retrying(send, translator, options, safe ? undefined : async (error) => {
      if (!mayHaveLanded(error)) return undefined;
      // Sending it again is safe when a duplicate is refused as such (then adopted), or once a lookup
      // says it is not there; with no way to ask, the run stops rather than risk a second one.
      if (adopt && translator.adoptOnConflict?.has(call.operation)) return undefined;
      const found = adopt ? await adopt(call, context) : undefined;
      if (found) return found;
      if (adopt) return undefined;
      throw new RunbookError(`${call.operation} failed (${(error as Error).message}) after it may have reached the service, and the engine has no way to tell whether it did: it was not sent again`, {
        cause: error, hint: 'check whether it was made, then run again (completed steps are skipped)',
      });
    });
    if (isAdoption(result)) {
      options.onAdopt(call, result);
      return { result: result.output, outcome: result.outcome };
    }
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

const adoptions = new WeakSet<object>();
const isAdoption = (value: unknown): value is AdoptResult => !!value && typeof value === 'object' && adoptions.has(value);

/**
 * Retryable faults get more attempts, with backoff. `before`, for a create, runs before each re-send:
 * it returns what it found (the create landed: adopted, no re-send) or undefined (send again), or throws.
 */
async function retrying<T>(fn: () => Promise<T>, translator: Translator, options: SendOptions, before?: (error: unknown) => Promise<AdoptResult | undefined>): Promise<T | AdoptResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await abortable(fn(), options.signal);
    } catch (error) {
      if (options.signal.aborted || attempt > options.retries || !translator.isRetryable?.(error)) throw error;
      const found = await before?.(error);
      if (found) {
        adoptions.add(found);
        return found;
      }
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
