/**
 * Call sites: every aws/gcloud/kubectl command a step writes, wherever it stands in the shell (in a
 * pipeline, `$(…)`, `if`, a loop, a function), with what surrounds it: the variable its output is
 * assigned to, the file its stdout goes to. At run time the session hands the engine only argv; the
 * engine finds the site that argv came from (`matchSite`) to adopt and report as the runbook reads.
 */
import type { Span } from '../diagnostics.js';
import type { Statement, Word } from '../shell/types.js';
import { literalOf, visitCommands } from '../shell/walk.js';
import type { Template } from './actions.js';
import { bindFields, type Lookup } from './bind.js';

export type SiteContext = 'direct' | 'conditional' | 'loop' | 'function' | 'substitution' | 'background' | 'subshell';

export interface CallSite {
  tool: string;
  words: Template[];
  /** `X=$(aws …)`: X. */
  capture?: string;
  /** `aws … > file`: the file. */
  stdout?: Template;
  span: Span;
  /** Where it runs: only `direct` sites are sure to run once, in order. */
  context: SiteContext;
  /** The function it is defined in, if any. */
  inFunction?: string;
}

/** A part whose value is only known at run time (a `$(…)`, a glob): it matches any text. */
const RUNTIME = '__runtime';

export function templateOfWord(word: Word): Template {
  const t: Template = [];
  for (const part of word.parts) {
    if (part.kind === 'literal') t.push({ text: part.value });
    else if (part.kind === 'param') t.push({ var: part.name, split: !part.quoted, ...(part.op ? { op: part.op, ...(part.arg ? { fallback: templateOfWord(part.arg) } : {}) } : {}) });
    else t.push({ var: RUNTIME, split: !part.quoted });
  }
  return t;
}

export function callSitesOf(statements: Statement[], tools: ReadonlySet<string>): CallSite[] {
  const sites: CallSite[] = [];
  visitCommands(statements, (command, where) => {
    const name = command.args[0] && literalOf(command.args[0]);
    if (!name || !tools.has(name)) return;
    const stdout = command.redirects.find((r) => (r.op === '>' || r.op === '>>' || r.op === '>|') && (!r.fd || r.fd === '1'));
    sites.push({
      tool: name,
      words: command.args.map(templateOfWord),
      ...(where.capture ? { capture: where.capture } : {}),
      ...(stdout ? { stdout: templateOfWord(stdout.target) } : {}),
      span: command.span,
      context: where.context,
      ...(where.inFunction ? { inFunction: where.inFunction } : {}),
    });
  });
  return sites;
}

/**
 * The site an argv most likely came from: the sites of the same tool whose literal words all appear
 * in argv, in order; of those, the one matching the most words once the known variables are bound,
 * earliest first. Undefined when none fits.
 */
export function matchSite(argv: string[], sites: CallSite[], lookup: Lookup): CallSite | undefined {
  let best: { site: CallSite; score: number } | undefined;
  for (const site of sites) {
    if (site.tool !== argv[0]) continue;
    const score = scoreOf(argv, site, lookup);
    if (score >= 0 && (!best || score > best.score)) best = { site, score };
  }
  return best?.site;
}

function scoreOf(argv: string[], site: CallSite, lookup: Lookup): number {
  let at = 1;
  let score = 0;
  for (const word of site.words.slice(1)) {
    const known = !word.some((p) => 'var' in p && (p.var === RUNTIME || lookup(p.var) === undefined));
    if (!known) continue;
    const fields = bindFields(word, lookup);
    for (const field of fields) {
      const found = argv.indexOf(field, at);
      if (found < 0) return -1;
      at = found + 1;
      score++;
    }
  }
  return score;
}
