import { parseArgs } from 'node:util';
import { resolveParams } from '../params/resolve.js';
import { analyzeFlow } from '../plan/flow.js';
import { planRunbook, type Plan } from '../plan/plan.js';
import { loadRunbook } from './load.js';
import { choice } from './options.js';
import { paint } from './style.js';

const help = `Usage: runbook plan FILE [--param NAME=VALUE]... [--params file.yaml] [--format text|json]

Prints the ordered steps: each step's kind, the call it will make with its parameters resolved where
known (<from step 3: KEY_ARN> where they come from an earlier step), and what it produces.`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { format: { type: 'string', default: 'text' }, param: { type: 'string', multiple: true }, params: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || positionals.length !== 1) {
    console.log(help);
    return values.help ? 0 : 2;
  }
  choice('--format', values.format, ['text', 'json'] as const);
  const runbook = await loadRunbook(positionals[0]!);
  const flow = analyzeFlow(runbook);
  const resolved = await resolveParams(flow.params, { flags: values.param ?? [], ...(values.params ? { file: values.params } : {}), env: process.env });
  const plan = await planRunbook(runbook, { values: resolved.values });
  if (values.format === 'json') console.log(JSON.stringify(plan, null, 2));
  else console.log(formatPlan(plan));
  return 0;
}

const runtimeWords: Record<NonNullable<Extract<Plan['steps'][number]['actions'][number], { kind: 'call' }>['runtime']>, string> = {
  direct: 'runs once', substitution: 'runs once', conditional: 'if the condition holds', loop: 'in a loop', function: 'in a function',
  background: 'in the background', subshell: 'in a subshell',
};

export function formatPlan(plan: Plan): string {
  const out: string[] = [paint('bold', plan.runbook.title), paint('dim', plan.runbook.file), ''];
  if (plan.params.length) {
    out.push('Parameters:');
    for (const p of plan.params) {
      const value = p.value !== undefined ? (p.secret ? '<secret>' : p.value) : p.required ? paint('yellow', '(required)') : '(unset)';
      out.push(`  ${p.name} ${paint('dim', `${p.type}${p.origin === 'inferred' ? ', inferred' : ''}`)} = ${value}`);
    }
    out.push('');
  }
  for (const step of plan.steps) {
    out.push(`${paint('bold', `${step.index}. ${step.title}`)} ${paint('dim', `[${step.id}] ${step.kind}${step.skip ? ' (skipped)' : ''}${step.when ? ` when ${step.when}` : ''}${step.runtime ? ' (some calls known only at run time)' : ''}`)}`);
    for (const a of step.actions) {
      const marker = a.kind === 'call' ? (a.mutating ? paint('yellow', '~') : paint('cyan', '=')) : a.kind === 'write-file' ? paint('green', '+') : ' ';
      let text = a.kind === 'call' && (a.runtime || a.via) ? `${a.display} ${paint('dim', `(${a.via ? `in ${a.via}()` : runtimeWords[a.runtime!]})`)}` : a.display;
      if (a.kind === 'call' && (a.runtime || a.via)) text = `  ${text}`;
      if (a.kind === 'call' && a.then) text += paint('dim', ` | ${a.then}`);
      if ((a.kind === 'call' || a.kind === 'shell') && a.capture) text += paint('green', ` -> $${a.capture}`);
      if (a.kind === 'call' && a.error) text += `\n      ${paint('red', a.error)}`;
      out.push(`   ${marker} ${text}`);
    }
    const produces = [...step.produces.variables.map((v) => `$${v}`), ...step.produces.files];
    if (produces.length) out.push(paint('dim', `     -> ${produces.join(', ')}`));
  }
  if (plan.outputs.length) out.push('', `Outputs: ${plan.outputs.join(', ')}`);
  return out.join('\n');
}
