/**
 * The gcloud commands that become API calls, keyed by their command path, and what else gcloud has
 * around them: a real gcloud command that is not translated runs in the shell; a word gcloud does not
 * know under `kms`/`iam` is a mistake `runbook check` reports with a suggestion.
 */
import type { CommandSpec, FlagSpec } from './command.js';
import { serviceAccountCommands } from './iam-service-accounts.js';
import { keyCommands } from './kms-keys.js';
import { keyRingCommands } from './kms-keyrings.js';

export const commands = new Map<string, CommandSpec<any>>(
  [...keyRingCommands, ...keyCommands, ...serviceAccountCommands].map((c) => [c.path, c]),
);

/**
 * gcloud's own command tree under the translated groups (gcloud 528, lib/surface/kms and lib/surface/iam):
 * these are real commands, so a runbook may use them; they run through the shell.
 */
export const gcloudTree: Record<string, readonly string[]> = {
  kms: [
    'asymmetric-decrypt', 'asymmetric-sign', 'autokey-config', 'decrypt', 'ekm-config', 'ekm-connections', 'encrypt',
    'import-jobs', 'inventory', 'key-handles', 'keyrings', 'keys', 'locations', 'mac-sign', 'mac-verify', 'raw-decrypt', 'raw-encrypt',
  ],
  iam: [
    'access-policies', 'list-grantable-roles', 'list-testable-permissions', 'oauth-clients', 'policies', 'policy-bindings',
    'policy-porters', 'principal-access-boundary-policies', 'roles', 'service-accounts', 'simulator', 'workforce-pools', 'workload-identity-pools',
  ],
  'kms keyrings': ['add-iam-policy-binding', 'config', 'create', 'describe', 'get-iam-policy', 'list', 'remove-iam-policy-binding', 'set-iam-policy'],
  'kms keys': [
    'add-iam-policy-binding', 'config', 'create', 'describe', 'get-iam-policy', 'list', 'remove-iam-policy-binding', 'remove-rotation-schedule',
    'set-iam-policy', 'set-primary-version', 'set-rotation-schedule', 'update', 'versions',
  ],
  'iam service-accounts': [
    'add-iam-policy-binding', 'config', 'create', 'delete', 'describe', 'disable', 'enable', 'get-iam-policy', 'identity-bindings', 'keys',
    'list', 'remove-iam-policy-binding', 'set-iam-policy', 'sign-blob', 'sign-jwt', 'undelete', 'update',
  ],
};

/** gcloud-wide flags the translation honours. */
export const globalFlags: Record<string, FlagSpec> = {
  project: { takesValue: true },
  format: { takesValue: true },
  quiet: { takesValue: false },
  verbosity: { takesValue: true, choices: ['debug', 'info', 'warning', 'error', 'critical', 'none'] },
  'user-output-enabled': { takesValue: false },
  'log-http': { takesValue: false },
};

/**
 * gcloud-wide flags that change who calls or how (another account, impersonation, a token file, another
 * configuration…): the translation would not honour them, so such a command runs in the shell.
 */
export const shellOnlyGlobalFlags = new Set([
  'account', 'billing-project', 'configuration', 'flags-file', 'flatten', 'impersonate-service-account', 'access-token-file',
  'trace-token', 'help', 'universe-domain',
]);

/**
 * Flags of translated commands that the translation does not reproduce (conditional bindings, Key
 * Access Justifications, EKM backends): the command runs in the shell with the real gcloud.
 */
export const shellOnlyFlags: Record<string, readonly string[]> = {
  'kms keys create': ['allowed-access-reasons', 'crypto-key-backend'],
  'kms keys add-iam-policy-binding': ['condition', 'condition-from-file'],
  'kms keyrings add-iam-policy-binding': ['condition', 'condition-from-file'],
  'iam service-accounts add-iam-policy-binding': ['condition', 'condition-from-file'],
  // get-iam-policy lists bindings: gcloud's list flags.
  'kms keys get-iam-policy': ['filter', 'limit', 'page-size', 'sort-by'],
  'kms keyrings get-iam-policy': ['filter', 'limit', 'page-size', 'sort-by'],
  'iam service-accounts get-iam-policy': ['filter', 'limit', 'page-size', 'sort-by'],
};
