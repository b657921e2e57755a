/**
 * Fence meta: `zsh showLineNumbers=false frame=none { name=create-key timeout=30s }`.
 * Expressive Code reads plain `key=value` pairs and `{1,3-4}` line markers; Runme's attribute forms
 * (`{ name=x }`, `{"name":"x"}`, whose values Runme writes as strings: `{"excludeFromRunAll":"true"}`)
 * carry the engine's options. The engine keeps its own and hands the rest, untouched, to the site.
 */
import type { Severity } from '../diagnostics.js';

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
  /**
   * A file name the meta gives: Expressive Code's and Docusaurus' `title="values.yaml"`, Hugo's
   * `{filename="values.yaml"}`. Not `file=`, with which remark-code-import and docs builds fill the fence.
   */
  fileName?: string;
  problems: Array<{ message: string; note?: string; severity: Severity }>;
}

type Value = string | true;
type Attribute = { key: string; value: Value };

interface AttributeSpec<K extends keyof StepAttributes> {
  /** The step attribute it sets. */
  sets: K;
  /** The typed value; undefined when the attribute is accepted but has no effect here. */
  parse: (value: Value) => NonNullable<StepAttributes[K]> | Error | undefined;
  /** How it meets a value another attribute already set. */
  combine?: (earlier: NonNullable<StepAttributes[K]>, later: NonNullable<StepAttributes[K]>) => NonNullable<StepAttributes[K]>;
}

/** One spec per step attribute, whichever it sets. */
type AnyAttributeSpec = { [K in keyof StepAttributes]: AttributeSpec<K> }[keyof StepAttributes];

const spec = <K extends keyof StepAttributes>(sets: K, parse: AttributeSpec<K>['parse'], combine?: AttributeSpec<K>['combine']): AttributeSpec<K> =>
  combine ? { sets, parse, combine } : { sets, parse };

/** Shells a step can run in: every step is parsed as bash, so others (fish, python3) are not honoured. */
const shells = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash']);

/** Each attribute the engine honours, under the names guides write it (ours and Runme's). */
const engineAttributes: Record<string, AnyAttributeSpec> = {
  name: spec('name', (v) => (typeof v === 'string' && /^[A-Za-z0-9][\w.:-]*$/.test(v) ? v : new Error('expected a step name of letters, digits, `-`, `_`, `.` or `:`'))),
  skip: spec('skip', (v) => boolish(v)),
  confirm: spec('confirm', (v) => boolish(v)),
  timeout: spec('timeout', (v) => (v === true ? new Error('expected a duration such as 30s or 5m') : duration(v))),
  retries: spec('retries', (v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : new Error('expected a whole number'))),
  when: spec('when', (v) => (v === true ? new Error('expected NAME=value, NAME!=value or NAME') : parseCondition(v))),
  background: spec('background', (v) => boolish(v)),
  cwd: spec('cwd', (v) => (typeof v === 'string' && v.trim() ? v.trim() : new Error('expected a directory'))),
  tag: spec('tags', tagList),
  tags: spec('tags', tagList),
  // Runme names a program, perhaps by path or through env: `bash`, `/bin/zsh`, `/usr/bin/env bash`.
  interpreter: spec('interpreter', (v) => {
    if (typeof v !== 'string' || !v.trim()) return new Error('expected an interpreter such as bash');
    const words = v.trim().split(/\s+/);
    const program = (words[0]!.endsWith('/env') || words[0] === 'env' ? words[1] : words[0])?.split('/').pop();
    return program && shells.has(program) ? v.trim() : undefined;
  }),
  ignore: spec('ignore', (v) => boolish(v), (a, b) => a || b),
  excludeFromRunAll: spec('ignore', (v) => boolish(v), (a, b) => a || b),
};

/** Runme's attributes for its notebook UI: accepted, with no effect on a run. */
const runmeAttributes = new Set(['interactive', 'closeTerminalOnSuccess', 'promptEnv', 'terminalRows', 'mimeType', 'category', 'id']);

/** Display attributes other tools put in braces (Hugo's `{filename="x.yaml"}`): the site's, and a file name. */
const fileNameAttributes = new Set(['title', 'filename']);

function tagList(v: Value): string[] | Error {
  if (typeof v !== 'string') return new Error('expected tag names, comma-separated');
  return v.split(',').map((t) => t.trim()).filter(Boolean);
}

function boolish(v: Value): boolean | Error {
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
  const ignored: string[] = [];
  let fileName: string | undefined;
  for (const token of tokenize(meta ?? '')) {
    const attrs = token.text.startsWith('{') && token.text.endsWith('}') ? braceAttributes(token.text) : undefined;
    if (attrs instanceof Error) {
      problems.push({ message: attrs.message, severity: 'error' });
      continue;
    }
    if (!attrs) {
      kept.push(token.text);
      const m = /^(\w+)=(.+)$/s.exec(token.text);
      if (m && fileNameAttributes.has(m[1]!)) fileName ??= unquote(m[2]!);
      continue;
    }
    for (const { key, value } of attrs) {
      const known = engineAttributes[key];
      if (known) {
        const parsed = known.parse(value);
        if (parsed instanceof Error) problems.push({ message: `Unexpected value for fence attribute \`${key}\`: ${parsed.message}`, severity: 'error' });
        else if (parsed === undefined) ignored.push(`\`${key}=${value}\``);
        else {
          const earlier = attributes[known.sets];
          (attributes as Record<string, unknown>)[known.sets] = earlier !== undefined && known.combine ? known.combine(earlier as never, parsed as never) : parsed;
        }
      } else if (runmeAttributes.has(key)) {
        ignored.push(`\`${key}\``);
      } else if (fileNameAttributes.has(key)) {
        if (typeof value === 'string') fileName ??= value;
      } else {
        problems.push(unknownAttribute(key));
      }
    }
  }
  if (ignored.length) {
    problems.push({
      severity: 'info',
      message: `Accepted and ignored: ${ignored.join(', ')} (Runme's, with no effect on a run)`,
      note: 'runbook honours name, background, cwd, tag, ignore, excludeFromRunAll and an interpreter that is a shell; every step runs as shell',
    });
  }
  return { attributes, display: kept.join(' '), ...(fileName ? { fileName } : {}), problems };
}

/**
 * An attribute nobody reads. Within a small edit of one we know it is a typo, and the step would run
 * without what its author asked for: an error. Otherwise it is likely another tool's (Hugo's
 * `hl_lines`, MkDocs' `.copy`), which the site may still use: a warning.
 */
function unknownAttribute(key: string): ParsedMeta['problems'][number] {
  const known = [...Object.keys(engineAttributes), ...runmeAttributes];
  const near = known.find((k) => k.toLowerCase() === key.toLowerCase()) ?? known.find((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= Math.max(1, Math.floor(Math.max(k.length, key.length) / 3)));
  if (near) return { severity: 'error', message: `Unknown fence attribute \`${key}\`, expected \`${near}\``, note: `write \`${near}\`` };
  return {
    severity: 'warning',
    message: `Unknown fence attribute \`${key}\`, ignored`,
    note: `runbook reads ${Object.keys(engineAttributes).join(', ')}, and accepts Runme's ${[...runmeAttributes].join(', ')}`,
  };
}

/** Edit distance counting a swap of neighbours as one edit (`nmae`), for telling a typo from another tool's attribute. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i ? (j ? 0 : i) : j)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
