/**
 * Commands that read their standard input (`file:///dev/stdin`, `fileb://`, `--cli-input-json`, a
 * streaming `--body /dev/stdin`): readsStdin says so, the value comes from what feeds the command (a
 * heredoc, a pipe: TranslateContext.stdin), never from this process's stdin, and with nothing known at
 * plan time it is a placeholder. The aws CLI, fed the same input, must store the same values.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAwsClients } from '../../../src/translate/aws/index.js';
import { translator } from '../../../src/translate/aws/translator.js';
import { motoEnv, startMoto, type Moto } from '../../support/moto.js';
import { AwsCli } from './aws-cli.js';
import { runOurs } from './run-ours.js';

describe('readsStdin', () => {
  it.each([
    ['ssm', 'put-parameter', '--name', 'x', '--value', 'file:///dev/stdin'],
    ['kms', 'encrypt', '--key-id', 'k', '--plaintext', 'fileb:///dev/stdin'],
    ['iam', 'create-role', '--cli-input-json', 'file:///dev/fd/0'],
    ['iam', 'create-role', '--cli-input-json=file:///proc/self/fd/0'],
    ['kms', 'create-key', '--tags', 'TagKey=a,TagValue@=file:///dev/stdin'],
    ['s3api', 'put-object', '--bucket', 'b', '--key', 'k', '--body', '/dev/stdin'],
  ])('reads stdin: aws %s %s …', async (...argv) => {
    expect(await translator.readsStdin!(['aws', ...argv])).toBe(true);
  });

  it.each([
    ['ssm', 'put-parameter', '--name', 'x', '--value', 'file://value.txt'],
    ['ssm', 'put-parameter', '--name', 'x', '--value', '-'],
    ['sts', 'get-caller-identity'],
    ['s3api', 'put-object', '--bucket', 'b', '--key', 'k', '--body', 'body.txt'],
  ])('does not: aws %s %s …', async (...argv) => {
    expect(await translator.readsStdin!(['aws', ...argv])).toBe(false);
  });
});

describe('the value is what feeds the command', () => {
  const argv = ['aws', 'ssm', 'put-parameter', '--name', '/s', '--type', 'String', '--value', 'file:///dev/stdin'];

  it('the heredoc or pipe given as stdin', async () => {
    const call = await translator.translate(argv, { cwd: tmpdir(), stdin: 'from the heredoc\n' });
    expect(call.input).toMatchObject({ Value: 'from the heredoc\n' });
    const bytes = await translator.translate(['aws', 'kms', 'encrypt', '--key-id', 'k', '--plaintext', 'fileb:///dev/stdin'], { cwd: tmpdir(), stdin: 'abc' });
    expect(bytes.input).toMatchObject({ Plaintext: new TextEncoder().encode('abc') });
  });

  it('a placeholder when planning without a known stdin, nothing read from this process', async () => {
    const call = await translator.translate(argv, { cwd: tmpdir(), planning: true });
    expect(call.input).toMatchObject({ Value: '<standard input>' });
    expect(await translator.validate(['aws', 'iam', 'create-role', '--cli-input-json', 'file:///dev/stdin'], { cwd: tmpdir(), planning: true })).toEqual([]);
  });

  it('check reads the heredoc it is given', async () => {
    const problems = await translator.validate(['aws', 'iam', 'create-role', '--cli-input-json', 'file:///dev/stdin'], { cwd: tmpdir(), planning: true, stdin: '{"RoleName": "r",}' });
    expect(problems).toMatchObject([{ argIndex: 4, ruleId: 'aws-bad-value' }]);
    expect(problems[0]!.message).toContain("Invalid JSON: Expecting property name enclosed in double quotes: line 1 column 18 (char 17)");
  });

  it('nothing feeding a command at run time is an empty input', async () => {
    const call = await translator.translate(['aws', 's3api', 'put-object', '--bucket', 'b', '--key', 'k', '--body', '/dev/stdin'], { cwd: tmpdir() });
    expect(call.input).toMatchObject({ Body: new Uint8Array() });
  });
});

describe('fed the same input, the aws CLI and the translator store the same', () => {
  let moto: Moto;
  let dir: string;
  let cli: AwsCli;
  let env: Record<string, string>;
  const saved = { ...process.env };

  beforeAll(async () => {
    moto = await startMoto();
    env = { ...(process.env as Record<string, string>), ...motoEnv(moto.endpoint) };
    Object.assign(process.env, env);
    dir = mkdtempSync(join(tmpdir(), 'runbook-aws-stdin-'));
    cli = new AwsCli(dir);
    const iam = new IAMClient({});
    await iam.send(new CreateRoleCommand({ RoleName: 'piped', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}' }));
    iam.destroy();
  }, 60_000);

  afterAll(async () => {
    closeAwsClients();
    await cli?.stop();
    await moto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it('file:///dev/stdin as a text value', async () => {
    const input = 'line one\r\nline two\n';
    const put = (name: string) => ['aws', 'ssm', 'put-parameter', '--name', name, '--type', 'String', '--value', 'file:///dev/stdin'];
    const [theirs, ours] = [await cli.run(put('/cli'), { input, env }), await runOurs(put('/ours'), { cwd: dir, env, stdin: input })];
    expect(theirs.code).toBe(0);
    expect(ours).toMatchObject({ code: 0, stdout: theirs.stdout });
    const get = (name: string) => ['aws', 'ssm', 'get-parameter', '--name', name, '--query', 'Parameter.Value'];
    const stored = await runOurs(get('/ours'), { cwd: dir, env });
    expect(stored.stdout).toBe((await cli.run(get('/cli'))).stdout);
    expect(stored.stdout).toBe('"line one\\nline two\\n"\n');
  });

  it('fileb:///dev/stdin as bytes', async () => {
    const input = 'binary\u00e9';
    const create = (name: string) => ['aws', 'secretsmanager', 'create-secret', '--name', name, '--secret-binary', 'fileb:///dev/stdin', '--query', 'Name'];
    const [theirs, ours] = [await cli.run(create('cli-bin'), { input, env }), await runOurs(create('ours-bin'), { cwd: dir, env, stdin: input })];
    expect(theirs).toMatchObject({ code: 0, stdout: '"cli-bin"\n' });
    expect(ours).toMatchObject({ code: 0, stdout: '"ours-bin"\n' });
    const get = (name: string) => ['aws', 'secretsmanager', 'get-secret-value', '--secret-id', name, '--query', 'SecretBinary', '--output', 'text'];
    expect((await runOurs(get('ours-bin'), { cwd: dir, env })).stdout).toBe((await cli.run(get('cli-bin'))).stdout);
  });

  it('--cli-input-json file:///dev/stdin', async () => {
    const input = '{"RoleName": "piped"}';
    const argv = ['aws', 'iam', 'get-role', '--cli-input-json', 'file:///dev/stdin', '--query', 'Role.RoleName'];
    const [theirs, ours] = [await cli.run(argv, { input, env }), await runOurs(argv, { cwd: dir, env, stdin: input })];
    expect(theirs).toMatchObject({ code: 0, stdout: '"piped"\n' });
    expect(ours).toMatchObject({ code: theirs.code, stdout: theirs.stdout, stderr: theirs.stderr });
  });
});
