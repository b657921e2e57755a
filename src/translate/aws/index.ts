/** aws CLI commands as typed AWS SDK v3 calls, driven by the installed clients' own models. */
export type { AwsCall } from './call.js';
export { describeCall, redact } from './call.js';
export { TranslateError, AwsCliError, isAlreadyExists, isNotFound, isRetryable, isUntranslatable, AWS_RULE_IDS } from './errors.js';
export type { AwsProblem, AwsRuleId, Refusal } from './errors.js';
export { cliFailure } from './failure.js';
export type { CliFailure } from './failure.js';
export { translateAws, validateAws } from './args.js';
export type { TranslateOptions, ValidateOptions } from './args.js';
export { sendAwsCall, closeAwsClients } from './send.js';
export type { SendOptions } from './send.js';
export { formatAwsOutput } from './output.js';
export { xformName } from './names.js';
