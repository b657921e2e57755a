/**
 * Python 3.11's `fnmatch.fnmatch` on POSIX (case-sensitive), which the s3 commands' `--exclude` and
 * `--include` filters use: `*` matches anything (`/` too), `?` one character, `[seq]` / `[!seq]` a
 * set; the pattern must match the whole path. Ported from `fnmatch.translate`.
 */

const cache = new Map<string, RegExp>();

export function fnmatch(name: string, pattern: string): boolean {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${translate(pattern)})$`, 'su');
    if (cache.size > 256) cache.clear();
    cache.set(pattern, re);
  }
  return re.test(name);
}

/** A character for a JS `u` regular expression, outside a set. */
const escape = (c: string) => (/[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c);
/** A character inside a JS `u` set. */
const escapeInSet = (c: string) => (/[\\\]\[^-]/.test(c) ? `\\${c}` : c);

export function translate(pattern: string): string {
  const pat = [...pattern];
  const n = pat.length;
  const out: string[] = [];
  let i = 0;
  while (i < n) {
    const c = pat[i++]!;
    if (c === '*') {
      if (out[out.length - 1] !== '.*') out.push('.*');
    } else if (c === '?') {
      out.push('.');
    } else if (c === '[') {
      let j = i;
      if (j < n && pat[j] === '!') j++;
      if (j < n && pat[j] === ']') j++;
      while (j < n && pat[j] !== ']') j++;
      if (j >= n) {
        out.push('\\[');
        continue;
      }
      const negated = pat[i] === '!';
      const items = setItems(pat, i, j);
      i = j + 1;
      if (!items.length) out.push(negated ? '.' : '(?!)');
      else out.push(`[${negated ? '^' : ''}${items.join('')}]`);
    } else {
      out.push(escape(c));
    }
  }
  return out.join('');
}

/**
 * The members of the set `pat[i..j)` (after `[`, before `]`), as fnmatch.translate chunks it on
 * hyphens (a leading `-` and a trailing one are literal, ranges whose start is after their end are
 * dropped), then read as the regular expression reads the joined chunks: an atom, a range operator, an atom.
 */
function setItems(pat: string[], i: number, j: number): string[] {
  const negated = pat[i] === '!';
  if (negated) i++;
  const chunks: string[][] = [];
  let k = i + 1;
  for (;;) {
    while (k < j && pat[k] !== '-') k++;
    if (k >= j) break;
    chunks.push(pat.slice(i, k));
    i = k + 1;
    k += 3;
  }
  const last = pat.slice(i, j);
  if (last.length) chunks.push(last);
  else if (chunks.length) chunks[chunks.length - 1]!.push('-');
  for (let c = chunks.length - 1; c > 0; c--) {
    const prev = chunks[c - 1]!;
    const next = chunks[c]!;
    if (prev.length && next.length && prev[prev.length - 1]!.codePointAt(0)! > next[0]!.codePointAt(0)!) {
      chunks[c - 1] = [...prev.slice(0, -1), ...next.slice(1)];
      chunks.splice(c, 1);
    }
  }
  // Tokens: characters, and RANGE between chunks.
  const RANGE = Symbol('range');
  const tokens: Array<string | typeof RANGE> = [];
  chunks.forEach((chunk, n) => {
    if (n > 0) tokens.push(RANGE);
    for (const ch of chunk) tokens.push(ch);
  });
  const items: string[] = [];
  for (let t = 0; t < tokens.length; t++) {
    const a = tokens[t]!;
    const atom = a === RANGE ? '-' : a;
    if (tokens[t + 1] === RANGE && typeof tokens[t + 2] === 'string') {
      items.push(`${escapeInSet(atom)}-${escapeInSet(tokens[t + 2] as string)}`);
      t += 2;
    } else items.push(escapeInSet(atom));
  }
  return items;
}
