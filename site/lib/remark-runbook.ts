/**
 * The remark side of runbook pages, in Astro's Markdown pipeline (so Expressive Code still renders
 * every fence afterwards):
 *
 * - every code fence's meta loses the engine's attributes (`{ name=x timeout=30s }`, `{"name":"x"}`):
 *   Expressive Code sees exactly `parseMeta(meta).display`, and no engine attribute reaches a page;
 * - in a runbook (a render the content loader registered), each step's fence is wrapped with a line
 *   saying what the engine will do with it, and the hooks the live log uses.
 */
import type { Code, Heading, Parent, Root, RootContent } from 'mdast';
import type { VFile } from 'vfile';
import { parseMeta } from '../../src/markdown/meta.js';
import { formatDuration } from '../../src/serve/run-view.js';
import type { RunbookPage, RunbookPageStep } from './describe.js';

/**
 * Astro's loader API renders Markdown from a string, with no way to pass data along; the loader
 * registers each runbook's description under the exact text it renders. Shared through globalThis
 * because Astro loads the config (which holds this plugin) and the content config as separate
 * module graphs in one process.
 */
const registryKey = Symbol.for('runbook.site.pages');
type Registry = Map<string, RunbookPage>;

export function pageRegistry(): Registry {
  const g = globalThis as { [registryKey]?: Registry };
  return (g[registryKey] ??= new Map());
}

interface HastText {
  type: 'text';
  value: string;
}
interface HastElement {
  type: 'element';
  tagName: string;
  properties: Record<string, unknown>;
  children: HastNode[];
}
type HastNode = HastText | HastElement;

function h(tagName: string, properties: Record<string, unknown>, ...children: Array<HastNode | string | false | undefined>): HastElement {
  return {
    type: 'element',
    tagName,
    properties,
    children: children.filter((c): c is HastNode | string => !!c).map((c) => (typeof c === 'string' ? { type: 'text', value: c } : c)),
  };
}

const code = (text: string, title?: string) => h('code', title ? { title } : {}, text);
const kindLabels: Record<RunbookPageStep['kind'], string> = { sdk: 'SDK call', file: 'File write', shell: 'Shell' };

/** The line under a step's fence: kind, calls, what it produces, its id, its options. */
export function stepInfo(step: RunbookPageStep): HastElement {
  const parts: HastNode[] = [];
  const calls = step.calls.map((c) =>
    h('span', { className: ['rb-call', ...(c.problem ? ['rb-call-unresolved'] : [])] },
      code(c.operation, c.problem ? `The planner could not translate this call yet: ${c.problem}` : c.mutating ? 'changes something' : 'read only'),
      c.problem ? h('span', { className: ['rb-note'] }, ' (translated at run time)') : undefined,
    ),
  );
  parts.push(h('span', { className: ['rb-kind', `rb-kind-${step.kind}`] }, kindLabels[step.kind]));
  if (calls.length) parts.push(h('span', { className: ['rb-calls'] }, ...calls.flatMap((c, i) => (i ? [', ', c] : [c]))));
  if (step.kind === 'sdk' && step.shell) parts.push(h('span', { className: ['rb-note'] }, '+ shell'));
  if (step.kind === 'file') parts.push(h('span', {}, 'writes ', ...step.files.flatMap((f, i) => (i ? [', ', code(f)] : [code(f)]))));
  else if (step.files.length) parts.push(h('span', {}, 'writes ', ...step.files.flatMap((f, i) => (i ? [', ', code(f)] : [code(f)]))));
  if (step.kind === 'shell' && !step.calls.length) parts.push(h('span', { className: ['rb-note'] }, 'runs in the shell'));
  if (step.variables.length) parts.push(h('span', {}, 'sets ', ...step.variables.flatMap((v, i) => (i ? [' ', code(v)] : [code(v)]))));
  const options = [
    step.skip && 'never run (skip)',
    step.confirm && 'asks before running',
    step.timeoutMs !== undefined && `timeout ${formatDuration(step.timeoutMs)}`,
    step.retries !== undefined && `${step.retries} ${step.retries === 1 ? 'retry' : 'retries'}`,
  ].filter((o): o is string => !!o);
  for (const o of options) parts.push(h('span', { className: ['rb-option'] }, o));
  return h('div', { className: ['rb-step-info'] },
    // Empty on the static site; the live log puts the step's state here.
    h('span', { className: ['rb-state'], dataRbState: '' }),
    h('span', { className: ['rb-step-what'] }, ...parts),
    h('span', { className: ['rb-step-id'] },
      h('a', { href: `#step-${step.id}`, title: 'Link to this step' }, `step ${step.index}`), ' ', code(step.id, 'Step id: --from / --only take it'),
    ),
  );
}

function isCode(node: RootContent): node is Code {
  return node.type === 'code';
}

export function remarkRunbook() {
  return (tree: Root, file: VFile) => {
    const page = pageRegistry().get(String(file.value));
    const byLine = new Map(page?.steps.map((s) => [s.line, s]));
    let firstHeading: { parent: Parent; index: number } | undefined;

    const walk = (parent: Parent) => {
      for (let i = 0; i < parent.children.length; i++) {
        const node = parent.children[i] as RootContent;
        if (node.type === 'heading' && (node as Heading).depth === 1 && !firstHeading) firstHeading = { parent, index: i };
        if (isCode(node)) {
          if (node.meta) node.meta = parseMeta(node.meta).display || null;
          const step = node.position && byLine.get(node.position.start.line);
          if (step) parent.children[i] = wrapStep(node, step) as unknown as RootContent;
          continue;
        }
        if ('children' in node) walk(node as Parent);
      }
    };
    walk(tree);
    // The runbook's own H1 would repeat the page title Starlight renders.
    if (page?.titleFromHeading && firstHeading) firstHeading.parent.children.splice(firstHeading.index, 1);
  };
}

function wrapStep(node: Code, step: RunbookPageStep) {
  return {
    type: 'runbookStep',
    data: {
      hName: 'div',
      hProperties: {
        className: ['rb-step', `rb-step-${step.kind}`],
        id: `step-${step.id}`,
        dataStepId: step.id,
        dataStepIndex: String(step.index),
      },
    },
    children: [
      node,
      { type: 'runbookStepInfo', data: { hName: 'div', hProperties: { className: ['rb-step-footer'] }, hChildren: [stepInfo(step)] } },
    ],
  };
}
