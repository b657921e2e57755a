/**
 * Resource types. The server's discovery is the authority (client.ts); this table of built-in
 * types only names kinds in plans before anything is contacted and tells discovery which group
 * version to ask first, so that `get sts` costs one discovery request, not one per API group.
 */

export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  verbs?: string[];
  /** Discovery's `categories` (`all` on pods, services, deployments…): names that stand for several types. */
  categories?: string[];
}

const b = (gv: string, kind: string, plural: string, namespaced: boolean, ...shortNames: string[]): ResourceInfo => {
  const [group, version] = gv.includes('/') ? gv.split('/') as [string, string] : ['', gv];
  return { group, version, kind, plural, singular: kind.toLowerCase(), namespaced, shortNames };
};

export const builtinResources: ResourceInfo[] = [
  b('v1', 'Namespace', 'namespaces', false, 'ns'),
  b('v1', 'ServiceAccount', 'serviceaccounts', true, 'sa'),
  b('v1', 'ConfigMap', 'configmaps', true, 'cm'),
  b('v1', 'Secret', 'secrets', true),
  b('v1', 'Service', 'services', true, 'svc'),
  b('v1', 'Pod', 'pods', true, 'po'),
  b('v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, 'pvc'),
  b('v1', 'PersistentVolume', 'persistentvolumes', false, 'pv'),
  b('v1', 'Node', 'nodes', false, 'no'),
  b('v1', 'Endpoints', 'endpoints', true, 'ep'),
  b('v1', 'Event', 'events', true, 'ev'),
  b('v1', 'ResourceQuota', 'resourcequotas', true, 'quota'),
  b('v1', 'LimitRange', 'limitranges', true, 'limits'),
  b('apps/v1', 'StatefulSet', 'statefulsets', true, 'sts'),
  b('apps/v1', 'Deployment', 'deployments', true, 'deploy'),
  b('apps/v1', 'DaemonSet', 'daemonsets', true, 'ds'),
  b('apps/v1', 'ReplicaSet', 'replicasets', true, 'rs'),
  b('batch/v1', 'Job', 'jobs', true),
  b('batch/v1', 'CronJob', 'cronjobs', true, 'cj'),
  b('rbac.authorization.k8s.io/v1', 'Role', 'roles', true),
  b('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings', true),
  b('rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles', false),
  b('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  b('policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, 'pdb'),
  b('networking.k8s.io/v1', 'Ingress', 'ingresses', true, 'ing'),
  b('networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies', true, 'netpol'),
  b('storage.k8s.io/v1', 'StorageClass', 'storageclasses', false, 'sc'),
  b('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, 'crd', 'crds'),
  b('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false),
  b('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false),
  b('autoscaling/v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, 'hpa'),
];

/** `statefulsets.apps`, `deployment.v1.apps`, `sts`, `StatefulSet` -> name and optional group/version. */
export function splitType(type: string): { name: string; group?: string; version?: string } {
  const parts = type.split('.');
  if (parts.length === 1) return { name: type };
  // `deployment.v1.apps`: resource.version.group (kubectl's fully specified form).
  if (parts.length >= 3 && /^v\d+((alpha|beta)\d+)?$/.test(parts[1]!)) return { name: parts[0]!, version: parts[1]!, group: parts.slice(2).join('.') };
  return { name: parts[0]!, group: parts.slice(1).join('.') };
}

/** Does this resource answer to the name typed? (plural, singular, kind, short name; case-insensitive). */
export function matches(info: ResourceInfo, typed: string): boolean {
  const { name, group, version } = splitType(typed);
  const n = name.toLowerCase();
  if (group !== undefined && group !== info.group) return false;
  if (version !== undefined && version !== info.version) return false;
  return info.plural === n || info.singular === n || info.kind.toLowerCase() === n || info.shortNames.includes(n);
}

/** A built-in that answers to this name (used for display and as a discovery hint only). */
export function builtinFor(typed: string): ResourceInfo | undefined {
  return builtinResources.find((r) => matches(r, typed));
}

/** `Kind` for display when known before the run, else what was typed. */
export function displayKind(typed: string): string {
  return builtinFor(typed)?.kind ?? typed;
}

export function apiVersionOf(info: Pick<ResourceInfo, 'group' | 'version'>): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** `statefulset.apps`: how kubectl names the type in messages and `-o name`. */
export function typeNameOf(info: ResourceInfo): string {
  return info.group ? `${info.kind.toLowerCase()}.${info.group}` : info.kind.toLowerCase();
}

/** Is `rollout undo` of this type one the translator does? Deployments (and types only discovery knows); StatefulSets and DaemonSets roll back through ControllerRevisions, which the real kubectl handles. */
export function undoTranslated(typed: string): boolean {
  const b = builtinFor(typed);
  return !b || b.kind === 'Deployment';
}
