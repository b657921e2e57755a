/**
 * Server-sent events: the live run kept in memory (so a page opened or reloaded mid-run gets the
 * state so far, then the rest as it happens) and recorded runs replayed from their NDJSON file
 * (followed while another process is still writing it).
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { EngineEvent } from '../events/types.js';
import { applyEvent, emptyRun, type RunView } from './run-view.js';
import { parseRecord } from './runs.js';

const heartbeatMs = 15_000;
const followMs = 250;

/** One open `text/event-stream` response. */
export class EventStream {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly closing: Array<() => void> = [];
  closed = false;

  constructor(private readonly res: ServerResponse, private readonly after: number) {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    // Reconnect quickly after a network blip; Last-Event-ID then skips what was already shown.
    res.write('retry: 1000\n\n');
    this.every(heartbeatMs, () => res.write(': ping\n\n'));
    res.on('close', () => this.dispose());
  }

  every(ms: number, fn: () => void): void {
    this.timers.push(setInterval(fn, ms));
  }

  onClose(fn: () => void): void {
    if (this.closed) fn();
    else this.closing.push(fn);
  }

  send(event: EngineEvent): void {
    if (this.closed || event.seq <= this.after) return;
    // JSON.stringify escapes newlines, so each event is one `data:` line.
    this.res.write(`id: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`);
  }

  /** The run is over (or will not go on): the client stops listening instead of reconnecting. */
  end(status: string): void {
    if (this.closed) return;
    this.res.write(`event: end\ndata: ${JSON.stringify({ status })}\n\n`);
    this.dispose();
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    for (const fn of this.closing.splice(0)) fn();
    if (!this.res.writableEnded) this.res.end();
  }
}

interface LiveRun {
  events: EngineEvent[];
  view: RunView;
  streams: Set<EventStream>;
}

/** Runs fed to this server's sink, in memory for the server's lifetime. */
export class LiveRuns {
  private readonly runs = new Map<string, LiveRun>();
  /** The run that most recently sent an event. */
  latest: string | undefined;

  push(event: EngineEvent): void {
    let run = this.runs.get(event.runId);
    if (!run) {
      run = { events: [], view: emptyRun(event.runId), streams: new Set() };
      this.runs.set(event.runId, run);
    }
    run.events.push(event);
    run.view = applyEvent(run.view, event);
    this.latest = event.runId;
    for (const stream of [...run.streams]) {
      stream.send(event);
      if (event.type === 'run:end') stream.end(event.status);
    }
  }

  has(runId: string): boolean {
    return this.runs.has(runId);
  }

  ended(runId: string): boolean {
    const status = this.runs.get(runId)?.view.status;
    return status !== undefined && status !== 'running' && status !== 'waiting';
  }

  views(): RunView[] {
    return [...this.runs.values()].map((r) => r.view);
  }

  view(runId: string): RunView | undefined {
    return this.runs.get(runId)?.view;
  }

  /** The backlog, then every later event until run:end. */
  subscribe(runId: string, stream: EventStream): void {
    const run = this.runs.get(runId);
    if (!run) return stream.end('unknown');
    for (const event of run.events) stream.send(event);
    if (this.ended(runId)) return stream.end(run.view.status);
    run.streams.add(stream);
    stream.onClose(() => run.streams.delete(stream));
  }

  closeAll(): void {
    for (const run of this.runs.values()) for (const stream of [...run.streams]) stream.dispose();
  }
}

/**
 * A recorded run from its file. Without `run:end` and while `running()` says its process is alive,
 * the file is followed; otherwise the stream ends as `interrupted`.
 */
export function replayRecord(file: string, stream: EventStream, running: () => boolean): void {
  let offset = 0;
  let finished = false;
  const read = (): void => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return stream.end('unknown');
    }
    const { events, consumed } = parseRecord(text.slice(offset));
    offset += consumed;
    for (const event of events) {
      stream.send(event);
      if (event.type === 'run:end') {
        finished = true;
        return stream.end(event.status);
      }
    }
  };
  read();
  if (finished || stream.closed) return;
  if (!running()) return stream.end('interrupted');
  stream.every(followMs, () => {
    if (stream.closed || finished) return;
    read();
    if (!finished && !stream.closed && !running()) {
      read();
      if (!finished) stream.end('interrupted');
    }
  });
}
