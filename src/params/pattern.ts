/**
 * Parameter `pattern`s, matched with RE2's semantics (re2js): linear time whatever the pattern and
 * the value, so `(a+)+` against a long value cannot hang a run. RE2 has no backreferences or
 * lookaround; a pattern using them is refused when the runbook is read, with RE2's message.
 */
import { createRequire } from 'node:module';

type RE2 = { matches(input: string): boolean };
const require = createRequire(import.meta.url);
let engine: { compile(pattern: string): RE2 } | undefined;
const compiled = new Map<string, RE2>();

/** The whole value must match, as `^(?:pattern)$`. Throws RE2's parse error for a pattern it cannot run. */
export function fullMatcher(pattern: string): RE2 {
  let re = compiled.get(pattern);
  if (!re) {
    engine ??= (require('re2js') as { RE2JS: { compile(pattern: string): RE2 } }).RE2JS;
    re = engine.compile(`^(?:${pattern})$`);
    compiled.set(pattern, re);
  }
  return re;
}
