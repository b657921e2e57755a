/**
 * fixtures/irsa-workshop.md, in the form of workshop pages: `$ ` prompts with printed output after
 * them (and a `> ` continuation), an unlabelled fence, `mkdir -p ~/… && cd` and `pushd`/`popd` across
 * steps, an array, a heredoc written in the directory the session is in, `if ! aws iam get-role …;
 * then aws iam create-role … --out text; fi`, a `for` loop over `$(aws … --output text)`, a kubectl
 * helper function defined in one step and called in the next, Runme attributes (`{"name":…}`,
 * `{ name=… tag=… }`, `excludeFromRunAll`). Against moto (with AWS managed policies) and the Kubernetes
 * test server.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GetRoleCommand, IAMClient, ListAttachedRolePoliciesCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/events/types.js';
import { kubeconfig, startKubernetes, type KubernetesServer } from '../servers/kubernetes.js';
import { motoEnv, startMoto, type Moto } from '../support/moto.js';
import {
  callEnds, checkGuide, execGuide, expectNoMutation, expectSucceeded, fixture, killTests, ofType, statuses, stepStdout, why, workspace, type Workspace,
} from './support.js';

const guide = fixture('irsa-workshop.md');
const aws = (endpoint: string) => ({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });

let moto: Moto;
let k8s: KubernetesServer;
let ws: Workspace;
let first: EngineEvent[] = [];

async function world() {
  const iam = new IAMClient(aws(moto.endpoint));
  const s3 = new S3Client(aws(moto.endpoint));
  try {
    const roles = ((await iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => r.RoleName);
    const attached = roles.includes('irsa-lab-reader') ? ((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'irsa-lab-reader' }))).AttachedPolicies ?? []).map((p) => p.PolicyName) : [];
    const trust = roles.includes('irsa-lab-reader') ? decodeURIComponent((await iam.send(new GetRoleCommand({ RoleName: 'irsa-lab-reader' }))).Role?.AssumeRolePolicyDocument ?? '') : '';
    const buckets = ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name);
    const sa = k8s.state.get('serviceaccounts', 'irsa-lab', 'reader');
    return {
      roles, attached, buckets,
      trustsTheServiceAccount: trust.includes('system:serviceaccount:irsa-lab:reader'),
      namespace: !!k8s.state.get('namespaces', undefined, 'irsa-lab'),
      annotation: sa?.metadata.annotations?.['eks.amazonaws.com/role-arn'],
    };
  } finally {
    iam.destroy();
    s3.destroy();
  }
}

const converged = {
  roles: ['irsa-lab-reader'],
  attached: ['AmazonS3ReadOnlyAccess'],
  buckets: ['irsa-lab-123456789012'],
  trustsTheServiceAccount: true,
  namespace: true,
  annotation: 'arn:aws:iam::123456789012:role/irsa-lab-reader',
};

async function resetWorld() {
  await moto.reset();
  await fetch(`${k8s.url}/api/v1/namespaces/irsa-lab`, { method: 'DELETE' }).then((r) => r.arrayBuffer());
}

beforeAll(async () => {
  process.env.MOTO_IAM_LOAD_MANAGED_POLICIES = 'true';
  [moto, k8s] = await Promise.all([startMoto(), startKubernetes({ podStartDelayMs: 20, probeIntervalMs: 20 })]);
  ws = workspace('irsa', { ...motoEnv(moto.endpoint), KUBECONFIG: kubeconfig(k8s.url) });
});

afterAll(async () => {
  await Promise.all([k8s?.stop(), moto?.stop()]);
  ws?.remove();
});

describe('irsa-workshop.md: a workshop lab pasted as written', () => {
  it('runbook check reports no error, and says how it read the unlabelled fence', async () => {
    const check = await checkGuide(guide);
    expect(check.errors, check.text).toEqual([]);
    expect(check.text).toMatch(/info Read the unlabelled fence as shell commands untagged-fence/);
  });

  it('runs end to end in one session: prompts and output, ~ and cd, functions, if/for around aws and kubectl', async () => {
    const run = await execGuide(guide, { stateDir: ws.stateDir, env: ws.env });
    first = run.events;
    expectSucceeded(run);
    expect(callEnds(run.events)).toEqual([
      ['STS.GetCallerIdentity', 'read'],
      ['STS.GetCallerIdentity', 'read'],
      ['S3.CreateBucket', 'created'],
      // if ! aws iam get-role …: the failed read is the shell's answer, then the create in the branch.
      ['IAM.GetRole', 'failed'],
      ['IAM.CreateRole', 'created'],
      ['IAM.AttachRolePolicy', 'created'],
      ['IAM.ListAttachedRolePolicies', 'read'],
      ['K8s.Get', 'failed'],
      ['K8s.Create', 'created'],
      ['K8s.Get', 'failed'],
      ['K8s.Create', 'created'],
      ['K8s.Annotate', 'updated'],
    ]);
    expect(ofType(run.events, 'step:warning'), why(run)).toEqual([]);
    // What the guide shows after each prompt is what the run printed.
    expect(Object.values(stepStdout(run.events))).toEqual([
      '~/environment\n',
      '123456789012\n',
      'account 123456789012, 2 regions\n',
      '/irsa-lab-123456789012\n',
      'trust.json\n',
      'irsa-lab-reader\n',
      'attached: AmazonS3ReadOnlyAccess\n',
      'namespace/irsa-lab created\nserviceaccount/reader created\nserviceaccount/reader annotated\n',
    ]);
    // The heredoc landed where the session was: the lab folder under ~, not the work directory.
    expect(existsSync(join(ws.home, 'environment/irsa-lab/trust.json'))).toBe(true);
    expect(statuses(run.events)).toMatchObject({ 'lab-dir': 'done', names: 'done', helpers: 'done', cleanup: 'skipped' });
    const ends = ofType(run.events, 'step:end');
    expect(ends.find((e) => e.stepId === 'cleanup')?.reason).toMatch(/ignore/);
    // Every call inside if, for, a function or $( … ) is an SDK call with its outcome and line.
    expect(ofType(run.events, 'step:call-end').every((e) => typeof e.line === 'number')).toBe(true);
    expect(await world()).toEqual(converged);
    expect(k8s.state.requests.filter((r) => /^kubectl\//.test(r.userAgent ?? ''))).toEqual([]);
  });

  it('a second run makes no mutating call', async () => {
    expectNoMutation(await execGuide(guide, { stateDir: ws.stateDir, env: ws.env }));
    expect(await world()).toEqual(converged);
  });

  it('with its state deleted, a run takes the existing resources and creates nothing', async () => {
    expectNoMutation(await execGuide(guide, { stateDir: ws.freshState(), env: ws.env }));
    expect(await world()).toEqual(converged);
  });

  it('--tag runs only the tagged steps; --from restores the directory and variables the earlier steps left', async () => {
    const tagged = await execGuide(guide, { stateDir: ws.freshState(), env: ws.env, args: ['--tag', 'setup'] });
    expectSucceeded(tagged);
    expect(Object.entries(statuses(tagged.events)).filter(([, s]) => s !== 'skipped').map(([id]) => id)).toEqual(['lab-dir']);
    // A changed step after --from runs where step 1 left the session, with step 3's variables.
    const state = ws.freshState();
    expectSucceeded(await execGuide(guide, { stateDir: state, env: ws.env }));
    const from = await execGuide(guide, { stateDir: state, env: ws.env, args: ['--only', 'write-the-trust-policy-in-the-lab-folder'] });
    expectSucceeded(from);
    expect(stepStdout(from.events)['write-the-trust-policy-in-the-lab-folder']).toBe('trust.json\n');
  });

  killTests({ file: guide, first: () => first, reset: resetWorld, freshState: () => ws.freshState(), env: () => ws.env, world, converged, salt: 2 });
});
