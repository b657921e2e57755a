/**
 * Errors worded as kubectl words them, keeping what retry and adoption need: the HTTP status and
 * the Status `reason` of API errors, the exit code of exec'd commands.
 */

/** `k8s-not-translated`: valid kubectl that this translator does not reproduce (the real kubectl runs it). */
export const K8S_RULE_IDS = ['k8s-unknown-verb', 'k8s-unknown-flag', 'k8s-bad-value', 'k8s-not-translated'] as const;
export type K8sRuleId = (typeof K8S_RULE_IDS)[number];

/**
 * The command line is wrong (kubectl would refuse it before contacting the server), or, with ruleId
 * `k8s-not-translated`, right but not one this translator reproduces. `message` is for `runbook check`;
 * `cli` is what kubectl itself prints on stderr for it, when that differs from the message.
 */
export class K8sUsageError extends Error {
  override readonly name = 'K8sUsageError';
  constructor(
    message: string,
    readonly ruleId: K8sRuleId,
    readonly argIndex: number,
    readonly note?: string,
    /** null: kubectl prints its help text here, which the translator does not reproduce. */
    readonly cli?: string | null,
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
    /** kubectl reports it inside its own error, `error: <wrap><statusMessage>` (`failed to create configmap: `). */
    readonly wrap?: string,
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

/** Several failures of one command (`kubectl get pod a b` when neither exists): kubectl reports each. */
export class K8sErrors extends Error {
  override readonly name = 'K8sErrors';
  constructor(readonly errors: unknown[]) {
    super(errors.map((e) => (e instanceof Error ? e.message : String(e))).join('\n'));
  }
}

/** What kubectl had printed on stdout before it failed (the objects created before the refused one, the gets found). */
const printed = new WeakMap<object, string>();

export function withPrinted<E>(error: E, stdout: string): E {
  if (stdout && error && typeof error === 'object') printed.set(error, stdout);
  return error;
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

/** No SDK translation for the command: the real kubectl should run it (when it is installed). */
export function isUntranslatable(error: unknown): boolean {
  return error instanceof K8sUsageError && (error.ruleId === 'k8s-not-translated' || error.cli === null);
}

/**
 * What kubectl prints on stderr and exits with when a command fails (kubectl's cmdutil.CheckErr and
 * StandardErrorMessage): `Error from server (Reason): …`, the Invalid form listing each cause, the exec'd
 * command's own exit status, `error: …` for the rest. `stdout` is what kubectl had printed before it
 * failed (the exec'd command's output).
 */
export function kubectlFailure(error: unknown): { stderr: string; exitCode: number; stdout?: string } {
  if (error instanceof K8sExecError) return { stdout: error.stdout, stderr: `${error.stderr}command terminated with exit code ${error.exitCode}\n`, exitCode: error.exitCode };
  const stdout = error && typeof error === 'object' ? printed.get(error) : undefined;
  const errors = error instanceof K8sErrors ? error.errors : [error];
  return { stderr: errors.map(failureText).join(''), exitCode: 1, ...(stdout ? { stdout } : {}) };
}

function failureText(error: unknown): string {
  const line = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  if (error instanceof K8sUsageError) return line(error.cli ?? withErrorPrefix(error.message));
  if (error instanceof K8sApiError) return line(apiErrorText(error));
  const message = error instanceof Error ? error.message : String(error);
  // K8sError messages are kubectl's own words, prefixed or not (`The connection to the server … was refused`).
  return line(error instanceof K8sError ? message : withErrorPrefix(message));
}

const withErrorPrefix = (message: string) => (message.startsWith('error: ') ? message : `error: ${message}`);

function apiErrorText(e: K8sApiError): string {
  if (e.wrap !== undefined) return `error: ${e.wrap}${e.statusMessage}`;
  if (e.reason === 'Invalid') {
    // cmdutil checkErr: the server's message when it gave no details (or no kind, name and causes).
    if (!e.details) return e.statusMessage ? `The request is invalid: ${e.statusMessage}` : 'The request is invalid';
    const d = e.details;
    const causes = ((d.causes as Array<{ field?: string; message?: string }> | undefined) ?? []).map((c) => `${c.field ?? ''}: ${c.message ?? ''}`);
    let head = 'The request is invalid';
    if (d.kind || d.name) head = `The ${String(d.kind ?? '')} ${JSON.stringify(String(d.name ?? ''))} is invalid`;
    else if (e.statusMessage && !causes.length) head += `: ${e.statusMessage}`;
    if (causes.length === 1) return `${head}: ${causes[0]}`;
    return causes.length ? `${head}: \n${causes.map((c) => `* ${c}\n`).join('')}` : head;
  }
  if (e.reason === 'Unauthorized') return `error: You must be logged in to the server (${e.statusMessage})`;
  return e.message;
}
