/**
 * @kubernetes/client-node, loaded only when a kubectl step runs (it costs about a second).
 * Requests go through the client's typed APIs (KubernetesObjectApi for any kind, the discovery
 * APIs, Exec); a middleware keeps the wire body, so output is the server's JSON byte for byte
 * (the typed models would drop fields they do not know and turn timestamps into Dates), adds the
 * step's AbortSignal, and records the HTTP status (201 created vs 200 updated).
 */
import { existsSync, statSync } from 'node:fs';
import { delimiter } from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { Configuration, KubeConfig, RequestContext, ResponseContext, V1Status } from '@kubernetes/client-node';
import { useInProcessEksTokens } from '../aws/custom/eks-exec-auth.js';
import { apiErrorFrom, K8sApiError, K8sError } from './errors.js';
import { apiVersionOf, builtinFor, matches, splitType, type ResourceInfo } from './resources.js';
import type { Connection, Obj } from './types.js';

type Lib = typeof import('@kubernetes/client-node');
let lib: Promise<Lib> | undefined;
export const loadLib = (): Promise<Lib> => (lib ??= import('@kubernetes/client-node'));

interface Cluster {
  kc: KubeConfig;
  server: string;
  namespace: string;
  /** Discovery per group version (`v1`, `apps/v1`), and the list of preferred group versions. */
  resources: Map<string, Promise<ResourceInfo[]>>;
  groupVersions?: Promise<string[]>;
}

const clusters = new Map<string, Cluster>();

/** One call's view of a cluster: its kubeconfig, context and namespace, and the step's signal. */
export class Session {
  constructor(
    readonly lib: Lib,
    private readonly cluster: Cluster,
    readonly namespace: string,
    readonly signal: AbortSignal | undefined,
    private readonly timeoutMs: number | undefined,
  ) {}

  get kubeConfig(): KubeConfig {
    return this.cluster.kc;
  }

  /**
   * Run one client-node request and return the server's answer as sent: status and JSON.
   * `body` replaces what the typed client would serialize; `accept` asks for another representation (Table).
   */
  async request(run: (config: Configuration) => Promise<unknown>, options: { body?: unknown; accept?: string } = {}): Promise<{ status: number; json: Obj }> {
    let status = 0;
    let text = '';
    const signal = this.timeoutMs ? anySignal([this.signal, AbortSignal.timeout(this.timeoutMs)]) : this.signal;
    const middleware = {
      pre: async (ctx: RequestContext) => {
        if (signal) ctx.setSignal(signal);
        if (options.accept) ctx.setHeaderParam('Accept', options.accept);
        const method = String(ctx.getHttpMethod());
        if (options.body !== undefined && method !== 'GET' && method !== 'HEAD') ctx.setBody(JSON.stringify(options.body));
        ctx.setHeaderParam('User-Agent', 'runbook (kubectl translator) @kubernetes/client-node');
        return ctx;
      },
      post: async (res: ResponseContext) => {
        status = res.httpStatusCode;
        text = await res.body.text();
        const kept = text;
        res.body = { text: async () => kept, binary: async () => Buffer.from(kept) };
        return res;
      },
    };
    const config = this.lib.createConfiguration({
      baseServer: new this.lib.ServerConfiguration(this.cluster.server, {}),
      authMethods: { default: this.cluster.kc },
      promiseMiddleware: [middleware],
    });
    try {
      await run(config);
    } catch (error) {
      if (error instanceof this.lib.ApiException) throw apiErrorFrom(error.code, text || error.body);
      // A body the typed client could not map (a kind it has no model for) is still a success.
      if (status >= 200 && status < 300 && text) return { status, json: parseJson(text) };
      throw connectionError(error, this.cluster.server, signal);
    }
    return { status, json: parseJson(text) };
  }

  /** KubernetesObjectApi for `info`, told what discovery already found (it would ask again per instance). */
  objectApi(config: Configuration, info?: ResourceInfo) {
    const api = new this.lib.KubernetesObjectApi(config);
    if (info) {
      const cache = (api as unknown as { apiVersionResourceCache: Record<string, unknown> }).apiVersionResourceCache;
      cache[apiVersionOf(info)] = { groupVersion: apiVersionOf(info), resources: [{ name: info.plural, kind: info.kind, namespaced: info.namespaced, singularName: info.singular, verbs: info.verbs ?? [] }] };
    }
    return api;
  }

  // ---- discovery ----

  private resourcesOf(gv: string): Promise<ResourceInfo[]> {
    let found = this.cluster.resources.get(gv);
    if (!found) {
      const [group, version] = gv.includes('/') ? (gv.split('/') as [string, string]) : ['', gv];
      found = this.request((c) => (group ? new this.lib.CustomObjectsApi(c).getAPIResources({ group, version }) : new this.lib.CoreV1Api(c).getAPIResources()))
        .then(({ json }) =>
          ((json.resources as Obj[] | undefined) ?? [])
            .filter((r) => !String(r.name).includes('/'))
            .map((r) => ({
              group, version, kind: String(r.kind), plural: String(r.name), singular: String(r.singularName || String(r.kind).toLowerCase()),
              namespaced: !!r.namespaced, shortNames: (r.shortNames as string[] | undefined) ?? [], verbs: (r.verbs as string[] | undefined) ?? [],
              ...(Array.isArray(r.categories) && r.categories.length ? { categories: r.categories as string[] } : {}),
            })),
        )
        .catch((error: unknown) => {
          this.cluster.resources.delete(gv);
          if (error instanceof K8sApiError && error.code === 404) return [];
          throw error;
        });
      this.cluster.resources.set(gv, found);
    }
    return found;
  }

  private groupVersions(): Promise<string[]> {
    this.cluster.groupVersions ??= this.request((c) => new this.lib.ApisApi(c).getAPIVersions())
      .then(({ json }) => ['v1', ...((json.groups as Obj[] | undefined) ?? []).map((g) => String((g.preferredVersion as Obj | undefined)?.groupVersion ?? ((g.versions as Obj[])[0] as Obj).groupVersion))])
      .catch((error: unknown) => {
        this.cluster.groupVersions = undefined;
        throw error;
      });
    return this.cluster.groupVersions;
  }

  /** A resource type as typed (`sts`, `pods`, `deployments.apps`), found through discovery. */
  async resolve(typed: string): Promise<ResourceInfo> {
    const hint = builtinFor(typed);
    if (hint) {
      const found = (await this.resourcesOf(apiVersionOf(hint))).find((r) => matches(r, typed));
      if (found) return found;
    }
    const { group, version } = splitType(typed);
    const gvs = group !== undefined && version !== undefined ? [apiVersionOf({ group, version })] : await this.groupVersions();
    const lists = await Promise.all(gvs.filter((gv) => group === undefined || gv.split('/')[0] === group || (group === '' && gv === 'v1')).map((gv) => this.resourcesOf(gv)));
    const found = lists.flat().find((r) => matches(r, typed));
    if (!found) throw new K8sError(`error: the server doesn't have a resource type "${typed}"`);
    return found;
  }

  /**
   * kubectl's category expansion (client-go restmapper's discoveryCategoryExpander): every resource whose
   * discovery lists the category, in discovery order (core first, then the groups as /apis lists them),
   * each group/resource once; undefined when no resource lists it.
   */
  async category(name: string): Promise<ResourceInfo[] | undefined> {
    const lists = await Promise.all((await this.groupVersions()).map((gv) => this.resourcesOf(gv)));
    const seen = new Set<string>();
    const found = lists.flat().filter((r) => {
      const key = `${r.group}/${r.plural}`;
      if (!r.categories?.includes(name) || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return found.length ? found : undefined;
  }

  /** The resource behind an object's apiVersion and kind (files given to apply/create -f). */
  async resolveKind(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const found = (await this.resourcesOf(apiVersion)).find((r) => r.kind === kind);
    if (!found) throw new K8sError(`error: resource mapping not found for kind "${kind}" in version "${apiVersion}": ensure CRDs are installed first`);
    return found;
  }

  // ---- object verbs (any kind) ----

  private spec(info: ResourceInfo, namespace: string | undefined, name?: string): Obj & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } {
    return { apiVersion: apiVersionOf(info), kind: info.kind, metadata: { name: name ?? '', ...(info.namespaced && namespace ? { namespace } : {}) } };
  }

  async read(info: ResourceInfo, namespace: string | undefined, name: string): Promise<Obj> {
    return (await this.request((c) => this.objectApi(c, info).read(this.spec(info, namespace, name)))).json;
  }

  /** The object, or undefined when the server says 404. */
  async readIfExists(info: ResourceInfo, namespace: string | undefined, name: string): Promise<Obj | undefined> {
    try {
      return await this.read(info, namespace, name);
    } catch (error) {
      if (error instanceof K8sApiError && error.code === 404) return undefined;
      throw error;
    }
  }

  async list(info: ResourceInfo, namespace: string | undefined, selectors: { labelSelector?: string; fieldSelector?: string } = {}): Promise<Obj> {
    return (await this.request((c) => this.objectApi(c, info).list(apiVersionOf(info), info.kind, info.namespaced ? namespace : undefined, undefined, undefined, undefined, selectors.fieldSelector, selectors.labelSelector))).json;
  }

  /** GET as a meta.k8s.io Table (what kubectl's default output prints). */
  async table(info: ResourceInfo, namespace: string | undefined, name: string | undefined, selectors: { labelSelector?: string; fieldSelector?: string } = {}): Promise<Obj> {
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
    return (await this.request(
      (c) => (name ? this.objectApi(c, info).read(this.spec(info, namespace, name)) : this.objectApi(c, info).list(apiVersionOf(info), info.kind, info.namespaced ? namespace : undefined, undefined, undefined, undefined, selectors.fieldSelector, selectors.labelSelector)),
      { accept },
    )).json;
  }

  async create(info: ResourceInfo, object: Obj, options: { dryRun?: boolean; fieldManager: string }): Promise<Obj> {
    const body = withNamespace(info, object, this.namespace);
    return (await this.request((c) => this.objectApi(c, info).create(body as never, undefined, options.dryRun ? 'All' : undefined, options.fieldManager), { body })).json;
  }

  /** Server-side apply; `status` 201 means the object was created. */
  async apply(info: ResourceInfo, object: Obj, options: { dryRun?: boolean; fieldManager: string; force?: boolean }): Promise<{ status: number; object: Obj }> {
    const body = withNamespace(info, object, this.namespace);
    const { status, json } = await this.request(
      (c) => this.objectApi(c, info).patch(body as never, undefined, options.dryRun ? 'All' : undefined, options.fieldManager, options.force || undefined, this.lib.PatchStrategy.ServerSideApply),
      { body },
    );
    return { status, object: json };
  }

  async mergePatch(info: ResourceInfo, namespace: string | undefined, name: string, patch: Obj, options: { dryRun?: boolean; fieldManager: string }): Promise<Obj> {
    return (await this.request(
      (c) => this.objectApi(c, info).patch(this.spec(info, namespace, name), undefined, options.dryRun ? 'All' : undefined, options.fieldManager, undefined, this.lib.PatchStrategy.MergePatch),
      { body: patch },
    )).json;
  }

  // ---- exec ----

  /** Run a command in a container over the exec WebSocket; resolves with its output and exit code. */
  async exec(namespace: string, pod: string, container: string, command: string[], stdin: string | undefined): Promise<{ stdout: string; stderr: string; exitCode: number }> {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const sink = (into: Buffer[]) => new Writable({ write(chunk: Buffer, _enc, cb) { into.push(Buffer.from(chunk)); cb(); } });
    const input = stdin !== undefined ? Readable.from([Buffer.from(stdin)]) : null;
    const exec = new this.lib.Exec(this.cluster.kc);
    const status = await new Promise<V1Status>((resolve, reject) => {
      let settled = false;
      const done = (fn: () => void) => {
        if (!settled) {
          settled = true;
          this.signal?.removeEventListener('abort', onAbort);
          fn();
        }
      };
      let socket: { close(): void; on(ev: string, cb: (...a: unknown[]) => void): void } | undefined;
      const onAbort = () => {
        socket?.close();
        done(() => reject(this.signal?.reason instanceof Error ? this.signal.reason : new K8sError('exec cancelled')));
      };
      this.signal?.addEventListener('abort', onAbort, { once: true });
      exec
        .exec(namespace, pod, container, command, sink(out), sink(err), input, false, (s) => done(() => resolve(s)))
        .then((ws) => {
          socket = ws as unknown as typeof socket;
          ws.on('close', () => setTimeout(() => done(() => reject(new K8sError('error: the exec connection closed before the command reported its exit status', true))), 50));
          ws.on('error', (e: unknown) => done(() => reject(connectionError(e, this.cluster.server))));
        })
        .catch((e: unknown) => done(() => reject(execUpgradeError(e, this.cluster.server))));
    });
    const stdout = Buffer.concat(out).toString('utf8');
    const stderr = Buffer.concat(err).toString('utf8');
    if (status.status === 'Success') return { stdout, stderr, exitCode: 0 };
    const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
    if (status.reason === 'NonZeroExitCode' && cause?.message) return { stdout, stderr, exitCode: Number(cause.message) };
    throw new K8sError(`error: ${status.message ?? 'exec failed'}`);
  }
}

/** Load the kubeconfig the way kubectl does: `--kubeconfig`, else `$KUBECONFIG` (merged), else ~/.kube/config or in-cluster. */
export async function connect(conn: Connection, env: Record<string, string | undefined>, signal?: AbortSignal): Promise<Session> {
  const k = await loadLib();
  const envFiles = (env.KUBECONFIG ?? process.env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  const files = conn.kubeconfig ? [conn.kubeconfig] : envFiles;
  // A file rewritten since (`aws eks update-kubeconfig` for another cluster) is loaded again.
  const key = JSON.stringify([files.map((f) => [f, fileVersion(f)]), conn.context ?? '']);
  let cluster = clusters.get(key);
  if (!cluster) {
    const kc = new k.KubeConfig();
    if (conn.kubeconfig && !existsSync(conn.kubeconfig)) throw new K8sError(`error: stat ${conn.kubeconfig}: no such file or directory`);
    const present = files.filter((f) => existsSync(f));
    if (files.length && !present.length) throw new K8sError(`error: no kubeconfig: KUBECONFIG names ${files.join(delimiter)}, and none of them exists`);
    if (present.length) {
      kc.loadFromFile(present[0]!);
      for (const f of present.slice(1)) {
        const other = new k.KubeConfig();
        other.loadFromFile(f);
        kc.mergeConfig(other, false);
      }
    } else kc.loadFromDefault();
    useInProcessEksTokens(kc, Object.keys(env).length ? env : process.env);
    if (conn.context) {
      if (!kc.getContextObject(conn.context)) throw new K8sError(`error: context "${conn.context}" does not exist`);
      kc.setCurrentContext(conn.context);
    }
    const server = kc.getCurrentCluster()?.server;
    if (!server) throw new K8sError('error: no cluster in the kubeconfig: set KUBECONFIG or pass --kubeconfig/--context');
    const namespace = (kc.currentContext && kc.getContextObject(kc.currentContext)?.namespace) || 'default';
    cluster = { kc, server, namespace, resources: new Map() };
    clusters.set(key, cluster);
  }
  return new Session(k, cluster, conn.namespace ?? cluster.namespace, signal, conn.requestTimeoutMs);
}

function fileVersion(path: string): string {
  try {
    const st = statSync(path);
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return '';
  }
}

/** Objects from files keep their namespace; others get the call's. Cluster-scoped ones have none. */
function withNamespace(info: ResourceInfo, object: Obj, namespace: string): Obj {
  const metadata = { ...((object.metadata as Obj | undefined) ?? {}) };
  if (info.namespaced) metadata.namespace ??= namespace;
  else delete metadata.namespace;
  return { ...object, metadata };
}

function parseJson(text: string): Obj {
  if (!text.trim()) return {};
  try {
    return JSON.parse(text) as Obj;
  } catch {
    return { text } as Obj;
  }
}

/** Combine signals (AbortSignal.any is Node >= 20.3). */
function anySignal(signals: Array<AbortSignal | undefined>): AbortSignal {
  return AbortSignal.any(signals.filter((s): s is AbortSignal => !!s));
}

function connectionError(error: unknown, server: string, signal?: AbortSignal): Error {
  if (signal?.aborted) return signal.reason instanceof Error ? signal.reason : new K8sError('error: request cancelled');
  const e = error as { code?: string; errno?: string; message?: string; type?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.errno ?? e?.cause?.code;
  const host = server.replace(/^https?:\/\//, '');
  if (code === 'ECONNREFUSED') return Object.assign(new K8sError(`The connection to the server ${host} was refused - did you specify the right host or port?`), { code });
  if (e?.type === 'aborted' || (error as Error)?.name === 'AbortError') return new K8sError('error: request cancelled or timed out');
  const wrapped = new K8sError(`error: ${e?.message ?? String(error)}`, typeof code === 'string' && ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'].includes(code));
  return Object.assign(wrapped, { code, cause: error });
}

/** The exec upgrade refused: the server's Status (404 pod not found, 400 bad container), or a connection failure. */
function execUpgradeError(error: unknown, server: string): Error {
  const text = String((error as Error)?.message ?? error);
  const json = /\{.*\}/s.exec(text)?.[0];
  if (json) {
    try {
      const status = JSON.parse(json) as Obj;
      if (status.kind === 'Status' || status.reason) return apiErrorFrom(Number(status.code ?? 500), status);
    } catch {
      // not a Status
    }
  }
  return connectionError(error, server);
}
