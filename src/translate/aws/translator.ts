/** The aws CLI as a translator: model-driven translation (./index.ts) plus adoption (./adopt.ts). */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { AdoptionTable, Call, TranslateContext, Translator } from '../types.js';
import { adoption, markFor } from './adopt.js';
import { cliCommands } from './cli-commands.js';
import { CustomCommandFailure, customFor, isCustomCall, loadCustom, type CustomCall, type CustomResult } from './custom/index.js';
import { TranslateError } from './errors.js';
import { cliFailure } from './failure.js';
import { describeCall, formatAwsOutput, isAlreadyExists, isRetryable, isUntranslatable, sendAwsCall, translateAws, validateAws, type AwsCall } from './index.js';
import { isStdinPath } from './paramfile.js';

export interface AwsTranslatedCall extends Call {
  aws: AwsCall;
}

/** A model-driven call, or one of the CLI's own commands (./custom). */
export type AwsAnyCall = AwsTranslatedCall | CustomCall;

function wrap(aws: AwsCall): AwsTranslatedCall {
  return { tool: 'aws', operation: `${aws.serviceId}.${aws.operation}`, input: aws.input, mutating: aws.mutating, display: describeCall(aws), aws };
}

/** The custom command serving argv (its module loaded), if one does. */
const custom = async (argv: string[]) => {
  const key = argv[0] === 'aws' ? customFor(...(commandWords(argv) as [string?, string?])) : undefined;
  return key ? loadCustom(key) : undefined;
};

export const translator: Translator<AwsAnyCall> = {
  tool: 'aws',
  handles: (argv) => {
    if (argv[0] !== 'aws') return false;
    const [service, operation] = commandWords(argv);
    if (!service || !operation) return false;
    if (customFor(service, operation)) return true;
    const entry = cliCommands().get(service);
    return !entry || (entry.service && !entry.cliOnly.has(operation) && operation !== 'help');
  },
  async translate(argv, context) {
    const own = await custom(argv);
    if (own) return own.translate(argv, { ...context, ...given(context.env) });
    return wrap(
      await translateAws(argv, { cwd: context.cwd, readFile: fileReader(context), ...given(context.env), ...(context.planning ? { planning: true } : {}) }),
    );
  },
  async validate(argv, context) {
    const own = await custom(argv);
    if (own) {
      try {
        await own.translate(argv, { ...context, planning: true });
        return [];
      } catch (error) {
        if (!(error instanceof TranslateError)) throw error;
        return [{ argIndex: error.argIndex ?? 2, message: error.message, ruleId: error.ruleId, severity: 'error', ...(error.note ? { note: error.note } : {}) }];
      }
    }
    return validateAws(argv, { cwd: context.cwd, readFile: fileReader(context), ignoreMissingFiles: true, ...given(context.env) });
  },
  async send(call, context) {
    if (isCustomCall(call)) return (await loadCustom(call.custom.command)).send(call, { ...context, ...given(context.env) });
    return sendAwsCall(call.aws, { ...(context.signal ? { signal: context.signal } : {}), ...given(context.env), ...(context.idempotencyKey ? { idempotencyKey: context.idempotencyKey } : {}) });
  },
  format(result, call) {
    if (isCustomCall(call)) return (result as CustomResult).stdout;
    return formatAwsOutput(result, call.aws);
  },
  stderrOf(result, call) {
    return isCustomCall(call) ? ((result as CustomResult).stderr ?? '') : '';
  },
  outcomeOf(result, call) {
    return isCustomCall(call) ? (result as CustomResult).outcome : undefined;
  },
  secretsIn(call) {
    return isCustomCall(call) ? [] : valuesAt(call.aws.input, call.aws.sensitiveInputPaths);
  },
  secretsOf(result, call) {
    return isCustomCall(call) ? ((result as CustomResult).secrets ?? []) : valuesAt(result, call.aws.sensitiveOutputPaths);
  },
  // A custom command that ran and failed says itself what it printed and its status (s3's 1 and 2).
  failure: (error) => (error instanceof CustomCommandFailure ? { stdout: error.stdout, stderr: error.stderr, exitCode: error.exitCode } : cliFailure(error)),
  isIdempotent: (call) => !isCustomCall(call) && !!call.aws.idempotencyToken,
  mark(call, key) {
    if (isCustomCall(call)) return undefined;
    const marked = markFor(call.aws, key);
    return marked && wrap(marked);
  },
  isUntranslatable,
  readsStdin: async (argv) => {
    const own = await custom(argv);
    return own ? !!own.readsStdin?.(argv) : readsStdin(argv);
  },
  isAlreadyExists,
  isRetryable,
  // Adoption is written for model-driven operations only; custom commands are idempotent themselves.
  adoption: adoption as AdoptionTable<AwsAnyCall>,
  adoptOnConflict: new Set([
    'KMS.CreateAlias', 'IAM.CreateRole', 'IAM.CreatePolicy', 'IAM.CreateOpenIDConnectProvider', 'IAM.CreateUser',
    'IAM.CreateInstanceProfile', 'SecretsManager.CreateSecret', 'EKS.CreateCluster',
    'ECR.CreateRepository', 'CloudWatchLogs.CreateLogGroup', 'DynamoDB.CreateTable', 'SQS.CreateQueue', 'SNS.CreateTopic',
    'ElasticLoadBalancingV2.CreateTargetGroup', 'ElasticLoadBalancing.CreateLoadBalancer',
    'CloudFormation.CreateStack', 'Lambda.CreateFunction', 'EC2.CreateSecurityGroup', 'EC2.CreateSubnet', 'EC2.CreateLaunchTemplate',
    'Organizations.CreateOrganization',
  ]),
};

/**
 * The command's environment when the caller gives one; an empty one is "not given" (no command runs
 * with no PATH, no HOME), and those callers mean this process's environment.
 */
function given(env: Record<string, string> | undefined): { env?: Record<string, string> } {
  return env && Object.keys(env).length ? { env } : {};
}

/** Global options that take a value: skipped when looking for the service and operation words. */
const globalWithValue = new Set(['--profile', '--region', '--output', '--query', '--endpoint-url', '--color', '--cli-read-timeout', '--cli-connect-timeout', '--ca-bundle']);

function commandWords(argv: string[]): string[] {
  const words: string[] = [];
  for (let i = 1; i < argv.length && words.length < 2; i++) {
    const a = argv[i]!;
    if (a === '--') continue;
    if (a.startsWith('-')) {
      if (globalWithValue.has(a)) i++;
      continue;
    }
    words.push(a);
  }
  return words;
}

/**
 * Whether the command reads its standard input: a `file://`/`fileb://` value naming it (as a whole
 * value, `--cli-input-json` too, or inside shorthand, `Key=file:///dev/stdin`), or a streaming blob's
 * path (`s3api put-object --body /dev/stdin`).
 */
export function readsStdin(argv: string[]): boolean {
  return argv.slice(1).some((word) => {
    if (isStdinPath(word)) return true;
    for (const m of word.matchAll(/fileb?:\/\/([^,\]\}\s]*)/g)) if (isStdinPath(m[1]!)) return true;
    return false;
  });
}

/**
 * `file://` paths resolve in the run's work directory, then beside the runbook and the current
 * directory. At plan time a file an earlier step will write does not exist yet: it reads as a placeholder.
 * Standard input is what feeds the command (a heredoc, a pipe), never this process's own.
 */
function fileReader(context: TranslateContext): (path: string, binary: boolean) => string | Uint8Array {
  return (path, binary) => {
    if (isStdinPath(path)) {
      const text = context.stdin ?? (context.planning ? '<standard input>' : '');
      return binary ? new TextEncoder().encode(text) : text;
    }
    // The CLI resolves a relative path against the working directory (`expandPath` made it absolute):
    // beside the runbook and where the run was started are tried with the same relative path.
    const rel = isAbsolute(path) && path.startsWith(`${context.cwd}${sep}`) ? relative(context.cwd, path) : path;
    for (const dir of [context.cwd, ...(context.fallbackDirs ?? [])]) {
      const full = resolve(dir, rel);
      if (existsSync(full)) return binary ? new Uint8Array(readFileSync(full)) : readFileSync(full, 'utf8');
    }
    if (context.planning) return `<contents of ${relative(context.cwd, path) || path}>`;
    throw Object.assign(new Error(`cannot read ${path}: no such file`), { code: 'ENOENT' });
  };
}

/** Values at dotted paths (`Plaintext`, `SecretString`, `Credentials.SecretAccessKey`), lists traversed. */
function valuesAt(root: unknown, paths: string[]): string[] {
  const out: string[] = [];
  const walk = (value: unknown, keys: string[]) => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) return value.forEach((v) => walk(v, keys));
    if (!keys.length) {
      if (typeof value === 'string' && value) out.push(value);
      else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('base64'));
      return;
    }
    if (typeof value === 'object') walk((value as Record<string, unknown>)[keys[0]!], keys.slice(1));
  };
  for (const p of paths) walk(root, p.split('.').filter((k) => k && k !== '[]'));
  return out;
}
