/** Every run is recorded as NDJSON in `<state-dir>/runs/<run-id>.ndjson` (owner-only): `runbook serve` replays it. */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineEvent, EventSink } from './types.js';

export function runsDir(stateDir: string): string {
  return join(stateDir, 'runs');
}

export function recordSink(stateDir: string): { sink: EventSink; close(): void } {
  let file: string | undefined;
  return {
    sink(event: EngineEvent) {
      if (!file) {
        mkdirSync(runsDir(stateDir), { recursive: true, mode: 0o700 });
        file = join(runsDir(stateDir), `${event.runId}.ndjson`);
      }
      appendFileSync(file, `${JSON.stringify(event)}\n`, { mode: 0o600 });
    },
    close() {},
  };
}

export function teeSinks(sinks: EventSink[]): EventSink {
  return (event) => {
    for (const sink of sinks) sink(event);
  };
}
