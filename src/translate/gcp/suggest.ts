/**
 * gcloud's did-you-mean for flags (calliope usage_text.TextChoiceSuggester): Python's
 * `difflib.get_close_matches(word, choices, n=1, cutoff=0.6)`, so the suggestion is the one gcloud prints.
 */

/** difflib.SequenceMatcher(None, a, b).ratio(): 2·M/T over the matching blocks (no junk: words are short). */
export function ratio(a: string, b: string): number {
  const b2j = new Map<string, number[]>();
  [...b].forEach((c, j) => b2j.set(c, [...(b2j.get(c) ?? []), j]));
  const longest = (alo: number, ahi: number, blo: number, bhi: number): [number, number, number] => {
    let best: [number, number, number] = [alo, blo, 0];
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const next = new Map<number, number>();
      for (const j of b2j.get(a[i]!) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        next.set(j, k);
        if (k > best[2]) best = [i - k + 1, j - k + 1, k];
      }
      j2len = next;
    }
    return best;
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

/** The closest choice scoring at least 0.6; on a tie the greater string, as heapq.nlargest on (score, choice). */
export function closeMatch(word: string, choices: Iterable<string>): string | undefined {
  let best: { score: number; choice: string } | undefined;
  for (const choice of choices) {
    const score = ratio(choice, word.toLowerCase());
    if (score < 0.6) continue;
    if (!best || score > best.score || (score === best.score && choice > best.choice)) best = { score, choice };
  }
  return best?.choice;
}
