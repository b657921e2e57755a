/**
 * The live execution log: the built docs site plus a read-only event stream, on 127.0.0.1.
 *
 *   GET /_runbook/runs                 recorded runs and the live one (JSON)
 *   GET /_runbook/events?run=<id>      server-sent events: the run so far, then live until run:end
 *   GET /_runbook/live                 redirect to the page of the run in progress
 *   GET /*                             the docs site (`dist/`)
 *
 * Nothing here can start, change or cancel a run. Requests from another origin (an `Origin` that is
 * not this server's) or for another host name (DNS rebinding) get 403; no CORS header is ever sent.
 * It prints nothing: the caller decides what to tell the user.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunbookError } from '../diagnostics.js';
import type { EngineEvent, EventSink } from '../events/types.js';
import { runbookPageId, runbookPagePath, type RunView } from './run-view.js';
import { isRunning, recordedRuns, runFile, runIdPattern, summarize, type RunSummary } from './runs.js';
import { plain, serveStatic } from './static.js';
import { EventStream, LiveRuns, RecordFollowers } from './stream.js';

export interface LiveServerOptions {
  /** The state directory whose `runs/` holds recorded runs. */
  stateDir: string;
  /** 0 or unset: any free port. */
  port?: number;
  /** A loopback address only: 127.0.0.1 (default), ::1 or localhost. */
  host?: string;
  /** The built site; default: the package's `dist/`. */
  siteDir?: string;
}

export interface LiveServer {
  /** Open this: it leads to the page of the run in progress (or the run list until one starts). */
  url: string;
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  port: number;
  /** Feed it the run's (already redacted) events. */
  sink: EventSink;
  /** The page URL for a runbook (by name) showing run `runId`, or the live run when omitted. */
  pageUrl(runbookName: string, runId?: string): string;
  close(): Promise<void>;
}

export const defaultSiteDir = fileURLToPath(new URL('../../dist/', import.meta.url));

const loopback = new Set(['127.0.0.1', '::1', 'localhost']);

export async function startLiveServer(options: LiveServerOptions): Promise<LiveServer> {
  const host = options.host ?? '127.0.0.1';
  if (!loopback.has(host)) {
    throw new RunbookError(`the live log listens on this machine only, not on ${host}`, { exitCode: 2, hint: 'use 127.0.0.1 (the default)' });
  }
  const siteDir = (options.siteDir ?? defaultSiteDir).replace(/[\\/]+$/, '');
  const stateDir = options.stateDir;
  const live = new LiveRuns();
  const streams = new Set<EventStream>();
  const records = new RecordFollowers();
  let origins = new Set<string>();
  let hosts = new Set<string>();

  const pageOf = (name: string | undefined): string | null =>
    name && existsSync(join(siteDir, runbookPageId(name), 'index.html')) ? runbookPagePath(name) : null;

  const listRuns = async (): Promise<RunSummary[]> => {
    const byId = new Map<string, RunSummary>();
    for (const view of await recordedRuns(stateDir)) {
      byId.set(view.runId, summarize(view, false, pageOf(view.runbook?.name), isRunning(stateDir, view.runbook?.name, view.runId)));
    }
    for (const view of live.views()) byId.set(view.runId, summarize(view, !live.ended(view.runId), pageOf(view.runbook?.name), true));
    return [...byId.values()].sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? '') || b.id.localeCompare(a.id));
  };

  const liveTarget = (): string => {
    const id = live.latest;
    const view: RunView | undefined = id ? live.view(id) : undefined;
    if (!id || !view) return '/runs/?follow';
    const page = pageOf(view.runbook?.name);
    return `${page ?? '/runs/'}?run=${encodeURIComponent(id)}`;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Content-Security-Policy', "frame-ancestors 'none'");
    res.setHeader('X-Frame-Options', 'DENY');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return plain(res, 405, 'The live log is read-only.\n');
    }
    if (!hosts.has((req.headers.host ?? '').toLowerCase())) return plain(res, 403, 'Unexpected Host header.\n');
    const origin = req.headers.origin;
    if (origin !== undefined && !origins.has(origin.toLowerCase())) return plain(res, 403, 'Cross-origin requests are not allowed.\n');

    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!url.pathname.startsWith('/_runbook/')) return serveStatic(siteDir, url.pathname, req, res);

    // The API is for this site's own pages: no cross-site embedding either (`<script src>`, `<img>`).
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') return plain(res, 403, 'Cross-origin requests are not allowed.\n');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');

    switch (url.pathname) {
      case '/_runbook/runs':
        return json(res, 200, await listRuns());
      case '/_runbook/live':
        res.writeHead(302, { Location: liveTarget(), 'Cache-Control': 'no-store' });
        res.end();
        return;
      case '/_runbook/events': {
        const runId = url.searchParams.get('run') ?? '';
        if (!runIdPattern.test(runId)) return json(res, 400, { error: 'expected ?run=<run id>' });
        const file = runFile(stateDir, runId)!;
        if (!live.has(runId) && !existsSync(file)) return json(res, 404, { error: `no run ${runId}` });
        const lastId = Number(req.headers['last-event-id'] ?? 0);
        const stream = new EventStream(res, Number.isFinite(lastId) ? lastId : 0);
        streams.add(stream);
        stream.onClose(() => streams.delete(stream));
        if (req.method === 'HEAD') return stream.dispose();
        if (live.has(runId)) return live.subscribe(runId, stream);
        const name = (() => {
          const first = readFirstEvent(file);
          return first?.type === 'run:start' ? first.runbook.name : undefined;
        })();
        return records.follow(file, stream, () => isRunning(stateDir, name, runId));
      }
      default:
        return json(res, 404, { error: 'not found' });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) plain(res, 500, 'Internal error\n');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new RunbookError(`port ${options.port} is in use`, { exitCode: 2, hint: 'pick another with --port, or leave it out for any free port' }) : error),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const names = ['127.0.0.1', 'localhost', '[::1]'];
  hosts = new Set(names.map((n) => `${n}:${port}`));
  origins = new Set(names.map((n) => `http://${n}:${port}`));
  const origin = `http://${host === '::1' ? '[::1]' : host}:${port}`;

  return {
    url: `${origin}/_runbook/live`,
    origin,
    port,
    sink: (event: EngineEvent) => live.push(event),
    pageUrl: (name, runId) => `${origin}${runbookPagePath(name)}${runId ? `?run=${encodeURIComponent(runId)}` : ''}`,
    close: async () => {
      live.closeAll();
      for (const stream of [...streams]) stream.dispose();
      records.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function readFirstEvent(file: string): EngineEvent | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    const line = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : undefined).trim();
    return line ? (JSON.parse(line) as EngineEvent) : undefined;
  } catch {
    return undefined;
  }
}
