/**
 * A fault-injecting HTTP proxy in front of moto, for tests: it recognises each request's operation
 * (the JSON protocols' `X-Amz-Target`, the query protocols' `Action=`) and, for the requests a rule
 * names, fails the way networks and services fail. The hard case is `forward-then-drop`: the service
 * does the work, and the answer never comes back.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  /** The request reaches the service; the connection is cut before its answer is sent. */
  | 'forward-then-drop'
  /** The request reaches the service; the client gets a 500 instead of its answer. */
  | 'forward-then-500'
  /** A 500 / 503 without reaching the service. */
  | '500'
  | '503'
  /** A throttling error (400), without reaching the service. */
  | 'throttle'
  /** The connection is cut before the request is forwarded. */
  | 'reset'
  /** The answer comes 3 s late. */
  | 'delay';

export interface FaultRule {
  /** The operation's name (`CreateKey`, `CreateRole`). */
  operation: string;
  fault: Fault;
  /** How many matching requests fail (default 1); later ones pass. */
  times?: number;
}

export interface FaultProxy {
  endpoint: string;
  /** Replace the rules (and the record of what was seen). */
  set(rules: FaultRule[]): void;
  /** Operations seen, in order, with the fault each got ('' for none). */
  seen: Array<{ operation: string; fault: Fault | '' }>;
  stop(): Promise<void>;
}

function operationOf(req: IncomingMessage, body: Buffer): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop() ?? '';
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body.toString('utf8'))?.[1];
  return action ?? `${req.method} ${req.url}`;
}

/** What a JSON-protocol or query-protocol client reads as a throttling error. */
function throttled(req: IncomingMessage, res: ServerResponse): void {
  if (req.headers['x-amz-target']) {
    res.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
  } else {
    res.writeHead(400, { 'Content-Type': 'text/xml' }).end('<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>x</RequestId></ErrorResponse>');
  }
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  let rules: Array<FaultRule & { left: number }> = [];
  const seen: FaultProxy['seen'] = [];

  const forward = (req: IncomingMessage, body: Buffer, onResponse: (res: IncomingMessage, data: Buffer) => void, onError: () => void) => {
    const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => onResponse(res, Buffer.concat(chunks)));
    });
    out.on('error', onError);
    out.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = operationOf(req, body);
      const rule = rules.find((r) => r.operation === operation && r.left > 0);
      if (rule) rule.left--;
      const fault = rule?.fault ?? '';
      seen.push({ operation, fault });
      const pass = () =>
        forward(req, body, (up, data) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(data);
        }, () => res.destroy());
      switch (fault) {
        case '':
          return pass();
        case 'forward-then-drop':
          return forward(req, body, () => req.socket.destroy(), () => req.socket.destroy());
        case 'forward-then-500':
          return forward(req, body, () => res.writeHead(500, { 'Content-Type': 'text/plain' }).end('internal error'), () => res.destroy());
        case '500':
          return void res.writeHead(500, { 'Content-Type': 'text/plain' }).end('internal error');
        case '503':
          return void res.writeHead(503, { 'Content-Type': 'text/plain' }).end('service unavailable');
        case 'throttle':
          return throttled(req, res);
        case 'reset':
          return req.socket.destroy();
        case 'delay':
          return void setTimeout(pass, 3000);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    set(next) {
      rules = next.map((r) => ({ ...r, left: r.times ?? 1 }));
      seen.length = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
