/**
 * Parsed CLI values (strings, JSON, shorthand) → SDK input values, with the checks botocore's
 * ParamValidator makes (types, unknown keys, nested required members, tagged unions), worded as it
 * words them, plus the enum and ARN checks only `runbook check` makes (the CLI sends those values and
 * the service refuses them).
 */
import { minimumOf } from './constraints.js';
import { declarations, enumsOfType, memberOrder, type EnumRef } from './declarations.js';
import type { AwsRuleId, Refusal } from './errors.js';
import { didYouMean } from './names.js';
import { pyStr } from './output.js';
import { kindOf, shapeName, structMembers, type NormalizedSchema } from './schema.js';
import type { ServicePackage } from './services.js';

export interface ValueProblem {
  message: string;
  ruleId: AwsRuleId;
  note?: string;
  refusal?: Refusal;
  /** The CLI's wording when `message` says it better for a check. */
  cliMessage?: string;
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
  /** How the user wrote it, for check messages: `--policy-arn`, `--tags[0].Key`. */
  label: string;
  /** botocore's name for it in validation messages: `PolicyArn`, `Tags[0].Key`. */
  name: string;
  enums: EnumRef[];
  arn: boolean;
  arnElements: boolean;
  /** botocore's `min`: a length for strings and lists, a value for numbers. */
  min?: number;
}

/** Converts one top-level member's value; `label` is how the user wrote it (`--tags`). */
export function convertMember(
  value: unknown,
  member: { name: string; schema: NormalizedSchema },
  structShape: string | undefined,
  label: string,
  ctx: ConvertContext,
): unknown {
  const hints = hintsFor(member.name, member.schema, structShape, label, member.name, ctx);
  if (value === null) return badType(value, kindOf(member.schema), hints, ctx);
  return convert(value, member.schema, hints, ctx);
}

function hintsFor(
  memberName: string,
  schema: NormalizedSchema,
  structShape: string | undefined,
  label: string,
  name: string,
  ctx: ConvertContext,
): MemberHints {
  const declared = structShape ? declarations(ctx.packageName).get(structShape)?.find((m) => m.name === memberName) : undefined;
  const target = shapeName(schema);
  const kind = kindOf(schema);
  const min = minimumOf(ctx.packageName, structShape, memberName);
  return {
    label,
    name,
    ...(min !== undefined ? { min } : {}),
    enums: declared ? enumsOfType(declared.type, ctx.pkg) : [],
    arn:
      kind === 'string' &&
      !declared?.takesName &&
      !NOT_ONLY_ARNS.has(`${ctx.packageName}#${memberName}`) &&
      (isArnName(memberName) || (!!target && /Arn|ARN/.test(target))),
    arnElements: kind === 'list' && !declared?.takesName && isArnListName(memberName),
  };
}

/** The types botocore's validator accepts per shape type, as it prints them. */
const validTypes: Record<string, string> = {
  string: "<class 'str'>",
  // The SDK's schemas do not tell integers from doubles; integers are by far the more common.
  number: "<class 'int'>",
  bigint: "<class 'int'>",
  bigdecimal: "<class 'float'>, <class 'decimal.Decimal'>, <class 'int'>",
  boolean: "<class 'bool'>",
  timestamp: "<class 'datetime.datetime'>, timestamp-string",
  blob: "<class 'bytes'>, <class 'bytearray'>, file-like object",
  structure: "<class 'dict'>",
  union: "<class 'dict'>",
  map: "<class 'dict'>",
  list: "<class 'list'>, <class 'tuple'>",
};

/** Python's `str()` of the value (`nan`, `inf` for the floats JSON allows). */
function pyValue(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  return pyStr(value);
}

/** The member names in model order, as botocore lists them. */
export function modelOrderNames(packageName: string, structure: string | undefined, names: string[]): string[] {
  const order = memberOrder(packageName, structure);
  return order ? [...names].sort((a, b) => order.indexOf(a) - order.indexOf(b)) : names;
}

/** `type(value)` of the Python value the CLI would hold. */
function pyType(value: unknown): string {
  if (value === null || value === undefined) return "<class 'NoneType'>";
  if (typeof value === 'string') return "<class 'str'>";
  if (typeof value === 'boolean') return "<class 'bool'>";
  if (typeof value === 'number') return Number.isInteger(value) ? "<class 'int'>" : "<class 'float'>";
  if (typeof value === 'bigint') return "<class 'int'>";
  if (Array.isArray(value)) return "<class 'list'>";
  if (value instanceof Uint8Array) return "<class 'bytes'>";
  return "<class 'dict'>";
}

function badType(value: unknown, kind: string, hints: MemberHints, ctx: ConvertContext): unknown {
  ctx.report({
    ruleId: 'aws-bad-value',
    refusal: 'validation',
    message: `Invalid type for parameter ${hints.name}, value: ${pyValue(value)}, type: ${pyType(value)}, valid types: ${validTypes[kind] ?? kind}`,
  });
  return value;
}

function convert(value: unknown, schema: NormalizedSchema, hints: MemberHints, ctx: ConvertContext): unknown {
  const kind = kindOf(schema);
  if (typeof value === 'string' && ctx.isPlaceholder(value)) return value;
  switch (kind) {
    case 'string': {
      if (typeof value !== 'string') return badType(value, kind, hints, ctx);
      const arn = hints.arn && !value.startsWith('arn:');
      const short = checkMin([...value].length, 'length', hints, ctx, arn ? ARN_NOTE : undefined);
      checkEnum(value, hints.enums, 'value', hints.label, ctx);
      if (arn && !short) checkArn(value, hints.label, ctx);
      return value;
    }
    case 'number':
    case 'bigdecimal':
      // Python's bool is an int: botocore lets it through.
      if (typeof value === 'boolean') return Number(value);
      if (typeof value !== 'number') return badType(value, kind, hints, ctx);
      checkMin(value, 'value', hints, ctx);
      return value;
    case 'bigint':
      if (typeof value === 'number' && Number.isInteger(value)) {
        checkMin(value, 'value', hints, ctx);
        return BigInt(value);
      }
      if (typeof value === 'bigint') return value;
      if (typeof value === 'boolean') return BigInt(value);
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
      checkMin(value.length, 'length', hints, ctx);
      const element = schema.getValueSchema();
      const elementHints: MemberHints = {
        label: '',
        name: '',
        enums: hints.enums.filter((e) => e.position === 'element').map((e) => ({ ...e, position: 'value' as const })),
        arn: hints.arnElements && kindOf(element) === 'string',
        arnElements: false,
      };
      return value.map((v, i) => convert(v, element, { ...elementHints, label: `${hints.label}[${i}]`, name: `${hints.name}[${i}]` }, ctx));
    }
    case 'map': {
      if (!isPlainObject(value)) return badType(value, kind, hints, ctx);
      const valueSchema = schema.getValueSchema();
      const out: Record<string, unknown> = {};
      const valueEnums = hints.enums.filter((e) => e.position === 'mapValue').map((e) => ({ ...e, position: 'value' as const }));
      for (const [k, v] of Object.entries(value)) {
        checkEnum(k, hints.enums, 'key', `${hints.label} key`, ctx);
        out[k] = convert(v, valueSchema, { label: `${hints.label}.${k}`, name: `${hints.name}.${k}`, enums: valueEnums, arn: false, arnElements: false }, ctx);
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

/** botocore's `_validate_structure`: union arity, then missing required members, then unknown keys, then each value. */
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
  const where = hints.name || 'input';
  const names = modelOrderNames(ctx.packageName, struct, [...byName.keys()]).join(', ');
  const keys = Object.keys(value);
  const report = (message: string, ruleId: AwsRuleId = 'aws-bad-value', note?: string) =>
    ctx.report({ ruleId, refusal: 'validation', message, ...(note ? { note } : {}) });
  if (kind === 'union') {
    if (keys.length === 0) report(`Must set one of the following keys for tagged unionstructure ${where}: ${names}.`);
    else if (keys.length > 1) report(`Invalid number of parameters set for tagged union structure ${where}. Can only set one of the following keys: ${names}.`);
  } else {
    for (const m of members) {
      if (m.required && !m.traits.idempotencyToken && !(m.name in value)) report(`Missing required parameter in ${where}: "${m.name}"`, 'aws-missing-required');
    }
  }
  for (const key of keys) {
    if (byName.has(key)) continue;
    const suggestion = didYouMean(key, byName.keys());
    report(`Unknown parameter in ${where}: "${key}", must be one of: ${names}`, 'aws-bad-value', suggestion ? `did you mean "${suggestion}"?` : undefined);
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const member = byName.get(key);
    if (!member) continue;
    const v = value[key];
    const label = hints.label ? `${hints.label}.${key}` : key;
    const name = hints.name ? `${hints.name}.${key}` : key;
    const memberHints = hintsFor(key, member.schema, struct, label, name, ctx);
    out[key] = v === null ? badType(v, member.kind, memberHints, ctx) : convert(v, member.schema, memberHints, ctx);
  }
  return out;
}

/** botocore's range_check: a length or value under the model's `min` (reported; true when it is). */
function checkMin(n: number, what: 'length' | 'value', hints: MemberHints, ctx: ConvertContext, note?: string): boolean {
  if (hints.min === undefined || n >= hints.min) return false;
  ctx.report({
    ruleId: note ? 'aws-expected-arn' : 'aws-bad-value',
    refusal: 'validation',
    message: `Invalid ${what} for parameter ${hints.name}, value: ${n}, valid min ${what}: ${hints.min}`,
    ...(note ? { note } : {}),
  });
  return true;
}

const ARN_NOTE = 'an ARN is expected: pass the full ARN, e.g. arn:aws:iam::123456789012:policy/NAME, not the bare name';

function checkEnum(value: string, enums: EnumRef[], position: EnumRef['position'], label: string, ctx: ConvertContext): void {
  for (const e of enums) {
    if (e.position !== position || e.values.includes(value) || ctx.isPlaceholder(value)) continue;
    const exact = e.values.find((v) => v.toLowerCase() === value.toLowerCase());
    const suggestion = exact ?? didYouMean(value, e.values);
    ctx.report({
      ruleId: 'aws-enum-value',
      refusal: 'service',
      message: `Invalid value '${value}' for ${label}: expected one of ${e.values.join(', ')}`,
      note: suggestion ? `did you mean '${suggestion}'?` : undefined,
    });
  }
}

function checkArn(value: string, label: string, ctx: ConvertContext): void {
  ctx.report({
    ruleId: 'aws-expected-arn',
    refusal: 'service',
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
    return badType(value, 'timestamp', hints, ctx);
  }
  return badType(value, 'timestamp', hints, ctx);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Date);
}
