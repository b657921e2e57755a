/**
 * One event union for everything a run reports: the terminal, NDJSON (`--json`), the run record
 * (`.runbook/runs/<id>.ndjson`) and the live log in the browser are all views of it.
 * Events are redacted before they are emitted (engine/redact.ts): no secret value is ever in one.
 */
import type { StepKind } from '../plan/plan.js';

export type StepStatus = 'pending' | 'running' | 'done' | 'adopted' | 'skipped' | 'failed';

export type CallOutcome = 'created' | 'adopted' | 'updated' | 'read' | 'failed';

interface Base {
  runId: string;
  /** Position in the run's event sequence, from 1. */
  seq: number;
  /** ISO time. */
  time: string;
}

export type EngineEvent = Base &
  (
    | {
        type: 'run:start';
        runbook: { file: string; name: string; title: string };
        steps: Array<{ id: string; index: number; title: string; kind: StepKind }>;
        params: Record<string, string>;
        dryRun: boolean;
      }
    | { type: 'step:start'; stepId: string; index: number; title: string }
    /** An SDK call starts; `line` is where the runbook writes the command, when the engine could tell. */
    | { type: 'step:call'; stepId: string; callId: number; operation: string; display: string; mutating: boolean; line?: number }
    /** Every served call's outcome (also when adopted without sending): what it did, or `failed` with the CLI's exit status. */
    | { type: 'step:call-end'; stepId: string; callId: number; operation: string; display: string; outcome: CallOutcome; durationMs: number; exitCode: number; line?: number; error?: string }
    /** Something the user should know that is not an error (a command run by the real CLI, not the SDK). */
    | { type: 'step:warning'; stepId: string; message: string }
    | { type: 'step:adopt'; stepId: string; operation: string; outcome: 'adopted' | 'updated'; detail: string }
    | { type: 'step:output'; stepId: string; stream: 'stdout' | 'stderr'; text: string }
    | { type: 'step:retry'; stepId: string; attempt: number; delayMs: number; reason: string }
    | {
        type: 'step:end';
        stepId: string;
        status: Exclude<StepStatus, 'pending' | 'running'>;
        durationMs: number;
        /** Variables the step set (secrets as `[redacted]`). */
        variables: Record<string, string>;
        files: string[];
        reason?: string;
        error?: { message: string; operation?: string; code?: string; hint?: string };
      }
    | { type: 'run:end'; status: 'succeeded' | 'failed' | 'cancelled'; durationMs: number; outputs: Record<string, string>; failedStep?: string }
  );

export type EventType = EngineEvent['type'];
/** An event before the engine stamps it with runId, seq and time. */
export type EventDraft = EngineEvent extends infer E ? (E extends EngineEvent ? Omit<E, 'runId' | 'seq' | 'time'> : never) : never;
export type EventOf<T extends EventType> = Extract<EngineEvent, { type: T }>;

/** What an output format does with each event type. */
export type Formatter = { [T in EventType]?: (event: EventOf<T>) => void };

export type EventSink = (event: EngineEvent) => void;
