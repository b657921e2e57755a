// Vault's sys API and a slice of the `vault` CLI for an auto-unsealed (awskms / gcpckms) raft cluster, for tests.
// Follows:
// - /sys/init: https://developer.hashicorp.com/vault/api-docs/system/init and hashicorp/vault http/sys_init.go
//   (validateInitParameters: "parameters secret_shares,secret_threshold not applicable to seal type awskms";
//   InitResponse: keys, keys_base64, recovery_keys, recovery_keys_base64, root_token)
// - /sys/seal-status: https://developer.hashicorp.com/vault/api-docs/system/seal-status (api.SealStatusResponse)
// - /sys/health: https://developer.hashicorp.com/vault/api-docs/system/health (200 active, 429 standby, 501 not
//   initialized, 503 sealed; standbyok/uninitcode/sealedcode/... query parameters)
// - /sys/leader: https://developer.hashicorp.com/vault/api-docs/system/leader
// - /sys/storage/raft/join and /configuration: https://developer.hashicorp.com/vault/api-docs/system/storage/raft
// - `vault operator init`: https://developer.hashicorp.com/vault/docs/commands/operator/init and command/operator_init.go
//   (machineInit JSON: unseal_keys_b64, unseal_keys_hex, unseal_shares, unseal_threshold, recovery_keys_b64,
//   recovery_keys_hex, recovery_keys_shares, recovery_keys_threshold, root_token; errors exit 2)
// - `vault status`: https://developer.hashicorp.com/vault/docs/commands/status and command/format.go (SealStatusOutput;
//   exit 0 unsealed, 2 sealed, 1 error)
// - Auto-unseal and retry_join: https://developer.hashicorp.com/vault/docs/configuration/seal/awskms,
//   https://developer.hashicorp.com/vault/docs/configuration/seal/gcpckms,
//   https://developer.hashicorp.com/vault/docs/concepts/integrated-storage
// Model: one VaultCluster (the raft cluster + its seal) shared by nodes vault-0..N. Before init every node is
// uninitialized and sealed. `init` on any node initializes the cluster with that node as the active leader; with
// retryJoin (the chart's retry_join stanza) the other nodes then join and auto-unseal on their own (after
// joinDelayMs); without it they stay uninitialized until `vault operator raft join` / POST sys/storage/raft/join.
import http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  isPlainObject,
  jsonResponse,
  listen,
  nodeListener,
  type ServerHandle,
  type SimpleRequest,
  type SimpleResponse,
} from './http.js';

export type SealType = 'awskms' | 'gcpckms';

export interface VaultClusterOptions {
  /** Seal stanza type. Default "awskms". */
  sealType?: SealType;
  /** Node names (pod names). Default vault-0, vault-1, vault-2. */
  nodes?: string[];
  /** Nodes other than the initialized one join on their own (retry_join). Default true. */
  retryJoin?: boolean;
  /** Delay before retry_join nodes join after init (ms). Default 0 (synchronously with the init call). */
  joinDelayMs?: number;
  /** Reported version. Default 1.18.1 */
  version?: string;
  /** Headless service used in node addresses. Default vault-internal */
  internalService?: string;
}

export interface ExecLikeResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

const BUILD_DATE = '2024-10-29T14:21:31Z';
const ZERO_TIME = '0001-01-01T00:00:00Z';

function base62(n: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(n)].map((b) => alphabet[b % 62]).join('');
}

class VaultApiError extends Error {
  constructor(
    readonly code: number,
    readonly errors: string[],
  ) {
    super(errors.join('; '));
  }
}

export class VaultCluster {
  readonly sealType: SealType;
  readonly version: string;
  readonly retryJoin: boolean;
  readonly joinDelayMs: number;
  readonly internalService: string;
  readonly nodes = new Map<string, VaultNode>();
  initialized = false;
  rootToken?: string;
  recoveryKeys: Buffer[] = [];
  recoveryShares = 0;
  recoveryThreshold = 0;
  leader?: string;
  activeSince?: string;
  raftIndex = 0;
  readonly clusterName = `vault-cluster-${randomBytes(4).toString('hex')}`;
  readonly clusterId = randomUUID();
  /** Every init attempt (HTTP or CLI) with the node it hit and the HTTP status it produced. */
  readonly initAttempts: { node: string; body: unknown; status: number }[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(opts: VaultClusterOptions = {}) {
    this.sealType = opts.sealType ?? 'awskms';
    this.version = opts.version ?? '1.18.1';
    this.retryJoin = opts.retryJoin ?? true;
    this.joinDelayMs = opts.joinDelayMs ?? 0;
    this.internalService = opts.internalService ?? 'vault-internal';
    for (const n of opts.nodes ?? ['vault-0', 'vault-1', 'vault-2']) this.nodes.set(n, new VaultNode(n, this));
  }

  node(name: string): VaultNode {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no vault node ${name}`);
    return n;
  }

  apiAddr(node: string): string {
    return `http://${node}.${this.internalService}:8200`;
  }

  clusterAddr(node: string): string {
    return `https://${node}.${this.internalService}:8201`;
  }

  /** Runs sys/init on `node`; throws VaultApiError for the 400s Vault answers. */
  initialize(node: VaultNode, body: unknown): Record<string, unknown> {
    try {
      const out = this.doInitialize(node, body);
      this.initAttempts.push({ node: node.name, body, status: 200 });
      return out;
    } catch (e) {
      this.initAttempts.push({ node: node.name, body, status: e instanceof VaultApiError ? e.code : 500 });
      throw e;
    }
  }

  private doInitialize(node: VaultNode, body: unknown): Record<string, unknown> {
    const req = isPlainObject(body) ? body : {};
    const num = (k: string) => (typeof req[k] === 'number' ? (req[k] as number) : 0);
    const barrier: string[] = [];
    if (num('secret_shares') !== 0) barrier.push('secret_shares');
    if (num('secret_threshold') !== 0) barrier.push('secret_threshold');
    if (Array.isArray(req.pgp_keys) && req.pgp_keys.length) barrier.push('pgp_keys');
    if (barrier.length) throw new VaultApiError(400, [`parameters ${barrier.join(',')} not applicable to seal type ${this.sealType}`]);
    // A real node that has not joined would form a second cluster here; this model has one cluster per seal.
    if (this.initialized || node.initialized) throw new VaultApiError(400, ['Vault is already initialized']);
    const shares = num('recovery_shares') || 5;
    const threshold = num('recovery_threshold') || 3;
    const invalid = (m: string) => new VaultApiError(400, [`invalid recovery configuration: ${m}`]);
    if (shares < 1) throw invalid('shares must be at least one');
    if (threshold < 1) throw invalid('threshold must be at least one');
    if (shares > 1 && threshold === 1) throw invalid('threshold must be greater than one for multiple shares');
    if (shares > 255) throw invalid('shares must be less than 256');
    if (threshold > shares) throw invalid('threshold cannot be larger than shares');
    this.recoveryKeys = Array.from({ length: shares }, () => randomBytes(33));
    this.recoveryShares = shares;
    this.recoveryThreshold = threshold;
    this.rootToken = `hvs.${base62(24)}`;
    this.initialized = true;
    this.leader = node.name;
    this.activeSince = new Date().toISOString();
    this.raftIndex = 30;
    node.joined = true;
    if (this.retryJoin) {
      for (const other of this.nodes.values()) {
        if (other === node) continue;
        if (this.joinDelayMs <= 0) this.join(other);
        else {
          const t = setTimeout(() => {
            this.timers.delete(t);
            this.join(other);
          }, this.joinDelayMs);
          t.unref();
          this.timers.add(t);
        }
      }
    }
    return {
      keys: [],
      keys_base64: [],
      recovery_keys: this.recoveryKeys.map((k) => k.toString('hex')),
      recovery_keys_base64: this.recoveryKeys.map((k) => k.toString('base64')),
      root_token: this.rootToken,
    };
  }

  /** Joins a node to the initialized cluster (it auto-unseals with the shared seal). */
  join(node: VaultNode): void {
    if (!this.initialized) throw new VaultApiError(500, ['failed to join raft cluster: leader is not initialized']);
    if (!node.joined) {
      node.joined = true;
      this.raftIndex += 2;
    }
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

export class VaultNode {
  /** Member of the (initialized) raft cluster, hence initialized and auto-unsealed. */
  joined = false;
  /** Token stored by `vault login` in this pod (~/.vault-token). */
  tokenFile?: string;

  constructor(
    readonly name: string,
    readonly cluster: VaultCluster,
  ) {}

  get initialized(): boolean {
    return this.cluster.initialized && this.joined;
  }

  get sealed(): boolean {
    return !this.initialized;
  }

  get active(): boolean {
    return this.initialized && this.cluster.leader === this.name;
  }

  sealStatus(): Record<string, unknown> {
    const c = this.cluster;
    return {
      type: c.sealType,
      initialized: this.initialized,
      sealed: this.sealed,
      t: this.initialized ? c.recoveryThreshold : 0,
      n: this.initialized ? c.recoveryShares : 0,
      progress: 0,
      nonce: '',
      version: c.version,
      build_date: BUILD_DATE,
      migration: false,
      ...(this.sealed ? {} : { cluster_name: c.clusterName, cluster_id: c.clusterId }),
      recovery_seal: true,
      recovery_seal_type: 'shamir',
      storage_type: 'raft',
    };
  }

  leaderStatus(): Record<string, unknown> {
    const c = this.cluster;
    return {
      ha_enabled: true,
      is_self: this.active,
      active_time: this.active ? c.activeSince : ZERO_TIME,
      leader_address: c.leader ? c.apiAddr(c.leader) : '',
      leader_cluster_address: c.leader ? c.clusterAddr(c.leader) : '',
      performance_standby: false,
      performance_standby_last_remote_wal: 0,
      raft_committed_index: c.raftIndex,
      raft_applied_index: c.raftIndex,
    };
  }

  private tokenOk(req: SimpleRequest): boolean {
    const t = req.headers['x-vault-token'] ?? (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    return !!t && t === this.cluster.rootToken;
  }

  /** The HTTP API (a SimpleHandler: attach it to a pod proxy or serve it with startVault). */
  readonly handle = async (req: SimpleRequest): Promise<SimpleResponse> => {
    try {
      return this.route(req);
    } catch (e) {
      if (e instanceof VaultApiError) return jsonResponse(e.code, { errors: e.errors });
      throw e;
    }
  };

  private route(req: SimpleRequest): SimpleResponse {
    const u = new URL(req.url, 'http://127.0.0.1:8200');
    const path = u.pathname.replace(/\/+$/, '');
    const m = req.method;
    const body = (): unknown => {
      const text = req.body.toString('utf8');
      if (text.trim() === '') return {};
      try {
        return JSON.parse(text);
      } catch (e) {
        throw new VaultApiError(400, [`failed to parse JSON input: ${(e as Error).message}`]);
      }
    };
    const only = (...methods: string[]) => {
      if (!methods.includes(m)) throw new VaultApiError(405, []);
    };
    switch (path) {
      case '/v1/sys/init':
        if (m === 'GET') return jsonResponse(200, { initialized: this.initialized });
        only('PUT', 'POST');
        return jsonResponse(200, this.cluster.initialize(this, body()));
      case '/v1/sys/seal-status':
        only('GET');
        return jsonResponse(200, this.sealStatus());
      case '/v1/sys/health':
        only('GET', 'HEAD');
        return this.health(u.searchParams, m === 'HEAD');
      case '/v1/sys/leader':
        only('GET');
        if (this.sealed) throw new VaultApiError(503, ['Vault is sealed']);
        return jsonResponse(200, this.leaderStatus());
      case '/v1/sys/unseal':
        only('PUT', 'POST');
        if (!this.cluster.initialized) throw new VaultApiError(400, ['Vault is not initialized']);
        return jsonResponse(200, this.sealStatus());
      case '/v1/sys/storage/raft/join': {
        only('PUT', 'POST');
        const b = body() as Record<string, unknown>;
        if (!b.leader_api_addr && !b.auto_join) throw new VaultApiError(400, ['either leader_api_addr or auto_join must be specified']);
        if (this.initialized) throw new VaultApiError(400, ['node is already initialized and joined to a raft cluster']);
        this.cluster.join(this);
        return jsonResponse(200, { joined: true });
      }
      case '/v1/sys/storage/raft/configuration': {
        only('GET');
        if (this.sealed) throw new VaultApiError(503, ['Vault is sealed']);
        if (!this.tokenOk(req)) throw new VaultApiError(403, ['permission denied']);
        const servers = [...this.cluster.nodes.values()]
          .filter((n) => n.joined)
          .map((n) => ({
            node_id: n.name,
            address: `${n.name}.${this.cluster.internalService}:8201`,
            leader: n.name === this.cluster.leader,
            protocol_version: '3',
            voter: true,
          }));
        return jsonResponse(200, { request_id: randomUUID(), lease_id: '', renewable: false, lease_duration: 0, data: { config: { index: this.cluster.raftIndex, servers } }, wrap_info: null, warnings: null, auth: null });
      }
      case '/v1/auth/token/lookup-self':
        only('GET');
        if (this.sealed) throw new VaultApiError(503, ['Vault is sealed']);
        if (!this.tokenOk(req)) throw new VaultApiError(403, ['permission denied']);
        return jsonResponse(200, {
          request_id: randomUUID(),
          lease_id: '',
          renewable: false,
          lease_duration: 0,
          data: { id: this.cluster.rootToken, policies: ['root'], display_name: 'root', path: 'auth/token/root', ttl: 0, type: 'service', orphan: true },
          wrap_info: null,
          warnings: null,
          auth: null,
        });
    }
    if (this.sealed) throw new VaultApiError(503, ['Vault is sealed']);
    if (!this.tokenOk(req)) throw new VaultApiError(403, ['permission denied']);
    throw new VaultApiError(404, []);
  }

  private health(q: URLSearchParams, head: boolean): SimpleResponse {
    const code = (name: string, def: number) => (q.has(name) ? Number(q.get(name)) : def);
    let status: number;
    if (!this.initialized) status = code('uninitcode', 501);
    else if (this.sealed) status = code('sealedcode', 503);
    else if (!this.active) status = q.get('standbyok') === 'true' || q.get('standbyok') === '' ? 200 : code('standbycode', 429);
    else status = code('activecode', 200);
    const c = this.cluster;
    const body = {
      initialized: this.initialized,
      sealed: this.sealed,
      standby: !this.active,
      performance_standby: false,
      replication_performance_mode: 'disabled',
      replication_dr_mode: 'disabled',
      server_time_utc: Math.floor(Date.now() / 1000),
      version: c.version,
      enterprise: false,
      ...(this.sealed ? {} : { cluster_name: c.clusterName, cluster_id: c.clusterId }),
      echo_duration_ms: 0,
      clock_skew_ms: 0,
    };
    const r = jsonResponse(status, body);
    return head ? { status, headers: r.headers } : r;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The `vault` CLI inside the pod (VAULT_ADDR=http://127.0.0.1:8200 in the chart)
  // ---------------------------------------------------------------------------------------------------------------

  /** Runs a command as `kubectl exec vault-0 -- <argv>` would; understands `sh -c "..."` wrappers and VAR=x prefixes. */
  readonly exec = async (req: { command: string[] }): Promise<ExecLikeResult> => {
    const argv = req.command;
    if (argv.length >= 3 && /(^|\/)(ba)?sh$/.test(argv[0]) && /^-[a-z]*c$/.test(argv[1])) {
      const out: ExecLikeResult = { stdout: '', stderr: '', exitCode: 0 };
      for (const part of splitScript(argv[2])) {
        if (part.op === '&&' && out.exitCode !== 0) continue;
        if (part.op === '||' && out.exitCode === 0) continue;
        const r = this.runArgv(shellWords(part.cmd), true);
        out.stdout += r.stdout;
        out.stderr += r.stderr;
        out.exitCode = r.exitCode;
      }
      return out;
    }
    return this.runArgv(argv, false);
  };

  private runArgv(argv: string[], viaShell: boolean): ExecLikeResult {
    const env: Record<string, string> = { VAULT_ADDR: 'http://127.0.0.1:8200' };
    let i = 0;
    if (argv[0] === 'env' || argv[0] === '/usr/bin/env') i++;
    while (i < argv.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i])) {
      const eq = argv[i].indexOf('=');
      env[argv[i].slice(0, eq)] = argv[i].slice(eq + 1);
      i++;
    }
    const prog = argv[i];
    if (prog === undefined) return { stdout: '', stderr: '', exitCode: 0 };
    if (prog === 'true') return { stdout: '', stderr: '', exitCode: 0 };
    if (prog === 'false') return { stdout: '', stderr: '', exitCode: 1 };
    if (prog !== 'vault' && prog !== '/bin/vault' && prog !== '/usr/local/bin/vault')
      return viaShell
        ? { stdout: '', stderr: `/bin/sh: ${prog}: not found\n`, exitCode: 127 }
        : { stdout: '', stderr: `exec: "${prog}": executable file not found in $PATH\n`, exitCode: 127 };
    return this.vaultCli(argv.slice(i + 1), env);
  }

  private vaultCli(args: string[], env: Record<string, string>): ExecLikeResult {
    const flags = new Map<string, string>();
    const positional: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      const m = a.match(/^--?([A-Za-z0-9-]+)(?:=(.*))?$/);
      if (!m) {
        positional.push(a);
        continue;
      }
      const boolFlags = ['status', 'tls-skip-verify', 'non-interactive', 'no-print', 'force', 'retry', 'h', 'help'];
      if (m[2] !== undefined) flags.set(m[1], m[2]);
      else if (boolFlags.includes(m[1])) flags.set(m[1], 'true');
      else flags.set(m[1], args[++i] ?? '');
    }
    const format = flags.get('format') ?? env.VAULT_FORMAT ?? 'table';
    const token = flags.get('token') ?? env.VAULT_TOKEN ?? this.tokenFile;
    const addr = env.VAULT_ADDR;
    const ok = (stdout: string, exitCode = 0): ExecLikeResult => ({ stdout, stderr: '', exitCode });
    const apiError = (verb: string, method: string, path: string, e: VaultApiError): ExecLikeResult => ({
      stdout: '',
      stderr: `${verb}: Error making API request.\n\nURL: ${method} ${addr}${path}\nCode: ${e.code}. Errors:\n\n${e.errors.map((x) => `* ${x}`).join('\n')}\n`,
      exitCode: 2,
    });
    const cmd = positional.slice(0, positional[0] === 'operator' ? (positional[1] === 'raft' ? 3 : 2) : 1).join(' ');
    const rest = positional.slice(cmd.split(' ').length);
    switch (cmd) {
      case 'version':
        return ok(`Vault v${this.cluster.version} (0000000000000000000000000000000000000000), built ${BUILD_DATE}\n`);
      case 'status': {
        const exitCode = this.sealed ? 2 : 0;
        const s = { ...this.sealStatus(), ...(this.sealed ? { ha_enabled: true, active_time: ZERO_TIME } : this.leaderStatusForCli()) };
        if (format === 'json') return ok(goJson(s), exitCode);
        return ok(this.statusTable(s), exitCode);
      }
      case 'operator init': {
        if (flags.get('status') === 'true') return ok(this.initialized ? 'Vault is initialized\n' : 'Vault is not initialized\n', this.initialized ? 0 : 2);
        if (rest.length) return { stdout: '', stderr: `Too many arguments (expected 0, got ${rest.length})\n`, exitCode: 1 };
        const int = (names: string[]) => {
          for (const n of names) if (flags.has(n)) return Number(flags.get(n));
          return 0;
        };
        const reqBody: Record<string, unknown> = {
          secret_shares: int(['key-shares', 'n']),
          secret_threshold: int(['key-threshold', 't']),
          recovery_shares: int(['recovery-shares']) || 5,
          recovery_threshold: int(['recovery-threshold']) || 3,
        };
        if (flags.has('pgp-keys')) reqBody.pgp_keys = flags.get('pgp-keys')!.split(',');
        let resp: Record<string, any>;
        try {
          resp = this.cluster.initialize(this, reqBody);
        } catch (e) {
          if (e instanceof VaultApiError) return apiError('Error initializing', 'PUT', '/v1/sys/init', e);
          throw e;
        }
        if (format === 'json')
          return ok(
            goJson({
              unseal_keys_b64: [],
              unseal_keys_hex: [],
              unseal_shares: 1,
              unseal_threshold: 1,
              recovery_keys_b64: resp.recovery_keys_base64,
              recovery_keys_hex: resp.recovery_keys,
              recovery_keys_shares: reqBody.recovery_shares,
              recovery_keys_threshold: reqBody.recovery_threshold,
              root_token: resp.root_token,
            }),
          );
        const lines = (resp.recovery_keys_base64 as string[]).map((k, i) => `Recovery Key ${i + 1}: ${k}`);
        lines.push('', `Initial Root Token: ${resp.root_token}`, '', 'Success! Vault is initialized', '');
        lines.push(
          `Recovery key initialized with ${reqBody.recovery_shares} key shares and a key threshold of ${reqBody.recovery_threshold}. Please`,
          'securely distribute the key shares printed above.',
        );
        return ok(lines.join('\n') + '\n');
      }
      case 'operator raft join': {
        try {
          if (!rest[0] && !flags.has('auto-join')) throw new VaultApiError(400, ['either leader_api_addr or auto_join must be specified']);
          if (this.initialized) throw new VaultApiError(400, ['node is already initialized and joined to a raft cluster']);
          this.cluster.join(this);
        } catch (e) {
          if (e instanceof VaultApiError) return apiError('Error joining the node to the Raft cluster', 'POST', '/v1/sys/storage/raft/join', e);
          throw e;
        }
        return ok(format === 'json' ? goJson({ joined: true }) : 'Key       Value\n---       -----\nJoined    true\n');
      }
      case 'operator raft list-peers': {
        if (this.sealed) return apiError('Error reading the raft cluster configuration', 'GET', '/v1/sys/storage/raft/configuration', new VaultApiError(503, ['Vault is sealed']));
        if (token !== this.cluster.rootToken)
          return apiError('Error reading the raft cluster configuration', 'GET', '/v1/sys/storage/raft/configuration', new VaultApiError(403, ['permission denied']));
        const peers = [...this.cluster.nodes.values()].filter((n) => n.joined);
        if (format === 'json')
          return ok(
            goJson({
              data: {
                config: {
                  index: this.cluster.raftIndex,
                  servers: peers.map((n) => ({ node_id: n.name, address: `${n.name}.${this.cluster.internalService}:8201`, leader: n.name === this.cluster.leader, protocol_version: '3', voter: true })),
                },
              },
            }),
          );
        const rows = [['Node', 'Address', 'State', 'Voter'], ['----', '-------', '-----', '-----']];
        for (const n of peers) rows.push([n.name, `${n.name}.${this.cluster.internalService}:8201`, n.name === this.cluster.leader ? 'leader' : 'follower', 'true']);
        return ok(columnize(rows));
      }
      case 'login': {
        const t = rest[0] ?? flags.get('token');
        if (this.sealed) return apiError('Error authenticating', 'GET', '/v1/auth/token/lookup-self', new VaultApiError(503, ['Vault is sealed']));
        if (!t || t !== this.cluster.rootToken) return apiError('Error authenticating', 'GET', '/v1/auth/token/lookup-self', new VaultApiError(403, ['permission denied']));
        this.tokenFile = t;
        return ok('Success! You are now authenticated.\n');
      }
      default:
        return { stdout: '', stderr: `Usage: vault <command> [args]\n\nUnknown command: vault ${positional.join(' ')}\n`, exitCode: 127 };
    }
  }

  private leaderStatusForCli(): Record<string, unknown> {
    const l = this.leaderStatus();
    return {
      ha_enabled: true,
      ...(l.is_self ? { is_self: true } : {}),
      active_time: l.active_time,
      leader_address: l.leader_address,
      leader_cluster_address: l.leader_cluster_address,
      raft_committed_index: l.raft_committed_index,
      raft_applied_index: l.raft_applied_index,
    };
  }

  private statusTable(s: Record<string, any>): string {
    const rows: string[][] = [
      ['Key', 'Value'],
      ['---', '-----'],
      ['Seal Type', s.type],
      ['Recovery Seal Type', this.initialized ? 'shamir' : 'n/a'],
      ['Initialized', String(s.initialized)],
      ['Sealed', String(s.sealed)],
      ['Total Recovery Shares', String(s.n)],
      ['Threshold', String(s.t)],
    ];
    if (s.sealed) rows.push(['Unseal Progress', `${s.progress}/${s.t}`], ['Unseal Nonce', 'n/a']);
    rows.push(['Version', s.version], ['Build Date', s.build_date], ['Storage Type', s.storage_type]);
    if (s.cluster_name) rows.push(['Cluster Name', s.cluster_name], ['Cluster ID', s.cluster_id]);
    rows.push(['HA Enabled', 'true']);
    if (!s.sealed) {
      rows.push(['HA Cluster', s.leader_cluster_address], ['HA Mode', s.is_self ? 'active' : 'standby']);
      if (s.is_self) rows.push(['Active Since', s.active_time]);
      else rows.push(['Active Node Address', s.leader_address || '<none>']);
      rows.push(['Raft Committed Index', String(s.raft_committed_index)], ['Raft Applied Index', String(s.raft_applied_index)]);
    }
    return columnize(rows);
  }
}

/** Go's json.MarshalIndent(v, "", "  ") plus the CLI's trailing newline. */
function goJson(v: unknown): string {
  return JSON.stringify(v, null, 2) + '\n';
}

/** ryanuber/columnize with the CLI's 4-space glue. */
function columnize(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] + 4))).join('')).join('\n') + '\n';
}

/** Splits `a && b || c; d` into commands with the operator that precedes each one (quotes respected). */
function splitScript(script: string): { op: ';' | '&&' | '||'; cmd: string }[] {
  const out: { op: ';' | '&&' | '||'; cmd: string }[] = [];
  let cur = '';
  let op: ';' | '&&' | '||' = ';';
  let quote: string | null = null;
  for (let i = 0; i < script.length; i++) {
    const ch = script[i];
    if (quote) {
      if (ch === quote) quote = null;
      cur += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      cur += ch;
      continue;
    }
    const two = script.slice(i, i + 2);
    if (two === '&&' || two === '||' || ch === ';' || ch === '\n') {
      if (cur.trim()) out.push({ op, cmd: cur.trim() });
      op = two === '&&' || two === '||' ? two : ';';
      cur = '';
      if (two === '&&' || two === '||') i++;
      continue;
    }
    cur += ch;
  }
  if (cur.trim()) out.push({ op, cmd: cur.trim() });
  return out;
}

/** POSIX-ish word splitting with single/double quotes and backslashes (no expansions). */
function shellWords(s: string): string[] {
  const words: string[] = [];
  let cur = '';
  let has = false;
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      has = true;
    } else if (ch === '\\' && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (/\s/.test(ch)) {
      if (has) words.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (has) words.push(cur);
  return words;
}

// ---------------------------------------------------------------------------------------------------------------
// Standalone server and Kubernetes attachment
// ---------------------------------------------------------------------------------------------------------------

export interface VaultServerOptions extends VaultClusterOptions {
  /** Serve a node of an existing cluster (several servers can share one cluster). */
  cluster?: VaultCluster;
  /** Which node this server is. Default: the cluster's first node. */
  node?: string;
}

export interface VaultServerState {
  cluster: VaultCluster;
  node: VaultNode;
}

/** Starts one Vault node's HTTP API on 127.0.0.1 (a new cluster unless `cluster` is given). */
export async function startVault(opts: VaultServerOptions = {}): Promise<ServerHandle<VaultServerState>> {
  const cluster = opts.cluster ?? new VaultCluster(opts);
  const node = cluster.node(opts.node ?? [...cluster.nodes.keys()][0]);
  const server = http.createServer(nodeListener(node.handle));
  const { port, url, close } = await listen(server);
  return {
    url,
    port,
    state: { cluster, node },
    async stop() {
      if (!opts.cluster) cluster.stop();
      await close();
    },
  };
}

/** The part of the Kubernetes test server's state that attachVault needs (see kubernetes.ts). */
export interface PodRegistry {
  registerPod(
    namespace: string,
    name: string,
    handlers: {
      exec?: (req: { command: string[] }) => Promise<ExecLikeResult> | ExecLikeResult;
      proxy?: Record<number, (req: SimpleRequest) => Promise<SimpleResponse> | SimpleResponse>;
      readiness?: (container: string) => boolean;
    },
  ): void;
}

/**
 * Puts every node of `cluster` behind the pod of the same name: exec runs the vault CLI, the pod proxy on
 * port 8200 serves the HTTP API, and readiness follows the chart's readiness probe (`vault status` exits 0 only
 * when unsealed), so pods are Running but 0/1 Ready until init.
 */
export function attachVault(kube: PodRegistry, cluster: VaultCluster, opts: { namespace?: string; port?: number } = {}): void {
  for (const node of cluster.nodes.values()) {
    kube.registerPod(opts.namespace ?? 'vault', node.name, {
      exec: node.exec,
      proxy: { [opts.port ?? 8200]: node.handle },
      readiness: () => !node.sealed,
    });
  }
}
