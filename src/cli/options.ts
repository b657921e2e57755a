/** Option values every command checks before it does anything: a clear refusal, exit 2, never a silent default. */
import { RunbookError } from '../diagnostics.js';
import { duration } from '../markdown/meta.js';

export function choice<T extends string>(flag: string, value: string | undefined, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new RunbookError(`invalid ${flag} ${value}, expected one of ${choices.join(', ')}`, { exitCode: 2 });
}

export function port(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new RunbookError(`invalid --port ${value}, expected a number from 0 to 65535`, { exitCode: 2 });
  return n;
}

export function timeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = duration(value);
  if (ms instanceof Error || ms <= 0) throw new RunbookError(`invalid --timeout ${value}, expected a duration such as 90s, 5m or 1h`, { exitCode: 2 });
  return ms;
}
