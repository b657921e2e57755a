/**
 * The gcloud CLI as a translator: `gcloud kms …` through `@google-cloud/kms` (gRPC) and
 * `gcloud iam service-accounts …` through the IAM v1 REST API, with gcloud's `--project`,
 * `--format` and endpoint overrides. Commands it does not translate fall back to the shell.
 * The table of commands is in ./commands.ts, one module per command group; adoption in ./adopt.ts.
 */
import { RunbookError } from '../../diagnostics.js';
import type { Call, Translator } from '../types.js';
import { adoption } from './adopt.js';
import { parseGcloud, requestIssues } from './argv.js';
import { apisFor } from './clients.js';
import { commands } from './commands.js';
import { isAlreadyExists, isRetryable, toGcpError } from './errors.js';
import { formatResource, type FormatSpec } from './format.js';

export interface GcpCall extends Call {
  gcp: {
    /** The command path, `kms keys create`: the key of the command table. */
    command: string;
    format: FormatSpec;
  };
}

export const translator: Translator<GcpCall> = {
  tool: 'gcloud',

  handles(argv) {
    const kind = parseGcloud(argv).kind;
    return kind === 'command' || kind === 'unknown';
  },

  async translate(argv, context) {
    const parsed = parseGcloud(argv, { ...(context.env ? { env: context.env } : {}), ...(context.planning ? { planning: true } : {}) });
    if (parsed.kind === 'foreign' || parsed.kind === 'shell') throw new RunbookError(`${argv.slice(0, 4).join(' ')}: not a translated gcloud command`);
    const problem = parsed.issues[0];
    if (problem) throw new RunbookError(problem.message, { exitCode: 2, ...(problem.note ? { hint: problem.note } : {}) });
    if (parsed.kind === 'unknown') throw new RunbookError(`${argv.join(' ')}: unknown gcloud command`);
    const { spec } = parsed;
    const input = spec.request(parsed.args);
    return {
      tool: 'gcloud',
      operation: spec.operation,
      input,
      mutating: spec.mutating,
      display: `${spec.operation} ${spec.describe(input)}`,
      gcp: { command: spec.path, format: parsed.format },
    };
  },

  async validate(argv, context) {
    const parsed = parseGcloud(argv, { ...(context.env ? { env: context.env } : {}), planning: context.planning ?? true });
    if (parsed.kind === 'unknown') return parsed.issues;
    if (parsed.kind !== 'command') return [];
    return [...parsed.issues, ...requestIssues(parsed)];
  },

  async send(call, context) {
    const spec = commands.get(call.gcp.command);
    if (!spec) throw new RunbookError(`no gcloud command ${call.gcp.command}`);
    try {
      return await spec.send(call.input, apisFor(context.env, context.signal), context.signal);
    } catch (error) {
      throw toGcpError(error);
    }
  },

  format(result, call) {
    return formatResource(result, call.gcp.format);
  },

  isAlreadyExists,
  isRetryable,
  adoption,
};
