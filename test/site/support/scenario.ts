/**
 * A realistic run of a real runbook as engine events: the steps and calls come from the engine's
 * parser and planner, values look like what AWS returns, one step is adopted, one fails. Events go
 * through the engine's Redactor exactly as engine/run.ts emits them, with a secret parameter whose
 * value must never reach the page or the stream.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Redactor } from '../../../src/events/redact.js';
import type { EngineEvent, EventDraft } from '../../../src/events/types.js';
import { parseRunbook } from '../../../src/markdown/parse.js';
import type { Runbook } from '../../../src/markdown/types.js';
import { planRunbook, type Plan } from '../../../src/plan/plan.js';

export const SECRET = 'hunter2-Sup3rSecret-7f3a9c';

export interface Scenario {
  runbook: Runbook;
  plan: Plan;
  runId: string;
  /** Per step, in order: the events that run it (start ... end). */
  steps: Array<{ id: string; title: string; status: 'done' | 'adopted' | 'failed'; events: EngineEvent[] }>;
  start: EngineEvent;
  end: EngineEvent;
  all: EngineEvent[];
}

/** A runbook as `runbook exec` names it: by its path from the project root. */
export async function loadRunbook(file: string, root: string): Promise<Runbook> {
  return parseRunbook(readFileSync(file, 'utf8'), relative(root, file));
}

function fakeValue(name: string, runbook: string): string {
  if (/ACCOUNT/.test(name)) return '123456789012';
  if (/KEY_ID$/.test(name)) return '0b9d5e8a-3c1f-4d7e-9a2b-6f4e1c8d2a17';
  if (/ISSUER/.test(name)) return 'https://oidc.eks.us-east-1.amazonaws.com/id/5C2F7B1E9A';
  if (/PROVIDER/.test(name)) return 'oidc.eks.us-east-1.amazonaws.com/id/5C2F7B1E9A';
  if (/ARN$/.test(name)) return `arn:aws:iam::123456789012:${name.toLowerCase().replace(/_arn$/, '').replace(/_/g, '-')}/${runbook}`;
  return `${name.toLowerCase()}-value`;
}

/**
 * Steps before `failAt` succeed (the one at `adoptAt` adopts an existing resource), `failAt` fails,
 * the rest never run. Without `failAt` the run succeeds.
 */
export async function scenario(runbook: Runbook, options: { runId: string; failAt?: number; adoptAt?: number; t0?: number }): Promise<Scenario> {
  const plan = await planRunbook(runbook);
  const redactor = new Redactor();
  redactor.add(SECRET);
  let seq = 0;
  let clock = options.t0 ?? Date.parse('2026-03-02T09:41:00Z');
  const emit = (draft: EventDraft, advanceMs = 0): EngineEvent => {
    clock += advanceMs;
    return redactor.value({ ...draft, runId: options.runId, seq: ++seq, time: new Date(clock).toISOString() } as EngineEvent);
  };
  const start = emit({
    type: 'run:start',
    runbook: { file: runbook.file, name: runbook.name, title: runbook.title },
    steps: plan.steps.map((s) => ({ id: s.id, index: s.index, title: s.title, kind: s.kind })),
    // The engine redacts secret parameters; this one is given in clear to prove the Redactor does.
    params: { ...Object.fromEntries(plan.params.filter((p) => p.value).map((p) => [p.name, p.value!])), VAULT_TOKEN: SECRET },
    dryRun: false,
  });
  const steps: Scenario['steps'] = [];
  const outputs: Record<string, string> = {};
  const last = options.failAt ?? plan.steps.length;
  for (const step of plan.steps.slice(0, last + (options.failAt ? 1 : 0))) {
    const events: EngineEvent[] = [emit({ type: 'step:start', stepId: step.id, index: step.index, title: step.title }, 40)];
    const failing = options.failAt === step.index;
    const adopting = options.adoptAt === step.index;
    for (const action of step.actions) {
      if (action.kind === 'call' && !action.error) {
        events.push(emit({ type: 'step:call', stepId: step.id, callId: events.length, operation: action.operation, display: action.display, mutating: action.mutating }, 15));
      }
      if (action.kind === 'shell') {
        events.push(emit({ type: 'step:output', stepId: step.id, stream: 'stdout', text: `ran: ${action.command.split('\n')[0]}\n` }, 10));
      }
    }
    if (adopting) {
      const call = step.actions.find((a) => a.kind === 'call');
      const operation = call?.kind === 'call' ? call.operation : 'shell';
      events.push(emit({ type: 'step:adopt', stepId: step.id, operation, outcome: 'adopted', detail: 'it already exists: reused instead of created' }, 30));
    }
    if (step.kind === 'file') {
      // A heredoc the engine wrote, echoed back with the secret in it (as a careless runbook would).
      events.push(emit({ type: 'step:output', stepId: step.id, stream: 'stderr', text: `note: token ${SECRET} not written to ${step.produces.files[0]}\n` }, 5));
    }
    const variables = Object.fromEntries(step.produces.variables.map((v) => [v, fakeValue(v, runbook.name)]));
    Object.assign(outputs, variables);
    const durationMs = 180 + step.index * 37;
    if (failing) {
      const op = step.actions.find((a) => a.kind === 'call') as { operation: string } | undefined;
      events.push(emit({
        type: 'step:end', stepId: step.id, status: 'failed', durationMs, variables: {}, files: [],
        error: {
          message: `${op?.operation ?? 'The command'} was refused: User arn:aws:iam::123456789012:user/ci is not authorized (request token ${SECRET})`,
          ...(op ? { operation: op.operation } : {}),
          code: 'AccessDeniedException',
          hint: `fix the cause, then run \`runbook exec ${runbook.file}\` again: completed steps are skipped and this one (${step.id}) runs again`,
        },
      }, durationMs));
      steps.push({ id: step.id, title: step.title, status: 'failed', events });
      break;
    }
    events.push(emit({ type: 'step:end', stepId: step.id, status: adopting ? 'adopted' : 'done', durationMs, variables, files: step.produces.files }, durationMs));
    steps.push({ id: step.id, title: step.title, status: adopting ? 'adopted' : 'done', events });
  }
  const failed = steps.find((s) => s.status === 'failed');
  const end = emit(
    failed
      ? { type: 'run:end', status: 'failed', durationMs: clock - Date.parse(start.time), outputs: {}, failedStep: failed.id }
      : { type: 'run:end', status: 'succeeded', durationMs: clock - Date.parse(start.time), outputs: Object.fromEntries(plan.outputs.filter((o) => o in outputs).map((o) => [o, outputs[o]!])) },
    20,
  );
  return { runbook, plan, runId: options.runId, steps, start, end, all: [start, ...steps.flatMap((s) => s.events), end] };
}

