/**
 * `aws eks update-kubeconfig` and `aws eks get-token` against the real aws CLI v1 on the same moto
 * cluster: the kubeconfig each writes (byte for byte), its lines and exit status, the refusals; the
 * token as botocore signs it (the same URL for the same instant); and end to end, a kubectl command
 * through the translator that reaches the Kubernetes test server (behind TLS, with the cluster's CA)
 * with the token computed in this process from a kubeconfig update-kubeconfig wrote.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presignedUrl, tokenOf } from '../../../src/translate/aws/custom/eks-token.js';
import { closeAwsClients } from '../../../src/translate/aws/index.js';
import { translator } from '../../../src/translate/aws/translator.js';
import { translator as kubectl } from '../../../src/translate/k8s/translator.js';
import { kubeconfig as testKubeconfig, startKubernetes, type KubernetesServer } from '../../servers/kubernetes.js';
import { motoEnv, startMoto, type Moto } from '../../support/moto.js';
import { AwsCli, type CliRun } from './aws-cli.js';

let moto: Moto;
let cli: AwsCli;
let dir: string;
let env: Record<string, string>;
const saved = { ...process.env };

interface Ours extends CliRun {
  outcome?: string;
  mutating?: boolean;
  secrets?: string[];
}

async function runOurs(argv: string[], extraEnv: Record<string, string> = {}, cwd = dir): Promise<Ours> {
  const callEnv = { ...env, ...extraEnv };
  try {
    const call = await translator.translate(argv, { cwd, env: callEnv });
    const result = await translator.send(call, { env: callEnv });
    const outcome = translator.outcomeOf!(result, call);
    return {
      code: 0,
      stdout: translator.format(result, call),
      stderr: translator.stderrOf!(result, call),
      mutating: call.mutating,
      secrets: translator.secretsOf!(result, call),
      ...(outcome ? { outcome } : {}),
    };
  } catch (error) {
    const f = translator.failure!(error, argv);
    return { code: f.exitCode, stdout: f.stdout ?? '', stderr: f.stderr };
  }
}

/** The real CLI in its own process, with the call's environment. */
const runCli = (argv: string[], extraEnv: Record<string, string> = {}) => cli.subprocess(argv, { env: { ...env, ...extraEnv } });

beforeAll(async () => {
  moto = await startMoto();
  env = { ...(process.env as Record<string, string>), ...motoEnv(moto.endpoint) };
  delete env.KUBECONFIG;
  Object.assign(process.env, env);
  dir = mkdtempSync(join(tmpdir(), 'runbook-eks-'));
  cli = new AwsCli(dir);
  const eks = new EKSClient({ endpoint: moto.endpoint, region: 'us-east-1' });
  for (const name of ['demo', 'second']) {
    await eks.send(new CreateClusterCommand({ name, roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: { subnetIds: ['subnet-1'] } }));
  }
  eks.destroy();
});

afterAll(async () => {
  await cli?.stop();
  closeAwsClients();
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

/**
 * Runs update-kubeconfig through the CLI and through the translator from the same starting files
 * (`files`, path → content, written fresh before each), and compares what each prints and writes.
 */
async function compareUpdate(args: string[], files: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<{ ours: Ours; written: Record<string, string> }> {
  // The file --kubeconfig names is the CLI's output: each side starts without what the other wrote.
  const target = args.includes('--kubeconfig') ? args[args.indexOf('--kubeconfig') + 1]! : undefined;
  const prepare = () => {
    for (const path of [...Object.keys(files), ...(target ? [target] : [])]) if (existsSync(path) && statSync(path).isFile()) rmSync(path);
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, content);
    }
  };
  const watched = [...new Set([...Object.keys(files), ...(target ? [target] : [])])].concat(extraEnv.HOME ? [join(extraEnv.HOME, '.kube', 'config')] : []);
  const snapshot = () => Object.fromEntries(watched.filter((p) => existsSync(p) && statSync(p).isFile()).map((p) => [p, readFileSync(p, 'utf8')]));
  prepare();
  if (extraEnv.HOME) rmSync(join(extraEnv.HOME, '.kube'), { recursive: true, force: true });
  const real = await runCli(['aws', 'eks', 'update-kubeconfig', ...args], extraEnv);
  const cliFiles = snapshot();
  prepare();
  if (extraEnv.HOME) rmSync(join(extraEnv.HOME, '.kube'), { recursive: true, force: true });
  const ours = await runOurs(['aws', 'eks', 'update-kubeconfig', ...args], extraEnv);
  const oursFiles = snapshot();
  expect(ours.stdout).toBe(real.stdout);
  expect(ours.stderr).toBe(real.stderr);
  expect(ours.code).toBe(real.code);
  expect(oursFiles).toEqual(cliFiles);
  return { ours, written: oursFiles };
}

describe('aws eks update-kubeconfig', () => {
  it('writes a new kubeconfig as the CLI writes it: cluster, exec user, context, current-context; 0600; created', async () => {
    const path = join(dir, 'new', 'config');
    const { ours, written } = await compareUpdate(['--name', 'demo', '--kubeconfig', path], {});
    expect(ours).toMatchObject({ code: 0, mutating: true, outcome: 'created' });
    expect(ours.stdout).toBe(`Added new context arn:aws:eks:us-east-1:123456789012:cluster/demo to ${path}\n`);
    expect(written[path]).toContain('      - get-token\n      - --cluster-name\n      - demo\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('updates an existing file, keeping its other entries, with --alias, --role-arn, --user-alias, --verbose', async () => {
    const path = join(dir, 'existing');
    const other = readFileSync(testKubeconfig('http://127.0.0.1:9', { namespace: 'team' }), 'utf8');
    await compareUpdate(['--name', 'demo', '--kubeconfig', path, '--alias', 'demo-admin', '--role-arn', 'arn:aws:iam::123456789012:role/admin', '--user-alias', 'me', '--verbose'], { [path]: other });
    await compareUpdate(['--name', 'demo', '--kubeconfig', path, '--dry-run'], { [path]: other });
  });

  it('a re-run is an update, and adopted when nothing changes', async () => {
    const path = join(dir, 'rerun');
    rmSync(path, { force: true });
    expect((await runOurs(['aws', 'eks', 'update-kubeconfig', '--name', 'demo', '--kubeconfig', path])).outcome).toBe('created');
    const again = await runOurs(['aws', 'eks', 'update-kubeconfig', '--name', 'demo', '--kubeconfig', path]);
    expect(again).toMatchObject({ outcome: 'adopted', stdout: `Updated context arn:aws:eks:us-east-1:123456789012:cluster/demo in ${path}\n` });
    expect((await runOurs(['aws', 'eks', 'update-kubeconfig', '--name', 'demo', '--kubeconfig', path, '--alias', 'd'])).outcome).toBe('updated');
    const dry = await translator.translate(['aws', 'eks', 'update-kubeconfig', '--name', 'demo', '--dry-run'], { cwd: dir });
    expect(dry.mutating).toBe(false);
  });

  it('KUBECONFIG: the entry that has the cluster is updated, else the first; HOME gives ~/.kube/config; relative paths from the working directory', async () => {
    const first = join(dir, 'kc-first');
    const second = join(dir, 'kc-second');
    const withCluster = readFileSync(join(dir, 'rerun'), 'utf8');
    await compareUpdate(['--name', 'demo'], { [first]: readFileSync(testKubeconfig('http://127.0.0.1:9'), 'utf8'), [second]: withCluster }, { KUBECONFIG: `${first}:${second}` });
    await compareUpdate(['--name', 'second'], { [first]: readFileSync(testKubeconfig('http://127.0.0.1:9'), 'utf8'), [second]: withCluster }, { KUBECONFIG: `${first}:${second}` });
    const home = join(dir, 'home');
    mkdirSync(home, { recursive: true });
    await compareUpdate(['--name', 'demo'], {}, { HOME: home });
    await compareUpdate(['--name', 'demo', '--kubeconfig', 'rel/config'], { [join(dir, 'rel', 'config')]: '' });
  });

  it('a profile puts AWS_PROFILE in the exec plugin env', async () => {
    const config = join(dir, 'aws-config');
    writeFileSync(config, '[profile dev]\nregion = us-east-1\naws_access_key_id = testing\naws_secret_access_key = testing\n');
    const path = join(dir, 'profiled');
    const { written } = await compareUpdate(['--name', 'demo', '--kubeconfig', path], {}, { AWS_CONFIG_FILE: config, AWS_PROFILE: 'dev' });
    expect(written[path]).toContain('      env:\n      - name: AWS_PROFILE\n        value: dev\n');
  });

  it('refused: no --name (exit 2), no such cluster (255), a kubeconfig of the wrong shape or not YAML, a directory', async () => {
    expect((await compareUpdate([], {})).ours.code).toBe(2);
    expect((await compareUpdate(['--name', 'nope', '--kubeconfig', join(dir, 'x')], {})).ours.code).toBe(255);
    const bad = join(dir, 'bad.yaml');
    expect((await compareUpdate(['--name', 'demo', '--kubeconfig', bad], { [bad]: 'clusters: notalist\n' })).ours.code).toBe(255);
    expect((await compareUpdate(['--name', 'demo', '--kubeconfig', bad], { [bad]: 'users:\n- just a string\n' })).ours.code).toBe(255);
    expect((await compareUpdate(['--name', 'demo', '--kubeconfig', dir], {})).ours.code).toBe(255);
    // Not YAML: the CLI quotes PyYAML's parser message, which differs; the status and the framing do not.
    writeFileSync(bad, 'a: [\n');
    const real = await runCli(['aws', 'eks', 'update-kubeconfig', '--name', 'demo', '--kubeconfig', bad]);
    const notYaml = await runOurs(['aws', 'eks', 'update-kubeconfig', '--name', 'demo', '--kubeconfig', bad]);
    expect(notYaml.code).toBe(real.code);
    expect(notYaml.stderr.split(': ')[0]).toBe(real.stderr.split(': ')[0]);
    expect(notYaml.stderr).toMatch(/^\nYamlError while loading kubeconfig: /);
  });
});

describe('aws eks get-token', () => {
  /** The presigned URL inside a token. */
  const urlOf = (token: string) => Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8');
  /** What depends on the instant it is signed. */
  const timeless = (text: string) =>
    text
      .replace(/X-Amz-Date=\d{8}T\d{6}Z/, 'X-Amz-Date=<date>')
      .replace(/%2F\d{8}%2F/, '%2F<day>%2F')
      .replace(/X-Amz-Signature=[0-9a-f]{64}/, 'X-Amz-Signature=<signature>');

  it('prints the ExecCredential the CLI prints (JSON, text, a query): the same URL but for its instant; the token is a secret', async () => {
    for (const extra of [[], ['--output', 'text'], ['--query', 'status.token', '--output', 'text'], ['--output', 'table']]) {
      const argv = ['aws', 'eks', 'get-token', '--cluster-name', 'demo', ...extra];
      const real = await runCli(argv);
      const ours = await runOurs(argv);
      const tokens = (text: string) => [...text.matchAll(/k8s-aws-v1\.[A-Za-z0-9_-]+/g)].map((m) => m[0]);
      const normal = (text: string) => {
        let out = text;
        for (const t of tokens(text)) out = out.replace(t, timeless(urlOf(t)));
        return out.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, '<expiration>');
      };
      expect(ours.code).toBe(0);
      expect(real.code).toBe(0);
      if (extra.includes('table')) expect(ours.stdout.split('\n').length).toBe(real.stdout.split('\n').length);
      else expect(normal(ours.stdout)).toBe(normal(real.stdout));
      expect(ours.mutating).toBe(false);
      expect(ours.secrets).toEqual(tokens(ours.stdout).slice(0, 1));
    }
    const { stdout } = await runOurs(['aws', 'eks', 'get-token', '--cluster-name', 'demo']);
    const expiry = Date.parse((JSON.parse(stdout) as { status: { expirationTimestamp: string } }).status.expirationTimestamp);
    expect(Math.abs(expiry - (Date.now() + 14 * 60_000))).toBeLessThan(5_000);
  });

  it('signs exactly as botocore does for the same instant and credentials (regional, global and custom endpoints, a session token)', () => {
    const now = new Date('2026-03-04T05:06:07Z');
    const cases = [
      { region: 'us-east-1', endpoint: 'https://sts.us-east-1.amazonaws.com', py: "region_name='us-east-1'", token: undefined },
      { region: 'eu-west-1', endpoint: 'https://sts.eu-west-1.amazonaws.com', py: "region_name='eu-west-1'", token: 'FQoGZXIvYXdzE+/session=' },
      { region: 'us-east-1', endpoint: moto.endpoint, py: "region_name='us-east-1'", token: undefined, endpointEnv: moto.endpoint },
    ];
    for (const c of cases) {
      const script = `
import datetime, sys, botocore.auth, botocore.session
botocore.auth.get_current_datetime = lambda *a, **k: datetime.datetime(2026, 3, 4, 5, 6, 7)
from awscli.customizations.eks.get_token import STSClientFactory, TokenGenerator
sts = STSClientFactory(botocore.session.get_session()).get_sts_client(${c.py})
sys.stdout.write(TokenGenerator(sts).get_token('demo'))
`;
      const pyEnv: Record<string, string> = { ...env, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
      delete pyEnv.AWS_ENDPOINT_URL;
      if (c.endpointEnv) pyEnv.AWS_ENDPOINT_URL = c.endpointEnv;
      if (c.token) pyEnv.AWS_SESSION_TOKEN = c.token;
      const expected = execFileSync('python3', ['-c', script], { env: pyEnv, encoding: 'utf8' });
      const ours = tokenOf(presignedUrl({ clusterId: 'demo', region: c.region, endpoint: c.endpoint, now, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', ...(c.token ? { sessionToken: c.token } : {}) } }));
      expect(urlOf(ours)).toBe(urlOf(expected));
      expect(ours).toBe(expected);
    }
  });

  it('refused: neither --cluster-name nor --cluster-id (exit 1), both (255)', async () => {
    for (const argv of [['aws', 'eks', 'get-token'], ['aws', 'eks', 'get-token', '--cluster-name', 'a', '--cluster-id', 'b'], ['aws', 'eks', 'get-token', '--bogus']]) {
      const real = await runCli(argv);
      const ours = await runOurs(argv);
      expect({ code: ours.code, stdout: ours.stdout, stderr: ours.stderr }).toEqual({ code: real.code, stdout: real.stdout, stderr: real.stderr });
    }
  });
});

describe('end to end: kubectl through the translator with the kubeconfig update-kubeconfig wrote', () => {
  let k8s: KubernetesServer;
  let tls: https.Server;
  let eksProxy: http.Server;
  let cert: string;
  let tlsUrl: string;
  let proxyUrl: string;
  let fakeAws: string;

  beforeAll(async () => {
    // Only a presigned STS token gets in: the server wants a token nobody has, or an EKS one.
    k8s = await startKubernetes({ token: 'nobody-has-this', eksTokens: true, podStartDelayMs: 20, probeIntervalMs: 20 });
    const certs = join(dir, 'tls');
    mkdirSync(certs, { recursive: true });
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(certs, 'key.pem'), '-out', join(certs, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    cert = readFileSync(join(certs, 'cert.pem'), 'utf8');
    // The cluster's API endpoint, as EKS serves it: TLS with the cluster's own CA, in front of the test server.
    tls = https.createServer({ key: readFileSync(join(certs, 'key.pem')), cert }, (req, res) => {
      const upstream = http.request(`${k8s.url}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    tlsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
    // EKS in front of moto: DescribeCluster answers with that endpoint and CA (moto invents both).
    eksProxy = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const upstream = http.request(`${moto.endpoint}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
          const body: Buffer[] = [];
          r.on('data', (c: Buffer) => body.push(c));
          r.on('end', () => {
            let text = Buffer.concat(body).toString('utf8');
            try {
              const json = JSON.parse(text) as { cluster?: { endpoint?: string; certificateAuthority?: { data?: string } } };
              if (json.cluster?.endpoint) {
                json.cluster.endpoint = tlsUrl;
                json.cluster.certificateAuthority = { data: Buffer.from(cert).toString('base64') };
                text = JSON.stringify(json);
              }
            } catch {
              // not JSON
            }
            const headers = { ...r.headers, 'content-length': String(Buffer.byteLength(text)) };
            res.writeHead(r.statusCode ?? 502, headers);
            res.end(text);
          });
        });
        upstream.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((resolve) => eksProxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(eksProxy.address() as AddressInfo).port}`;
    // An `aws` first on PATH that only records that it ran: the translator must not start it.
    const bin = join(dir, 'fake-bin');
    mkdirSync(bin, { recursive: true });
    fakeAws = join(dir, 'fake-aws-ran');
    writeFileSync(join(bin, 'aws'), `#!/bin/sh\necho "$@" >> ${fakeAws}\nexit 1\n`);
    chmodSync(join(bin, 'aws'), 0o755);
    process.env.PATH = `${bin}:${process.env.PATH}`;
  });

  afterAll(async () => {
    process.env.PATH = saved.PATH;
    await new Promise<void>((resolve) => tls?.close(() => resolve()));
    tls?.closeAllConnections();
    await new Promise<void>((resolve) => eksProxy?.close(() => resolve()));
    eksProxy?.closeAllConnections();
    await k8s?.stop();
  });

  it('update-kubeconfig, then kubectl get: the token is computed in this process and accepted; the real kubectl can use the file too', async () => {
    const config = join(dir, 'e2e', 'config');
    const callEnv = { AWS_ENDPOINT_URL_EKS: proxyUrl, KUBECONFIG: config };
    const written = await runOurs(['aws', 'eks', 'update-kubeconfig', '--name', 'demo'], callEnv);
    expect(written).toMatchObject({ code: 0, stdout: `Added new context arn:aws:eks:us-east-1:123456789012:cluster/demo to ${config}\n` });
    expect(readFileSync(config, 'utf8')).toContain(`    server: ${tlsUrl}\n`);

    const kenv = { ...env, ...callEnv, PATH: process.env.PATH! };
    const call = await kubectl.translate(['kubectl', 'get', 'namespaces', '-o', 'name'], { cwd: dir, env: kenv });
    const result = await kubectl.send(call, { env: kenv });
    const ours = kubectl.format(result, call);
    expect(ours).toContain('namespace/default\n');
    const authorized = k8s.state.requests.filter((r) => r.authorization?.startsWith('Bearer k8s-aws-v1.'));
    expect(authorized.length).toBeGreaterThan(0);
    expect(k8s.state.requests.every((r) => r.status !== 401)).toBe(true);
    expect(existsSync(fakeAws)).toBe(false);
    const url = new URL(Buffer.from(authorized[0]!.authorization!.slice('Bearer k8s-aws-v1.'.length), 'base64url').toString('utf8'));
    expect(url.searchParams.get('Action')).toBe('GetCallerIdentity');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^testing\/\d{8}\/us-east-1\/sts\/aws4_request$/);

    // The same file with the real kubectl, which runs the real `aws eks get-token` as its exec plugin.
    const realEnv = { ...kenv, PATH: `/root/.pyenv/shims:${saved.PATH}`, KUBECACHEDIR: join(dir, 'kube-cache') };
    // Not spawnSync: the server answering kubectl runs in this process.
    const real = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      execFile('kubectl', ['get', 'namespaces', '-o', 'name'], { env: realEnv, encoding: 'utf8', timeout: 60_000 }, (_error, stdout, stderr) => resolve({ stdout, stderr }));
    });
    expect(real.stderr).toBe('');
    expect(ours).toBe(real.stdout);
  });

  it('without eks tokens accepted, the server refuses: the bearer token is what gets in', async () => {
    const refusing = await startKubernetes({ token: 'nobody-has-this' });
    try {
      const status = await new Promise<number>((resolve) => {
        const req = http.get(`${refusing.url}/api`, { headers: { authorization: 'Bearer k8s-aws-v1.x' } }, (r) => resolve(r.statusCode ?? 0));
        req.on('error', () => resolve(-1));
      });
      expect(status).toBe(401);
    } finally {
      await refusing.stop();
    }
  });
});
