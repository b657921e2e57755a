/**
 * The session's state as the driver dumps it after each step (NUL-separated records, see
 * driver.bash), what changed between two dumps, and the bash that puts a saved state back into a
 * new session. Pure.
 */
import { shellQuote } from './quote.js';

export interface ShellVariable {
  value: string;
  /** Bash's attribute letters (`${X@a}`): `x` exported, `a`/`A` arrays, `i` integer… */
  attrs: string;
  /** Arrays: index or key, value. `value` is then the values joined by spaces. */
  entries?: Array<[string, string]>;
}

export interface Snapshot {
  cwd: string;
  /** `pushd`'s stack, top first (the first entry is the working directory). */
  dirs: string[];
  variables: Map<string, ShellVariable>;
  /** Function name -> its definition as `declare -f` prints it. */
  functions: Map<string, string>;
  /** `alias -p` lines. */
  aliases: string[];
  /** `set -o …`/`shopt -s …` lines (all of them; compare with the session's first dump for changes). */
  options: string[];
}

export function parseSnapshot(data: Buffer): Snapshot {
  const f = data.toString('utf8').split('\0');
  const snapshot: Snapshot = { cwd: '', dirs: [], variables: new Map(), functions: new Map(), aliases: [], options: [] };
  let i = 0;
  const next = () => f[i++] ?? '';
  while (i < f.length) {
    const kind = next();
    switch (kind) {
      case 'cwd':
        snapshot.cwd = next();
        break;
      case 'dirs': {
        const n = Number(next());
        for (let k = 0; k < n; k++) snapshot.dirs.push(next());
        break;
      }
      case 'v': {
        const name = next();
        const attrs = next();
        snapshot.variables.set(name, { attrs, value: next() });
        break;
      }
      case 'a': {
        const name = next();
        const attrs = next();
        const n = Number(next());
        const entries: Array<[string, string]> = [];
        for (let k = 0; k < n; k++) entries.push([next(), next()]);
        snapshot.variables.set(name, { attrs, entries, value: entries.map((e) => e[1]).join(' ') });
        break;
      }
      case 'f': {
        const name = next();
        snapshot.functions.set(name, next());
        break;
      }
      case 'alias':
        snapshot.aliases = lines(next());
        break;
      case 'options':
        snapshot.options = lines(next());
        break;
      default:
        break;
    }
  }
  return snapshot;
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim());

export interface SnapshotChanges {
  /** Set or changed since the previous dump. */
  variables: string[];
  unset: string[];
  functions: string[];
  removedFunctions: string[];
  cwd?: string;
}

export function changesBetween(before: Snapshot, after: Snapshot): SnapshotChanges {
  const variables = [...after.variables].filter(([name, v]) => !sameVariable(before.variables.get(name), v)).map(([name]) => name);
  const unset = [...before.variables.keys()].filter((name) => !after.variables.has(name));
  const functions = [...after.functions].filter(([name, text]) => before.functions.get(name) !== text).map(([name]) => name);
  const removedFunctions = [...before.functions.keys()].filter((name) => !after.functions.has(name));
  return { variables, unset, functions, removedFunctions, ...(after.cwd !== before.cwd ? { cwd: after.cwd } : {}) };
}

function sameVariable(a: ShellVariable | undefined, b: ShellVariable): boolean {
  if (!a || a.value !== b.value || a.attrs !== b.attrs) return false;
  return JSON.stringify(a.entries ?? null) === JSON.stringify(b.entries ?? null);
}

/** What a restore puts back. */
export interface SavedSession {
  variables: Array<{ name: string } & ShellVariable>;
  functions: string[];
  aliases: string[];
  /** Option lines that differ from a fresh session's. */
  options: string[];
  cwd?: string;
  dirs?: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Bash that rebuilds a saved state in a fresh session. Every value is quoted: nothing in it is run. */
export function restoreScript(saved: SavedSession): string {
  const out = ['set +o errexit'];
  for (const v of saved.variables) {
    if (!NAME.test(v.name)) continue;
    // Never readonly again (a re-run of the step that made it must be able to set it), never a nameref.
    const attrs = v.attrs.replace(/[rn]/g, '');
    const flags = attrs ? `-${attrs}` : '--';
    if (v.entries) {
      const items = v.entries.map(([k, val]) => `[${/^\d+$/.test(k) && !attrs.includes('A') ? k : shellQuote(k)}]=${shellQuote(val)}`);
      out.push(`declare ${flags} ${v.name}=(${items.join(' ')}) 2>/dev/null`);
    } else {
      out.push(`declare ${flags} ${v.name}=${shellQuote(v.value)} 2>/dev/null`);
    }
  }
  for (const text of saved.functions) out.push(text);
  out.push(...saved.aliases);
  const dirs = saved.dirs && saved.dirs.length > 1 ? saved.dirs : saved.cwd ? [saved.cwd] : [];
  if (dirs.length) {
    out.push(`builtin cd -- ${shellQuote(dirs[dirs.length - 1]!)} 2>/dev/null`);
    for (let k = dirs.length - 2; k >= 0; k--) out.push(`builtin pushd ${shellQuote(dirs[k]!)} >/dev/null 2>&1`);
  }
  out.push('set -o errexit', ...saved.options);
  return `${out.join('\n')}\n`;
}
