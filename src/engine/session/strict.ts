/**
 * `export X=$(aws …)` hides a failure from bash: the status is export's, always 0, so errexit never
 * fires and the step goes on with X empty (ShellCheck's SC2155). Before a step reaches the session,
 * each such declaration is rewritten as its assignments followed by the declaration, in a group:
 * `{ X=$(aws …); export X; }`. A failing substitution then fails the step where it fails; in a
 * condition (where errexit is off anyway) the group's status is still the declaration's. Lines and
 * everything else stay as written.
 */
import type { Point } from '../../diagnostics.js';
import type { Declaration, Statement } from '../../shell/types.js';

export function strictDeclarations(code: string, statements: Statement[], codeStart: Point): string {
  const edits: Array<{ start: number; end: number; text: string }> = [];
  const lineStarts = [0];
  for (let i = 0; i < code.length; i++) if (code[i] === '\n') lineStarts.push(i + 1);
  // Every line of a fence's code starts at the same column of the file (the fence's indentation).
  const offset = (p: Point) => {
    const line = lineStarts[p.line - codeStart.line];
    return line === undefined ? -1 : line + p.column - codeStart.column;
  };
  const visit = (list: Statement[]) => {
    for (const st of list) {
      if (st.kind === 'other') visit(st.body);
      if (st.kind !== 'declare') continue;
      const text = rewrite(st);
      if (text === undefined) continue;
      const start = offset(st.span.start);
      const end = offset(st.span.end);
      if (start < 0 || end <= start || code.slice(start, end) !== st.raw) continue;
      edits.push({ start, end, text });
    }
  };
  visit(statements);
  let out = code;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function rewrite(st: Declaration): string | undefined {
  if (st.redirects.length || !st.assigns.some((a) => a.value?.parts.some((p) => p.kind === 'command'))) return undefined;
  // Only the plain form: `export A=… B`, no flags, no arrays, no `+=`.
  if (!new RegExp(`^${st.variant}\\s+[A-Za-z_]`).test(st.raw) || /^\S+\s+-/.test(st.raw)) return undefined;
  if (st.assigns.some((a) => !a.value || /^\(/.test(a.value.raw)) || /\+=/.test(st.raw.split('=')[0]!)) return undefined;
  const names = [...st.assigns.map((a) => a.name), ...st.names.map((n) => n.name)];
  const assignments = st.assigns.map((a) => `${a.name}=${a.value!.raw}`);
  switch (st.variant) {
    case 'export':
    case 'readonly':
      return `{ ${assignments.join('; ')}; ${st.variant} ${names.join(' ')}; }`;
    case 'local':
    case 'declare':
    case 'typeset':
      return `{ ${st.variant} ${names.join(' ')}; ${assignments.join('; ')}; }`;
    default:
      return undefined;
  }
}
