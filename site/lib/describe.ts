/**
 * What a runbook page shows besides its Markdown: the parameters, and for each step what the engine
 * will do with it. Everything comes from the engine's own parser, data-flow analysis and planner.
 */
import { z } from 'zod';
import type { Runbook } from '../../src/markdown/types.js';
import type { Plan } from '../../src/plan/plan.js';
import type { Engine } from './engine.js';

const stepKinds = ['sdk', 'file', 'shell'] as const;

export const runbookPageSchema = z.object({
  name: z.string(),
  /** As the user types it: `runbooks/vault-kms-aws.md`. */
  file: z.string(),
  params: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      origin: z.enum(['declared', 'inferred']),
      required: z.boolean(),
      secret: z.boolean(),
      default: z.string().optional(),
      description: z.string().optional(),
      values: z.array(z.string()).optional(),
      pattern: z.string().optional(),
      example: z.string().optional(),
    }),
  ),
  outputs: z.array(z.string()),
  /** Programs the reader needs installed (helm, eksctl, jq…): the engine serves aws, gcloud and kubectl itself. */
  prerequisites: z.array(z.object({ name: z.string(), install: z.string().optional(), optional: z.boolean() })),
  steps: z.array(
    z.object({
      id: z.string(),
      index: z.number(),
      title: z.string(),
      /** Line of the fence in the runbook: how the Markdown renderer finds the step. */
      line: z.number(),
      kind: z.enum(stepKinds),
      calls: z.array(z.object({ operation: z.string(), mutating: z.boolean(), problem: z.string().optional() })),
      shell: z.boolean(),
      variables: z.array(z.string()),
      files: z.array(z.string()),
      skip: z.boolean(),
      confirm: z.boolean(),
      timeoutMs: z.number().optional(),
      retries: z.number().optional(),
    }),
  ),
  /** Set when the planner could not run: steps then show what the data-flow analysis knows. */
  planError: z.string().optional(),
  /** The runbook's first H1 is its title: the page shows it once, as the page title. */
  titleFromHeading: z.boolean(),
});

export type RunbookPage = z.infer<typeof runbookPageSchema>;
export type RunbookPageStep = RunbookPage['steps'][number];

export async function describeRunbook(runbook: Runbook, engine: Pick<Engine, 'analyzeFlow' | 'planRunbook' | 'toolsOf' | 'prerequisiteTools' | 'served'>): Promise<RunbookPage> {
  const flow = engine.analyzeFlow(runbook);
  let plan: Plan | undefined;
  let planError: string | undefined;
  try {
    plan = await engine.planRunbook(runbook);
  } catch (error) {
    planError = (error as Error).message;
  }
  const steps = flow.steps.map((sf, i): RunbookPageStep => {
    const planned = plan?.steps[i];
    const attrs = sf.step.meta.attributes;
    const calls = (planned?.actions ?? []).flatMap((a) =>
      a.kind === 'call'
        ? [a.error ? { operation: `${a.tool} ${a.operation}`, mutating: a.mutating, problem: firstLine(a.error) } : { operation: a.operation, mutating: a.mutating }]
        : [],
    );
    return {
      id: sf.step.id,
      index: sf.step.index,
      title: sf.step.title,
      line: sf.step.span.start.line,
      // Without a plan nothing is known to be a call or a heredoc write: the shell runs it.
      kind: planned?.kind ?? 'shell',
      calls,
      shell: planned ? planned.actions.some((a) => a.kind === 'shell') : true,
      variables: planned?.produces.variables ?? [...new Set(sf.sets.map((s) => s.name))],
      files: planned?.produces.files ?? [...new Set(sf.writes.map((w) => w.path))],
      skip: attrs.skip ?? false,
      confirm: attrs.confirm ?? false,
      ...(attrs.timeout !== undefined ? { timeoutMs: attrs.timeout } : {}),
      ...(attrs.retries !== undefined ? { retries: attrs.retries } : {}),
    };
  });
  return {
    name: runbook.name,
    file: runbook.file,
    params: flow.params.map((p) => ({
      name: p.name,
      type: p.type,
      origin: p.origin,
      required: p.required,
      secret: p.secret,
      ...(p.default !== undefined && !p.secret ? { default: String(p.default) } : {}),
      ...(p.description ? { description: p.description } : {}),
      ...(p.values?.length ? { values: p.values.map(String) } : {}),
      ...(p.pattern ? { pattern: p.pattern } : {}),
      ...(p.example !== undefined && !p.secret ? { example: String(p.example) } : {}),
    })),
    outputs: flow.outputs,
    // Named prerequisites only: everyday utilities (grep, sed…) go without saying.
    prerequisites: engine.toolsOf(flow, new Set(engine.served))
      .filter((t) => t.name in engine.prerequisiteTools)
      .map((t) => ({ name: t.name, install: engine.prerequisiteTools[t.name], optional: t.optional })),
    steps,
    ...(planError ? { planError } : {}),
    titleFromHeading: typeof runbook.frontmatter.title !== 'string',
  };
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
