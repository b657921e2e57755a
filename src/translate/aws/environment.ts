/**
 * What the aws CLI v1 (botocore's session) takes from the environment a command runs in and from the
 * config files that environment names: region, profile, endpoint URL, credentials. Resolved from the
 * command's own environment (a shell session's `export AWS_PROFILE=…`), never from this process's.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AwsCall } from './call.js';
import { cliCommands } from './cli-commands.js';
import { AwsCliError } from './errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface AwsSettings {
  region: string;
  /** `--endpoint-url`, AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's `endpoint_url`. */
  endpoint?: string;
  /** Static keys (the environment's, or the profile's own); otherwise `profile` goes to the SDK's chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  profile: string;
  /** Total attempts (AWS_MAX_ATTEMPTS, `max_attempts`; legacy mode's default is 5, DynamoDB's 10). */
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
}

/** botocore's session variables for one call: throws the CLI's own errors (no region, unknown profile). */
export function awsSettings(call: Pick<AwsCall, 'service' | 'region' | 'profile' | 'endpointUrl' | 'globalService'>, env: Env): AwsSettings {
  const files = sharedFiles(env);
  // `--profile` outranks the environment's keys; AWS_PROFILE does not (botocore's EnvProvider runs first).
  const explicitProfile = call.profile;
  const profile = explicitProfile ?? env.AWS_DEFAULT_PROFILE ?? env.AWS_PROFILE ?? 'default';
  const config = files.config[profile === 'default' ? 'default' : `profile ${profile}`] ?? (profile === 'default' ? undefined : files.config[profile]);
  const creds = files.credentials[profile];
  if (profile !== 'default' && !config && !creds) throw new AwsCliError(`The config profile (${profile}) could not be found`, 'exception');

  const endpoint = call.endpointUrl ?? configuredEndpoint(call.service, env, config, files.config);
  let region = call.region ?? env.AWS_DEFAULT_REGION ?? config?.region;
  if (region && !/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/.test(region)) {
    throw new AwsCliError(`Provided region_name '${region}' doesn't match a supported format.`, 'exception');
  }
  if (endpoint && !validEndpoint(endpoint)) throw new AwsCliError(`Invalid endpoint: ${endpoint}`, 'exception');
  if (!region) {
    // botocore calls global services without a region (their partition endpoint, signed for us-east-1);
    // with an endpoint URL it needs one to sign.
    if (call.globalService && !endpoint) region = 'us-east-1';
    else throw new AwsCliError('You must specify a region. You can also configure your region by running "aws configure".', 'error');
  }

  const fromEnv = env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY && !explicitProfile;
  const source = fromEnv
    ? { id: env.AWS_ACCESS_KEY_ID, secret: env.AWS_SECRET_ACCESS_KEY, token: env.AWS_SESSION_TOKEN ?? env.AWS_SECURITY_TOKEN }
    : creds?.aws_access_key_id && creds.aws_secret_access_key
      ? { id: creds.aws_access_key_id, secret: creds.aws_secret_access_key, token: creds.aws_session_token ?? creds.aws_security_token }
      : config?.aws_access_key_id && config.aws_secret_access_key
        ? { id: config.aws_access_key_id, secret: config.aws_secret_access_key, token: config.aws_session_token }
        : undefined;
  const mode = (env.AWS_RETRY_MODE ?? config?.retry_mode ?? 'legacy').toLowerCase();
  const attempts = Number.parseInt(env.AWS_MAX_ATTEMPTS ?? config?.max_attempts ?? '', 10);
  const maxAttempts = Number.isInteger(attempts) && attempts > 0 ? attempts : mode === 'legacy' ? (call.service === 'dynamodb' ? 10 : 5) : 3;
  const settings: AwsSettings = { region, profile, maxAttempts, retryMode: mode === 'adaptive' ? 'adaptive' : 'standard' };
  if (endpoint) settings.endpoint = endpoint;
  if (source?.id && source.secret) {
    settings.credentials = { accessKeyId: source.id, secretAccessKey: source.secret, ...(source.token ? { sessionToken: source.token } : {}) };
  }
  return settings;
}

/** botocore's is_valid_endpoint_url (a host of DNS labels) or is_valid_ipv6_endpoint_url, on urlsplit's hostname. */
function validEndpoint(url: string): boolean {
  const netloc = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(url)?.[1];
  if (netloc === undefined) return false;
  const host = netloc.slice(netloc.lastIndexOf('@') + 1);
  if (host.startsWith('[')) return /^\[[0-9A-Fa-f:.]+(%[^\]]+)?\]/.test(host);
  let hostname = (host.includes(':') ? host.slice(0, host.lastIndexOf(':')) : host).toLowerCase();
  if (!hostname || hostname.length > 255) return false;
  if (hostname.endsWith('.')) hostname = hostname.slice(0, -1);
  return /^((?!-)[a-z\d-]{1,63}(?<!-)\.)*((?!-)[a-z\d-]{1,63}(?<!-))$/.test(hostname);
}

/** The output format the profile's config names (`output = text`), for when neither --output nor AWS_DEFAULT_OUTPUT does. */
export function profileOutput(profileFlag: string | undefined, env: Env): string | undefined {
  const files = sharedFiles(env);
  const profile = profileFlag ?? env.AWS_DEFAULT_PROFILE ?? env.AWS_PROFILE ?? 'default';
  return files.config[profile === 'default' ? 'default' : `profile ${profile}`]?.output;
}

/** ConfiguredEndpointProvider: the service's variable (its serviceId, `AWS_ENDPOINT_URL_SECRETS_MANAGER`), the global one, then the config. */
function configuredEndpoint(service: string, env: Env, profile: Section | undefined, config: Sections): string | undefined {
  const ignore = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? profile?.ignore_configured_endpoint_urls;
  if (ignore?.toLowerCase() === 'true') return undefined;
  const id = (cliCommands().get(service)?.sdk ?? service).replaceAll('-', '_');
  const fromEnv = env[`AWS_ENDPOINT_URL_${id.toUpperCase()}`] || env.AWS_ENDPOINT_URL;
  if (fromEnv) return fromEnv;
  const services = profile?.services ? config[`services ${profile.services}`] : undefined;
  return services?.[`${id.toLowerCase()}.endpoint_url`] ?? profile?.endpoint_url;
}

type Section = Record<string, string>;
type Sections = Record<string, Section>;

function sharedFiles(env: Env): { config: Sections; credentials: Sections } {
  const home = env.HOME || homedir();
  const expand = (p: string) => (p === '~' || p.startsWith('~/') ? home + p.slice(1) : p);
  return {
    config: readIni(expand(env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config'))),
    credentials: readIni(expand(env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials'))),
  };
}

/** botocore's raw_config_parse (read per call: the files are small, and a step may have just written them): `[section]`, `key = value`, indented lines nest (`s3 =` / `  region = …` → `s3.region`). */
function readIni(path: string): Sections {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  const sections: Sections = {};
  let section: Section | undefined;
  let parent: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (!raw.trim() || /^\s*[#;]/.test(raw)) continue;
    const header = /^\[\s*(.+?)\s*\]/.exec(raw);
    if (header) {
      section = sections[header[1]!.replace(/\s+/g, ' ')] ??= {};
      parent = undefined;
      continue;
    }
    if (!section) continue;
    const kv = /^(\s*)([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
    if (!kv) continue;
    const [, indent, key, value] = kv as unknown as [string, string, string, string];
    if (indent && parent) section[`${parent}.${key.toLowerCase()}`] = value.trim();
    else {
      section[key.toLowerCase()] = value.trim();
      parent = value.trim() === '' ? key.toLowerCase() : undefined;
    }
  }
  return sections;
}
