// Decoder for the Kubernetes protobuf request bodies kubectl's typed commands send (kubectl create namespace,
// serviceaccount, configmap, secret, deployment, job, cronjob, role, rolebinding, clusterrole,
// clusterrolebinding, service), so the test API server can accept them as JSON objects. Only built-in kinds
// are decoded, as a real server does; others are refused (415) and answered in JSON.
// Follows:
// - Protobuf encoding (varints, length-delimited fields, maps as repeated key=1/value=2 entries):
//   https://protobuf.dev/programming-guides/encoding/
// - Kubernetes protobuf envelope ("k8s\x00" + runtime.Unknown{typeMeta=1{apiVersion=1,kind=2}, raw=2}):
//   https://kubernetes.io/docs/reference/using-api/api-concepts/#protobuf-encoding
// - Field numbers from the generated.proto files of k8s.io/api (core/v1, apps/v1, batch/v1, rbac/v1) and
//   k8s.io/apimachinery (meta/v1 ObjectMeta, LabelSelector; util/intstr IntOrString; api/resource Quantity).
// gogo-generated marshalers write every non-pointer field, empty or not; JSON omits the empty ones
// (`omitempty`), so plain strings, numbers and booleans are kept only when set, pointer fields (`*int32`,
// `*bool`) always, and empty messages are dropped.
type Obj = Record<string, any>;

interface Field {
  no: number;
  wire: number;
  int?: number;
  bytes?: Buffer;
}

function varint(buf: Buffer, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++];
    result += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [result, pos];
    shift += 7;
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    let key: number;
    [key, pos] = varint(buf, pos);
    const no = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) {
      let v: number;
      [v, pos] = varint(buf, pos);
      out.push({ no, wire, int: v });
    } else if (wire === 2) {
      let len: number;
      [len, pos] = varint(buf, pos);
      out.push({ no, wire, bytes: buf.subarray(pos, pos + len) });
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

const str = (f: Field) => (f.bytes ?? Buffer.alloc(0)).toString('utf8');
/** Signed int32/int64 varints (two's complement over 64 bits). */
const signed = (n: number) => (n >= 2 ** 63 ? n - 2 ** 64 : n);

// ---- schemas: field number -> [json name, type] ----

/**
 * s string, S *string, i int, I *int, b bool, B *bool, rs []string, m message, rm []message,
 * map map[string]string, mapb map[string][]byte (base64), mapq map[string]Quantity, ios IntOrString, q Quantity,
 * ref an embedded LocalObjectReference (JSON inlines its name).
 */
type Type = 'ref' | 's' | 'S' | 'i' | 'I' | 'b' | 'B' | 'rs' | 'map' | 'mapb' | 'mapq' | 'ios' | 'q' | { m: Schema } | { rm: Schema };
interface Schema {
  [no: number]: [string, Type];
}

const ownerReference: Schema = { 1: ['kind', 's'], 3: ['name', 's'], 4: ['uid', 's'], 5: ['apiVersion', 's'], 6: ['controller', 'B'], 7: ['blockOwnerDeletion', 'B'] };
const objectMeta: Schema = {
  1: ['name', 's'], 2: ['generateName', 's'], 3: ['namespace', 's'], 11: ['labels', 'map'], 12: ['annotations', 'map'],
  13: ['ownerReferences', { rm: ownerReference }], 14: ['finalizers', 'rs'],
};
const requirement: Schema = { 1: ['key', 's'], 2: ['operator', 's'], 3: ['values', 'rs'] };
const labelSelector: Schema = { 1: ['matchLabels', 'map'], 2: ['matchExpressions', { rm: requirement }] };
const envVarSource: Schema = {
  1: ['fieldRef', { m: { 1: ['apiVersion', 's'], 2: ['fieldPath', 's'] } }],
  3: ['configMapKeyRef', { m: { 1: ['name', 'ref'], 2: ['key', 's'], 3: ['optional', 'B'] } }],
  4: ['secretKeyRef', { m: { 1: ['name', 'ref'], 2: ['key', 's'], 3: ['optional', 'B'] } }],
};
const envVar: Schema = { 1: ['name', 's'], 2: ['value', 's'], 3: ['valueFrom', { m: envVarSource }] };
const containerPort: Schema = { 1: ['name', 's'], 2: ['hostPort', 'i'], 3: ['containerPort', 'i'], 4: ['protocol', 's'], 5: ['hostIP', 's'] };
const resources: Schema = { 1: ['limits', 'mapq'], 2: ['requests', 'mapq'] };
const volumeMount: Schema = { 1: ['name', 's'], 2: ['readOnly', 'b'], 3: ['mountPath', 's'], 4: ['subPath', 's'] };
const container: Schema = {
  1: ['name', 's'], 2: ['image', 's'], 3: ['command', 'rs'], 4: ['args', 'rs'], 5: ['workingDir', 's'], 6: ['ports', { rm: containerPort }],
  7: ['env', { rm: envVar }], 8: ['resources', { m: resources }], 9: ['volumeMounts', { rm: volumeMount }], 13: ['terminationMessagePath', 's'],
  14: ['imagePullPolicy', 's'], 16: ['stdin', 'b'], 17: ['stdinOnce', 'b'], 18: ['tty', 'b'], 20: ['terminationMessagePolicy', 's'],
};
const podSpec: Schema = {
  2: ['containers', { rm: container }], 3: ['restartPolicy', 's'], 4: ['terminationGracePeriodSeconds', 'I'], 5: ['activeDeadlineSeconds', 'I'],
  6: ['dnsPolicy', 's'], 7: ['nodeSelector', 'map'], 8: ['serviceAccountName', 's'], 9: ['serviceAccount', 's'], 10: ['nodeName', 's'],
  11: ['hostNetwork', 'b'], 15: ['imagePullSecrets', { rm: { 1: ['name', 's'] } }], 16: ['hostname', 's'], 17: ['subdomain', 's'],
  19: ['schedulerName', 's'], 20: ['initContainers', { rm: container }], 24: ['priorityClassName', 's'],
};
const podTemplateSpec: Schema = { 1: ['metadata', { m: objectMeta }], 2: ['spec', { m: podSpec }] };
const rollingUpdateDeployment: Schema = { 1: ['maxUnavailable', 'ios'], 2: ['maxSurge', 'ios'] };
const deploymentSpec: Schema = {
  1: ['replicas', 'I'], 2: ['selector', { m: labelSelector }], 3: ['template', { m: podTemplateSpec }],
  4: ['strategy', { m: { 1: ['type', 's'], 2: ['rollingUpdate', { m: rollingUpdateDeployment }] } }], 5: ['minReadySeconds', 'i'],
  6: ['revisionHistoryLimit', 'I'], 7: ['paused', 'b'], 9: ['progressDeadlineSeconds', 'I'],
};
const jobSpec: Schema = {
  1: ['parallelism', 'I'], 2: ['completions', 'I'], 3: ['activeDeadlineSeconds', 'I'], 4: ['selector', { m: labelSelector }], 5: ['manualSelector', 'B'],
  6: ['template', { m: podTemplateSpec }], 7: ['backoffLimit', 'I'], 8: ['ttlSecondsAfterFinished', 'I'], 9: ['completionMode', 'S'], 10: ['suspend', 'B'],
};
const cronJobSpec: Schema = {
  1: ['schedule', 's'], 2: ['startingDeadlineSeconds', 'I'], 3: ['concurrencyPolicy', 's'], 4: ['suspend', 'B'],
  5: ['jobTemplate', { m: { 1: ['metadata', { m: objectMeta }], 2: ['spec', { m: jobSpec }] } }], 6: ['successfulJobsHistoryLimit', 'I'],
  7: ['failedJobsHistoryLimit', 'I'], 8: ['timeZone', 'S'],
};
const policyRule: Schema = { 1: ['verbs', 'rs'], 2: ['apiGroups', 'rs'], 3: ['resources', 'rs'], 4: ['resourceNames', 'rs'], 5: ['nonResourceURLs', 'rs'] };
const subject: Schema = { 1: ['kind', 's'], 2: ['apiGroup', 's'], 3: ['name', 's'], 4: ['namespace', 's'] };
const roleRef: Schema = { 1: ['apiGroup', 's'], 2: ['kind', 's'], 3: ['name', 's'] };
const servicePort: Schema = { 1: ['name', 's'], 2: ['protocol', 's'], 3: ['port', 'i'], 4: ['targetPort', 'ios'], 5: ['nodePort', 'i'], 6: ['appProtocol', 'S'] };
const serviceSpec: Schema = {
  1: ['ports', { rm: servicePort }], 2: ['selector', 'map'], 3: ['clusterIP', 's'], 4: ['type', 's'], 5: ['externalIPs', 'rs'], 7: ['sessionAffinity', 's'],
  8: ['loadBalancerIP', 's'], 10: ['externalName', 's'], 11: ['externalTrafficPolicy', 's'],
};

/** Top-level kinds by apiVersion and kind: the fields after metadata (field 1). */
const kinds: Record<string, Schema> = {
  'v1/Namespace': { 2: ['spec', { m: { 1: ['finalizers', 'rs'] } }] },
  'v1/ServiceAccount': { 3: ['imagePullSecrets', { rm: { 1: ['name', 's'] } }], 4: ['automountServiceAccountToken', 'B'] },
  'v1/ConfigMap': { 2: ['data', 'map'], 3: ['binaryData', 'mapb'], 4: ['immutable', 'B'] },
  'v1/Secret': { 2: ['data', 'mapb'], 3: ['type', 's'], 4: ['stringData', 'map'], 5: ['immutable', 'B'] },
  'v1/Service': { 2: ['spec', { m: serviceSpec }] },
  'apps/v1/Deployment': { 2: ['spec', { m: deploymentSpec }] },
  'batch/v1/Job': { 2: ['spec', { m: jobSpec }] },
  'batch/v1/CronJob': { 2: ['spec', { m: cronJobSpec }] },
  'rbac.authorization.k8s.io/v1/Role': { 2: ['rules', { rm: policyRule }] },
  'rbac.authorization.k8s.io/v1/ClusterRole': { 2: ['rules', { rm: policyRule }], 3: ['aggregationRule', { m: { 1: ['clusterRoleSelectors', { rm: labelSelector }] } }] },
  'rbac.authorization.k8s.io/v1/RoleBinding': { 2: ['subjects', { rm: subject }], 3: ['roleRef', { m: roleRef }] },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { 2: ['subjects', { rm: subject }], 3: ['roleRef', { m: roleRef }] },
};

function decodeMessage(buf: Buffer, schema: Schema): Obj {
  const out: Obj = {};
  for (const f of fields(buf)) {
    const entry = schema[f.no];
    if (!entry) continue;
    const [name, type] = entry;
    const value = decodeValue(f, type);
    if (value === undefined) continue;
    if (type === 'rs' || (typeof type === 'object' && 'rm' in type)) (out[name] ??= []).push(value);
    else if (type === 'map' || type === 'mapb' || type === 'mapq') Object.assign((out[name] ??= {}), value);
    else out[name] = value;
  }
  return out;
}

function decodeValue(f: Field, type: Type): unknown {
  switch (type) {
    case 's':
      return str(f) || undefined;
    case 'S':
    case 'rs':
      return str(f);
    case 'i':
      return f.int ? signed(f.int) : undefined;
    case 'I':
      return signed(f.int ?? 0);
    case 'b':
      return f.int ? true : undefined;
    case 'B':
      return f.int === 1;
    case 'q':
    case 'ref':
      return str(fields(f.bytes!).find((x) => x.no === 1) ?? { no: 1, wire: 2 }) || undefined;
    case 'ios': {
      const fs = fields(f.bytes!);
      const kind = fs.find((x) => x.no === 1)?.int ?? 0;
      return kind === 1 ? str(fs.find((x) => x.no === 3) ?? { no: 3, wire: 2 }) : signed(fs.find((x) => x.no === 2)?.int ?? 0);
    }
    case 'map':
    case 'mapb':
    case 'mapq': {
      const kv = fields(f.bytes!);
      const k = kv.find((x) => x.no === 1);
      const v = kv.find((x) => x.no === 2);
      const key = k ? str(k) : '';
      if (type === 'map') return { [key]: v ? str(v) : '' };
      if (type === 'mapb') return { [key]: v ? v.bytes!.toString('base64') : '' };
      return { [key]: v ? decodeValue(v, 'q') : '' };
    }
    default: {
      const schema = 'm' in type ? type.m : type.rm;
      const o = decodeMessage(f.bytes!, schema);
      // A repeated message keeps its empty elements; a single empty one is dropped, as omitempty would not.
      return 'rm' in type || Object.keys(o).length ? o : undefined;
    }
  }
}

/** Decodes a `application/vnd.kubernetes.protobuf` body; returns undefined for kinds this server cannot decode. */
export function decodeKubernetesProtobuf(body: Buffer): Obj | undefined {
  if (body.length < 4 || body.subarray(0, 4).toString('latin1') !== 'k8s\u0000') return undefined;
  const unknown = fields(body.subarray(4));
  const typeMeta = unknown.find((f) => f.no === 1);
  const raw = unknown.find((f) => f.no === 2)?.bytes;
  if (!typeMeta || !raw) return undefined;
  const tm = fields(typeMeta.bytes!);
  const apiVersion = str(tm.find((f) => f.no === 1) ?? { no: 1, wire: 2 });
  const kind = str(tm.find((f) => f.no === 2) ?? { no: 2, wire: 2 });
  const schema = kinds[`${apiVersion}/${kind}`];
  if (!schema) return undefined;
  const { metadata = {}, ...rest } = decodeMessage(raw, { 1: ['metadata', { m: objectMeta }], ...schema });
  return { apiVersion, kind, metadata, ...rest };
}
