// Decoder for the few Kubernetes protobuf request bodies kubectl's typed commands send (kubectl create namespace /
// serviceaccount / configmap / secret generic), so the test API server can accept them as JSON objects.
// Follows:
// - Protobuf encoding (varints, length-delimited fields, maps as repeated key=1/value=2 entries):
//   https://protobuf.dev/programming-guides/encoding/
// - Kubernetes protobuf envelope ("k8s\x00" + runtime.Unknown{typeMeta=1{apiVersion=1,kind=2}, raw=2}):
//   https://kubernetes.io/docs/reference/using-api/api-concepts/#protobuf-encoding
// - Field numbers from k8s.io/api/core/v1/generated.proto and k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto
//   (ObjectMeta: name=1 generateName=2 namespace=3 labels=11 annotations=12 finalizers=14).
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

function map(fs: Field[], no: number, asBase64: boolean): Obj | undefined {
  const entries = fs.filter((f) => f.no === no);
  if (!entries.length) return undefined;
  const out: Obj = {};
  for (const e of entries) {
    const kv = fields(e.bytes!);
    const k = kv.find((x) => x.no === 1);
    const v = kv.find((x) => x.no === 2);
    out[k ? str(k) : ''] = v ? (asBase64 ? v.bytes!.toString('base64') : str(v)) : '';
  }
  return out;
}

function objectMeta(buf: Buffer): Obj {
  const fs = fields(buf);
  const m: Obj = {};
  // gogo-generated Kubernetes marshalers write empty strings too: keep only non-empty ones.
  for (const f of fs) {
    if (f.no === 1 && str(f)) m.name = str(f);
    if (f.no === 2 && str(f)) m.generateName = str(f);
    if (f.no === 3 && str(f)) m.namespace = str(f);
    if (f.no === 14) (m.finalizers ??= []).push(str(f));
  }
  const labels = map(fs, 11, false);
  const annotations = map(fs, 12, false);
  if (labels) m.labels = labels;
  if (annotations) m.annotations = annotations;
  return m;
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
  if (apiVersion !== 'v1') return undefined;
  const fs = fields(raw);
  const meta = fs.find((f) => f.no === 1);
  const o: Obj = { apiVersion, kind, metadata: meta ? objectMeta(meta.bytes!) : {} };
  const bool = (no: number) => {
    const f = fs.find((x) => x.no === no);
    return f ? f.int === 1 : undefined;
  };
  switch (kind) {
    case 'Namespace': {
      const spec = fs.find((f) => f.no === 2);
      if (spec) {
        const fin = fields(spec.bytes!).filter((f) => f.no === 1).map(str);
        o.spec = fin.length ? { finalizers: fin } : {};
      }
      return o;
    }
    case 'ServiceAccount': {
      const ips = fs.filter((f) => f.no === 3).map((f) => ({ name: str(fields(f.bytes!).find((x) => x.no === 1) ?? { no: 1, wire: 2 }) }));
      if (ips.length) o.imagePullSecrets = ips;
      const automount = bool(4);
      if (automount !== undefined) o.automountServiceAccountToken = automount;
      return o;
    }
    case 'ConfigMap': {
      const data = map(fs, 2, false);
      const binaryData = map(fs, 3, true);
      if (data) o.data = data;
      if (binaryData) o.binaryData = binaryData;
      const immutable = bool(4);
      if (immutable !== undefined) o.immutable = immutable;
      return o;
    }
    case 'Secret': {
      const data = map(fs, 2, true);
      const type = fs.find((f) => f.no === 3);
      const stringData = map(fs, 4, false);
      if (data) o.data = data;
      if (type && str(type)) o.type = str(type);
      if (stringData) o.stringData = stringData;
      const immutable = bool(5);
      if (immutable !== undefined) o.immutable = immutable;
      return o;
    }
    default:
      return undefined;
  }
}
