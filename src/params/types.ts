/**
 * Typed runbook parameters: one validator per type. The declaration schema (zod) lives in
 * ./schema.ts, which only parsing needs: a run from the parse cache never loads zod.
 */
import { fullMatcher } from './pattern.js';
import type { ParamDeclaration } from './schema.js';

export const paramTypeNames = [
  'string', 'integer', 'boolean', 'enum', 'aws-region', 'aws-account-id', 'arn',
  'gcp-project-id', 'gcp-location', 'k8s-name', 'secret',
] as const;
export type ParamType = (typeof paramTypeNames)[number];

export interface Param extends ParamDeclaration {
  name: string;
  /** Declared in frontmatter, or inferred from a `$VAR` nothing sets. */
  origin: 'declared' | 'inferred';
  secret: boolean;
  required: boolean;
  position?: { line: number; column: number };
}

export const paramNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Check = (value: string, param: Param) => string | undefined;

const regex = (re: RegExp, expected: string): Check => (v) => (re.test(v) ? undefined : expected);

/** One validator per type: returns what was expected, or undefined when the value is fine. */
export const paramValidators: Record<ParamType, Check> = {
  string: () => undefined,
  secret: () => undefined,
  integer: regex(/^-?\d+$/, 'a whole number'),
  boolean: regex(/^(true|false)$/, 'true or false'),
  enum: (v, p) => (p.values?.map(String).includes(v) ? undefined : `one of ${p.values?.join(', ')}`),
  'aws-region': regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/, 'an AWS region such as us-east-1'),
  'aws-account-id': regex(/^\d{12}$/, 'a 12-digit AWS account id'),
  arn: (v, p) => {
    const m = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|aws|)?:(.+)$/.exec(v);
    if (!m) return 'an ARN (arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE)';
    if (p.service && m[2] !== p.service) return `an ARN of service ${p.service}, not ${m[2]}`;
    if (p.resource && !new RegExp(`^${p.resource}[/:]`).test(m[5]!)) return `an ARN of a ${p.service ?? ''} ${p.resource}`.replace('  ', ' ');
    return undefined;
  },
  'gcp-project-id': regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'a Google Cloud project id (6-30 lowercase letters, digits, hyphens)'),
  'gcp-location': regex(/^(global|[a-z]+(-[a-z]+\d+)?|[a-z]+\d+)$/, 'a Google Cloud location such as global or us-central1'),
  'k8s-name': (v) =>
    v.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(v)
      ? undefined
      : 'a Kubernetes name (lowercase letters, digits, `-` and `.`)',
};

/** Validate a value for a parameter: type, then pattern. Returns the problem, or undefined. */
export function validateParam(param: Param, value: string): string | undefined {
  const expected = paramValidators[param.type](value, param);
  if (expected) return `expected ${expected}`;
  if (param.values && param.type !== 'enum' && !param.values.map(String).includes(value)) return `expected one of ${param.values.join(', ')}`;
  if (param.pattern && !fullMatcher(param.pattern).matches(value)) return `expected a value matching /${param.pattern}/`;
  return undefined;
}
