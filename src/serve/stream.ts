/**
 * Server-sent events: the live run kept in memory (so a page opened or reloaded mid-run gets the
 * state so far, then the rest as it happens) and recorded runs replayed from their NDJSON file
 * (followed while another process is still writing it).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { EngineEvent } from '../events/types.js';
import { applyEvent, emptyRun, type RunView } from './run-view.js';
import { parseRecord } from './runs.js';

const heartbeatMs = 15_000;

/** An event as an SSE frame, made once however many pages it goes to (JSON escapes newlines: one `data:` line). */
const frames = new WeakMap<EngineEvent, string>();
function frameOf(event: EngineEvent): string {
  let frame = frames.get(event);
  if (frame === undefined) {
    frame = `id: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`;
    frames.set(event, frame);
  }
  return frame;
}
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
    this.sendAll([event]);
  }

  /** Several events in one write: a page following a busy run costs one write per read, not one per event. */
  sendAll(events: readonly EngineEvent[]): void {
    if (this.closed) return;
    let text = '';
    for (const event of events) if (event.seq > this.after) text += frameOf(event);
    if (text) this.res.write(text);
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
    stream.sendAll(run.events);
    if (this.ended(runId)) return stream.end(run.view.status);
    run.streams.add(stream);
    stream.onClose(() => run.streams.delete(stream));
  }

  closeAll(): void {
    for (const run of this.runs.values()) for (const stream of [...run.streams]) stream.dispose();
  }
}

/**
 * Recorded runs followed from their files, one follower per file however many pages follow it: it
 * reads only what was appended since its last read, keeps the events for pages that join later, and
 * ends every stream at `run:end`, or as `interrupted` once the recording process is gone.
 */
export class RecordFollowers {
  private readonly followers = new Map<string, RecordFollower>();

  follow(file: string, stream: EventStream, running: () => boolean): void {
    let follower = this.followers.get(file);
    if (!follower || follower.done) {
      follower = new RecordFollower(file, running, () => this.followers.delete(file));
      this.followers.set(file, follower);
    }
    follower.add(stream);
  }

  closeAll(): void {
    for (const f of this.followers.values()) f.stop();
    this.followers.clear();
  }
}

class RecordFollower {
  private readonly events: EngineEvent[] = [];
  private readonly streams = new Set<EventStream>();
  private offset = 0;
  private timer: NodeJS.Timeout | undefined;
  private status: string | undefined;
  done = false;

  constructor(private readonly file: string, private readonly running: () => boolean, private readonly onDone: () => void) {
    this.read();
    if (!this.status && !running()) this.finish('interrupted');
    if (!this.done) this.timer = setInterval(() => this.tick(), followMs);
  }

  add(stream: EventStream): void {
    stream.sendAll(this.events);
    if (this.status) return stream.end(this.status);
    this.streams.add(stream);
    stream.onClose(() => {
      this.streams.delete(stream);
      // Nobody follows it any more: stop reading until someone does.
      if (!this.streams.size) this.stop();
    });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.done) {
      this.done = true;
      this.onDone();
    }
  }

  private tick(): void {
    this.read();
    if (!this.status && !this.running()) {
      this.read();
      if (!this.status) this.finish('interrupted');
    }
  }

  /** What was appended since the last read, up to its last complete line. */
  private read(): void {
    let fd: number | undefined;
    try {
      fd = openSync(this.file, 'r');
      const size = fstatSync(fd).size;
      if (size <= this.offset) return;
      const buffer = Buffer.alloc(size - this.offset);
      const n = readSync(fd, buffer, 0, buffer.length, this.offset);
      const end = buffer.subarray(0, n).lastIndexOf(10);
      if (end < 0) return;
      this.offset += end + 1;
      const { events } = parseRecord(buffer.subarray(0, end + 1).toString('utf8'));
      const last = events.findIndex((e) => e.type === 'run:end');
      const fresh = last >= 0 ? events.slice(0, last + 1) : events;
      this.events.push(...fresh);
      for (const stream of this.streams) stream.sendAll(fresh);
      const ended = fresh.at(-1);
      if (ended?.type === 'run:end') return this.finish(ended.status);
    } catch {
      if (!this.events.length) this.finish('unknown');
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  private finish(status: string): void {
    this.status = status;
    for (const stream of [...this.streams]) stream.end(status);
    this.streams.clear();
    this.stop();
  }
}
