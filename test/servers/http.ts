// Small helpers shared by the local test servers in this folder (node:http only, no framework).
// Every server listens on 127.0.0.1 and a free port (port 0), see Node's net.Server#listen docs:
// https://nodejs.org/docs/latest-v20.x/api/net.html#serverlistenport-host-backlog-callback
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/** What every `start…()` function returns. */
export interface ServerHandle<S> {
  url: string;
  port: number;
  stop(): Promise<void>;
  state: S;
}

/** A transport-neutral HTTP request, so a handler can sit behind a real listener or a pod proxy. */
export interface SimpleRequest {
  method: string;
  /** Path plus query string, e.g. `/v1/sys/health?standbyok=true`. */
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface SimpleResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export type SimpleHandler = (req: SimpleRequest) => Promise<SimpleResponse> | SimpleResponse;

/** Listens on 127.0.0.1 with an OS-assigned port and tracks sockets so stop() never hangs on keep-alive. */
export async function listen(server: http.Server): Promise<{ port: number; url: string; close(): Promise<void> }> {
  const sockets = new Set<Duplex>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      }),
  };
}

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function flatHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

export async function toSimpleRequest(req: http.IncomingMessage, url?: string): Promise<SimpleRequest> {
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    url: url ?? req.url ?? '/',
    headers: flatHeaders(req.headers),
    body: await readBody(req),
  };
}

export function sendSimple(res: http.ServerResponse, r: SimpleResponse): void {
  const body = r.body === undefined ? '' : r.body;
  const headers: Record<string, string | number> = { ...(r.headers ?? {}) };
  headers['content-length'] = Buffer.byteLength(body);
  res.writeHead(r.status, headers);
  res.end(body);
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): SimpleResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendSimple(res, jsonResponse(status, body, headers));
}

/** Wraps a SimpleHandler as a node:http request listener; a thrown error becomes a 500. */
export function nodeListener(handler: SimpleHandler): http.RequestListener {
  return (req, res) => {
    toSimpleRequest(req)
      .then((sreq) => handler(sreq))
      .then((sres) => sendSimple(res, sres))
      .catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: String(err) });
        else res.destroy();
      });
  };
}

export function isPlainObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** RFC 3339 timestamp with second precision, as Kubernetes prints metadata times. */
export function rfc3339(d: Date = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function randomDigits(n: number): string {
  let s = String(1 + Math.floor(Math.random() * 9));
  while (s.length < n) s += String(Math.floor(Math.random() * 10));
  return s;
}

/**
 * Records the destination of every TCP connection this process opens (http, http2/gRPC, fetch/undici and ws all
 * go through net.Socket#connect), so a test can assert that nothing but 127.0.0.1 was contacted.
 */
export function recordOutboundConnections(): { hosts: string[]; restore(): void } {
  const hosts: string[] = [];
  const proto = net.Socket.prototype as unknown as { connect: (...args: unknown[]) => unknown };
  const original = proto.connect;
  proto.connect = function (this: net.Socket, ...args: unknown[]) {
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    if (isPlainObject(first)) {
      if (first.path === undefined) hosts.push(String(first.host ?? 'localhost'));
    } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
      hosts.push(typeof args[1] === 'string' ? args[1] : 'localhost');
    }
    return original.apply(this, args);
  };
  return {
    hosts,
    restore: () => {
      proto.connect = original;
    },
  };
}
