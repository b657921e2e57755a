/** The aws CLI as a translator: model-driven translation (./index.ts) plus adoption (./adopt.ts). */
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Call, TranslateContext, Translator } from '../types.js';
import { adoption } from './adopt.js';
import { describeCall, formatAwsOutput, isAlreadyExists, isRetryable, sendAwsCall, translateAws, validateAws, type AwsCall } from './index.js';

export interface AwsTranslatedCall extends Call {
  aws: AwsCall;
}

function wrap(aws: AwsCall): AwsTranslatedCall {
  return { tool: 'aws', operation: `${aws.serviceId}.${aws.operation}`, input: aws.input, mutating: aws.mutating, display: describeCall(aws), aws };
}

export const translator: Translator<AwsTranslatedCall> = {
  tool: 'aws',
  handles: (argv) => {
    if (argv[0] !== 'aws') return false;
    const [service, operation] = commandWords(argv);
    const only = cliOnly[service ?? ''];
    return !!service && !!operation && !(only === true || only?.includes(operation));
  },
  async translate(argv, context) {
    return wrap(await translateAws(argv, { cwd: context.cwd, readFile: fileReader(context) }));
  },
  validate(argv, context) {
    return validateAws(argv, { cwd: context.cwd, readFile: fileReader(context), ignoreMissingFiles: true });
  },
  send(call, context) {
    return sendAwsCall(call.aws, context.signal ? { signal: context.signal } : {});
  },
  format(result, call) {
    return formatAwsOutput(result, call.aws);
  },
  secretsOf(result, call) {
    return valuesAt(result, call.aws.sensitiveOutputPaths);
  },
  isAlreadyExists,
  isRetryable,
  adoption,
  adoptOnConflict: new Set([
    'KMS.CreateAlias', 'IAM.CreateRole', 'IAM.CreatePolicy', 'IAM.CreateOpenIDConnectProvider', 'IAM.CreateUser',
    'IAM.CreateInstanceProfile', 'SecretsManager.CreateSecret', 'EKS.CreateCluster',
  ]),
};

/**
 * aws CLI customizations with no single SDK operation behind them: they stay in the shell.
 * (`true`: the whole command group.)
 */
const cliOnly: Record<string, true | string[]> = {
  configure: true, s3: true, help: true, deploy: true, history: true, ddb: true, emr: ['ssh', 'socks', 'get', 'put'],
  eks: ['update-kubeconfig', 'get-token', 'wait'], ecr: ['get-login-password', 'get-login', 'wait'],
  cloudformation: ['deploy', 'package', 'wait'], codeartifact: ['login'],
  kms: ['wait'], iam: ['wait'], ec2: ['wait'], rds: ['wait'], lambda: ['wait'], dynamodb: ['wait'],
};

/** Global options that take a value: skipped when looking for the service and operation words. */
const globalWithValue = new Set(['--profile', '--region', '--output', '--query', '--endpoint-url', '--color', '--cli-read-timeout', '--cli-connect-timeout', '--ca-bundle', '--cli-binary-format']);

function commandWords(argv: string[]): string[] {
  const words: string[] = [];
  for (let i = 1; i < argv.length && words.length < 2; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      if (globalWithValue.has(a)) i++;
      continue;
    }
    words.push(a);
  }
  return words;
}

/**
 * `file://` paths resolve in the run's work directory, then beside the runbook and the current
 * directory. At plan time a file an earlier step will write does not exist yet: it reads as a placeholder.
 */
function fileReader(context: TranslateContext): (path: string, binary: boolean) => string | Uint8Array {
  return (path, binary) => {
    for (const dir of [context.cwd, ...(context.fallbackDirs ?? [])]) {
      const full = resolve(dir, path);
      if (existsSync(full)) return binary ? new Uint8Array(readFileSync(full)) : readFileSync(full, 'utf8');
    }
    if (context.planning) return `<contents of ${relative(context.cwd, path) || path}>`;
    throw new Error(`cannot read ${path}: no such file`);
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
