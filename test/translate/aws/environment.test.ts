/**
 * Calls honour the environment the command runs with, not this process's: two moto servers as two
 * endpoints, regions, the service-specific endpoint variable, AWS_REGION (which the CLI ignores),
 * AWS_DEFAULT_OUTPUT, profiles from the config files that environment names, missing credentials.
 * Where the aws CLI can say, it runs with the same environment (as its own process) and must agree.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAwsClients } from '../../../src/translate/aws/index.js';
import { motoEnv, startMoto, type Moto } from '../../support/moto.js';
import { AwsCli } from './aws-cli.js';
import { runOurs } from './run-ours.js';

let a: Moto;
let b: Moto;
let dir: string;
let cli: AwsCli;
const savedEnv = { ...process.env };
/** The environment a shell session would hand over: PATH for the CLI, everything AWS from the test. */
let base: Record<string, string>;
const envA = () => ({ ...base, ...motoEnv(a.endpoint) });
const envB = () => ({ ...base, ...motoEnv(b.endpoint), AWS_DEFAULT_REGION: 'eu-west-1' });
const ours = (argv: string[], env: Record<string, string>) => runOurs(['aws', ...argv], { cwd: dir, env });
const theirs = (argv: string[], env: Record<string, string>) => cli.run(['aws', ...argv], { env });

beforeAll(async () => {
  [a, b] = await Promise.all([startMoto(), startMoto()]);
  dir = mkdtempSync(join(tmpdir(), 'runbook-aws-env-'));
  base = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => !k.startsWith('AWS_') && v !== undefined)) as Record<string, string>;
  base.AWS_EC2_METADATA_DISABLED = 'true';
  base.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // This process points nowhere useful: a call that read process.env would fail or go astray.
  Object.assign(process.env, { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'ap-south-1', AWS_DEFAULT_OUTPUT: 'table' });
  cli = new AwsCli(dir);
  writeFileSync(
    join(dir, 'config'),
    '[default]\nregion = us-east-1\n\n[profile other]\nregion = eu-west-1\noutput = text\n\n[profile keyed]\nregion = us-east-1\naws_access_key_id = testing\naws_secret_access_key = testing\n',
  );
  writeFileSync(join(dir, 'credentials'), '[other]\naws_access_key_id = testing\naws_secret_access_key = testing\n');
}, 60_000);

afterAll(async () => {
  closeAwsClients();
  await cli?.stop();
  await Promise.all([a?.stop(), b?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

describe('the command environment decides where a call goes', () => {
  it('two environments, two moto servers: each call goes where its environment says', async () => {
    const put = (env: Record<string, string>, value: string) => ours(['ssm', 'put-parameter', '--name', '/where', '--value', value, '--type', 'String'], env);
    expect((await put(envA(), 'server a')).code).toBe(0);
    expect((await put(envB(), 'server b')).code).toBe(0);
    const get = ['ssm', 'get-parameter', '--name', '/where', '--query', 'Parameter.[Value, ARN]', '--output', 'text'];
    const [oursA, oursB] = [await ours(get, envA()), await ours(get, envB())];
    expect(oursA.stdout).toMatch(/^server a\tarn:aws:ssm:us-east-1:/);
    expect(oursB.stdout).toMatch(/^server b\tarn:aws:ssm:eu-west-1:/);
    const [cliA, cliB] = await Promise.all([theirs(get, envA()), theirs(get, envB())]);
    expect(oursA.stdout).toBe(cliA.stdout);
    expect(oursB.stdout).toBe(cliB.stdout);
  });

  it('the region comes from AWS_DEFAULT_REGION: the same server keeps regions apart', async () => {
    const env = { ...envA(), AWS_DEFAULT_REGION: 'eu-west-1' };
    expect((await ours(['ssm', 'put-parameter', '--name', '/regional', '--value', 'eu', '--type', 'String'], env)).code).toBe(0);
    const get = ['ssm', 'get-parameter', '--name', '/regional', '--query', 'Parameter.Value', '--output', 'text'];
    expect(await ours(get, env)).toMatchObject({ code: 0, stdout: 'eu\n' });
    const elsewhere = await ours(get, envA());
    const cliElsewhere = await theirs(get, envA());
    expect(elsewhere).toMatchObject({ code: 255, stderr: cliElsewhere.stderr });
    expect(cliElsewhere.code).toBe(255);
  });

  it('--region outranks the environment', async () => {
    const argv = ['ssm', 'get-parameter', '--name', '/regional', '--region', 'eu-west-1', '--query', 'Parameter.Value', '--output', 'text'];
    const [mine, cliRun] = [await ours(argv, envA()), await theirs(argv, envA())];
    expect(mine).toMatchObject({ code: 0, stdout: 'eu\n' });
    expect(mine.stdout).toBe(cliRun.stdout);
  });

  it('AWS_REGION alone is no region for the CLI', async () => {
    const env = { ...envA(), AWS_REGION: 'eu-west-1' } as Record<string, string>;
    delete env.AWS_DEFAULT_REGION;
    for (const argv of [['kms', 'list-keys'], ['iam', 'list-roles']]) {
      const [mine, cliRun] = [await ours(argv, env), await theirs(argv, env)];
      expect(cliRun.code).toBe(255);
      expect(mine).toMatchObject({ code: cliRun.code, stdout: cliRun.stdout, stderr: cliRun.stderr });
    }
  });

  it('AWS_ENDPOINT_URL_<SERVICE> outranks AWS_ENDPOINT_URL', async () => {
    const env = { ...envB(), AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_SSM: b.endpoint };
    const argv = ['ssm', 'get-parameter', '--name', '/where', '--query', 'Parameter.Value', '--output', 'text'];
    const [mine, cliRun] = [await ours(argv, env), await theirs(argv, env)];
    expect(mine).toMatchObject({ code: 0, stdout: 'server b\n' });
    expect(mine.stdout).toBe(cliRun.stdout);
  });

  it('AWS_DEFAULT_OUTPUT, and one the CLI does not know (it fails after the call)', async () => {
    for (const output of ['text', 'yaml']) {
      const env = { ...envA(), AWS_DEFAULT_OUTPUT: output };
      const argv = ['sts', 'get-caller-identity'];
      const [mine, cliRun] = [await ours(argv, env), await theirs(argv, env)];
      expect(mine).toMatchObject({ code: cliRun.code, stdout: cliRun.stdout, stderr: cliRun.stderr });
    }
  });

  it('AWS_PROFILE and the config files the environment names: region, output, keys', async () => {
    const files = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
    const noKeys = { ...envA(), ...files } as Record<string, string>;
    delete noKeys.AWS_ACCESS_KEY_ID;
    delete noKeys.AWS_SECRET_ACCESS_KEY;
    delete noKeys.AWS_DEFAULT_REGION;
    for (const [profile, argv] of [
      ['other', ['ssm', 'get-parameter', '--name', '/where']],
      ['keyed', ['ssm', 'get-parameter', '--name', '/where', '--query', 'Parameter.Value']],
      ['nosuch', ['sts', 'get-caller-identity']],
    ] as const) {
      const env = { ...noKeys, AWS_PROFILE: profile };
      const [mine, cliRun] = [await ours([...argv], env), await theirs([...argv], env)];
      expect(mine, profile).toMatchObject({ code: cliRun.code, stdout: cliRun.stdout, stderr: cliRun.stderr });
    }
    // --profile other: its region (eu-west-1) and keys, its text output.
    const viaFlag = ['--profile', 'other', 'ssm', 'get-parameter', '--name', '/regional', '--query', 'Parameter.Value'];
    const [mine, cliRun] = [await ours(viaFlag, noKeys), await theirs(viaFlag, noKeys)];
    expect(mine).toMatchObject({ code: 0, stdout: 'eu\n' });
    expect(mine.stdout).toBe(cliRun.stdout);
  });

  it('no credentials anywhere in the environment: the CLI\'s message, whatever this process has', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'testing';
    process.env.AWS_SECRET_ACCESS_KEY = 'testing';
    const env = { ...envA() } as Record<string, string>;
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    const argv = ['sts', 'get-caller-identity'];
    const [mine, cliRun] = [await ours(argv, env), await theirs(argv, env)];
    expect(cliRun.code).toBe(255);
    expect(mine).toMatchObject({ code: cliRun.code, stdout: '', stderr: cliRun.stderr });
  });
});
