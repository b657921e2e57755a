/**
 * A secret the runbook makes itself (`export DBPASS=$(openssl rand -hex 20)`) and then sends in a
 * member the SDK marks sensitive (`--secret-string "$DBPASS"`): secret from the step that set it on,
 * in every encoding, in every byte the engine writes outside owner-only state.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, runCli } from '../support/cli.js';
import { motoEnv, startMoto, type Moto } from '../support/moto.js';

let moto: Moto;
const dir = mkdtempSync(join(tmpdir(), 'runbook-secrets-'));
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Every file under `d`, with its contents. */
function filesUnder(d: string): Array<{ path: string; text: string; mode: number }> {
  return readdirSync(d, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => {
    const path = join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
    return { path, text: readFileSync(path, 'latin1'), mode: statSync(path).mode };
  });
}

describe('a secret the runbook makes', () => {
  it('is redacted in every form from the step that set it on, and flagged secret in the state', async () => {
    const run = await runCli(['exec', join(root, 'test/fixtures/exec/generated-secret.md'), '--json', '--state-dir', dir], { env: motoEnv(moto.endpoint) });
    expect(run.code, run.stderr).toBe(0);
    const state = JSON.parse(readFileSync(join(dir, 'generated-secret', 'state.json'), 'utf8'));
    const secret = state.variables.DBPASS.value as string;
    expect(secret).toMatch(/^[0-9a-f]{40}$/);
    expect(state.variables.DBPASS.secret).toBe(true);
    const forms = [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url'), encodeURIComponent(`DB_PASSWORD=${secret}`)];
    // Terminal, NDJSON events and the run record: never, in any form.
    const written = [run.stdout, run.stderr, ...readdirSync(join(dir, 'runs')).map((f) => readFileSync(join(dir, 'runs', f), 'utf8'))];
    for (const text of written) for (const form of forms) expect(text).not.toContain(form);
    expect(run.stdout).toContain('"DBPASS":"[redacted]"');
    expect(run.stdout).toContain('wrote 53 bytes: DB_PASSWORD=[redacted]');
    // Only the owner-only state and the file the step wrote hold it.
    for (const f of filesUnder(dir)) {
      if (forms.some((form) => f.text.includes(form))) {
        expect([join(dir, 'generated-secret', 'state.json'), join(dir, 'generated-secret', 'files', 'app.env')]).toContain(f.path);
        expect(f.mode & 0o077, f.path).toBe(0);
      }
    }
  });
});
