/**
 * Whether a failed request may have been carried out anyway. The service answered and refused it
 * (any 4xx, throttling included): nothing happened, sending it again is safe. It never left (the
 * connection was refused, the name did not resolve): nothing happened either. Anything else (a 5xx,
 * a reset or a timeout after the request was sent, an answer that could not be read) may hide a
 * create that landed: before sending it again the engine must ask whether it did.
 */
const neverSent = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT']);
/** gRPC statuses of a request the server refused: INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, UNAUTHENTICATED. */
const grpcRefused = new Set([3, 5, 6, 7, 8, 9, 16]);

export function mayHaveLanded(error: unknown): boolean {
  if (!error || typeof error !== 'object') return true;
  const e = error as { $metadata?: { httpStatusCode?: number }; statusCode?: number; status?: number; code?: unknown; cause?: unknown; name?: string };
  const status = e.$metadata?.httpStatusCode ?? e.statusCode ?? (typeof e.status === 'number' ? e.status : undefined);
  if (typeof status === 'number' && status >= 400 && status < 500) return false;
  if (typeof e.code === 'string' && neverSent.has(e.code)) return false;
  if (typeof e.code === 'number' && grpcRefused.has(e.code)) return false;
  if (e.cause && e.cause !== error) return mayHaveLanded(e.cause);
  return true;
}
