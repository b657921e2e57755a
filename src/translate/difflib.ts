/**
 * Python's `difflib.get_close_matches`: the aws CLI's "maybe you meant" list under an invalid choice,
 * and gcloud's did-you-mean (both are Python and ask difflib).
 * Ported from Lib/difflib.py (SequenceMatcher without junk: the words are far shorter than the
 * 200 characters where its autojunk heuristic starts).
 */

/** `SequenceMatcher(None, a, b).ratio()`. */
export function ratio(a: string, b: string): number {
  const b2j = new Map<string, number[]>();
  for (let j = 0; j < b.length; j++) {
    const list = b2j.get(b[j]!);
    if (list) list.push(j);
    else b2j.set(b[j]!, [j]);
  }
  const longest = (alo: number, ahi: number, blo: number, bhi: number): [number, number, number] => {
    let besti = alo;
    let bestj = blo;
    let bestsize = 0;
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const next = new Map<number, number>();
      for (const j of b2j.get(a[i]!) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        next.set(j, k);
        if (k > bestsize) [besti, bestj, bestsize] = [i - k + 1, j - k + 1, k];
      }
      j2len = next;
    }
    return [besti, bestj, bestsize];
  };
  let matches = 0;
  const queue: Array<[number, number, number, number]> = [[0, a.length, 0, b.length]];
  while (queue.length) {
    const [alo, ahi, blo, bhi] = queue.pop()!;
    const [i, j, k] = longest(alo, ahi, blo, bhi);
    if (!k) continue;
    matches += k;
    if (alo < i && blo < j) queue.push([alo, i, blo, j]);
    if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
  }
  const total = a.length + b.length;
  return total ? (2 * matches) / total : 1;
}

/** `get_close_matches(word, possibilities, n, cutoff)`: best first, ties broken by the larger string. */
export function closeMatches(word: string, possibilities: Iterable<string>, n = 3, cutoff = 0.6): string[] {
  const scored: Array<[number, string]> = [];
  for (const x of possibilities) {
    const score = ratio(x, word);
    if (score >= cutoff) scored.push([score, x]);
  }
  scored.sort((p, q) => q[0] - p[0] || (p[1] < q[1] ? 1 : p[1] > q[1] ? -1 : 0));
  return scored.slice(0, n).map(([, x]) => x);
}
