/** The operations a client package offers, under their CLI names, and what its paginators use as tokens. */
import { xformName } from './names.js';
import type { ServicePackage } from './services.js';

export type CommandClass = new (input: object) => { input: object; schema?: unknown };
export type ClientClass = new (config: object) => {
  send(command: unknown, options?: unknown): Promise<unknown>;
  destroy(): void;
  middlewareStack: unknown;
  config: Record<string, unknown>;
};

export interface ServiceOperations {
  /** `create-key` → `CreateKey`. */
  byCliName: ReadonlyMap<string, string>;
  Client: ClientClass;
  /** `KMS` for `KMSClient`: the SDK's own prefix for display (`KMS.CreateKey`). */
  serviceId: string;
}

const cache = new WeakMap<ServicePackage, ServiceOperations>();

/** Every exported `XCommand` class, keyed by `xform_name(X)`. */
export function serviceOperations(pkg: ServicePackage): ServiceOperations {
  let ops = cache.get(pkg);
  if (ops) return ops;
  const byCliName = new Map<string, string>();
  let clientName: string | undefined;
  for (const [name, value] of Object.entries(pkg)) {
    if (typeof value !== 'function') continue;
    if (/^[A-Z]\w*Command$/.test(name)) {
      const operation = name.slice(0, -'Command'.length);
      byCliName.set(xformName(operation), operation);
    } else if (/^[A-Z]\w*Client$/.test(name)) {
      clientName = name;
    }
  }
  if (!clientName) throw new Error('not an AWS SDK v3 client package: no *Client export');
  ops = {
    byCliName,
    Client: pkg[clientName] as ClientClass,
    serviceId: clientName.slice(0, -'Client'.length),
  };
  cache.set(pkg, ops);
  return ops;
}

export function commandClass(pkg: ServicePackage, operation: string): CommandClass {
  return pkg[`${operation}Command`] as CommandClass;
}

export interface PaginatorTokens {
  inputToken: string;
  outputToken: string;
  limitKey?: string;
}

type Paginate = (config: object, input: object) => AsyncGenerator<unknown>;

export function paginatorOf(pkg: ServicePackage, operation: string): Paginate | undefined {
  const fn = pkg[`paginate${operation}`];
  return typeof fn === 'function' ? (fn as Paginate) : undefined;
}

const tokenCache = new WeakMap<ServicePackage, Map<string, PaginatorTokens | null>>();

/**
 * The SDK's paginators keep their token names in a closure; run one against a client whose `send` only
 * records: the input keys it sets are the input token and page-size key, the page key it reads is the output token.
 */
export async function paginatorTokens(pkg: ServicePackage, operation: string): Promise<PaginatorTokens | undefined> {
  let perPackage = tokenCache.get(pkg);
  if (!perPackage) tokenCache.set(pkg, (perPackage = new Map()));
  const known = perPackage.get(operation);
  if (known !== undefined) return known ?? undefined;
  const paginate = paginatorOf(pkg, operation);
  let tokens: PaginatorTokens | null = null;
  if (paginate) {
    const { Client } = serviceOperations(pkg);
    const client = new Client({ region: 'us-east-1', credentials: { accessKeyId: 'probe', secretAccessKey: 'probe' } });
    const PAGE_SIZE = 7919;
    let sent: Record<string, unknown> | undefined;
    let outputToken: string | undefined;
    const page = new Proxy(
      {},
      {
        get(_target, prop) {
          // `then` is `await` checking for a thenable, not the paginator reading its token.
          if (typeof prop === 'string' && prop !== 'then' && outputToken === undefined) outputToken = prop;
          return undefined;
        },
      },
    );
    client.send = async (command: unknown) => {
      sent = { ...(command as { input: Record<string, unknown> }).input };
      return page;
    };
    try {
      const pages = paginate({ client, pageSize: PAGE_SIZE }, {});
      await pages.next();
      await pages.next();
      const keys = Object.keys(sent ?? {});
      const inputToken = keys.find((k) => sent?.[k] === undefined);
      const limitKey = keys.find((k) => sent?.[k] === PAGE_SIZE);
      if (inputToken && outputToken) tokens = { inputToken, outputToken, limitKey };
    } catch {
      tokens = null;
    } finally {
      client.destroy();
    }
  }
  perPackage.set(operation, tokens);
  return tokens ?? undefined;
}

// Verbs that read without changing anything (for `runbook plan` and SSM-style previews).
const READ_ONLY_VERBS = [
  'Get', 'List', 'Describe', 'Head', 'Search', 'Lookup', 'Query', 'Scan', 'Select', 'BatchGet', 'Check',
  'Validate', 'Test', 'Estimate', 'Simulate', 'Preview', 'Verify', 'Filter', 'Download', 'Detect', 'View',
];

/** False for operations that only read (`GetCallerIdentity`, `ListRoles`, `DescribeKey`…). */
export function isMutating(operation: string): boolean {
  return !READ_ONLY_VERBS.some((verb) => operation.startsWith(verb) && /^[A-Z]|^$/.test(operation.slice(verb.length, verb.length + 1)));
}
