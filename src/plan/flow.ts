/**
 * Data flow across a runbook's steps: which variables and files each step reads and produces,
 * and the parameters that follow (declared, plus inferred from `$VAR`s no step sets). Pure.
 */
import type { Span } from '../diagnostics.js';
import type { Runbook, Step } from '../markdown/types.js';
import type { Param } from '../params/types.js';
import type { Statement, VarRef, VarSet } from '../shell/types.js';
import { literalOf, visitCommands, wordsOf } from '../shell/walk.js';
import type { Action } from './actions.js';
import { varsOf } from './bind.js';
import { lowerStatements } from './lower.js';

export interface StepFlow {
  step: Step;
  actions: Action[];
  reads: VarRef[];
  sets: VarSet[];
  /** Files written with `> file` (heredocs included), by literal path. */
  writes: Array<{ path: string; span: Span }>;
  /** `file://` and `fileb://` references, by literal path. */
  fileRefs: Array<{ path: string; span: Span; scheme: 'file' | 'fileb' }>;
  /** Bare placeholders (declared params written without `$`). */
  placeholderReads: string[];
}

export interface Flow {
  steps: StepFlow[];
  params: Param[];
  /** Variable -> index (0-based) of the first step that sets it. */
  producers: Map<string, number>;
  /** Declared outputs (frontmatter `outputs:`), else every exported variable of the last step that sets one. */
  outputs: string[];
}

/** Variables a shell or the OS provides: reading them needs no step and no parameter. */
export const ambientVariables = new Set([
  'HOME', 'PATH', 'PWD', 'OLDPWD', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'LANG', 'LC_ALL', 'TERM', 'HOSTNAME',
  'UID', 'EUID', 'RANDOM', 'SECONDS', 'LINENO', 'IFS', 'BASH_SOURCE', 'BASH_VERSION', 'PPID', 'REPLY', 'OSTYPE',
  'EDITOR', 'PAGER', 'KUBECONFIG', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL',
  'CLOUDSDK_CORE_PROJECT', 'GOOGLE_APPLICATION_CREDENTIALS',
]);

export function analyzeFlow(runbook: Runbook): Flow {
  const declared = new Map(runbook.params.map((p) => [p.name, p]));
  const placeholders = new Set(runbook.params.map((p) => p.name));
  const producers = new Map<string, number>();
  const steps: StepFlow[] = runbook.steps.map((step, i) => {
    const actions = lowerStatements(step.script.statements, placeholders);
    const sets = step.script.sets.map((s) => ({ ...s }));
    for (const s of sets) if (!producers.has(s.name)) producers.set(s.name, i);
    const placeholderReads = [...new Set(actions.flatMap(templateVarsOf).filter((v) => placeholders.has(v)))];
    const when = step.meta.attributes.when;
    const reads = when ? [{ name: when.name, span: step.span, hasDefault: false }, ...step.script.reads] : step.script.reads;
    return {
      step, actions, reads, sets, placeholderReads,
      writes: writesOf(step), fileRefs: fileRefsOf(step.script.statements),
    };
  });

  // A `$VAR` that nothing sets and nothing declares is an inferred, required string parameter.
  const inferred = new Map<string, Param>();
  for (const sf of steps) {
    for (const r of sf.reads) {
      if (declared.has(r.name) || producers.has(r.name) || ambientVariables.has(r.name) || inferred.has(r.name) || r.hasDefault) continue;
      inferred.set(r.name, { name: r.name, type: 'string', origin: 'inferred', secret: false, required: true, position: r.span.start });
    }
  }
  const outputsDeclared = runbook.frontmatter.outputs;
  const outputs = Array.isArray(outputsDeclared)
    ? outputsDeclared.map(String)
    : [...new Set(steps.flatMap((s) => s.sets.filter((v) => v.exported).map((v) => v.name)))];
  return { steps, params: [...runbook.params, ...inferred.values()], producers, outputs };
}

function templateVarsOf(action: Action): string[] {
  switch (action.kind) {
    case 'assign':
      return varsOf(action.value);
    case 'run':
      return action.pipeline.flatMap((c) => [
        ...c.argv.flatMap(varsOf),
        ...c.env.flatMap((e) => varsOf(e.value)),
        ...(c.stdin ? varsOf('text' in c.stdin ? c.stdin.text : c.stdin.file) : []),
        ...(c.stdout ? varsOf(c.stdout.file) : []),
      ]);
    default:
      return [];
  }
}

function fileRefsOf(statements: Statement[]): StepFlow['fileRefs'] {
  const out: StepFlow['fileRefs'] = [];
  for (const word of wordsOf(statements)) {
    const text = literalOf(word);
    const m = text && /^(?:--[\w-]+=)?(fileb?):\/\/(.+)$/.exec(text);
    if (m) out.push({ scheme: m[1] as 'file' | 'fileb', path: m[2]!, span: word.span });
  }
  return out;
}

/** Commands that write the file an option names (`curl -o f`), or their last operand (`cp a f`). */
const fileWriters: Record<string, { options?: string[]; last?: boolean }> = {
  curl: { options: ['-o', '--output'] },
  wget: { options: ['-O', '--output-document'] },
  cp: { last: true },
  mv: { last: true },
  install: { last: true },
  ln: { last: true },
};

function writesOf(step: Step): StepFlow['writes'] {
  const out: StepFlow['writes'] = [];
  if (step.write) out.push({ path: step.write.path, span: step.span });
  visitCommands(step.script.statements, (c) => {
    for (const r of c.redirects) {
      const path = (r.op === '>' || r.op === '>>' || r.op === '>|' || r.op === '&>') && literalOf(r.target);
      if (path && path !== '/dev/null') out.push({ path, span: r.target.span });
    }
    const name = c.args[0] && literalOf(c.args[0]);
    // `tee file` writes too.
    if (name === 'tee') for (const w of c.args.slice(1)) {
      const p = literalOf(w);
      if (p && !p.startsWith('-')) out.push({ path: p, span: w.span });
    }
    const writer = name ? fileWriters[name] : undefined;
    if (!writer) return;
    c.args.forEach((w, k) => {
      const text = literalOf(w);
      const eq = text && writer.options?.find((o) => text.startsWith(`${o}=`));
      if (eq) out.push({ path: text!.slice(eq.length + 1), span: w.span });
      else if (text && writer.options?.includes(text)) {
        const value = c.args[k + 1] && literalOf(c.args[k + 1]!);
        if (value) out.push({ path: value, span: c.args[k + 1]!.span });
      }
    });
    const last = c.args.length > 2 ? literalOf(c.args[c.args.length - 1]!) : undefined;
    if (writer.last && last && !last.startsWith('-')) out.push({ path: last, span: c.args[c.args.length - 1]!.span });
  });
  return out;
}
