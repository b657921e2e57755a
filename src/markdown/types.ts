import type { Diagnostic, Point, Span } from '../diagnostics.js';
import type { Param } from '../params/types.js';
import type { Script } from '../shell/types.js';
import type { StepAttributes } from './meta.js';

export const stepLanguages = ['sh', 'bash', 'zsh', 'shell', 'console'] as const;

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
  /** The shell as the engine runs it (`$ ` prompts removed from `console` fences). */
  code: string;
  /** The whole fence in the file. */
  span: Span;
  /** Where the first line of code sits in the file. */
  codeStart: Point;
  script: Script;
  /**
   * A JSON/YAML/text fence the guide tells the reader to save ("Save the following as `policy.json`",
   * `title="policy.json"`, a `# policy.yaml` first line): the engine writes `content` to `path`
   * (relative to the session's working directory) and runs nothing. `code` is then empty.
   */
  write?: { path: string; content: string };
  /** Check rules silenced for this step by `<!-- runbook-ignore RULE … -->` just before the fence. */
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
