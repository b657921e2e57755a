/** Shell IR -> actions (see actions.ts). Pure. */
import type { Assignment, Redirect, SimpleCommand, Statement, Word } from '../shell/types.js';
import type { Action, CommandSpec, Template } from './actions.js';

/**
 * `placeholders`: declared parameter names that the guide writes bare (`ACCOUNT_ID`, `EKS_CLUSTER_NAME`);
 * in literal text they become references, like `$ACCOUNT_ID`.
 */
export function lowerStatements(statements: Statement[], placeholders: ReadonlySet<string> = new Set()): Action[] {
  const placeholder = placeholders.size
    ? new RegExp(`(?<![A-Za-z0-9_$])(${[...placeholders].sort((a, b) => b.length - a.length).join('|')})(?![A-Za-z0-9_])`, 'g')
    : undefined;
  const literal = (text: string, t: Template) => {
    if (!placeholder) return void t.push({ text });
    let last = 0;
    for (const m of text.matchAll(placeholder)) {
      if (m.index! > last) t.push({ text: text.slice(last, m.index) });
      t.push({ var: m[1]!, split: false });
      last = m.index! + m[0].length;
    }
    if (last < text.length || !text.length) t.push({ text: text.slice(last) });
  };
  const out: Action[] = [];
  let counter = 0;
  const temp = () => `__subst${++counter}`;

  /** Lower a word to a template; each `$(…)` inside becomes an earlier action. */
  const template = (word: Word, inQuotes = false): Template => {
    const t: Template = [];
    for (const part of word.parts) {
      switch (part.kind) {
        case 'literal':
          literal(part.value, t);
          break;
        case 'param': {
          const p: Template[number] = { var: part.name, split: !part.quoted && !inQuotes };
          if (part.op) Object.assign(p, { op: part.op, ...(part.arg ? { fallback: template(part.arg, part.quoted || inQuotes) } : {}) });
          t.push(p);
          break;
        }
        case 'command': {
          const name = temp();
          lowerInto(part.script.statements, name);
          t.push({ var: name, split: !part.quoted && !inQuotes });
          break;
        }
        case 'unsupported':
          // Arithmetic, globs: leave to the shell by passing the text through.
          t.push({ text: part.raw });
          break;
      }
    }
    return t;
  };

  const command = (cmd: SimpleCommand): CommandSpec => {
    const spec: CommandSpec = {
      argv: cmd.args.map((w) => template(w)),
      env: cmd.args.length ? cmd.assigns.map((a) => ({ name: a.name, value: a.value ? template(a.value, true) : [] })) : [],
      otherRedirects: [],
      raw: cmd.raw,
      span: cmd.span,
    };
    for (const r of cmd.redirects) redirect(r, spec);
    return spec;
  };

  const redirect = (r: Redirect, spec: CommandSpec) => {
    if (r.heredoc) {
      const body = template(r.heredoc.body, true);
      spec.stdin = { text: r.op === '<<-' ? stripTabs(body) : body };
    } else if (r.op === '<<<') {
      spec.stdin = { text: [...template(r.target, true), { text: '\n' }] };
    } else if (r.op === '<' && !r.fd) {
      spec.stdin = { file: template(r.target, true) };
    } else if ((r.op === '>' || r.op === '>>' || r.op === '>|') && (!r.fd || r.fd === '1')) {
      spec.stdout = { file: template(r.target, true), append: r.op === '>>' };
    } else {
      spec.otherRedirects.push(`${r.fd ?? ''}${r.op}${r.target.raw}`);
    }
  };

  const assign = (a: Assignment, exported: boolean): Action => ({
    kind: 'assign', name: a.name, value: a.value ? template(a.value, true) : [], exported, span: a.span,
  });

  function lowerInto(statements: Statement[], capture?: string) {
    statements.forEach((st, i) => {
      // `$(a; b)` captures both outputs: that is the shell's job.
      if (capture && statements.length > 1) {
        if (i === 0) out.push({ kind: 'shell', capture, span: st.span, raw: statements.map((s) => s.raw).join('\n') });
        return;
      }
      switch (st.kind) {
        case 'simple':
          if (!st.args.length && !capture) {
            for (const a of st.assigns) out.push(assign(a, false));
            // `> file` alone truncates the file: let the shell do it.
            if (st.redirects.length) out.push({ kind: 'shell', raw: st.raw, span: st.span });
          } else {
            out.push({ kind: 'run', pipeline: [command(st)], span: st.span, raw: st.raw, ...(capture ? { capture } : {}) });
          }
          break;
        case 'pipeline':
          out.push({ kind: 'run', pipeline: st.commands.map(command), span: st.span, raw: st.raw, ...(capture ? { capture } : {}) });
          break;
        case 'declare':
          if (capture) {
            out.push({ kind: 'shell', raw: st.raw, span: st.span, capture });
            break;
          }
          if (st.redirects.length || (st.variant !== 'export' && st.variant !== 'declare' && st.variant !== 'readonly')) {
            out.push({ kind: 'shell', raw: st.raw, span: st.span });
            break;
          }
          for (const a of st.assigns) out.push(assign(a, st.variant === 'export'));
          for (const n of st.names) if (st.variant === 'export') out.push({ kind: 'export', name: n.name, span: n.span });
          break;
        case 'other':
          out.push({ kind: 'shell', raw: st.raw, span: st.span, ...(capture ? { capture } : {}) });
          break;
      }
    });
  }

  lowerInto(statements);
  return out;
}

/** `<<-` removes leading tabs from every line of the body. */
function stripTabs(t: Template): Template {
  let atLineStart = true;
  return t.map((part) => {
    if (!('text' in part)) {
      atLineStart = false;
      return part;
    }
    const text = part.text.replace(/(^|\n)\t+/g, (m, nl: string, offset: number) => (offset === 0 && !atLineStart ? m : nl));
    atLineStart = text.endsWith('\n');
    return { text };
  });
}
