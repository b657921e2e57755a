/** `--query`: JMESPath (the reference implementation's JS port) over the CLI-shaped result. */
import { createRequire } from 'node:module';

interface JmesPath {
  search(data: unknown, expression: string): unknown;
  compile(expression: string): unknown;
}

// Loaded on the first --query, so importing this module stays cheap.
const require = createRequire(import.meta.url);
let loaded: JmesPath | undefined;
const engine = () => (loaded ??= require('jmespath') as JmesPath);

/** Throws with jmespath's message when the expression does not parse. */
export function checkQuery(expression: string): void {
  engine().compile(expression);
}

export function searchQuery(data: unknown, expression: string): unknown {
  const result = engine().search(data, expression);
  // Python's jmespath yields None where the JS port may yield undefined.
  return result === undefined ? null : result;
}
