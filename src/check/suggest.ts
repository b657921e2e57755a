/** Did-you-mean: the closest candidate within a small edit distance. */
export function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

export function closest(word: string, candidates: Iterable<string>, maxRatio = 0.34): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    if (c === word) continue;
    const d = levenshtein(word.toLowerCase(), c.toLowerCase());
    if (d < bestScore && d <= Math.max(1, Math.floor(Math.max(word.length, c.length) * maxRatio))) {
      best = c;
      bestScore = d;
    }
  }
  return best;
}
