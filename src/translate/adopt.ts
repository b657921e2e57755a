/** Shared by the providers' adoption tables (`aws/adopt.ts`, `gcp/adopt.ts`, `k8s/adopt.ts`). */
import type { AdoptResult } from './types.js';

export const adopted = (output: unknown, detail: string): AdoptResult => ({ output, outcome: 'adopted', detail });
export const updated = (output: unknown, detail: string): AdoptResult => ({ output, outcome: 'updated', detail });

/** A lookup's result, or undefined when the service says the resource does not exist. */
export async function unlessNotFound<T>(promise: Promise<T>, isNotFound: (error: unknown) => boolean): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
