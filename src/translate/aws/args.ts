/**
 * `aws <service> <operation> --flags…` → an AwsCall, following the aws CLI v1: argparse's option rules,
 * awscli/argprocess.py's unpacking (JSON, shorthand, lists of scalars, file://), botocore's validation.
 * Every problem is collected (for `runbook check`); translateAws throws the first error.
 */
import { readFileSync } from 'node:fs';
import type { AwsCall } from './call.js';
import { TranslateError, type AwsProblem, type AwsRuleId } from './errors.js';
import { convertMember, type ConvertContext, type ValueProblem } from './input.js';
import { didYouMean, xformName } from './names.js';
import { commandClass, isMutating, serviceOperations } from './operations.js';
import { paginationModel } from './pagination.js';
import { expandPath, isMissingFile, isParamFile, loadParamFile, ParamFileError, type ReadFile } from './paramfile.js';
import {
  kindOf,
  operationModel,
  sensitivePaths,
  shapeName,
  streamingOutputMember,
  structMembers,
  type MemberInfo,
  type NormalizedSchema,
} from './schema.js';
import { customCommandNote, loadServicePackage, resolveService, type ServicePackage } from './services.js';
import { checkQuery } from './query.js';
import { applyModel, parseNumber, ShorthandParseError, ShorthandParser } from './shorthand.js';

export interface TranslateOptions {
  /** Directory that relative `file://` paths and `outfile` are resolved against. */
  cwd: string;
  readFile?: (path: string, binary: boolean) => string | Uint8Array;
  /** Environment for `$VAR` in file paths and AWS_DEFAULT_OUTPUT; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface ValidateOptions extends TranslateOptions {
  /** At check time files written by earlier steps do not exist yet: do not report missing `file://` files. */
  ignoreMissingFiles?: boolean;
}

/** Values not known until run time, e.g. `<from step 3: KEY_ARN>`: never reported as bad values. */
const PLACEHOLDER = /<[^<>\n]+>/;
const PLACEHOLDER_ALL = /<[^<>\n]+>/g;
// Stands in for a placeholder inside JSON/shorthand so the structure around it can still be parsed and checked.
const SENTINEL = /__runbook_placeholder_(\d+)__/g;
const SENTINEL_ONE = /__runbook_placeholder_\d+__/;

/** Swaps placeholders for parseable tokens and back. */
class Placeholders {
  private readonly texts: string[] = [];

  static has(value: string): boolean {
    return PLACEHOLDER.test(value) || SENTINEL_ONE.test(value);
  }

  protect(value: string): string {
    return value.replace(PLACEHOLDER_ALL, (text) => `__runbook_placeholder_${this.texts.push(text) - 1}__`);
  }

  restore<T>(value: T): T {
    if (typeof value === 'string') return value.replace(SENTINEL, (whole, i: string) => this.texts[Number(i)] ?? whole) as T;
    if (Array.isArray(value)) return value.map((v) => this.restore(v)) as T;
    if (value && typeof value === 'object' && !(value instanceof Uint8Array) && !(value instanceof Date)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.restore(k), this.restore(v)])) as T;
    }
    return value;
  }
}

const GLOBAL_WITH_VALUE = new Set([
  'query', 'output', 'region', 'profile', 'endpoint-url', 'color', 'ca-bundle', 'cli-read-timeout',
  'cli-connect-timeout', 'cli-binary-format',
]);
const GLOBAL_FLAGS = new Set([
  'debug', 'no-verify-ssl', 'no-paginate', 'no-sign-request', 'v2-debug', 'no-cli-pager', 'no-cli-auto-prompt', 'cli-auto-prompt',
]);
const GLOBAL_NAMES = [...GLOBAL_WITH_VALUE, ...GLOBAL_FLAGS, 'version', 'help'];

/** awscli/customizations/argrename.py, for the services that have SDK clients: `service.operation.old` → new. */
const ARGUMENT_RENAMES: Readonly<Record<string, string>> = {
  'ec2.create-image.no-no-reboot': 'reboot',
  'ec2.*.no-egress': 'ingress',
  'ec2.*.no-disable-api-termination': 'enable-api-termination',
  'swf.register-activity-type.version': 'activity-version',
  'swf.register-workflow-type.version': 'workflow-version',
  'datapipeline.*.query': 'objects-query',
  'datapipeline.get-pipeline-definition.version': 'pipeline-version',
  'emr.*.job-flow-ids': 'cluster-ids',
  'emr.*.job-flow-id': 'cluster-id',
  'cloudsearchdomain.search.query': 'search-query',
  'cloudsearchdomain.suggest.query': 'suggest-query',
  'sns.subscribe.endpoint': 'notification-endpoint',
  'deploy.*.s-3-location': 's3-location',
  'deploy.*.ec-2-tag-filters': 'ec2-tag-filters',
  'codepipeline.get-pipeline.version': 'pipeline-version',
  'codepipeline.create-custom-action-type.version': 'action-version',
  'codepipeline.delete-custom-action-type.version': 'action-version',
  'codepipeline.get-action-type.version': 'action-version',
  'kinesisanalytics.add-application-output.output': 'application-output',
  'kinesisanalyticsv2.add-application-output.output': 'application-output',
  'route53.delete-traffic-policy.version': 'traffic-policy-version',
  'route53.get-traffic-policy.version': 'traffic-policy-version',
  'route53.update-traffic-policy-comment.version': 'traffic-policy-version',
  'gamelift.create-build.version': 'build-version',
  'gamelift.update-build.version': 'build-version',
  'gamelift.create-script.version': 'script-version',
  'gamelift.update-script.version': 'script-version',
  'route53domains.view-billing.start': 'start-time',
  'route53domains.view-billing.end': 'end-time',
  'apigateway.create-rest-api.version': 'api-version',
  'apigatewayv2.create-api.version': 'api-version',
  'apigatewayv2.update-api.version': 'api-version',
  'stepfunctions.send-task-success.output': 'task-output',
  'clouddirectory.publish-schema.version': 'schema-version',
  'mturk.list-qualification-types.query': 'types-query',
  'workdocs.create-notification-subscription.endpoint': 'notification-endpoint',
  'workdocs.describe-users.query': 'user-query',
  'rekognition.create-stream-processor.output': 'stream-processor-output',
  'eks.create-cluster.version': 'kubernetes-version',
  'eks.update-cluster-version.version': 'kubernetes-version',
  'eks.create-nodegroup.version': 'kubernetes-version',
  'eks.update-nodegroup-version.version': 'kubernetes-version',
  'eks.update-cluster-components-version.version': 'kubernetes-version',
  'schemas.*.version': 'schema-version',
  'iotwireless.*.lo-ra-wan': 'lorawan',
  'ecs.*.no-enable-execute-command': 'disable-execute-command',
  'ecs.execute-command.no-interactive': 'non-interactive',
  'controltower.create-landing-zone.version': 'landing-zone-version',
  'controltower.update-landing-zone.version': 'landing-zone-version',
  'glue.get-unfiltered-partition-metadata.region': 'resource-region',
  'glue.get-unfiltered-partitions-metadata.region': 'resource-region',
  'glue.get-unfiltered-table-metadata.region': 'resource-region',
};

/** Subcommands the CLI adds to many services that are not API operations. */
const CLI_ONLY_OPERATIONS: Readonly<Record<string, string>> = {
  help: '`help` prints documentation',
  wait: '`wait` is the CLI polling a waiter; it is not one API call',
  'update-kubeconfig': '`aws eks update-kubeconfig` writes a kubeconfig locally; it is not an API call',
  'get-token': '`aws eks get-token` presigns an STS URL locally; it is not an API call',
  'get-login-password': '`aws ecr get-login-password` is a CLI helper around get-authorization-token',
};

function renamed(service: string, operation: string, arg: string): string {
  return ARGUMENT_RENAMES[`${service}.${operation}.${arg}`] ?? ARGUMENT_RENAMES[`${service}.*.${arg}`] ?? arg;
}

type ArgSpec =
  | { type: 'member'; flag: string; member: MemberInfo; negate?: boolean }
  | { type: 'page'; flag: string; key: 'startingToken' | 'pageSize' | 'maxItems' }
  | { type: 'cli-input-json'; flag: string }
  | { type: 'skeleton'; flag: string };

function nargsOf(spec: ArgSpec): 'none' | 'one' | 'list' {
  if (spec.type === 'member') {
    if (spec.member.kind === 'boolean') return 'none';
    if (spec.member.kind === 'list') return 'list';
  }
  return 'one';
}

interface Provided {
  spec: ArgSpec;
  flagIndex: number;
  values: string[];
  valueIndexes: number[];
}

interface Analysis {
  call?: AwsCall;
  problems: AwsProblem[];
}

/** argparse: a word is an option unless it is `-`, a negative number, or contains a space. */
function looksLikeOption(word: string): boolean {
  if (!word.startsWith('-') || word === '-') return false;
  if (/^-\d+$|^-\d*\.\d+$/.test(word)) return false;
  return !word.includes(' ');
}

export async function analyzeAws(argv: readonly string[], options: ValidateOptions, mode: 'translate' | 'validate'): Promise<Analysis> {
  const problems: AwsProblem[] = [];
  const report = (argIndex: number, ruleId: AwsRuleId, message: string, note?: string, severity: 'error' | 'warning' = 'error') =>
    problems.push({ argIndex, ruleId, message, note, severity });
  const env = options.env ?? process.env;

  if (argv.length === 0 || !/(^|\/)aws$/.test(argv[0])) {
    report(0, 'aws-unknown-service', `Not an aws CLI command: ${argv[0] ?? '(empty)'}`);
    return { problems };
  }

  // Pass 1: global options (allowed anywhere, as the CLI's main parser takes them first), service, operation.
  const globals: Record<string, { value: string | true; index: number }> = {};
  const rest: number[] = [];
  let serviceIndex = -1;
  let operationIndex = -1;
  let endOfOptions = false;
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i];
    if (!endOfOptions && word === '--') {
      endOfOptions = true;
      rest.push(i);
      continue;
    }
    if (!endOfOptions && word.startsWith('--')) {
      const [rawName, inline] = splitInline(word);
      const name = globalName(rawName.slice(2));
      if (name) {
        if (name === 'version' || name === 'help') {
          report(i, 'aws-unknown-flag', `--${name} prints CLI information and makes no API call`);
          continue;
        }
        if (GLOBAL_WITH_VALUE.has(name)) {
          if (inline !== undefined) globals[name] = { value: inline, index: i };
          else if (i + 1 < argv.length && !looksLikeOption(argv[i + 1])) globals[name] = { value: argv[++i], index: i };
          else report(i, 'aws-bad-value', `argument --${name}: expected one argument`);
        } else {
          globals[name] = { value: true, index: i };
        }
        continue;
      }
    }
    if (serviceIndex < 0 && !looksLikeOption(word)) serviceIndex = i;
    else if (operationIndex < 0 && serviceIndex >= 0 && !looksLikeOption(word)) operationIndex = i;
    else rest.push(i);
  }

  if (serviceIndex < 0) {
    report(0, 'aws-unknown-service', 'Missing the service name: aws <service> <operation> [options]');
    return { problems };
  }
  const service = argv[serviceIndex];
  const custom = customCommandNote(service);
  if (custom) {
    report(serviceIndex, 'aws-unknown-service', `aws ${service} has no SDK equivalent`, custom);
    return { problems };
  }
  const resolved = resolveService(service);
  let pkg: ServicePackage;
  try {
    pkg = await loadServicePackage(resolved, serviceIndex);
  } catch (error) {
    if (error instanceof TranslateError) {
      report(serviceIndex, error.ruleId, error.message, error.note);
      return { problems };
    }
    throw error;
  }
  const ops = serviceOperations(pkg);
  if (operationIndex < 0) {
    report(serviceIndex, 'aws-unknown-operation', `Missing the operation: aws ${service} <operation>`);
    return { problems };
  }
  const cliOperation = argv[operationIndex];
  const operation = ops.byCliName.get(cliOperation);
  if (!operation) {
    const suggestion = didYouMean(cliOperation, ops.byCliName.keys());
    report(
      operationIndex,
      'aws-unknown-operation',
      `Unknown operation '${cliOperation}' for aws ${service} (${resolved.packageName})`,
      CLI_ONLY_OPERATIONS[cliOperation] ?? (suggestion ? `did you mean '${suggestion}'?` : undefined),
    );
    return { problems };
  }
  const model = operationModel(commandClass(pkg, operation));
  if (!model) {
    report(operationIndex, 'aws-unknown-operation', `${ops.serviceId}.${operation} has no runtime schema in ${resolved.packageName}`);
    return { problems };
  }

  // The argument table: one flag per input member (booleans also `--no-x`), plus the CLI's own arguments.
  const members = structMembers(model.input);
  const inputShape = shapeName(model.input);
  const table = new Map<string, ArgSpec>();
  for (const member of members) {
    const name = renamed(service, cliOperation, xformName(member.name));
    table.set(`--${name}`, { type: 'member', flag: `--${name}`, member });
    if (member.kind === 'boolean') {
      const negative = renamed(service, cliOperation, `no-${name}`);
      table.set(`--${negative}`, { type: 'member', flag: `--${negative}`, member, negate: true });
    }
  }
  const outfileMember = streamingOutputMember(model.output);
  if (!outfileMember) {
    table.set('--cli-input-json', { type: 'cli-input-json', flag: '--cli-input-json' });
  }
  table.set('--generate-cli-skeleton', { type: 'skeleton', flag: '--generate-cli-skeleton' });
  const paging = await paginationModel(service, operation, pkg, model.output);
  const noPaginate = globals['no-paginate'] !== undefined;
  const shadowed = new Map<string, ArgSpec>();
  if (paging) {
    const add = (flag: string, key: 'startingToken' | 'pageSize' | 'maxItems') => {
      const existing = table.get(flag);
      if (existing) shadowed.set(flag, existing);
      table.set(flag, { type: 'page', flag, key });
    };
    add('--starting-token', 'startingToken');
    if (paging.limitKey) add('--page-size', 'pageSize');
    add('--max-items', 'maxItems');
    // With --no-paginate the operation's own argument (IAM's MaxItems is `--max-items` too) comes back.
    if (noPaginate) for (const [flag, spec] of shadowed) table.set(flag, spec);
  }

  // Pass 2: operation arguments, argparse style (last occurrence wins, unique prefixes accepted).
  const provided = new Map<string, Provided>();
  const positionals: number[] = [];
  for (let r = 0; r < rest.length; r++) {
    const i = rest[r];
    const word = argv[i];
    if (word === '--') {
      positionals.push(...rest.slice(r + 1));
      break;
    }
    if (!looksLikeOption(word)) {
      positionals.push(i);
      continue;
    }
    const [flagWord, inline] = splitInline(word);
    let spec = table.get(flagWord);
    if (!spec) {
      const matches = [...table.keys()].filter((flag) => flag.startsWith(flagWord) && flagWord.startsWith('--') && flagWord.length > 2);
      if (matches.length === 1) {
        spec = table.get(matches[0]);
        report(i, 'aws-unknown-flag', `Abbreviated option ${flagWord} stands for ${matches[0]}`, `write ${matches[0]} in full`, 'warning');
      } else if (matches.length > 1) {
        report(i, 'aws-unknown-flag', `Ambiguous option ${flagWord} could match ${matches.join(', ')}`);
      }
    }
    // Skip the unknown option's values so they do not cascade into more errors.
    const consumeValues = (): number[] => {
      const taken: number[] = [];
      while (r + 1 < rest.length && rest[r + 1] === i + taken.length + 1 && !looksLikeOption(argv[rest[r + 1]])) {
        taken.push(rest[++r]);
      }
      return taken;
    };
    if (!spec) {
      if (!problems.some((p) => p.argIndex === i)) {
        const suggestion = didYouMean(flagWord, [...table.keys()]);
        report(
          i,
          'aws-unknown-flag',
          `Unknown option ${flagWord} for aws ${service} ${cliOperation}`,
          suggestion ? `did you mean ${suggestion}?` : undefined,
        );
      }
      consumeValues();
      continue;
    }
    const nargs = nargsOf(spec);
    let values: string[] = [];
    let valueIndexes: number[] = [];
    if (nargs === 'none') {
      if (inline !== undefined) report(i, 'aws-bad-value', `argument ${spec.flag}: ignored explicit argument '${inline}'`);
    } else if (inline !== undefined) {
      values = [inline];
      valueIndexes = [i];
      if (nargs === 'list') {
        const more = consumeValues();
        values.push(...more.map((k) => argv[k]));
        valueIndexes.push(...more);
      }
    } else if (nargs === 'one') {
      const next = rest[r + 1];
      if (next === i + 1 && !looksLikeOption(argv[next])) {
        values = [argv[next]];
        valueIndexes = [next];
        r++;
      } else {
        report(i, 'aws-bad-value', `argument ${spec.flag}: expected one argument`);
        continue;
      }
    } else {
      valueIndexes = consumeValues();
      values = valueIndexes.map((k) => argv[k]);
    }
    const key = spec.type === 'member' ? `m:${spec.member.name}` : spec.type === 'page' ? `p:${spec.key}` : spec.type;
    provided.set(key, { spec, flagIndex: i, values, valueIndexes });
  }

  // Streaming output (S3 GetObject): the CLI takes the file to write as a positional argument.
  let outfile: string | undefined;
  if (outfileMember) {
    const first = positionals.shift();
    if (first === undefined) report(operationIndex, 'aws-missing-required', 'the following arguments are required: outfile');
    else outfile = expandPath(argv[first], { cwd: options.cwd, env });
  }
  for (const i of positionals) {
    report(i, 'aws-unknown-flag', `Unknown options: ${argv[i]}`, 'values that start a new word must follow a flag; quote values that contain spaces');
  }
  if (provided.has('skeleton')) {
    report(provided.get('skeleton')!.flagIndex, 'aws-unknown-flag', '--generate-cli-skeleton prints a template and makes no API call');
  }

  // Values → SDK input.
  const placeholders = new Placeholders();
  const ctxFor = (argIndex: number): ConvertContext => ({
    pkg,
    packageName: resolved.packageName,
    isPlaceholder: Placeholders.has,
    report: (p: ValueProblem) => report(argIndex, p.ruleId, p.message, p.note),
  });
  const fileOptions = { cwd: options.cwd, env, readFile: options.readFile as ReadFile | undefined };
  const input: Record<string, unknown> = {};
  const given = new Set<string>();
  let pageSize: number | undefined;
  let maxItems: number | undefined;
  let startingToken: string | undefined;
  let manualPaging = false;

  for (const p of provided.values()) {
    const spec = p.spec;
    const valueIndex = p.valueIndexes[0] ?? p.flagIndex;
    if (spec.type === 'page') {
      const raw = p.values[0];
      if (spec.key === 'startingToken') startingToken = raw;
      else {
        const n = parseNumber(raw);
        if (n === undefined || !Number.isInteger(n)) {
          if (!Placeholders.has(raw)) report(valueIndex, 'aws-bad-value', `argument ${spec.flag}: invalid int value: '${raw}'`);
        } else if (spec.key === 'pageSize') pageSize = n;
        else maxItems = n;
      }
      continue;
    }
    if (spec.type !== 'member') continue;
    const member = spec.member;
    given.add(member.name);
    if (paging && (paging.inputTokens.includes(member.name) || member.name === paging.limitKey)) manualPaging = true;
    if (member.kind === 'boolean') {
      input[member.name] = !spec.negate;
      continue;
    }
    const unpacked = unpack(member, p.values, {
      flag: spec.flag,
      service,
      operation: cliOperation,
      fileOptions,
      ignoreMissingFiles: options.ignoreMissingFiles === true,
      placeholders,
      report: (problem) => report(valueIndex, problem.ruleId, problem.message, problem.note),
    });
    if (unpacked === SKIP) continue;
    if (unpacked instanceof Unresolved) {
      // Not parseable until run time: plans show the text, checks stay quiet.
      if (mode === 'translate') input[member.name] = unpacked.text;
      continue;
    }
    input[member.name] = placeholders.restore(convertMember(unpacked, member, inputShape, spec.flag, ctxFor(valueIndex)));
  }

  const cliInput = provided.get('cli-input-json');
  if (cliInput) {
    const raw = cliInput.values[0];
    const index = cliInput.valueIndexes[0] ?? cliInput.flagIndex;
    let text: string | Uint8Array | undefined = raw;
    try {
      text = loadParamFile(raw, fileOptions) ?? raw;
    } catch (error) {
      if (!(error instanceof ParamFileError && error.missing && options.ignoreMissingFiles)) {
        report(index, 'aws-bad-value', error instanceof Error ? error.message : String(error));
      }
      text = undefined;
    }
    if (text !== undefined && !(typeof text === 'string' && Placeholders.has(text))) {
      try {
        const data = JSON.parse(typeof text === 'string' ? text : new TextDecoder().decode(text)) as unknown;
        if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('expected a JSON object');
        const byName = new Map(members.map((m) => [m.name, m]));
        for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
          if (given.has(key)) continue;
          const member = byName.get(key);
          if (!member) {
            const suggestion = didYouMean(key, byName.keys());
            report(index, 'aws-bad-value', `Unknown parameter in --cli-input-json: "${key}", must be one of: ${[...byName.keys()].join(', ')}`, suggestion ? `did you mean "${suggestion}"?` : undefined);
            continue;
          }
          given.add(key);
          input[key] = convertMember(value, member, inputShape, key, ctxFor(index));
        }
      } catch (error) {
        report(index, 'aws-bad-value', `Error parsing parameter '--cli-input-json': Invalid JSON: ${(error as Error).message}`);
      }
    }
  }

  const missing = members.filter((m) => m.required && !m.traits.idempotencyToken && !given.has(m.name));
  if (missing.length > 0) {
    const flags = missing.map((m) => `--${renamed(service, cliOperation, xformName(m.name))}`);
    report(operationIndex, 'aws-missing-required', `aws ${service} ${cliOperation}: the following arguments are required: ${flags.join(', ')}`);
  }

  // Output options.
  const outputWord = globals.output?.value;
  let output: AwsCall['output'] = 'json';
  const defaultOutput = env.AWS_DEFAULT_OUTPUT;
  const chosen = typeof outputWord === 'string' ? outputWord : defaultOutput;
  if (chosen === 'json' || chosen === 'text' || chosen === 'table') output = chosen;
  else if (typeof outputWord === 'string' && !Placeholders.has(outputWord)) {
    report(globals.output!.index, 'aws-bad-value', `argument --output: invalid choice: '${outputWord}' (choose from 'json', 'text', 'table')`);
  }
  const query = typeof globals.query?.value === 'string' ? globals.query.value : undefined;
  if (query !== undefined && !Placeholders.has(query)) {
    try {
      checkQuery(query);
    } catch (error) {
      report(globals.query!.index, 'aws-bad-value', `Bad value for --query ${query}: ${(error as Error).message}`);
    }
  }
  if (noPaginate && (pageSize !== undefined || maxItems !== undefined || startingToken !== undefined)) {
    report(globals['no-paginate']!.index, 'aws-bad-value', 'Cannot specify --no-paginate along with pagination arguments: --starting-token, --page-size, --max-items');
  }

  const str = (name: string) => (typeof globals[name]?.value === 'string' ? (globals[name].value as string) : undefined);
  const paginate = !!paging && !noPaginate && !manualPaging;
  const call: AwsCall = {
    service,
    packageName: resolved.packageName,
    serviceId: ops.serviceId,
    operation,
    input,
    query,
    output,
    region: str('region'),
    profile: str('profile'),
    endpointUrl: str('endpoint-url'),
    paginate,
    mutating: isMutating(operation),
    sensitiveInputPaths: sensitivePaths(model.input),
    sensitiveOutputPaths: sensitivePaths(model.output),
  };
  if (paging && paginate) call.pagination = { ...paging, pageSize, maxItems, startingToken };
  if (outfile !== undefined) call.outfile = outfile;
  return { call, problems };
}

const SKIP = Symbol('skip');

/** A value that still holds a placeholder and cannot be parsed before run time. */
class Unresolved {
  constructor(readonly text: string) {}
}

interface UnpackContext {
  flag: string;
  service: string;
  operation: string;
  fileOptions: { cwd: string; env: NodeJS.ProcessEnv; readFile?: ReadFile };
  ignoreMissingFiles: boolean;
  placeholders: Placeholders;
  report(problem: ValueProblem): void;
}

/** The CLI's unpacking of one argument: paramfile, then shorthand, then JSON / scalar rules. */
function unpack(member: MemberInfo, words: string[], ctx: UnpackContext): unknown {
  const { flag, fileOptions } = ctx;
  const isList = member.kind === 'list';
  let value: string | string[] | Uint8Array = isList ? words : words[0];
  // load-cli-arg: a lone file:// value replaces the whole argument.
  const single = isList ? (words.length === 1 ? words[0] : undefined) : words[0];
  if (single !== undefined && isParamFile(single) && !Placeholders.has(single)) {
    try {
      value = loadParamFile(single, fileOptions) ?? value;
    } catch (error) {
      if (error instanceof ParamFileError && error.missing && ctx.ignoreMissingFiles) return SKIP;
      ctx.report({ ruleId: 'aws-bad-value', message: `Error parsing parameter '${flag}': ${(error as Error).message}` });
      return SKIP;
    }
  }
  const schema = member.schema;
  const kind = member.kind;
  if (value instanceof Uint8Array) {
    if (kind === 'blob') return value;
    value = new TextDecoder().decode(value);
    if (kind === 'string') return value;
  }
  const original = value;
  const pending = Array.isArray(value) ? value.some(Placeholders.has) : Placeholders.has(value);
  if (pending) {
    // Scalars are taken as they are; structured values are parsed around the placeholders.
    if (!isComplexKind(kind)) return new Unresolved(Array.isArray(value) ? value.join(' ') : value);
    value = Array.isArray(value) ? value.map((v) => ctx.placeholders.protect(v)) : ctx.placeholders.protect(value);
  }
  let failed = false;
  const bad = (message: string): typeof SKIP => {
    failed = true;
    if (!pending) ctx.report({ ruleId: 'aws-bad-value', message: `Error parsing parameter '${flag}': ${message}` });
    return SKIP;
  };
  const result = unpackValue(schema, kind, value, ctx, bad);
  if (failed && pending) return new Unresolved(Array.isArray(original) ? original.join(' ') : original);
  return result;
}

function isComplexKind(kind: string): boolean {
  return kind === 'structure' || kind === 'union' || kind === 'list' || kind === 'map' || kind === 'document';
}

function unpackValue(
  schema: NormalizedSchema,
  kind: string,
  input: string | string[],
  ctx: UnpackContext,
  bad: (message: string) => typeof SKIP,
): unknown {
  let value = input;
  if (kind === 'list' && typeof value === 'string') {
    // A file's contents for a list: JSON if it looks like it, else one element.
    value = value.trimStart().startsWith('[') ? value : [value];
  }

  // process-cli-arg: shorthand for complex shapes, unless the value looks like JSON.
  const check = Array.isArray(value) ? value[0] : value;
  const looksJson = typeof check === 'string' && /^\s*[[{]/.test(check);
  if (!looksJson && supportsShorthand(schema) && check !== undefined) {
    try {
      const special = shorthandSpecialCase(schema, value, ctx.service, ctx.operation, ctx.flag);
      if (special !== undefined) return special;
      const parser = new ShorthandParser((v) => {
        try {
          return loadParamFile(v, ctx.fileOptions);
        } catch (error) {
          if (error instanceof ParamFileError && error.missing && ctx.ignoreMissingFiles) return undefined;
          throw error;
        }
      });
      const parsed = Array.isArray(value) ? value.map((v) => parser.parse(v)) : parser.parse(value);
      return applyModel(parsed, schema);
    } catch (error) {
      if (error instanceof ShorthandParseError) return bad(`${error.message}${error.input ? ` for input:\n${error.location}` : ''}`);
      if (error instanceof ParamFileError) return bad(error.message);
      throw error;
    }
  }

  // unpack_cli_arg.
  const parseJson = (text: string): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      return bad(`Invalid JSON: ${(error as Error).message}\nJSON received: ${text}`);
    }
  };
  const traits = schema.getMergedTraits();
  if (kind === 'document' || (kind === 'string' && typeof traits.mediaType === 'string' && traits.httpHeader)) {
    return parseJson(String(value));
  }
  if (kind === 'structure' || kind === 'union' || kind === 'map') {
    const text = String(value);
    if (text.trimStart().startsWith('{')) return parseJson(text);
    return bad(`Invalid JSON:\n${text}`);
  }
  if (kind === 'list') {
    const items = value as string[];
    if (items.length === 1 && items[0].trim().startsWith('[')) return parseJson(items[0]);
    const element = schema.getValueSchema();
    const elementKind = kindOf(element);
    const out: unknown[] = [];
    for (const item of items) {
      let unpacked: unknown;
      if (isComplexKind(elementKind)) {
        unpacked = elementKind !== 'document' && !/^\s*[[{]/.test(item) ? bad(`Invalid JSON:\n${item}`) : parseJson(item);
      } else unpacked = scalarValue(elementKind, item, bad);
      if (unpacked === SKIP) return SKIP;
      out.push(unpacked);
    }
    return out;
  }
  const text = String(value);
  if (kind === 'blob' && schema.isStreaming()) {
    // Streaming blobs (s3api put-object --body) take a path to a file.
    const path = expandPath(text, ctx.fileOptions);
    try {
      return (ctx.fileOptions.readFile ?? defaultRead)(path, true);
    } catch (error) {
      if (ctx.ignoreMissingFiles && isMissingFile(error)) return SKIP;
      return bad(`Blob values must be a path to a file. (${(error as Error).message})`);
    }
  }
  return scalarValue(kind, text, bad);
}

function scalarValue(kind: string, text: string, bad: (message: string) => typeof SKIP): unknown {
  if (kind === 'number' || kind === 'bigint' || kind === 'bigdecimal') {
    const n = parseNumber(text);
    return n === undefined ? bad(`invalid literal for a number: '${text}'`) : n;
  }
  if (kind === 'boolean') return text.toLowerCase() === 'false' ? false : text !== '';
  return text;
}

function defaultRead(path: string, binary: boolean): string | Uint8Array {
  return binary ? new Uint8Array(readFileSync(path)) : readFileSync(path, 'utf8');
}

/** Shorthand applies to structures, maps and lists of complex shapes that hold no documents. */
function supportsShorthand(schema: NormalizedSchema): boolean {
  if (isDocumentContainer(schema)) return false;
  const kind = kindOf(schema);
  if (kind === 'list') {
    const element = kindOf(schema.getValueSchema());
    return element === 'structure' || element === 'union' || element === 'list' || element === 'map';
  }
  return kind === 'structure' || kind === 'union' || kind === 'map';
}

function isDocumentContainer(schema: NormalizedSchema): boolean {
  const kind = kindOf(schema);
  if (kind === 'document') return true;
  if (kind === 'list' || kind === 'map') return isDocumentContainer(schema.getValueSchema());
  return false;
}

/** argprocess.py's back-compat cases: `--instance-ids a b` for one-member structures, and `{"Value": x}` structures. */
const OLD_LIST_CASES: Readonly<Record<string, readonly string[]>> = {
  'firehose.put-record-batch': ['records'],
  'workspaces.reboot-workspaces': ['reboot-workspace-requests'],
  'workspaces.rebuild-workspaces': ['rebuild-workspace-requests'],
  'workspaces.terminate-workspaces': ['terminate-workspace-requests'],
  'elb.remove-tags': ['tags'],
  'elb.describe-instance-health': ['instances'],
  'elb.deregister-instances-from-load-balancer': ['instances'],
  'elb.register-instances-with-load-balancer': ['instances'],
};

function shorthandSpecialCase(schema: NormalizedSchema, value: string | string[], service: string, operation: string, flag: string): unknown {
  const kind = kindOf(schema);
  if (kind === 'list' && Array.isArray(value)) {
    const element = schema.getValueSchema();
    const elementMembers = structMembers(element);
    if (kindOf(element) === 'structure' && elementMembers.length === 1 && OLD_LIST_CASES[`${service}.${operation}`]?.includes(flag.slice(2))) {
      return value.map((v) => ({ [elementMembers[0].name]: v }));
    }
  }
  if (kind === 'structure' && typeof value === 'string') {
    const m = structMembers(schema);
    if (m.length === 1 && m[0].name === 'Value' && m[0].kind === 'string' && !value.includes('=')) return { Value: value };
  }
  return undefined;
}

function splitInline(word: string): [string, string | undefined] {
  const eq = word.indexOf('=');
  return eq > 0 ? [word.slice(0, eq), word.slice(eq + 1)] : [word, undefined];
}

/** A global option name; abbreviations of globals are not honoured (argparse's would shadow operation flags). */
function globalName(name: string): string | undefined {
  return GLOBAL_NAMES.includes(name) ? name : undefined;
}

export async function translateAws(argv: readonly string[], options: TranslateOptions): Promise<AwsCall> {
  const { call, problems } = await analyzeAws(argv, options, 'translate');
  const first = problems.find((p) => p.severity === 'error');
  if (first) throw TranslateError.from(first);
  if (!call) throw new TranslateError('Not an aws CLI command', { ruleId: 'aws-unknown-service', argIndex: 0 });
  return call;
}

export async function validateAws(argv: readonly string[], options: ValidateOptions): Promise<AwsProblem[]> {
  try {
    const { problems } = await analyzeAws(argv, options, 'validate');
    return problems;
  } catch (error) {
    return [{ argIndex: 0, ruleId: 'aws-bad-value', severity: 'error', message: `Could not check this command: ${(error as Error)?.message ?? String(error)}` }];
  }
}
