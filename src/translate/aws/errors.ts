/** Translation problems (the user's command is wrong) and classification of SDK errors. */

export const AWS_RULE_IDS = [
  'aws-unknown-service',
  'aws-unknown-operation',
  'aws-unknown-flag',
  'aws-enum-value',
  'aws-expected-arn',
  'aws-missing-required',
  'aws-bad-value',
] as const;
export type AwsRuleId = (typeof AWS_RULE_IDS)[number];

export interface AwsProblem {
  /** Which argv word is wrong (the operation word for problems of the whole command). */
  argIndex: number;
  message: string;
  ruleId: AwsRuleId;
  note?: string;
  severity: 'error' | 'warning';
}

/** A command the aws CLI would refuse, or that cannot become an SDK call. */
export class TranslateError extends Error {
  override readonly name = 'TranslateError';
  argIndex?: number;
  ruleId: AwsRuleId;
  note?: string;
  constructor(message: string, options: { ruleId: AwsRuleId; argIndex?: number; note?: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.ruleId = options.ruleId;
    this.argIndex = options.argIndex;
    this.note = options.note;
  }

  static from(problem: AwsProblem): TranslateError {
    return new TranslateError(problem.message, problem);
  }
}

function errorName(error: unknown): string {
  if (!error || typeof error !== 'object') return '';
  const e = error as { name?: unknown; Code?: unknown; code?: unknown };
  return String(e.name ?? e.Code ?? e.code ?? '');
}

const ALREADY_EXISTS = /(AlreadyExists|EntityAlreadyExists|ResourceExists|ResourceInUse|BucketAlreadyOwnedByYou|BucketAlreadyExists|HostedZoneAlreadyExists|ResourceAlreadyExists|DuplicateResource|ParameterAlreadyExists)/;
const NOT_FOUND = /(NotFound|NoSuchEntity|NoSuch[A-Z]|ResourceNotFound|ParameterNotFound|DoesNotExist|NotExist)/;

/** A create that failed because the resource is already there (adoption, idempotent re-runs). */
export function isAlreadyExists(error: unknown): boolean {
  const name = errorName(error);
  return name !== '' && ALREADY_EXISTS.test(name);
}

/** A read or delete of something that is not there. */
export function isNotFound(error: unknown): boolean {
  const name = errorName(error);
  if (name !== '' && NOT_FOUND.test(name)) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  return name === 'NotFound' || (status === 404 && name === 'Unknown');
}

const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'PriorRequestNotComplete',
  'RequestTimeout',
  'RequestTimeoutException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'InternalServiceError',
  'InternalServiceErrorException',
  'KMSInternalException',
  'DependencyTimeoutException',
  'EC2ThrottledException',
  'IDPCommunicationError',
  'ConcurrentModificationException',
  'OperationAbortedException',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

/** Worth another attempt: throttling, server faults, transient network failures. */
export function isRetryable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as {
    $retryable?: unknown;
    $fault?: unknown;
    $metadata?: { httpStatusCode?: number };
    code?: unknown;
  };
  if (e.$retryable) return true;
  const name = errorName(error);
  if (RETRYABLE_NAMES.has(name) || (typeof e.code === 'string' && RETRYABLE_NAMES.has(e.code))) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status === 429 || status === 502 || status === 503 || status === 504) return true;
  return e.$fault === 'server' && status !== 501;
}
