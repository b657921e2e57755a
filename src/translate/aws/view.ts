/**
 * The SDK's output → what botocore hands the aws CLI's formatters: members in model order (REST
 * header members first), timestamps and blobs as they came over the wire, Python's int/float split,
 * and IAM's URL-encoded policy documents decoded into JSON (botocore's `json_decode_policies`).
 */
import { memberOrder } from './declarations.js';
import { kindOf, shapeName, structMembers, type MemberInfo, type NormalizedSchema } from './schema.js';
import { childrenNamed, parseWireJson, parseXml, WireNumber, type WireJson, type XmlNode } from './wire.js';

/** One response as received, captured below the SDK's deserializer. */
export interface RawResponse {
  /** Smithy protocol id: `aws.protocols#awsJson1_1`, `#restJson1`, `#awsQuery`, `#ec2Query`, `#restXml`. */
  protocol: string;
  body?: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
}

/** JSON-like data whose number members that Python would hold as floats are recorded here. */
const floats = new WeakMap<object, Set<string | number>>();

/** Whether `parent[key]` is a Python float (prints `1.0`, not `1`). */
export function isFloatAt(parent: object, key: string | number): boolean {
  return floats.get(parent)?.has(key) ?? false;
}

export function markFloat(parent: object, key: string | number): void {
  let set = floats.get(parent);
  if (!set) floats.set(parent, (set = new Set()));
  set.add(key);
}

type Raw =
  | { kind: 'json'; node: WireJson }
  | { kind: 'xml'; node: XmlNode }
  | { kind: 'xml-flat'; nodes: XmlNode[] }
  | { kind: 'text'; text: string }
  | undefined;

export interface ViewContext {
  packageName: string;
  /** Decode IAM policy documents, as botocore does for every IAM response. */
  iam: boolean;
}

const POLICY_DOCUMENT_MEMBERS = new Set(['PolicyDocument', 'AssumeRolePolicyDocument', 'Document']);

/** The CLI-shaped view of one response (an object, `{}` for empty outputs). */
export function cliView(
  output: Record<string, unknown>,
  schema: NormalizedSchema,
  raw: RawResponse | undefined,
  ctx: ViewContext,
): Record<string, unknown> {
  const protocol = raw?.protocol.split('#')[1] ?? '';
  const rest = protocol === 'restJson1' || protocol === 'restXml';
  const members = orderedMembers(schema, ctx);
  const out: Record<string, unknown> = {};
  let bodyRaw: Raw;
  try {
    bodyRaw = rootRaw(raw, protocol);
  } catch {
    bodyRaw = undefined;
  }
  const walker = new Walker(ctx, protocol);
  const located = (m: MemberInfo) => !!(m.traits.httpHeader || m.traits.httpPrefixHeaders || m.traits.httpResponseCode);
  const order = rest ? [...members.filter(located), ...members.filter((m) => !located(m))] : members;
  for (const m of order) {
    const value = output[m.name];
    if (value === undefined) continue;
    let memberRaw: Raw;
    if (rest && typeof m.traits.httpHeader === 'string') {
      const text = raw?.headers[m.traits.httpHeader.toLowerCase()];
      memberRaw = text === undefined ? undefined : { kind: 'text', text };
    } else if (rest && m.traits.httpPayload) {
      memberRaw = bodyRaw;
    } else if (!located(m)) {
      memberRaw = walker.member(bodyRaw, m);
    }
    walker.put(out, m.name, value, m, memberRaw);
  }
  return out;
}

function orderedMembers(schema: NormalizedSchema, ctx: ViewContext): MemberInfo[] {
  const members = structMembers(schema);
  const order = memberOrder(ctx.packageName, shapeName(schema));
  if (!order) return members;
  const rank = new Map(order.map((name, i) => [name, i]));
  return [...members].sort((a, b) => (rank.get(a.name) ?? 1e9) - (rank.get(b.name) ?? 1e9));
}

function rootRaw(raw: RawResponse | undefined, protocol: string): Raw {
  if (!raw?.body) return undefined;
  if (protocol.startsWith('awsJson') || protocol === 'restJson1') {
    return { kind: 'json', node: parseWireJson(raw.body) };
  }
  const root = parseXml(raw.body);
  if (!root) return undefined;
  if (protocol === 'awsQuery') {
    // <XResponse><XResult>…</XResult><ResponseMetadata/></XResponse>
    const result = root.children.find((c) => c.name.endsWith('Result'));
    return result ? { kind: 'xml', node: result } : undefined;
  }
  return { kind: 'xml', node: root };
}

class Walker {
  constructor(
    private readonly ctx: ViewContext,
    private readonly protocol: string,
  ) {}

  /** The raw form of a structure member. */
  member(parent: Raw, m: MemberInfo): Raw {
    if (!parent) return undefined;
    if (parent.kind === 'json') {
      const node = parent.node;
      if (!node || typeof node !== 'object' || Array.isArray(node) || node instanceof WireNumber) return undefined;
      const key = this.protocol === 'restJson1' && typeof m.traits.jsonName === 'string' ? m.traits.jsonName : m.name;
      return key in node ? { kind: 'json', node: node[key] } : undefined;
    }
    if (parent.kind === 'xml') {
      const traits = m.schema.getMemberTraits() as Record<string, unknown>;
      const name = typeof traits.xmlName === 'string' ? traits.xmlName : m.name;
      const flattened = !!m.schema.getMergedTraits().xmlFlattened;
      if (flattened) return { kind: 'xml-flat', nodes: childrenNamed(parent.node, name) };
      if (traits.xmlAttribute) {
        const text = parent.node.attributes[name];
        return text === undefined ? undefined : { kind: 'text', text };
      }
      const child = childrenNamed(parent.node, name)[0];
      return child ? { kind: 'xml', node: child } : undefined;
    }
    return undefined;
  }

  element(list: Raw, schema: NormalizedSchema, i: number): Raw {
    if (!list) return undefined;
    if (list.kind === 'json') return Array.isArray(list.node) ? { kind: 'json', node: list.node[i] } : undefined;
    if (list.kind === 'xml-flat') return list.nodes[i] ? { kind: 'xml', node: list.nodes[i] } : undefined;
    if (list.kind === 'xml') {
      const traits = schema.getValueSchema().getMergedTraits() as Record<string, unknown>;
      const name = typeof traits.xmlName === 'string' ? traits.xmlName : 'member';
      const node = childrenNamed(list.node, name)[i];
      return node ? { kind: 'xml', node } : undefined;
    }
    return undefined;
  }

  mapValue(map: Raw, schema: NormalizedSchema, key: string): Raw {
    if (!map) return undefined;
    if (map.kind === 'json') {
      const node = map.node;
      if (!node || typeof node !== 'object' || Array.isArray(node) || node instanceof WireNumber) return undefined;
      return key in node ? { kind: 'json', node: node[key] } : undefined;
    }
    const keyName = (schema.getKeySchema().getMergedTraits().xmlName as string | undefined) ?? 'key';
    const valueName = (schema.getValueSchema().getMergedTraits().xmlName as string | undefined) ?? 'value';
    const entries = map.kind === 'xml-flat' ? map.nodes : map.kind === 'xml' ? childrenNamed(map.node, 'entry') : [];
    const entry = entries.find((e) => childrenNamed(e, keyName)[0]?.text === key);
    const value = entry ? childrenNamed(entry, valueName)[0] : undefined;
    return value ? { kind: 'xml', node: value } : undefined;
  }

  /** Writes the view of `value` into `holder[key]`, marking floats. */
  put(holder: Record<string | number, unknown>, key: string | number, value: unknown, m: { name: string; schema: NormalizedSchema }, raw: Raw): void {
    const schema = m.schema;
    const kind = kindOf(schema);
    const scalar = rawScalar(raw);
    switch (kind) {
      case 'timestamp': {
        if (scalar instanceof WireNumber) {
          holder[key] = scalar.value;
          if (scalar.isFloat) markFloat(holder, key);
        } else if (typeof scalar === 'string') {
          holder[key] = scalar;
        } else if (value instanceof Date) {
          if (this.protocol.includes('Json') || this.protocol.startsWith('awsJson')) {
            // JSON protocols send epoch seconds; Python prints them as floats when fractional.
            holder[key] = value.getTime() / 1000;
            if (value.getTime() % 1000 !== 0) markFloat(holder, key);
          } else {
            holder[key] = value.toISOString();
          }
        } else holder[key] = value;
        return;
      }
      case 'blob':
        holder[key] = typeof scalar === 'string' && this.protocol !== 'restXml' && this.protocol !== 'restJson1' ? scalar : toBase64(value);
        return;
      case 'number':
      case 'bigdecimal':
      case 'bigint': {
        if (scalar instanceof WireNumber) {
          holder[key] = scalar.value;
          if (scalar.isFloat) markFloat(holder, key);
        } else {
          const n = typeof value === 'bigint' ? Number(value) : Number(value);
          holder[key] = n;
          if (typeof scalar === 'string' && /[.eE]/.test(scalar)) markFloat(holder, key);
        }
        return;
      }
      case 'string': {
        const text = value instanceof String ? String(value) : value;
        if (this.ctx.iam && POLICY_DOCUMENT_MEMBERS.has(m.name) && typeof text === 'string') {
          holder[key] = decodePolicy(text);
          return;
        }
        holder[key] = text;
        return;
      }
      case 'document':
        holder[key] = documentView(value);
        return;
      case 'list': {
        if (!Array.isArray(value)) {
          holder[key] = value;
          return;
        }
        const element = schema.getValueSchema();
        const arr: unknown[] = [];
        holder[key] = arr;
        value.forEach((v, i) => this.put(arr as unknown as Record<number, unknown>, i, v, { name: '', schema: element }, this.element(raw, schema, i)));
        return;
      }
      case 'map': {
        if (!value || typeof value !== 'object') {
          holder[key] = value;
          return;
        }
        const valueSchema = schema.getValueSchema();
        const obj: Record<string, unknown> = {};
        holder[key] = obj;
        for (const [k, v] of Object.entries(value)) {
          if (v === undefined) continue;
          this.put(obj, k, v, { name: '', schema: valueSchema }, this.mapValue(raw, schema, k));
        }
        return;
      }
      case 'structure':
      case 'union': {
        if (!value || typeof value !== 'object') {
          holder[key] = value;
          return;
        }
        const obj: Record<string, unknown> = {};
        holder[key] = obj;
        const source = value as Record<string, unknown>;
        for (const member of orderedMembers(schema, this.ctx)) {
          if (source[member.name] === undefined) continue;
          this.put(obj, member.name, source[member.name], member, this.member(raw, member));
        }
        // Unknown union members arrive as `$unknown: [name, value]`.
        if (Array.isArray(source.$unknown)) obj[String(source.$unknown[0])] = documentView(source.$unknown[1]);
        return;
      }
      default:
        holder[key] = value;
    }
  }
}

function rawScalar(raw: Raw): WireNumber | string | boolean | null | undefined {
  if (!raw) return undefined;
  if (raw.kind === 'text') return raw.text;
  if (raw.kind === 'xml') return raw.node.text;
  if (raw.kind === 'json') {
    const n = raw.node;
    if (n instanceof WireNumber || typeof n === 'string' || typeof n === 'boolean' || n === null) return n;
  }
  return undefined;
}

function toBase64(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (typeof value === 'string') return Buffer.from(value, 'utf8').toString('base64');
  return value;
}

function documentView(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return toBase64(value);
  if (Array.isArray(value)) return value.map(documentView);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = documentView(v);
    return out;
  }
  return value;
}

/** botocore's `decode_quoted_jsondoc`: unquote, then JSON; the original string if either fails. */
function decodePolicy(text: string): unknown {
  try {
    return fromWire(parseWireJson(pyUnquote(text)));
  } catch {
    return text;
  }
}

/** Python's `urllib.parse.unquote`: %XX decoding only (no `+`), invalid escapes left as they are. */
function pyUnquote(text: string): string {
  if (!text.includes('%')) return text;
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    const bytes = Uint8Array.from(run.match(/%([0-9a-fA-F]{2})/g)!.map((h) => parseInt(h.slice(1), 16)));
    return new TextDecoder('utf-8').decode(bytes);
  });
}

/** WireJson → plain data, floats recorded. */
export function fromWire(node: WireJson): unknown {
  if (node instanceof WireNumber) return node.value;
  if (Array.isArray(node)) {
    const arr: unknown[] = [];
    node.forEach((v, i) => {
      arr.push(fromWire(v));
      if (v instanceof WireNumber && v.isFloat) markFloat(arr, i);
    });
    return arr;
  }
  if (node && typeof node === 'object') {
    const obj: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      obj[k] = fromWire(v);
      if (v instanceof WireNumber && v.isFloat) markFloat(obj, k);
    }
    return obj;
  }
  return node;
}
