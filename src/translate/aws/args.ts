/**
 * `aws <service> <operation> --flags…` → an AwsCall, following the aws CLI v1 step by step: its three
 * argparse parsers (./argparse.ts: global options and the command, then the operation, then the
 * operation's argument table), its pagination and `--cli-input-json` customizations,
 * awscli/argprocess.py's unpacking (paramfiles, shorthand, JSON, scalars) and botocore's parameter
 * validation. Each problem says how the CLI reacts to it (`Refusal`, ./errors.ts): translateAws throws
 * the one the CLI would report first, validateAws returns them all (for `runbook check`).
 */
import { readFileSync } from 'node:fs';
import { ArgparseError, ArgumentParser, pyInt, VersionRequested, type Action, type ParseResult, type Taken, type Word } from './argparse.js';
import type { AwsCall } from './call.js';
import { cliCommands } from './cli-commands.js';
import { memberOrder } from './declarations.js';
import { closeMatches } from '../difflib.js';
import { awsSettings, profileOutput } from './environment.js';
import { AwsCliError, TranslateError, type AwsProblem, type AwsRuleId, type Refusal } from './errors.js';
import { ARGUMENT_TABLE_CUSTOMIZATIONS, type CustomArgument } from './customizations.js';
import { convertMember, modelOrderNames, type ConvertContext, type ValueProblem } from './input.js';
import { didYouMean, xformName } from './names.js';
import { commandClass, isMutating, serviceOperations } from './operations.js';
import { pyRepr } from './output.js';
import { paginationModel, type PaginationModel } from './pagination.js';
import { expandPath, isMissingFile, isParamFile, loadParamFile, ParamFileError, type ReadFile } from './paramfile.js';
import { pyJsonLoads, PyJsonError } from './pyjson.js';
import { idempotencyTokenMember, kindOf, operationModel, sensitivePaths, shapeName, streamingOutputMember, structMembers, type MemberInfo, type NormalizedSchema } from './schema.js';
import { loadServicePackage, resolveService, type ServicePackage } from './services.js';
import { checkQuery } from './query.js';
import { applyModel, parseNumber, ShorthandParseError, ShorthandParser } from './shorthand.js';

export interface TranslateOptions {
  /** Directory that relative `file://` paths and `outfile` are resolved against. */
  cwd: string;
  readFile?: (path: string, binary: boolean) => string | Uint8Array;
  /** The command's environment: `$VAR` and `~` in file paths, AWS_DEFAULT_OUTPUT; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Planning: the configuration the command will run with is not known yet (no profile or region checks). */
  planning?: boolean;
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

/** The main parser's options (awscli/data/cli.json), in its order. */
export const GLOBAL_OPTIONS: readonly Action[] = [
  { dest: 'debug', optionStrings: ['--debug'], nargs: 0, flag: true },
  { dest: 'endpoint_url', optionStrings: ['--endpoint-url'], nargs: 'one' },
  { dest: 'verify_ssl', optionStrings: ['--no-verify-ssl'], nargs: 0, flag: false },
  { dest: 'paginate', optionStrings: ['--no-paginate'], nargs: 0, flag: false },
  { dest: 'output', optionStrings: ['--output'], nargs: 'one', choices: ['json', 'text', 'table'] },
  { dest: 'query', optionStrings: ['--query'], nargs: 'one' },
  { dest: 'profile', optionStrings: ['--profile'], nargs: 'one' },
  { dest: 'region', optionStrings: ['--region'], nargs: 'one' },
  { dest: 'color', optionStrings: ['--color'], nargs: 'one', choices: ['on', 'off', 'auto'] },
  { dest: 'sign_request', optionStrings: ['--no-sign-request'], nargs: 0, flag: false },
  { dest: 'ca_bundle', optionStrings: ['--ca-bundle'], nargs: 'one' },
  { dest: 'read_timeout', optionStrings: ['--cli-read-timeout'], nargs: 'one' },
  { dest: 'connect_timeout', optionStrings: ['--cli-connect-timeout'], nargs: 'one' },
  { dest: 'v2_debug', optionStrings: ['--v2-debug'], nargs: 0, flag: true },
  { dest: 'version', optionStrings: ['--version'], nargs: 0, flag: 'version' },
];

/** Global options whose effect the SDK calls do not reproduce: the real CLI runs such commands. */
export const UNTRANSLATED_GLOBALS: Readonly<Record<string, string>> = {
  debug: '--debug prints the CLI\'s own debug log',
  v2_debug: '--v2-debug prints the CLI\'s migration warnings',
  verify_ssl: '--no-verify-ssl changes how the CLI checks certificates',
  ca_bundle: '--ca-bundle changes how the CLI checks certificates',
  sign_request: '--no-sign-request sends unsigned requests',
};

/** aws CLI v2 options that v1 (the reference) refuses as unknown. */
const V2_ONLY = new Set(['--no-cli-pager', '--cli-binary-format', '--cli-auto-prompt', '--no-cli-auto-prompt']);

let mainParser: ArgumentParser | undefined;

/** MainArgParser: the global options and the command (the CLI's command table, then `help`). */
function theMainParser(): ArgumentParser {
  if (mainParser) return mainParser;
  const parser = new ArgumentParser();
  for (const option of GLOBAL_OPTIONS) parser.add({ ...option });
  parser.add({ dest: 'command', optionStrings: [], nargs: 'one', required: true, choices: [...cliCommands().keys(), 'help'] });
  return (mainParser = parser);
}

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

/** awscli/customizations/argrename.py's hidden aliases: an old spelling that still works. */
const HIDDEN_ALIASES: Readonly<Record<string, string>> = {
  'iam.enable-mfa-device.authentication-code1': 'authentication-code-1',
  'iam.enable-mfa-device.authentication-code2': 'authentication-code-2',
  'iam.resync-mfa-device.authentication-code1': 'authentication-code-1',
  'iam.resync-mfa-device.authentication-code2': 'authentication-code-2',
  'route53domains.view-billing.start-time': 'start',
  'deploy.create-deployment-group.ec2-tag-set': 'ec-2-tag-set',
  'deploy.update-deployment-group.ec2-tag-set': 'ec-2-tag-set',
  'deploy.list-application-revisions.s3-bucket': 's-3-bucket',
  'deploy.list-application-revisions.s3-key-prefix': 's-3-key-prefix',
  'cognito-identity.create-identity-pool.open-id-connect-provider-arns': 'open-id-connect-provider-ar-ns',
  'storagegateway.describe-tapes.tape-arns': 'tape-ar-ns',
  'storagegateway.describe-tape-archives.tape-arns': 'tape-ar-ns',
  'storagegateway.describe-vtl-devices.vtl-device-arns': 'vtl-device-ar-ns',
  'storagegateway.describe-cached-iscsi-volumes.volume-arns': 'volume-ar-ns',
  'storagegateway.describe-stored-iscsi-volumes.volume-arns': 'volume-ar-ns',
};

/**
 * awscli/paramfile.py's PARAMFILE_DISABLED: arguments whose `file://`/`http(s)://` value is taken as
 * text, keyed by the service's event name (its serviceId: `sqs`, `iam`, `api-gateway`).
 */
const PARAMFILE_DISABLED = new Set([
  'api-gateway.put-integration.uri', 'api-gateway.create-integration.integration-uri', 'api-gateway.update-integration.integration-uri',
  'api-gateway.create-api.target', 'api-gateway.update-api.target', 'appstream.create-stack.redirect-url',
  'appstream.create-stack.feedback-url', 'appstream.update-stack.redirect-url', 'appstream.update-stack.feedback-url',
  'cloudformation.create-stack.template-url', 'cloudformation.update-stack.template-url', 'cloudformation.create-stack-set.template-url',
  'cloudformation.update-stack-set.template-url', 'cloudformation.create-change-set.template-url',
  'cloudformation.validate-template.template-url', 'cloudformation.estimate-template-cost.template-url',
  'cloudformation.get-template-summary.template-url', 'cloudformation.create-stack.stack-policy-url',
  'cloudformation.update-stack.stack-policy-url', 'cloudformation.set-stack-policy.stack-policy-url',
  'cloudformation.update-stack.stack-policy-during-update-url', 'cloudformation.register-type.schema-handler-package',
  'guardduty.create-ip-set.location', 'guardduty.update-ip-set.location', 'guardduty.create-threat-intel-set.location',
  'guardduty.update-threat-intel-set.location', 'comprehend.detect-dominant-language.text',
  'comprehend.batch-detect-dominant-language.text-list', 'comprehend.detect-entities.text', 'comprehend.batch-detect-entities.text-list',
  'comprehend.detect-key-phrases.text', 'comprehend.batch-detect-key-phrases.text-list', 'comprehend.detect-sentiment.text',
  'comprehend.batch-detect-sentiment.text-list', 'emr.create-studio.idp-auth-url', 'iam.create-open-id-connect-provider.url',
  'machine-learning.predict.predict-endpoint', 'mediatailor.put-playback-configuration.ad-decision-server-url',
  'mediatailor.put-playback-configuration.slate-ad-url', 'mediatailor.put-playback-configuration.video-content-source-url',
  'rds.copy-db-cluster-snapshot.pre-signed-url', 'rds.create-db-cluster.pre-signed-url', 'rds.copy-db-snapshot.pre-signed-url',
  'rds.create-db-instance-read-replica.pre-signed-url', 'sagemaker.create-notebook-instance.default-code-repository',
  'sagemaker.create-notebook-instance.additional-code-repositories', 'sagemaker.update-notebook-instance.default-code-repository',
  'sagemaker.update-notebook-instance.additional-code-repositories', 'serverlessapplicationrepository.create-application.home-page-url',
  'serverlessapplicationrepository.create-application.license-url', 'serverlessapplicationrepository.create-application.readme-url',
  'serverlessapplicationrepository.create-application.source-code-url', 'serverlessapplicationrepository.create-application.template-url',
  'serverlessapplicationrepository.create-application-version.source-code-url',
  'serverlessapplicationrepository.create-application-version.template-url',
  'serverlessapplicationrepository.update-application.home-page-url', 'serverlessapplicationrepository.update-application.readme-url',
  'service-catalog.create-product.support-url', 'service-catalog.update-product.support-url',
  'ses.create-custom-verification-email-template.failure-redirection-url',
  'ses.create-custom-verification-email-template.success-redirection-url', 'ses.put-account-details.website-url',
  'ses.update-custom-verification-email-template.failure-redirection-url',
  'ses.update-custom-verification-email-template.success-redirection-url', 'sqs.add-permission.queue-url',
  'sqs.change-message-visibility.queue-url', 'sqs.change-message-visibility-batch.queue-url', 'sqs.delete-message.queue-url',
  'sqs.delete-message-batch.queue-url', 'sqs.delete-queue.queue-url', 'sqs.get-queue-attributes.queue-url',
  'sqs.list-dead-letter-source-queues.queue-url', 'sqs.receive-message.queue-url', 'sqs.remove-permission.queue-url',
  'sqs.send-message.queue-url', 'sqs.send-message-batch.queue-url', 'sqs.set-queue-attributes.queue-url', 'sqs.purge-queue.queue-url',
  'sqs.list-queue-tags.queue-url', 'sqs.tag-queue.queue-url', 'sqs.untag-queue.queue-url', 's3.copy-object.website-redirect-location',
  's3.create-multipart-upload.website-redirect-location', 's3.put-object.website-redirect-location', 'sns.subscribe.notification-endpoint',
  'iot.create-job.document-source', 'translate.translate-text.text', 'workdocs.create-notification-subscription.notification-endpoint',
]);

function renamed(service: string, operation: string, arg: string): string {
  return ARGUMENT_RENAMES[`${service}.${operation}.${arg}`] ?? ARGUMENT_RENAMES[`${service}.*.${arg}`] ?? arg;
}

/** One entry of the operation's argument table (ServiceOperation._create_argument_table and its customizations). */
interface Arg {
  name: string;
  action: Action;
  kind:
    | { type: 'member'; member: MemberInfo; negate?: boolean }
    | { type: 'page'; key: 'startingToken' | 'pageSize' | 'maxItems' }
    | { type: 'cli-input-json' }
    | { type: 'skeleton' }
    | { type: 'outfile' }
    /** An argument a CLI customization adds (./customizations.ts). */
    | { type: 'custom'; arg: CustomArgument };
}

const pyName = (name: string) => name.replaceAll('-', '_');

interface Analysis {
  call?: AwsCall;
  problems: AwsProblem[];
}

interface Reporter {
  (argIndex: number, ruleId: AwsRuleId, message: string, more?: { note?: string; severity?: 'error' | 'warning'; refusal?: Refusal; cliMessage?: string }): void;
}

export async function analyzeAws(argv: readonly string[], options: ValidateOptions, mode: 'translate' | 'validate'): Promise<Analysis> {
  const problems: AwsProblem[] = [];
  const report: Reporter = (argIndex, ruleId, message, more = {}) =>
    problems.push({
      argIndex,
      ruleId,
      message,
      severity: more.severity ?? 'error',
      ...(more.note ? { note: more.note } : {}),
      ...(more.refusal ? { refusal: more.refusal } : {}),
      ...(more.cliMessage ? { cliMessage: more.cliMessage } : {}),
    });
  const env = options.env ?? process.env;
  const untranslatable = (argIndex: number, ruleId: AwsRuleId, message: string, note?: string) =>
    report(argIndex, ruleId, message, { severity: 'warning', refusal: 'untranslatable', ...(note ? { note } : {}) });

  if (argv.length === 0 || !/(^|\/)aws$/.test(argv[0])) {
    report(0, 'aws-unknown-service', `Not an aws CLI command: ${argv[0] ?? '(empty)'}`);
    return { problems };
  }
  const words: Word[] = argv.slice(1).map((text, k) => ({ text, index: k + 1 }));

  // 1. MainArgParser: global options anywhere in the line, and the command.
  const main = parseWith(theMainParser(), words, report, 0);
  if (!main) return { problems };
  const globals = main.taken;
  const commandWord = globals.get('command')!.words[0]!;
  const command = commandWord.text;
  const serviceIndex = commandWord.index;
  if (command === 'help') {
    untranslatable(serviceIndex, 'aws-cli-only', '`aws help` prints documentation and makes no API call');
    return { problems };
  }
  for (const taken of globals.values()) abbreviation(taken, report);
  for (const [dest, why] of Object.entries(UNTRANSLATED_GLOBALS)) {
    const taken = globals.get(dest);
    if (taken) untranslatable(taken.option!.index, 'aws-cli-only', `${why}: the aws CLI runs this command`);
  }
  const globalValue = (dest: string) => globals.get(dest)?.words[0];
  // top-level-args-parsed (awscli/customizations/globalargs.py), before the service's own parser.
  const query = globalValue('query');
  if (query && !Placeholders.has(query.text)) {
    try {
      checkQuery(query.text);
    } catch (error) {
      const message = `Bad value for --query ${query.text}: ${(error as Error).message}`;
      report(query.index, 'aws-bad-value', message, { refusal: 'exception' });
    }
  }
  const endpoint = globalValue('endpoint_url');
  if (endpoint && !Placeholders.has(endpoint.text) && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(endpoint.text)) {
    report(endpoint.index, 'aws-bad-value', `Bad value for --endpoint-url "${endpoint.text}": scheme is missing.  Must be of the form http://<hostname>/ or https://<hostname>/`, { refusal: 'exception' });
  }
  const timeouts: Partial<Record<'read' | 'connect', number>> = {};
  for (const which of ['read', 'connect'] as const) {
    const word = globalValue(`${which}_timeout`);
    if (!word || Placeholders.has(word.text)) continue;
    const n = pyInt(word.text);
    if (n === undefined) report(word.index, 'aws-bad-value', `invalid literal for int() with base 10: ${pyRepr(word.text)}`, { refusal: 'exception' });
    else timeouts[which] = n;
  }

  const entry = cliCommands().get(command)!;
  if (!entry.service) {
    untranslatable(serviceIndex, 'aws-cli-only', `aws ${command} is a program of the aws CLI, not one API call: the aws CLI runs it`, CLI_PROGRAM_NOTES[command]);
    return { problems };
  }
  const resolved = resolveService(command);
  let pkg: ServicePackage;
  try {
    pkg = await loadServicePackage(resolved, serviceIndex);
  } catch (error) {
    if (error instanceof TranslateError) {
      report(serviceIndex, error.ruleId, error.message, { note: error.note, severity: 'warning', refusal: error.refusal });
      return { problems };
    }
    throw error;
  }
  const ops = serviceOperations(pkg);

  // 2. ServiceArgParser: the operation, from what the main parser left.
  const operationNames = [...ops.byCliName.keys()].filter((name) => !entry.refused.has(name)).sort();
  const choices = [...operationNames, ...entry.cliOnly, 'help'];
  const serviceParser = new ArgumentParser().add({ dest: 'operation', optionStrings: [], nargs: 'one', required: true, choices });
  const service = parseWith(serviceParser, main.extras, report, serviceIndex, { unknown: 'aws-unknown-operation', what: `aws ${command}` });
  if (!service) return { problems };
  const operationWord = service.taken.get('operation')!.words[0]!;
  const cliOperation = operationWord.text;
  const operationIndex = operationWord.index;
  if (cliOperation === 'help' || entry.cliOnly.has(cliOperation)) {
    untranslatable(operationIndex, 'aws-cli-only', `aws ${command} ${cliOperation} is implemented by the aws CLI itself, not one API call: the aws CLI runs it`, CLI_ONLY_NOTES[cliOperation]);
    return { problems };
  }
  const operation = ops.byCliName.get(cliOperation)!;
  const model = operationModel(commandClass(pkg, operation));
  if (!model) {
    untranslatable(operationIndex, 'aws-client-not-installed', `${ops.serviceId}.${operation} has no runtime schema in ${resolved.packageName}`);
    return { problems };
  }

  // 3. The operation's argument table and its parser.
  const paging = await paginationModel(command, operation, pkg, model.output);
  const table = argumentTable(command, cliOperation, resolved.packageName, model, paging);
  const opWords = service.extras;
  // ArgTableArgParser: a lone `help` is the help command, before any argument is checked.
  if (opWords.length === 1 && opWords[0]!.text === 'help') {
    untranslatable(opWords[0]!.index, 'aws-cli-only', `aws ${command} ${cliOperation} help prints documentation`);
    return { problems };
  }
  const overrideRequired = opWords.some((w) => w.text === '--cli-input-json' || w.text === '--generate-cli-skeleton');
  const opParser = new ArgumentParser();
  for (const arg of table.values()) {
    if (overrideRequired) arg.action.required = false;
    opParser.add(arg.action);
  }
  opParser.add({ dest: 'help', optionStrings: [], nargs: '?' });
  const parsed = parseWith(opParser, opWords, report, operationIndex, { tableFlags: [...table.keys()].map((n) => `--${n}`) });
  if (!parsed) return { problems };
  const help = parsed.taken.get('help')?.words[0];
  if (help?.text === 'help') {
    untranslatable(help.index, 'aws-cli-only', `aws ${command} ${cliOperation} help prints documentation`);
    return { problems };
  }
  const remaining = [...parsed.extras, ...(help ? [help] : [])];
  if (remaining.length) {
    const first = remaining.reduce((a, b) => (b.index < a.index ? b : a));
    const flags = [...table.keys()].map((n) => `--${n}`);
    const unknownFlag = remaining.find((w) => w.text.startsWith('--'));
    const v2 = remaining.find((w) => V2_ONLY.has(w.text));
    const suggestion = unknownFlag ? didYouMean(unknownFlag.text.split('=')[0]!, flags) : undefined;
    const note = v2
      ? `${v2.text} is an aws CLI v2 option; v1 refuses it`
      : suggestion
        ? `did you mean ${suggestion}?`
        : unknownFlag
          ? undefined
          : 'values that start a new word must follow a flag; quote values that contain spaces';
    report(first.index, 'aws-unknown-flag', `Unknown options: ${remaining.map((w) => w.text).join(', ')}`, { refusal: 'options', ...(note ? { note } : {}) });
  }
  const given = (name: string): Taken | undefined => {
    const arg = table.get(name);
    return arg ? parsed.taken.get(arg.action.dest) : undefined;
  };
  for (const taken of parsed.taken.values()) abbreviation(taken, report);
  if (given('generate-cli-skeleton')) {
    untranslatable(given('generate-cli-skeleton')!.option!.index, 'aws-cli-only', '--generate-cli-skeleton prints a template and makes no API call');
    return { problems };
  }

  // operation-args-parsed (customizations/paginate.py): a manual token turns pagination off, and then
  // the paging arguments it shadowed are the operation's own again.
  let paginate = !!paging && !globals.has('paginate');
  if (paging) {
    for (const token of [...paging.inputTokens, ...(paging.limitKey ? [paging.limitKey] : [])]) {
      const dest = pyName(xformName(token));
      if (dest !== 'max_items' && dest !== 'start_token' && parsed.taken.has(dest)) paginate = false;
    }
    if (!paginate) {
      const used = (['starting-token', 'page-size', 'max-items'] as const).filter((name) => {
        const taken = given(name);
        return !table.get(name)?.shadows && taken && truthy(taken);
      });
      if (used.length) {
        const index = given(used[0]!)!.option!.index;
        report(index, 'aws-bad-value', `Error during pagination: Cannot specify --no-paginate along with pagination arguments: ${used.map((u) => `--${u}`).join(', ')}`, { refusal: 'exception' });
      }
    }
  }

  // _build_call_parameters: each given argument in table order (the first error is the one printed).
  const placeholders = new Placeholders();
  const fileOptions = { cwd: options.cwd, env, readFile: options.readFile as ReadFile | undefined };
  const input: Record<string, unknown> = {};
  const converted: Array<{ member: MemberInfo; value: unknown; flag: string; index: number }> = [];
  const pagination: { pageSize?: number; maxItems?: number; startingToken?: string } = {};
  let outfile: string | undefined;
  let cliInputJson: { text: string; index: number } | undefined;
  let cliInputUnread = false;
  const customization = ARGUMENT_TABLE_CUSTOMIZATIONS[`${command}.${cliOperation}`];
  const customValues: Array<{ arg: CustomArgument; value: Parameters<CustomArgument['apply']>[1]; index: number }> = [];
  let customPending = false;
  // operation-args-parsed: before any argument is unpacked.
  const checked = customization?.check?.((dest) => {
    const taken = parsed.taken.get(dest);
    if (!taken) return undefined;
    if (taken.action.nargs === 0) return taken.action.flag;
    return taken.action.nargs === '*' ? taken.words.map((w) => w.text) : taken.words[0]?.text;
  });
  if (checked) report(operationIndex, 'aws-bad-value', checked, { refusal: 'exception' });
  for (const arg of table.values()) {
    const taken = parsed.taken.get(arg.action.dest);
    if (!taken || taken.action !== arg.action) continue;
    const valueIndex = taken.words[0]?.index ?? taken.option?.index ?? operationIndex;
    const kind = paginate || arg.kind.type !== 'page' || !arg.shadows ? arg.kind : arg.shadows.kind;
    const flag = `--${arg.name}`;
    if (kind.type === 'page') {
      const raw = taken.words[0]?.text ?? '';
      if (kind.key === 'startingToken') pagination.startingToken = raw;
      else if (taken.ints) pagination[kind.key] = taken.ints[0];
      else if (Placeholders.has(raw)) continue;
      else pagination[kind.key] = Number(raw);
      continue;
    }
    if (kind.type === 'outfile') {
      outfile = expandPath(taken.words[0]!.text, { cwd: options.cwd, env });
      continue;
    }
    if (kind.type === 'cli-input-json') {
      const raw = taken.words[0]!.text;
      const loaded = loadArgument(raw, {
        flag,
        serviceEvent: entry.sdk,
        operation: cliOperation,
        argName: arg.name,
        fileOptions,
        options,
        report: (problem) => report(valueIndex, problem.ruleId, problem.message, { refusal: problem.refusal ?? 'exception' }),
        untranslatable: (message) => untranslatable(valueIndex, 'aws-cli-only', message),
      });
      if (loaded === SKIP) {
        cliInputUnread = true;
        continue;
      }
      cliInputJson = { text: loaded === undefined ? raw : typeof loaded === 'string' ? loaded : new TextDecoder().decode(loaded), index: valueIndex };
      continue;
    }
    if (kind.type === 'custom') {
      const custom = kind.arg;
      const words = taken.words.map((w) => w.text);
      if (words.some((w) => Placeholders.has(w))) {
        customPending = true;
        continue;
      }
      let value: Parameters<CustomArgument['apply']>[1];
      if (taken.action.nargs === 0) value = taken.action.flag as boolean;
      else if (taken.action.nargs === '*') value = words;
      else if (taken.ints) value = taken.ints[0]!;
      else if (custom.blob) {
        const loaded = loadArgument(words[0]!, {
          flag,
          serviceEvent: entry.sdk,
          operation: cliOperation,
          argName: arg.name,
          fileOptions,
          options,
          report: (problem) => report(valueIndex, problem.ruleId, problem.message, { refusal: problem.refusal ?? 'exception' }),
          untranslatable: (message) => untranslatable(valueIndex, 'aws-cli-only', message),
        });
        if (loaded === SKIP) continue;
        // At plan time a file an earlier step writes reads as a placeholder: nothing to check yet.
        if (options.planning && typeof loaded === 'string' && Placeholders.has(loaded)) {
          customPending = true;
          continue;
        }
        value = loaded ?? words[0]!;
      } else value = words[0]!;
      customValues.push({ arg: custom, value, index: valueIndex });
      continue;
    }
    if (kind.type !== 'member') continue;
    const member = kind.member;
    if (member.kind === 'boolean' && taken.action.nargs === 0) {
      converted.push({ member, value: !kind.negate, flag, index: valueIndex });
      continue;
    }
    // A shadowed paging argument parsed by its PageArgument (an int) is still an int.
    if (taken.ints && kind !== arg.kind) {
      converted.push({ member, value: taken.ints[0], flag, index: valueIndex });
      continue;
    }
    const unpacked = unpack(member, taken.words.map((w) => w.text), {
      flag,
      service: command,
      serviceEvent: entry.sdk,
      operation: cliOperation,
      argName: arg.name,
      fileOptions,
      options,
      placeholders,
      report: (problem) => report(valueIndex, problem.ruleId, problem.message, { note: problem.note, refusal: problem.refusal ?? 'exception', cliMessage: problem.cliMessage }),
      untranslatable: (message) => untranslatable(valueIndex, 'aws-cli-only', message),
    });
    if (unpacked === SKIP) continue;
    if (unpacked instanceof Unresolved) {
      // Not parseable until run time: plans show the text, checks stay quiet.
      if (mode === 'translate') input[member.name] = unpacked.text;
      continue;
    }
    converted.push({ member, value: unpacked, flag, index: valueIndex });
  }

  // Where the CLI reads its configuration (a real run only): an unknown profile fails before
  // --cli-input-json is read, a bad region or endpoint when the client is made, before validation.
  let clientError: AwsCliError | undefined;
  if (mode === 'translate' && !options.planning) {
    try {
      awsSettings({ service: command, region: globalValue('region')?.text, profile: globalValue('profile')?.text, endpointUrl: endpoint?.text, globalService: entry.global }, env);
    } catch (error) {
      if (!(error instanceof AwsCliError)) throw error;
      if (error.message.startsWith('The config profile')) report(operationIndex, 'aws-bad-value', error.message, { refusal: 'exception' });
      else clientError = error;
    }
  }

  // calling-command: --cli-input-json fills what the arguments left unset.
  const fromJson: Array<{ key: string; value: unknown }> = [];
  // What the JSON holds is unknown when it cannot be read: its members are not "missing".
  let inputUnknown = cliInputUnread || (!!cliInputJson && Placeholders.has(cliInputJson.text));
  if (cliInputJson && !Placeholders.has(cliInputJson.text)) {
    try {
      const data = pyJsonLoads(cliInputJson.text);
      if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new TypeError('not an object');
      for (const [key, value] of Object.entries(data as Record<string, unknown>)) fromJson.push({ key, value });
    } catch (error) {
      const detail = error instanceof PyJsonError ? error.message : `'${Array.isArray(error) ? 'list' : typeof error}' object has no attribute 'keys'`;
      const message = error instanceof PyJsonError ? `Error parsing parameter 'cli-input-json': Invalid JSON: ${detail}\nJSON received: ${cliInputJson.text}` : detail;
      report(cliInputJson.index, 'aws-bad-value', message, { refusal: 'exception' });
      inputUnknown = true;
    }
  }

  if (clientError) report(operationIndex, 'aws-bad-value', clientError.message, { refusal: clientError.framing });

  // botocore's ParamValidator over the call parameters, in the order they were added.
  const members = structMembers(model.input);
  const byName = new Map(members.map((m) => [m.name, m]));
  const inputShape = shapeName(model.input);
  const ctxFor = (argIndex: number): ConvertContext => ({
    pkg,
    packageName: resolved.packageName,
    isPlaceholder: Placeholders.has,
    report: (p: ValueProblem) => report(argIndex, p.ruleId, p.message, { note: p.note, refusal: p.refusal ?? 'validation' }),
  });
  for (const c of converted) input[c.member.name] = placeholders.restore(convertMember(c.value, c.member, inputShape, c.flag, ctxFor(c.index)));
  // The customization's own arguments, after the operation's (table order), into the same parameters.
  const fromMembers = { ...input };
  for (const { arg, value, index } of customValues) {
    const problem = arg.apply(input, value);
    if (problem) report(index, 'aws-bad-value', problem, { refusal: 'exception' });
  }
  const fromFlags = new Set(Object.keys(input));
  for (const { key, value } of fromJson) {
    if (fromFlags.has(key)) continue;
    const member = byName.get(key);
    if (!member) {
      const suggestion = didYouMean(key, byName.keys());
      report(cliInputJson!.index, 'aws-bad-value', `Unknown parameter in input: "${key}", must be one of: ${modelOrderNames(resolved.packageName, inputShape, [...byName.keys()]).join(', ')}`, {
        refusal: 'validation',
        ...(suggestion ? { note: `did you mean "${suggestion}"?` } : {}),
      });
      continue;
    }
    input[key] = convertMember(value, member, inputShape, key, ctxFor(cliInputJson!.index));
  }
  // before-parameter-build: the customization's last word on the parameters, then what it made optional
  // on the command line is still required by the model.
  const fixed = customization?.fix?.(input, fromMembers);
  if (fixed) report(operationIndex, 'aws-bad-value', fixed, { refusal: 'exception' });
  if (!inputUnknown && !customPending && !overrideRequired && !cliInputJson) {
    for (const name of customization?.optional ?? []) {
      if (!(name in input) && byName.get(name)?.required) report(operationIndex, 'aws-missing-required', `Missing required parameter in input: "${name}"`, { refusal: 'validation' });
    }
  }
  if ((overrideRequired || cliInputJson) && !inputUnknown) {
    for (const m of members) {
      if (m.required && !m.traits.idempotencyToken && !(m.name in input)) {
        report(operationIndex, 'aws-missing-required', `Missing required parameter in input: "${m.name}"`, { refusal: 'validation' });
      }
    }
  } else {
    // Required booleans are not argparse-required (BooleanArgument never passes `required`).
    for (const m of members) {
      if (m.required && m.kind === 'boolean' && !(m.name in input)) {
        report(operationIndex, 'aws-missing-required', `Missing required parameter in input: "${m.name}"`, { refusal: 'validation' });
      }
    }
  }

  // Output format: --output, else AWS_DEFAULT_OUTPUT, else the profile's `output` (checked when the
  // output is printed, after the call).
  const outputWord = globalValue('output')?.text;
  const envOutput = env.AWS_DEFAULT_OUTPUT ?? (outputWord === undefined ? profileOutput(globalValue('profile')?.text, env) : undefined);
  const chosen = outputWord ?? envOutput ?? 'json';
  const output: AwsCall['output'] = chosen === 'text' || chosen === 'table' ? chosen : 'json';

  const str = (dest: string) => globalValue(dest)?.text;
  const call: AwsCall = {
    service: command,
    packageName: resolved.packageName,
    serviceId: ops.serviceId,
    operation,
    input,
    query: query?.text,
    output,
    region: str('region'),
    profile: str('profile'),
    endpointUrl: str('endpoint_url'),
    paginate: paginate && !!paging,
    mutating: isMutating(operation),
    sensitiveInputPaths: sensitivePaths(model.input),
    sensitiveOutputPaths: sensitivePaths(model.output),
  };
  if (outputWord === undefined && envOutput !== undefined && !['json', 'text', 'table'].includes(envOutput)) call.badOutput = envOutput;
  if (timeouts.read !== undefined || timeouts.connect !== undefined) call.timeouts = timeouts;
  if (entry.global) call.globalService = true;
  const token = idempotencyTokenMember(model.input);
  if (token) call.idempotencyToken = token;
  if (paging && call.paginate) call.pagination = { ...paging, ...pagination };
  if (outfile !== undefined) call.outfile = outfile;
  return { call, problems };
}

/** Runs one of the CLI's parsers; an argparse error becomes the problem and stops the analysis. */
function parseWith(
  parser: ArgumentParser,
  words: readonly Word[],
  report: Reporter,
  fallbackIndex: number,
  context: { unknown?: AwsRuleId; what?: string; tableFlags?: string[] } = {},
): ParseResult | undefined {
  try {
    return parser.parseKnownArgs(words);
  } catch (error) {
    if (error instanceof VersionRequested) {
      const word = words.find((w) => w.text.startsWith('--v'));
      report(word?.index ?? fallbackIndex, 'aws-cli-only', '--version prints the CLI version and makes no API call', { severity: 'warning', refusal: 'untranslatable' });
      return undefined;
    }
    if (!(error instanceof ArgparseError)) throw error;
    const index = error.word?.index ?? fallbackIndex;
    const cliMessage = error.message;
    const choice = /^argument (command|operation): Invalid choice/.exec(cliMessage);
    if (choice) {
      const word = error.word!.text;
      const candidates = choice[1] === 'command' ? [...cliCommands().keys()] : [];
      const close = choice[1] === 'command' ? closeMatches(word, candidates, 1, 0.8)[0] ?? didYouMean(word, candidates) : /maybe you meant:\n\s+\* (\S+)/.exec(cliMessage)?.[1];
      const message = choice[1] === 'command' ? `Unknown AWS service '${word}'` : `Unknown operation '${word}' for ${context.what ?? 'this service'}`;
      report(index, choice[1] === 'command' ? 'aws-unknown-service' : (context.unknown ?? 'aws-unknown-operation'), message, {
        refusal: 'usage',
        cliMessage,
        ...(close ? { note: `did you mean '${close}'?` } : {}),
      });
      return undefined;
    }
    const ruleId: AwsRuleId = cliMessage.startsWith('ambiguous option')
      ? 'aws-unknown-flag'
      : cliMessage.startsWith('the following arguments are required')
        ? 'aws-missing-required'
        : 'aws-bad-value';
    if (ruleId === 'aws-missing-required' && context.tableFlags) {
      // A misspelt required flag shows up as "required": point at the misspelling.
      const missing = cliMessage.slice(cliMessage.indexOf(': ') + 2).split(', ');
      for (const word of words) {
        const flag = word.text.split('=')[0]!;
        if (!flag.startsWith('--') || context.tableFlags.some((f) => f.startsWith(flag))) continue;
        const suggestion = didYouMean(flag, missing);
        if (!suggestion) continue;
        report(word.index, ruleId, cliMessage, { refusal: 'usage', cliMessage, note: `${flag} is not an option: did you mean ${suggestion}?` });
        return undefined;
      }
    }
    const valueChoice = /^(argument \S+): Invalid choice, valid choices are:\n\n([\s\S]*)$/.exec(cliMessage);
    const message = valueChoice
      ? `${valueChoice[1]}: invalid choice '${error.word?.text ?? ''}' (choose from ${valueChoice[2]!.split(/\s*\|\s*|\n/).filter(Boolean).map((c) => `'${c.trim()}'`).join(', ')})`
      : cliMessage;
    report(index, ruleId, message, { refusal: 'usage', cliMessage });
    return undefined;
  }
}

/** argparse takes a unique prefix of an option; a newer CLI may add an option that makes it ambiguous. */
function abbreviation(taken: Taken, report: Reporter): void {
  const written = taken.option?.text.split('=')[0];
  const full = taken.action.optionStrings[0];
  if (!written || !full || written === full) return;
  report(taken.option!.index, 'aws-unknown-flag', `Abbreviated option ${written} stands for ${full}`, { note: `write ${full} in full`, severity: 'warning' });
}

/** Whether argparse stored a value Python finds true (`--max-items 0` is not "set" for the paging check). */
function truthy(taken: Taken): boolean {
  if (taken.ints) return taken.ints[0] !== 0;
  return (taken.words[0]?.text ?? '') !== '';
}

/**
 * The operation's argument table in the CLI's order: the input members (model order; renamed ones move
 * to the end, as rename_argument re-inserts them), then --cli-input-json, the paging arguments (a
 * member they replace keeps its place), --generate-cli-skeleton; streaming output ops get `outfile`
 * instead of the last two and the JSON input.
 */
function argumentTable(
  service: string,
  operation: string,
  packageName: string,
  model: { input: NormalizedSchema; output: NormalizedSchema },
  paging: PaginationModel | undefined,
): Map<string, Arg & { shadows?: Arg }> {
  const table = new Map<string, Arg & { shadows?: Arg }>();
  const customization = ARGUMENT_TABLE_CUSTOMIZATIONS[`${service}.${operation}`];
  const order = memberOrder(packageName, shapeName(model.input));
  const members = structMembers(model.input);
  if (order) members.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  const later: Array<[string, Arg]> = [];
  const add = (name: string, arg: Arg, moved: boolean) => (moved ? later.push([name, arg]) : table.set(name, arg));
  for (const member of members) {
    const base = xformName(member.name);
    const name = renamed(service, operation, base);
    const required = member.required && !member.traits.idempotencyToken && member.kind !== 'boolean' && !customization?.optional?.includes(member.name);
    if (member.kind === 'boolean') {
      const negative = renamed(service, operation, `no-${base}`);
      add(name, { name, action: { dest: pyName(name), optionStrings: [`--${name}`], nargs: 0, flag: true }, kind: { type: 'member', member } }, name !== base);
      add(negative, { name: negative, action: { dest: pyName(name), optionStrings: [`--${negative}`], nargs: 0, flag: false }, kind: { type: 'member', member, negate: true } }, negative !== `no-${base}`);
      continue;
    }
    const action: Action = { dest: pyName(name), optionStrings: [`--${name}`], nargs: member.kind === 'list' ? '*' : 'one', required };
    add(name, { name, action, kind: { type: 'member', member } }, name !== base);
    const alias = HIDDEN_ALIASES[`${service}.${operation}.${name}`];
    if (alias) later.push([alias, { name: alias, action: { ...action, dest: pyName(alias), optionStrings: [`--${alias}`], required: false }, kind: { type: 'member', member } }]);
  }
  // The service's own customization (building-argument-table.<service>.<operation>) runs before the
  // renames (building-argument-table.<service>.*), which move renamed arguments to the end.
  for (const name of customization?.remove ?? []) table.delete(name);
  for (const custom of customization?.add ?? []) {
    const action: Action = {
      dest: pyName(custom.name),
      optionStrings: [`--${custom.name}`],
      nargs: custom.flag !== undefined ? 0 : (custom.nargs ?? 'one'),
      ...(custom.flag !== undefined ? { flag: custom.flag } : {}),
      ...(custom.int ? { int: true } : {}),
    };
    table.set(custom.name, { name: custom.name, action, kind: { type: 'custom', arg: custom } });
  }
  for (const [name, arg] of later) table.set(name, arg);
  const streaming = streamingOutputMember(model.output);
  if (!streaming) table.set('cli-input-json', { name: 'cli-input-json', action: { dest: 'cli_input_json', optionStrings: ['--cli-input-json'], nargs: 'one' }, kind: { type: 'cli-input-json' } });
  if (paging) {
    const limit = paging.limitKey ? members.find((m) => m.name === paging.limitKey) : undefined;
    const int = !limit || limit.kind === 'number' || limit.kind === 'bigint';
    const page = (name: string, key: 'startingToken' | 'pageSize' | 'maxItems', asInt: boolean) => {
      const shadows = table.get(name);
      table.set(name, { name, action: { dest: pyName(name), optionStrings: [`--${name}`], nargs: 'one', ...(asInt ? { int: true } : {}) }, kind: { type: 'page', key }, ...(shadows ? { shadows } : {}) });
    };
    page('starting-token', 'startingToken', false);
    if (paging.limitKey) page('page-size', 'pageSize', int);
    page('max-items', 'maxItems', int);
  }
  if (!streaming) {
    table.set('generate-cli-skeleton', {
      name: 'generate-cli-skeleton',
      action: { dest: 'generate_cli_skeleton', optionStrings: ['--generate-cli-skeleton'], nargs: '?', choices: ['input', 'output'] },
      kind: { type: 'skeleton' },
    });
  } else {
    table.set('outfile', { name: 'outfile', action: { dest: 'outfile', optionStrings: [], nargs: 'one', required: true }, kind: { type: 'outfile' } });
  }
  return table;
}

/** What `aws <program>` does, for the CLI's own programs. */
const CLI_PROGRAM_NOTES: Readonly<Record<string, string>> = {
  s3: 'the high-level `aws s3` commands (cp, sync, ls, mb, rb…) are CLI programs; `aws s3api …` has the single API calls',
  configure: '`aws configure` edits the local CLI configuration',
  history: '`aws history` reads the local CLI history',
  sdb: 'SimpleDB is a preview service the CLI enables through its configuration',
};

/** Subcommands the CLI adds to many services that are not API operations. */
const CLI_ONLY_NOTES: Readonly<Record<string, string>> = {
  help: '`help` prints documentation',
  wait: '`wait` is the CLI polling a waiter; it is not one API call',
  'update-kubeconfig': '`aws eks update-kubeconfig` writes a kubeconfig locally',
  'get-token': '`aws eks get-token` presigns an STS URL locally',
  'get-login-password': '`aws ecr get-login-password` is a CLI helper around get-authorization-token',
};

const SKIP = Symbol('skip');

/** A value that still holds a placeholder and cannot be parsed before run time. */
class Unresolved {
  constructor(readonly text: string) {}
}

interface UnpackContext {
  flag: string;
  /** The CLI's command name (`s3api`) and the service's event name (`s3`, its serviceId). */
  service: string;
  serviceEvent: string;
  operation: string;
  argName: string;
  fileOptions: { cwd: string; env: NodeJS.ProcessEnv; readFile?: ReadFile };
  options: ValidateOptions;
  placeholders: Placeholders;
  report(problem: ValueProblem): void;
  untranslatable(message: string): void;
}

/**
 * load-cli-arg (awscli/paramfile.py URIArgumentHandler): a `file://`/`fileb://` value (a list's only
 * element too) is replaced by the file's contents; an `http(s)://` one by the page the CLI downloads,
 * which the SDK calls do not do (the real CLI runs such a command).
 */
function loadArgument(
  value: string,
  ctx: Pick<UnpackContext, 'flag' | 'serviceEvent' | 'operation' | 'argName' | 'fileOptions' | 'options' | 'report' | 'untranslatable'>,
): string | Uint8Array | typeof SKIP | undefined {
  if (PARAMFILE_DISABLED.has(`${ctx.serviceEvent}.${ctx.operation}.${ctx.argName}`) || Placeholders.has(value)) return undefined;
  if (/^https?:\/\//.test(value)) {
    ctx.untranslatable(`${ctx.flag} ${value}: the aws CLI downloads the URL and sends its contents (cli_follow_urlparam)`);
    return SKIP;
  }
  if (!isParamFile(value)) return undefined;
  try {
    return loadParamFile(value, ctx.fileOptions);
  } catch (error) {
    if (error instanceof ParamFileError && error.missing && ctx.options.ignoreMissingFiles) return SKIP;
    ctx.report({ ruleId: 'aws-bad-value', refusal: 'exception', message: `Error parsing parameter '${ctx.flag}': ${(error as Error).message}` });
    return SKIP;
  }
}

/** The CLI's unpacking of one argument: paramfile, then shorthand, then JSON / scalar rules. */
function unpack(member: MemberInfo, words: string[], ctx: UnpackContext): unknown {
  const isList = member.kind === 'list';
  let value: string | string[] | Uint8Array = isList ? words : words[0]!;
  const single = isList ? (words.length === 1 ? words[0] : undefined) : words[0];
  if (single !== undefined) {
    const loaded = loadArgument(single, ctx);
    if (loaded === SKIP) return SKIP;
    if (loaded !== undefined) value = loaded;
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
  // `readable`: what check shows when the CLI's own text is not helpful.
  const bad = (message: string, readable?: string): typeof SKIP => {
    failed = true;
    if (!pending) ctx.report({ ruleId: 'aws-bad-value', refusal: 'exception', message: readable ?? message, ...(readable ? { cliMessage: message } : {}) });
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
  value: string | string[],
  ctx: UnpackContext,
  bad: (message: string, readable?: string) => typeof SKIP,
): unknown {
  const param = (message: string, readable?: string): typeof SKIP => bad(`Error parsing parameter '${ctx.flag}': ${message}`, readable && `Error parsing parameter '${ctx.flag}': ${readable}`);

  // process-cli-arg: shorthand for complex shapes, unless the value looks like JSON.
  const check = Array.isArray(value) ? value[0] : value;
  const looksJson = typeof check === 'string' && /^\s*[[{]/.test(check);
  if (!looksJson && supportsShorthand(schema) && check !== undefined) {
    try {
      const special = shorthandSpecialCase(schema, value, ctx.serviceEvent, ctx.operation, ctx.argName);
      if (special !== undefined) return special;
      const parser = new ShorthandParser((v) => {
        try {
          return loadParamFile(v, ctx.fileOptions);
        } catch (error) {
          if (error instanceof ParamFileError && error.missing && ctx.options.ignoreMissingFiles) return undefined;
          throw error;
        }
      });
      const parsed = Array.isArray(value) ? value.map((v) => parser.parse(v)) : parser.parse(value);
      return applyModel(parsed, schema);
    } catch (error) {
      if (error instanceof ShorthandParseError) return param(error.cliText, `${error.message}${error.input ? ` at:\n${error.location}` : ''}`);
      if (error instanceof ParamFileError) return param(error.message);
      throw error;
    }
  }

  // unpack_cli_arg.
  const parseJson = (text: string): unknown => {
    try {
      return pyJsonLoads(text);
    } catch (error) {
      if (error instanceof PyJsonError) return param(`Invalid JSON: ${error.message}\nJSON received: ${text}`);
      throw error;
    }
  };
  const traits = schema.getMergedTraits();
  if (kind === 'document' || (kind === 'string' && typeof traits.mediaType === 'string' && traits.httpHeader)) {
    return parseJson(String(value));
  }
  if (kind === 'structure' || kind === 'union' || kind === 'map') {
    const text = String(value);
    // `value.lstrip()[0]` on an empty value is Python's IndexError.
    if (!text.trimStart()) return bad('string index out of range');
    if (text.trimStart().startsWith('{')) return parseJson(text);
    return param(`Invalid JSON:\n${text}`);
  }
  if (kind === 'list') {
    if (typeof value === 'string') {
      if (!value.trimStart()) return bad('string index out of range');
      if (value.trimStart().startsWith('[')) return parseJson(value);
    } else if (value.length === 1 && value[0]!.trim().startsWith('[')) return parseJson(value[0]!);
    // A file's contents that is not JSON is iterated as Python iterates a string: character by character.
    const items = typeof value === 'string' ? Array.from(value) : value;
    const element = schema.getValueSchema();
    const elementKind = kindOf(element);
    const out: unknown[] = [];
    for (const item of items) {
      let unpacked: unknown;
      if (elementKind === 'document') unpacked = parseJson(item);
      else if (isComplexKind(elementKind)) {
        if (!item.trimStart()) return bad('string index out of range');
        unpacked = /^\s*[[{]/.test(item) ? parseJson(item) : param(`Invalid JSON:\n${item}`);
      } else {
        // A scalar that does not convert: the CLI names the argument's first value.
        unpacked = scalarValue(elementKind, item, (): typeof SKIP => param(items[0]!));
      }
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
      if (ctx.options.ignoreMissingFiles && isMissingFile(error)) return SKIP;
      return param('Blob values must be a path to a file.');
    }
  }
  return scalarValue(kind, text, (message) => bad(message));
}

/** unpack_scalar_cli_arg: `int()` / `float()` (their ValueError is printed as it is), booleans. */
function scalarValue(kind: string, text: string, bad: (message: string) => typeof SKIP): unknown {
  if (kind === 'number' || kind === 'bigint') {
    // The schemas do not tell integers from doubles: Python's float() syntax is accepted for both.
    const n = parseNumber(text);
    return n === undefined ? bad(`invalid literal for int() with base 10: ${pyRepr(text)}`) : n;
  }
  if (kind === 'bigdecimal') {
    const n = parseNumber(text);
    return n === undefined ? bad(`could not convert string to float: ${pyRepr(text)}`) : n;
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

/** argprocess.py's back-compat cases, keyed by serviceId: `--instances a b` for one-member structures. */
const OLD_LIST_CASES: Readonly<Record<string, readonly string[]>> = {
  'firehose.put-record-batch': ['records'],
  'workspaces.reboot-workspaces': ['reboot-workspace-requests'],
  'workspaces.rebuild-workspaces': ['rebuild-workspace-requests'],
  'workspaces.terminate-workspaces': ['terminate-workspace-requests'],
  'elastic-load-balancing.remove-tags': ['tags'],
  'elastic-load-balancing.describe-instance-health': ['instances'],
  'elastic-load-balancing.deregister-instances-from-load-balancer': ['instances'],
  'elastic-load-balancing.register-instances-with-load-balancer': ['instances'],
};

function shorthandSpecialCase(schema: NormalizedSchema, value: string | string[], serviceEvent: string, operation: string, argName: string): unknown {
  const kind = kindOf(schema);
  if (kind === 'list' && Array.isArray(value)) {
    const element = schema.getValueSchema();
    const elementMembers = structMembers(element);
    if (kindOf(element) === 'structure' && elementMembers.length === 1 && OLD_LIST_CASES[`${serviceEvent}.${operation}`]?.includes(argName)) {
      return value.map((v) => ({ [elementMembers[0]!.name]: v }));
    }
  }
  if (kind === 'structure' && typeof value === 'string') {
    const m = structMembers(schema);
    if (m.length === 1 && m[0]!.name === 'Value' && m[0]!.kind === 'string' && !value.includes('=')) return { Value: value };
  }
  return undefined;
}

export async function translateAws(argv: readonly string[], options: TranslateOptions): Promise<AwsCall> {
  const { call, problems } = await analyzeAws(argv, options, 'translate');
  // The real CLI runs what has no SDK translation, whatever else is in the command.
  const untranslatable = problems.find((p) => p.refusal === 'untranslatable');
  if (untranslatable) throw TranslateError.from(untranslatable);
  const refused = problems.filter((p) => p.severity === 'error' && p.refusal !== 'service');
  // Validation runs last, on everything the arguments gave: any other refusal comes first.
  const first = refused.find((p) => p.refusal !== 'validation') ?? refused[0];
  if (first?.refusal === 'validation') {
    // botocore reports every validation problem at once.
    const lines = refused.filter((p) => p.refusal === 'validation').map((p) => p.cliMessage ?? p.message);
    throw new TranslateError(`Parameter validation failed: ${lines.join('; ')}`, {
      ruleId: first.ruleId,
      argIndex: first.argIndex,
      note: first.note,
      refusal: 'validation',
      cliMessage: lines.join('\n'),
    });
  }
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
