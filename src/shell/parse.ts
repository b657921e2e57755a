/**
 * Shell snippets -> Script IR, with mvdan/sh (the parser Runme uses) compiled to JS: typed nodes
 * with positions, bash syntax, correct heredocs (`"$KEY_ARN$"` and unclosed heredocs included).
 */
import { createRequire } from 'node:module';
import type { Point, Span } from '../diagnostics.js';
import type {
  Assignment, Construct, Declaration, OtherStatement, Pipeline, Redirect, RedirectOp, Script, SimpleCommand, Statement, VarRef, VarSet, Word, WordPart,
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
const AND = 10;
const OR = 11;
const PIPE = 12;
const PIPE_ALL = 13;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Arithmetic operators that assign to their left operand (`=`, `+=` … `>>=`), and `++`/`--`. */
const arithmeticAssign = new Set([74, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53]);
const arithmeticStep = new Set([36, 37]);

/**
 * Builtins that set the variables they are given: per command, the options that take a value, and
 * which operands are names (`rest`: every operand; `last`: the last one; `-v`/`-a`: that option's value).
 */
const binders: Record<string, { valued: string; names: 'rest' | 'last' | 'second' | 'none'; option?: string }> = {
  read: { valued: 'adinNptu', names: 'rest', option: 'a' },
  mapfile: { valued: 'dnOsuCc', names: 'last' },
  readarray: { valued: 'dnOsuCc', names: 'last' },
  getopts: { valued: '', names: 'second' },
  printf: { valued: 'v', names: 'none', option: 'v' },
};

/** Where a read or set happens: in a function body (run when called) or a branch that may not run. */
interface Scope {
  inFunction?: string;
  conditional: boolean;
}

class Converter {
  readonly bytes: Buffer;
  readonly reads: VarRef[] = [];
  readonly sets: VarSet[] = [];
  readonly comments: Script['comments'] = [];
  private scope: Scope = { conditional: false };

  read(ref: VarRef): void {
    this.reads.push(this.scoped(ref));
  }

  set(ref: VarSet): void {
    this.sets.push(this.scoped(ref));
  }

  private scoped<T extends object>(ref: T): T {
    return {
      ...ref,
      ...(this.scope.inFunction ? { inFunction: this.scope.inFunction } : {}),
      ...(this.scope.conditional ? { conditional: true } : {}),
    };
  }

  /** Convert inside a narrower scope. */
  within<T>(scope: Partial<Scope>, fn: () => T): T {
    const outer = this.scope;
    this.scope = { inFunction: scope.inFunction ?? outer.inFunction, conditional: scope.conditional ?? outer.conditional };
    try {
      return fn();
    } finally {
      this.scope = outer;
    }
  }

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

  /** `bare`: convert what `! cmd` or `cmd &` runs, ignoring the flag. */
  statement(st: Node, bare = false): Statement {
    const cmd = st.Cmd;
    const type = cmd ? sh().NodeType(cmd) : 'None';
    const flagged = !bare && (st.Negated || st.Background || st.Coprocess);
    const redirects = flagged ? [] : (st.Redirs ?? []).map((r: Node) => this.redirect(r));
    if (!flagged) this.collectComments(st);
    if (!flagged) {
      if (type === 'CallExpr' || (type === 'None' && redirects.length)) return this.simple(st, cmd, redirects);
      if (type === 'DeclClause') return this.declaration(st, cmd, redirects);
      if (type === 'BinaryCmd' && (cmd.Op === PIPE || cmd.Op === PIPE_ALL) && !redirects.length) {
        const commands = this.pipeline(cmd);
        if (commands) return { kind: 'pipeline', commands, span: this.span(st), raw: this.raw(st) } satisfies Pipeline;
      }
    }
    return this.compound(st, cmd, type, flagged);
  }

  /**
   * Control flow, lists, subshells, functions: bash runs them as written. Their statements are
   * converted too (so checks and call sites see the commands inside), in the scope they run in.
   */
  compound(st: Node, cmd: Node, type: string, flagged: boolean): OtherStatement {
    const span = this.span(st);
    const raw = this.raw(st);
    const body: Statement[] = [];
    const stmts = (list: Node[] | undefined, scope: Partial<Scope> = {}) => this.within(scope, () => { for (const s of list ?? []) body.push(this.statement(s)); });
    let construct: Construct = 'block';
    let name: string | undefined;
    const words: Word[] = [];
    if (flagged) {
      // `! cmd`, `cmd &`: the command itself, converted without the flag.
      construct = st.Negated ? 'negated' : 'background';
      body.push(this.within(st.Negated ? {} : { conditional: true }, () => this.statement(st, true)));
      return { kind: 'other', construct, span, raw, body };
    }
    switch (type) {
      case 'BinaryCmd':
        construct = cmd.Op === AND ? 'and' : cmd.Op === OR ? 'or' : 'pipeline';
        stmts([cmd.X], construct === 'pipeline' ? { conditional: true } : {});
        stmts([cmd.Y], { conditional: true });
        break;
      case 'IfClause': {
        construct = 'if';
        stmts(cmd.Cond);
        for (let c = cmd; c; c = c.Else) {
          if (c !== cmd) stmts(c.Cond, { conditional: true });
          stmts(c.Then, { conditional: true });
        }
        break;
      }
      case 'WhileClause':
        construct = cmd.Until ? 'until' : 'while';
        stmts(cmd.Cond);
        stmts(cmd.Do, { conditional: true });
        break;
      case 'ForClause': {
        construct = cmd.Select ? 'select' : 'for';
        const loop = cmd.Loop;
        if (sh().NodeType(loop) === 'WordIter') {
          for (const w of loop.Items ?? []) words.push(this.word(w, false));
          this.within({ conditional: true }, () => this.set({ name: loop.Name.Value, span: this.span(loop.Name), exported: false }));
        } else {
          this.scan(loop);
        }
        stmts(cmd.Do, { conditional: true });
        break;
      }
      case 'CaseClause':
        construct = 'case';
        words.push(this.word(cmd.Word, false));
        for (const item of cmd.Items ?? []) {
          for (const p of item.Patterns ?? []) this.scan(p);
          stmts(item.Stmts, { conditional: true });
        }
        break;
      case 'Block':
        construct = 'block';
        stmts(cmd.Stmts);
        break;
      case 'Subshell':
        construct = 'subshell';
        // Nothing it sets outlives it.
        stmts(cmd.Stmts, { conditional: true });
        break;
      case 'FuncDecl':
        construct = 'function';
        name = cmd.Name.Value as string;
        this.within({ inFunction: name }, () => body.push(this.statement(cmd.Body)));
        break;
      case 'TimeClause':
        construct = 'time';
        if (cmd.Stmt) stmts([cmd.Stmt]);
        break;
      case 'CoprocClause':
        construct = 'coproc';
        if (cmd.Stmt) stmts([cmd.Stmt], { conditional: true });
        break;
      case 'TestClause':
        construct = 'test';
        this.scan(cmd);
        break;
      case 'ArithmCmd':
        construct = 'arithmetic';
        this.scan(cmd);
        break;
      case 'LetClause':
        construct = 'let';
        this.scan(cmd);
        break;
      default:
        // A modelled command with redirections of its own (`{ …; } > f` is a Block): record what it reads.
        construct = 'redirected';
        if (cmd) this.scan(cmd);
    }
    return { kind: 'other', construct, span, raw, body, ...(words.length ? { words } : {}), ...(name ? { name } : {}) };
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
    this.binds(args);
    return { kind: 'simple', assigns, args, redirects, span: this.span(st), raw: this.raw(st) };
  }

  /** `read X`, `mapfile -t A`, `getopts o NAME`, `printf -v X`: the names they set. */
  binds(args: Word[]): void {
    const literal = (w: Word | undefined) => (w && w.parts.every((p) => p.kind === 'literal') ? w.parts.map((p) => (p as { value: string }).value).join('') : undefined);
    const binder = binders[literal(args[0]) ?? ''];
    if (!binder) return;
    const names: Word[] = [];
    const operands: Word[] = [];
    for (let i = 1; i < args.length; i++) {
      const text = literal(args[i]);
      if (text === '--') {
        operands.push(...args.slice(i + 1));
        break;
      }
      if (text && /^-[A-Za-z]+$/.test(text) && !operands.length) {
        const last = text[text.length - 1]!;
        if (binder.valued.includes(last)) {
          if (last === binder.option && args[i + 1]) names.push(args[i + 1]!);
          i++;
        }
        continue;
      }
      operands.push(args[i]!);
    }
    if (binder.names === 'rest') names.push(...operands);
    else if (binder.names === 'last' && operands.length) names.push(operands[operands.length - 1]!);
    else if (binder.names === 'second' && operands[1]) names.push(operands[1]);
    for (const w of names) {
      const name = literal(w);
      if (name && NAME.test(name)) this.set({ name, span: w.span, exported: false });
    }
  }

  declaration(st: Node, decl: Node, redirects: Redirect[]): Declaration {
    const variant = decl.Variant.Value as string;
    const exported = variant === 'export';
    const assigns: Assignment[] = [];
    const names: Declaration['names'] = [];
    for (const a of decl.Args ?? []) {
      if (a.Naked && a.Name) {
        names.push({ name: a.Name.Value, span: this.span(a.Name) });
        // `local X` / `declare X` declare it (empty): set from here on; `export X` exports it.
        this.set({ name: a.Name.Value, span: this.span(a.Name), exported });
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
    const elements: Word[] | undefined = a.Array ? (a.Array.Elems ?? []).flatMap((e: Node) => (e.Value ? [this.word(e.Value, false)] : [])) : undefined;
    const value = a.Value ? this.word(a.Value, false) : a.Array ? this.literalArray(a.Array) : null;
    const span = this.span(a);
    this.set({ name: a.Name.Value, span: this.span(a.Name), exported });
    return { name: a.Name.Value, value, span, ...(elements ? { elements } : {}) };
  }

  /** An array literal as one word of its text (its elements are converted, and their reads recorded, apart). */
  literalArray(node: Node): Word {
    const span = this.span(node);
    for (const e of node.Elems ?? []) if (e.Index) this.scan(e.Index);
    return { parts: [{ kind: 'unsupported', raw: this.raw(node), quoted: false, span }], raw: this.raw(node), span };
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
      this.read({ name, span, hasDefault });
      // `${X:=default}` assigns X.
      if (op === ':=' || op === '=') this.set({ name, span, exported: false });
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
          this.read({ name, span: this.span(n), hasDefault });
        }
      } else if (type === 'Assign' && n.Name) {
        this.set({ name: n.Name.Value, span: this.span(n.Name), exported: false });
      } else if ((type === 'BinaryArithm' && arithmeticAssign.has(n.Op)) || (type === 'UnaryArithm' && arithmeticStep.has(n.Op))) {
        // `((i++))`, `let n+=1`, `for ((i=0; …))`: the operand is assigned.
        const target = n.X && sh().NodeType(n.X) === 'Word' ? n.X.Lit() : '';
        if (NAME.test(target)) this.set({ name: target, span: this.span(n.X), exported: false });
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
  const lines = code.split('\n');
  if (lines.length <= chunkLines) return parseWhole(code, origin);
  // A long script is read in pieces that each parse on their own: the GopherJS tree of one huge file
  // costs far more than linear time to walk. A piece ends after a complete line; one that does not
  // parse alone (an open heredoc, `if` without `fi`) grows until it does, or to the end.
  const script: Script = { statements: [], reads: [], sets: [], comments: [] };
  for (let start = 0; start < lines.length; ) {
    let size = chunkLines;
    let piece: Script;
    for (;;) {
      let end = Math.min(lines.length, start + size);
      while (end < lines.length && /\\$/.test(lines[end - 1]!)) end++;
      const text = lines.slice(start, end).join('\n');
      piece = parseWhole(text, { line: origin.line + start, column: origin.column });
      if (!piece.error || end >= lines.length) {
        start = end;
        break;
      }
      size *= 2;
    }
    if (piece.error) return { ...script, statements: [], error: piece.error };
    script.statements.push(...piece.statements);
    script.reads.push(...piece.reads);
    script.sets.push(...piece.sets);
    script.comments.push(...piece.comments);
  }
  return script;
}

/** Lines above which a script is parsed piece by piece. */
const chunkLines = 1000;

function parseWhole(code: string, origin: Origin): Script {
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
