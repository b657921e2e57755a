// A small Kubernetes API server for tests, speaking the real wire protocol over plain HTTP on 127.0.0.1.
// Follows:
// - API concepts (verbs, lists, watches, resourceVersion, Status errors, dry-run, Table output):
//   https://kubernetes.io/docs/reference/using-api/api-concepts/
// - Status object and reasons: https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/status/
//   and k8s.io/apimachinery/pkg/api/errors (NewNotFound, NewAlreadyExists, NewConflict, NewInvalid)
// - Discovery (/api, /apis, APIResourceList): https://kubernetes.io/docs/concepts/overview/kubernetes-api/#discovery-api
// - Patches (JSON patch, merge patch, strategic merge patch) and server-side apply:
//   https://kubernetes.io/docs/tasks/manage-kubernetes-objects/update-api-object-kubectl-patch/ and
//   https://kubernetes.io/docs/reference/using-api/server-side-apply/ (see kubernetes-patch.ts)
// - Object metadata (uid, resourceVersion, generation, creationTimestamp, ownerReferences + garbage collection):
//   https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/object-meta/
// - StatefulSet controller behaviour (pod names <sts>-<ordinal>, OrderedReady vs Parallel, PVCs from
//   volumeClaimTemplates, status counters): https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/
// - Deployment controller (a ReplicaSet per pod template, named <deployment>-<pod-template-hash>, revision
//   annotations, rollbacks re-using an old ReplicaSet) and ReplicaSet pods:
//   https://kubernetes.io/docs/concepts/workloads/controllers/deployment/ and .../replicaset/
// - The scale subresource (autoscaling/v1 Scale) and how discovery lists it (`deployments/scale`, group autoscaling):
//   https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/deployment-v1/ ("read scale of the specified Deployment")
// - Finalizers and deletionTimestamp: https://kubernetes.io/docs/concepts/overview/working-with-objects/finalizers/
// - Jobs complete (Complete and SuccessCriteriaMet conditions): https://kubernetes.io/docs/concepts/workloads/controllers/job/
// - Content types: JSON answers; an Accept of protobuf alone is 406 NotAcceptable, a protobuf body of a kind this
//   server cannot decode 415 (kubernetes-protobuf.ts decodes kubectl's generators' bodies; kubectl 1.32 sends
//   protobuf for them and does not fall back to JSON on 406 or 415)
// - Pod phases and readiness: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/
// - exec over WebSocket, channel.k8s.io subprotocols (0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize, 255 close):
//   https://kubernetes.io/blog/2024/08/20/websockets-transition/ and k8s.io/apimachinery/pkg/util/remotecommand
// - Pod proxy: /api/v1/namespaces/{ns}/pods/{name}[:{port}]/proxy/{path}
//   https://kubernetes.io/docs/tasks/access-application-cluster/access-cluster-services/#manually-constructing-apiserver-proxy-urls
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type { Duplex } from 'node:stream';
import { parse as parseYaml } from 'yaml';
import {
  clone,
  deepEqual,
  flatHeaders,
  isPlainObject,
  listen,
  readBody,
  rfc3339,
  type ServerHandle,
  type SimpleHandler,
  type SimpleRequest,
  type SimpleResponse,
} from './http.js';
import {
  PatchError,
  fieldSelectorMatches,
  jsonPatch,
  labelSelectorMatches,
  mergePatch,
  selectorObjectMatches,
  strategicMerge,
} from './kubernetes-patch.js';
import { decodeKubernetesProtobuf } from './kubernetes-protobuf.js';

type Obj = Record<string, any>;

// ---------------------------------------------------------------------------------------------------------------
// Resource types
// ---------------------------------------------------------------------------------------------------------------

export interface ResourceDef {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Has a /status subresource: status is ignored on main-resource writes and reset on create. */
  status?: boolean;
  /** metadata.generation is bumped when anything outside metadata/status changes. */
  generation?: boolean;
  /** Has a /scale subresource (autoscaling/v1 Scale: spec.replicas, status.replicas and selector). */
  scale?: boolean;
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const RESOURCES: ResourceDef[] = [
  { group: '', version: 'v1', plural: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'], status: true },
  { group: '', version: 'v1', plural: 'serviceaccounts', singular: 'serviceaccount', kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'] },
  { group: '', version: 'v1', plural: 'configmaps', singular: 'configmap', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] },
  { group: '', version: 'v1', plural: 'secrets', singular: 'secret', kind: 'Secret', namespaced: true },
  { group: '', version: 'v1', plural: 'services', singular: 'service', kind: 'Service', namespaced: true, shortNames: ['svc'], categories: ['all'], status: true },
  { group: '', version: 'v1', plural: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'], status: true },
  { group: '', version: 'v1', plural: 'persistentvolumeclaims', singular: 'persistentvolumeclaim', kind: 'PersistentVolumeClaim', namespaced: true, shortNames: ['pvc'], status: true },
  { group: '', version: 'v1', plural: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'] },
  { group: '', version: 'v1', plural: 'nodes', singular: 'node', kind: 'Node', namespaced: false, shortNames: ['no'], status: true },
  { group: '', version: 'v1', plural: 'replicationcontrollers', singular: 'replicationcontroller', kind: 'ReplicationController', namespaced: true, shortNames: ['rc'], categories: ['all'], status: true, generation: true, scale: true },
  { group: 'apps', version: 'v1', plural: 'statefulsets', singular: 'statefulset', kind: 'StatefulSet', namespaced: true, shortNames: ['sts'], categories: ['all'], status: true, generation: true, scale: true },
  { group: 'apps', version: 'v1', plural: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], status: true, generation: true, scale: true },
  { group: 'apps', version: 'v1', plural: 'daemonsets', singular: 'daemonset', kind: 'DaemonSet', namespaced: true, shortNames: ['ds'], categories: ['all'], status: true, generation: true },
  { group: 'apps', version: 'v1', plural: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'], categories: ['all'], status: true, generation: true, scale: true },
  { group: 'batch', version: 'v1', plural: 'jobs', singular: 'job', kind: 'Job', namespaced: true, categories: ['all'], status: true, generation: true },
  { group: 'batch', version: 'v1', plural: 'cronjobs', singular: 'cronjob', kind: 'CronJob', namespaced: true, shortNames: ['cj'], categories: ['all'], status: true, generation: true },
  { group: 'autoscaling', version: 'v2', plural: 'horizontalpodautoscalers', singular: 'horizontalpodautoscaler', kind: 'HorizontalPodAutoscaler', namespaced: true, shortNames: ['hpa'], categories: ['all'], status: true, generation: true },
  { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses', singular: 'ingress', kind: 'Ingress', namespaced: true, shortNames: ['ing'], status: true, generation: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'roles', singular: 'role', kind: 'Role', namespaced: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'rolebindings', singular: 'rolebinding', kind: 'RoleBinding', namespaced: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterroles', singular: 'clusterrole', kind: 'ClusterRole', namespaced: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterrolebindings', singular: 'clusterrolebinding', kind: 'ClusterRoleBinding', namespaced: false },
  { group: 'policy', version: 'v1', plural: 'poddisruptionbudgets', singular: 'poddisruptionbudget', kind: 'PodDisruptionBudget', namespaced: true, shortNames: ['pdb'], status: true, generation: true },
  { group: 'admissionregistration.k8s.io', version: 'v1', plural: 'mutatingwebhookconfigurations', singular: 'mutatingwebhookconfiguration', kind: 'MutatingWebhookConfiguration', namespaced: false, categories: ['api-extensions'], generation: true },
  // CRDs are stored as objects (their custom resources are not served).
  { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', singular: 'customresourcedefinition', kind: 'CustomResourceDefinition', namespaced: false, shortNames: ['crd', 'crds'], categories: ['api-extensions'], status: true, generation: true },
];

const apiVersionOf = (d: ResourceDef) => (d.group ? `${d.group}/${d.version}` : d.version);
const qualified = (d: ResourceDef) => (d.group ? `${d.plural}.${d.group}` : d.plural);
const qualifiedKind = (d: ResourceDef) => (d.group ? `${d.kind}.${d.group}` : d.kind);

/** Finds a resource by plural, singular, kind, short name or `plural.group` (case-insensitive). */
export function resourceDef(name: string): ResourceDef {
  const n = name.toLowerCase();
  const d = RESOURCES.find(
    (r) => r.plural === n || r.singular === n || r.kind.toLowerCase() === n || r.shortNames?.includes(n) || qualified(r) === n,
  );
  if (!d) throw new Error(`unknown resource ${name}`);
  return d;
}

// ---------------------------------------------------------------------------------------------------------------
// Errors (metav1.Status)
// ---------------------------------------------------------------------------------------------------------------

export class KubeError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Obj,
  ) {
    super(message);
  }
  get status(): Obj {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

const groupDetail = (d: ResourceDef) => (d.group ? { group: d.group } : {});
const notFound = (d: ResourceDef, name: string) =>
  new KubeError(404, 'NotFound', `${qualified(d)} "${name}" not found`, { name, ...groupDetail(d), kind: d.plural });
const alreadyExists = (d: ResourceDef, name: string) =>
  new KubeError(409, 'AlreadyExists', `${qualified(d)} "${name}" already exists`, { name, ...groupDetail(d), kind: d.plural });
const conflict = (d: ResourceDef, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again') =>
  new KubeError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(d)} "${name}": ${why}`, { name, ...groupDetail(d), kind: d.plural });
const badRequest = (message: string) => new KubeError(400, 'BadRequest', message);
const routeNotFound = () => new KubeError(404, 'NotFound', 'the server could not find the requested resource', {});

interface Cause {
  field: string;
  reason: 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueForbidden';
  message: string;
}
function invalid(d: ResourceDef, name: string, causes: Cause[]): KubeError {
  return new KubeError(
    422,
    'Invalid',
    `${qualifiedKind(d)} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
    { name, ...groupDetail(d), kind: d.kind, causes: causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })) },
  );
}
const required = (field: string): Cause => ({ field, reason: 'FieldValueRequired', message: 'Required value' });
const badValue = (field: string, value: unknown, why: string): Cause => ({
  field,
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${JSON.stringify(value)}: ${why}`,
});
const forbidden = (field: string, why: string): Cause => ({ field, reason: 'FieldValueForbidden', message: `Forbidden: ${why}` });

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function validateName(d: ResourceDef, name: string): Cause[] {
  if (d.group === 'rbac.authorization.k8s.io') {
    // RBAC names are path segment names (system:auth-delegator is valid).
    if (name === '.' || name === '..' || /[/%]/.test(name)) return [badValue('metadata.name', name, 'may not contain "/" or "%"')];
    return [];
  }
  if (d.kind === 'Namespace' || d.kind === 'Service') {
    if (name.length > 63 || !DNS1123_LABEL.test(name))
      return [
        badValue(
          'metadata.name',
          name,
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        ),
      ];
    return [];
  }
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name))
    return [
      badValue(
        'metadata.name',
        name,
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ),
    ];
  return [];
}

function validateContainers(prefix: string, spec: Obj | undefined): Cause[] {
  const cs = spec?.containers;
  if (!Array.isArray(cs) || cs.length === 0) return [required(`${prefix}.containers`)];
  const out: Cause[] = [];
  cs.forEach((c: Obj, i: number) => {
    if (!c?.name) out.push(required(`${prefix}.containers[${i}].name`));
    if (!c?.image) out.push(required(`${prefix}.containers[${i}].image`));
  });
  return out;
}

function validateObject(d: ResourceDef, o: Obj): Cause[] {
  const causes = validateName(d, o.metadata.name);
  switch (d.kind) {
    case 'Pod':
      causes.push(...validateContainers('spec', o.spec));
      break;
    case 'StatefulSet':
    case 'Deployment':
    case 'DaemonSet':
    case 'ReplicaSet': {
      const sel = o.spec?.selector;
      if (!sel || (!sel.matchLabels && !sel.matchExpressions)) causes.push(required('spec.selector'));
      else if (!selectorObjectMatches(sel, o.spec?.template?.metadata?.labels))
        causes.push(badValue('spec.template.metadata.labels', o.spec?.template?.metadata?.labels ?? {}, '`selector` does not match template `labels`'));
      causes.push(...validateContainers('spec.template.spec', o.spec?.template?.spec));
      break;
    }
    case 'Service': {
      const s = o.spec ?? {};
      if (s.type !== 'ExternalName' && s.clusterIP !== 'None' && (!Array.isArray(s.ports) || s.ports.length === 0)) causes.push(required('spec.ports'));
      (s.ports ?? []).forEach((p: Obj, i: number) => {
        if (typeof p?.port !== 'number') causes.push(required(`spec.ports[${i}].port`));
      });
      break;
    }
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      if (!o.roleRef?.name || !o.roleRef?.kind) causes.push(required('roleRef'));
      break;
    case 'Job':
      causes.push(...validateContainers('spec.template.spec', o.spec?.template?.spec));
      break;
    case 'CronJob':
      if (!o.spec?.schedule) causes.push(required('spec.schedule'));
      causes.push(...validateContainers('spec.jobTemplate.spec.template.spec', o.spec?.jobTemplate?.spec?.template?.spec));
      break;
    case 'HorizontalPodAutoscaler':
      if (!o.spec?.scaleTargetRef?.kind || !o.spec?.scaleTargetRef?.name) causes.push(required('spec.scaleTargetRef'));
      if (typeof o.spec?.maxReplicas !== 'number') causes.push(required('spec.maxReplicas'));
      break;
  }
  return causes;
}

// ---------------------------------------------------------------------------------------------------------------
// Pod handlers (exec, proxy, readiness) registered by tests or other test servers
// ---------------------------------------------------------------------------------------------------------------

export interface ExecRequest {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  /** stdin stream when the client asked for stdin, else null. Ends when the client closes stdin (v5) or the socket. */
  stdin: Readable | null;
  tty: boolean;
}

export interface ExecResult {
  stdout?: string | Buffer;
  stderr?: string | Buffer;
  exitCode: number;
  /** A runtime error instead of an exit code (e.g. executable not found): sent as a Failure Status, reason InternalError. */
  error?: string;
}

export type ExecHandler = (req: ExecRequest) => Promise<ExecResult> | ExecResult;

export interface PodHandlers {
  /** Runs `kubectl exec` / client-node Exec commands (and exec readiness probes). */
  exec?: ExecHandler;
  /** Pod proxy targets by container port: a handler or a base URL (http://127.0.0.1:PORT) to forward to. */
  proxy?: Record<number, SimpleHandler | string>;
  /** Readiness of a container; overrides the probe in the pod spec. Polled every probeIntervalMs while Running. */
  readiness?: (container: string) => boolean | Promise<boolean>;
  /** Text for GET .../pods/{name}/log */
  logs?: (container: string) => string;
}

// ---------------------------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------------------------

export interface KubernetesOptions {
  /**
   * Bearer token every request must carry. Default `null`: anonymous requests are accepted, because kubectl
   * (client-go clientcmd) never sends credentials to a plain-http server. The Authorization header a client
   * sent is recorded in `state.requests[].authorization` either way.
   */
  token?: string | null;
  /**
   * Also accept what an EKS cluster's authenticator takes: a bearer `k8s-aws-v1.<base64url>` whose
   * payload is a presigned STS GetCallerIdentity URL signing `x-k8s-aws-id` (`aws eks get-token`). The
   * signature is not checked against STS: this is a test server.
   */
  eksTokens?: boolean;
  /** Pending → Running delay of every new pod (ms). Default 200. */
  podStartDelayMs?: number;
  /** How often readiness is re-evaluated for running pods (ms). Default 100. */
  probeIntervalMs?: number;
  /** Delay before a Deployment reports its replicas available (ms). Default = podStartDelayMs. */
  deploymentReadyDelayMs?: number;
  /** Called when a pod is created and no handlers were registered for it with registerPod(). */
  podHandlers?: (pod: Obj) => PodHandlers | undefined;
  /** Server version reported by /version. Default 1.32.0 */
  gitVersion?: string;
  /**
   * Containers without a readinessProbe (and no readiness handler) are Ready as soon as they run, as the kubelet
   * does. Set false to keep every container unready until setPodReady()/a handler says otherwise. Default true.
   */
  readyWithoutProbe?: boolean;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: string;
  contentType?: string;
  userAgent?: string;
  authorization?: string;
  status?: number;
}

interface WatchEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  def: ResourceDef;
  object: Obj;
}

interface Watcher {
  def: ResourceDef;
  namespace?: string;
  labelSelector: string | null;
  fieldSelector: string | null;
  table: boolean;
  res: http.ServerResponse;
}

interface WriteOptions {
  dryRun?: boolean;
  manager?: string;
  operation?: 'Update' | 'Apply';
}

const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const FAKE_CA = '-----BEGIN CERTIFICATE-----\nTUlJQyB0ZXN0IGNlcnRpZmljYXRlIGZvciBhIGZha2UgY2x1c3Rlcg==\n-----END CERTIFICATE-----\n';

export class KubeState {
  /** Every HTTP request the server saw, in order. */
  readonly requests: RequestRecord[] = [];
  private readonly objects = new Map<string, Obj>();
  private readonly history: WatchEvent[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly handlers = new Map<string, PodHandlers>();
  private readonly factoryHandlers = new Map<string, PodHandlers | undefined>();
  private readonly readyOverride = new Map<string, boolean>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private rv = 1000;
  private ipCounter = 10;
  private probing = false;
  private stopped = false;
  private probeTimer?: NodeJS.Timeout;

  constructor(readonly options: Required<Omit<KubernetesOptions, 'podHandlers' | 'token' | 'eksTokens'>> & Pick<KubernetesOptions, 'podHandlers' | 'token'>) {
    for (const ns of DEFAULT_NAMESPACES) this.createObject(resourceDef('namespaces'), undefined, { metadata: { name: ns } }, { manager: 'kube-apiserver' });
    this.createNode('node-1');
    this.probeTimer = setInterval(() => void this.probeAll(), options.probeIntervalMs);
    this.probeTimer.unref();
  }

  /** The one node pods run on, Ready, as a kind cluster's control-plane node reports itself. */
  private createNode(name: string): void {
    const d = resourceDef('nodes');
    const node = this.createObject(
      d,
      undefined,
      {
        metadata: {
          name,
          labels: {
            'beta.kubernetes.io/arch': 'amd64',
            'beta.kubernetes.io/os': 'linux',
            'kubernetes.io/arch': 'amd64',
            'kubernetes.io/hostname': name,
            'kubernetes.io/os': 'linux',
            'node-role.kubernetes.io/control-plane': '',
          },
        },
        spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] },
      },
      { manager: 'kubelet' },
    );
    const next = clone(node);
    const now = rfc3339();
    const condition = (type: string, status: string, reason: string, message: string) => ({ type, status, lastHeartbeatTime: now, lastTransitionTime: now, reason, message });
    next.status = {
      addresses: [{ type: 'InternalIP', address: '172.18.0.2' }, { type: 'Hostname', address: name }],
      allocatable: { cpu: '2', 'ephemeral-storage': '100Gi', memory: '8Gi', pods: '110' },
      capacity: { cpu: '2', 'ephemeral-storage': '100Gi', memory: '8Gi', pods: '110' },
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      nodeInfo: {
        architecture: 'amd64',
        bootID: randomUUID(),
        containerRuntimeVersion: 'containerd://1.7.24',
        kernelVersion: '6.1.0-test',
        kubeProxyVersion: this.options.gitVersion,
        kubeletVersion: this.options.gitVersion,
        machineID: randomBytes(16).toString('hex'),
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        systemUUID: randomUUID(),
      },
    };
    this.commit(d, next, 'MODIFIED');
  }

  // ---- public helpers for tests ----

  /** A copy of an object, or undefined. `resource` is a plural, singular, kind or short name. */
  get(resource: string, namespace: string | undefined, name: string): Obj | undefined {
    const d = resourceDef(resource);
    const o = this.objects.get(this.key(d, namespace, name));
    return o ? clone(o) : undefined;
  }

  /** Copies of all objects of a resource, optionally in one namespace, sorted by namespace/name. */
  list(resource: string, namespace?: string): Obj[] {
    return this.listObjects(resourceDef(resource), namespace, null, null).map((o) => clone(o));
  }

  /** Creates an object as a client would (validation, defaults, controllers). Throws KubeError. */
  create(obj: Obj): Obj {
    const d = RESOURCES.find((r) => r.kind === obj.kind && apiVersionOf(r) === (obj.apiVersion ?? 'v1'));
    if (!d) throw new Error(`unknown kind ${obj.apiVersion}/${obj.kind}`);
    return clone(this.createObject(d, d.namespaced ? (obj.metadata?.namespace ?? 'default') : undefined, obj, { manager: 'test' }));
  }

  /** Registers exec/proxy/readiness handlers for a pod name (before or after the pod exists; survives re-creation). */
  registerPod(namespace: string, name: string, handlers: PodHandlers): void {
    this.handlers.set(`${namespace}/${name}`, handlers);
    void this.probeAll();
  }

  /** Forces readiness of every container of a pod (`undefined` returns to probes/handlers). */
  setPodReady(namespace: string, name: string, ready: boolean | undefined): void {
    if (ready === undefined) this.readyOverride.delete(`${namespace}/${name}`);
    else this.readyOverride.set(`${namespace}/${name}`, ready);
    void this.probeAll();
  }

  /** Sets a pod's phase directly (e.g. Failed, Succeeded). */
  setPodPhase(namespace: string, name: string, phase: string): void {
    const d = resourceDef('pods');
    const pod = this.find(d, namespace, name);
    if (!pod) throw notFound(d, name);
    const next = clone(pod);
    next.status = { ...next.status, phase };
    this.commit(d, next, 'MODIFIED');
  }

  /** Re-runs readiness evaluation now (normally done every probeIntervalMs). */
  async probeNow(): Promise<void> {
    await this.probeAll();
  }

  /** Waits until `pred` holds for the object (or its absence: pred(undefined)). */
  async waitFor(resource: string, namespace: string | undefined, name: string, pred: (o: Obj | undefined) => boolean, timeoutMs = 5000): Promise<Obj | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const o = this.get(resource, namespace, name);
      if (pred(o)) return o;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${resource} ${namespace ?? ''}/${name}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** All watch events so far (copies). */
  events(): { type: string; kind: string; namespace?: string; name: string; resourceVersion: string }[] {
    return this.history.map((e) => ({
      type: e.type,
      kind: e.def.kind,
      namespace: e.object.metadata.namespace,
      name: e.object.metadata.name,
      resourceVersion: String(e.rv),
    }));
  }

  // ---- storage ----

  private key(d: ResourceDef, ns: string | undefined, name: string): string {
    return `${d.group}/${d.plural}/${d.namespaced ? (ns ?? '') : ''}/${name}`;
  }

  find(d: ResourceDef, ns: string | undefined, name: string): Obj | undefined {
    return this.objects.get(this.key(d, ns, name));
  }

  private require(d: ResourceDef, ns: string | undefined, name: string): Obj {
    const o = this.find(d, ns, name);
    if (!o) throw notFound(d, name);
    return o;
  }

  listObjects(d: ResourceDef, ns: string | undefined, labelSelector: string | null, fieldSelector: string | null): Obj[] {
    const prefix = `${d.group}/${d.plural}/`;
    const out: Obj[] = [];
    for (const [k, o] of this.objects) {
      if (!k.startsWith(prefix)) continue;
      if (d.namespaced && ns !== undefined && o.metadata.namespace !== ns) continue;
      if (!this.selects(o, labelSelector, fieldSelector)) continue;
      out.push(o);
    }
    return out.sort((a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`));
  }

  private selects(o: Obj, labelSelector: string | null, fieldSelector: string | null): boolean {
    try {
      return labelSelectorMatches(o.metadata.labels, labelSelector) && fieldSelectorMatches(o, fieldSelector);
    } catch (e) {
      throw badRequest(`unable to parse requirement: ${(e as Error).message}`);
    }
  }

  currentResourceVersion(): string {
    return String(this.rv);
  }

  private commit(d: ResourceDef, obj: Obj, type: WatchEvent['type']): Obj {
    this.rv++;
    obj.metadata.resourceVersion = String(this.rv);
    const key = this.key(d, obj.metadata.namespace, obj.metadata.name);
    if (type === 'DELETED') this.objects.delete(key);
    else this.objects.set(key, obj);
    const ev: WatchEvent = { rv: this.rv, type, def: d, object: clone(obj) };
    this.history.push(ev);
    for (const w of this.watchers) this.sendEvent(w, ev);
    this.afterCommit(d, obj, type);
    return obj;
  }

  // ---- verbs ----

  createObject(d: ResourceDef, ns: string | undefined, body: unknown, opts: WriteOptions): Obj {
    if (!isPlainObject(body)) throw badRequest('the body of the request was in an unknown format');
    const obj = clone(body);
    this.checkTypeMeta(d, obj);
    obj.metadata = isPlainObject(obj.metadata) ? obj.metadata : {};
    const m = obj.metadata;
    if (!m.name && m.generateName) m.name = `${m.generateName}${randomBytes(3).toString('hex').slice(0, 5)}`;
    if (!m.name) throw invalid(d, '', [required('metadata.name')]);
    if (d.namespaced) {
      if (m.namespace && ns && m.namespace !== ns)
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      m.namespace = ns;
      const nsObj = this.find(resourceDef('namespaces'), undefined, ns!);
      if (!nsObj) throw notFound(resourceDef('namespaces'), ns!);
      if (nsObj.status?.phase === 'Terminating')
        throw new KubeError(403, 'Forbidden', `${qualified(d)} "${m.name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`, {
          name: m.name,
          ...groupDetail(d),
          kind: d.plural,
        });
    } else delete m.namespace;
    for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'generation', 'selfLink', 'managedFields']) delete m[k];
    // The uid is known to defaulting (a Job's selector names it); nothing is stored before validation passes.
    m.uid = randomUUID();
    if (d.status && d.kind !== 'Namespace') delete obj.status;
    this.applyDefaults(d, obj);
    this.normalize(d, obj);
    const causes = validateObject(d, obj);
    if (causes.length) throw invalid(d, m.name, causes);
    if (this.find(d, m.namespace, m.name)) throw alreadyExists(d, m.name);
    m.creationTimestamp = rfc3339();
    if (d.generation) m.generation = 1;
    m.managedFields = [managedEntry(d, opts.manager ?? 'unknown', opts.operation ?? 'Update')];
    if (opts.dryRun) return obj;
    return this.commit(d, obj, 'ADDED');
  }

  private checkTypeMeta(d: ResourceDef, obj: Obj): void {
    if (obj.kind !== undefined && obj.kind !== d.kind)
      throw badRequest(`${obj.kind} in version "${d.version}" cannot be handled as a ${d.kind}: the object provided is unrecognized (must be of type ${d.kind})`);
    if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersionOf(d))
      throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(d)})`);
    obj.apiVersion = apiVersionOf(d);
    obj.kind = d.kind;
  }

  updateObject(d: ResourceDef, ns: string | undefined, name: string, body: unknown, opts: WriteOptions & { subresource?: 'status' }): Obj {
    if (!isPlainObject(body)) throw badRequest('the body of the request was in an unknown format');
    const existing = this.require(d, ns, name);
    const incoming = clone(body);
    this.checkTypeMeta(d, incoming);
    incoming.metadata = isPlainObject(incoming.metadata) ? incoming.metadata : {};
    const im = incoming.metadata;
    if (im.name !== undefined && im.name !== name) throw badRequest(`the name of the object (${im.name}) does not match the name on the URL (${name})`);
    if (d.namespaced && im.namespace !== undefined && im.namespace !== ns)
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    if (im.resourceVersion !== undefined && im.resourceVersion !== '' && im.resourceVersion !== existing.metadata.resourceVersion) throw conflict(d, name);
    if (im.uid !== undefined && im.uid !== '' && im.uid !== existing.metadata.uid)
      throw conflict(d, name, `Precondition failed: UID in precondition: ${im.uid}, UID in object meta: ${existing.metadata.uid}`);

    let next: Obj;
    if (opts.subresource === 'status') {
      next = clone(existing);
      next.status = clone(incoming.status);
    } else {
      next = incoming;
      const em = existing.metadata;
      next.metadata = {
        ...im,
        name,
        ...(d.namespaced ? { namespace: ns } : {}),
        uid: em.uid,
        creationTimestamp: em.creationTimestamp,
        resourceVersion: em.resourceVersion,
        ...(em.generation !== undefined ? { generation: em.generation } : {}),
        ...(em.deletionTimestamp ? { deletionTimestamp: em.deletionTimestamp } : {}),
        managedFields: em.managedFields,
      };
      if (!d.namespaced) delete next.metadata.namespace;
      if (d.status) {
        if (existing.status === undefined) delete next.status;
        else next.status = clone(existing.status);
      }
      this.carryOver(d, existing, next);
      this.normalize(d, next);
      const causes = [...validateObject(d, next), ...immutableViolations(d, existing, next)];
      if (causes.length) throw invalid(d, name, causes);
    }
    if (deepEqual(strip(existing), strip(next))) return existing; // no-op: no new resourceVersion
    if (d.generation && !deepEqual(specPart(existing), specPart(next))) next.metadata.generation = (existing.metadata.generation ?? 0) + 1;
    next.metadata.managedFields = upsertManaged(existing.metadata.managedFields, managedEntry(d, opts.manager ?? 'unknown', opts.operation ?? 'Update', opts.subresource));
    if (opts.dryRun) return next;
    const written = this.commit(d, next, 'MODIFIED');
    // The last finalizer of an object marked for deletion removed: it goes now.
    if (written.metadata.deletionTimestamp && !(written.metadata.finalizers ?? []).length) return this.deleteObject(d, ns, name, {});
    return written;
  }

  patchObject(
    d: ResourceDef,
    ns: string | undefined,
    name: string,
    contentType: string,
    raw: Buffer,
    opts: WriteOptions & { subresource?: 'status'; fieldManager?: string },
  ): { obj: Obj; created: boolean } {
    const ct = contentType.split(';')[0].trim().toLowerCase();
    if (ct === 'application/apply-patch+yaml') {
      if (!opts.fieldManager) throw badRequest('PATCH request: fieldManager is required for apply requests');
      let applied: unknown;
      try {
        applied = parseYaml(raw.toString('utf8'));
      } catch (e) {
        throw badRequest(`error decoding YAML: ${(e as Error).message}`);
      }
      if (!isPlainObject(applied)) throw badRequest('apply patch must be an object');
      if (!applied.apiVersion || !applied.kind) throw badRequest('apiVersion and kind must be set in the applied configuration');
      if (applied.kind !== d.kind || applied.apiVersion !== apiVersionOf(d))
        throw badRequest(`the API version (${applied.apiVersion}) and kind (${applied.kind}) in the applied configuration do not match ${apiVersionOf(d)}, ${d.kind}`);
      const am = isPlainObject(applied.metadata) ? applied.metadata : {};
      if (am.name !== undefined && am.name !== name) throw badRequest(`the name of the object (${am.name}) does not match the name on the URL (${name})`);
      const existing = this.find(d, ns, name);
      const w: WriteOptions = { dryRun: opts.dryRun, manager: opts.fieldManager, operation: 'Apply' };
      if (!existing) {
        if (opts.subresource) throw notFound(d, name);
        return { obj: this.createObject(d, ns, { ...applied, metadata: { ...am, name } }, w), created: true };
      }
      const { resourceVersion, uid, ...restMeta } = am;
      const merged = strategicMerge(clone(existing), { ...applied, metadata: restMeta });
      if (resourceVersion) merged.metadata.resourceVersion = resourceVersion;
      if (uid) merged.metadata.uid = uid;
      return { obj: this.updateObject(d, ns, name, merged, { ...w, subresource: opts.subresource }), created: false };
    }
    const existing = this.require(d, ns, name);
    const patched = applyPatch(contentType, raw, existing);
    return { obj: this.updateObject(d, ns, name, patched, { ...opts, manager: opts.fieldManager ?? opts.manager }), created: false };
  }

  deleteObject(d: ResourceDef, ns: string | undefined, name: string, opts: { dryRun?: boolean; propagationPolicy?: string; preconditions?: Obj }): Obj {
    const existing = this.require(d, ns, name);
    const pre = opts.preconditions ?? {};
    if (pre.uid && pre.uid !== existing.metadata.uid)
      throw conflict(d, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid}`);
    if (pre.resourceVersion && pre.resourceVersion !== existing.metadata.resourceVersion)
      throw conflict(d, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`);
    if (d.kind === 'Namespace' && ['default', 'kube-system', 'kube-public'].includes(name))
      throw new KubeError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
    const gone = clone(existing);
    gone.metadata.deletionTimestamp ??= rfc3339();
    if (d.kind === 'Pod') gone.metadata.deletionGracePeriodSeconds = 0;
    if (d.kind === 'Namespace') gone.status = { ...gone.status, phase: 'Terminating' };
    if (opts.dryRun) return gone;
    // Finalizers hold the object, marked for deletion, until whoever set them removes them (an update does).
    if ((existing.metadata.finalizers ?? []).length) {
      gone.metadata.deletionGracePeriodSeconds ??= 0;
      if (existing.metadata.deletionTimestamp) return existing;
      return this.commit(d, gone, 'MODIFIED');
    }
    if (d.kind === 'Namespace') {
      for (const r of RESOURCES.filter((x) => x.namespaced))
        for (const o of this.listObjects(r, name, null, null)) this.commit(r, clone(o), 'DELETED');
    }
    this.commit(d, clone(gone), 'DELETED');
    if (opts.propagationPolicy !== 'Orphan') this.collectGarbage(existing.metadata.uid);
    return gone;
  }

  private collectGarbage(ownerUid: string): void {
    for (const [, o] of [...this.objects]) {
      if (!(o.metadata.ownerReferences ?? []).some((r: Obj) => r.uid === ownerUid)) continue;
      const d = RESOURCES.find((r) => r.kind === o.kind && apiVersionOf(r) === o.apiVersion);
      if (!d || !this.find(d, o.metadata.namespace, o.metadata.name)) continue;
      const gone = clone(o);
      gone.metadata.deletionTimestamp = rfc3339();
      this.commit(d, gone, 'DELETED');
      this.collectGarbage(o.metadata.uid);
    }
  }

  // ---- defaults ----

  private applyDefaults(d: ResourceDef, o: Obj): void {
    const m = o.metadata;
    switch (d.kind) {
      case 'Namespace':
        o.spec = { finalizers: ['kubernetes'], ...(o.spec ?? {}) };
        o.status = { phase: 'Active' };
        m.labels = { ...(m.labels ?? {}), 'kubernetes.io/metadata.name': m.name };
        break;
      case 'Secret':
        o.type ??= 'Opaque';
        break;
      case 'Service': {
        const s = (o.spec ??= {});
        s.type ??= 'ClusterIP';
        if (s.type !== 'ExternalName') {
          if (!s.clusterIP) s.clusterIP = `10.96.${Math.floor(Math.random() * 250) + 1}.${Math.floor(Math.random() * 250) + 1}`;
          s.clusterIPs ??= [s.clusterIP];
          s.ipFamilies ??= ['IPv4'];
          s.ipFamilyPolicy ??= 'SingleStack';
          s.internalTrafficPolicy ??= 'Cluster';
        }
        s.sessionAffinity ??= 'None';
        for (const p of s.ports ?? []) {
          p.protocol ??= 'TCP';
          p.targetPort ??= p.port;
        }
        o.status = { loadBalancer: {} };
        break;
      }
      case 'Pod': {
        const s = (o.spec ??= {});
        defaultPodSpec(s);
        s.serviceAccountName ??= s.serviceAccount ?? 'default';
        s.serviceAccount = s.serviceAccountName;
        s.enableServiceLinks ??= true;
        o.status = { phase: 'Pending', qosClass: 'BestEffort' };
        break;
      }
      case 'ReplicaSet': {
        const s = (o.spec ??= {});
        s.replicas ??= 1;
        if (s.template?.spec) defaultPodSpec(s.template.spec);
        o.status = { replicas: 0 };
        break;
      }
      case 'Job': {
        // The selector and labels the server generates (batch/v1 Job strategy PrepareForCreate, manualSelector unset).
        const s = (o.spec ??= {});
        s.parallelism ??= 1;
        s.completions ??= 1;
        s.backoffLimit ??= 6;
        s.completionMode ??= 'NonIndexed';
        s.suspend ??= false;
        s.podReplacementPolicy ??= 'TerminatingOrFailed';
        if (!s.manualSelector) {
          const own = { 'batch.kubernetes.io/controller-uid': m.uid, 'batch.kubernetes.io/job-name': m.name, 'controller-uid': m.uid, 'job-name': m.name };
          s.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': m.uid } };
          s.template ??= {};
          s.template.metadata = { ...(s.template.metadata ?? {}), labels: { ...own, ...(s.template.metadata?.labels ?? {}) } };
        }
        if (s.template?.spec) defaultPodSpec(s.template.spec);
        o.status = {};
        break;
      }
      case 'CustomResourceDefinition':
        o.status = {
          acceptedNames: clone(o.spec?.names ?? {}),
          conditions: [
            { type: 'NamesAccepted', status: 'True', lastTransitionTime: rfc3339(), reason: 'NoConflicts', message: 'no conflicts found' },
            { type: 'Established', status: 'True', lastTransitionTime: rfc3339(), reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
          ],
          storedVersions: ((o.spec?.versions ?? []) as Obj[]).filter((v) => v.storage).map((v) => v.name),
        };
        break;
      case 'Ingress':
        o.status = { loadBalancer: {} };
        break;

      case 'PersistentVolumeClaim': {
        const s = (o.spec ??= {});
        s.volumeMode ??= 'Filesystem';
        s.storageClassName ??= 'standard';
        s.volumeName ??= `pvc-${randomUUID()}`;
        o.status = { phase: 'Bound', accessModes: s.accessModes ?? ['ReadWriteOnce'], capacity: { storage: s.resources?.requests?.storage ?? '1Gi' } };
        break;
      }
      case 'StatefulSet': {
        const s = (o.spec ??= {});
        s.replicas ??= 1;
        s.podManagementPolicy ??= 'OrderedReady';
        s.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
        s.revisionHistoryLimit ??= 10;
        s.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
        if (s.template?.spec) defaultPodSpec(s.template.spec);
        o.status = { replicas: 0, availableReplicas: 0 };
        break;
      }
      case 'Deployment': {
        const s = (o.spec ??= {});
        s.replicas ??= 1;
        s.strategy = { type: 'RollingUpdate', ...(s.strategy ?? {}) };
        if (s.strategy.type === 'RollingUpdate') s.strategy.rollingUpdate = { maxUnavailable: '25%', maxSurge: '25%', ...(s.strategy.rollingUpdate ?? {}) };
        s.revisionHistoryLimit ??= 10;
        s.progressDeadlineSeconds ??= 600;
        if (s.template?.spec) defaultPodSpec(s.template.spec);
        o.status = {};
        break;
      }
      case 'PodDisruptionBudget':
        o.status = { currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0, expectedPods: 0, observedGeneration: 1 };
        break;
    }
  }

  /** Write-time conversions done for every create and update. */
  private normalize(d: ResourceDef, o: Obj): void {
    if (d.kind === 'Secret') {
      if (isPlainObject(o.stringData)) {
        o.data = { ...(o.data ?? {}) };
        for (const [k, v] of Object.entries(o.stringData)) o.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
      }
      delete o.stringData;
      for (const [k, v] of Object.entries(o.data ?? {})) {
        if (typeof v !== 'string' || v.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(v))
          throw badRequest(`Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0 (data.${k})`);
      }
    }
  }

  /** Fields the server keeps when an update omits them. */
  private carryOver(d: ResourceDef, existing: Obj, next: Obj): void {
    if (d.kind === 'Service' && existing.spec?.clusterIP && next.spec && !next.spec.clusterIP) {
      next.spec.clusterIP = existing.spec.clusterIP;
      next.spec.clusterIPs ??= existing.spec.clusterIPs;
    }
    if (d.kind === 'Pod' && next.spec) {
      next.spec.nodeName ??= existing.spec?.nodeName;
    }
  }

  // ---- controllers ----

  /**
   * Runs a controller step later. A conflict (an object of that name left by an owner being deleted,
   * a stale resourceVersion) is retried, as controllers requeue, never thrown out of a timer.
   */
  private schedule(ms: number, fn: () => void, attempt = 0): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.stopped) return;
      try {
        fn();
      } catch (error) {
        if (!(error instanceof KubeError && error.code === 409)) throw error;
        // Requeued with a backoff, as controllers do; after 20 tries the step is dropped (a later event
        // reconciles again).
        if (attempt < 20) this.schedule(10 * 2 ** Math.min(attempt, 6), fn, attempt + 1);
      }
    }, ms);
    this.timers.add(t);
  }

  private afterCommit(d: ResourceDef, obj: Obj, type: WatchEvent['type']): void {
    const ns = obj.metadata.namespace;
    const name = obj.metadata.name;
    switch (d.kind) {
      case 'Namespace':
        if (type === 'ADDED')
          this.schedule(0, () => {
            const sa = resourceDef('serviceaccounts');
            const cm = resourceDef('configmaps');
            if (!this.find(resourceDef('namespaces'), undefined, name)) return;
            if (!this.find(sa, name, 'default')) this.createObject(sa, name, { metadata: { name: 'default' } }, { manager: 'kube-controller-manager' });
            if (!this.find(cm, name, 'kube-root-ca.crt'))
              this.createObject(cm, name, { metadata: { name: 'kube-root-ca.crt' }, data: { 'ca.crt': FAKE_CA } }, { manager: 'kube-controller-manager' });
          });
        break;
      case 'StatefulSet':
        if (type !== 'DELETED') this.schedule(0, () => this.reconcileStatefulSet(ns, name));
        break;
      case 'Deployment':
        if (type !== 'DELETED') this.schedule(0, () => this.reconcileDeployment(ns, name));
        break;
      case 'ReplicaSet': {
        if (type !== 'DELETED') this.schedule(0, () => this.reconcileReplicaSet(ns, name));
        const owner = controllerOf(obj, 'Deployment');
        if (owner) this.schedule(0, () => this.reconcileDeployment(ns, owner.name));
        break;
      }
      case 'Job':
        if (type === 'ADDED') this.schedule(0, () => this.reconcileJob(ns, name));
        break;
      case 'Pod': {
        const uid = obj.metadata.uid;
        if (type === 'ADDED') this.schedule(this.options.podStartDelayMs, () => this.startPod(ns, name, uid));
        if (type === 'DELETED') this.factoryHandlers.delete(uid);
        const owner = (obj.metadata.ownerReferences ?? []).find((r: Obj) => r.kind === 'StatefulSet' && r.controller);
        if (owner && type !== 'ADDED') this.schedule(0, () => this.reconcileStatefulSet(ns, owner.name));
        const rs = controllerOf(obj, 'ReplicaSet');
        if (rs) this.schedule(0, () => this.reconcileReplicaSet(ns, rs.name));
        break;
      }
    }
  }

  private startPod(ns: string, name: string, uid: string): void {
    const d = resourceDef('pods');
    const pod = this.find(d, ns, name);
    if (!pod || pod.metadata.uid !== uid || pod.status?.phase !== 'Pending') return;
    const next = clone(pod);
    const now = rfc3339();
    next.spec.nodeName ??= 'node-1';
    const ip = `10.244.0.${this.ipCounter++ % 250}`;
    const containers: Obj[] = next.spec.containers ?? [];
    const readyNow = this.options.readyWithoutProbe && containers.every((c) => !this.needsProbe(ns, name, c));
    next.status = {
      phase: 'Running',
      conditions: [
        { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: now },
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: now },
        { type: 'Ready', status: readyNow ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: now, ...(readyNow ? {} : { reason: 'ContainersNotReady', message: `containers with unready status: [${containers.map((c) => c.name).join(' ')}]` }) },
        { type: 'ContainersReady', status: readyNow ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: now, ...(readyNow ? {} : { reason: 'ContainersNotReady', message: `containers with unready status: [${containers.map((c) => c.name).join(' ')}]` }) },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: pod.metadata.creationTimestamp },
      ],
      hostIP: '172.18.0.2',
      hostIPs: [{ ip: '172.18.0.2' }],
      podIP: ip,
      podIPs: [{ ip }],
      startTime: pod.metadata.creationTimestamp,
      containerStatuses: containers.map((c) => ({
        name: c.name,
        state: { running: { startedAt: now } },
        lastState: {},
        ready: readyNow,
        restartCount: 0,
        image: c.image,
        imageID: `${c.image}@sha256:${createHash('sha256').update(String(c.image)).digest('hex')}`,
        containerID: `containerd://${randomBytes(32).toString('hex')}`,
        started: true,
      })),
      qosClass: pod.status?.qosClass ?? 'BestEffort',
    };
    this.commit(d, next, 'MODIFIED');
    void this.probeAll();
  }

  /** Text of GET .../pods/{name}/log for a container. */
  podHandlerLogs(namespace: string, name: string, container: string): string {
    return this.podHandlers(namespace, name)?.logs?.(container) ?? '';
  }

  /** Whether a container's readiness comes from somewhere other than "running = ready". */
  private needsProbe(ns: string, name: string, c: Obj): boolean {
    return this.readyOverride.has(`${ns}/${name}`) || !!this.podHandlers(ns, name)?.readiness || !!c.readinessProbe;
  }

  /** The handlers in effect for a pod (registered with registerPod, or made by the podHandlers option). */
  podHandlers(ns: string, name: string): PodHandlers | undefined {
    const explicit = this.handlers.get(`${ns}/${name}`);
    if (explicit) return explicit;
    const pod = this.find(resourceDef('pods'), ns, name);
    if (!pod || !this.options.podHandlers) return undefined;
    const uid = pod.metadata.uid;
    if (!this.factoryHandlers.has(uid)) this.factoryHandlers.set(uid, this.options.podHandlers(clone(pod)));
    return this.factoryHandlers.get(uid);
  }

  private async containerReady(ns: string, name: string, pod: Obj, c: Obj): Promise<boolean> {
    const override = this.readyOverride.get(`${ns}/${name}`);
    if (override !== undefined) return override;
    const h = this.podHandlers(ns, name);
    if (h?.readiness) return !!(await h.readiness(c.name));
    const probe = c.readinessProbe;
    if (!probe) return this.options.readyWithoutProbe;
    try {
      if (probe.exec?.command && h?.exec) {
        const r = await h.exec({ namespace: ns, pod: name, container: c.name, command: probe.exec.command, stdin: null, tty: false });
        return !r.error && r.exitCode === 0;
      }
      if (probe.httpGet) {
        const port = resolvePort(pod, c, probe.httpGet.port);
        const target = port === undefined ? undefined : h?.proxy?.[port];
        if (!target) return false;
        const r = await callProxy(target, { method: 'GET', url: probe.httpGet.path ?? '/', headers: {}, body: Buffer.alloc(0) });
        return r.status >= 200 && r.status < 400;
      }
      if (probe.tcpSocket) {
        const port = resolvePort(pod, c, probe.tcpSocket.port);
        return port !== undefined && !!h?.proxy?.[port];
      }
    } catch {
      return false;
    }
    return false;
  }

  private async probeAll(): Promise<void> {
    if (this.probing || this.stopped) return;
    this.probing = true;
    try {
      const d = resourceDef('pods');
      for (const pod of this.listObjects(d, undefined, null, null)) {
        if (pod.status?.phase !== 'Running') continue;
        const ns = pod.metadata.namespace;
        const name = pod.metadata.name;
        const containers: Obj[] = pod.spec.containers ?? [];
        const ready: boolean[] = [];
        for (const c of containers) ready.push(await this.containerReady(ns, name, pod, c));
        const current = this.find(d, ns, name);
        if (!current || current.metadata.uid !== pod.metadata.uid || current.status?.phase !== 'Running') continue;
        const statuses: Obj[] = current.status.containerStatuses ?? [];
        if (statuses.every((s, i) => s.ready === ready[i])) continue;
        const next = clone(current);
        next.status.containerStatuses = statuses.map((s, i) => ({ ...s, ready: ready[i] }));
        const all = ready.every(Boolean);
        const unready = containers.filter((_, i) => !ready[i]).map((c) => c.name);
        const now = rfc3339();
        next.status.conditions = (next.status.conditions ?? []).map((cond: Obj) =>
          cond.type === 'Ready' || cond.type === 'ContainersReady'
            ? {
                type: cond.type,
                status: all ? 'True' : 'False',
                lastProbeTime: null,
                lastTransitionTime: now,
                ...(all ? {} : { reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` }),
              }
            : cond,
        );
        this.commit(d, next, 'MODIFIED');
      }
    } finally {
      this.probing = false;
    }
  }

  private reconcileStatefulSet(ns: string, name: string): void {
    const sd = resourceDef('statefulsets');
    const pd = resourceDef('pods');
    const sts = this.find(sd, ns, name);
    if (!sts) return;
    const replicas: number = sts.spec.replicas ?? 1;
    const parallel = sts.spec.podManagementPolicy === 'Parallel';
    const revision = `${name}-${createHash('sha256').update(JSON.stringify(sts.spec.template ?? {})).digest('hex').slice(0, 10)}`;
    for (let i = 0; i < replicas; i++) {
      const podName = `${name}-${i}`;
      const pod = this.find(pd, ns, podName);
      if (!pod) {
        this.createStatefulSetPod(sts, i, revision);
        if (!parallel) break;
      } else if (!parallel && !(pod.status?.phase === 'Running' && isPodReady(pod))) break;
    }
    for (const pod of this.listObjects(pd, ns, null, null)) {
      const owned = (pod.metadata.ownerReferences ?? []).some((r: Obj) => r.uid === sts.metadata.uid);
      const ord = Number(pod.metadata.name.slice(name.length + 1));
      if (owned && ord >= replicas) this.deleteObject(pd, ns, pod.metadata.name, {});
    }
    const pods = this.listObjects(pd, ns, null, null).filter((p) => (p.metadata.ownerReferences ?? []).some((r: Obj) => r.uid === sts.metadata.uid));
    const ready = pods.filter((p) => p.status?.phase === 'Running' && isPodReady(p)).length;
    const status: Obj = {
      observedGeneration: sts.metadata.generation,
      replicas: pods.length,
      ...(ready ? { readyReplicas: ready } : {}),
      ...(pods.length ? { currentReplicas: pods.length, updatedReplicas: pods.length } : {}),
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
      availableReplicas: ready,
    };
    const fresh = this.find(sd, ns, name);
    if (!fresh || deepEqual(fresh.status, status)) return;
    const next = clone(fresh);
    next.status = status;
    this.commit(sd, next, 'MODIFIED');
  }

  private createStatefulSetPod(sts: Obj, i: number, revision: string): void {
    const ns = sts.metadata.namespace;
    const podName = `${sts.metadata.name}-${i}`;
    const tpl = sts.spec.template ?? {};
    const claimTemplates: Obj[] = sts.spec.volumeClaimTemplates ?? [];
    const pvcDef = resourceDef('persistentvolumeclaims');
    for (const vct of claimTemplates) {
      const claimName = `${vct.metadata?.name}-${podName}`;
      if (this.find(pvcDef, ns, claimName)) continue;
      this.createObject(
        pvcDef,
        ns,
        {
          metadata: { name: claimName, labels: { ...(vct.metadata?.labels ?? {}), ...(sts.spec.selector?.matchLabels ?? {}) } },
          spec: clone(vct.spec ?? {}),
        },
        { manager: 'kube-controller-manager' },
      );
    }
    const spec = clone(tpl.spec ?? {});
    spec.hostname = podName;
    if (sts.spec.serviceName) spec.subdomain = sts.spec.serviceName;
    spec.volumes = [
      ...(spec.volumes ?? []),
      ...claimTemplates.map((v) => ({ name: v.metadata?.name, persistentVolumeClaim: { claimName: `${v.metadata?.name}-${podName}` } })),
    ];
    if (spec.volumes.length === 0) delete spec.volumes;
    this.createObject(
      resourceDef('pods'),
      ns,
      {
        metadata: {
          name: podName,
          generateName: `${sts.metadata.name}-`,
          labels: {
            ...(tpl.metadata?.labels ?? {}),
            'apps.kubernetes.io/pod-index': String(i),
            'controller-revision-hash': revision,
            'statefulset.kubernetes.io/pod-name': podName,
          },
          ...(tpl.metadata?.annotations ? { annotations: clone(tpl.metadata.annotations) } : {}),
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'StatefulSet', name: sts.metadata.name, uid: sts.metadata.uid, controller: true, blockOwnerDeletion: true },
          ],
        },
        spec,
      },
      { manager: 'kube-controller-manager' },
    );
  }

  /**
   * The Deployment controller (pkg/controller/deployment): one ReplicaSet per pod template, named
   * `<deployment>-<pod-template-hash>`, labelled with the hash and annotated with its revision; the
   * ReplicaSet of the current template is scaled to spec.replicas (a template seen before, as after
   * `rollout undo`, gets the next revision), the others to 0; the status counts their pods.
   */
  private reconcileDeployment(ns: string, name: string): void {
    const dd = resourceDef('deployments');
    const rd = resourceDef('replicasets');
    const dep = this.find(dd, ns, name);
    if (!dep || dep.metadata.deletionTimestamp) return;
    const owned = this.listObjects(rd, ns, null, null).filter((rs) => ownedBy(rs, dep.metadata.uid));
    const revisionOf = (rs: Obj) => Number(rs.metadata.annotations?.[REVISION] ?? 0);
    const maxRevision = Math.max(0, ...owned.map(revisionOf));
    const replicas: number = dep.spec.replicas ?? 1;
    const template = dep.spec.template ?? {};
    let current = owned.find((rs) => deepEqual(withoutHash(rs.spec?.template), withoutHash(template)));
    const surge = Math.ceil(percentOf(dep.spec.strategy?.rollingUpdate?.maxSurge ?? '25%', replicas));
    const annotations = (revision: number) => ({
      ...Object.fromEntries(Object.entries(dep.metadata.annotations ?? {}).filter(([k]) => !DEPLOYMENT_OWN_ANNOTATIONS.includes(k))),
      'deployment.kubernetes.io/desired-replicas': String(replicas),
      'deployment.kubernetes.io/max-replicas': String(replicas + surge),
      [REVISION]: String(revision),
    });
    if (!current) {
      const hash = podTemplateHash(template);
      const tpl = clone(template);
      tpl.metadata = { ...(tpl.metadata ?? {}), labels: { ...(tpl.metadata?.labels ?? {}), 'pod-template-hash': hash } };
      current = this.createObject(
        rd,
        ns,
        {
          metadata: {
            name: `${name}-${hash}`,
            labels: { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash },
            annotations: annotations(maxRevision + 1),
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: dep.metadata.uid, controller: true, blockOwnerDeletion: true }],
          },
          spec: { replicas, selector: { ...clone(dep.spec.selector ?? {}), matchLabels: { ...(dep.spec.selector?.matchLabels ?? {}), 'pod-template-hash': hash } }, template: tpl },
        },
        { manager: 'kube-controller-manager' },
      );
    } else {
      const revision = revisionOf(current) === maxRevision ? maxRevision : maxRevision + 1;
      const wanted = annotations(revision);
      if (current.spec.replicas !== replicas || !deepEqual(current.metadata.annotations ?? {}, wanted)) {
        const next = clone(current);
        next.spec.replicas = replicas;
        next.metadata.annotations = wanted;
        current = this.updateObject(rd, ns, current.metadata.name, next, { manager: 'kube-controller-manager' });
      }
    }
    for (const rs of owned) {
      if (rs.metadata.uid === current.metadata.uid || (rs.spec?.replicas ?? 0) === 0) continue;
      const next = clone(rs);
      next.spec.replicas = 0;
      this.updateObject(rd, ns, rs.metadata.name, next, { manager: 'kube-controller-manager' });
    }
    const all = this.listObjects(rd, ns, null, null).filter((rs) => ownedBy(rs, dep.metadata.uid));
    const sum = (f: (rs: Obj) => number) => all.reduce((n, rs) => n + f(rs), 0);
    const fresh = this.find(dd, ns, name)!;
    const next = clone(fresh);
    next.metadata.annotations = { ...(fresh.metadata.annotations ?? {}), [REVISION]: current.metadata.annotations[REVISION] };
    const status: Obj = {
      observedGeneration: fresh.metadata.generation,
      replicas: sum((rs) => rs.status?.replicas ?? 0),
      updatedReplicas: current.status?.replicas ?? 0,
      readyReplicas: sum((rs) => rs.status?.readyReplicas ?? 0),
      availableReplicas: sum((rs) => rs.status?.availableReplicas ?? 0),
    };
    const maxUnavailable = Math.floor(percentOf(fresh.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%', replicas));
    status.unavailableReplicas = Math.max(0, status.replicas - status.availableReplicas);
    const available = status.availableReplicas >= replicas - maxUnavailable;
    const complete = status.updatedReplicas === replicas && status.replicas === replicas && status.availableReplicas === replicas;
    const before = (type: string) => (fresh.status?.conditions ?? []).find((c: Obj) => c.type === type);
    const condition = (type: string, ok: boolean, reason: string, message: string): Obj => {
      const was = before(type);
      const now = rfc3339();
      const same = was && was.status === (ok ? 'True' : 'False') && was.reason === reason && was.message === message;
      if (same) return was;
      return { type, status: ok ? 'True' : 'False', lastUpdateTime: now, lastTransitionTime: was && was.status === (ok ? 'True' : 'False') ? was.lastTransitionTime : now, reason, message };
    };
    status.conditions = [
      condition('Available', available, available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', available ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.'),
      condition('Progressing', true, complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated', complete ? `ReplicaSet "${current.metadata.name}" has successfully progressed.` : `ReplicaSet "${current.metadata.name}" is progressing.`),
    ];
    for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas']) if (!status[k]) delete status[k];
    next.status = status;
    if (deepEqual(fresh.status, next.status) && deepEqual(fresh.metadata.annotations ?? {}, next.metadata.annotations)) return;
    this.commit(dd, next, 'MODIFIED');
  }

  /** The ReplicaSet controller: pods `<rs>-<5 letters>` from the template, as many as spec.replicas; status counts them. */
  private reconcileReplicaSet(ns: string, name: string): void {
    const rd = resourceDef('replicasets');
    const pd = resourceDef('pods');
    const rs = this.find(rd, ns, name);
    if (!rs || rs.metadata.deletionTimestamp) return;
    const replicas: number = rs.spec.replicas ?? 1;
    let pods = this.listObjects(pd, ns, null, null).filter((p) => ownedBy(p, rs.metadata.uid) && !p.metadata.deletionTimestamp);
    for (let i = pods.length; i < replicas; i++) {
      const tpl = rs.spec.template ?? {};
      this.createObject(
        pd,
        ns,
        {
          metadata: {
            generateName: `${name}-`,
            name: `${name}-${safeEncode(randomBytes(5)).slice(0, 5)}`,
            labels: clone(tpl.metadata?.labels ?? {}),
            ...(tpl.metadata?.annotations ? { annotations: clone(tpl.metadata.annotations) } : {}),
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name, uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }],
          },
          spec: clone(tpl.spec ?? {}),
        },
        { manager: 'kube-controller-manager' },
      );
    }
    // Scaling down removes the newest pods first.
    for (const pod of [...pods].sort((a, b) => b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp)).slice(0, Math.max(0, pods.length - replicas)))
      this.deleteObject(pd, ns, pod.metadata.name, {});
    pods = this.listObjects(pd, ns, null, null).filter((p) => ownedBy(p, rs.metadata.uid));
    const ready = pods.filter((p) => p.status?.phase === 'Running' && isPodReady(p)).length;
    const fresh = this.find(rd, ns, name)!;
    const status: Obj = { replicas: pods.length, fullyLabeledReplicas: pods.length, readyReplicas: ready, availableReplicas: ready, observedGeneration: fresh.metadata.generation };
    for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']) if (!status[k]) delete status[k];
    if (deepEqual(fresh.status, status)) return;
    const next = clone(fresh);
    next.status = status;
    this.commit(rd, next, 'MODIFIED');
  }

  /** The Job controller, in short: a Job runs for podStartDelayMs, then succeeds (Complete and SuccessCriteriaMet). */
  private reconcileJob(ns: string, name: string): void {
    const jd = resourceDef('jobs');
    const job = this.find(jd, ns, name);
    if (!job || job.metadata.deletionTimestamp) return;
    const next = clone(job);
    const now = rfc3339();
    if (job.spec.suspend) return;
    if (!job.status?.startTime) {
      next.status = { ...(job.status ?? {}), startTime: now, active: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {} };
      this.commit(jd, next, 'MODIFIED');
      this.schedule(this.options.podStartDelayMs, () => this.reconcileJob(ns, name));
      return;
    }
    if (job.status.completionTime) return;
    next.status = {
      startTime: job.status.startTime,
      completionTime: now,
      succeeded: job.spec.completions ?? 1,
      ready: 0,
      terminating: 0,
      uncountedTerminatedPods: {},
      conditions: [
        { type: 'SuccessCriteriaMet', status: 'True', lastProbeTime: now, lastTransitionTime: now, reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
        { type: 'Complete', status: 'True', lastProbeTime: now, lastTransitionTime: now, reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
      ],
    };
    this.commit(jd, next, 'MODIFIED');
  }

  // ---- scale subresource (autoscaling/v1 Scale) ----

  /** The Scale of a workload: spec.replicas, status.replicas and the selector as a string. */
  scaleOf(d: ResourceDef, ns: string | undefined, name: string): Obj {
    const o = this.require(d, ns, name);
    const m = o.metadata;
    const replicas = o.spec?.replicas ?? 1;
    const selector = d.kind === 'ReplicationController' ? labelsString(o.spec?.selector ?? {}) : selectorString(o.spec?.selector);
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
      spec: replicas ? { replicas } : {},
      status: { replicas: o.status?.replicas ?? 0, ...(selector ? { selector } : {}) },
    };
  }

  /** PUT or PATCH of /scale: the new Scale's spec.replicas is written to the workload (a stale resourceVersion is a 409). */
  writeScale(d: ResourceDef, ns: string | undefined, name: string, scale: unknown, opts: WriteOptions): Obj {
    if (!isPlainObject(scale)) throw badRequest('the body of the request was in an unknown format');
    const existing = this.require(d, ns, name);
    const rv = scale.metadata?.resourceVersion;
    if (rv && rv !== existing.metadata.resourceVersion) throw conflict(d, name);
    const replicas = scale.spec?.replicas ?? 0;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)
      throw new KubeError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, {
        name,
        group: 'autoscaling',
        kind: 'Scale',
        causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, field: 'spec.replicas' }],
      });
    const next = clone(existing);
    next.spec = { ...(next.spec ?? {}), replicas };
    const written = this.updateObject(d, ns, name, next, opts);
    return opts.dryRun ? { ...this.scaleOf(d, ns, name), spec: replicas ? { replicas } : {} } : this.scaleOf(d, ns, written.metadata.name);
  }

  // ---- watch ----

  addWatcher(w: Watcher, sinceRv: string | null): void {
    w.res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'cache-control': 'no-cache, private' });
    w.res.flushHeaders();
    if (!sinceRv || sinceRv === '0') {
      for (const o of this.listObjects(w.def, w.namespace, w.labelSelector, w.fieldSelector))
        this.writeEvent(w, 'ADDED', o);
    } else {
      const since = Number(sinceRv);
      for (const ev of this.history) if (ev.rv > since) this.sendEvent(w, ev);
    }
    this.watchers.add(w);
    w.res.on('close', () => this.watchers.delete(w));
  }

  private sendEvent(w: Watcher, ev: WatchEvent): void {
    if (ev.def !== w.def) return;
    if (w.namespace !== undefined && ev.object.metadata.namespace !== w.namespace) return;
    if (!this.selects(ev.object, w.labelSelector, w.fieldSelector)) return;
    this.writeEvent(w, ev.type, ev.object);
  }

  private writeEvent(w: Watcher, type: string, o: Obj): void {
    const object = w.table ? toTable(w.def, [o], 'Metadata', this.currentResourceVersion()) : withTypeMeta(w.def, o);
    w.res.write(JSON.stringify({ type, object }) + '\n');
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.probeTimer) clearInterval(this.probeTimer);
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }
}

/** PodSpec defaults (pkg/apis/core/v1/defaults.go), for pods and for the templates of workloads. */
/** A merge, strategic merge or JSON patch (by its Content-Type) applied to `existing`; 415 for another type, 422 when it does not apply. */
function applyPatch(contentType: string, raw: Buffer, existing: Obj): Obj {
  const ct = contentType.split(';')[0].trim().toLowerCase();
  const parseJson = (): unknown => {
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch (e) {
      throw badRequest(`error decoding patch: ${(e as Error).message}`);
    }
  };
  try {
    switch (ct) {
      case 'application/merge-patch+json': {
        const p = parseJson();
        if (!isPlainObject(p)) throw badRequest('merge patch must be a JSON object');
        return mergePatch(existing, p);
      }
      case 'application/strategic-merge-patch+json': {
        const p = parseJson();
        if (!isPlainObject(p)) throw badRequest('strategic merge patch must be a JSON object');
        return strategicMerge(existing, p);
      }
      case 'application/json-patch+json': {
        const p = parseJson();
        if (!Array.isArray(p)) throw badRequest('json patch must be a JSON array of operations');
        return jsonPatch(existing, p);
      }
      default:
        throw new KubeError(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
        );
    }
  } catch (e) {
    if (e instanceof PatchError) throw new KubeError(422, 'Invalid', e.message);
    throw e;
  }
}

function defaultPodSpec(s: Obj): void {
  s.restartPolicy ??= 'Always';
  s.dnsPolicy ??= 'ClusterFirst';
  s.terminationGracePeriodSeconds ??= 30;
  s.schedulerName ??= 'default-scheduler';
  s.securityContext ??= {};
  for (const c of s.containers ?? []) defaultContainer(c);
  for (const c of s.initContainers ?? []) defaultContainer(c);
}

function defaultContainer(c: Obj): void {
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  const image = String(c.image ?? '');
  c.imagePullPolicy ??= /:[^/]+$/.test(image) && !image.endsWith(':latest') ? 'IfNotPresent' : 'Always';
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
}

const REVISION = 'deployment.kubernetes.io/revision';
/** Deployment annotations the controller does not copy to its ReplicaSets (deploymentutil annotationsToSkip). */
const DEPLOYMENT_OWN_ANNOTATIONS = [
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
];

function ownedBy(o: Obj, uid: string): boolean {
  return (o.metadata.ownerReferences ?? []).some((r: Obj) => r.uid === uid && r.controller);
}

function controllerOf(o: Obj, kind: string): Obj | undefined {
  return (o.metadata.ownerReferences ?? []).find((r: Obj) => r.kind === kind && r.controller);
}

/** A pod template without the pod-template-hash label the controller adds (deploymentutil.EqualIgnoreHash). */
function withoutHash(t: Obj | undefined): Obj {
  const c = clone(t ?? {});
  if (c.metadata?.labels) {
    delete c.metadata.labels['pod-template-hash'];
    if (!Object.keys(c.metadata.labels).length) delete c.metadata.labels;
  }
  if (c.metadata && !Object.keys(c.metadata).length) delete c.metadata;
  return c;
}

/** rand.SafeEncodeString's alphabet: no vowels, no look-alikes. */
function safeEncode(bytes: Buffer): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

/** pod-template-hash: a stable hash of the template, in the controller's alphabet (up to 10 characters). */
function podTemplateHash(t: Obj): string {
  return safeEncode(createHash('sha256').update(JSON.stringify(withoutHash(t))).digest()).slice(0, 10);
}

/** maxSurge/maxUnavailable: an integer, or a percentage of replicas. */
function percentOf(v: unknown, replicas: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(String(v));
  return m ? (Number(m[1]) * replicas) / 100 : Number(v) || 0;
}

/** A map of labels as a selector string, keys sorted (labels.Set.String). */
function labelsString(labels: Record<string, string>): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
}

/** metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key. */
function selectorString(sel: Obj | undefined): string {
  if (!sel) return '';
  const parts: Array<[string, string]> = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => [k, `${k}=${v}`]);
  for (const e of (sel.matchExpressions ?? []) as Obj[]) {
    const values = [...(e.values ?? [])].sort().join(',');
    const text = e.operator === 'In' ? `${e.key} in (${values})` : e.operator === 'NotIn' ? `${e.key} notin (${values})` : e.operator === 'Exists' ? e.key : `!${e.key}`;
    parts.push([e.key, text]);
  }
  return parts.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, t]) => t).join(',');
}

function isPodReady(p: Obj): boolean {
  return (p.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');
}

function resolvePort(pod: Obj, c: Obj, port: unknown): number | undefined {
  if (typeof port === 'number') return port;
  if (typeof port === 'string' && /^\d+$/.test(port)) return Number(port);
  for (const cc of [c, ...(pod.spec?.containers ?? [])]) {
    const p = (cc.ports ?? []).find((x: Obj) => x.name === port);
    if (p) return p.containerPort;
  }
  return undefined;
}

function managedEntry(d: ResourceDef, manager: string, operation: string, subresource?: string): Obj {
  return {
    manager,
    operation,
    apiVersion: apiVersionOf(d),
    time: rfc3339(),
    fieldsType: 'FieldsV1',
    fieldsV1: {},
    ...(subresource ? { subresource } : {}),
  };
}

function upsertManaged(list: Obj[] | undefined, entry: Obj): Obj[] {
  const rest = (list ?? []).filter((e) => !(e.manager === entry.manager && e.operation === entry.operation && e.subresource === entry.subresource));
  return [...rest, entry];
}

function strip(o: Obj): Obj {
  const c = clone(o);
  delete c.metadata.resourceVersion;
  delete c.metadata.managedFields;
  return c;
}

function specPart(o: Obj): Obj {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
}

const STS_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

function immutableViolations(d: ResourceDef, before: Obj, after: Obj): Cause[] {
  if (d.kind === 'StatefulSet') {
    const pick = (s: Obj | undefined) => Object.fromEntries(Object.entries(s ?? {}).filter(([k]) => !STS_MUTABLE.includes(k)));
    if (!deepEqual(pick(before.spec), pick(after.spec)))
      return [
        forbidden(
          'spec',
          "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        ),
      ];
  }
  if (d.kind === 'Deployment' && !deepEqual(before.spec?.selector, after.spec?.selector))
    return [badValue('spec.selector', after.spec?.selector ?? null, 'field is immutable')];
  if (d.kind === 'Service' && before.spec?.clusterIP && after.spec?.clusterIP !== before.spec.clusterIP)
    return [badValue('spec.clusterIP', after.spec?.clusterIP ?? '', 'field is immutable')];
  if (d.kind === 'Pod') {
    const noImages = (s: Obj | undefined) => {
      const c = clone(s ?? {});
      for (const x of c.containers ?? []) delete x.image;
      for (const x of c.initContainers ?? []) delete x.image;
      delete c.activeDeadlineSeconds;
      delete c.tolerations;
      return c;
    };
    if (!deepEqual(noImages(before.spec), noImages(after.spec)))
      return [forbidden('spec', 'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)')];
  }
  if (d.kind === 'PersistentVolumeClaim') {
    const noReq = (s: Obj | undefined) => {
      const c = clone(s ?? {});
      delete c.resources;
      return c;
    };
    if (!deepEqual(noReq(before.spec), noReq(after.spec))) return [forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims')];
  }
  return [];
}

function withTypeMeta(d: ResourceDef, o: Obj): Obj {
  const { apiVersion: _a, kind: _k, ...rest } = o;
  return { apiVersion: apiVersionOf(d), kind: d.kind, ...rest };
}

function withoutTypeMeta(o: Obj): Obj {
  const { apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

// ---------------------------------------------------------------------------------------------------------------
// Table output (kubectl get asks for `application/json;as=Table;v=v1;g=meta.k8s.io`)
// ---------------------------------------------------------------------------------------------------------------

function age(ts: string | undefined, now = Date.now()): string {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

interface Column {
  name: string;
  type: string;
  format?: string;
  /** 1: shown by `-o wide` only. */
  priority?: number;
  cell: (o: Obj) => string | number;
}

const wide = (name: string, cell: Column['cell']): Column => ({ name, type: 'string', priority: 1, cell });
const none = (v: string) => v || '<none>';
const containerNames = (spec: Obj | undefined) => (spec?.containers ?? []).map((c: Obj) => c.name).join(',');
const containerImages = (spec: Obj | undefined) => (spec?.containers ?? []).map((c: Obj) => c.image).join(',');
const createdAt = (o: Obj) => String(o.metadata.creationTimestamp ?? '');

function columnsFor(d: ResourceDef): Column[] {
  const name: Column = { name: 'Name', type: 'string', format: 'name', cell: (o) => o.metadata.name };
  const ageCol: Column = { name: 'Age', type: 'string', cell: (o) => age(o.metadata.creationTimestamp) };
  switch (d.kind) {
    case 'Namespace':
      return [name, { name: 'Status', type: 'string', cell: (o) => o.status?.phase ?? '' }, ageCol];
    case 'Pod':
      return [
        name,
        { name: 'Ready', type: 'string', cell: (o) => `${(o.status?.containerStatuses ?? []).filter((c: Obj) => c.ready).length}/${(o.spec?.containers ?? []).length}` },
        { name: 'Status', type: 'string', cell: (o) => (o.metadata.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? '')) },
        { name: 'Restarts', type: 'string', cell: (o) => String((o.status?.containerStatuses ?? []).reduce((n: number, c: Obj) => n + (c.restartCount ?? 0), 0)) },
        ageCol,
        wide('IP', (o) => none(o.status?.podIP ?? '')),
        wide('Node', (o) => none(o.spec?.nodeName ?? '')),
        wide('Nominated Node', (o) => none(o.status?.nominatedNodeName ?? '')),
        wide('Readiness Gates', (o) => ((o.spec?.readinessGates ?? []).length ? `0/${o.spec.readinessGates.length}` : '<none>')),
      ];
    case 'StatefulSet':
      return [
        name,
        { name: 'Ready', type: 'string', cell: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}` },
        ageCol,
        wide('Containers', (o) => containerNames(o.spec?.template?.spec)),
        wide('Images', (o) => containerImages(o.spec?.template?.spec)),
      ];
    case 'Deployment':
      return [
        name,
        { name: 'Ready', type: 'string', cell: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}` },
        { name: 'Up-to-date', type: 'integer', cell: (o) => o.status?.updatedReplicas ?? 0 },
        { name: 'Available', type: 'integer', cell: (o) => o.status?.availableReplicas ?? 0 },
        ageCol,
        wide('Containers', (o) => containerNames(o.spec?.template?.spec)),
        wide('Images', (o) => containerImages(o.spec?.template?.spec)),
        wide('Selector', (o) => none(selectorString(o.spec?.selector))),
      ];
    case 'Node':
      return [
        name,
        { name: 'Status', type: 'string', cell: (o) => ((o.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True') ? 'Ready' : 'NotReady') + (o.spec?.unschedulable ? ',SchedulingDisabled' : '') },
        { name: 'Roles', type: 'string', cell: (o) => none(Object.keys(o.metadata.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice('node-role.kubernetes.io/'.length)).sort().join(',')) },
        ageCol,
        { name: 'Version', type: 'string', cell: (o) => o.status?.nodeInfo?.kubeletVersion ?? '' },
        wide('Internal-IP', (o) => none((o.status?.addresses ?? []).find((a: Obj) => a.type === 'InternalIP')?.address ?? '')),
        wide('External-IP', (o) => none((o.status?.addresses ?? []).find((a: Obj) => a.type === 'ExternalIP')?.address ?? '')),
        wide('OS-Image', (o) => o.status?.nodeInfo?.osImage ?? '<unknown>'),
        wide('Kernel-Version', (o) => o.status?.nodeInfo?.kernelVersion ?? '<unknown>'),
        wide('Container-Runtime', (o) => o.status?.nodeInfo?.containerRuntimeVersion ?? '<unknown>'),
      ];
    case 'Ingress':
      return [
        name,
        { name: 'Class', type: 'string', cell: (o) => o.spec?.ingressClassName ?? '<none>' },
        { name: 'Hosts', type: 'string', cell: (o) => (o.spec?.rules ?? []).map((r: Obj) => r.host || '*').join(',') || '*' },
        { name: 'Address', type: 'string', cell: (o) => (o.status?.loadBalancer?.ingress ?? []).map((i: Obj) => i.ip || i.hostname).join(',') },
        { name: 'Ports', type: 'string', cell: (o) => ((o.spec?.tls ?? []).length ? '80, 443' : '80') },
        ageCol,
      ];
    case 'CustomResourceDefinition':
    case 'Role':
    case 'ClusterRole':
      return [name, { name: 'Created At', type: 'date', cell: createdAt }];
    case 'RoleBinding':
    case 'ClusterRoleBinding': {
      const subjects = (o: Obj, kind: string) => (o.subjects ?? []).filter((x: Obj) => x.kind === kind).map((x: Obj) => (kind === 'ServiceAccount' ? `${x.namespace ?? ''}/${x.name}` : x.name)).join(', ');
      return [
        name,
        { name: 'Role', type: 'string', cell: (o) => `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}` },
        ageCol,
        wide('Users', (o) => subjects(o, 'User')),
        wide('Groups', (o) => subjects(o, 'Group')),
        wide('ServiceAccounts', (o) => subjects(o, 'ServiceAccount')),
      ];
    }
    case 'Service':
      return [
        name,
        { name: 'Type', type: 'string', cell: (o) => o.spec?.type ?? '' },
        { name: 'Cluster-IP', type: 'string', cell: (o) => o.spec?.clusterIP ?? '' },
        { name: 'External-IP', type: 'string', cell: (o) => (o.spec?.type === 'LoadBalancer' ? none((o.status?.loadBalancer?.ingress ?? []).map((i: Obj) => i.ip || i.hostname).join(',')).replace('<none>', '<pending>') : '<none>') },
        { name: 'Port(s)', type: 'string', cell: (o) => (o.spec?.ports ?? []).map((p: Obj) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',') || '<none>' },
        ageCol,
        wide('Selector', (o) => none(labelsString(o.spec?.selector ?? {}))),
      ];
    case 'ServiceAccount':
      return [name, { name: 'Secrets', type: 'integer', cell: (o) => (o.secrets ?? []).length }, ageCol];
    case 'ConfigMap':
      return [name, { name: 'Data', type: 'integer', cell: (o) => Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length }, ageCol];
    case 'Secret':
      return [name, { name: 'Type', type: 'string', cell: (o) => o.type ?? '' }, { name: 'Data', type: 'integer', cell: (o) => Object.keys(o.data ?? {}).length }, ageCol];
    case 'ReplicaSet':
    case 'ReplicationController':
      return [
        name,
        { name: 'Desired', type: 'integer', cell: (o) => o.spec?.replicas ?? 1 },
        { name: 'Current', type: 'integer', cell: (o) => o.status?.replicas ?? 0 },
        { name: 'Ready', type: 'integer', cell: (o) => o.status?.readyReplicas ?? 0 },
        ageCol,
        wide('Containers', (o) => containerNames(o.spec?.template?.spec)),
        wide('Images', (o) => containerImages(o.spec?.template?.spec)),
        wide('Selector', (o) => none(d.kind === 'ReplicaSet' ? selectorString(o.spec?.selector) : labelsString(o.spec?.selector ?? {}))),
      ];
    case 'DaemonSet':
      return [
        name,
        { name: 'Desired', type: 'integer', cell: (o) => o.status?.desiredNumberScheduled ?? 0 },
        { name: 'Current', type: 'integer', cell: (o) => o.status?.currentNumberScheduled ?? 0 },
        { name: 'Ready', type: 'integer', cell: (o) => o.status?.numberReady ?? 0 },
        { name: 'Up-to-date', type: 'integer', cell: (o) => o.status?.updatedNumberScheduled ?? 0 },
        { name: 'Available', type: 'integer', cell: (o) => o.status?.numberAvailable ?? 0 },
        { name: 'Node Selector', type: 'string', cell: (o) => Object.entries(o.spec?.template?.spec?.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>' },
        ageCol,
      ];
    case 'Job':
      return [
        name,
        { name: 'Status', type: 'string', cell: (o) => ((o.status?.conditions ?? []).some((c: Obj) => c.type === 'Complete' && c.status === 'True') ? 'Complete' : 'Running') },
        { name: 'Completions', type: 'string', cell: (o) => `${o.status?.succeeded ?? 0}/${o.spec?.completions ?? 1}` },
        { name: 'Duration', type: 'string', cell: (o) => (o.status?.completionTime ? age(o.status.startTime, Date.parse(o.status.completionTime)) : age(o.status?.startTime)) },
        ageCol,
      ];
    case 'CronJob':
      return [
        name,
        { name: 'Schedule', type: 'string', cell: (o) => o.spec?.schedule ?? '' },
        { name: 'Timezone', type: 'string', cell: (o) => o.spec?.timeZone ?? '<none>' },
        { name: 'Suspend', type: 'boolean', cell: (o) => String(!!o.spec?.suspend) },
        { name: 'Active', type: 'integer', cell: (o) => (o.status?.active ?? []).length },
        { name: 'Last Schedule', type: 'string', cell: (o) => (o.status?.lastScheduleTime ? age(o.status.lastScheduleTime) : '<none>') },
        ageCol,
      ];
    case 'HorizontalPodAutoscaler':
      return [
        name,
        { name: 'Reference', type: 'string', cell: (o) => `${o.spec?.scaleTargetRef?.kind ?? ''}/${o.spec?.scaleTargetRef?.name ?? ''}` },
        { name: 'Targets', type: 'string', cell: () => '<unknown>' },
        { name: 'MinPods', type: 'integer', cell: (o) => o.spec?.minReplicas ?? 1 },
        { name: 'MaxPods', type: 'integer', cell: (o) => o.spec?.maxReplicas ?? 0 },
        { name: 'Replicas', type: 'integer', cell: (o) => o.status?.currentReplicas ?? 0 },
        ageCol,
      ];
    case 'PersistentVolumeClaim':
      return [
        name,
        { name: 'Status', type: 'string', cell: (o) => o.status?.phase ?? '' },
        { name: 'Volume', type: 'string', cell: (o) => o.spec?.volumeName ?? '' },
        { name: 'Capacity', type: 'string', cell: (o) => o.status?.capacity?.storage ?? '' },
        ageCol,
      ];
    default:
      return [name, ageCol];
  }
}

function toTable(d: ResourceDef, items: Obj[], includeObject: string, rv: string): Obj {
  const cols = columnsFor(d);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: rv },
    columnDefinitions: cols.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.name, priority: c.priority ?? 0 })),
    rows: items.map((o) => ({
      cells: cols.map((c) => c.cell(o)),
      ...(includeObject === 'None'
        ? {}
        : {
            object:
              includeObject === 'Object'
                ? withTypeMeta(d, o)
                : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: clone(o.metadata) },
          }),
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Proxy
// ---------------------------------------------------------------------------------------------------------------

async function callProxy(target: SimpleHandler | string, req: SimpleRequest): Promise<SimpleResponse> {
  if (typeof target === 'function') return await target(req);
  const u = new URL(req.url, target);
  return await new Promise<SimpleResponse>((resolve, reject) => {
    const r = http.request(u, { method: req.method, headers: { ...req.headers, host: u.host } }, (res) => {
      readBody(res).then(
        (body) => resolve({ status: res.statusCode ?? 502, headers: Object.fromEntries(Object.entries(flatHeaders(res.headers)).filter(([k]) => k !== 'transfer-encoding' && k !== 'connection' && k !== 'content-length')), body }),
        reject,
      );
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// WebSocket (ws package, loaded lazily; @kubernetes/client-node depends on it)
// ---------------------------------------------------------------------------------------------------------------

interface WsSocket {
  protocol: string;
  readyState: number;
  send(data: Buffer, cb?: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(ev: 'message', cb: (data: Buffer, isBinary: boolean) => void): void;
  on(ev: 'close', cb: () => void): void;
  on(ev: 'error', cb: (e: Error) => void): void;
}
interface WsServer {
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, cb: (ws: WsSocket) => void): void;
  close(): void;
  clients: Set<WsSocket>;
}
type WsServerCtor = new (opts: { noServer: true; handleProtocols: (protocols: Set<string>) => string | false }) => WsServer;

const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

function loadWs(): WsServerCtor {
  const require = createRequire(import.meta.url);
  return (require('ws') as { WebSocketServer: WsServerCtor }).WebSocketServer;
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP server
// ---------------------------------------------------------------------------------------------------------------

interface Route {
  kind: 'resource';
  def: ResourceDef;
  namespace?: string;
  name?: string;
  sub?: string;
  subPath: string[];
}

/**
 * The order kube-apiserver lists API groups in (kube-aggregator's apiVersionPriorities: apps 17800,
 * autoscaling 17500, batch 17400, networking 17200, policy 17100, rbac 17000, admissionregistration and
 * apiextensions 16700, then by name). Clients that
 * walk discovery in order, as kubectl's category expansion (`get all`) does, see the same order here.
 */
const GROUP_ORDER = ['apps', 'autoscaling', 'batch', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io'];

function apiGroups(): string[] {
  const groups = [...new Set(RESOURCES.filter((r) => r.group).map((r) => r.group))];
  const rank = (g: string) => (GROUP_ORDER.includes(g) ? GROUP_ORDER.indexOf(g) : GROUP_ORDER.length);
  return groups.sort((a, b) => rank(a) - rank(b));
}

function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of RESOURCES) seen.set(`${r.group}/${r.version}`, { group: r.group, version: r.version });
  return [...seen.values()];
}

function resourceList(group: string, version: string): Obj {
  const resources: Obj[] = [];
  // kube-apiserver installs a group version's routes sorted by path, so its APIResourceList is in name order.
  const defs = RESOURCES.filter((x) => x.group === group && x.version === version).sort((a, b) => (a.plural < b.plural ? -1 : a.plural > b.plural ? 1 : 0));
  for (const r of defs) {
    resources.push({
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: VERBS,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      ...(r.categories ? { categories: r.categories } : {}),
      storageVersionHash: createHash('sha256').update(r.plural).digest('base64').slice(0, 11),
    });
    if (r.status) resources.push({ name: `${r.plural}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] });
    // kubectl scale finds the Scale kind of a resource here (scale.NewDiscoveryScaleKindResolver).
    if (r.scale) resources.push({ name: `${r.plural}/scale`, singularName: '', namespaced: r.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
    if (r.kind === 'Pod') {
      resources.push({ name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] });
      resources.push({ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
      resources.push({ name: 'pods/proxy', singularName: '', namespaced: true, kind: 'PodProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] });
    }
  }
  resources.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

function parseRoute(segs: string[]): Route | Obj | KubeError {
  // returns an Obj for discovery documents
  let group = '';
  let version: string;
  let rest: string[];
  if (segs[0] === 'api') {
    if (segs.length === 1) return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:443' }] };
    version = segs[1];
    rest = segs.slice(2);
  } else {
    if (segs.length === 1) {
      const groups = apiGroups().map((g) => {
        const v = RESOURCES.find((r) => r.group === g)!.version;
        return { name: g, versions: [{ groupVersion: `${g}/${v}`, version: v }], preferredVersion: { groupVersion: `${g}/${v}`, version: v } };
      });
      return { kind: 'APIGroupList', apiVersion: 'v1', groups };
    }
    group = segs[1];
    if (segs.length === 2) {
      const r = RESOURCES.find((x) => x.group === group);
      if (!r) return routeNotFound();
      const gv = { groupVersion: `${group}/${r.version}`, version: r.version };
      return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: [gv], preferredVersion: gv };
    }
    version = segs[2];
    rest = segs.slice(3);
  }
  if (!groupVersions().some((gv) => gv.group === group && gv.version === version)) return routeNotFound();
  if (rest.length === 0) return resourceList(group, version);
  const inGv = RESOURCES.filter((r) => r.group === group && r.version === version);
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && inGv.some((r) => r.namespaced && r.plural === rest[2])) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const def = inGv.find((r) => r.plural === rest[0]);
  if (!def) return routeNotFound();
  if (!def.namespaced && namespace !== undefined) return routeNotFound();
  if (def.namespaced && namespace === undefined && rest.length > 1) return routeNotFound();
  return { kind: 'resource', def, namespace, name: rest[1], sub: rest[2], subPath: rest.slice(3) };
}

const truthy = (v: string | null) => v === 'true' || v === '1';

export interface KubernetesServer extends ServerHandle<KubeState> {}

export async function startKubernetes(options: KubernetesOptions = {}): Promise<KubernetesServer> {
  const podStartDelayMs = options.podStartDelayMs ?? 200;
  const state = new KubeState({
    token: options.token ?? null,
    podStartDelayMs,
    probeIntervalMs: options.probeIntervalMs ?? 100,
    deploymentReadyDelayMs: options.deploymentReadyDelayMs ?? podStartDelayMs,
    podHandlers: options.podHandlers,
    gitVersion: options.gitVersion ?? 'v1.32.0',
    readyWithoutProbe: options.readyWithoutProbe ?? true,
  });
  let wss: WsServer | undefined;

  const authorized = (req: http.IncomingMessage): boolean => {
    const token = state.options.token;
    if (token === null || token === undefined) return true;
    if (options.eksTokens && isEksToken(req.headers.authorization)) return true;
    return req.headers.authorization === `Bearer ${token}`;
  };

  const send = (res: http.ServerResponse, code: number, body: unknown, contentType = 'application/json') => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(code, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-cache, private' });
    res.end(text);
  };

  const server = http.createServer((req, res) => {
    const record: RequestRecord = {
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0],
      query: (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?')) : '',
      contentType: req.headers['content-type'],
      userAgent: req.headers['user-agent'],
      authorization: req.headers.authorization,
    };
    state.requests.push(record);
    res.on('finish', () => (record.status = res.statusCode));
    handle(req, res).catch((e: unknown) => {
      const err = e instanceof KubeError ? e : new KubeError(500, 'InternalError', `Internal error occurred: ${(e as Error)?.message ?? String(e)}`);
      if (!res.headersSent) send(res, err.code, err.status);
      else res.end();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    if (['/healthz', '/livez', '/readyz'].includes(u.pathname)) return send(res, 200, 'ok', 'text/plain; charset=utf-8');
    if (!authorized(req)) {
      await readBody(req);
      return send(res, 401, new KubeError(401, 'Unauthorized', 'Unauthorized').status);
    }
    if (u.pathname === '/version')
      return send(res, 200, {
        major: '1',
        minor: state.options.gitVersion.replace(/^v1\.(\d+).*$/, '$1'),
        gitVersion: state.options.gitVersion,
        gitCommit: '0000000000000000000000000000000000000000',
        gitTreeState: 'clean',
        buildDate: '2024-12-11T00:00:00Z',
        goVersion: 'go1.23.4',
        compiler: 'gc',
        platform: 'linux/amd64',
      });
    if (u.pathname === '/openapi/v2') {
      // An empty openapi_v2.Document in protobuf is zero bytes: kubectl then knows no schemas and skips
      // client-side validation (it falls back to its compiled-in types for strategic merge patches).
      res.writeHead(200, { 'content-type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf', 'content-length': 0 });
      return void res.end();
    }
    // Answers are JSON: a client that accepts nothing else (protobuf only) is told so with 406, as a real
    // server tells it for custom resources; kubectl and client-node accept JSON too and get it.
    const accept = (req.headers.accept ?? '').toLowerCase();
    if (accept && !/(^|,)\s*(application\/json|application\/\*|\*\/\*)/.test(accept) && !accept.includes('yaml')) {
      await readBody(req);
      return send(res, 406, new KubeError(406, 'NotAcceptable', 'only the following media types are accepted: application/json, application/yaml').status);
    }
    // kubectl's typed commands (create namespace, serviceaccount, configmap, secret, deployment, job, role…)
    // send protobuf bodies: the built-in kinds are decoded, others refused (415) as for a custom resource.
    let preread: Buffer | undefined;
    const ct = (req.headers['content-type'] ?? '').toLowerCase();
    if (ct.startsWith('application/vnd.kubernetes.protobuf') || ct.startsWith('application/cbor')) {
      const decoded = ct.startsWith('application/cbor') ? undefined : decodeKubernetesProtobuf(await readBody(req));
      if (!decoded)
        throw new KubeError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
      preread = Buffer.from(JSON.stringify(decoded));
    }
    const readRequest = (): Promise<Buffer> => (preread ? Promise.resolve(preread) : readBody(req));
    const segs = u.pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
    if (segs[0] !== 'api' && segs[0] !== 'apis') throw routeNotFound();
    const route = parseRoute(segs);
    if (route instanceof KubeError) throw route;
    if (route.kind !== 'resource') {
      if (method !== 'GET') throw new KubeError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      if (route.kind === 'APIVersions') (route as Obj).serverAddressByClientCIDRs[0].serverAddress = `127.0.0.1:${port}`;
      return send(res, 200, route);
    }
    const { def, namespace, name, sub } = route as Route;
    const q = u.searchParams;
    const dryRun = q.getAll('dryRun').includes('All');
    const wantsTable = (req.headers.accept ?? '').includes('as=Table');
    const includeObject = q.get('includeObject') ?? 'Metadata';
    const fieldManager = q.get('fieldManager') ?? undefined;
    const manager = fieldManager ?? (req.headers['user-agent'] ?? 'unknown').split('/')[0];

    if (name === undefined) {
      if (method === 'GET') {
        if (truthy(q.get('watch'))) {
          const w: Watcher = { def, namespace, labelSelector: q.get('labelSelector'), fieldSelector: q.get('fieldSelector'), table: wantsTable, res };
          state.addWatcher(w, q.get('resourceVersion'));
          const timeout = Number(q.get('timeoutSeconds') ?? 0);
          if (timeout > 0) {
            const t = setTimeout(() => res.end(), timeout * 1000);
            t.unref();
            res.on('close', () => clearTimeout(t));
          }
          return;
        }
        const all = state.listObjects(def, namespace, q.get('labelSelector'), q.get('fieldSelector'));
        const limit = Number(q.get('limit') ?? 0);
        const start = Number(q.get('continue') ? Buffer.from(q.get('continue')!, 'base64').toString('utf8') : 0);
        const page = limit > 0 ? all.slice(start, start + limit) : all.slice(start);
        const more = limit > 0 && start + limit < all.length;
        const rv = state.currentResourceVersion();
        if (wantsTable) return send(res, 200, toTable(def, page, includeObject, rv));
        return send(res, 200, {
          kind: `${def.kind}List`,
          apiVersion: apiVersionOf(def),
          metadata: { resourceVersion: rv, ...(more ? { continue: Buffer.from(String(start + limit)).toString('base64'), remainingItemCount: all.length - start - limit } : {}) },
          items: page.map(withoutTypeMeta),
        });
      }
      if (method === 'POST') {
        if (def.namespaced && namespace === undefined) throw new KubeError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        const body = parseBody(await readRequest());
        const obj = state.createObject(def, namespace, body, { dryRun, manager, operation: 'Update' });
        return send(res, 201, withTypeMeta(def, obj));
      }
      if (method === 'DELETE') {
        await readRequest();
        const items = state.listObjects(def, namespace, q.get('labelSelector'), q.get('fieldSelector')).map((o) => clone(o));
        for (const o of items) state.deleteObject(def, o.metadata.namespace, o.metadata.name, { dryRun, propagationPolicy: q.get('propagationPolicy') ?? undefined });
        return send(res, 200, { kind: `${def.kind}List`, apiVersion: apiVersionOf(def), metadata: { resourceVersion: state.currentResourceVersion() }, items: items.map(withoutTypeMeta) });
      }
      throw new KubeError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }

    if (def.kind === 'Pod' && sub === 'proxy') return podProxy(req, res, namespace!, name, route as Route, u);

    if (sub === 'scale') {
      if (!def.scale) throw routeNotFound();
      const w: WriteOptions = { dryRun, manager, operation: 'Update' };
      switch (method) {
        case 'GET':
          return send(res, 200, state.scaleOf(def, namespace, name));
        case 'PUT':
          return send(res, 200, state.writeScale(def, namespace, name, parseBody(await readRequest()), w));
        case 'PATCH': {
          const raw = await readRequest();
          const current = state.scaleOf(def, namespace, name);
          const patched = applyPatch(req.headers['content-type'] ?? '', raw, current);
          const { resourceVersion: _rv, ...meta } = (patched.metadata ?? {}) as Obj;
          return send(res, 200, state.writeScale(def, namespace, name, { ...patched, metadata: meta }, w));
        }
      }
      throw new KubeError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }

    if (sub === undefined || sub === 'status') {
      if (sub === 'status' && !def.status) throw routeNotFound();
      const subresource = sub === 'status' ? ('status' as const) : undefined;
      switch (method) {
        case 'GET': {
          const o = state.find(def, namespace, name);
          if (!o) throw notFound(def, name);
          if (wantsTable) return send(res, 200, toTable(def, [o], includeObject, state.currentResourceVersion()));
          return send(res, 200, withTypeMeta(def, o));
        }
        case 'PUT': {
          const body = parseBody(await readRequest());
          const o = state.updateObject(def, namespace, name, body, { dryRun, manager, operation: 'Update', subresource });
          return send(res, 200, withTypeMeta(def, o));
        }
        case 'PATCH': {
          const raw = await readRequest();
          const { obj, created } = state.patchObject(def, namespace, name, req.headers['content-type'] ?? '', raw, {
            dryRun,
            manager,
            fieldManager,
            subresource,
          });
          return send(res, created ? 201 : 200, withTypeMeta(def, obj));
        }
        case 'DELETE': {
          if (subresource) break;
          const raw = await readRequest();
          const body = (raw.length ? parseBody(raw) : {}) as Obj;
          const gone = state.deleteObject(def, namespace, name, {
            dryRun: dryRun || (Array.isArray(body.dryRun) && body.dryRun.includes('All')),
            propagationPolicy: q.get('propagationPolicy') ?? body.propagationPolicy,
            preconditions: body.preconditions,
          });
          if (def.kind === 'Pod' || def.kind === 'Namespace' || state.find(def, namespace, name)) return send(res, 200, withTypeMeta(def, gone));
          return send(res, 200, {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Success',
            details: { name: name, ...groupDetail(def), kind: def.plural, uid: gone.metadata.uid },
          });
        }
      }
      throw new KubeError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }

    if (def.kind === 'Pod' && sub === 'log' && method === 'GET') {
      const pod = state.find(def, namespace, name);
      if (!pod) throw notFound(def, name);
      const container = q.get('container') ?? pod.spec.containers?.[0]?.name;
      return send(res, 200, state.podHandlerLogs(namespace!, name, container), 'text/plain');
    }
    if (def.kind === 'Pod' && (sub === 'exec' || sub === 'attach')) throw badRequest('Upgrade request required');
    throw routeNotFound();
  }

  function parseBody(raw: Buffer): unknown {
    try {
      const text = raw.toString('utf8');
      return text.trim() === '' ? undefined : JSON.parse(text);
    } catch (e) {
      throw badRequest(`the body of the request was in an unknown format: ${(e as Error).message}`);
    }
  }

  async function podProxy(req: http.IncomingMessage, res: http.ServerResponse, ns: string, target: string, route: Route, u: URL): Promise<void> {
    const pd = resourceDef('pods');
    const parts = target.split(':');
    let podName = parts[0];
    let portStr: string | undefined;
    if (parts.length === 3) {
      podName = parts[1];
      portStr = parts[2];
    } else if (parts.length === 2) {
      if (/^\d+$/.test(parts[1]) || parts[1] === '') portStr = parts[1];
      else podName = parts[1];
    }
    const pod = state.find(pd, ns, podName);
    if (!pod) throw notFound(pd, podName);
    const body = await readBody(req);
    if (pod.status?.phase !== 'Running' || !pod.status?.podIP)
      throw new KubeError(503, 'ServiceUnavailable', `error trying to reach service: pod ${podName} has no IP (phase ${pod.status?.phase ?? 'Unknown'})`);
    const handlers = state.podHandlers(ns, podName);
    const registered = Object.keys(handlers?.proxy ?? {}).map(Number);
    const port = portStr ? Number(portStr) : registered.length === 1 ? registered[0] : 80;
    const proxyTarget = handlers?.proxy?.[port];
    if (!proxyTarget)
      throw new KubeError(503, 'ServiceUnavailable', `error trying to reach service: dial tcp ${pod.status.podIP}:${port}: connect: connection refused`);
    const headers = flatHeaders(req.headers);
    delete headers.authorization;
    delete headers.host;
    const path = '/' + route.subPath.join('/') + (u.pathname.endsWith('/') && route.subPath.length ? '/' : '');
    const r = await callProxy(proxyTarget, { method: (req.method ?? 'GET').toUpperCase(), url: path + u.search, headers, body });
    const out = r.body === undefined ? '' : r.body;
    res.writeHead(r.status, { ...(r.headers ?? {}), 'content-length': Buffer.byteLength(out) });
    res.end(out);
  }

  // ---- exec over WebSocket ----
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const fail = (err: KubeError) => {
      const body = JSON.stringify(err.status);
      socket.end(
        `HTTP/1.1 ${err.code} ${http.STATUS_CODES[err.code] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    state.requests.push({ method: req.method ?? 'GET', path: u.pathname, query: u.search, userAgent: req.headers['user-agent'], authorization: req.headers.authorization });
    try {
      if (!authorized(req)) throw new KubeError(401, 'Unauthorized', 'Unauthorized');
      const segs = u.pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
      const route = parseRoute(segs);
      if (route instanceof KubeError) throw route;
      if (route.kind !== 'resource' || route.def.kind !== 'Pod' || route.sub !== 'exec' || !route.name) throw routeNotFound();
      const ns = route.namespace!;
      const podName = route.name as string;
      const pod = state.find(route.def, ns, podName);
      if (!pod) throw notFound(route.def, podName);
      const q = u.searchParams;
      const containers: string[] = (pod.spec.containers ?? []).map((c: Obj) => c.name);
      let container = q.get('container') ?? '';
      if (!container) {
        if (containers.length === 1) container = containers[0];
        else throw badRequest(`a container name must be specified for pod ${podName}, choose one of: [${containers.join(' ')}]`);
      }
      if (!containers.includes(container)) throw badRequest(`container ${container} is not valid for pod ${podName}`);
      const command = q.getAll('command');
      if (command.length === 0) throw badRequest('you must specify at least 1 command');
      if (pod.status?.phase !== 'Running') throw badRequest(`unable to upgrade connection: container not found ("${container}")`);
      // The request is checked before the upgrade, whatever the protocol, so kubectl's SPDY fallback gets the same answer.
      if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket')
        throw badRequest('this test server only supports exec over WebSockets (v5.channel.k8s.io / v4.channel.k8s.io), not SPDY');
      wss ??= new (loadWs())({
        noServer: true,
        handleProtocols: (protocols) => EXEC_PROTOCOLS.find((p) => protocols.has(p)) ?? false,
      });
      wss.handleUpgrade(req, socket, head, (ws) => {
        void runExec(ws, ns, podName, container, command, truthy(q.get('stdin')), truthy(q.get('tty')), q.get('stdout') !== null ? truthy(q.get('stdout')) : true, truthy(q.get('stderr')));
      });
    } catch (e) {
      fail(e instanceof KubeError ? e : new KubeError(500, 'InternalError', String(e)));
    }
  });

  async function runExec(ws: WsSocket, ns: string, pod: string, container: string, command: string[], wantStdin: boolean, tty: boolean, wantStdout: boolean, wantStderr: boolean): Promise<void> {
    const stdin = wantStdin ? new PassThrough() : null;
    ws.on('message', (data: Buffer) => {
      if (!stdin || data.length === 0) return;
      if (data[0] === 0) stdin.write(data.subarray(1));
      if (data[0] === 255 && data[1] === 0) stdin.end();
    });
    ws.on('close', () => stdin?.end());
    ws.on('error', () => stdin?.end());
    const frame = (channel: number, payload: string | Buffer) => Buffer.concat([Buffer.from([channel]), Buffer.from(payload)]);
    const handler = state.podHandlers(ns, pod)?.exec;
    let result: ExecResult;
    try {
      result = handler
        ? await handler({ namespace: ns, pod, container, command, stdin, tty })
        : { exitCode: 126, error: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${command[0]}": executable file not found in $PATH: unknown` };
    } catch (e) {
      result = { exitCode: 1, error: String(e) };
    }
    if (wantStdout && result.stdout !== undefined && result.stdout.length) ws.send(frame(1, result.stdout));
    if ((wantStderr || tty) && result.stderr !== undefined && result.stderr.length) ws.send(frame(tty ? 1 : 2, result.stderr));
    let status: Obj;
    if (result.error) status = { metadata: {}, status: 'Failure', message: result.error, reason: 'InternalError', details: { causes: [{ message: result.error }] }, code: 500 };
    else if (result.exitCode === 0) status = { metadata: {}, status: 'Success' };
    else
      status = {
        metadata: {},
        status: 'Failure',
        message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${result.exitCode}`,
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: String(result.exitCode) }] },
      };
    ws.send(frame(3, JSON.stringify(status)), () => ws.close(1000));
  }

  const { port, url, close } = await listen(server);

  return {
    url,
    port,
    state,
    async stop() {
      state.stop();
      if (wss) {
        for (const c of wss.clients) c.terminate();
        wss.close();
      }
      await close();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// kubeconfig
// ---------------------------------------------------------------------------------------------------------------

/** `Bearer k8s-aws-v1.…` carrying a presigned STS GetCallerIdentity URL that signs x-k8s-aws-id. */
export function isEksToken(authorization: string | undefined): boolean {
  const m = /^Bearer k8s-aws-v1\.([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
  if (!m) return false;
  try {
    const url = new URL(Buffer.from(m[1]!, 'base64url').toString('utf8'));
    return url.searchParams.get('Action') === 'GetCallerIdentity' && /(^|;)x-k8s-aws-id(;|$)/.test(url.searchParams.get('X-Amz-SignedHeaders') ?? '') && !!url.searchParams.get('X-Amz-Signature');
  } catch {
    return false;
  }
}

export interface KubeconfigOptions {
  token?: string;
  namespace?: string;
  /** Directory to write into (file kubeconfig-<context>-<random>); default a fresh temp dir (file `kubeconfig`). */
  dir?: string;
  contextName?: string;
}

/** Writes a kubeconfig (cluster server = url over plain http, token user) and returns its path. */
export function kubeconfig(url: string, opts: KubeconfigOptions = {}): string {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'kubeconfig-'));
  const ctx = opts.contextName ?? 'test';
  const lines = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${ctx}`,
    '  cluster:',
    `    server: ${url}`,
    // client-node refuses a plain-http server unless skipTLSVerify is set (config.ts createAgent)
    '    insecure-skip-tls-verify: true',
    'users:',
    `- name: ${ctx}`,
    '  user:',
    `    token: ${opts.token ?? 'test-token'}`,
    'contexts:',
    `- name: ${ctx}`,
    '  context:',
    `    cluster: ${ctx}`,
    `    user: ${ctx}`,
    ...(opts.namespace ? [`    namespace: ${opts.namespace}`] : []),
    `current-context: ${ctx}`,
    'preferences: {}',
    '',
  ];
  const file = join(dir, opts.dir ? `kubeconfig-${ctx}-${randomBytes(3).toString('hex')}` : 'kubeconfig');
  writeFileSync(file, lines.join('\n'), { mode: 0o600 });
  return file;
}

/**
 * Runs kubectl against a kubeconfig written by kubeconfig(), keeping kubectl's discovery cache next to that file
 * instead of ~/.kube/cache. Both go through the environment (KUBECONFIG, KUBECACHEDIR), not flags, so kubectl sees
 * the command line exactly as given (flags before an unknown verb change kubectl's error). `stdin` feeds it.
 * Resolves with the exit code instead of throwing.
 */
export function kubectl(
  kubeconfigFile: string,
  args: string[],
  opts: { timeoutMs?: number; stdin?: string } = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  // Stdin is a file, as a shell heredoc is (Node's own stdio pipes are sockets, which /dev/stdin cannot open).
  const input = join(dirname(kubeconfigFile), `stdin-${randomBytes(4).toString('hex')}`);
  writeFileSync(input, opts.stdin ?? '');
  const fd = openSync(input, 'r');
  return new Promise((resolve) => {
    const child = spawn('kubectl', args, {
      env: { ...process.env, KUBECONFIG: kubeconfigFile, KUBECACHEDIR: join(dirname(kubeconfigFile), 'cache') },
      stdio: [fd, 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 15000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += String(d)));
    child.stderr!.on('data', (d) => (stderr += String(d)));
    child.on('close', (code, signal) => {
      closeSync(fd);
      rmSync(input, { force: true });
      resolve({ stdout, stderr, code: code ?? (signal ? 1 : 0) });
    });
  });
}
