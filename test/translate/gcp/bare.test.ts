/** `gcloud` with no command (a guide's "run gcloud to see its help", or a mangled line) is left to the shell, never a crash. */
import { describe, expect, it } from 'vitest';
import { translator } from '../../../src/translate/gcp/translator.js';

describe('gcloud without a command', () => {
  it.each([[['gcloud']], [['gcloud', '--quiet']], [['gcloud', '--project', 'p', '--format', 'json']]])('%j is not translated, and does not throw', async (argv) => {
    expect(translator.handles(argv)).toBe(false);
    expect(await translator.validate(argv, { cwd: process.cwd(), planning: true })).toEqual([]);
  });
});
