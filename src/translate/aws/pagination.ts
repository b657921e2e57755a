/**
 * How the aws CLI merges pages (botocore's PageIterator): result keys concatenated, non-aggregate keys
 * from the first page, everything else dropped; `--max-items` truncation with a resumable NextToken.
 */
import { CLI_PAGINATORS } from './cli-pagination.js';
import { paginatorTokens } from './operations.js';
import { structMembers, type NormalizedSchema } from './schema.js';
import type { ServicePackage } from './services.js';

/** How the CLI pages an operation. */
export interface PaginationModel {
  inputTokens: string[];
  /** JMESPath expressions over the page (`NextMarker || Contents[-1].Key`). */
  outputTokens: string[];
  limitKey?: string;
  moreResults?: string;
  resultKeys: string[];
  nonAggregateKeys: string[];
}

export type PageKeys = Pick<PaginationModel, 'resultKeys' | 'nonAggregateKeys'>;

const list = (v: string | readonly string[] | undefined): string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : [...v]);

/**
 * The CLI's paginator for an operation, or undefined when the CLI does not paginate it: botocore's model
 * for the services it was generated for, else the SDK's own paginator (tokens probed) with default result keys.
 */
export async function paginationModel(
  service: string,
  operation: string,
  pkg: ServicePackage,
  output: NormalizedSchema,
): Promise<PaginationModel | undefined> {
  const defaults = (outputTokens: string[]) =>
    structMembers(output)
      .filter((m) => (m.kind === 'list' || m.kind === 'map') && !outputTokens.includes(m.name))
      .map((m) => m.name);
  const known = CLI_PAGINATORS[service];
  if (known) {
    const entry = known[operation];
    if (!entry) return undefined;
    const inputTokens = list(entry.i);
    const outputTokens = entry.o === undefined ? inputTokens : list(entry.o);
    return {
      inputTokens,
      outputTokens,
      limitKey: entry.l,
      moreResults: entry.m,
      resultKeys: entry.r ? [...entry.r] : defaults(outputTokens),
      nonAggregateKeys: list(entry.n),
    };
  }
  const tokens = await paginatorTokens(pkg, operation);
  if (!tokens) return undefined;
  return {
    inputTokens: [tokens.inputToken],
    outputTokens: [tokens.outputToken],
    limitKey: tokens.limitKey,
    resultKeys: defaults([tokens.outputToken]),
    nonAggregateKeys: [],
  };
}

export function getPath(data: unknown, path: string): unknown {
  let cursor: unknown = data;
  for (const part of path.split('.')) {
    if (!cursor || typeof cursor !== 'object' || Array.isArray(cursor)) return undefined;
    cursor = (cursor as Record<string, unknown>)[part];
  }
  return cursor;
}

/** botocore's set_value_from_jmespath for dotted paths. */
export function setPath(data: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cursor = data;
  for (const part of parts.slice(0, -1)) {
    if (!cursor[part] || typeof cursor[part] !== 'object') cursor[part] = {};
    cursor = cursor[part] as Record<string, unknown>;
  }
  cursor[parts[parts.length - 1]] = value;
}

/** `{key: value-or-null}` for the first page, as `_record_non_aggregate_key_values` builds it. */
export function nonAggregatePart(firstPage: Record<string, unknown>, keys: PageKeys): Record<string, unknown> {
  const part: Record<string, unknown> = {};
  for (const key of keys.nonAggregateKeys) setPath(part, key, getPath(firstPage, key) ?? null);
  return part;
}

/** `build_full_result()`: what `--output json` prints for a paginated call. */
export function buildFullResult(pages: Record<string, unknown>[], keys: PageKeys, resumeToken?: string): Record<string, unknown> {
  const complete: Record<string, unknown> = {};
  for (const page of pages) {
    for (const key of keys.resultKeys) {
      const value = getPath(page, key);
      if (value === undefined || value === null) continue;
      const existing = getPath(complete, key);
      if (existing === undefined || existing === null) {
        setPath(complete, key, Array.isArray(value) ? [...value] : value);
        continue;
      }
      if (Array.isArray(value) && Array.isArray(existing)) existing.push(...value);
      else if (typeof value === 'number' && typeof existing === 'number') setPath(complete, key, existing + value);
      else if (typeof value === 'string' && typeof existing === 'string') setPath(complete, key, existing + value);
    }
  }
  if (pages.length > 0) mergeDicts(complete, nonAggregatePart(pages[0], keys));
  if (resumeToken !== undefined) complete.NextToken = resumeToken;
  return complete;
}

/** What `--output text` formats, one object per page (the first carries the non-aggregate keys). */
export function textPages(pages: Record<string, unknown>[], keys: PageKeys, resumeToken?: string): Record<string, unknown>[] {
  const out = pages.map((page, i) => {
    const current = i === 0 ? nonAggregatePart(page, keys) : {};
    for (const key of keys.resultKeys) setPath(current, key, getPath(page, key) ?? null);
    return current;
  });
  if (resumeToken !== undefined) out.push({ NextToken: { NextToken: resumeToken } });
  return out;
}

function mergeDicts(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(from)) {
    const existing = into[key];
    if (isObject(existing) && isObject(value)) mergeDicts(existing, value);
    else into[key] = value;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The count the CLI truncates on: the first result key. */
export function primaryItems(page: Record<string, unknown>, keys: PageKeys): unknown[] | undefined {
  const value = keys.resultKeys[0] ? getPath(page, keys.resultKeys[0]) : undefined;
  return Array.isArray(value) ? value : undefined;
}

/** botocore's TokenEncoder: base64 of Python's `json.dumps` of the token dict. */
export function encodeToken(token: Record<string, unknown>): string {
  return Buffer.from(pyJsonDumps(token), 'utf8').toString('base64');
}

export function decodeToken(text: string): { token: Record<string, unknown>; skip: number } | undefined {
  try {
    const data = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as Record<string, unknown>;
    if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
    const skip = typeof data.boto_truncate_amount === 'number' ? data.boto_truncate_amount : 0;
    delete data.boto_truncate_amount;
    return { token: data, skip };
  } catch {
    return undefined;
  }
}

/** `json.dumps` defaults: `", "` and `": "` separators, ASCII-only strings. */
function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${pyJsonDumps(k)}: ${pyJsonDumps(v)}`)
    .join(', ')}}`;
}
