/**
 * `gcloud kms keys create|describe|get-iam-policy|add-iam-policy-binding KEY --keyring R --location L`.
 * https://cloud.google.com/sdk/gcloud/reference/kms/keys/create,
 * https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings.cryptoKeys
 * Choices and defaults as gcloud has them (googlecloudsdk/command_lib/kms/maps.py, surface/kms/keys/create.py):
 * `--purpose encryption` is ENCRYPT_DECRYPT and defaults to GOOGLE_SYMMETRIC_ENCRYPTION; every other
 * purpose needs `--default-algorithm`; `--protection-level` defaults to software.
 */
import { checks, durationOf, enumName, flagValue, timestampOf, unresolvedResource, UsageError, type Args, type CommandSpec, type FlagSpec } from './command.js';
import { keyRingName } from './kms-keyrings.js';
import { kmsPolicyStore, policyCommands } from './policy.js';
import { restJson } from './proto-json.js';

const CRYPTO_KEY = /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/;

export const PURPOSES = {
  encryption: 'ENCRYPT_DECRYPT',
  'raw-encryption': 'RAW_ENCRYPT_DECRYPT',
  'asymmetric-signing': 'ASYMMETRIC_SIGN',
  'asymmetric-encryption': 'ASYMMETRIC_DECRYPT',
  mac: 'MAC',
} as const;

const ALGORITHMS: Record<keyof typeof PURPOSES, readonly string[]> = {
  encryption: ['google-symmetric-encryption', 'external-symmetric-encryption'],
  'raw-encryption': ['aes-128-gcm', 'aes-256-gcm', 'aes-128-cbc', 'aes-256-cbc', 'aes-128-ctr', 'aes-256-ctr'],
  'asymmetric-signing': [
    'ec-sign-ed25519', 'ec-sign-p256-sha256', 'ec-sign-p384-sha384', 'ec-sign-secp256k1-sha256',
    'rsa-sign-pss-2048-sha256', 'rsa-sign-pss-3072-sha256', 'rsa-sign-pss-4096-sha256', 'rsa-sign-pss-4096-sha512',
    'rsa-sign-pkcs1-2048-sha256', 'rsa-sign-pkcs1-3072-sha256', 'rsa-sign-pkcs1-4096-sha256', 'rsa-sign-pkcs1-4096-sha512',
    'rsa-sign-raw-pkcs1-2048', 'rsa-sign-raw-pkcs1-3072', 'rsa-sign-raw-pkcs1-4096',
    'pq-sign-ml-dsa-65', 'pq-sign-slh-dsa-sha2-128s', 'pq-sign-hash-slh-dsa-sha2-128s-sha256',
  ],
  'asymmetric-encryption': [
    'rsa-decrypt-oaep-2048-sha1', 'rsa-decrypt-oaep-2048-sha256', 'rsa-decrypt-oaep-3072-sha1', 'rsa-decrypt-oaep-3072-sha256',
    'rsa-decrypt-oaep-4096-sha1', 'rsa-decrypt-oaep-4096-sha256', 'rsa-decrypt-oaep-4096-sha512',
  ],
  mac: ['hmac-sha1', 'hmac-sha224', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512'],
};

const PROTECTION_LEVELS = ['software', 'hsm', 'external', 'external-vpc'] as const;

const isFullName = (args: Args) => !!args.positional?.startsWith('projects/');

/** `--keyring` and `--location` name the key unless the positional is its full resource name. */
const resourceFlags: Record<string, FlagSpec> = {
  keyring: { takesValue: true, required: (args) => !isFullName(args), check: checks.kmsId },
  location: { takesValue: true, required: (args) => !isFullName(args), check: checks.location },
};

/** `projects/P/locations/L/keyRings/R/cryptoKeys/K`. */
export function cryptoKeyName(args: Args): string {
  const key = args.positional;
  if (!key) throw new UsageError('Missing the key name: gcloud kms keys … KEY --keyring KEYRING --location LOCATION', 'gcp-missing-required');
  if (key.startsWith('projects/')) {
    if (!CRYPTO_KEY.test(key)) throw unresolvedResource(`Invalid key name "${key}", expected projects/PROJECT/locations/LOCATION/keyRings/KEYRING/cryptoKeys/KEY`, 'key', 'keyring');
    return key;
  }
  if (typeof args.flags.keyring !== 'string') throw unresolvedResource('Missing --keyring: the key ring the key is in', 'key', 'keyring');
  return `${keyRingName(args, 'keyring', 'key')}/cryptoKeys/${key}`;
}

const positional = { metavar: 'KEY', check: checks.kmsId };

export interface CreateCryptoKeyInput {
  parent: string;
  cryptoKeyId: string;
  cryptoKey: {
    purpose: string;
    versionTemplate: { protectionLevel: string; algorithm: string };
    labels?: Record<string, string>;
    importOnly?: boolean;
    rotationPeriod?: { seconds: number };
    nextRotationTime?: { seconds: number; nanos: number };
    destroyScheduledDuration?: { seconds: number };
  };
  skipInitialVersionCreation?: boolean;
}

const create: CommandSpec<CreateCryptoKeyInput> = {
  path: 'kms keys create',
  operation: 'KMS.CreateCryptoKey',
  mutating: true,
  silent: true,
  positional,
  flags: {
    ...resourceFlags,
    purpose: { takesValue: true, required: true, choices: Object.keys(PURPOSES) },
    'default-algorithm': { takesValue: true, choices: [...new Set(Object.values(ALGORITHMS).flat())] },
    'protection-level': { takesValue: true, choices: PROTECTION_LEVELS },
    labels: { takesValue: true, check: checks.labels, parsedByGcloud: true },
    'rotation-period': { takesValue: true, check: checks.duration, parsedByGcloud: true },
    'next-rotation-time': { takesValue: true, check: checks.time, parsedByGcloud: true },
    'destroy-scheduled-duration': { takesValue: true, check: checks.duration, parsedByGcloud: true },
    'skip-initial-version-creation': { takesValue: false },
    'import-only': { takesValue: false },
  },
  synopsis: '(KEY : --keyring=KEYRING --location=LOCATION) --purpose=PURPOSE',
  request(args) {
    const name = cryptoKeyName(args);
    const purpose = flagValue(args, 'purpose') as keyof typeof PURPOSES | undefined;
    if (!purpose || !(purpose in PURPOSES)) throw new UsageError(`--purpose is required: one of ${Object.keys(PURPOSES).join(', ')} (a Vault seal key is encryption)`, 'gcp-missing-required', 'purpose');
    let algorithm = flagValue(args, 'default-algorithm');
    if (!algorithm) {
      if (purpose !== 'encryption') {
        throw new UsageError(`--default-algorithm needs to be specified when creating a key with --purpose=${purpose}. The valid algorithms are: ${ALGORITHMS[purpose].join(', ')}`, 'gcp-missing-required', 'default-algorithm');
      }
      algorithm = 'google-symmetric-encryption';
    } else if (!ALGORITHMS[purpose].includes(algorithm)) {
      throw new UsageError(`Default algorithm and purpose are incompatible. Here are the valid algorithms for --purpose=${purpose}: ${ALGORITHMS[purpose].join(', ')}`, 'gcp-bad-value', 'default-algorithm');
    }
    const labels = flagValue(args, 'labels');
    const rotation = flagValue(args, 'rotation-period');
    const next = flagValue(args, 'next-rotation-time');
    const destroy = flagValue(args, 'destroy-scheduled-duration');
    return {
      parent: name.slice(0, name.lastIndexOf('/cryptoKeys/')),
      cryptoKeyId: name.slice(name.lastIndexOf('/') + 1),
      cryptoKey: {
        purpose: PURPOSES[purpose],
        versionTemplate: { protectionLevel: enumName(flagValue(args, 'protection-level') ?? 'software'), algorithm: enumName(algorithm) },
        ...(labels ? { labels: Object.fromEntries(labels.split(',').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)])) } : {}),
        ...(args.flags['import-only'] === true ? { importOnly: true } : {}),
        ...(rotation ? { rotationPeriod: durationOf(rotation) } : {}),
        ...(next ? { nextRotationTime: timestampOf(next) } : {}),
        ...(destroy ? { destroyScheduledDuration: durationOf(destroy) } : {}),
      },
      ...(args.flags['skip-initial-version-creation'] === true ? { skipInitialVersionCreation: true } : {}),
    };
  },
  describe: (input) => `${input.parent}/cryptoKeys/${input.cryptoKeyId} (${input.cryptoKey.purpose}, ${input.cryptoKey.versionTemplate.algorithm}, ${input.cryptoKey.versionTemplate.protectionLevel})`,
  async send(input, apis) {
    type Req = Parameters<Awaited<ReturnType<typeof apis.kms>>['createCryptoKey']>[0];
    const [key] = await (await apis.kms()).createCryptoKey(input as Req);
    return restJson(key);
  },
};

const describe: CommandSpec<{ name: string }> = {
  path: 'kms keys describe',
  operation: 'KMS.GetCryptoKey',
  mutating: false,
  positional,
  flags: resourceFlags,
  synopsis: '(KEY : --keyring=KEYRING --location=LOCATION)',
  request: (args) => ({ name: cryptoKeyName(args) }),
  describe: (input) => input.name,
  async send(input, apis) {
    const [key] = await (await apis.kms()).getCryptoKey(input);
    return restJson(key);
  },
};

export const keyCommands: CommandSpec<any>[] = [
  create,
  describe,
  ...policyCommands({
    group: 'kms keys', service: 'KMS', positional, flags: resourceFlags, synopsis: '(KEY : --keyring=KEYRING --location=LOCATION)', noticeKind: 'key',
    resource: cryptoKeyName, store: kmsPolicyStore,
  }),
];
