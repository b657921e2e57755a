/**
 * Google API errors, whichever transport raised them: gRPC (`@google-cloud/kms`, `err.code` 6) or
 * REST (IAM v1 through gaxios, HTTP 409 with `error.status: "ALREADY_EXISTS"`). Both become a
 * `GcpApiError` named after the canonical status, the way AWS errors are named after their exception.
 * Codes: https://grpc.github.io/grpc/core/md_doc_statuscodes.html, https://cloud.google.com/apis/design/errors
 */

/** gRPC status codes by canonical name. */
export const GRPC_CODES = {
  OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, DATA_LOSS: 15, UNAUTHENTICATED: 16,
} as const;
export type GrpcStatus = keyof typeof GRPC_CODES;

const statusByCode = new Map<number, GrpcStatus>(Object.entries(GRPC_CODES).map(([k, v]) => [v, k as GrpcStatus]));

/** HTTP status -> canonical status, for REST errors whose body carries none. */
const statusByHttp: Record<number, GrpcStatus> = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED', 499: 'CANCELLED', 500: 'INTERNAL', 501: 'UNIMPLEMENTED', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED',
};

const hints: Partial<Record<GrpcStatus, string>> = {
  UNAUTHENTICATED: 'no usable credentials: run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS',
  PERMISSION_DENIED: 'the Application Default Credentials lack a permission on this resource, or the API is not enabled in the project',
};

export class GcpApiError extends Error {
  /** The canonical status, e.g. `ALREADY_EXISTS`: what the engine shows as the error code. */
  override readonly name: GrpcStatus;
  readonly code: number;
  readonly httpStatus?: number;
  readonly options: { hint?: string };

  constructor(status: GrpcStatus, message: string, options: { httpStatus?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = status;
    this.code = GRPC_CODES[status];
    if (options.httpStatus !== undefined) this.httpStatus = options.httpStatus;
    this.options = hints[status] ? { hint: hints[status] } : {};
  }
}

interface GrpcLike {
  code?: unknown;
  details?: unknown;
  message?: unknown;
}

interface GaxiosLike {
  status?: number;
  response?: { status?: number; data?: unknown };
  code?: unknown;
  message?: string;
}

/** Any error from the KMS client or the IAM REST calls, as a `GcpApiError` (others pass through). */
export function toGcpError(error: unknown): unknown {
  if (error instanceof GcpApiError || !error || typeof error !== 'object') return error;
  const http = (error as GaxiosLike).response?.status ?? (error as GaxiosLike).status;
  if (typeof http === 'number') {
    const body = (error as GaxiosLike).response?.data as { error?: { status?: string; message?: string } } | string | undefined;
    const detail = typeof body === 'object' ? body?.error : undefined;
    const status = detail?.status && detail.status in GRPC_CODES ? (detail.status as GrpcStatus) : statusByHttp[http] ?? (http >= 500 ? 'UNAVAILABLE' : 'UNKNOWN');
    const message = detail?.message ?? (typeof body === 'string' && body ? body.slice(0, 300) : (error as Error).message);
    return new GcpApiError(status, message, { httpStatus: http, cause: error });
  }
  const code = (error as GrpcLike).code;
  if (typeof code === 'number' && statusByCode.has(code)) {
    const details = (error as GrpcLike).details;
    const message = typeof details === 'string' && details ? details : String((error as GrpcLike).message ?? '');
    return new GcpApiError(statusByCode.get(code)!, message, { cause: error });
  }
  return error;
}

function statusOf(error: unknown): GrpcStatus | undefined {
  const e = toGcpError(error);
  return e instanceof GcpApiError ? e.name : undefined;
}

/** gRPC 6, or HTTP 409 whose body says ALREADY_EXISTS (a 409 can also be ABORTED: a stale etag). */
export function isAlreadyExists(error: unknown): boolean {
  return statusOf(error) === 'ALREADY_EXISTS';
}

export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 'NOT_FOUND';
}

/** A concurrent policy change (stale etag): read, modify and write again. */
export function isAborted(error: unknown): boolean {
  return statusOf(error) === 'ABORTED';
}

/**
 * A service account is not usable in IAM policies for a while after it is created ("you might need to
 * wait for 60 seconds or more", https://cloud.google.com/iam/docs/service-accounts-create): a policy
 * naming it is refused as INVALID_ARGUMENT "… does not exist" in that window.
 */
export function isNewServiceAccountNotYetVisible(error: unknown): boolean {
  const e = toGcpError(error);
  return e instanceof GcpApiError && e.name === 'INVALID_ARGUMENT' && /service ?account .*does not exist/i.test(e.message);
}

const transient = new Set<GrpcStatus>(['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'RESOURCE_EXHAUSTED', 'ABORTED', 'INTERNAL']);
const transientNetwork = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/** Throttling, 5xx, dropped connections, a stale etag, a service account still propagating. */
export function isRetryable(error: unknown): boolean {
  const status = statusOf(error);
  if (status && transient.has(status)) return true;
  if (isNewServiceAccountNotYetVisible(error)) return true;
  const code = (error as { code?: unknown } | null)?.code ?? (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof code === 'string' && transientNetwork.has(code);
}
