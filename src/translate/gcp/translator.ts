/**
 * The gcloud CLI as a translator: `gcloud kms …` through `@google-cloud/kms` (gRPC) and
 * `gcloud iam service-accounts …` through the IAM v1 REST API, with gcloud's `--project`,
 * `--format` and endpoint overrides. Commands it does not translate (other groups, flags and formats
 * it does not reproduce, gcloud's help) run as the real gcloud: `handles` is false for them, and
 * translating one anyway fails with an error `isUntranslatable` recognizes. What gcloud itself would
 * refuse is translated into that refusal: `failure` gives its stderr and exit status.
 * The table of commands is in ./commands.ts, one module per command group; adoption in ./adopt.ts.
 */
import type { Call, Translator } from '../types.js';
import { adoption } from './adopt.js';
import { firstRefusal, parseGcloud, requestIssues, type ArgIssue } from './argv.js';
import { apisFor } from './clients.js';
import { UsageError } from './command.js';
import { commands } from './commands.js';
import { isAlreadyExists, isRetryable, toGcpError } from './errors.js';
import { gcloudFailure, withFailureContext } from './failure.js';
import { formatResource, type FormatSpec } from './format.js';
import { credentialInfo } from './properties.js';

export interface GcpCall extends Call {
  gcp: {
    /** The command path, `kms keys create`: the key of the command table. */
    command: string;
    format: FormatSpec;
    /** gcloud prints its notices on stderr (`Created service account [x].`) unless `--no-user-output-enabled`. */
    notices: boolean;
  };
}

/** Besides the Translator members: what gcloud prints on stderr when the command succeeds. */
export interface GcpTranslator extends Translator<GcpCall> {
  stderrOf(result: unknown, call: GcpCall): string;
  failure(error: unknown, argv: string[]): { stderr: string; exitCode: number };
}

const untranslated = (message: string) => new UsageError(message, 'gcp-not-translated');

export const translator: GcpTranslator = {
  tool: 'gcloud',

  handles(argv) {
    const parsed = parseGcloud(argv);
    // A mistake under kms/iam is reported (and refused as gcloud refuses it); gcloud's help text is the real gcloud's.
    return parsed.kind === 'command' || (parsed.kind === 'unknown' && !parsed.issues.some((i) => i.cli === null));
  },

  async translate(argv, context) {
    const parsed = parseGcloud(argv, { ...(context.env ? { env: context.env } : {}), ...(context.planning ? { planning: true } : {}) });
    if (parsed.kind === 'foreign') throw untranslated(`${argv.slice(0, 3).join(' ')}: not a translated gcloud command group`);
    if (parsed.kind === 'shell') throw untranslated(`${parsed.reason}: the real gcloud runs it`);
    if (parsed.kind === 'unknown') {
      const problem = parsed.issues[0];
      if (!problem || problem.cli === null) throw untranslated(`${problem?.message ?? argv.join(' ')}: gcloud prints its help here`);
      throw new UsageError(problem.message, problem.ruleId as UsageError['ruleId'], undefined, problem.cli);
    }
    // gcloud's argument parser refuses first; then the command, completing resource names (request()).
    const refusal = firstRefusal(parsed.issues.filter((i) => i.cli));
    if (refusal) throw new UsageError(refusal.message, refusal.ruleId as UsageError['ruleId'], undefined, refusal.cli ?? undefined);
    const { spec } = parsed;
    const input = spec.request(parsed.args);
    const problem = parsed.issues[0];
    if (problem) throw new UsageError(problem.message, problem.ruleId as UsageError['ruleId']);
    return {
      tool: 'gcloud',
      operation: spec.operation,
      input,
      mutating: spec.mutating,
      display: `${spec.operation} ${spec.describe(input)}`,
      gcp: { command: spec.path, format: parsed.format, notices: parsed.userOutput },
    };
  },

  async validate(argv, context) {
    const parsed = parseGcloud(argv, { ...(context.env ? { env: context.env } : {}), planning: context.planning ?? true });
    // Real gcloud commands it does not translate run as they are: nothing to report.
    if (parsed.kind !== 'command' && parsed.kind !== 'unknown') return [];
    const issues: ArgIssue[] = parsed.kind === 'command' ? [...parsed.issues, ...requestIssues(parsed)] : parsed.issues;
    return issues.map(({ cli: _cli, ...issue }) => issue);
  },

  async send(call, context) {
    const spec = commands.get(call.gcp.command);
    if (!spec) throw new Error(`no gcloud command ${call.gcp.command}`);
    try {
      return await spec.send(call.input, apisFor(context.env, context.signal), context.signal);
    } catch (error) {
      // What gcloud would say about it needs the run's view of gcloud's properties: taken now.
      const resource = spec.urlResource?.(call.input);
      return Promise.reject(withFailureContext(toGcpError(error), { credentials: credentialInfo(context.env), operation: call.operation, ...(resource ? { urlResource: resource } : {}) }));
    }
  },

  format(result, call) {
    return formatResource(result, call.gcp.format);
  },

  stderrOf(result, call) {
    const spec = commands.get(call.gcp.command);
    return call.gcp.notices && spec?.notice ? spec.notice(call.input, result) : '';
  },

  failure(error, argv) {
    const parsed = parseGcloud(argv);
    if (parsed.kind === 'command') return gcloudFailure(error, parsed.spec.path, parsed.spec);
    return gcloudFailure(error, parsed.kind === 'unknown' ? parsed.group : argv.slice(1, 3).join(' '));
  },

  isUntranslatable: (error) => error instanceof UsageError && error.ruleId === 'gcp-not-translated',
  readsStdin,
  isAlreadyExists,
  isRetryable,
  adoption,
};

/**
 * Whether gcloud reads its stdin: a file flag given `-` (gcloud's FileContents arguments: `--policy-file -`,
 * `--plaintext-file=-`…). No translated command takes one, so this is about the commands the real gcloud runs.
 */
export function readsStdin(argv: string[]): boolean {
  if (argv[0] !== 'gcloud') return false;
  return argv.some((word, i) => /^--[a-z][-a-z]*-file(=-)?$/.test(word) && (word.endsWith('=-') || argv[i + 1] === '-'));
}
