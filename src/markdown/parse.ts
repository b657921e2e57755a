/**
 * Markdown -> Runbook: shell fences become ordered steps titled by what introduces them, with
 * positions; frontmatter becomes typed parameter declarations.
 */
import { basename } from 'node:path';
import type { Code, Heading, List, ListItem, Node, Parent, Root, Yaml } from 'mdast';
import { toString } from 'mdast-util-to-string';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { isMap, isScalar, LineCounter, parseDocument, type Pair } from 'yaml';
import type { Diagnostic, Span } from '../diagnostics.js';
import { paramDeclarationSchema } from '../params/schema.js';
import { paramNamePattern, type Param } from '../params/types.js';
import { parseShell } from '../shell/parse.js';
import { parseMeta } from './meta.js';
import { stepLanguages, type Runbook, type Step } from './types.js';

const processor = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkGfm);

export function parseRunbook(source: string, file: string): Runbook {
  const tree = processor.parse(source) as Root;
  const diagnostics: Diagnostic[] = [];
  const report = (span: Span | undefined, message: string, ruleId: string, note?: string, severity: Diagnostic['severity'] = 'error') =>
    diagnostics.push({ file, start: span?.start ?? { line: 1, column: 1 }, end: span?.end, severity, message, ruleId, ...(note ? { note } : {}) });

  const yamlNode = tree.children.find((n): n is Yaml => n.type === 'yaml');
  const { frontmatter, params } = yamlNode ? readFrontmatter(yamlNode, report) : { frontmatter: {}, params: [] };

  const steps: Step[] = [];
  const headings: Array<{ depth: number; text: string }> = [];
  let firstH1: string | undefined;
  const ids = new Map<string, number>();

  const visit = (node: Node, parent: Parent | undefined, index: number, listItem?: ListItem) => {
    if (node.type === 'heading') {
      const h = node as Heading;
      const text = toString(h).trim();
      while (headings.length && headings[headings.length - 1]!.depth >= h.depth) headings.pop();
      headings.push({ depth: h.depth, text });
      if (h.depth === 1) firstH1 ??= text;
      return;
    }
    if (node.type === 'code') {
      const code = node as Code;
      const lang = (code.lang ?? '').toLowerCase();
      if (!(stepLanguages as readonly string[]).includes(lang)) return;
      steps.push(makeStep(code, parent, index, listItem, headings.map((h) => h.text), steps.length + 1, file, source, ids, report));
      return;
    }
    if ('children' in node) {
      const p = node as Parent;
      p.children.forEach((child, i) => visit(child, p, i, node.type === 'listItem' ? (node as ListItem) : listItem));
    }
  };
  visit(tree, undefined, 0);

  const title = typeof frontmatter.title === 'string' ? frontmatter.title : firstH1 ?? basename(file, '.md');
  const description = typeof frontmatter.description === 'string' ? frontmatter.description : undefined;
  return { file, name: basename(file).replace(/\.(md|markdown)$/i, ''), title, ...(description ? { description } : {}), frontmatter, params, steps, diagnostics };
}

function makeStep(
  code: Code,
  parent: Parent | undefined,
  index: number,
  listItem: ListItem | undefined,
  section: string[],
  stepIndex: number,
  file: string,
  source: string,
  ids: Map<string, number>,
  report: (span: Span | undefined, message: string, ruleId: string, note?: string, severity?: Diagnostic['severity']) => void,
): Step {
  const span = spanOf(code);
  const meta = parseMeta(code.meta);
  for (const problem of meta.problems) report(span, problem.message, 'fence-attribute', problem.note);
  const title = introduction(parent, index, listItem) ?? section[section.length - 1] ?? `Step ${stepIndex}`;

  // The fence's content starts on the next line, indented like the fence (inside list items).
  const fenceLine = source.split('\n')[span.start.line - 1] ?? '';
  const indent = /^\s*/.exec(fenceLine)![0].length;
  const codeStart = { line: span.start.line + 1, column: indent + 1 };
  let text = code.value;
  if (code.lang === 'console') text = consoleCommands(text);
  const script = parseShell(text, codeStart);
  if (script.error) report(script.error.span, `Shell syntax error: ${script.error.message}`, 'shell-syntax');

  let id = meta.attributes.name ?? slug(title);
  if (!id) id = `step-${stepIndex}`;
  const seen = ids.get(id) ?? 0;
  ids.set(id, seen + 1);
  if (seen) {
    if (meta.attributes.name) report(span, `Duplicate step name \`${id}\`, expected unique names`, 'unique-step-name');
    id = `${id}-${seen + 1}`;
  }
  return {
    id, index: stepIndex, title, section, lang: code.lang ?? 'sh',
    meta: { raw: code.meta ?? '', display: meta.display, attributes: meta.attributes },
    code: text, span, codeStart, script, ignoreRules: [],
  };
}

/** The text that introduces a fence: its list item, the paragraph just before it, or the list just before it. */
function introduction(parent: Parent | undefined, index: number, listItem: ListItem | undefined): string | undefined {
  if (listItem) {
    const first = listItem.children.find((c) => c.type === 'paragraph');
    if (first) return clean(toString(first));
  }
  const prev = parent?.children[index - 1];
  if (!prev) return undefined;
  if (prev.type === 'paragraph') return clean(toString(prev));
  if (prev.type === 'list') {
    const items = (prev as List).children;
    const last = items[items.length - 1];
    const first = last?.children.find((c) => c.type === 'paragraph');
    if (first) return clean(toString(first));
  }
  return undefined;
}

/** The first clause of an introduction: up to its first `.`, `:` or `;` that ends a sentence. */
function clean(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return (/^(.+?)[.:;!?](?=\s|$)/.exec(flat)?.[1] ?? flat).trim();
}

export function slug(text: string): string {
  return text.toLowerCase().normalize('NFKD').replace(/[^\w\s-]/g, '').trim().replace(/[\s_]+/g, '-').replace(/-+/g, '-').slice(0, 60).replace(/-$/, '');
}

/** `console` fences show prompts: keep the `$ ` lines as commands, drop the printed output. */
function consoleCommands(text: string): string {
  return text
    .split('\n')
    .map((line) => (/^\s*[$#] /.test(line) ? line.replace(/^\s*[$#] /, '') : ''))
    .join('\n');
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
  const frontmatter = (doc.toJS() ?? {}) as Record<string, unknown>;
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
