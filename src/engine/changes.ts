/**
 * Which steps may change something outside the engine's SDK calls (a `helm install`, a `curl -X
 * POST`, a script): the run asks once before the first of them, as it does before the first mutating
 * SDK call. Static: commands the runbook writes, including inside functions it calls.
 */
import type { Flow } from '../plan/flow.js';
import type { SimpleCommand, Statement } from '../shell/types.js';
import { literalOf, visitCommands } from '../shell/walk.js';

/** Text tools and shell builtins that only read, print or change the shell itself. */
export const readOnlyCommands = new Set([
  'echo', 'printf', 'cat', 'cut', 'jq', 'yq', 'grep', 'egrep', 'sed', 'awk', 'tr', 'head', 'tail', 'sort', 'uniq', 'wc',
  'base64', 'date', 'true', 'false', 'sleep', 'test', '[', '[[', 'basename', 'dirname', 'tee', 'xargs', 'envsubst', 'column',
  'cd', 'pushd', 'popd', 'pwd', 'export', 'unset', 'set', 'shopt', 'read', 'local', 'declare', 'typeset', 'readonly',
  'alias', 'unalias', 'type', 'command', 'which', 'hash', 'return', 'exit', 'shift', 'wait', 'trap', 'let', ':', 'mapfile',
  'readarray', 'getopts', 'ls', 'find', 'stat', 'file', 'diff', 'cmp', 'env', 'printenv', 'id', 'whoami', 'uname', 'hostname',
  'seq', 'yes', 'openssl', 'sha256sum', 'md5sum', 'xxd', 'od', 'less', 'more', 'mkdir', 'touch', 'mktemp',
]);

/** Per step: the first command that may change something (its text), or undefined. */
export function changingCommands(flow: Flow, tools: ReadonlySet<string>): Array<string | undefined> {
  const functions = new Map<string, Statement[]>();
  const collect = (statements: Statement[]) => {
    for (const st of statements) {
      if (st.kind !== 'other') continue;
      if (st.construct === 'function' && st.name) functions.set(st.name, st.body);
      collect(st.body);
    }
  };
  for (const sf of flow.steps) collect(sf.step.script.statements);

  const first = (statements: Statement[], seen: Set<string>): string | undefined => {
    let found: string | undefined;
    visitCommands(statements, (command: SimpleCommand, place) => {
      if (found || place.context === 'function') return;
      const name = command.args[0] && literalOf(command.args[0]);
      if (name === undefined) {
        // `$CMD args`: unknown, so it may change things.
        if (command.args.length) found = command.raw;
        return;
      }
      if (!name || tools.has(name) || readOnlyCommands.has(name)) return;
      if (functions.has(name)) {
        if (!seen.has(name)) found = first(functions.get(name)!, new Set([...seen, name]));
        return;
      }
      found = command.raw;
    });
    return found;
  };
  return flow.steps.map((sf) => (sf.step.write ? undefined : first(sf.step.script.statements, new Set())));
}
