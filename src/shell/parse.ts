/**
 * Shell snippets -> Script IR, with mvdan/sh (the parser Runme uses) compiled to JS: typed nodes
 * with positions, bash syntax, correct heredocs (`"$KEY_ARN$"` and unclosed heredocs included).
 */
import { createRequire } from 'node:module';
import type { Point, Span } from '../diagnostics.js';
import type {
  Assignment, Declaration, Pipeline, Redirect, RedirectOp, Script, SimpleCommand, Statement, VarRef, VarSet, Word, WordPart,
} from './types.js';

// mvdan-sh is a CommonJS GopherJS build without types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Node = any;
const require = createRequire(import.meta.url);
let syntax: Node;
function sh(): Node {
  syntax ??= require('mvdan-sh').syntax;
  return syntax;
}

/** Where line 1 column 1 of the snippet sits in the runbook file. */
export interface Origin {
  line: number;
  column: number;
}

// mvdan/sh token numbers (syntax/tokens.go) for the operators we model.
const redirectOps: Record<number, RedirectOp> = {
  54: '>', 55: '>>', 56: '<', 57: '<>', 58: '<&', 59: '>&', 60: '>|', 61: '<<', 62: '<<-', 63: '<<<', 64: '&>', 65: '&>>',
};
const PIPE = 12;
const PIPE_ALL = 13;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

class Converter {
  readonly bytes: Buffer;
  readonly reads: VarRef[] = [];
  readonly sets: VarSet[] = [];
  readonly comments: Script['comments'] = [];

  constructor(readonly code: string, readonly origin: Origin) {
    this.bytes = Buffer.from(code, 'utf8');
    this.ascii = this.bytes.length === code.length;
    this.lines = [0];
    for (let i = 0; i < this.bytes.length; i++) if (this.bytes[i] === 10) this.lines.push(i + 1);
  }

  /** Calls into the GopherJS build are costly: each node's offsets are read once and kept. */
  private readonly ranges = new WeakMap<object, [number, number]>();
  private readonly ascii: boolean;
  private readonly lines: number[];

  range(node: Node): [number, number] {
    let r = this.ranges.get(node);
    if (!r) {
      r = [node.Pos().Offset(), node.End().Offset()];
      this.ranges.set(node, r);
    }
    return r;
  }

  /** A byte offset in the snippet -> line and column (in characters) in the runbook file. */
  point(offset: number): Point {
    let lo = 0;
    let hi = this.lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lines[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const lineStart = this.lines[lo]!;
    const col = this.ascii ? offset - lineStart + 1 : this.bytes.subarray(lineStart, offset).toString('utf8').length + 1;
    return { line: this.origin.line + lo, column: col + this.origin.column - 1 };
  }

  span(node: Node): Span {
    const [start, end] = this.range(node);
    return { start: this.point(start), end: this.point(end) };
  }

  raw(node: Node): string {
    const [start, end] = this.range(node);
    return this.ascii ? this.code.slice(start, end) : this.bytes.subarray(start, end).toString('utf8');
  }

  script(stmts: Node[]): Statement[] {
    return stmts.map((st) => this.statement(st));
  }

  statement(st: Node): Statement {
    const cmd = st.Cmd;
    const type = cmd ? sh().NodeType(cmd) : 'None';
    const redirects = (st.Redirs ?? []).map((r: Node) => this.redirect(r));
    this.collectComments(st);
    if (!st.Negated && !st.Background && !st.Coprocess) {
      if (type === 'CallExpr' || (type === 'None' && redirects.length)) return this.simple(st, cmd, redirects);
      if (type === 'DeclClause') return this.declaration(st, cmd, redirects);
      if (type === 'BinaryCmd' && (cmd.Op === PIPE || cmd.Op === PIPE_ALL) && !redirects.length) {
        const commands = this.pipeline(cmd);
        if (commands) return { kind: 'pipeline', commands, span: this.span(st), raw: this.raw(st) } satisfies Pipeline;
      }
    }
    // Not modelled: still record every variable it reads and sets, for `check`.
    this.scan(st);
    return { kind: 'other', span: this.span(st), raw: this.raw(st) };
  }

  pipeline(bin: Node): SimpleCommand[] | undefined {
    const out: SimpleCommand[] = [];
    for (const side of [bin.X, bin.Y]) {
      const type = sh().NodeType(side.Cmd);
      if (type === 'BinaryCmd' && side.Cmd.Op === PIPE && !side.Negated && !(side.Redirs ?? []).length) {
        const inner = this.pipeline(side.Cmd);
        if (!inner) return undefined;
        out.push(...inner);
      } else if (type === 'CallExpr' && !side.Negated && !side.Background) {
        out.push(this.simple(side, side.Cmd, (side.Redirs ?? []).map((r: Node) => this.redirect(r))));
      } else {
        return undefined;
      }
    }
    return out;
  }

  simple(st: Node, call: Node, redirects: Redirect[]): SimpleCommand {
    const assigns = (call?.Assigns ?? []).map((a: Node) => this.assignment(a, false));
    const args = (call?.Args ?? []).map((w: Node) => this.word(w, false));
    return { kind: 'simple', assigns, args, redirects, span: this.span(st), raw: this.raw(st) };
  }

  declaration(st: Node, decl: Node, redirects: Redirect[]): Declaration {
    const variant = decl.Variant.Value as string;
    const exported = variant === 'export';
    const assigns: Assignment[] = [];
    const names: Declaration['names'] = [];
    for (const a of decl.Args ?? []) {
      if (a.Naked && a.Name) {
        names.push({ name: a.Name.Value, span: this.span(a.Name) });
        if (exported) this.sets.push({ name: a.Name.Value, span: this.span(a.Name), exported: true });
      } else if (a.Naked && a.Value) {
        // `export $X` or flags like `-x`: not a name we can track.
        this.word(a.Value, false);
      } else {
        assigns.push(this.assignment(a, exported));
      }
    }
    return { kind: 'declare', variant, assigns, names, redirects, span: this.span(st), raw: this.raw(st) };
  }

  assignment(a: Node, exported: boolean): Assignment {
    // Value first: `X=$(f $X)` reads the old X before setting the new one.
    const value = a.Value ? this.word(a.Value, false) : a.Array ? this.opaque(a.Array) : null;
    const span = this.span(a);
    this.sets.push({ name: a.Name.Value, span: this.span(a.Name), exported });
    return { name: a.Name.Value, value, span };
  }

  opaque(node: Node): Word {
    this.scan(node);
    const span = this.span(node);
    return { parts: [{ kind: 'unsupported', raw: this.raw(node), quoted: false, span }], raw: this.raw(node), span };
  }

  redirect(r: Node): Redirect {
    const op = redirectOps[r.Op] ?? '>';
    const target = this.word(r.Word, false);
    const redirect: Redirect = { op, target, span: this.span(r) };
    if (r.N) redirect.fd = r.N.Value;
    if ((op === '<<' || op === '<<-') && r.Hdoc) {
      const quoted = (r.Word.Parts ?? []).some((p: Node) => sh().NodeType(p) !== 'Lit') || /\\/.test(this.raw(r.Word));
      const delimiter = this.unquote(this.raw(r.Word));
      const body = quoted ? this.literalWord(r.Hdoc) : this.word(r.Hdoc, true, 'heredoc');
      redirect.heredoc = { body, quoted, delimiter };
    } else if ((op === '<<' || op === '<<-') && !r.Hdoc) {
      redirect.heredoc = { body: { parts: [], raw: '', span: this.span(r.Word) }, quoted: false, delimiter: this.unquote(this.raw(r.Word)) };
    }
    return redirect;
  }

  unquote(raw: string): string {
    return raw.replace(/\\(.)/g, '$1').replace(/['"]/g, '');
  }

  /** A quoted heredoc: its text exactly, no expansions (the node's own span runs past the delimiter). */
  literalWord(w: Node): Word {
    const span = this.span(w);
    const value = (w.Parts ?? []).map((p: Node) => (sh().NodeType(p) === 'Lit' ? p.Value : this.raw(p))).join('');
    return { parts: [{ kind: 'literal', value, quoted: true, span }], raw: value, span };
  }

  word(w: Node, quoted: boolean, context: 'word' | 'dquote' | 'heredoc' = quoted ? 'dquote' : 'word'): Word {
    const parts: WordPart[] = [];
    const nodes = w.Parts ?? [];
    for (const p of nodes) this.part(p, quoted, context, parts);
    // A word spans its parts.
    if (nodes.length && !this.ranges.has(w)) this.ranges.set(w, [this.range(nodes[0])[0], this.range(nodes[nodes.length - 1])[1]]);
    return { parts, raw: this.raw(w), span: this.span(w) };
  }

  part(p: Node, quoted: boolean, context: 'word' | 'dquote' | 'heredoc', out: WordPart[]): void {
    const type = sh().NodeType(p);
    // A literal ends where its text does: no need to ask the parser (End() walks the node).
    if (type === 'Lit' && !this.ranges.has(p)) {
      const start = p.Pos().Offset();
      this.ranges.set(p, [start, start + Buffer.byteLength(p.Value)]);
    }
    const span = this.span(p);
    switch (type) {
      case 'Lit':
        out.push({ kind: 'literal', value: unescape(p.Value, context), quoted, span });
        return;
      case 'SglQuoted':
        out.push({ kind: 'literal', value: p.Dollar ? ansiC(p.Value) : p.Value, quoted: true, span });
        return;
      case 'DblQuoted':
        for (const inner of p.Parts ?? []) this.part(inner, true, 'dquote', out);
        if (!(p.Parts ?? []).length) out.push({ kind: 'literal', value: '', quoted: true, span });
        return;
      case 'ParamExp':
        out.push(this.param(p, quoted, span));
        return;
      case 'CmdSubst': {
        const statements = this.script(p.Stmts ?? []);
        const raw = this.raw(p);
        out.push({ kind: 'command', script: { statements, reads: [], sets: [], comments: [] }, quoted, span, raw });
        return;
      }
      default:
        this.scan(p);
        out.push({ kind: 'unsupported', raw: this.raw(p), quoted, span });
    }
  }

  param(p: Node, quoted: boolean, span: Span): WordPart {
    const name = p.Param.Value as string;
    const raw = this.raw(p);
    let arg: Word | undefined;
    let op: string | undefined;
    if (p.Exp) {
      op = /^\$\{[A-Za-z0-9_]+(:?[-=+?]|#{1,2}|%{1,2})/.exec(raw)?.[1];
      if (p.Exp.Word) arg = this.word(p.Exp.Word, quoted);
    } else if (p.Length || p.Excl || p.Index || p.Slice || p.Repl || p.Names) {
      op = 'unsupported';
      this.scan(p);
    }
    if (NAME.test(name)) {
      const hasDefault = op !== undefined && /^:?[-=+?]$/.test(op);
      this.reads.push({ name, span, hasDefault });
    }
    return { kind: 'param', name, quoted, span, raw, ...(op ? { op } : {}), ...(arg ? { arg } : {}) };
  }

  /** Record reads, sets and comments inside a node we do not model. */
  scan(node: Node): void {
    sh().Walk(node, (n: Node) => {
      if (!n) return true;
      const type = sh().NodeType(n);
      if (type === 'ParamExp') {
        const name = n.Param.Value;
        if (NAME.test(name)) {
          const hasDefault = !!n.Exp && /^:?[-=+?]$/.test(/^\$\{[A-Za-z0-9_]+(:?[-=+?])/.exec(this.raw(n))?.[1] ?? '');
          this.reads.push({ name, span: this.span(n), hasDefault });
        }
      } else if (type === 'Assign' && n.Name) {
        this.sets.push({ name: n.Name.Value, span: this.span(n.Name), exported: false });
      } else if (type === 'Comment') {
        this.comments.push({ text: n.Text, span: this.span(n) });
      }
      return true;
    });
  }

  collectComments(st: Node): void {
    for (const c of st.Comments ?? []) this.comments.push({ text: c.Text, span: this.span(c) });
  }
}

/** Backslash rules: unquoted words drop every backslash; "…" and heredocs only before $ ` " \ and newline. */
function unescape(value: string, context: 'word' | 'dquote' | 'heredoc'): string {
  if (!value.includes('\\')) return value;
  if (context === 'word') return value.replace(/\\\n/g, '').replace(/\\(.)/gs, '$1');
  const special = context === 'dquote' ? /\\([$`"\\\n])/g : /\\([$`\\\n])/g;
  return value.replace(special, (_, c: string) => (c === '\n' ? '' : c));
}

function ansiC(value: string): string {
  const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v' };
  return value.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (m, c: string) => {
    if (c.startsWith('x')) return String.fromCharCode(parseInt(c.slice(1), 16));
    if (/^[0-7]+$/.test(c)) return String.fromCharCode(parseInt(c, 8));
    return map[c] ?? m;
  });
}

/**
 * Parse a snippet. Never throws: a syntax error is returned on the script with its position,
 * and the statements are empty (the engine refuses to run a step it cannot parse).
 */
export function parseShell(code: string, origin: Origin = { line: 1, column: 1 }): Script {
  const conv = new Converter(code, origin);
  let file: Node;
  try {
    const parser = sh().NewParser(sh().KeepComments(true), sh().Variant(sh().LangBash));
    file = parser.Parse(code.endsWith('\n') ? code : `${code}\n`, 'snippet');
  } catch (error) {
    return { statements: [], reads: [], sets: [], comments: [], error: syntaxError(error, origin) };
  }
  const statements = conv.script(file.Stmts ?? []);
  for (const c of file.Last ?? []) conv.comments.push({ text: c.Text, span: conv.span(c) });
  return { statements, reads: conv.reads, sets: conv.sets, comments: conv.comments };
}

function syntaxError(error: unknown, origin: Origin): { message: string; span: Span } {
  // mvdan/sh errors read `snippet:LINE:COL: message`.
  const text = typeof (error as Node)?.Error === 'function' ? String((error as Node).Error()) : String(error);
  const m = /^snippet:(\d+):(\d+): (.*)$/s.exec(text);
  const line = m ? Number(m[1]) : 1;
  const col = m ? Number(m[2]) : 1;
  const point = { line: origin.line + line - 1, column: col + origin.column - 1 };
  return { message: m ? m[3]! : text, span: { start: point, end: point } };
}
