/** aws CLI commands as typed AWS SDK v3 calls, driven by the installed clients' own models. */
export type { AwsCall } from './call.js';
export { describeCall, redact } from './call.js';
export { TranslateError, isAlreadyExists, isNotFound, isRetryable, AWS_RULE_IDS } from './errors.js';
export type { AwsProblem, AwsRuleId } from './errors.js';
export { translateAws, validateAws } from './args.js';
export type { TranslateOptions, ValidateOptions } from './args.js';
export { sendAwsCall, closeAwsClients } from './send.js';
export type { SendOptions } from './send.js';
export { formatAwsOutput } from './output.js';
export { xformName } from './names.js';
