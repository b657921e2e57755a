/**
 * The objects `kubectl create <generator>` builds (k8s.io/kubectl/pkg/cmd/create), one function per
 * generator in a table. Each builds the object in the Go struct's field order, which is the order
 * `--dry-run=client -o json` prints it in (maps sorted, as encoding/json writes them), with
 * kubectl's defaults and its refusals. Role rules need the server's resource names (discovery):
 * they are completed when the call is sent (`rbac`).
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { goJson } from './print.js';
import type { Obj } from './types.js';

/** What a generator reads of the command line, and how it refuses (kubectl's own words). */
export interface GeneratorInput {
  name: string;
  /** The namespace kubectl writes into the object: only an explicit `-n` (EnforceNamespace). */
  namespace?: string;
  /** A string flag's last value. */
  str(flag: string): string | undefined;
  /** A repeated flag's values; `slice` splits each on commas (pflag's StringSlice). */
  list(flag: string, slice?: boolean): string[];
  int(flag: string): number | undefined;
  /** Words after `--`. */
  command: string[];
  /** `--from-file`, `--from-literal`, `--from-env-file` as kubectl reads them. */
  sources(kind: string, base64: boolean): { data: Record<string, string>; binaryData: Record<string, string> };
  /** A file's bytes (`--cert`, `--key`), or undefined when planning and it does not exist yet. */
  readFile(path: string): Buffer | undefined;
  planning: boolean;
  fail(message: string): never;
}

/** RBAC rules kubectl completes through discovery (`--resource=deploy` is `deployments` in `apps`). */
export interface RbacRequest {
  verbs: string[];
  resources: Array<{ resource: string; group: string; subresource?: string }>;
  resourceNames: string[];
  nonResourceURLs: string[];
}

export interface Generated {
  object: Obj;
  rbac?: RbacRequest;
}

type Generator = (g: GeneratorInput) => Generated;

const meta = (g: GeneratorInput, namespaced: boolean, extra: Obj = {}): Obj => ({
  name: g.name,
  ...(namespaced && g.namespace ? { namespace: g.namespace } : {}),
  creationTimestamp: null,
  ...extra,
});

const sortedMap = (m: Record<string, string>): Record<string, string> => Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k]!]));

export const generators: Record<string, Generator> = {
  namespace: (g) => ({ object: { kind: 'Namespace', apiVersion: 'v1', metadata: meta(g, false), spec: {}, status: {} } }),

  serviceaccount: (g) => ({ object: { kind: 'ServiceAccount', apiVersion: 'v1', metadata: meta(g, true) } }),

  configmap: (g) => {
    const { data, binaryData } = g.sources('ConfigMap', false);
    return { object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: meta(g, true), ...(Object.keys(data).length ? { data: sortedMap(data) } : {}), ...(Object.keys(binaryData).length ? { binaryData: sortedMap(binaryData) } : {}) } };
  },

  'secret generic': (g) => {
    const { data } = g.sources('Secret', true);
    const type = g.str('type');
    return { object: { kind: 'Secret', apiVersion: 'v1', metadata: meta(g, true), ...(Object.keys(data).length ? { data: sortedMap(data) } : {}), ...(type ? { type } : {}) } };
  },

  /** create_secret_tls.go: both files read, checked as a key pair (tls.X509KeyPair), stored as tls.crt and tls.key. */
  'secret tls': (g) => {
    const certPath = g.str('cert');
    const keyPath = g.str('key');
    if (!certPath || !keyPath) return g.fail('key and cert must be specified');
    const cert = g.readFile(certPath);
    const key = g.readFile(keyPath);
    if (cert && key) checkKeyPair(cert, key, g.fail);
    const data = { 'tls.crt': (cert ?? Buffer.from(`<contents of ${certPath}>`)).toString('base64'), 'tls.key': (key ?? Buffer.from(`<contents of ${keyPath}>`)).toString('base64') };
    return { object: { kind: 'Secret', apiVersion: 'v1', metadata: meta(g, true), data, type: 'kubernetes.io/tls' } };
  },

  /** create_secret_docker.go: a .dockerconfigjson with one registry entry (or the files given). */
  'secret docker-registry': (g) => {
    const files = g.list('from-file', true);
    const username = g.str('docker-username') ?? '';
    const password = g.str('docker-password') ?? '';
    const email = g.str('docker-email') ?? '';
    const server = g.str('docker-server') ?? 'https://index.docker.io/v1/';
    if (!files.length && (!username || !password || !server)) g.fail('either --from-file or the combination of --docker-username, --docker-password and --docker-server is required');
    let data: Record<string, string>;
    if (files.length) data = sortedMap(g.sources('Secret', true).data);
    else {
      const entry = { ...(username ? { username } : {}), ...(password ? { password } : {}), ...(email ? { email } : {}), auth: Buffer.from(`${username}:${password}`).toString('base64') };
      data = { '.dockerconfigjson': Buffer.from(goJson({ auths: { [server]: entry } }, 0, false)).toString('base64') };
    }
    return { object: { kind: 'Secret', apiVersion: 'v1', metadata: meta(g, true), data, type: 'kubernetes.io/dockerconfigjson' } };
  },

  /** create_deployment.go: labels and selector app=NAME, one container per image (named after it). */
  deployment: (g) => {
    const images = g.list('image', true);
    if (!images.length) g.fail('required flag(s) "image" not set');
    if (images.length > 1 && g.command.length) g.fail('cannot specify multiple --image options and command');
    const labels = { app: g.name };
    const port = g.int('port') ?? -1;
    const containers = images.map((image, i) => ({
      name: containerName(image),
      image,
      ...(g.command.length ? { command: g.command } : {}),
      ...(i === 0 && port >= 0 ? { ports: [{ containerPort: port }] } : {}),
      resources: {},
    }));
    return {
      object: {
        kind: 'Deployment', apiVersion: 'apps/v1', metadata: meta(g, true, { labels }),
        spec: { replicas: g.int('replicas') ?? 1, selector: { matchLabels: labels }, template: { metadata: { creationTimestamp: null, labels }, spec: { containers } }, strategy: {} },
        status: {},
      },
    };
  },

  /** create_job.go: one container named after the job, restartPolicy Never. */
  job: (g) => {
    const image = g.str('image');
    if (!image) g.fail('either --image or --from must be specified');
    const container = { name: g.name, image, ...(g.command.length ? { command: g.command } : {}), resources: {} };
    return {
      object: {
        kind: 'Job', apiVersion: 'batch/v1', metadata: meta(g, true),
        spec: { template: { metadata: { creationTimestamp: null }, spec: { containers: [container], restartPolicy: 'Never' } } },
        status: {},
      },
    };
  },

  role: (g) => {
    const rbac = rbacRequest(g, false);
    if (!rbac.resources.length) g.fail('at least one resource must be specified');
    return { object: { kind: 'Role', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: meta(g, true), rules: [] }, rbac };
  },

  clusterrole: (g) => {
    const rbac = rbacRequest(g, true);
    if (!rbac.resources.length && !rbac.nonResourceURLs.length) g.fail('one of resource or nonResourceURL must be specified');
    if (rbac.nonResourceURLs.length) {
      for (const v of rbac.verbs) if (!['*', 'get', 'post', 'put', 'delete', 'patch', 'head', 'options'].includes(v)) g.fail(`invalid verb: '${v}' for nonResourceURL`);
      for (const url of rbac.nonResourceURLs) {
        if (url === '*') continue;
        if (!url.startsWith('/')) g.fail('nonResourceURL should start with /');
        if (url.slice(0, -1).includes('*')) g.fail("nonResourceURL only supports wildcard matches when '*' is at the end");
      }
    }
    return { object: { kind: 'ClusterRole', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: meta(g, false), rules: [] }, rbac };
  },

  rolebinding: (g) => {
    const role = g.str('role');
    const clusterRole = g.str('clusterrole');
    if (!role === !clusterRole) g.fail('exactly one of clusterrole or role must be specified');
    return {
      object: {
        kind: 'RoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: meta(g, true), ...subjects(g),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: role ? 'Role' : 'ClusterRole', name: role ?? clusterRole },
      },
    };
  },

  clusterrolebinding: (g) => ({
    object: {
      kind: 'ClusterRoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: meta(g, false), ...subjects(g),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: g.str('clusterrole') ?? '' },
    },
  }),
};

/** create_deployment.go buildPodSpec: the image's last path segment without tag or digest. */
function containerName(image: string): string {
  let name = image.split('/').at(-1)!;
  name = name.split(':')[0]!.split('@')[0]!;
  // kubectl replaces `_` and `.` and adds a random suffix (sanitizeAndUniquify).
  if (/[_.]/.test(name)) name = `${name.replace(/[_.]/g, '-')}-${randomSuffix()}`;
  return name;
}

function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return Array.from({ length: 5 }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
}

/** Users, groups and `namespace:name` service accounts, in that order (create_rolebinding.go). */
function subjects(g: GeneratorInput): Obj {
  const out: Obj[] = [];
  for (const name of g.list('user')) out.push({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name });
  for (const name of g.list('group')) out.push({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name });
  for (const sa of g.list('serviceaccount')) {
    const parts = sa.split(':');
    if (parts.length !== 2 || !parts[0] || !parts[1]) g.fail('serviceaccount must be <namespace>:<name>');
    out.push({ kind: 'ServiceAccount', name: parts[1], namespace: parts[0] });
  }
  return out.length ? { subjects: out } : {};
}

/** create_role.go Complete: verbs and resource names deduplicated (`*` wins), `resource.group/subresource` split. */
function rbacRequest(g: GeneratorInput, cluster: boolean): RbacRequest {
  let verbs: string[] = [];
  for (const v of g.list('verb', true)) {
    if (v === '*') {
      verbs = ['*'];
      break;
    }
    if (!verbs.includes(v)) verbs.push(v);
  }
  const resources: RbacRequest['resources'] = [];
  for (const r of g.list('resource', true)) {
    const slash = r.indexOf('/');
    const [head, subresource] = slash < 0 ? [r, undefined] : [r.slice(0, slash), r.slice(slash + 1)];
    const dot = head.indexOf('.');
    const resource = dot < 0 ? head : head.slice(0, dot);
    const group = dot < 0 ? '' : head.slice(dot + 1);
    const one = { resource, group, ...(subresource !== undefined ? { subresource } : {}) };
    if (resource === '*' && dot < 0 && slash < 0) {
      resources.splice(0, resources.length, one);
      break;
    }
    resources.push(one);
  }
  const resourceNames = [...new Set(g.list('resource-name'))];
  const nonResourceURLs = cluster ? g.list('non-resource-url', true) : [];
  if (!verbs.length) g.fail('at least one verb must be specified');
  for (const r of resources) if (!r.resource) g.fail('resource must be specified if apiGroup/subresource specified');
  return { verbs, resources, resourceNames, nonResourceURLs };
}

/** generateResourcePolicyRules: one rule per API group (sorted), then one for the non-resource URLs. */
export function policyRules(rbac: RbacRequest, resolved: Array<{ resource: string; group: string }>): Obj[] {
  const byGroup = new Map<string, string[]>();
  for (const r of resolved) {
    const list = byGroup.get(r.group) ?? [];
    if (!list.includes(r.resource)) list.push(r.resource);
    byGroup.set(r.group, list);
  }
  const rules: Obj[] = [...byGroup.keys()].sort().map((group) => ({
    verbs: rbac.verbs, apiGroups: [group], resources: byGroup.get(group), ...(rbac.resourceNames.length ? { resourceNames: rbac.resourceNames } : {}),
  }));
  if (rbac.nonResourceURLs.length) rules.push({ verbs: rbac.verbs, nonResourceURLs: rbac.nonResourceURLs });
  return rules;
}

/** Go's tls.X509KeyPair, as far as its refusals go: PEM blocks present, the key the certificate's. */
function checkKeyPair(cert: Buffer, key: Buffer, fail: (m: string) => never): void {
  if (!/-----BEGIN [A-Z ]*CERTIFICATE-----/.test(cert.toString('latin1'))) {
    fail(/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(cert.toString('latin1')) ? 'tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched' : 'tls: failed to find any PEM data in certificate input');
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key.toString('latin1'))) {
    fail(/-----BEGIN [A-Z ]*CERTIFICATE-----/.test(key.toString('latin1')) ? 'tls: found a certificate rather than a key in the PEM for the private key' : 'tls: failed to find any PEM data in key input');
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (error) {
    return fail(`x509: malformed certificate (${(error as Error).message})`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    return fail('tls: failed to parse private key');
  }
  if (!x509.checkPrivateKey(privateKey)) fail('tls: private key does not match public key');
}
