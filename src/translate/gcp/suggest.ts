/**
 * gcloud's did-you-mean for flags (calliope usage_text.TextChoiceSuggester): Python's
 * `difflib.get_close_matches(word, choices, n=1, cutoff=0.6)`, so the suggestion is the one gcloud prints.
 */
import { ratio } from '../difflib.js';

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
