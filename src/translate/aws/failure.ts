/**
 * What the aws CLI v1 prints on stderr, and the status it exits with, when a command fails: argparse's
 * usage errors (exit 2), `Unknown options`, client-side exceptions and parameter validation, service
 * errors as botocore's parsers read them from the response (`An error occurred (NoSuchEntity) when
 * calling the GetRole operation: …`), connection errors (all exit 255). A shell session relays this, so
 * `if ! aws iam get-role …; then` behaves as it does with the CLI.
 */
import { AwsCliError, TranslateError } from './errors.js';
import { parseXml, type XmlNode } from './wire.js';

export interface CliFailure {
  stderr: string;
  exitCode: number;
}

/** awscli/argparser.py USAGE, as argparse's print_usage frames it. */
const USAGE =
  '\rNote: AWS CLI version 2, the latest major version of the AWS CLI, is now stable and recommended for general use. ' +
  'For more information, see the AWS CLI version 2 installation instructions at: https://docs.aws.amazon.com/cli/latest/userguide/install-cliv2.html' +
  '\n\nusage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n' +
  'To see help text, you can run:\n\n  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n';

/** The request a failed call made, kept on its error (send.ts). */
export interface SentRequest {
  operation: string;
  /** The client's total attempts: a retryable error after all of them says "reached max retries". */
  maxAttempts: number;
  /** Smithy protocol id (`aws.protocols#awsQuery`). */
  protocol: string;
  url?: string;
  response?: { status: number; headers: Record<string, string>; body: string };
}

const SENT: unique symbol = Symbol.for('runbook.aws.sentRequest');

/** Keeps the request on the error, for cliFailure. */
export function attachFailure(error: unknown, sent: SentRequest): unknown {
  if (error && typeof error === 'object') Object.defineProperty(error, SENT, { value: { ...sent }, enumerable: false, configurable: true });
  return error;
}

export function sentRequestOf(error: unknown): SentRequest | undefined {
  return error && typeof error === 'object' ? ((error as Record<symbol, unknown>)[SENT] as SentRequest | undefined) : undefined;
}

const exception = (message: string): CliFailure => ({ stderr: `\n${message}\n`, exitCode: 255 });

/** The CLI's stderr and exit status for an error from translate or send. */
export function cliFailure(error: unknown): CliFailure {
  if (error instanceof TranslateError) {
    switch (error.refusal) {
      case 'usage':
        return { stderr: `usage: ${USAGE}aws: error: ${error.cliMessage}\n`, exitCode: 2 };
      case 'options':
        return { stderr: `usage: ${USAGE}\n${error.cliMessage}\n`, exitCode: 255 };
      case 'validation':
        return exception(`Parameter validation failed:\n${error.cliMessage}`);
      case 'error':
        return { stderr: `${error.cliMessage}\n`, exitCode: 255 };
      default:
        return exception(error.cliMessage);
    }
  }
  if (error instanceof AwsCliError) return error.framing === 'error' ? { stderr: `${error.message}\n`, exitCode: 255 } : exception(error.message);
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { attempts?: number }; $retryable?: unknown } | undefined;
  const sent = sentRequestOf(error);
  if (sent?.response && sent.response.status >= 300) {
    const { code, message } = errorFields(sent.protocol, sent.response) ?? { code: e?.name, message: e?.message };
    const attempts = e?.$metadata?.attempts ?? 1;
    const retryable = !!e?.$retryable || sent.response.status >= 500 || sent.response.status === 429 || THROTTLING.test(code ?? '');
    const retries = retryable && attempts >= sent.maxAttempts ? ` (reached max retries: ${attempts - 1})` : '';
    return exception(`An error occurred (${shown(code)}) when calling the ${sent.operation} operation${retries}: ${shown(message)}`);
  }
  const url = sent?.url ?? '';
  const code = e?.code ?? (e as { cause?: { code?: string } } | undefined)?.cause?.code;
  if (e?.name === 'CredentialsProviderError') {
    return { stderr: 'Unable to locate credentials. You can configure credentials by running "aws configure".\n', exitCode: 255 };
  }
  // Before the timeout case: the SDK names a reset socket ("socket hang up") TimeoutError too.
  if (code === 'ECONNRESET' || code === 'EPIPE' || e?.message === 'socket hang up') {
    return exception(`Connection was closed before we received a valid response from endpoint URL: "${url}".`);
  }
  if (e?.name === 'TimeoutError' || code === 'ETIMEDOUT') {
    const connecting = /establish|connect/i.test(e?.message ?? '');
    return exception(`${connecting ? 'Connect' : 'Read'} timeout on endpoint URL: "${url}"`);
  }
  if (code && CONNECT_ERRORS.has(code)) return exception(`Could not connect to the endpoint URL: "${url}"`);
  return exception(e?.message ?? String(error));
}

/** botocore's throttling codes, which it retries like 5xx responses. */
const THROTTLING = /^(Throttling|ThrottlingException|ThrottledException|RequestThrottledException|TooManyRequestsException|ProvisionedThroughputExceededException|TransactionInProgressException|RequestLimitExceeded|BandwidthLimitExceeded|LimitExceededException|RequestThrottled|SlowDown|PriorRequestNotComplete|EC2ThrottledException)$/;

/** urllib3's NewConnectionError and DNS failures: botocore's EndpointConnectionError. */
const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/** botocore prints a missing field as `Unknown`, a present but empty XML element as `None`. */
function shown(value: string | null | undefined): string {
  return value === undefined ? 'Unknown' : value === null ? 'None' : value;
}

interface Fields {
  code: string | null | undefined;
  message: string | null | undefined;
}

/** botocore's `_do_error_parse` per protocol (parsers.py); undefined where it does not apply. */
function errorFields(protocol: string, response: { status: number; headers: Record<string, string>; body: string }): Fields | undefined {
  const { status, headers, body } = response;
  const trimmed = body.trim();
  // ResponseParser._is_generic_error_response: a 5xx with no protocol body.
  if (status >= 500 && (!trimmed || trimmed.startsWith('<html>'))) return { code: String(status), message: REASONS[status] ?? '' };
  const id = protocol.split('#')[1] ?? '';
  if (id === 'awsQuery' || id === 'ec2Query') {
    const root = parseXml(body);
    if (!root) return undefined;
    const parsed = xmlDict(root) as Record<string, unknown>;
    if (parsed.Errors && typeof parsed.Errors === 'object') Object.assign(parsed, parsed.Errors);
    return fieldsOf(parsed.Error);
  }
  if (id === 'restXml') {
    const root = body ? parseXml(body) : undefined;
    if (!root) return { code: String(status), message: REASONS[status] ?? '' };
    const parsed = xmlDict(root) as Record<string, unknown>;
    const error = root.name === 'Error' ? parsed : { Message: '', Code: '', ...(parsed.Error as object | undefined) };
    return fieldsOf(error);
  }
  if (id === 'awsJson1_0' || id === 'awsJson1_1' || id === 'restJson1') {
    let parsed: Record<string, unknown> = {};
    if (body) {
      try {
        const value = JSON.parse(body) as unknown;
        parsed = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
      } catch {
        parsed = { message: body };
      }
    }
    const message = String(parsed.message ?? parsed.Message ?? '');
    let code: string | undefined = typeof parsed.__type === 'string' ? parsed.__type : String(status);
    const queryError = headers['x-amzn-query-error']?.split(';');
    if (id === 'restJson1') {
      if (headers['x-amzn-errortype'] !== undefined) code = headers['x-amzn-errortype'];
      else if ('code' in parsed || 'Code' in parsed) code = String(parsed.code ?? parsed.Code ?? '');
    }
    code = code.split(':', 1)[0]!;
    code = code.slice(code.lastIndexOf('#') + 1);
    if (id !== 'restJson1' && queryError?.length === 2 && queryError[0]) code = queryError[0];
    return { code, message };
  }
  return undefined;
}

function fieldsOf(error: unknown): Fields {
  if (!error || typeof error !== 'object') return { code: undefined, message: undefined };
  const e = error as Record<string, unknown>;
  const field = (key: string) => (key in e ? (typeof e[key] === 'string' ? (e[key] as string) : null) : undefined);
  return { code: field('Code'), message: field('Message') };
}

/** `_build_name_to_xml_node` + `_replace_nodes`: children by tag, leaves as text (None when empty). */
function xmlDict(node: XmlNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const child of node.children) {
    if (child.name in out) continue;
    out[child.name] = child.children.length ? xmlDict(child) : child.text === '' ? null : child.text;
  }
  return out;
}

/** Python's http.client.responses, which botocore uses for errors without a body. */
const REASONS: Readonly<Record<number, string>> = {
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified', 305: 'Use Proxy',
  307: 'Temporary Redirect', 308: 'Permanent Redirect', 400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required',
  403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable', 407: 'Proxy Authentication Required',
  408: 'Request Timeout', 409: 'Conflict', 410: 'Gone', 411: 'Length Required', 412: 'Precondition Failed',
  413: 'Request Entity Too Large', 414: 'Request-URI Too Long', 415: 'Unsupported Media Type', 416: 'Requested Range Not Satisfiable',
  417: 'Expectation Failed', 418: "I'm a Teapot", 421: 'Misdirected Request', 422: 'Unprocessable Entity', 423: 'Locked',
  424: 'Failed Dependency', 425: 'Too Early', 426: 'Upgrade Required', 428: 'Precondition Required', 429: 'Too Many Requests',
  431: 'Request Header Fields Too Large', 451: 'Unavailable For Legal Reasons', 500: 'Internal Server Error', 501: 'Not Implemented',
  502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout', 505: 'HTTP Version Not Supported',
  506: 'Variant Also Negotiates', 507: 'Insufficient Storage', 508: 'Loop Detected', 510: 'Not Extended', 511: 'Network Authentication Required',
};
