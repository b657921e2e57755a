/** Templates -> strings, the way the shell expands words (minus globbing). */
import { RunbookError } from '../diagnostics.js';
import type { Template } from './actions.js';

/** Looks a variable up; undefined when unset. */
export type Lookup = (name: string) => string | undefined;

/** Expand a template to one string (a quoted context: no field splitting). */
export function bindString(t: Template, lookup: Lookup): string {
  return t.map((p) => ('text' in p ? p.text : expandVar(p, lookup))).join('');
}

/** Expand a word to its fields: unquoted expansions split on whitespace; an empty unquoted word vanishes. */
export function bindFields(t: Template, lookup: Lookup, options: { keepWhole?: (value: string) => boolean } = {}): string[] {
  const fields: string[] = [];
  let current = '';
  let hasQuotedOrText = false;
  for (const p of t) {
    if ('text' in p) {
      current += p.text;
      hasQuotedOrText = true;
      continue;
    }
    const value = expandVar(p, lookup);
    if (!p.split || options.keepWhole?.(value)) {
      current += value;
      hasQuotedOrText = true;
      continue;
    }
    const pieces = value.split(/[ \t\n]+/);
    pieces.forEach((piece, i) => {
      if (i > 0) {
        if (current !== '' || hasQuotedOrText) fields.push(current);
        current = '';
        hasQuotedOrText = false;
      }
      current += piece;
    });
  }
  if (current !== '' || hasQuotedOrText) fields.push(current);
  return fields;
}

function expandVar(p: Extract<Template[number], { var: string }>, lookup: Lookup): string {
  const value = lookup(p.var);
  switch (p.op) {
    case ':-':
      return value ? value : bindString(p.fallback ?? [], lookup);
    case '-':
      return value !== undefined ? value : bindString(p.fallback ?? [], lookup);
    case ':+':
      return value ? bindString(p.fallback ?? [], lookup) : '';
    case '+':
      return value !== undefined ? bindString(p.fallback ?? [], lookup) : '';
    case ':?':
    case '?':
      if (p.op === ':?' ? !value : value === undefined) {
        throw new RunbookError(`${p.var}: ${bindString(p.fallback ?? [], lookup) || 'parameter null or not set'}`);
      }
      return value ?? '';
    default:
      return value ?? '';
  }
}

/** Variables a template reads, in order. */
export function varsOf(t: Template): string[] {
  return t.flatMap((p) => ('var' in p ? [p.var, ...(p.fallback ? varsOf(p.fallback) : [])] : []));
}
