/**
 * Parsed CLI values (strings, JSON, shorthand) → SDK input values, with the checks botocore's
 * ParamValidator makes (types, unknown keys, nested required members) plus enum and ARN checks.
 */
import { declarations, enumsOfType, type EnumRef } from './declarations.js';
import type { AwsRuleId } from './errors.js';
import { didYouMean } from './names.js';
import { kindOf, shapeName, structMembers, type NormalizedSchema } from './schema.js';
import type { ServicePackage } from './services.js';

export interface ValueProblem {
  message: string;
  ruleId: AwsRuleId;
  note?: string;
}

export interface ConvertContext {
  pkg: ServicePackage;
  packageName: string;
  report(problem: ValueProblem): void;
  /** Whether a string holds a value unknown until run time (`<from step 3: KEY_ARN>`); such values are not checked. */
  isPlaceholder(value: string): boolean;
}

/** Arn-named members that services document as ARNs but also take names (`--task-arn AWS-RunShellScript`). */
const NOT_ONLY_ARNS = new Set(['@aws-sdk/client-ssm#TaskArn']);

/** A member name or shape name that says "this is an ARN". */
export function isArnName(name: string | undefined): boolean {
  return !!name && /(Arn|ARN)$/.test(name);
}

function isArnListName(name: string | undefined): boolean {
  return !!name && /(Arns|ARNs|ArnList|ARNList)$/.test(name);
}

interface MemberHints {
  /** Parameter name for messages: `--policy-arn` or `Tags[0].Key`. */
  label: string;
  enums: EnumRef[];
  arn: boolean;
  arnElements: boolean;
}

/** Converts one top-level member's value; `label` is how the user wrote it (`--tags`). */
export function convertMember(
  value: unknown,
  member: { name: string; schema: NormalizedSchema },
  structShape: string | undefined,
  label: string,
  ctx: ConvertContext,
): unknown {
  return convert(value, member.schema, hintsFor(member.name, member.schema, structShape, label, ctx), ctx);
}

function hintsFor(
  memberName: string,
  schema: NormalizedSchema,
  structShape: string | undefined,
  label: string,
  ctx: ConvertContext,
): MemberHints {
  const declared = structShape ? declarations(ctx.packageName).get(structShape)?.find((m) => m.name === memberName) : undefined;
  const target = shapeName(schema);
  const kind = kindOf(schema);
  return {
    label,
    enums: declared ? enumsOfType(declared.type, ctx.pkg) : [],
    arn:
      kind === 'string' &&
      !declared?.takesName &&
      !NOT_ONLY_ARNS.has(`${ctx.packageName}#${memberName}`) &&
      (isArnName(memberName) || (!!target && /Arn|ARN/.test(target))),
    arnElements: kind === 'list' && !declared?.takesName && isArnListName(memberName),
  };
}

const typeNames: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  bigint: 'an integer',
  bigdecimal: 'a number',
  boolean: 'a boolean',
  timestamp: 'a timestamp',
  blob: 'a blob (text or fileb://)',
  structure: 'an object',
  union: 'an object with exactly one member',
  list: 'a list',
  map: 'an object (map)',
};

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'bytes';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

function badType(value: unknown, kind: string, hints: MemberHints, ctx: ConvertContext): unknown {
  ctx.report({
    ruleId: 'aws-bad-value',
    message: `Invalid type for parameter ${hints.label}: expected ${typeNames[kind] ?? kind}, got ${describe(value)}`,
  });
  return value;
}

function convert(value: unknown, schema: NormalizedSchema, hints: MemberHints, ctx: ConvertContext): unknown {
  const kind = kindOf(schema);
  if (typeof value === 'string' && ctx.isPlaceholder(value)) return value;
  switch (kind) {
    case 'string': {
      if (typeof value !== 'string') return badType(value, kind, hints, ctx);
      checkEnum(value, hints.enums, 'value', hints.label, ctx);
      if (hints.arn) checkArn(value, hints.label, ctx);
      return value;
    }
    case 'number':
    case 'bigdecimal':
      if (typeof value !== 'number') return badType(value, kind, hints, ctx);
      return value;
    case 'bigint':
      if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
      if (typeof value === 'bigint') return value;
      return badType(value, kind, hints, ctx);
    case 'boolean':
      if (typeof value !== 'boolean') return badType(value, kind, hints, ctx);
      return value;
    case 'timestamp':
      return toDate(value, hints, ctx);
    case 'blob':
      if (value instanceof Uint8Array) return value;
      if (typeof value === 'string') return new TextEncoder().encode(value);
      return badType(value, kind, hints, ctx);
    case 'document':
      return value;
    case 'list': {
      if (!Array.isArray(value)) return badType(value, kind, hints, ctx);
      const element = schema.getValueSchema();
      const elementHints: MemberHints = {
        label: '',
        enums: hints.enums.filter((e) => e.position === 'element').map((e) => ({ ...e, position: 'value' as const })),
        arn: hints.arnElements && kindOf(element) === 'string',
        arnElements: false,
      };
      return value.map((v, i) => convert(v, element, { ...elementHints, label: `${hints.label}[${i}]` }, ctx));
    }
    case 'map': {
      if (!isPlainObject(value)) return badType(value, kind, hints, ctx);
      const valueSchema = schema.getValueSchema();
      const out: Record<string, unknown> = {};
      const valueEnums = hints.enums.filter((e) => e.position === 'mapValue').map((e) => ({ ...e, position: 'value' as const }));
      for (const [k, v] of Object.entries(value)) {
        checkEnum(k, hints.enums, 'key', `${hints.label} key`, ctx);
        out[k] = convert(v, valueSchema, { label: `${hints.label}.${k}`, enums: valueEnums, arn: false, arnElements: false }, ctx);
      }
      return out;
    }
    case 'structure':
    case 'union':
      return convertStruct(value, schema, kind, hints, ctx);
    default:
      return value;
  }
}

function convertStruct(
  value: unknown,
  schema: NormalizedSchema,
  kind: 'structure' | 'union',
  hints: MemberHints,
  ctx: ConvertContext,
): unknown {
  if (!isPlainObject(value)) return badType(value, kind, hints, ctx);
  const members = structMembers(schema);
  const byName = new Map(members.map((m) => [m.name, m]));
  const struct = shapeName(schema);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const member = byName.get(key);
    const label = hints.label ? `${hints.label}.${key}` : key;
    if (!member) {
      const suggestion = didYouMean(key, byName.keys());
      ctx.report({
        ruleId: 'aws-bad-value',
        message: `Unknown parameter in ${hints.label || 'input'}: "${key}", must be one of: ${[...byName.keys()].join(', ')}`,
        note: suggestion ? `did you mean "${suggestion}"?` : undefined,
      });
      continue;
    }
    if (v === null) {
      ctx.report({ ruleId: 'aws-bad-value', message: `Invalid type for parameter ${label}: null is not allowed` });
      continue;
    }
    out[key] = convert(v, member.schema, hintsFor(key, member.schema, struct, label, ctx), ctx);
  }
  if (kind === 'union') {
    const set = Object.keys(out).length;
    if (set !== 1) {
      ctx.report({
        ruleId: 'aws-bad-value',
        message: `Invalid value for ${hints.label}: exactly one of ${[...byName.keys()].join(', ')} must be set (got ${set})`,
      });
    }
  } else {
    for (const m of members) {
      if (m.required && !(m.name in value) && !m.traits.idempotencyToken) {
        ctx.report({
          ruleId: 'aws-missing-required',
          message: `Missing required parameter in ${hints.label}: "${m.name}"`,
        });
      }
    }
  }
  return out;
}

function checkEnum(value: string, enums: EnumRef[], position: EnumRef['position'], label: string, ctx: ConvertContext): void {
  for (const e of enums) {
    if (e.position !== position || e.values.includes(value) || ctx.isPlaceholder(value)) continue;
    const exact = e.values.find((v) => v.toLowerCase() === value.toLowerCase());
    const suggestion = exact ?? didYouMean(value, e.values);
    ctx.report({
      ruleId: 'aws-enum-value',
      message: `Invalid value '${value}' for ${label}: expected one of ${e.values.join(', ')}`,
      note: suggestion ? `did you mean '${suggestion}'?` : undefined,
    });
  }
}

function checkArn(value: string, label: string, ctx: ConvertContext): void {
  if (value.startsWith('arn:')) return;
  ctx.report({
    ruleId: 'aws-expected-arn',
    message: `Invalid value '${value}' for ${label}: expected an ARN (arn:partition:service:region:account:resource)`,
    note: 'pass the full ARN, e.g. arn:aws:iam::123456789012:policy/NAME, not the bare name',
  });
}

/** Timestamps as botocore accepts them: ISO 8601 (date only too), or epoch seconds. */
function toDate(value: unknown, hints: MemberHints, ctx: ConvertContext): unknown {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value * 1000);
  if (typeof value === 'string') {
    const t = value.trim();
    if (/^-?\d+(\.\d+)?$/.test(t)) return new Date(Number(t) * 1000);
    const iso = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(t);
    // botocore treats a timestamp without a zone as UTC.
    const text = iso && !iso[1] ? `${t.replace(' ', 'T')}${t.length > 10 ? 'Z' : 'T00:00:00Z'}` : t;
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) return new Date(ms);
    ctx.report({
      ruleId: 'aws-bad-value',
      message: `Invalid timestamp for ${hints.label}: '${value}' (use ISO 8601 like 2024-01-31T12:00:00Z, or epoch seconds)`,
    });
    return value;
  }
  return badType(value, 'timestamp', hints, ctx);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Date);
}
