/**
 * Fence meta: `zsh showLineNumbers=false frame=none { name=create-key timeout=30s }`.
 * Expressive Code reads plain `key=value` pairs and `{1,3-4}` line markers; Runme's attribute forms
 * (`{ name=x }`, `{"name":"x"}`) carry the engine's options. The engine keeps its own and hands the
 * rest, untouched, to the site.
 */

export interface StepAttributes {
  /** Step id, referenced by `--from`, `--only` and the site. */
  name?: string;
  /** Never run this step (documentation only). */
  skip?: boolean;
  /** Ask before running it, even with `--yes`... on a TTY. */
  confirm?: boolean;
  /** Per-step timeout in milliseconds. */
  timeout?: number;
  /** Extra attempts for retryable faults. */
  retries?: number;
  /** Run only when a variable has a value: `when=SEAL_TYPE=awskms`, `when=SEAL_TYPE!=awskms`, `when=ENABLE_X`. */
  when?: Condition;
  /** Runme: start the step in the background of the session and go on (a port-forward, a watch). */
  background?: boolean;
  /** Runme: the directory the step runs in, relative to the runbook's folder. */
  cwd?: string;
  /** Runme: tags (`tag=a,b`) that `exec --tag` selects steps by. */
  tags?: string[];
  /** Runme: the interpreter named for the fence (`bash`, `zsh`, `sh`…). */
  interpreter?: string;
  /** Runme `ignore` / `excludeFromRunAll`: documentation, not run by a whole-runbook run. */
  ignore?: boolean;
}

export interface Condition {
  name: string;
  /** `=` and `!=` compare with `value`; `set` is true when the variable is non-empty and not `false`. */
  op: '=' | '!=' | 'set';
  value?: string;
  text: string;
}

export function parseCondition(text: string): Condition | Error {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(!?=)(.*))?$/.exec(text.trim().replace(/^\$/, ''));
  if (!m) return new Error('expected NAME=value, NAME!=value or NAME');
  return m[2] ? { name: m[1]!, op: m[2] as '=' | '!=', value: m[3]!, text } : { name: m[1]!, op: 'set', text };
}

export function conditionHolds(c: Condition, value: string | undefined): boolean {
  if (c.op === 'set') return !!value && value !== 'false';
  return c.op === '=' ? value === c.value : value !== c.value;
}

export interface ParsedMeta {
  attributes: StepAttributes;
  /** The meta with engine attributes removed: what Expressive Code should see. */
  display: string;
  problems: Array<{ message: string; note?: string }>;
}

type Attribute = { key: string; value: string | true };

/** Each engine attribute: how its text becomes a typed value. */
const attributeParsers: { [K in keyof Required<StepAttributes>]: (value: string | true) => StepAttributes[K] | Error } = {
  name: (v) => (typeof v === 'string' && /^[A-Za-z0-9][\w.-]*$/.test(v) ? v : new Error('expected a step name of letters, digits, `-`, `_` or `.`')),
  skip: (v) => boolish(v),
  confirm: (v) => boolish(v),
  timeout: (v) => (v === true ? new Error('expected a duration such as 30s or 5m') : duration(v)),
  retries: (v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : new Error('expected a whole number')),
  when: (v) => (v === true ? new Error('expected NAME=value, NAME!=value or NAME') : parseCondition(v)),
  background: (v) => boolish(v),
  cwd: (v) => (typeof v === 'string' && v.trim() ? v.trim() : new Error('expected a directory')),
  tags: (v) => (typeof v === 'string' ? v.split(',').map((t) => t.trim()).filter(Boolean) : new Error('expected tag names, comma-separated')),
  interpreter: (v) => (typeof v === 'string' && v.trim() ? v.trim() : new Error('expected an interpreter such as bash')),
  ignore: (v) => boolish(v),
};

/** Runme's own attribute names, accepted for compatibility and ignored. */
const runmeAttributes = new Set(['interactive', 'background', 'closeTerminalOnSuccess', 'promptEnv', 'terminalRows', 'mimeType', 'cwd', 'excludeFromRunAll', 'category', 'id']);

function boolish(v: string | true): boolean | Error {
  if (v === true || v === 'true' || v === '') return true;
  if (v === 'false') return false;
  return new Error('expected true or false');
}

export function duration(text: string): number | Error {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) return new Error('expected a duration such as 30s, 5m or 1h');
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * unit);
}

/** Split `a=1 b="x y" {…}` into tokens, keeping brace groups whole. */
function tokenize(meta: string): Array<{ text: string; start: number; end: number }> {
  const tokens: Array<{ text: string; start: number; end: number }> = [];
  let i = 0;
  while (i < meta.length) {
    if (/\s/.test(meta[i]!)) {
      i++;
      continue;
    }
    const start = i;
    if (meta[i] === '{') {
      let depth = 0;
      let quote: string | undefined;
      for (; i < meta.length; i++) {
        const c = meta[i]!;
        if (quote) {
          if (c === '\\') i++;
          else if (c === quote) quote = undefined;
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '{') depth++;
        else if (c === '}' && --depth === 0) {
          i++;
          break;
        }
      }
    } else {
      let quote: string | undefined;
      for (; i < meta.length; i++) {
        const c = meta[i]!;
        if (quote) {
          if (c === '\\') i++;
          else if (c === quote) quote = undefined;
        } else if (c === '"' || c === "'") quote = c;
        else if (/\s/.test(c)) break;
      }
    }
    tokens.push({ text: meta.slice(start, i), start, end: i });
  }
  return tokens;
}

function unquote(v: string): string {
  return /^(["']).*\1$/s.test(v) ? v.slice(1, -1) : v;
}

/** `{ name=x skip }` or `{"name":"x"}` -> attributes; undefined for Expressive Code's `{1,3-4}` markers. */
function braceAttributes(group: string): Attribute[] | undefined | Error {
  const inner = group.slice(1, -1).trim();
  if (inner === '' || /^[\d\s,-]+$/.test(inner)) return undefined;
  if (inner.startsWith('"')) {
    try {
      const obj = JSON.parse(group) as Record<string, unknown>;
      return Object.entries(obj).map(([key, value]) => ({ key, value: value === true ? true : String(value) }));
    } catch {
      return new Error(`cannot read the fence attributes ${group} as JSON`);
    }
  }
  return tokenize(inner).map(({ text }) => {
    const eq = text.indexOf('=');
    return eq < 0 ? { key: text, value: true as const } : { key: text.slice(0, eq), value: unquote(text.slice(eq + 1)) };
  });
}

export function parseMeta(meta: string | null | undefined): ParsedMeta {
  const attributes: StepAttributes = {};
  const problems: ParsedMeta['problems'] = [];
  const kept: string[] = [];
  for (const token of tokenize(meta ?? '')) {
    const attrs = token.text.startsWith('{') && token.text.endsWith('}') ? braceAttributes(token.text) : undefined;
    if (attrs instanceof Error) {
      problems.push({ message: attrs.message });
      continue;
    }
    if (!attrs) {
      kept.push(token.text);
      continue;
    }
    for (const { key, value } of attrs) {
      if (key in attributeParsers) {
        const parsed = attributeParsers[key as keyof StepAttributes](value);
        if (parsed instanceof Error) problems.push({ message: `Unexpected value for fence attribute \`${key}\`: ${parsed.message}` });
        else (attributes as Record<string, unknown>)[key] = parsed;
      } else if (!runmeAttributes.has(key)) {
        problems.push({
          message: `Unknown fence attribute \`${key}\`, expected one of ${Object.keys(attributeParsers).join(', ')}`,
        });
      }
    }
  }
  return { attributes, display: kept.join(' '), problems };
}
