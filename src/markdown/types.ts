import type { Diagnostic, Point, Span } from '../diagnostics.js';
import type { Param } from '../params/types.js';
import type { Script } from '../shell/types.js';
import type { StepAttributes } from './meta.js';

/** Fence languages whose content is shell: a step, unless the guide shows printed output in one (src/markdown/fences.ts). */
export const stepLanguages = ['sh', 'bash', 'zsh', 'shell', 'console', 'shellsession', 'shell-session', 'sh-session', 'terminal'] as const;

/**
 * The languages among them that show a terminal session rather than a script: a line is a command
 * only after a prompt (`$ `, `% `, root's `# `), and every other line is printed output.
 */
export const sessionLanguages: ReadonlySet<string> = new Set(['console', 'shellsession', 'shell-session', 'sh-session', 'terminal']);

export interface Step {
  /** Unique id: the fence's `name` attribute, else a slug of its title. */
  id: string;
  /** 1-based position in the runbook. */
  index: number;
  title: string;
  /** Heading trail above the step, outermost first. */
  section: string[];
  lang: string;
  meta: { raw: string; display: string; attributes: StepAttributes };
  /**
   * The shell as the engine runs it, line for line with the fence: prompts (`$ `, `% `) are blanked
   * with spaces and printed output lines are emptied (src/markdown/session.ts). Empty for a file write.
   */
  code: string;
  /** The whole fence in the file. */
  span: Span;
  /** Where the first line of code sits in the file. */
  codeStart: Point;
  script: Script;
  /**
   * A JSON/YAML/text fence the guide tells the reader to save ("Save the following as `policy.json`",
   * `title="policy.json"`, a `# policy.yaml` first line): the engine writes `content` to `path`
   * (relative to the session's working directory) and runs nothing. `code` is then empty and `script`
   * has no statements. A shell fence of data the guide says to save (```shell holding a values.yaml) is
   * one too, with a `mislabelled-fence` warning (src/markdown/files.ts).
   */
  write?: { path: string; content: string };
  /**
   * Check rules silenced for this step by `<!-- runbook-ignore RULE … -->` just before the fence, or at
   * the top of the document for every step (src/markdown/ignore.ts). The parser's own diagnostics for
   * the step are already filtered by them.
   */
  ignoreRules: string[];
}

export interface Runbook {
  /** The path as given, used in messages. */
  file: string;
  /** Basename without `.md`: the key for state and the site. */
  name: string;
  title: string;
  description?: string;
  frontmatter: Record<string, unknown>;
  /** Declared parameters; see params/infer.ts for the full set. */
  params: Param[];
  steps: Step[];
  /** Problems found while reading: frontmatter, fence attributes, shell syntax. */
  diagnostics: Diagnostic[];
}
