/**
 * `<!-- runbook-ignore undefined-variable aws-unknown-flag -->`: check rules silenced for one step. The
 * comment sits just before the fence (blank lines between are fine, and so are other comments such as
 * `<!-- prettier-ignore -->`). At the top of the document, before anything but frontmatter and other
 * comments, and not just before a fence, it applies to every step: one place for a guide pasted whole.
 * A comment just before the first fence stays that fence's, as it would be anywhere else.
 */
import type { Html, Node, Root } from 'mdast';

const ignoreComment = /^<!--\s*runbook-ignore(?:\s+([\s\S]*?))?\s*-->$/;
const ruleId = /^[a-z][a-z0-9-]*$/;

export function isComment(node: Node | undefined): node is Html {
  return node?.type === 'html' && /^<!--[\s\S]*-->$/.test((node as Html).value.trim());
}

/** The rule ids of a `runbook-ignore` comment (undefined for any other node), and what is no rule id. */
export function ignoreDirective(node: Node): { rules: string[]; invalid: string[] } | undefined {
  if (node.type !== 'html') return undefined;
  const m = ignoreComment.exec((node as Html).value.trim());
  if (!m) return undefined;
  const words = (m[1] ?? '').split(/[\s,]+/).filter(Boolean);
  return { rules: words.filter((w) => ruleId.test(w)), invalid: words.filter((w) => !ruleId.test(w)) };
}

/** The comments that open the document and apply to every step (see above). */
export function documentDirectives(tree: Root): Html[] {
  const nodes = tree.children.filter((n) => n.type !== 'yaml');
  let end = 0;
  while (end < nodes.length && isComment(nodes[end])) end++;
  if (nodes[end]?.type === 'code') return [];
  return nodes.slice(0, end).filter((n): n is Html => !!ignoreDirective(n));
}
