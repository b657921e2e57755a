/**
 * `aws s3 ls|mb|rb|cp|mv|rm|sync`: each command through the real aws CLI v1 and through the
 * translator (translate → send → format, or failure() as the shell session relays it), from the same
 * starting state on the same moto: stdout byte for byte (the lines of a multi-file transfer sorted,
 * since the CLI prints them as its threads finish, and its progress line removed: it is timing),
 * stderr, exit status, and the buckets and local files each leaves behind.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAwsClients } from '../../../src/translate/aws/index.js';
import { translator } from '../../../src/translate/aws/translator.js';
import { motoEnv, startMoto, type Moto } from '../../support/moto.js';
import { AwsCli, type CliRun } from './aws-cli.js';

let moto: Moto;
let cli: AwsCli;
let work: string;
let env: Record<string, string>;
let s3: S3Client;
const saved = { ...process.env };

/** Files (path → content) and buckets (name → key → content) to start from. */
interface Fixture {
  files?: Record<string, string>;
  buckets?: Record<string, Record<string, string>>;
}

interface State {
  files: Record<string, string>;
  objects: Record<string, { body: string; contentType?: string; metadata?: Record<string, string> }>;
}

interface Ours extends CliRun {
  outcome?: string;
  mutating?: boolean;
}

/** Local files are dated in the past, so the objects moto writes are newer (sync's comparisons). */
const PAST = new Date('2024-01-02T03:04:05Z');

async function reset(fixture: Fixture): Promise<void> {
  for (const name of readdirSync(work)) rmSync(join(work, name), { recursive: true, force: true });
  for (const [path, content] of Object.entries(fixture.files ?? {})) {
    const full = join(work, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    utimesSync(full, PAST, PAST);
  }
  const { Buckets = [] } = await s3.send(new ListBucketsCommand({}));
  for (const b of Buckets) {
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: b.Name! }));
    for (const o of Contents) await s3.send(new DeleteObjectCommand({ Bucket: b.Name!, Key: o.Key! }));
    await s3.send(new DeleteBucketCommand({ Bucket: b.Name! }));
  }
  for (const [bucket, objects] of Object.entries(fixture.buckets ?? {})) {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const [key, body] of Object.entries(objects)) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }
}

async function state(): Promise<State> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else files[relative(work, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(work);
  const objects: State['objects'] = {};
  const { Buckets = [] } = await s3.send(new ListBucketsCommand({}));
  for (const b of Buckets) {
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: b.Name! }));
    for (const o of Contents) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: b.Name!, Key: o.Key! }));
      const got = await s3.send(new GetObjectCommand({ Bucket: b.Name!, Key: o.Key! }));
      objects[`${b.Name}/${o.Key}`] = {
        body: await got.Body!.transformToString(),
        ...(head.ContentType ? { contentType: head.ContentType } : {}),
        ...(head.Metadata && Object.keys(head.Metadata).length ? { metadata: head.Metadata } : {}),
      };
    }
    if (!Contents.length) objects[`${b.Name}/`] = { body: '<empty bucket>' };
  }
  return { files, objects };
}

async function runOurs(argv: string[], stdin?: string): Promise<Ours> {
  const input = stdin !== undefined ? { stdin } : {};
  try {
    const call = await translator.translate(argv, { cwd: work, env, ...input });
    const result = await translator.send(call, { env, ...input });
    const outcome = translator.outcomeOf!(result, call);
    return { code: 0, stdout: translator.format(result, call), stderr: translator.stderrOf!(result, call), mutating: call.mutating, ...(outcome ? { outcome } : {}) };
  } catch (error) {
    if (translator.isUntranslatable!(error)) throw error;
    const f = translator.failure!(error, argv);
    return { code: f.exitCode, stdout: f.stdout ?? '', stderr: f.stderr };
  }
}

/** The CLI's progress line and the padding it leaves: timing, not output. */
const withoutProgress = (text: string) => text.replace(/Completed [^\r\n]*\r/g, '').replace(/ +$/gm, '');
const sortedLines = (text: string) => text.split('\n').filter(Boolean).sort();

interface Compared {
  cli: CliRun;
  ours: Ours;
  cliState: State;
  oursState: State;
}

/**
 * Runs the command from the fixture through the CLI, then from the same fixture through the
 * translator, and compares the two.
 */
async function both(
  argv: string[],
  fixture: Fixture,
  options: { stdin?: string; unordered?: boolean; stderr?: 'exact' | 'sorted' | 'first-line'; readOnly?: boolean } = {},
): Promise<Compared> {
  await reset(fixture);
  const real = options.stdin !== undefined || argv.includes('-') ? await cli.subprocess(argv, { env: { ...process.env, ...env } as Record<string, string>, input: options.stdin ?? '' }) : await cli.run(argv);
  const cliRun = { ...real, stdout: withoutProgress(real.stdout) };
  const cliState = await state();
  // A read (ls) runs on the same buckets: their dates are the ones it prints.
  if (!options.readOnly) await reset(fixture);
  const ours = await runOurs(argv, options.stdin);
  const oursState = await state();
  if (process.env.DEBUG_S3) console.log(JSON.stringify({ cli: cliRun, ours }, null, 1));
  if (options.unordered) expect(sortedLines(ours.stdout)).toEqual(sortedLines(cliRun.stdout));
  else expect(ours.stdout).toBe(cliRun.stdout);
  const stderr = options.stderr ?? 'exact';
  if (stderr === 'exact') expect(ours.stderr).toBe(cliRun.stderr);
  else if (stderr === 'sorted') expect(sortedLines(ours.stderr)).toEqual(sortedLines(cliRun.stderr));
  else expect(ours.stderr.trim().split('\n')[0]).toBe(cliRun.stderr.trim().split('\n')[0]);
  expect(ours.code).toBe(cliRun.code);
  expect(oursState).toEqual(cliState);
  return { cli: cliRun, ours, cliState, oursState };
}

beforeAll(async () => {
  moto = await startMoto();
  env = { ...(process.env as Record<string, string>), ...motoEnv(moto.endpoint) };
  Object.assign(process.env, env);
  work = mkdtempSync(join(tmpdir(), 'runbook-s3-'));
  cli = new AwsCli(work);
  s3 = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true });
});

afterAll(async () => {
  await cli?.stop();
  s3?.destroy();
  closeAwsClients();
  await moto?.stop();
  rmSync(work, { recursive: true, force: true });
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

const tree: Fixture = {
  files: { 'a.txt': 'hello\n', 'data.json': '{"a": 1}\n', 'notes.unknownext': 'x', 'dir/b.txt': 'bee\n', 'dir/sub/c.md': '# c\n', 'dir/skip.log': 'log\n' },
  buckets: { 'bkt-one': { 'k/x.txt': 'ex\n', 'k/y.json': '{}', 'top.txt': 'top\n', 'k/deep/z.txt': 'zed\n' } },
};

describe('aws s3 mb and rb', () => {
  it('mb creates a bucket: make_bucket, a mutating call, outcome created', async () => {
    const { ours } = await both(['aws', 's3', 'mb', 's3://fresh-bucket'], {});
    expect(ours.stdout).toBe('make_bucket: fresh-bucket\n');
    expect(ours).toMatchObject({ mutating: true, outcome: 'created' });
  });

  it('mb of a bucket you own: us-east-1 answers success again (adopted); elsewhere BucketAlreadyOwnedByYou, exit 1', async () => {
    const again = await both(['aws', 's3', 'mb', 's3://bkt-one'], tree);
    expect(again.ours.outcome).toBe('adopted');
    const fixture: Fixture = {};
    await reset(fixture);
    await cli.run(['aws', '--region', 'eu-west-1', 's3', 'mb', 's3://eu-bucket']);
    const real = await cli.run(['aws', '--region', 'eu-west-1', 's3', 'mb', 's3://eu-bucket']);
    const ours = await runOurs(['aws', '--region', 'eu-west-1', 's3', 'mb', 's3://eu-bucket']);
    expect(real.stderr).toContain('BucketAlreadyOwnedByYou');
    expect(ours).toMatchObject({ code: real.code, stdout: real.stdout, stderr: real.stderr });
    expect(ours.code).toBe(1);
    await runOurs(['aws', '--region', 'eu-west-1', 's3', 'rb', 's3://eu-bucket']);
  });

  it('mb refusals: an invalid name (make_bucket failed, exit 1), no s3:// (exit 255), a directory bucket', async () => {
    await both(['aws', 's3', 'mb', 's3://b1'], {});
    const { ours } = await both(['aws', 's3', 'mb', 'plain-name'], {});
    expect(ours.code).toBe(255);
    await both(['aws', 's3', 'mb', 's3://name--usw2-az1--x-s3'], {});
  });

  it('rb: a bucket with objects fails (BucketNotEmpty), --force empties it first, a key is refused', async () => {
    await both(['aws', 's3', 'rb', 's3://bkt-one'], tree);
    const { ours } = await both(['aws', 's3', 'rb', 's3://bkt-one', '--force'], tree, { unordered: true });
    expect(ours.stdout).toContain('remove_bucket: bkt-one\n');
    await both(['aws', 's3', 'rb', 's3://bkt-one/k'], tree);
    await both(['aws', 's3', 'rb', 's3://no-such-bucket'], tree);
  });
});

describe('aws s3 ls', () => {
  it.each([
    [['aws', 's3', 'ls']],
    [['aws', 's3', 'ls', 's3://bkt-one']],
    [['aws', 's3', 'ls', 's3://bkt-one/k/']],
    [['aws', 's3', 'ls', 's3://bkt-one/k']],
    [['aws', 's3', 'ls', 's3://bkt-one', '--recursive']],
    [['aws', 's3', 'ls', 's3://bkt-one', '--recursive', '--human-readable', '--summarize']],
    [['aws', 's3', 'ls', 's3://bkt-one/k/', '--summarize', '--page-size', '1']],
    [['aws', 's3', 'ls', 'bkt-one/top']],
  ])('%j', async (argv) => {
    const { ours } = await both(argv, tree, { readOnly: true });
    expect(ours.mutating).toBe(false);
  });

  it('a key that matches nothing is exit 1; no such bucket is the service error, exit 255; a bad --page-size', async () => {
    expect((await both(['aws', 's3', 'ls', 's3://bkt-one/nothing'], tree, { readOnly: true })).ours.code).toBe(1);
    expect((await both(['aws', 's3', 'ls', 's3://no-such-bucket'], tree, { readOnly: true })).ours.code).toBe(255);
    await both(['aws', 's3', 'ls', '--page-size', 'abc'], tree, { readOnly: true });
  });

  it('human-readable sizes in KiB and MiB', async () => {
    const big = { buckets: { 'bkt-big': { 'k1': 'x'.repeat(1280), 'k2': 'y'.repeat(3 * 1024 * 1024 + 77), 'one': 'z' } } };
    await both(['aws', 's3', 'ls', 's3://bkt-big', '--human-readable', '--summarize'], big, { readOnly: true });
  });
});

describe('aws s3 cp', () => {
  it.each([
    [['aws', 's3', 'cp', 'a.txt', 's3://bkt-one/']],
    [['aws', 's3', 'cp', 'a.txt', 's3://bkt-one']],
    [['aws', 's3', 'cp', 'a.txt', 's3://bkt-one/renamed.txt']],
    [['aws', 's3', 'cp', './data.json', 's3://bkt-one/in/']],
    [['aws', 's3', 'cp', 'notes.unknownext', 's3://bkt-one/']],
    [['aws', 's3', 'cp', 'dir/b.txt', 's3://bkt-one/', '--content-type', 'application/x-custom', '--metadata', 'origin=runbook,step=2']],
    [['aws', 's3', 'cp', 'a.txt', 's3://bkt-one/', '--no-guess-mime-type']],
    [['aws', 's3', 'cp', 'a.txt', 's3://bkt-one/', '--quiet']],
    [['aws', 's3', 'cp', 'a.txt', 's3://bkt-one/', '--only-show-errors']],
    [['aws', 's3', 'cp', 'a.txt', 's3://bkt-one/', '--dryrun']],
    [['aws', 's3', 'cp', 's3://bkt-one/top.txt', '.']],
    [['aws', 's3', 'cp', 's3://bkt-one/top.txt', 'got.txt']],
    [['aws', 's3', 'cp', 's3://bkt-one/top.txt', 'newdir/']],
    [['aws', 's3', 'cp', 's3://bkt-one/k/x.txt', 's3://bkt-one/copied/']],
    [['aws', 's3', 'cp', 's3://bkt-one/k/y.json', 's3://bkt-one/copy.json']],
  ])('%j', async (argv) => {
    await both(argv, tree);
  });

  it.each([
    [['aws', 's3', 'cp', 'dir', 's3://bkt-one/up', '--recursive']],
    [['aws', 's3', 'cp', '.', 's3://bkt-one/all/', '--recursive', '--exclude', '*.log', '--exclude', 'dir/sub/*']],
    [['aws', 's3', 'cp', '.', 's3://bkt-one/txt', '--recursive', '--exclude', '*', '--include', '*.txt']],
    [['aws', 's3', 'cp', 's3://bkt-one/k', 'down', '--recursive']],
    [['aws', 's3', 'cp', 's3://bkt-one/', 'down/', '--recursive', '--exclude', 'k/deep/*']],
    [['aws', 's3', 'cp', 's3://bkt-one/k/', 's3://bkt-one/k2/', '--recursive']],
    [['aws', 's3', 'cp', 'dir', 's3://bkt-one/dry', '--recursive', '--dryrun']],
  ])('recursive: %j', async (argv) => {
    await both(argv, tree, { unordered: true });
  });

  it('a re-run is reported as what it did: created, then updated', async () => {
    await reset(tree);
    expect((await runOurs(['aws', 's3', 'cp', 'a.txt', 's3://bkt-one/again.txt'])).outcome).toBe('created');
    expect((await runOurs(['aws', 's3', 'cp', 'a.txt', 's3://bkt-one/again.txt'])).outcome).toBe('updated');
    expect((await runOurs(['aws', 's3', 'cp', 'dir', 's3://bkt-one/rec', '--recursive'])).outcome).toBe('created');
    expect((await runOurs(['aws', 's3', 'cp', 'dir', 's3://bkt-one/rec', '--recursive'])).outcome).toBe('updated');
    const dry = await runOurs(['aws', 's3', 'cp', 'a.txt', 's3://bkt-one/', '--dryrun']);
    expect(dry.mutating).toBe(false);
  });

  it('refused: a missing local path (255), no such key (fatal error, exit 1), two local paths, too few paths (exit 2), an unknown option', async () => {
    expect((await both(['aws', 's3', 'cp', 'missing.txt', 's3://bkt-one/'], tree)).ours.code).toBe(255);
    expect((await both(['aws', 's3', 'cp', 's3://bkt-one/nokey', '.'], tree)).ours.code).toBe(1);
    expect((await both(['aws', 's3', 'cp', 'a.txt', 'b.txt'], tree)).ours.code).toBe(255);
    expect((await both(['aws', 's3', 'cp', 'a.txt'], tree)).ours.code).toBe(2);
    expect((await both(['aws', 's3', 'cp', 'a.txt', 's3://bkt-one/', '--bogus', '--other'], tree)).ours.code).toBe(255);
    expect((await both(['aws', 's3', 'cp', 'a.txt', 's3://no-such-bucket/'], tree)).ours.code).toBe(1);
    expect((await both(['aws', 's3', 'cp', '-', 's3://bkt-one/x', '--recursive'], tree)).ours.code).toBe(255);
    expect((await both(['aws', 's3', 'cp', 'a.txt', 's3://bkt-one/', '--acl', 'nope'], tree)).ours.code).toBe(2);
  });

  it('a directory without --recursive fails as the CLI does', async () => {
    await both(['aws', 's3', 'cp', 'dir', 's3://bkt-one/'], tree);
  });

  it('streams: - reads the standard input that feeds the command, and writes the object to stdout', async () => {
    expect(await translator.readsStdin!(['aws', 's3', 'cp', '-', 's3://bkt-one/streamed.txt'])).toBe(true);
    expect(await translator.readsStdin!(['aws', 's3', 'cp', 's3://bkt-one/top.txt', '-'])).toBe(false);
    expect(await translator.readsStdin!(['aws', 's3', 'cp', 'a.txt', 's3://bkt-one/'])).toBe(false);
    await both(['aws', 's3', 'cp', '-', 's3://bkt-one/streamed.txt'], tree, { stdin: 'from a pipe\n' });
    const { ours } = await both(['aws', 's3', 'cp', 's3://bkt-one/top.txt', '-'], tree);
    expect(ours.stdout).toBe('top\n');
    await both(['aws', 's3', 'cp', 's3://bkt-one/nokey', '-'], tree);
  });

  it('relative paths resolve against the call working directory', async () => {
    await reset(tree);
    const sub = join(work, 'dir');
    const call = await translator.translate(['aws', 's3', 'cp', 'b.txt', 's3://bkt-one/'], { cwd: sub, env });
    const result = await translator.send(call, { env });
    expect(translator.format(result, call)).toBe('upload: ./b.txt to s3://bkt-one/b.txt\n');
    const back = await translator.translate(['aws', 's3', 'cp', 's3://bkt-one/top.txt', '../from-sub.txt'], { cwd: sub, env });
    expect(translator.format(await translator.send(back, { env }), back)).toBe('download: s3://bkt-one/top.txt to ../from-sub.txt\n');
    expect(readFileSync(join(work, 'from-sub.txt'), 'utf8')).toBe('top\n');
  });

  it('multipart from 8 MiB: the same object (ETag of parts) as the CLI writes', async () => {
    const big = { files: { 'big.bin': 'b'.repeat(9 * 1024 * 1024) }, buckets: { 'bkt-one': {} } };
    await both(['aws', 's3', 'cp', 'big.bin', 's3://bkt-one/big.bin'], big);
    await reset(big);
    await cli.run(['aws', 's3', 'cp', 'big.bin', 's3://bkt-one/cli.bin']);
    await runOurs(['aws', 's3', 'cp', 'big.bin', 's3://bkt-one/ours.bin']);
    const cliHead = await s3.send(new HeadObjectCommand({ Bucket: 'bkt-one', Key: 'cli.bin' }));
    const oursHead = await s3.send(new HeadObjectCommand({ Bucket: 'bkt-one', Key: 'ours.bin' }));
    expect(oursHead.ETag).toBe(cliHead.ETag);
    expect(oursHead.ETag).toMatch(/-2"$/);
  });
});

describe('aws s3 mv and rm', () => {
  it.each([
    [['aws', 's3', 'mv', 'a.txt', 's3://bkt-one/moved.txt']],
    [['aws', 's3', 'mv', 's3://bkt-one/top.txt', 's3://bkt-one/k/']],
    [['aws', 's3', 'mv', 's3://bkt-one/top.txt', 'here.txt']],
    [['aws', 's3', 'mv', 's3://bkt-one/top.txt', 's3://bkt-one/top.txt']],
    [['aws', 's3', 'mv', 's3://bkt-one/top.txt', 's3://bkt-one/']],
    [['aws', 's3', 'rm', 's3://bkt-one/top.txt']],
    [['aws', 's3', 'rm', 's3://bkt-one/never-existed']],
    [['aws', 's3', 'rm', 's3://no-such-bucket/key']],
    [['aws', 's3', 'rm', 'local.txt']],
  ])('%j', async (argv) => {
    await both(argv, tree);
  });

  it.each([
    [['aws', 's3', 'mv', 'dir', 's3://bkt-one/moved', '--recursive']],
    [['aws', 's3', 'rm', 's3://bkt-one/k', '--recursive']],
    [['aws', 's3', 'rm', 's3://bkt-one/', '--recursive', '--exclude', '*.json']],
    [['aws', 's3', 'rm', 's3://bkt-one/', '--recursive', '--dryrun']],
    [['aws', 's3', 'rm', 's3://bkt-one/', '--recursive', '--quiet']],
  ])('recursive: %j', async (argv) => {
    await both(argv, tree, { unordered: true });
  });
});

describe('aws s3 sync', () => {
  it.each([
    [['aws', 's3', 'sync', '.', 's3://bkt-one/site']],
    [['aws', 's3', 'sync', 'dir', 's3://bkt-one/k', '--delete']],
    [['aws', 's3', 'sync', '.', 's3://bkt-one/', '--exclude', '*.log', '--exclude', 'k/*', '--delete']],
    [['aws', 's3', 'sync', 's3://bkt-one/k', 'local-k']],
    [['aws', 's3', 'sync', 's3://bkt-one/', 'dir', '--delete', '--exclude', 'sub/*']],
    [['aws', 's3', 'sync', 's3://bkt-one/k', 's3://bkt-one/mirror']],
    [['aws', 's3', 'sync', '.', 's3://bkt-one/site', '--dryrun']],
    [['aws', 's3', 'sync', '.', 's3://bkt-one/site', '--size-only']],
  ])('%j', async (argv) => {
    await both(argv, tree, { unordered: true });
  });

  it('a second sync copies nothing (outcome adopted); a changed size copies that file (updated); --delete removes the rest', async () => {
    await reset(tree);
    const first = await runOurs(['aws', 's3', 'sync', 'dir', 's3://bkt-one/site']);
    expect(first.outcome).toBe('created');
    const again = await runOurs(['aws', 's3', 'sync', 'dir', 's3://bkt-one/site']);
    expect(again).toMatchObject({ code: 0, stdout: '', outcome: 'adopted' });
    const cliAgain = await cli.run(['aws', 's3', 'sync', 'dir', 's3://bkt-one/site']);
    expect(withoutProgress(cliAgain.stdout)).toBe('');
    writeFileSync(join(work, 'dir/b.txt'), 'a longer bee\n');
    utimesSync(join(work, 'dir/b.txt'), PAST, PAST);
    const changed = await runOurs(['aws', 's3', 'sync', 'dir', 's3://bkt-one/site']);
    expect(changed).toMatchObject({ stdout: 'upload: dir/b.txt to s3://bkt-one/site/b.txt\n', outcome: 'updated' });
    rmSync(join(work, 'dir/skip.log'));
    const deleted = await runOurs(['aws', 's3', 'sync', 'dir', 's3://bkt-one/site', '--delete']);
    expect(deleted).toMatchObject({ stdout: 'delete: s3://bkt-one/site/skip.log\n', outcome: 'updated' });
    // Downloads: the local copies take the objects' times, so a second sync is a no-op too.
    await runOurs(['aws', 's3', 'sync', 's3://bkt-one/k', 'mirror']);
    expect((await runOurs(['aws', 's3', 'sync', 's3://bkt-one/k', 'mirror'])).outcome).toBe('adopted');
  });

  it('refused: a missing source directory (255), a local-to-local sync, no such bucket (fatal error)', async () => {
    expect((await both(['aws', 's3', 'sync', 'nodir', 's3://bkt-one/'], tree)).ours.code).toBe(255);
    expect((await both(['aws', 's3', 'sync', 'dir', 'other'], tree)).ours.code).toBe(255);
    expect((await both(['aws', 's3', 'sync', 'dir', 's3://no-such-bucket/'], tree)).ours.code).toBe(1);
  });

  it('a file that cannot be read is skipped with a warning: exit 2', async () => {
    const withLink = { ...tree };
    await reset(withLink);
    const { symlinkSync } = await import('node:fs');
    const prepare = () => symlinkSync(join(work, 'gone.txt'), join(work, 'dir', 'dangling.txt'));
    await reset(withLink);
    prepare();
    const real = await cli.run(['aws', 's3', 'sync', 'dir', 's3://bkt-one/w']);
    await reset(withLink);
    prepare();
    const ours = await runOurs(['aws', 's3', 'sync', 'dir', 's3://bkt-one/w']);
    expect(real.code).toBe(2);
    expect(ours.code).toBe(2);
    expect(ours.stderr).toBe(real.stderr);
    expect(sortedLines(ours.stdout)).toEqual(sortedLines(withoutProgress(real.stdout)));
    expect(existsSync(join(work, 'dir', 'dangling.txt'))).toBe(false);
  });
});

describe('plans', () => {
  it('check and plan see the call without touching anything; a refused command is an issue', async () => {
    const call = await translator.translate(['aws', 's3', 'sync', './site', 's3://b/x', '--delete'], { cwd: work, planning: true });
    expect(call).toMatchObject({ operation: 'S3.Sync', mutating: true, display: 'S3 sync ./site s3://b/x' });
    expect(JSON.parse(JSON.stringify(call.input))).toEqual(call.input);
    expect(await translator.validate(['aws', 's3', 'cp', 'a', 'b'], { cwd: work, planning: true })).toMatchObject([{ ruleId: 'aws-bad-value' }]);
    expect(await translator.validate(['aws', 's3', 'ls', 's3://b', '--recursive'], { cwd: work, planning: true })).toEqual([]);
  });
});
