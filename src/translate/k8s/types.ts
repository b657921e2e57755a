/** What a `kubectl …` command becomes (K8sCall) and what sending it returns (K8sResult). */
import type { Call } from '../types.js';
import type { RbacRequest } from './generators.js';

export type Obj = Record<string, unknown>;

/** Which cluster and namespace: `--kubeconfig`, `--context`, `-n`; unset means kubeconfig's defaults. */
export interface Connection {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
  requestTimeoutMs?: number;
}

/** A resource as typed on the command line: `pod`, `statefulsets.apps`, `sts` (and a name, if given). */
export interface ResourceRef {
  type: string;
  name?: string;
  /** For objects read from manifests: the exact apiVersion (then `type` is the kind) and namespace. */
  apiVersion?: string;
  namespace?: string;
  /** Typed as TYPE/NAME: kubectl expands categories (`all`) only in the TYPE[,TYPE] NAME… form. */
  slashForm?: boolean;
}

export interface Selection {
  refs: ResourceRef[];
  labelSelector?: string;
  fieldSelector?: string;
  all?: boolean;
}

export type Output =
  | { format: 'default' | 'wide' | 'name' | 'json' | 'yaml'; noHeaders?: boolean; showLabels?: boolean; showManagedFields?: boolean }
  | { format: 'jsonpath' | 'jsonpath-as-json'; template: string; showManagedFields?: boolean }
  /** `-o custom-columns=HEADER:.path,…` (or read from `-o custom-columns-file=FILE`). */
  | { format: 'custom-columns'; columns: Array<{ header: string; path: string }>; noHeaders?: boolean };

/** What `kubectl expose` was told; the rest (selector, ports, protocols, labels) comes from the object exposed. */
export interface ExposeSpec {
  name?: string;
  port?: string;
  protocol?: string;
  targetPort?: string;
  type?: string;
  selector?: string;
  labels?: string;
  externalIP?: string;
  loadBalancerIP?: string;
  sessionAffinity?: string;
  clusterIP?: string;
}

export type WaitCondition =
  | { type: 'condition'; name: string; value: string }
  | { type: 'jsonpath'; expression: string; value?: string }
  | { type: 'create' }
  | { type: 'delete' };

export type K8sRequest =
  | { verb: 'create'; objects: Obj[] | null; source: 'generator' | 'file'; files?: string[]; dryRun?: 'client' | 'server'; output: Output; fieldManager: string; rbac?: RbacRequest }
  | { verb: 'apply'; objects: Obj[] | null; serverSide: boolean; forceConflicts: boolean; fieldManager: string; dryRun?: 'client' | 'server'; output: Output }
  | { verb: 'annotate' | 'label'; selection: Selection; changes: Record<string, string | null>; overwrite: boolean; resourceVersion?: string; dryRun?: 'client' | 'server'; output: Output; fieldManager: string }
  | { verb: 'get'; selection: Selection; output: Output; ignoreNotFound: boolean }
  | { verb: 'wait'; selection: Selection; condition: WaitCondition; timeoutMs: number }
  | { verb: 'rollout-status'; selection: Selection; timeoutMs: number; watch: boolean }
  | { verb: 'exec'; pod: string; container?: string; command: string[]; stdin: boolean; quiet: boolean; podRunningTimeoutMs: number }
  | {
      verb: 'delete'; selection: Selection; ignoreNotFound: boolean; wait: boolean; timeoutMs: number; cascade: 'background' | 'foreground' | 'orphan';
      gracePeriod?: number; force: boolean; dryRun?: 'client' | 'server'; output: Output;
    }
  | {
      verb: 'patch'; selection: Selection; patchType: 'strategic' | 'merge' | 'json'; patch: unknown; subresource?: string; dryRun?: 'client' | 'server'; output: Output; fieldManager: string;
      /** A patch that starts like JSON but is not: the server refuses it (BadRequest) with this reason. */
      invalid?: string;
    }
  | { verb: 'scale'; selection: Selection; replicas: number; currentReplicas: number; resourceVersion?: string; timeoutMs: number; dryRun?: 'client' | 'server'; output: Output }
  | { verb: 'rollout-restart'; selection: Selection; output: Output; fieldManager: string }
  | { verb: 'rollout-undo'; selection: Selection; toRevision: number; dryRun?: 'client' | 'server'; output: Output }
  | { verb: 'expose'; selection: Selection; expose: ExposeSpec; dryRun?: 'client' | 'server'; output: Output; fieldManager: string };

export type Verb = K8sRequest['verb'];

export interface K8sCall extends Call {
  tool: 'kubectl';
  k8s: K8sRequest & { conn: Connection; stdinText?: string };
}

/** kubectl's verbs for a changed object: `created`, `serverside-applied`, `annotated`… */
export type WriteAction =
  | 'created' | 'configured' | 'unchanged' | 'serverside-applied' | 'annotated' | 'labeled' | 'unlabeled' | 'not labeled'
  | 'deleted' | 'force deleted' | 'patched' | 'patched (no change)' | 'scaled' | 'restarted' | 'rolled back' | 'exposed'
  | `skipped rollback (current template already matches revision ${number})`;

export interface TableResult {
  typeName: string;
  columns: Array<{ name: string; type: string; format?: string; priority?: number }>;
  rows: Array<{ cells: unknown[]; object?: Obj }>;
}

export type K8sResult =
  /** create/apply/annotate/label: each object as the server returned it, and what happened to it. */
  | {
      kind: 'written'; items: Array<{ object: Obj; action: WriteAction; created?: boolean; changed?: boolean; notes?: string[] }>; dryRun?: 'client' | 'server'; stderr?: string;
      /** `delete -l`/`--all` that matched nothing: kubectl says "No resources found" on stdout. */
      noneFound?: boolean;
      /** Objects kubectl built from its typed structs (generators' dry runs): `-o json` keeps their field order. */
      structOrder?: boolean;
    }
  /** `rollout undo --dry-run=client`: the pod template it would restore, as kubectl prints it. */
  | { kind: 'text'; text: string }
  /** get: the objects (a List when more than one was asked for), or the server's tables. */
  | { kind: 'read'; objects: Obj[]; list: boolean; tables?: TableResult[]; multipleTypes: boolean; stderr?: string; nothing?: boolean }
  /** wait / rollout status: the lines kubectl prints. */
  | { kind: 'lines'; lines: string[] }
  /** exec: the command's output (a non-zero exit is an error, K8sExecError). */
  | { kind: 'exec'; stdout: string; stderr: string; exitCode: number; command: string[] };
