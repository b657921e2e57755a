/**
 * fixtures/external-dns-aws.md, in the form of the DNS controller's AWS tutorial: a JSON fence the guide
 * says to save then `file://` it, `export X=$(aws … --query … --output text)` with `\` continuations, a
 * function defined in one step walking `ROLES=($(aws … --out text))` in a `for` loop with `if [[ … ]]`
 * and called in a later one inside `$( … )`, `kubectl get … | grep -q … || kubectl create …`, a
 * `<<-EOF` heredoc then `file://`, `--output json … --out text`, and a sh fence that is printed output.
 * Against moto (an EKS cluster and a node role with an instance profile made beforehand, as eksctl
 * would have) and the Kubernetes test server.
 */
import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import {
  AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand, IAMClient, ListAttachedRolePoliciesCommand,
  ListPoliciesCommand, ListPolicyVersionsCommand, ListRolesCommand,
} from '@aws-sdk/client-iam';
import { ListHostedZonesCommand, Route53Client } from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/events/types.js';
import { kubeconfig, startKubernetes, type KubernetesServer } from '../servers/kubernetes.js';
import { motoEnv, startMoto, type Moto } from '../support/moto.js';
import {
  callEnds, checkGuide, execGuide, expectNoMutation, expectSucceeded, fixture, killTests, stepStdout, why, workspace, type Workspace,
} from './support.js';

const guide = fixture('external-dns-aws.md');
const aws = (endpoint: string) => ({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });

let moto: Moto;
let k8s: KubernetesServer;
let ws: Workspace;
let first: EngineEvent[] = [];

/** What eksctl would have left: the cluster, and a node role in an instance profile. */
async function prerequisites() {
  const eks = new EKSClient(aws(moto.endpoint));
  await eks.send(new CreateClusterCommand({ name: 'dns-fixture-cluster', roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: { subnetIds: ['subnet-1'] } }));
  eks.destroy();
  const iam = new IAMClient(aws(moto.endpoint));
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  await iam.send(new CreateRoleCommand({ RoleName: 'fixture-node-role', AssumeRolePolicyDocument: trust }));
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'fixture-node-profile' }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'fixture-node-profile', RoleName: 'fixture-node-role' }));
  iam.destroy();
}

/** Moto and the cluster as they were before the guide ran. */
async function resetWorld() {
  await moto.reset();
  await prerequisites();
  await fetch(`${k8s.url}/api/v1/namespaces/external-dns`, { method: 'DELETE' }).then((r) => r.arrayBuffer());
}

/** What the guide leaves, counted. */
async function world() {
  const iam = new IAMClient(aws(moto.endpoint));
  const r53 = new Route53Client(aws(moto.endpoint));
  try {
    const policies = (await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies ?? [];
    const policy = policies.find((p) => p.PolicyName === 'DnsControllerFixture');
    const versions = policy ? ((await iam.send(new ListPolicyVersionsCommand({ PolicyArn: policy.Arn }))).Versions ?? []).length : 0;
    const roles = ((await iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => r.RoleName).sort();
    const attached = async (role: string) => ((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role }))).AttachedPolicies ?? []).map((p) => p.PolicyName);
    const zones = ((await r53.send(new ListHostedZonesCommand({}))).HostedZones ?? []).map((z) => z.Name);
    const sa = k8s.state.get('serviceaccounts', 'external-dns', 'dns-controller');
    return {
      policies: policies.map((p) => p.PolicyName),
      versions,
      roles,
      nodeRolePolicies: await attached('fixture-node-role'),
      irsaRolePolicies: roles.includes('dns-controller-irsa-fixture') ? await attached('dns-controller-irsa-fixture') : [],
      zones,
      namespace: !!k8s.state.get('namespaces', undefined, 'external-dns'),
      annotation: sa?.metadata.annotations?.['eks.amazonaws.com/role-arn'],
    };
  } finally {
    iam.destroy();
    r53.destroy();
  }
}

const converged = {
  policies: ['DnsControllerFixture'],
  versions: 1,
  roles: ['dns-controller-irsa-fixture', 'fixture-node-role'],
  nodeRolePolicies: ['DnsControllerFixture'],
  irsaRolePolicies: ['DnsControllerFixture'],
  zones: ['dns-fixture.example.'],
  namespace: true,
  annotation: 'arn:aws:iam::123456789012:role/dns-controller-irsa-fixture',
};

beforeAll(async () => {
  [moto, k8s] = await Promise.all([startMoto(), startKubernetes({ podStartDelayMs: 20, probeIntervalMs: 20 })]);
  await prerequisites();
  const config = kubeconfig(k8s.url);
  ws = workspace('external-dns', { ...motoEnv(moto.endpoint), KUBECONFIG: config });
});

afterAll(async () => {
  await Promise.all([k8s?.stop(), moto?.stop()]);
  ws?.remove();
});

describe('external-dns-aws.md: the DNS controller tutorial on AWS', () => {
  it('runbook check reports no error', async () => {
    const check = await checkGuide(guide);
    expect(check.errors, check.text).toEqual([]);
    expect(check.code, check.text).toBe(0);
  });

  it('runs end to end: every call served by the engine, with the output the guide shows', async () => {
    const run = await execGuide(guide, { stateDir: ws.stateDir, env: ws.env });
    first = run.events;
    expectSucceeded(run);
    expect(callEnds(run.events)).toEqual([
      ['IAM.CreatePolicy', 'created'],
      ['IAM.ListPolicies', 'read'],
      ['K8s.Get', 'read'],
      ['K8s.Create', 'created'],
      // findNodeRole, defined one step earlier, inside $( … ): the array's list, then one lookup per role.
      ['IAM.ListRoles', 'read'],
      ['IAM.ListInstanceProfilesForRole', 'read'],
      ['IAM.AttachRolePolicy', 'created'],
      ['EKS.DescribeCluster', 'read'],
      ['STS.GetCallerIdentity', 'read'],
      ['EKS.DescribeCluster', 'read'],
      ['IAM.CreateRole', 'created'],
      ['IAM.AttachRolePolicy', 'created'],
      ['IAM.GetRole', 'read'],
      ['K8s.Create', 'created'],
      ['K8s.Annotate', 'updated'],
      ['Route53.CreateHostedZone', 'created'],
      ['Route53.ListHostedZonesByName', 'read'],
      ['Route53.ListResourceRecordSets', 'read'],
    ]);
    expect(run.events.filter((e) => e.type === 'step:warning'), why(run)).toEqual([]);
    const out = Object.values(stepStdout(run.events));
    expect(out).toEqual([
      'DnsControllerFixture\n',
      'namespace/external-dns created\n',
      'node role: fixture-node-role\n',
      'https://oidc.eks.us-east-1.amazonaws.com\n',
      'dns-controller-irsa-fixture\nserviceaccount/dns-controller created\nserviceaccount/dns-controller annotated\n',
      'dns-fixture.example.\n',
      '4\n',
    ]);
    const vars = Object.assign({}, ...run.events.map((e) => (e.type === 'step:end' ? e.variables : {})));
    expect(vars).toMatchObject({
      POLICY_ARN: 'arn:aws:iam::123456789012:policy/DnsControllerFixture',
      NODE_ROLE_NAME: 'fixture-node-role',
      ROLE_ARN: 'arn:aws:iam::123456789012:role/dns-controller-irsa-fixture',
      ZONE_ID: expect.stringMatching(/^\/hostedzone\/\w+$/),
      OIDC_PROVIDER: expect.stringMatching(/^oidc\.eks\.us-east-1\.amazonaws\.com\/id\/\w+$/),
    });
    expect(await world()).toEqual(converged);
    // Every kubectl went through the engine (client-node), none through the kubectl binary.
    expect(k8s.state.requests.filter((r) => /^kubectl\//.test(r.userAgent ?? ''))).toEqual([]);
  });

  it('a second run with its state makes no mutating call', async () => {
    const run = await execGuide(guide, { stateDir: ws.stateDir, env: ws.env });
    expectNoMutation(run);
    expect(await world()).toEqual(converged);
  });

  it('with its state deleted, a run adopts what exists and creates nothing', async () => {
    const run = await execGuide(guide, { stateDir: ws.freshState(), env: ws.env });
    expectNoMutation(run);
    expect(await world()).toEqual(converged);
  });

  killTests({
    file: guide, first: () => first, reset: resetWorld, freshState: () => ws.freshState(), env: () => ws.env, world, converged, salt: 1,
  });
});
