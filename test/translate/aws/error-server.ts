/**
 * A 127.0.0.1 server that answers every request with an error response chosen by the request, for the
 * protocol corners moto never produces (an error without a message, a 5xx page, a namespaced JSON
 * type, an ErrorResponse without Error). The CLI and the translator are pointed at it with
 * `--endpoint-url`; each reads the same bytes.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Canned {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface ErrorServer {
  endpoint: string;
  stop(): Promise<void>;
}

/** `pick` sees the request (method, URL, headers, body) and returns the response to send. */
export async function startErrorServer(pick: (request: { method: string; url: string; headers: IncomingMessage['headers']; body: string }) => Canned): Promise<ErrorServer> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const canned = pick({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const body = canned.body ?? '';
      res.writeHead(canned.status, { 'content-length': String(Buffer.byteLength(body)), 'x-amzn-requestid': 'test-request', ...canned.headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
