/**
 * What gcloud prints on stderr, and exits with, when a command fails: `ERROR: (gcloud.kms.keyrings.create) …`.
 * - A service error (exit 1) in api_lib/util/exceptions.HttpException's default form: the description
 *   (the status, or a sentence about the URL's resource when the URL has 2-3 segments and the status is
 *   403/404/409), `: `, the service's message, with gcloud's sentence about its credentials for 401/403/404.
 * - An argument error (exit 2) as calliope's parser prints it, with the command's usage when gcloud adds it.
 * - A refusal of the command itself (exit 1), such as a resource name it cannot complete.
 */
import { shellOnlyFlags } from './commands.js';
import type { CommandSpec } from './command.js';
import { UsageError } from './command.js';
import { GcpApiError, type GrpcStatus } from './errors.js';

/** What send() knew when the call failed: gcloud's view of it. */
export interface FailureContext {
  credentials: { sentence: string; account: string };
  urlResource?: { collection: string; instance: string };
  /** `KMS.AddIamPolicyBinding`: a refused policy write gets gcloud's extra hint. */
  operation: string;
}

const contexts = new WeakMap<object, FailureContext>();

export function withFailureContext<E>(error: E, context: FailureContext): E {
  if (error && typeof error === 'object') contexts.set(error, context);
  return error;
}

/** The HTTP status gcloud's REST call would have had (https://cloud.google.com/apis/design/errors#handling_errors). */
const httpOf: Record<GrpcStatus, number> = {
  OK: 200, CANCELLED: 499, UNKNOWN: 500, INVALID_ARGUMENT: 400, DEADLINE_EXCEEDED: 504, NOT_FOUND: 404, ALREADY_EXISTS: 409, PERMISSION_DENIED: 403,
  RESOURCE_EXHAUSTED: 429, FAILED_PRECONDITION: 400, ABORTED: 409, OUT_OF_RANGE: 400, UNIMPLEMENTED: 501, INTERNAL: 500, UNAVAILABLE: 503,
  DATA_LOSS: 500, UNAUTHENTICATED: 401,
};

function serviceMessage(error: GcpApiError, context: FailureContext | undefined): string {
  const code = error.httpStatus ?? httpOf[error.name];
  let message = error.message;
  if ([401, 403, 404].includes(code) && message && context) {
    // HttpErrorPayload: one dot between the message and the sentence, whether or not the message ends with one.
    const sentence = context.credentials.sentence;
    message = message.endsWith('.') ? `${message} ${sentence}` : `${message}. ${sentence.slice(0, -1)}`;
  }
  const r = context?.urlResource;
  let description: string = error.name;
  if (r && code === 403) description = `[${context!.credentials.account}] does not have permission to access ${r.collection} instance [${r.instance}] (or it may not exist)`;
  if (r && code === 404) description = `${r.collection.charAt(0).toUpperCase()}${r.collection.slice(1)} instance [${r.instance}] not found`;
  if (r && code === 409) description = r.collection === 'projects' ? `Resource in projects [${r.instance}] is the subject of a conflict` : `${r.collection} instance [${r.instance}] is the subject of a conflict`;
  return message ? `${description}: ${message}` : description;
}

const POLICY_HINT = 'ERROR: Policy modification failed. For a binding with condition, run "gcloud alpha iam policies lint-condition" to identify issues in condition.\n';

/** calliope's usage block (usage_text.GetUsage): synopsis, the optional flags wrapped at 80 columns, the help hint. */
export function usageText(spec: CommandSpec<any>): string {
  const optional = [...Object.entries(spec.flags).filter(([, f]) => f.required !== true).map(([name]) => name), ...(shellOnlyFlags[spec.path] ?? []), 'help']
    .sort()
    .map((f) => `--${f}`);
  // textwrap.TextWrapper(width=55) over `a&| b&| c`, so a `|` stays with the flag before it.
  const lines: string[] = [];
  for (const token of optional.map((f, i) => (i < optional.length - 1 ? `${f} |` : f))) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + token.length <= 55) lines[lines.length - 1] = `${last} ${token}`;
    else lines.push(token);
  }
  return [
    `Usage: gcloud ${spec.path} ${spec.synopsis} [optional flags]`,
    `  optional flags may be  ${lines.join(`\n${' '.repeat(25)}`)}`,
    '',
    'For detailed information on this command and its flags, run:',
    `  gcloud ${spec.path} --help`,
    '',
  ].join('\n');
}

/** `(gcloud.kms.keyrings.create)`: the command path gcloud's error names. */
const prog = (path: string) => `(gcloud${path ? `.${path.split(' ').join('.')}` : ''})`;

/**
 * The stderr and status for `error`, raised translating or sending the command at `path` (`kms keys create`,
 * or the group for an unknown command). `spec` gives the usage that argument errors print.
 */
export function gcloudFailure(error: unknown, path: string, spec?: CommandSpec<any>): { stderr: string; exitCode: number } {
  const context = error && typeof error === 'object' ? contexts.get(error) : undefined;
  if (error instanceof GcpApiError) {
    const hint = (error.httpStatus ?? httpOf[error.name]) === 400 && context?.operation.endsWith('.AddIamPolicyBinding') ? POLICY_HINT : '';
    return { stderr: `${hint}ERROR: ${prog(path)} ${serviceMessage(error, context)}\n`, exitCode: 1 };
  }
  if (error instanceof UsageError && error.cli) {
    const usage = error.cli.usage && spec && !error.cli.text.includes('\n') ? usageText(spec) : '';
    return { stderr: `ERROR: ${prog(path)} ${error.cli.text}\n${usage}`, exitCode: error.cli.exitCode };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { stderr: `ERROR: ${prog(path)} ${message}\n`, exitCode: 1 };
}
