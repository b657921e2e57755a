/**
 * Markdown -> Runbook: shell fences become ordered steps titled by what introduces them, with
 * positions; so do the files a guide says to save and unlabelled fences that read as commands.
 * Frontmatter becomes typed parameter declarations.
 */
import { basename } from 'node:path';
import type { Code, Heading, List, ListItem, Node, Paragraph, Parent, Root, Yaml } from 'mdast';
import { toString } from 'mdast-util-to-string';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { isMap, isScalar, LineCounter, parseDocument, type Pair } from 'yaml';
import type { Diagnostic, Span } from '../diagnostics.js';
import { paramDeclarationSchema } from '../params/schema.js';
import { paramNamePattern, type Param } from '../params/types.js';
import { fenceKind, readFence, type Problem } from './fences.js';
import { documentDirectives, ignoreDirective, isComment } from './ignore.js';
import { parseMeta } from './meta.js';
import type { Runbook, Step } from './types.js';

/** How deep blocks may nest (blockquotes, lists) before the rest is not read. */
const maxNesting = 100;
/** The longest fence read as a step: far beyond any guide's, and parsed in well under two seconds. */
const maxFenceLines = 5000;

const processor = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkGfm);

type Report = (span: Span | undefined, message: string, ruleId: string, note?: string, severity?: Diagnostic['severity']) => void;

/** What every fence is read against. */
interface Context {
  file: string;
  /** The source's lines, to tell a fence from an indented code block. */
  lines: string[];
  ids: Map<string, number>;
  /** Rules that `runbook-ignore` comments at the top of the document silence in every step. */
  documentIgnores: string[];
  report: Report;
}

export function parseRunbook(source: string, file: string): Runbook {
  const tree = processor.parse(source) as Root;
  const diagnostics: Diagnostic[] = [];
  const report: Report = (span, message, ruleId, note, severity = 'error') =>
    diagnostics.push({ file, start: span?.start ?? { line: 1, column: 1 }, end: span?.end, severity, message, ruleId, ...(note ? { note } : {}) });

  const yamlNode = tree.children.find((n): n is Yaml => n.type === 'yaml');
  const { frontmatter, params } = yamlNode ? readFrontmatter(yamlNode, report) : { frontmatter: {}, params: [] };

  const documentIgnores = documentDirectives(tree).flatMap((node) => ignoreRulesOf(node, report));
  const context: Context = { file, lines: source.split(/\r\n|\r|\n/), ids: new Map(), documentIgnores, report };
  const steps: Step[] = [];
  const headings: Array<{ depth: number; text: string }> = [];
  let firstH1: string | undefined;

  // Markdown nests without end (`> > > …`); a guide never goes this deep, and the walk stays bounded.
  let tooDeep = false;
  const visit = (node: Node, parent: Parent | undefined, index: number, listItem?: ListItem, depth = 0) => {
    if (depth > maxNesting) {
      if (!tooDeep) report(spanOf(node), `Unexpected nesting deeper than ${maxNesting} levels, expected a document a reader can follow: what is inside is not read`, 'nesting-depth');
      tooDeep = true;
      return;
    }
    if (node.type === 'heading') {
      const h = node as Heading;
      const text = toString(h).trim();
      while (headings.length && headings[headings.length - 1]!.depth >= h.depth) headings.pop();
      headings.push({ depth: h.depth, text });
      if (h.depth === 1) firstH1 ??= text;
      return;
    }
    if (node.type === 'code') {
      const step = readStep(node as Code, parent, index, listItem, headings.map((h) => h.text), steps.length + 1, context);
      if (step) steps.push(step);
      return;
    }
    if ('children' in node) {
      const p = node as Parent;
      p.children.forEach((child, i) => visit(child, p, i, node.type === 'listItem' ? (node as ListItem) : listItem, depth + 1));
    }
  };
  visit(tree, undefined, 0);

  if (!steps.length && !documentIgnores.includes('no-steps')) {
    const point = { line: 1, column: 1 };
    report({ start: point, end: point }, 'No runnable fences found, expected at least one shell fence', 'no-steps',
      'label a fence of commands with its shell: ```bash, ```sh, ```zsh, or ```console with `$ ` prompts', 'warning');
  }

  const title = typeof frontmatter.title === 'string' ? frontmatter.title : firstH1 ?? basename(file, '.md');
  const description = typeof frontmatter.description === 'string' ? frontmatter.description : undefined;
  return { file, name: basename(file).replace(/\.(md|markdown)$/i, ''), title, ...(description ? { description } : {}), frontmatter, params, steps, diagnostics };
}

/** A `runbook-ignore` comment's rules; what is no rule id is reported. */
function ignoreRulesOf(node: Node, report: Report): string[] {
  const directive = ignoreDirective(node);
  if (!directive) return [];
  const span = spanOf(node);
  if (directive.invalid.length) {
    report(span, `Unexpected ${directive.invalid.map((w) => `\`${w}\``).join(', ')} in runbook-ignore, expected rule ids such as undefined-variable`, 'runbook-ignore', undefined, 'warning');
  } else if (!directive.rules.length) {
    report(span, 'Unexpected runbook-ignore without rules, expected the rule ids to silence', 'runbook-ignore', 'write <!-- runbook-ignore undefined-variable -->', 'warning');
  }
  return directive.rules;
}

/**
 * A fence as a step: a shell fence (prompts and output sorted out), a data fence the guide says to save,
 * or an unlabelled fence that reads as commands (src/markdown/fences.ts). Otherwise undefined.
 */
function readStep(
  code: Code,
  parent: Parent | undefined,
  index: number,
  listItem: ListItem | undefined,
  section: string[],
  stepIndex: number,
  context: Context,
): Step | undefined {
  const lang = (code.lang ?? '').toLowerCase();
  const kind = fenceKind(lang);
  if (!kind) return undefined;

  const span = spanOf(code);
  // A fence's content starts on the next line at the fence's column; an indented block's, four columns in.
  const opening = context.lines[span.start.line - 1]?.slice(span.start.column - 1) ?? '';
  const indented = !/^(?:`{3,}|~{3,})/.test(opening);
  const codeStart = indented ? { line: span.start.line, column: span.start.column + 4 } : { line: span.start.line + 1, column: span.start.column };

  // Comments just before the fence: `runbook-ignore` ones, and others (`<!-- prettier-ignore -->`) that
  // stand between the fence and what introduces it.
  let before = index - 1;
  while (before >= 0 && isComment(parent?.children[before])) before--;
  const ignoreRules = new Set(context.documentIgnores);
  for (const comment of parent?.children.slice(before + 1, index) ?? []) for (const rule of ignoreRulesOf(comment, context.report)) ignoreRules.add(rule);
  const meta = parseMeta(code.meta);
  const lead = leadParagraph(parent?.children[before]);
  const length = code.value.split('\n').length;
  if (length > maxFenceLines && kind !== 'data') {
    context.report(span, `Unexpected fence of ${length} lines, expected at most ${maxFenceLines}: it is not read as a step (put a long script in a file the runbook runs)`, 'fence-too-long');
    return undefined;
  }
  const reading = readFence[kind]({ code, lang, span, codeStart, indented, ...(lead ? { lead } : {}), ...(meta.fileName ? { metaName: meta.fileName } : {}) });

  // The step's own rules are silenced here; the check rules read `ignoreRules` themselves.
  const report = (problems: Problem[]) => {
    for (const p of problems) if (!ignoreRules.has(p.ruleId)) context.report(p.span, p.message, p.ruleId, p.note, p.severity);
  };
  if (!reading.step) {
    report(reading.problems);
    return undefined;
  }
  const { text, script, write } = reading.step;
  const problems: Problem[] = meta.problems.map((p) => ({ span, ruleId: 'fence-attribute', ...p }));
  problems.push(...reading.problems);
  if (script.error) problems.push({ span: script.error.span, message: `Shell syntax error: ${script.error.message}`, ruleId: 'shell-syntax', severity: 'error' });

  const title = introduction(parent, before, listItem) ?? section[section.length - 1] ?? `Step ${stepIndex}`;
  let id = meta.attributes.name ?? slug(title);
  if (!id) id = `step-${stepIndex}`;
  const seen = context.ids.get(id) ?? 0;
  context.ids.set(id, seen + 1);
  if (seen) {
    if (meta.attributes.name) problems.push({ span, message: `Duplicate step name \`${id}\`, expected unique names`, ruleId: 'unique-step-name', severity: 'error' });
    id = `${id}-${seen + 1}`;
  }
  report(problems);
  return {
    id, index: stepIndex, title, section, lang: code.lang ?? (write ? 'text' : 'sh'),
    meta: { raw: code.meta ?? '', display: meta.display, attributes: meta.attributes },
    code: text, span, codeStart, script, ...(write ? { write } : {}), ignoreRules: [...ignoreRules],
  };
}

/** The paragraph that says what a fence is: the one just before it, or the last one of a list just before it. */
function leadParagraph(previous: Node | undefined): Paragraph | undefined {
  if (previous?.type === 'paragraph') return previous as Paragraph;
  if (previous?.type !== 'list') return undefined;
  const last = (previous as List).children.at(-1);
  const paragraph = last?.children.at(-1);
  return paragraph?.type === 'paragraph' ? paragraph : undefined;
}

function firstParagraph(item: ListItem): Paragraph | undefined {
  return item.children.find((c): c is Paragraph => c.type === 'paragraph');
}

/**
 * The text that introduces a fence: its list item, the paragraph just before it, or the list just
 * before it. `before` is the index of the node before the fence, past any comments.
 */
function introduction(parent: Parent | undefined, before: number, listItem: ListItem | undefined): string | undefined {
  if (listItem) {
    const first = firstParagraph(listItem);
    if (first) return clean(text(first));
  }
  const prev = before >= 0 ? parent?.children[before] : undefined;
  if (!prev) return undefined;
  if (prev.type === 'paragraph') return clean(text(prev));
  if (prev.type === 'list') {
    const items = (prev as List).children;
    const last = items[items.length - 1];
    const first = last && firstParagraph(last);
    if (first) return clean(text(first));
  }
  return undefined;
}

/** A node's text without inline HTML: `🔗 <a href="x.yaml">` adds nothing to a title. */
const text = (node: Node) => toString(node, { includeHtml: false });

/** The first clause of an introduction: up to its first `.`, `:` or `;` that ends a sentence. */
function clean(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return (/^(.+?)[.:;!?](?=\s|$)/.exec(flat)?.[1] ?? flat).trim();
}

export function slug(text: string): string {
  return text.toLowerCase().normalize('NFKD').replace(/[^\w\s-]/g, '').trim().replace(/[\s_]+/g, '-').replace(/-+/g, '-').slice(0, 60).replace(/-$/, '');
}

function spanOf(node: Node): Span {
  const p = node.position!;
  return { start: { line: p.start.line, column: p.start.column }, end: { line: p.end.line, column: p.end.column } };
}

function readFrontmatter(
  node: Yaml,
  report: (span: Span | undefined, message: string, ruleId: string, note?: string) => void,
): { frontmatter: Record<string, unknown>; params: Param[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(node.value, { lineCounter, prettyErrors: false });
  // Frontmatter text starts on the line after the opening `---`.
  const base = node.position!.start.line;
  const at = (offset: number | undefined): Span => {
    const pos = lineCounter.linePos(offset ?? 0);
    const point = { line: base + pos.line, column: pos.col };
    return { start: point, end: point };
  };
  for (const error of doc.errors) report(at(error.pos[0]), `Invalid frontmatter YAML: ${error.message.split('\n')[0]}`, 'frontmatter');
  if (doc.errors.length) return { frontmatter: {}, params: [] };
  let frontmatter: Record<string, unknown>;
  try {
    // An alias that names no anchor, or a billion-laughs tree of them, is an error of the document.
    frontmatter = (doc.toJS({ maxAliasCount: 100 }) ?? {}) as Record<string, unknown>;
  } catch (error) {
    report(at(0), `Invalid frontmatter YAML: ${(error as Error).message}`, 'frontmatter');
    return { frontmatter: {}, params: [] };
  }
  if (typeof frontmatter !== 'object' || Array.isArray(frontmatter)) {
    report(at(0), 'Unexpected frontmatter, expected a YAML mapping', 'frontmatter');
    return { frontmatter: {}, params: [] };
  }
  const params: Param[] = [];
  const paramsNode = doc.get('params', true);
  if (paramsNode === undefined) return { frontmatter, params };
  if (!isMap(paramsNode)) {
    report(at((paramsNode as { range?: number[] })?.range?.[0]), 'Unexpected `params`, expected a mapping of NAME: {type, description, default…}', 'param-declaration');
    return { frontmatter, params };
  }
  for (const pair of paramsNode.items as Pair[]) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    const keySpan = at(isScalar(pair.key) ? pair.key.range?.[0] : undefined);
    if (!paramNamePattern.test(name)) {
      report(keySpan, `Unexpected parameter name \`${name}\`, expected a shell variable name such as KEY_ALIAS`, 'param-declaration');
      continue;
    }
    const value = (pair.value as { toJSON?: () => unknown } | null)?.toJSON?.() ?? (isScalar(pair.value) ? pair.value.value : null);
    const parsed = paramDeclarationSchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.length ? `\`${issue.path.join('.')}\`: ` : '';
        report(keySpan, `Invalid declaration of parameter ${name}: ${path}${issue.message}`, 'param-declaration');
      }
      continue;
    }
    const d = parsed.data;
    params.push({
      ...d, name, origin: 'declared',
      secret: d.secret ?? d.type === 'secret',
      required: d.required ?? d.default === undefined,
      position: keySpan.start,
    });
  }
  return { frontmatter, params };
}
