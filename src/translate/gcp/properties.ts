/**
 * gcloud properties as gcloud resolves them for the run (googlecloudsdk/core/properties.py): the
 * `CLOUDSDK_<SECTION>_<NAME>` variable, else the active configuration's file (`$CLOUDSDK_CONFIG`, by
 * default ~/.config/gcloud, `configurations/config_<name>`, the name from CLOUDSDK_ACTIVE_CONFIG_NAME
 * or `active_config`). Read only for what gcloud says about its credentials in an error.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

type Env = Record<string, string | undefined>;

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** `[section]` / `name = value` (Python's configparser, as gcloud writes it). */
function fromConfigFile(text: string, section: string, name: string): string | undefined {
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const header = /^\[(.+)\]$/.exec(line);
    if (header) current = header[1]!.trim();
    else if (current === section && !line.startsWith('#') && !line.startsWith(';')) {
      const m = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
      if (m && m[1] === name) return m[2];
    }
  }
  return undefined;
}

export function gcloudProperty(section: string, name: string, env: Env): string | undefined {
  const fromEnv = env[`CLOUDSDK_${section}_${name}`.toUpperCase()];
  if (fromEnv !== undefined) return fromEnv;
  const dir = env.CLOUDSDK_CONFIG || join(env.HOME || homedir(), '.config', 'gcloud');
  const active = env.CLOUDSDK_ACTIVE_CONFIG_NAME || read(join(dir, 'active_config'))?.trim() || 'default';
  const text = read(join(dir, 'configurations', `config_${active}`));
  return text === undefined ? undefined : fromConfigFile(text, section, name);
}

const truthy = (v: string | undefined) => !!v && ['1', 'true', 'on', 'yes', 'y'].includes(v.trim().toLowerCase());

/**
 * The credentials gcloud would use, as its errors describe them (core/credentials/store.py CredentialInfo):
 * the sentence it adds to a 401/403/404 (GetInfoString), and the account it names in a 403 (`None` when
 * it has none), in the order gcloud looks for them.
 */
export function credentialInfo(env: Env): { sentence: string; account: string } {
  if (truthy(gcloudProperty('auth', 'disable_credentials', env))) return { sentence: 'This command is unauthenticated because the [auth/disable_credentials] property is True.', account: 'None' };
  if (env.CLOUDSDK_AUTH_ACCESS_TOKEN) return { sentence: 'This command is authenticated with an access token from the CLOUDSDK_AUTH_ACCESS_TOKEN environment variable.', account: 'None' };
  const tokenFile = gcloudProperty('auth', 'access_token_file', env);
  if (tokenFile) return { sentence: `This command is authenticated with an access token from ${tokenFile} specified by the [auth/access_token_file] property.`, account: 'None' };
  const override = gcloudProperty('auth', 'credential_file_override', env);
  if (override) {
    let account = 'None';
    try {
      account = String((JSON.parse(readFileSync(override, 'utf8')) as { client_email?: string }).client_email ?? 'None');
    } catch {
      // gcloud would fail to load it; the sentence still names the file
    }
    return { sentence: `This command is authenticated as ${account} using the credentials in ${override}, specified by the [auth/credential_file_override] property.`, account };
  }
  const account = gcloudProperty('core', 'account', env) ?? 'None';
  return { sentence: `This command is authenticated as ${account} which is the active account specified by the [core/account] property.`, account };
}
