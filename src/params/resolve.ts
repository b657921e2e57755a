/**
 * Parameter values: `--param NAME=VALUE` over `--params file.yaml` over the environment over
 * the last run's values over declared defaults; then a prompt on a TTY (masked for secrets).
 * Without a TTY every missing value is reported at once.
 */
import { readFile } from 'node:fs/promises';
import { RunbookError } from '../diagnostics.js';
import { validateParam, type Param } from './types.js';

export interface ParamSources {
  flags?: string[];
  file?: string;
  env?: Record<string, string | undefined>;
  /** Values a previous run of the same runbook used (from state). */
  saved?: Record<string, string>;
  /** Outputs other runbooks left in the same state directory. */
  siblings?: Array<{ runbook: string; values: Record<string, string> }>;
}

export type ValueSource = 'flag' | 'file' | 'env' | 'state' | 'runbook' | 'default' | 'prompt';

export interface Resolved {
  values: Record<string, string>;
  sources: Record<string, ValueSource>;
  missing: Param[];
  invalid: Array<{ param: Param; value: string; problem: string; source: ValueSource }>;
}

export function parseParamFlags(flags: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new RunbookError(`invalid --param '${flag}', expected NAME=VALUE`, { exitCode: 2 });
    out[flag.slice(0, eq)] = flag.slice(eq + 1);
  }
  return out;
}

export async function readParamsFile(path: string): Promise<Record<string, string>> {
  let data: unknown;
  try {
    const { parse } = await import('yaml');
    data = parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new RunbookError(`cannot read --params ${path}: ${(error as Error).message.split('\n')[0]}`, { exitCode: 2, cause: error });
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new RunbookError(`${path}: expected a YAML mapping of NAME: value`, { exitCode: 2 });
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, String(v)]));
}

export async function resolveParams(params: Param[], sources: ParamSources): Promise<Resolved> {
  const flags = parseParamFlags(sources.flags ?? []);
  const file = sources.file ? await readParamsFile(sources.file) : {};
  const env = sources.env ?? {};
  const saved = sources.saved ?? {};
  const known = new Set(params.map((p) => p.name));
  for (const name of Object.keys(flags)) {
    if (!known.has(name)) {
      const { closest } = await import('../check/suggest.js');
      const guess = closest(name, known);
      throw new RunbookError(`unknown parameter '${name}' in --param${guess ? `; did you mean '${guess}'?` : ''}`, {
        exitCode: 2, hint: `this runbook's parameters: ${[...known].join(', ') || '(none)'}`,
      });
    }
  }
  const resolved: Resolved = { values: {}, sources: {}, missing: [], invalid: [] };
  for (const param of params) {
    const candidates: Array<[ValueSource, string | undefined]> = [
      ['flag', flags[param.name]], ['file', file[param.name]], ['env', env[param.name]],
      ['state', saved[param.name]], ['runbook', fromSiblings(param, sources.siblings ?? [])],
      ['default', param.default === undefined ? undefined : String(param.default)],
    ];
    const found = candidates.find(([, v]) => v !== undefined && v !== '');
    if (!found) {
      if (param.required) resolved.missing.push(param);
      continue;
    }
    const [source, value] = found as [ValueSource, string];
    const problem = validateParam(param, value);
    if (problem) resolved.invalid.push({ param, value, problem, source });
    else {
      resolved.values[param.name] = value;
      resolved.sources[param.name] = source;
    }
  }
  return resolved;
}

/** An output of another runbook with the parameter's name (`from:` names which one). */
function fromSiblings(param: Param, siblings: NonNullable<ParamSources['siblings']>): string | undefined {
  const candidates = siblings.filter((s) => (!param.from || s.runbook === param.from) && s.values[param.name] !== undefined);
  return candidates.length === 1 || param.from ? candidates[0]?.values[param.name] : undefined;
}

/** Ask for each missing value on the terminal; secrets are not echoed. */
export async function promptForParams(missing: Param[], resolved: Resolved): Promise<void> {
  const { createInterface } = await import('node:readline/promises');
  for (const param of missing) {
    for (;;) {
      const label = `${param.name}${param.description ? ` (${param.description})` : ''} [${param.type}]: `;
      const value = param.secret ? await readSecret(label) : await (async () => {
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        try {
          return (await rl.question(label)).trim();
        } finally {
          rl.close();
        }
      })();
      const problem = value ? validateParam(param, value) : 'a value is required';
      if (!problem) {
        resolved.values[param.name] = value;
        resolved.sources[param.name] = 'prompt';
        break;
      }
      process.stderr.write(`  ${problem}\n`);
    }
  }
  resolved.missing = [];
}

/**
 * A masked prompt. Read with a listener, not `for await`: ending an async iteration destroys stdin,
 * and the next reader (the confirmation) would fail. Raw mode is undone on every path.
 */
async function readSecret(label: string): Promise<string> {
  const stdin = process.stdin;
  // Raw (no echo) before the prompt shows: what is typed or pasted the moment it appears is not echoed.
  stdin.setRawMode?.(true);
  process.stderr.write(label);
  stdin.setEncoding('utf8');
  let value = '';
  try {
    return await new Promise<string>((resolve, reject) => {
      const done = (error?: Error) => {
        stdin.off('data', onData);
        stdin.off('end', onEnd);
        if (error) reject(error);
        else resolve(value);
      };
      const onEnd = () => done();
      const onData = (chunk: string) => {
        for (const ch of chunk) {
          if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
          if (ch === '\u0003') return done(new RunbookError('cancelled', { exitCode: 130 }));
          if (ch === '\u007f' || ch === '\b') {
            if (value) {
              value = value.slice(0, -1);
              process.stderr.write('\b \b');
            }
          } else {
            value += ch;
            process.stderr.write('*');
          }
        }
      };
      stdin.on('data', onData);
      stdin.once('end', onEnd);
      stdin.resume();
    });
  } finally {
    stdin.setRawMode?.(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}

/** One message that lists every missing and invalid value, for non-interactive runs. */
export function describeProblems(file: string, resolved: Resolved): string | undefined {
  const lines: string[] = [];
  for (const p of resolved.missing) {
    lines.push(`  ${p.name}${p.position ? ` (${file}:${p.position.line}:${p.position.column})` : ''}: missing ${p.type}${p.description ? ` — ${p.description}` : ''}`);
  }
  for (const { param, value, problem, source } of resolved.invalid) {
    lines.push(`  ${param.name}: ${problem}, got ${param.secret ? '<secret>' : JSON.stringify(value)} (from ${source})`);
  }
  return lines.length ? lines.join('\n') : undefined;
}
