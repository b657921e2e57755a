/** The typed SDK call an `aws …` command becomes, and its one-line description for plans. */
import type { PaginationModel } from './pagination.js';

export interface AwsCall {
  /** CLI service name, e.g. `kms`. */
  service: string;
  /** `@aws-sdk/client-kms`. */
  packageName: string;
  /** `KMS`, for display: `KMS.CreateKey`. */
  serviceId: string;
  /** `CreateKey`. */
  operation: string;
  /** SDK input: Dates for timestamps, Uint8Arrays for blobs. */
  input: Record<string, unknown>;
  query?: string;
  output: 'json' | 'text' | 'table';
  region?: string;
  profile?: string;
  endpointUrl?: string;
  /** Fetch and merge every page, as the CLI does unless `--no-paginate` (or a manual token/limit argument). */
  paginate: boolean;
  /** False for read-only operations (Get*, List*, Describe*, Head*, Search*…). */
  mutating: boolean;
  /** Paths of members marked sensitive (`SecretString`, `Credentials.SecretAccessKey`, `Parameters[].Value`). */
  sensitiveInputPaths: string[];
  sensitiveOutputPaths: string[];
  /** The input member the model marks as the operation's idempotency token (`ClientToken`, `clientRequestToken`). */
  idempotencyToken?: string;
  /** How the CLI pages this operation, with its `--page-size`/`--max-items`/`--starting-token`, when paginating. */
  pagination?: PaginationModel & { pageSize?: number; maxItems?: number; startingToken?: string };
  /** Streaming output (s3api get-object): the absolute path the payload is written to. */
  outfile?: string;
  /** AWS_DEFAULT_OUTPUT names no format: the CLI makes the call, then fails printing it. */
  badOutput?: string;
  /** `--cli-read-timeout`/`--cli-connect-timeout`, in seconds (0: none). */
  timeouts?: { read?: number; connect?: number };
  /** botocore calls it without a region (IAM, STS, Route 53…), signing in us-east-1. */
  globalService?: boolean;
}

/** `KMS.CreateKey {"Description":"vault unseal"}`, with sensitive members shown as `***`. */
export function describeCall(call: AwsCall): string {
  const input = redact(call.input, call.sensitiveInputPaths);
  const body = Object.keys(input).length === 0 ? '{}' : JSON.stringify(input, (_key, value: unknown) => displayValue(value));
  return `${call.serviceId}.${call.operation} ${body}`;
}

function displayValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** A copy of `value` with the members at `paths` (dot paths, `[]` for list elements, `{}` for map values) masked. */
export function redact<T>(value: T, paths: readonly string[], mask = '***'): T {
  if (paths.length === 0) return value;
  if (paths.includes('*')) return mask as T;
  const copy = structuredCloneLoose(value);
  for (const path of paths) maskPath(copy, path.split(/\.|(?=\[\])|(?=\{\})/).filter(Boolean), mask);
  return copy;
}

function maskPath(node: unknown, parts: string[], mask: string): void {
  if (node === null || typeof node !== 'object' || parts.length === 0) return;
  const [head, ...tail] = parts;
  const holder = node as Record<string, unknown>;
  const keys = head === '[]' ? (Array.isArray(node) ? node.keys() : []) : head === '{}' ? Object.keys(holder) : [head];
  for (const key of keys) {
    const k = key as string;
    if (!(k in holder)) continue;
    if (tail.length === 0) holder[k] = mask;
    else maskPath(holder[k], tail, mask);
  }
}

function structuredCloneLoose<T>(value: T): T {
  if (value instanceof Date || value instanceof Uint8Array || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => structuredCloneLoose(v)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = structuredCloneLoose(v);
  return out as T;
}
