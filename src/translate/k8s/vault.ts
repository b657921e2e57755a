/**
 * What the translator knows about commands run in pods: which ones only read (no confirmation,
 * no adoption), and which secrets `vault` prints (`vault operator init`'s recovery keys and root
 * token, unseal keys, tokens), so the engine redacts them everywhere.
 */

/** `vault status`, `vault read …`, `cat`…: commands that change nothing. */
export function isReadOnlyCommand(command: string[]): boolean {
  const argv = stripEnv(command);
  const [prog, ...args] = argv;
  if (!prog) return false;
  const name = prog.split('/').pop()!;
  if (name === 'vault') {
    const words = args.filter((a) => !a.startsWith('-'));
    const path = words.slice(0, 3).join(' ');
    if (args.includes('-status') && words[0] === 'operator' && words[1] === 'init') return true;
    return vaultReads.some((r) => path === r || path.startsWith(`${r} `));
  }
  return readOnlyPrograms.has(name);
}

const vaultReads = [
  'status', 'version', 'read', 'list', 'kv get', 'kv list', 'kv metadata get', 'token lookup', 'token capabilities',
  'secrets list', 'auth list', 'policy list', 'policy read', 'audit list', 'operator raft list-peers',
  'operator raft autopilot state', 'operator raft autopilot get-config', 'operator members', 'operator key-status',
  'operator usage', 'path-help', 'print',
];

const readOnlyPrograms = new Set(['cat', 'ls', 'env', 'printenv', 'echo', 'id', 'whoami', 'hostname', 'date', 'df', 'du', 'ps', 'true', 'uname', 'pwd', 'head', 'tail', 'grep', 'stat', 'test']);

function stripEnv(command: string[]): string[] {
  let i = 0;
  if (command[0] === 'env' || command[0] === '/usr/bin/env') i++;
  while (i < command.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(command[i]!)) i++;
  return command.slice(i);
}

export function isVaultCommand(command: string[]): boolean {
  const prog = stripEnv(command)[0];
  if (prog && prog.split('/').pop() === 'vault') return true;
  // `sh -c "vault operator init …"`
  return /^(\/bin\/)?(ba)?sh$/.test(command[0] ?? '') && /\bvault\b/.test(command.slice(1).join(' '));
}

export function isVaultInit(command: string[]): boolean {
  const argv = stripEnv(command);
  if (argv[0]?.split('/').pop() === 'vault') {
    const words = argv.slice(1).filter((a) => !a.startsWith('-'));
    return words[0] === 'operator' && words[1] === 'init' && !argv.includes('-status');
  }
  return /^(\/bin\/)?(ba)?sh$/.test(command[0] ?? '') && /\bvault\s+operator\s+init\b(?![^;&|]*-status)/.test(command.slice(1).join(' '));
}

/** JSON fields of vault's output whose values are secrets (any depth). */
const secretKey = /^(root_token|client_token|wrapping_token|token|id|recovery_keys.*|unseal_keys.*|keys|keys_base64|secret_id|password|private_key)$/;
/** Of those, the ones that are secrets only inside an auth/token answer (not `id` of anything). */
const contextual = new Set(['id', 'token']);

/**
 * Every secret in a `vault` command's output: JSON (`-format=json`) or the table the CLI prints
 * (`Recovery Key 1: …`, `Unseal Key 1: …`, `Initial Root Token: …`, `token …`).
 */
export function vaultSecrets(stdout: string): string[] {
  const out = new Set<string>();
  const text = stdout.trim();
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      collect(JSON.parse(text), out, false);
    } catch {
      // not JSON after all: fall through to the table forms
    }
  }
  for (const m of stdout.matchAll(/^(?:Recovery Key \d+|Unseal Key \d+|Initial Root Token|Root Token|Unseal Key \(will be hashed\)|token|Token \(will be hashed\)|wrapping_token:?)\s*[:\s]\s*(\S+)\s*$/gim)) out.add(m[1]!);
  return [...out].filter((s) => s.length >= 4 && !/^(n\/a|true|false|null)$/i.test(s));
}

function collect(value: unknown, out: Set<string>, inAuth: boolean): void {
  if (Array.isArray(value)) {
    for (const v of value) collect(v, out, inAuth);
    return;
  }
  if (!value || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const auth = inAuth || k === 'auth' || k === 'wrap_info';
    if (secretKey.test(k) && (!contextual.has(k) || auth)) addValues(v, out);
    else collect(v, out, auth);
  }
}

function addValues(v: unknown, out: Set<string>): void {
  if (typeof v === 'string' && v) out.add(v);
  else if (Array.isArray(v)) v.forEach((x) => addValues(x, out));
}
