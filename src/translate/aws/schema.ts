/** Reading the SDK's runtime operation schemas (`new XCommand({}).schema`) through smithy's NormalizedSchema. */
import { createRequire } from 'node:module';
import type { NormalizedSchema } from '@smithy/core/schema';

export type { NormalizedSchema };

// Loaded on first use (the client packages load it anyway), so importing this module stays cheap.
const require = createRequire(import.meta.url);
let smithy: typeof import('@smithy/core/schema') | undefined;
const schemas = () => (smithy ??= require('@smithy/core/schema') as typeof import('@smithy/core/schema'));

export type ShapeKind =
  | 'string'
  | 'boolean'
  | 'number'
  | 'bigint'
  | 'bigdecimal'
  | 'timestamp'
  | 'blob'
  | 'document'
  | 'structure'
  | 'union'
  | 'list'
  | 'map'
  | 'unit';

export function kindOf(ns: NormalizedSchema): ShapeKind {
  if (ns.isUnitSchema()) return 'unit';
  if (ns.isUnionSchema()) return 'union';
  if (ns.isStructSchema()) return 'structure';
  if (ns.isListSchema()) return 'list';
  if (ns.isMapSchema()) return 'map';
  if (ns.isBlobSchema()) return 'blob';
  if (ns.isTimestampSchema()) return 'timestamp';
  if (ns.isBooleanSchema()) return 'boolean';
  if (ns.isNumericSchema()) return 'number';
  if (ns.isBigIntegerSchema()) return 'bigint';
  if (ns.isBigDecimalSchema()) return 'bigdecimal';
  if (ns.isDocumentSchema()) return 'document';
  return 'string';
}

export function isComplex(kind: ShapeKind): boolean {
  return kind === 'structure' || kind === 'union' || kind === 'list' || kind === 'map';
}

/** The target shape's model name, when the schema carries one (structures, lists, maps, named strings). */
export function shapeName(ns: NormalizedSchema): string | undefined {
  const raw = (ns as unknown as { schema?: unknown }).schema;
  if (Array.isArray(raw) && typeof raw[2] === 'string') return raw[2];
  return undefined;
}

export interface OperationModel {
  name: string;
  input: NormalizedSchema;
  output: NormalizedSchema;
}

/** Input and output of a command class, from an instance's static schema. */
export function operationModel(CommandClass: new (...args: never[]) => unknown): OperationModel | undefined {
  const schema = (new (CommandClass as unknown as new (input: object) => { schema?: unknown })({})).schema;
  if (!Array.isArray(schema) || schema[0] !== 9) return undefined;
  const { NormalizedSchema } = schemas();
  return { name: String(schema[2]), input: NormalizedSchema.of(schema[4]), output: NormalizedSchema.of(schema[5]) };
}

export interface MemberInfo {
  name: string;
  schema: NormalizedSchema;
  kind: ShapeKind;
  required: boolean;
  traits: Record<string, unknown>;
}

/** Members of a structure in schema order; the schema lists required members first and counts them. */
export function structMembers(ns: NormalizedSchema): MemberInfo[] {
  if (!ns.isStructSchema()) return [];
  const raw = ns.getSchema() as unknown as unknown[];
  const requiredCount = typeof raw[6] === 'number' ? raw[6] : 0;
  const out: MemberInfo[] = [];
  let i = 0;
  for (const [name, member] of ns.structIterator()) {
    out.push({
      name,
      schema: member,
      kind: kindOf(member),
      required: i < requiredCount,
      traits: member.getMergedTraits() as Record<string, unknown>,
    });
    i++;
  }
  return out;
}

export function memberByName(ns: NormalizedSchema, name: string): MemberInfo | undefined {
  return structMembers(ns).find((m) => m.name === name);
}

/** Paths (`Credentials.SecretAccessKey`, `Parameters[].Value`, `Tags{}`) of members marked sensitive. */
export function sensitivePaths(ns: NormalizedSchema): string[] {
  const out: string[] = [];
  const walk = (schema: NormalizedSchema, path: string, seen: Set<unknown>): void => {
    const raw = schema.getSchema();
    if (typeof raw === 'object' && raw !== null) {
      if (seen.has(raw)) return;
      seen = new Set(seen).add(raw);
    }
    if (schema.isStructSchema()) {
      for (const [name, member] of schema.structIterator()) {
        const memberPath = path ? `${path}.${name}` : name;
        if (member.getMergedTraits().sensitive) out.push(memberPath);
        else walk(member, memberPath, seen);
      }
    } else if (schema.isListSchema()) {
      const value = schema.getValueSchema();
      if (value.getMergedTraits().sensitive) out.push(`${path}[]`);
      else walk(value, `${path}[]`, seen);
    } else if (schema.isMapSchema()) {
      const value = schema.getValueSchema();
      if (value.getMergedTraits().sensitive) out.push(`${path}{}`);
      else walk(value, `${path}{}`, seen);
    }
  };
  if (ns.getMergedTraits().sensitive) return ['*'];
  walk(ns, '', new Set());
  return out;
}

/** The top-level input member with the idempotencyToken trait, if the operation has one. */
export function idempotencyTokenMember(ns: NormalizedSchema): string | undefined {
  if (!ns.isStructSchema()) return undefined;
  for (const [name, member] of ns.structIterator()) if (member.getMergedTraits().idempotencyToken) return name;
  return undefined;
}

/** The output member carrying a streaming blob payload (S3 GetObject's Body), if any. */
export function streamingOutputMember(output: NormalizedSchema): string | undefined {
  for (const m of structMembers(output)) {
    if (m.kind === 'blob' && m.schema.isStreaming()) return m.name;
  }
  return undefined;
}
