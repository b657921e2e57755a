/** Expected-output fixtures beside their inputs: written when missing or when UPDATE is set, compared otherwise. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

export function matchFixture(path: string, actual: string): void {
  if (process.env.UPDATE || !existsSync(path)) {
    writeFileSync(path, actual);
    return;
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}
