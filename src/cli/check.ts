import { parseArgs } from 'node:util';
import { checkRunbook } from '../check/index.js';
import type { Diagnostic } from '../diagnostics.js';
import { loadRunbook } from './load.js';
import { choice } from './options.js';
import { paint } from './style.js';

const help = `Usage: runbook check FILE... [--format text|json] [--allow RULE]...

Reports every problem in one run, one line each: file:line:col severity message rule-id.
Errors are what will certainly fail or do harm; warnings might be fine; info says how the engine
read something. Exits 1 when any error is found. --allow RULE leaves a rule's reports out (as
<!-- runbook-ignore RULE --> just before a fence does for that fence).`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { format: { type: 'string', default: 'text' }, help: { type: 'boolean', short: 'h' }, allow: { type: 'string', multiple: true } } });
  if (values.help) return void console.log(help), 0;
  choice('--format', values.format, ['text', 'json'] as const);
  if (!positionals.length) {
    console.error(`runbook check: no file given\n\n${help}`);
    return 2;
  }
  const all: Diagnostic[] = [];
  for (const name of positionals) {
    const runbook = await loadRunbook(name);
    all.push(...(await checkRunbook(runbook, { allow: values.allow ?? [] })));
  }
  if (values.format === 'json') {
    console.log(JSON.stringify(all, null, 2));
  } else {
    for (const d of all) console.log(formatDiagnostic(d));
    const errors = all.filter((d) => d.severity === 'error').length;
    const warnings = all.filter((d) => d.severity === 'warning').length;
    const files = positionals.length;
    console.error(
      errors || warnings
        ? `${paint(errors ? 'red' : 'yellow', `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`)} in ${files} file${files === 1 ? '' : 's'}`
        : paint('green', `${files} file${files === 1 ? '' : 's'} checked, no problems`),
    );
  }
  return all.some((d) => d.severity === 'error') ? 1 : 0;
}

export function formatDiagnostic(d: Diagnostic): string {
  const sev = paint(d.severity === 'error' ? 'red' : d.severity === 'warning' ? 'yellow' : 'blue', d.severity);
  const line = `${d.file}:${d.start.line}:${d.start.column} ${sev} ${d.message} ${paint('dim', d.ruleId)}`;
  return d.note ? `${line}\n    ${paint('dim', `note: ${d.note}`)}` : line;
}
