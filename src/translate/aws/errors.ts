/** Translation problems (the user's command is wrong, or has no SDK translation) and classification of SDK errors. */

export const AWS_RULE_IDS = [
  'aws-unknown-service',
  'aws-unknown-operation',
  'aws-unknown-flag',
  'aws-enum-value',
  'aws-expected-arn',
  'aws-missing-required',
  'aws-bad-value',
  'aws-client-not-installed',
  'aws-cli-only',
] as const;
export type AwsRuleId = (typeof AWS_RULE_IDS)[number];

/**
 * How the aws CLI v1 reacts to a problem, which decides what it prints (see ./failure.ts):
 * - `usage`: argparse refuses the words (usage banner, `aws: error: …`, exit 2);
 * - `options`: words no parser took (`Unknown options: …`, exit 255);
 * - `exception`: a client-side error printed as `\n<message>\n` (a paramfile or JSON error,
 *   `invalid literal for int()…`, a pagination conflict), exit 255;
 * - `error`: what the CLI reports with its `_show_error` (`<message>\n`, no blank line first: no region,
 *   no credentials), exit 255;
 * - `validation`: botocore's parameter validation (all of them in one `Parameter validation failed:`);
 * - `service`: the CLI sends it and the service refuses it (an enum value, a name for an ARN): only
 *   `runbook check` reports it, the call is still made;
 * - `untranslatable`: the CLI runs it but it has no SDK translation (a client package not installed, a
 *   CLI program such as `aws s3 cp`, `--debug`): the real CLI must run it.
 */
export type Refusal = 'usage' | 'options' | 'exception' | 'error' | 'validation' | 'service' | 'untranslatable';

export interface AwsProblem {
  /** Which argv word is wrong (the operation word for problems of the whole command). */
  argIndex: number;
  message: string;
  ruleId: AwsRuleId;
  note?: string;
  severity: 'error' | 'warning';
  refusal?: Refusal;
  /** The CLI's own wording, when it differs from `message` (`argument command: Invalid choice, …`). */
  cliMessage?: string;
}

/** A command the aws CLI would refuse, or that cannot become an SDK call. */
export class TranslateError extends Error {
  override readonly name = 'TranslateError';
  argIndex?: number;
  ruleId: AwsRuleId;
  note?: string;
  refusal: Refusal;
  /** What the CLI prints for it (without the framing ./failure.ts adds); validation: one line per problem. */
  cliMessage: string;
  constructor(message: string, options: { ruleId: AwsRuleId; argIndex?: number; note?: string; cause?: unknown; refusal?: Refusal; cliMessage?: string }) {
    super(message, { cause: options.cause });
    this.ruleId = options.ruleId;
    this.argIndex = options.argIndex;
    this.note = options.note;
    this.refusal = options.refusal ?? 'usage';
    this.cliMessage = options.cliMessage ?? message;
  }

  static from(problem: AwsProblem): TranslateError {
    return new TranslateError(problem.message, problem);
  }
}

/**
 * An error the aws CLI raises itself before or after the call (no region, an unknown profile, an
 * output format it does not know), with how it prints it: `exception` as `\n<message>\n`, `error`
 * (its `_show_error`) as `<message>\n`; both exit 255.
 */
export class AwsCliError extends Error {
  override readonly name = 'AwsCliError';
  constructor(
    message: string,
    readonly framing: 'exception' | 'error',
  ) {
    super(message);
  }
}

/** A translation error meaning "run the real aws CLI": no SDK translation, not a refused command. */
export function isUntranslatable(error: unknown): boolean {
  return error instanceof TranslateError && error.refusal === 'untranslatable';
}

function errorName(error: unknown): string {
  if (!error || typeof error !== 'object') return '';
  const e = error as { name?: unknown; Code?: unknown; code?: unknown };
  return String(e.name ?? e.Code ?? e.code ?? '');
}

// Also: Lambda's ResourceConflict (a function of that name), ELB's Duplicate…Name, EC2's
// `InvalidGroup.Duplicate` and `InvalidSubnet.Conflict` (that CIDR in that VPC), Organizations' AlreadyInOrganization,
// SQS's QueueNameExists (the SDK's name for QueueAlreadyExists).
const ALREADY_EXISTS = /(AlreadyExists|EntityAlreadyExists|ResourceExists|ResourceInUse|BucketAlreadyOwnedByYou|BucketAlreadyExists|HostedZoneAlreadyExists|ResourceAlreadyExists|DuplicateResource|ParameterAlreadyExists|ResourceConflict|Duplicate[A-Za-z]*Name|\.Duplicate$|^InvalidSubnet\.Conflict$|AlreadyInOrganization|QueueNameExists)/;
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
