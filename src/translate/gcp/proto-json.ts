/**
 * KMS answers over gRPC as protobuf objects with every default filled in (`destroyTime: null`,
 * `importJob: ""`, `etag: <Buffer>`, `createTime: {seconds: "1700000000", nanos: 0}`). gcloud talks
 * REST, whose JSON (https://protobuf.dev/programming-guides/json/) omits defaults and spells
 * timestamps, durations and bytes as strings. `--format` works on that shape, so convert to it.
 */

function isTimestampLike(v: object): v is { seconds?: unknown; nanos?: unknown } {
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k === 'seconds' || k === 'nanos');
}

function fraction(nanos: number): string {
  if (!nanos) return '';
  const digits = String(nanos).padStart(9, '0');
  return `.${digits.endsWith('000000') ? digits.slice(0, 3) : digits.endsWith('000') ? digits.slice(0, 6) : digits}`;
}

/** `{seconds, nanos}` -> `2030-01-01T00:00:00.123Z` (a Timestamp field) or `2592000s` (a Duration field). */
function wellKnown(field: string, v: { seconds?: unknown; nanos?: unknown }): string {
  const seconds = Number(v.seconds ?? 0);
  const nanos = Number(v.nanos ?? 0);
  if (/Time$/.test(field)) return `${new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '')}${fraction(nanos)}Z`;
  return `${seconds}${fraction(nanos)}s`;
}

/** A protobuf object from `@google-cloud/kms` as the REST API would return it. */
export function restJson(value: unknown, field = ''): unknown {
  if (value === null || value === undefined || value === '' || value === false) return undefined;
  if (typeof value === 'string') return /_UNSPECIFIED$/.test(value) ? undefined : value;
  if (typeof value === 'number') return value === 0 ? undefined : value;
  if (value instanceof Uint8Array) return value.length ? Buffer.from(value).toString('base64') : undefined;
  if (Array.isArray(value)) {
    const items = value.map((v) => restJson(v, field)).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (typeof value === 'object') {
    if (isTimestampLike(value) && /(Time|Duration|Period)$/.test(field)) return wellKnown(field, value);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const converted = restJson(v, k);
      if (converted !== undefined) out[k] = converted;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return value;
}
