/**
 * Printed output that a guide puts in a shell fence: "You should see something like this:" above a
 * ```sh fence of `NAME  READY` rows, or "Sample output" above a `$ kubectl get svc` transcript. Such a
 * fence is no step: running `ns-695.awsdns-22.net.` fails, and a command shown with what it printed
 * has run already, in the fence before.
 */
import type { Paragraph } from 'mdast';
import { toString } from 'mdast-util-to-string';

/** A paragraph that is nothing but a caption: Output:  Outputs:  Example output:  Sample output */
const caption = /^(?:(?:example|sample|expected)\s+)?outputs?\s*:?$/i;

/** Sentences that announce output; a fence after one is output only when its lines are no commands. */
const announcements: RegExp[] = [
  // You should see something like this:  This should yield something similar:  It will print something like:
  /\b(?:should|will|would|might)\s+(?:now\s+)?(?:see|get|show|yield|print|return|output|display|look)\b[^.]*?\b(?:like|similar)\b/i,
  // The output is similar to:  The output looks like this:  The output should be:
  /\b(?:the\s+)?output\s+(?:is|looks|will\s+be|should\s+be|resembles)\b/i,
  // … which prints:  … which returns:
  /\bwhich\s+(?:prints|returns|outputs|shows)\s*:?$/i,
];

/** What the paragraph before a fence says of its output: a bare caption, an announcement, or nothing. */
export function outputLead(lead: Paragraph): 'caption' | 'announcement' | undefined {
  const text = toString(lead, { includeHtml: false }).replace(/\s+/g, ' ').trim();
  if (caption.test(text)) return 'caption';
  return announcements.some((phrase) => phrase.test(text)) ? 'announcement' : undefined;
}
