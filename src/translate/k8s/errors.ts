/**
 * Errors worded as kubectl words them, keeping what retry and adoption need: the HTTP status and
 * the Status `reason` of API errors, the exit code of exec'd commands.
 */

export const K8S_RULE_IDS = ['k8s-unknown-verb', 'k8s-unknown-flag', 'k8s-bad-value'] as const;
export type K8sRuleId = (typeof K8S_RULE_IDS)[number];

/** The command line is wrong (kubectl would refuse it before contacting the server). */
export class K8sUsageError extends Error {
  override readonly name = 'K8sUsageError';
  constructor(
    message: string,
    readonly ruleId: K8sRuleId,
    readonly argIndex: number,
    readonly note?: string,
  ) {
    super(message);
  }
}

/**
 * The API server answered with a Status: `Error from server (AlreadyExists): namespaces "vault" already exists`.
 * `name` is the Status reason, so events show it as the error code.
 */
export class K8sApiError extends Error {
  override readonly name: string;
  constructor(
    readonly code: number,
    readonly reason: string,
    readonly statusMessage: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(`Error from server (${reason}): ${statusMessage}`);
    this.name = reason || 'ServerError';
  }
}

/** A client-side failure kubectl reports as `error: …` (timeouts, unmet preconditions). */
export class K8sError extends Error {
  override readonly name = 'K8sError';
  constructor(message: string, readonly retryable = false) {
    super(message);
  }
}

/** `kubectl exec` of a command that exited non-zero; stdout/stderr kept for callers that read them. */
export class K8sExecError extends Error {
  override readonly name = 'K8sExecError';
  constructor(
    readonly exitCode: number,
    readonly stdout: string,
    readonly stderr: string,
    readonly command: string[],
  ) {
    const tail = stderr.trim().split('\n').filter(Boolean).slice(-5).join('\n');
    super(`command terminated with exit code ${exitCode}${tail ? `: ${tail}` : ''}`);
  }
}

/** Status from an ApiException body (string or parsed JSON). */
export function apiErrorFrom(code: number, body: unknown): K8sApiError {
  let status: Record<string, unknown> | undefined;
  if (typeof body === 'string') {
    try {
      status = JSON.parse(body) as Record<string, unknown>;
    } catch {
      status = undefined;
    }
  } else if (body && typeof body === 'object') status = body as Record<string, unknown>;
  const reason = typeof status?.reason === 'string' && status.reason ? status.reason : reasonForCode(code);
  const message = typeof status?.message === 'string' && status.message ? status.message : typeof body === 'string' && body.trim() ? body.trim() : `the server responded with HTTP ${code}`;
  return new K8sApiError(code, reason, message, status?.details as Record<string, unknown> | undefined);
}

function reasonForCode(code: number): string {
  return (
    ({ 400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 409: 'Conflict', 410: 'Expired', 415: 'UnsupportedMediaType', 422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout' } as Record<number, string>)[code] ?? 'Unknown'
  );
}

export function isNotFound(error: unknown): boolean {
  return error instanceof K8sApiError && error.code === 404;
}

/** A create of something that is there: 409 with reason AlreadyExists (not a 409 Conflict). */
export function isAlreadyExists(error: unknown): boolean {
  if (error instanceof K8sApiError) return error.code === 409 && error.reason === 'AlreadyExists';
  // `vault operator init` on an initialized Vault (adoption then finds it initialized).
  if (error instanceof K8sExecError) return /Vault is already initialized/.test(error.stderr);
  return false;
}

const retryableCodes = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENETUNREACH', 'UND_ERR_SOCKET']);

/** Throttling (429), server faults (5xx but 501), dropped connections. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof K8sApiError) return error.code === 429 || (error.code >= 500 && error.code !== 501);
  if (error instanceof K8sError) return error.retryable;
  if (error instanceof K8sExecError || error instanceof K8sUsageError) return false;
  const e = error as { code?: unknown; errno?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.errno ?? e?.cause?.code;
  return typeof code === 'string' && retryableCodes.has(code);
}
