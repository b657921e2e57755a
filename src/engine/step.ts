/**
 * Executes one step's actions against the run's variables: the same lowering the plan shows,
 * with values bound at the moment each action runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { RunbookError } from '../diagnostics.js';
import type { Redactor } from '../events/redact.js';
import type { Action, CommandSpec } from '../plan/actions.js';
import { isTemporary } from '../plan/actions.js';
import { bindFields, bindString, type Lookup } from '../plan/bind.js';
import { fileWrite } from '../plan/plan.js';
import { writeAtomic } from '../state/store.js';
import { translatorFor } from '../translate/index.js';
import type { Call } from '../translate/types.js';
import { sendCall, type SendOptions } from './send.js';
import { commandFailed, loadQuote, readOnlyCommands, runArgv, runScript } from './shell.js';

export interface Variable {
  value: string;
  exported: boolean;
  secret: boolean;
}

export interface StepContext {
  stepId: string;
  variables: Map<string, Variable>;
  /** Values from outside the runbook: the process environment and parameters. */
  baseEnv: Record<string, string>;
  workDir: string;
  /** Other places a relative `file://` may point to (the runbook's folder, the current directory). */
  fallbackDirs: string[];
  redactor: Redactor;
  signal: AbortSignal;
  retries: number;
  laterArgv: () => string[][];
  confirm(what: string): Promise<void>;
  output(stream: 'stdout' | 'stderr', text: string): void;
  onCall(call: Call): void;
  onAdopt: SendOptions['onAdopt'];
  onRetry: SendOptions['onRetry'];
}

export interface StepOutcome {
  setVariables: Set<string>;
  files: Set<string>;
  resources: Array<{ operation: string; outcome: 'created' | 'adopted' | 'updated' | 'read'; detail?: string }>;
}

export class StepRunner {
  private readonly temps = new Map<string, Variable>();
  readonly outcome: StepOutcome = { setVariables: new Set(), files: new Set(), resources: [] };
  /** The call in flight, so a failure can name it (`EKS.DescribeCluster`). */
  currentOperation: string | undefined;

  constructor(private readonly ctx: StepContext) {}

  readonly lookup: Lookup = (name) => this.temps.get(name)?.value ?? this.ctx.variables.get(name)?.value ?? this.ctx.baseEnv[name];

  /** The environment a child process sees: the base environment plus the run's variables. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    const env: Record<string, string> = { ...this.ctx.baseEnv };
    for (const [name, v] of this.ctx.variables) env[name] = v.value;
    return { ...env, ...extra };
  }

  async run(actions: Action[]): Promise<void> {
    for (const [i, action] of actions.entries()) await this.action(action, actions.slice(i + 1));
  }

  private set(name: string, value: string, exported: boolean, secret: boolean): void {
    const isSecret = secret || this.ctx.redactor.text(value) !== value;
    if (isTemporary(name)) {
      this.temps.set(name, { value, exported: false, secret: isSecret });
      return;
    }
    const previous = this.ctx.variables.get(name);
    this.ctx.variables.set(name, { value, exported: exported || !!previous?.exported, secret: isSecret });
    if (isSecret) this.ctx.redactor.add(value);
    this.outcome.setVariables.add(name);
  }

  private async action(action: Action, rest: Action[]): Promise<void> {
    switch (action.kind) {
      case 'assign': {
        const value = bindString(action.value, this.lookup);
        const secret = action.value.some((p) => 'var' in p && (this.temps.get(p.var)?.secret || this.ctx.variables.get(p.var)?.secret));
        this.set(action.name, value, action.exported, !!secret);
        return;
      }
      case 'export': {
        const v = this.ctx.variables.get(action.name);
        if (v) v.exported = true;
        else if (this.ctx.baseEnv[action.name] !== undefined) this.set(action.name, this.ctx.baseEnv[action.name]!, true, false);
        return;
      }
      case 'shell': {
        await this.ctx.confirm(action.raw);
        const result = await runScript(action.raw, { cwd: this.ctx.workDir, env: this.env(), signal: this.ctx.signal });
        if (result.stderr) this.ctx.output('stderr', result.stderr);
        if (result.exitCode !== 0) throw commandFailed(firstLine(action.raw), result);
        if (action.capture) this.set(action.capture, trimNewlines(result.stdout), false, false);
        else if (result.stdout) this.ctx.output('stdout', result.stdout);
        return;
      }
      case 'run':
        return this.pipeline(action.pipeline, action.capture, captureTarget(action.capture, rest));
    }
  }

  private async pipeline(pipeline: CommandSpec[], capture: string | undefined, target: string | undefined): Promise<void> {
    const argvs = pipeline.map((spec) => spec.argv.flatMap((t) => bindFields(t, this.lookup)));
    const translators = await Promise.all(argvs.map((argv) => (argv.length ? translatorFor(argv) : undefined)));
    let input: string | undefined;
    let secret = false;
    for (let i = 0; i < pipeline.length; ) {
      const spec = pipeline[i]!;
      const argv = argvs[i]!;
      const translator = translators[i];
      const stdin = spec.stdin ? ('text' in spec.stdin ? bindString(spec.stdin.text, this.lookup) : this.readFile(bindString(spec.stdin.file, this.lookup))) : input;
      const written = fileWrite(spec, argv, this.lookup);
      if (written !== undefined && pipeline.length === 1) {
        await this.writeFile(written, stdin ?? '', false);
        return;
      }
      let stdout: string;
      let adopted = false;
      let last = spec;
      if (translator) {
        const call = await translator.translate(argv, { cwd: this.ctx.workDir, fallbackDirs: this.ctx.fallbackDirs, env: this.env(), ...(stdin !== undefined ? { stdin } : {}) });
        this.currentOperation = call.operation;
        const sent = await sendCall(translator, call, {
          signal: this.ctx.signal, retries: this.ctx.retries, env: this.env(), laterArgv: this.ctx.laterArgv(), ...(stdin !== undefined ? { stdin } : {}),
          ...(target ? { capture: target } : {}),
          confirm: (c) => this.ctx.confirm(c.display),
          onCall: this.ctx.onCall, onAdopt: this.ctx.onAdopt, onRetry: this.ctx.onRetry,
        });
        this.currentOperation = undefined;
        this.outcome.resources.push({ operation: call.operation, outcome: sent.outcome });
        adopted = sent.outcome === 'adopted' || sent.outcome === 'updated';
        const secrets = translator.secretsOf?.(sent.result, call) ?? [];
        for (const s of secrets) this.ctx.redactor.add(s);
        secret ||= secrets.length > 0;
        stdout = translator.format(sent.result, call);
        i++;
      } else if (argv.length) {
        // Consecutive commands with no SDK mapping run as one shell pipeline, each argument quoted.
        let j = i + 1;
        while (j < pipeline.length && !translators[j] && argvs[j]!.length && !pipeline[j]!.stdin && !pipeline[j - 1]!.stdout) j++;
        const group = pipeline.slice(i, j);
        last = group[group.length - 1]!;
        for (const [k, g] of group.entries()) if (!readOnlyCommands.has(argvs[i + k]![0]!)) await this.ctx.confirm(g.raw);
        const { quote } = await loadQuote();
        const script = group
          .map((g, k) => [...g.env.map((e) => `${e.name}=${quote(bindString(e.value, this.lookup))}`), ...argvs[i + k]!.map((a) => quote(a)), ...g.otherRedirects].join(' '))
          .join(' | ');
        const options = { cwd: this.ctx.workDir, env: this.env(), signal: this.ctx.signal, ...(stdin !== undefined ? { input: stdin } : {}) };
        const result = group.length === 1 && !group[0]!.env.length && !group[0]!.otherRedirects.length ? await runArgv(argv, options) : await runScript(script, options);
        if (result.stderr) this.ctx.output('stderr', result.stderr);
        if (result.exitCode !== 0) throw commandFailed(group.map((_, k) => argvs[i + k]![0]).join(' | '), result);
        stdout = result.stdout;
        i = j;
      } else {
        stdout = stdin ?? '';
        i++;
      }
      if (last.stdout) {
        const file = bindString(last.stdout.file, this.lookup);
        // An adopted resource's output (e.g. `vault operator init > init.json` on an initialized Vault)
        // must not overwrite what the run that created it saved, nor leave an empty file in its place.
        if (!(adopted && (existsSync(this.path(file)) || stdout === ''))) await this.writeFile(file, stdout, last.stdout.append);
        input = '';
      } else {
        input = stdout;
      }
    }
    if (capture) this.set(capture, trimNewlines(input ?? ''), false, secret);
    else if (input) this.ctx.output('stdout', input);
  }

  /** Relative paths live in the run's work directory. */
  private path(file: string): string {
    return isAbsolute(file) ? file : join(this.ctx.workDir, file);
  }

  private readFile(file: string): string {
    for (const dir of [this.ctx.workDir, ...this.ctx.fallbackDirs]) {
      try {
        return readFileSync(resolve(dir, file), 'utf8');
      } catch {
        // try the next place
      }
    }
    throw new RunbookError(`cannot read ${file}: no such file in the run's work directory or beside the runbook`);
  }

  private async writeFile(file: string, content: string, append: boolean): Promise<void> {
    if (file === '/dev/null') return;
    const path = this.path(file);
    await mkdir(dirname(path), { recursive: true });
    let existing = '';
    if (append) {
      try {
        existing = readFileSync(path, 'utf8');
      } catch {
        existing = '';
      }
    }
    writeAtomic(path, existing + content);
    this.outcome.files.add(file);
  }
}

/** `export X=$(cmd)` lowers to a capture into a temporary and an assignment: X is the real target. */
function captureTarget(capture: string | undefined, rest: Action[]): string | undefined {
  if (!capture) return undefined;
  const next = rest[0];
  if (next?.kind === 'assign' && next.value.length === 1 && 'var' in next.value[0]! && next.value[0].var === capture) return next.name;
  return isTemporary(capture) ? undefined : capture;
}

function trimNewlines(text: string): string {
  return text.replace(/\n+$/, '');
}

function firstLine(text: string): string {
  const line = text.split('\n')[0]!;
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}
