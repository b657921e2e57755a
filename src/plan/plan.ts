/**
 * `runbook plan`: Runbook + known values -> the ordered steps with the calls they will make.
 * Values from earlier steps show as `<from step 3: KEY_ARN>`. Pure apart from loading SDK models.
 */
import type { Runbook } from '../markdown/types.js';
import type { Param } from '../params/types.js';
import { translatorFor } from '../translate/index.js';
import type { Action, CommandSpec } from './actions.js';
import { isTemporary } from './actions.js';
import { bindFields, bindString, type Lookup } from './bind.js';
import { analyzeFlow, type Flow } from './flow.js';
import { callSitesOf, type CallSite, type SiteContext } from './sites.js';
import { translatorNames } from '../translate/index.js';
import type { Statement } from '../shell/types.js';
import type { Span } from '../diagnostics.js';

export type StepKind = 'sdk' | 'file' | 'shell';

export type PlannedAction =
  | {
      kind: 'call'; tool: string; operation: string; input: unknown; mutating: boolean; display: string; capture?: string; then?: string; line: number; error?: string;
      /** Inside a condition, a loop, a function…: whether and how often it runs is known only at run time. */
      runtime?: SiteContext;
      /** Made by calling this function of the runbook. */
      via?: string;
      /** Variables whose values it sends in members the SDK marks sensitive: secrets from the start of a run. */
      secretVariables?: string[];
    }
  | { kind: 'write-file'; path: string; display: string; line: number }
  | { kind: 'set'; name: string; value: string; exported: boolean; display: string; line: number }
  | { kind: 'shell'; command: string; display: string; capture?: string; line: number };

export interface PlannedStep {
  id: string;
  index: number;
  title: string;
  section: string[];
  kind: StepKind;
  skip: boolean;
  /** `when=` condition, as written. */
  when?: string;
  actions: PlannedAction[];
  produces: { variables: string[]; files: string[] };
  line: number;
  /** Some of its calls are only known at run time (conditions, loops, functions): the plan shows what it can see. */
  runtime?: true;
}

export interface Plan {
  runbook: { file: string; name: string; title: string };
  params: Array<{ name: string; type: string; origin: Param['origin']; required: boolean; secret: boolean; value?: string; description?: string }>;
  steps: PlannedStep[];
  outputs: string[];
}

export interface PlanOptions {
  /** Parameter and variable values known before the run (never secret values in output). */
  values?: Record<string, string>;
  cwd?: string;
}

export async function planRunbook(runbook: Runbook, options: PlanOptions = {}): Promise<Plan> {
  const flow = analyzeFlow(runbook);
  const values = options.values ?? {};
  const secrets = new Set(flow.params.filter((p) => p.secret).map((p) => p.name));
  const tools = new Set(translatorNames);
  const functions = functionSites(flow, tools);
  const steps: PlannedStep[] = [];
  for (const [i, sf] of flow.steps.entries()) {
    const lookup = symbolicLookup(flow, i, values, secrets);
    const actions: PlannedAction[] = [];
    const temps = new Map<string, string>();
    const skipAssign = new Set<Action>();
    const sites = callSitesOf(sf.step.script.statements, tools).filter((site) => !site.inFunction);
    // What this step itself set before an action reads it (not an earlier step's value).
    const local = new Map<string, string>();
    const look: Lookup = (name) => temps.get(name) ?? local.get(name) ?? lookup(name);
    // Variables exported before this step, as the plan knows them: what a command's environment holds
    // (`export CLOUDSDK_CORE_PROJECT=…` names the project of every later gcloud).
    const exported = new Set([...flow.steps.slice(0, i).flatMap((p) => p.sets.filter((v) => v.exported).map((v) => v.name)), ...Object.keys(values)]);
    const env = Object.fromEntries([...exported].map((n) => [n, look(n) ?? '']));
    const here = { functions, sites, cwd: options.cwd ?? process.cwd(), env };
    if (sf.step.write) actions.push({ kind: 'write-file', path: sf.step.write.path, display: `write ${sf.step.write.path}`, line: sf.step.span.start.line });
    for (const [k, action] of sf.actions.entries()) {
      const planned = await planAction(action, look, temps, here);
      for (const set of sf.sets) if (within(set.span, action.span) && !local.has(set.name)) local.set(set.name, `<from step ${sf.step.index}: ${set.name}>`);
      // `export X=$(aws …)`: show the call with `-> $X` rather than a separate assignment.
      const next = sf.actions[k + 1];
      const last = planned[planned.length - 1];
      if (action.kind === 'run' && action.capture && last && (last.kind === 'call' || last.kind === 'shell') && next?.kind === 'assign' && next.value.length === 1 && 'var' in next.value[0]! && next.value[0].var === action.capture) {
        last.capture = next.name;
        skipAssign.add(next);
      }
      if (skipAssign.has(action)) continue;
      actions.push(...planned);
    }
    const kind: StepKind = actions.some((a) => a.kind === 'call') ? 'sdk' : actions.some((a) => a.kind === 'write-file') ? 'file' : 'shell';
    const runtime = actions.some((a) => a.kind === 'call' && (a.runtime || a.via));
    steps.push({
      ...(runtime ? { runtime: true as const } : {}),
      id: sf.step.id, index: sf.step.index, title: sf.step.title, section: sf.step.section, kind,
      skip: sf.step.meta.attributes.skip ?? false,
      ...(sf.step.meta.attributes.when ? { when: sf.step.meta.attributes.when.text } : {}),
      actions,
      produces: { variables: [...new Set(sf.sets.map((s) => s.name))], files: [...new Set(sf.writes.map((w) => w.path))] },
      line: sf.step.span.start.line,
    });
  }
  return {
    runbook: { file: runbook.file, name: runbook.name, title: runbook.title },
    params: flow.params.map((p) => ({
      name: p.name, type: p.type, origin: p.origin, required: p.required, secret: p.secret,
      ...(p.description ? { description: p.description } : {}),
      ...(values[p.name] !== undefined ? { value: p.secret ? '<secret>' : values[p.name] } : p.default !== undefined ? { value: String(p.default) } : {}),
    })),
    steps,
    outputs: flow.outputs,
  };
}

/** What a variable will hold when step `index` runs, as far as is known before the run. */
function symbolicLookup(flow: Flow, index: number, values: Record<string, string>, secrets: Set<string>): Lookup {
  return (name) => {
    if (secrets.has(name)) return `<secret ${name}>`;
    for (let j = index - 1; j >= 0; j--) {
      if (flow.steps[j]!.sets.some((s) => s.name === name)) return `<from step ${j + 1}: ${name}>`;
    }
    if (values[name] !== undefined) return values[name];
    const param = flow.params.find((p) => p.name === name);
    if (param?.default !== undefined) return String(param.default);
    if (param) return `<param ${name}>`;
    return `<${name}>`;
  };
}

interface Here {
  /** The runbook's functions that make calls: name -> their call sites. */
  functions: Map<string, CallSite[]>;
  /** The step's call sites outside functions: those inside an `if`, loop or list are planned with it. */
  sites: CallSite[];
  cwd: string;
  env: Record<string, string>;
}

const within = (inner: Span, outer: Span) =>
  (inner.start.line > outer.start.line || (inner.start.line === outer.start.line && inner.start.column >= outer.start.column)) &&
  (inner.start.line < outer.end.line || (inner.start.line === outer.end.line && inner.start.column <= outer.end.column));

/** Every function the runbook defines (in any step) with the calls its body makes. */
function functionSites(flow: Flow, tools: ReadonlySet<string>): Map<string, CallSite[]> {
  const out = new Map<string, CallSite[]>();
  const all = flow.steps.flatMap((sf) => callSitesOf(sf.step.script.statements, tools));
  const visit = (statements: Statement[]) => {
    for (const st of statements) {
      if (st.kind !== 'other') continue;
      if (st.construct === 'function' && st.name) out.set(st.name, all.filter((s) => s.inFunction === st.name));
      visit(st.body);
    }
  };
  for (const sf of flow.steps) visit(sf.step.script.statements);
  return out;
}

/** Calls that run only at run time (a site in a condition or loop, or a function's body), planned as far as they can be. */
async function runtimeCalls(sites: CallSite[], lookup: Lookup, here: Here, via?: string): Promise<PlannedAction[]> {
  const out: PlannedAction[] = [];
  for (const site of sites) {
    const argv = site.words.flatMap((t) => bindFields(t, lookup, { keepWhole: isPlaceholder }));
    const planned = await planRun([{ argv: site.words, env: [], otherRedirects: [], raw: argv.join(' '), span: site.span }], lookup, here, site.span.start.line);
    for (const p of planned) {
      if (p.kind !== 'call') continue;
      const runtime = via ? 'function' : site.context === 'direct' || site.context === 'substitution' ? undefined : site.context;
      out.push({ ...p, ...(runtime ? { runtime } : {}), ...(via ? { via } : {}) });
    }
  }
  return out;
}

async function planAction(action: Action, lookup: Lookup, temps: Map<string, string>, here: Here): Promise<PlannedAction[]> {
  const line = action.span.start.line;
  switch (action.kind) {
    case 'assign': {
      const value = bindString(action.value, lookup);
      return [{ kind: 'set', name: action.name, value, exported: action.exported, line, display: `${action.exported ? 'export ' : ''}${action.name}=${value}` }];
    }
    case 'export':
      return [];
    case 'shell': {
      if (action.capture) temps.set(action.capture, `<output of: ${oneLine(action.raw)}>`);
      const shell: PlannedAction = { kind: 'shell', command: action.raw, display: `shell: ${oneLine(action.raw)}`, line, ...(action.capture && !isTemporary(action.capture) ? { capture: action.capture } : {}) };
      const inner = here.sites.filter((site) => within(site.span, action.span));
      const called = [...here.functions].filter(([name]) => new RegExp(`(^|[\\s;&|({!])${name}($|[\\s;&|)}])`).test(action.raw));
      return [shell, ...(await runtimeCalls(inner, lookup, here)), ...(await Promise.all(called.map(([name, sites]) => runtimeCalls(sites, lookup, here, name)))).flat()];
    }
    case 'run': {
      const name = action.pipeline[0] ? bindFields(action.pipeline[0].argv[0] ?? [], lookup)[0] : undefined;
      const fn = name ? here.functions.get(name) : undefined;
      const planned = await planRun(action.pipeline, lookup, here, line);
      if (fn?.length) planned.push(...(await runtimeCalls(fn, lookup, here, name)));
      if (action.capture) {
        temps.set(action.capture, `<output of: ${oneLine(action.raw)}>`);
      }
      return planned;
    }
  }
}

async function planRun(pipeline: CommandSpec[], lookup: Lookup, here: Pick<Here, 'cwd' | 'env'>, line: number): Promise<PlannedAction[]> {
  const { cwd, env } = here;
  const [first, ...rest] = pipeline;
  if (!first) return [];
  // A placeholder (`<from step 3: KEY_ARN>`) stands for one value: never split it into words.
  const argv = first.argv.flatMap((t) => bindFields(t, lookup, { keepWhole: isPlaceholder }));
  const write = fileWrite(first, argv, lookup);
  if (write && !rest.length) return [{ kind: 'write-file', path: write, display: `write ${write}`, line }];
  const then = rest.length ? rest.map((c) => c.raw).join(' | ') : undefined;
  const translator = await translatorFor(argv);
  if (translator) {
    try {
      const stdin = first.stdin && 'text' in first.stdin ? bindString(first.stdin.text, lookup) : undefined;
      const call = await translator.translate(argv, { cwd, planning: true, env: { ...(process.env as Record<string, string>), ...env }, ...(stdin !== undefined ? { stdin } : {}) });
      const secretVariables = [...new Set((translator.secretsIn?.(call) ?? []).flatMap(placeholderNames))];
      return [{
        kind: 'call', tool: call.tool, operation: call.operation, input: call.input, mutating: call.mutating, display: call.display, line,
        ...(then ? { then } : {}), ...(secretVariables.length ? { secretVariables } : {}),
      }];
    } catch (error) {
      return [{ kind: 'call', tool: argv[0]!, operation: argv.slice(1, 3).join(' '), input: null, mutating: true, display: argv.join(' '), line, error: (error as Error).message }];
    }
  }
  return [{ kind: 'shell', command: pipeline.map((c) => c.raw).join(' | '), display: `shell: ${oneLine(pipeline.map((c) => c.raw).join(' | '))}`, line }];
}

/** `cat <<EOF > file` (or `cat > file`, `tee file` with a heredoc): a file write, not a command. */
export function fileWrite(spec: CommandSpec, argv: string[], lookup: Lookup): string | undefined {
  if (!spec.stdin || !('text' in spec.stdin)) return undefined;
  if (argv[0] === 'cat' && argv.length === 1 && spec.stdout) return bindString(spec.stdout.file, lookup);
  if (argv[0] === 'tee' && argv.length === 2 && !argv[1]!.startsWith('-')) return argv[1];
  return undefined;
}

const isPlaceholder = (value: string) => /^<[^<>]+>$/.test(value);

/** The variables a planned value stands for: `<from step 3: KEY_ARN>`, `<param NAME>`, `<$NAME>`. */
function placeholderNames(value: string): string[] {
  return [...value.matchAll(/<(?:from step \d+: |param |secret |\$)?([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]!);
}

function oneLine(text: string): string {
  const first = text.split('\n')[0]!;
  return first.length < text.length ? `${first} …` : first;
}
