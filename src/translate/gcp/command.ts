/**
 * What one gcloud command is to the translator: its flags as gcloud defines them, how its argv becomes
 * the API request, and how that request is sent. One module per command group fills these in
 * (kms-keyrings.ts, kms-keys.ts, iam-service-accounts.ts); commands.ts puts them in the table.
 */
import type { Apis } from './clients.js';

/** `gcp-not-translated`: a real gcloud command this translator does not reproduce (the real gcloud runs it). */
export type GcpRuleId = 'gcp-unknown-command' | 'gcp-unknown-flag' | 'gcp-bad-value' | 'gcp-missing-required' | 'gcp-not-translated';

export interface FlagSpec {
  /** `--location global`; otherwise a switch such as `--import-only`. */
  takesValue: boolean;
  /** Required, or required unless the positional is a full resource name. */
  required?: boolean | ((args: Args) => boolean);
  /** gcloud's choices for the value (`--purpose encryption`). */
  choices?: readonly string[];
  /** The problem with a value, in "expected …" words, or undefined. */
  check?: (value: string) => string | undefined;
  /**
   * gcloud parses the value itself (a duration, a time, labels) and refuses a bad one before sending
   * (exit 2). Otherwise the service judges it, so a bad value is reported by `runbook check` only and
   * sent as written, to get the service's own error, as gcloud does.
   */
  parsedByGcloud?: boolean;
}

/** A command's argv after parsing: the positional and the flags by name (without `--`). */
export interface Args {
  positional?: string;
  flags: Record<string, string | true>;
  /** `--project`, else CLOUDSDK_CORE_PROJECT, else GOOGLE_CLOUD_PROJECT; throws when there is none. */
  project(): string;
}

export interface CommandSpec<I = unknown> {
  /** `kms keys create`: the words after `gcloud`. */
  path: string;
  /** `KMS.CreateCryptoKey`, shown in plans and events; the adoption table's key. */
  operation: string;
  mutating: boolean;
  positional: {
    metavar: string;
    check?: (value: string) => string | undefined;
    /** gcloud's own refusal of a bad value (`Bad value [x]: Not a valid service account identifier…`); else the service judges it. */
    gcloudRefusal?: (value: string) => string;
  };
  /** gcloud's usage synopsis after the command path: `(KEYRING : --location=LOCATION)`, `NAME`. */
  synopsis: string;
  /**
   * The URL collection and instance when gcloud's REST URL for the call has 2 or 3 path segments
   * (`projects/P/serviceAccounts`): gcloud then words 403/404/409 errors around it.
   */
  urlResource?: (input: I) => { collection: string; instance: string };
  /** What gcloud prints on stderr when the command succeeds (`Created service account [x].`). */
  notice?: (input: I, result: unknown) => string;
  flags: Record<string, FlagSpec>;
  /** gcloud prints nothing by default (create commands); `--format` still prints the resource. */
  silent?: boolean;
  /** The API request. Throws UsageError for what gcloud would refuse before sending. */
  request(args: Args): I;
  /** The resource the call is about, for the one-line display. */
  describe(input: I): string;
  send(input: I, apis: Apis, signal?: AbortSignal): Promise<unknown>;
}

/**
 * gcloud refuses the command before sending anything. `message` is for `runbook check`; `cli` is gcloud's
 * own wording after `ERROR: (gcloud.…) ` when it differs, `exitCode` its status (1: the command refused it,
 * 2: the argument parser did).
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly ruleId: GcpRuleId = 'gcp-bad-value',
    readonly flag?: string,
    readonly cli?: { text: string; exitCode: 1 | 2; usage?: boolean },
  ) {
    super(message);
  }
}

/**
 * gcloud's resource-argument error when a name cannot be completed (`KEY` without `--keyring`): the
 * concept parser's wording (command_lib/util/concepts), exit 1.
 */
export function unresolvedResource(message: string, resource: string, attribute: string): UsageError {
  const text = [
    `Error parsing [${resource}].`,
    `The [${resource}] resource is not properly specified.`,
    `Failed to find attribute [${attribute}]. The attribute can be set in the following ways: `,
    `- provide the argument \`${resource}\` on the command line with a fully specified name`,
    `- provide the argument \`--${attribute}\` on the command line`,
  ].join('\n');
  return new UsageError(message, 'gcp-missing-required', attribute, { text, exitCode: 1 });
}

/** Values only known when the run gets there (`<$GSA_EMAIL>`, `<from step 3: X>`) are not checked. */
export const isPlaceholder = (value: string) => /<[^<>]*>/.test(value);

/** `encryption` -> `ENCRYPT_DECRYPT` style enum names: `google-symmetric-encryption` -> `GOOGLE_SYMMETRIC_ENCRYPTION`. */
export const enumName = (choice: string) => choice.toUpperCase().replace(/-/g, '_');

export function flagValue(args: Args, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}

/** Check-time validators shared by the command groups. */
export const checks = {
  /** https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/create */
  accountId(value: string): string | undefined {
    if (isPlaceholder(value)) return undefined;
    if (value.length < 6 || value.length > 30) return `a service account id of 6-30 characters, got ${value.length} ("${value}")`;
    if (!/^[a-z]([-a-z0-9]*[a-z0-9])$/.test(value)) return `a service account id of lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen ([a-z]([-a-z0-9]*[a-z0-9])), got "${value}"`;
    return undefined;
  },
  /** An email (NAME@PROJECT.iam.gserviceaccount.com) or the numeric unique id. */
  serviceAccount(value: string): string | undefined {
    if (isPlaceholder(value) || /^\d+$/.test(value) || /^[^@\s]+@[^@\s]+\.[a-z]+$/.test(value)) return undefined;
    return `the service account's email (NAME@PROJECT.iam.gserviceaccount.com) or unique id, got "${value}"`;
  },
  /** https://cloud.google.com/iam/docs/principal-identifiers */
  member(value: string): string | undefined {
    const known = /^(user|serviceAccount|group|domain|principal|principalSet|deleted:user|deleted:serviceAccount|deleted:group):/;
    if (value === 'allUsers' || value === 'allAuthenticatedUsers') return undefined;
    const literal = value.split('<')[0]!;
    if (!known.test(literal)) {
      if (isPlaceholder(value) && !literal.includes(':')) return undefined;
      return `a principal with its type, such as serviceAccount:NAME@PROJECT.iam.gserviceaccount.com, user:EMAIL, group:EMAIL or principal://…, got "${value}"`;
    }
    if (!isPlaceholder(value) && /^serviceAccount:.*\.svc\.id\.goog/.test(value) && !/^serviceAccount:[a-z0-9.:-]+\.svc\.id\.goog\[[a-z0-9.-]+\/[a-z0-9.-]+\]$/.test(value)) {
      return `a Workload Identity principal of the form serviceAccount:PROJECT.svc.id.goog[NAMESPACE/KSA], got "${value}"`;
    }
    return undefined;
  },
  role(value: string): string | undefined {
    if (isPlaceholder(value) || /^(roles\/|projects\/[^/]+\/roles\/|organizations\/[^/]+\/roles\/)[\w.]+$/.test(value)) return undefined;
    return `a role such as roles/cloudkms.cryptoKeyEncrypterDecrypter (or projects/P/roles/NAME), got "${value}"`;
  },
  /** https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings/create */
  kmsId(value: string): string | undefined {
    if (isPlaceholder(value) || value.startsWith('projects/') || /^[a-zA-Z0-9_-]{1,63}$/.test(value)) return undefined;
    return `a name of 1-63 letters, digits, "_" or "-", got "${value}"`;
  },
  location(value: string): string | undefined {
    if (isPlaceholder(value) || /^[a-z][a-z0-9-]*[a-z0-9]$/.test(value)) return undefined;
    return `a location such as global, us, europe or us-central1, got "${value}"`;
  },
  /** `30d`, `3600s`, `12h` (gcloud topic datetimes). */
  duration(value: string): string | undefined {
    if (isPlaceholder(value) || /^\d+[smhd]?$/.test(value)) return undefined;
    return `a duration such as 90d, 24h or 3600s, got "${value}"`;
  },
  time(value: string): string | undefined {
    if (isPlaceholder(value) || (/^\d{4}-\d\d-\d\d/.test(value) && !Number.isNaN(Date.parse(value)))) return undefined;
    return `an ISO 8601 time such as 2030-01-01T00:00:00Z, got "${value}"`;
  },
  labels(value: string): string | undefined {
    if (isPlaceholder(value) || value.split(',').every((p) => /^[a-z][\w-]{0,62}=[\w-]{0,63}$/.test(p))) return undefined;
    return `KEY=VALUE pairs separated by commas (lowercase letters, digits, "_" and "-"), got "${value}"`;
  },
};

/** `30d` -> `{seconds: 2592000}` (a protobuf Duration). */
export function durationOf(value: string): { seconds: number } {
  const m = /^(\d+)([smhd]?)$/.exec(value);
  if (!m) throw new UsageError(`Invalid duration "${value}", expected e.g. 90d, 24h or 3600s`);
  return { seconds: Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'] };
}

/** An ISO 8601 time -> a protobuf Timestamp. */
export function timestampOf(value: string): { seconds: number; nanos: number } {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`Invalid time "${value}", expected ISO 8601 such as 2030-01-01T00:00:00Z`);
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}
