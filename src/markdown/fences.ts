/**
 * How each kind of fence reads: a session (```console), a script (```bash), data (```json) or no
 * language at all. A reading is the step the fence makes, if any, and what to say about it; whether
 * the fence is a step depends on its lines and on the paragraph before it, which says "save the
 * following as `x.json`" or "you should see something like this".
 */
import type { Code, Paragraph } from 'mdast';
import type { Diagnostic, Point, Span } from '../diagnostics.js';
import { parseShell } from '../shell/parse.js';
import type { Script } from '../shell/types.js';
import { readsAsCommands } from './commands.js';
import { isFileLanguage, savedFile, type SavedFile } from './files.js';
import { outputLead } from './output.js';
import { readSession } from './session.js';
import { sessionLanguages, stepLanguages, type Step } from './types.js';

export interface Fence {
  code: Code;
  /** The language, lower-cased; '' for none. */
  lang: string;
  span: Span;
  codeStart: Point;
  /** An indented code block rather than a fence. */
  indented: boolean;
  /** The paragraph just before the fence, which says what it is. */
  lead?: Paragraph;
  /** A file name its meta gives (`title="values.yaml"`). */
  metaName?: string;
}

export interface Problem {
  span: Span;
  message: string;
  ruleId: string;
  note?: string;
  severity: Diagnostic['severity'];
}

export interface Reading {
  /** What runs, or the file it writes; undefined when the fence is documentation. */
  step?: { text: string; script: Script; write?: Step['write'] };
  problems: Problem[];
}

type FenceKind = 'session' | 'script' | 'data' | 'unlabelled';

export function fenceKind(lang: string): FenceKind | undefined {
  if (sessionLanguages.has(lang)) return 'session';
  if ((stepLanguages as readonly string[]).includes(lang)) return 'script';
  if (lang === '') return 'unlabelled';
  return isFileLanguage(lang) ? 'data' : undefined;
}

const emptyScript = (): Script => ({ statements: [], reads: [], sets: [], comments: [] });

export const readFence: { [K in FenceKind]: (fence: Fence) => Reading } = {
  session(fence) {
    const session = readSession(fence.code.value, true);
    if (session.prompted) {
      return fence.lead && outputLead(fence.lead) === 'caption' ? output(fence, true) : shell(session.code, fence);
    }
    // A session with no prompt is output, unless its lines read as commands (```console holding
    // `kubectl apply -f x.yaml`): then they are what the reader types.
    const script = parseShell(fence.code.value, fence.codeStart);
    if (!readsAsCommands(script)) return { problems: [] };
    return shell(fence.code.value, fence, script, [problem(fence, 'unprompted-session', 'info', `Read the ${fence.lang} fence without prompts as commands`,
      'mark each command with a `$ ` prompt (the rest is then output), or label the fence ```bash')]);
  },

  script(fence) {
    const session = readSession(fence.code.value, false);
    const said = fence.lead && outputLead(fence.lead);
    if (session.prompted) return said === 'caption' ? output(fence, true) : shell(session.code, fence);
    const script = parseShell(session.code, fence.codeStart);
    if (!fence.lead || readsAsCommands(script)) return shell(session.code, fence, script);
    // Lines that are no commands, under a paragraph that calls them a file to save or printed output:
    // the fence is mislabelled (```shell holding a values.yaml, ```sh holding `NAME  READY` rows).
    const saved = savedFile(fileOf(fence));
    if (saved?.write) {
      return {
        step: { text: '', script: emptyScript(), write: saved.write },
        problems: [problem(fence, 'mislabelled-fence', 'warning',
          `Unexpected ${saved.language} in a ${fence.lang} fence, expected a \`\`\`${saved.language} fence: read as the file \`${saved.write.path}\` the guide saves`,
          `label the fence \`\`\`${saved.language}`)],
      };
    }
    if (saved?.problem) return refused(fence, saved);
    return said ? output(fence, false) : shell(session.code, fence, script);
  },

  data(fence) {
    const saved = savedFile(fileOf(fence));
    if (saved?.problem) return refused(fence, saved);
    return saved?.write ? { step: { text: '', script: emptyScript(), write: saved.write }, problems: [] } : { problems: [] };
  },

  unlabelled(fence) {
    // Commands, unless the guide names a file to save it as. A first line naming a file above lines
    // that read as commands is a comment (`# deploy.yaml` over `kubectl apply -f deploy.yaml`).
    const saved = savedFile(fileOf(fence));
    if (saved && saved.from !== 'line') return readFence.data(fence);
    const session = readSession(fence.code.value, false);
    const script = parseShell(session.code, fence.codeStart);
    // A prompt says the line is typed, whatever it runs; without one, the lines must read as commands.
    const commands = !script.error && (session.prompted ? script.statements.length > 0 : readsAsCommands(script));
    if (!commands) return readFence.data(fence);
    const [label, text] = fence.indented ? ['code block', 'write it as a ```bash fence to say so, or as ```text'] : ['fence', 'label it ```bash to say so, or ```text'];
    return shell(session.code, fence, script, [problem(fence, 'untagged-fence', 'info', `Read the unlabelled ${label} as shell commands`, `${text} to leave it out`)]);
  },
};

function shell(text: string, fence: Fence, script = parseShell(text, fence.codeStart), problems: Problem[] = []): Reading {
  return { step: { text, script }, problems };
}

function output(fence: Fence, prompted: boolean): Reading {
  return {
    problems: [problem(fence, 'output-fence', 'info', `Read the ${fence.lang} fence as printed output, not a step: the paragraph before it says so`,
      prompted ? 'the command it shows runs where the guide gives it; label this fence ```text' : 'label it ```text')],
  };
}

/** A file the guide says to save where runbook will not write it: said, and no step. */
function refused(fence: Fence, saved: SavedFile): Reading {
  return { problems: [problem(fence, 'file-write', saved.problem!.severity, saved.problem!.message, saved.problem!.note)] };
}

function fileOf(fence: Fence): Parameters<typeof savedFile>[0] {
  return { lang: fence.lang, value: fence.code.value, ...(fence.metaName ? { metaName: fence.metaName } : {}), ...(fence.lead ? { lead: fence.lead } : {}) };
}

function problem(fence: Fence, ruleId: string, severity: Diagnostic['severity'], message: string, note?: string): Problem {
  return { span: fence.span, message, ruleId, severity, ...(note ? { note } : {}) };
}
