/**
 * fixtures/gke-workload-identity.md, in the form of GKE Workload Identity write-ups: variables
 * exported once (`CLOUDSDK_CORE_PROJECT` names the project of every later gcloud), a ```console
 * fence with an `if ! gcloud … describe; then gcloud … create; fi` typed at `$ `/`> ` prompts and its
 * output, `… || echo`, a `for` loop of IAM bindings, a function wrapping `gcloud … add-iam-policy-binding`,
 * `kubectl create … --dry-run=client -o yaml | kubectl apply -f -`. Against the Cloud KMS and IAM test
 * servers and the Kubernetes test server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/events/types.js';
import { kubeconfig, startKubernetes, type KubernetesServer } from '../servers/kubernetes.js';
import { startGcpServers, type GcpServers } from '../translate/gcp/support.js';
import { callEnds, checkGuide, execGuide, expectNoMutation, expectSucceeded, fixture, killTests, ofType, stepStdout, why, workspace, type Workspace } from './support.js';

const guide = fixture('gke-workload-identity.md');
const project = 'dns-wi-fixture';
const email = `dns-controller@${project}.iam.gserviceaccount.com`;
const key = `projects/${project}/locations/global/keyRings/dns-keys/cryptoKeys/zone-signing`;

let gcp: GcpServers;
let k8s: KubernetesServer;
let ws: Workspace;
let first: EngineEvent[] = [];

function world() {
  const sa = k8s.state.get('serviceaccounts', 'dns', 'dns-controller');
  return {
    accounts: [...gcp.iam.state.accounts.keys()],
    keyRings: [...gcp.kms.state.keyRings.keys()],
    keys: [...gcp.kms.state.cryptoKeys.keys()],
    encrypters: gcp.kms.state.members(key, 'roles/cloudkms.cryptoKeyEncrypterDecrypter'),
    viewers: gcp.kms.state.members(key, 'roles/cloudkms.viewer'),
    workloadIdentity: gcp.iam.state.members(email, 'roles/iam.workloadIdentityUser'),
    namespace: !!k8s.state.get('namespaces', undefined, 'dns'),
    annotation: sa?.metadata.annotations?.['iam.gke.io/gcp-service-account'],
  };
}

const converged = {
  accounts: [email],
  keyRings: [`projects/${project}/locations/global/keyRings/dns-keys`],
  keys: [key],
  encrypters: [`serviceAccount:${email}`],
  viewers: [`serviceAccount:${email}`],
  workloadIdentity: [`serviceAccount:${project}.svc.id.goog[dns/dns-controller]`],
  namespace: true,
  annotation: email,
};

async function resetWorld() {
  for (const m of [gcp.iam.state.accounts, gcp.iam.state.policies, gcp.kms.state.keyRings, gcp.kms.state.cryptoKeys, gcp.kms.state.policies]) m.clear();
  await fetch(`${k8s.url}/api/v1/namespaces/dns`, { method: 'DELETE' }).then((r) => r.arrayBuffer());
}

beforeAll(async () => {
  [gcp, k8s] = await Promise.all([startGcpServers('some-other-project'), startKubernetes({ podStartDelayMs: 20, probeIntervalMs: 20 })]);
  ws = workspace('gke', { ...gcp.env, GOOGLE_APPLICATION_CREDENTIALS: '', KUBECONFIG: kubeconfig(k8s.url) });
});

afterAll(async () => {
  await Promise.all([k8s?.stop(), gcp?.stop()]);
  ws?.remove();
});

describe('gke-workload-identity.md: a GKE Workload Identity write-up as written', () => {
  it('runbook check reports no error', async () => {
    const check = await checkGuide(guide);
    expect(check.errors, check.text).toEqual([]);
  });

  it('runs end to end: every gcloud and kubectl in if/for/functions/pipes served by the engine, in the project the guide exported', async () => {
    const run = await execGuide(guide, { stateDir: ws.stateDir, env: ws.env });
    first = run.events;
    expectSucceeded(run);
    expect(callEnds(run.events)).toEqual([
      ['IAM.GetServiceAccount', 'failed'],
      ['IAM.CreateServiceAccount', 'created'],
      ['KMS.CreateKeyRing', 'created'],
      ['KMS.CreateCryptoKey', 'created'],
      ['KMS.AddIamPolicyBinding', 'created'],
      ['KMS.AddIamPolicyBinding', 'created'],
      ['IAM.AddIamPolicyBinding', 'created'],
      ['K8s.Create', 'read'],
      ['K8s.ServerSideApply', 'created'],
      ['K8s.Get', 'failed'],
      ['K8s.Create', 'created'],
      ['K8s.Annotate', 'updated'],
    ].map(([op, outcome]) => [expect.stringMatching(new RegExp(`^${op!.replace('.', '\\.').replace('AddIamPolicyBinding', '(AddIamPolicyBinding|SetIamPolicy)')}`)), outcome]));
    expect(ofType(run.events, 'step:warning'), why(run)).toEqual([]);
    expect(stepStdout(run.events)['create-it-unless-it-is-already-there']).toBe(`${email}\n`);
    expect(world()).toEqual(converged);
    // The guide's own project, from its exported CLOUDSDK_CORE_PROJECT, not the environment's.
    expect(gcp.iam.state.requests.every((r) => !r.path.includes('some-other-project')), JSON.stringify(gcp.iam.state.requests.map((r) => r.path))).toBe(true);
  });

  it('a second run makes no mutating call', async () => {
    expectNoMutation(await execGuide(guide, { stateDir: ws.stateDir, env: ws.env }));
    expect(world()).toEqual(converged);
  });

  it('with its state deleted, a run takes what exists and creates nothing', async () => {
    const run = await execGuide(guide, { stateDir: ws.freshState(), env: ws.env });
    expectNoMutation(run);
    // `gcloud kms keyrings create … || echo`: the second create is the service's ALREADY_EXISTS, adopted.
    expect(world()).toEqual(converged);
  });

  killTests({ file: guide, first: () => first, reset: resetWorld, freshState: () => ws.freshState(), env: () => ws.env, world: async () => world(), converged, salt: 3 });
});
