/**
 * Terminal sessions pasted into a fence: `$ kubectl get pods` followed by what it printed. The commands
 * are the prompted lines plus the lines that continue them (a `\` continuation, an open quote, a heredoc
 * body, an unfinished `if`/`for`/`{`…); the rest is output. Whether a command goes on is the shell
 * parser's call, not a pattern's: mvdan/sh reports input that stops mid-command with its own messages.
 *
 * The result keeps the fence's lines: output lines become empty and a prompt becomes spaces, so the
 * positions `runbook check` reports still point into the Markdown. The one exception is a `> ` secondary
 * prompt inside a quote or heredoc body: there spaces would change the text, so it is removed and that
 * line's columns shift by two.
 */
import { parseShell } from '../shell/parse.js';

export interface Session {
  /** What runs: prompts blanked, output lines emptied; the text unchanged when no line is prompted. */
  code: string;
  /** Some line carried a prompt, so unprompted lines after it were read as output. */
  prompted: boolean;
}

/** What the next line continues when a command is unfinished: text where spaces matter, or shell words. */
type Continues = 'text' | 'words';

/** mvdan/sh's messages for input that stops mid-command. */
const unfinishedBy: Array<[RegExp, Continues]> = [
  [/^reached EOF without closing quote/, 'text'],
  [/^unclosed here-document/, 'text'],
  [/^reached EOF without matching/, 'words'],
  [/ statement must end with "/, 'words'],
  [/ must be followed by "(?:then|do|in)"$/, 'words'],
  [/ must be followed by a statement$/, 'words'],
  [/ must be followed by an expression$/, 'words'],
];

/** `$ ` and `% ` (the user's prompt, one kind per fence) or `# ` (root's, in session languages only). */
const promptPattern = /^([ \t]*)([$%#])(?: |$)/;
/** Bash's secondary prompt, shown before each line that continues a command. */
const secondaryPrompt = /^>(?: |$)/;

/**
 * Read a fence as a session. `transcript` is for the session languages (`console`, `terminal`…): root's
 * `# ` is a prompt and lines before the first prompt are output. In a script language (`bash`…) `#`
 * starts a comment and lines before the first prompt are code, as if the prompts came later.
 */
export function readSession(text: string, transcript: boolean): Session {
  const lines = text.split(/\r?\n/);
  const mayPrompt = lines.some((l) => {
    const m = promptPattern.exec(l);
    return m && (m[2] !== '#' || transcript);
  });
  if (!mayPrompt) return { code: transcript ? lines.map(() => '').join('\n') : text, prompted: false };

  const out = lines.map(() => '');
  let user: string | undefined;
  let prompted = false;
  for (let i = 0; i < lines.length; ) {
    const line = lines[i]!;
    const m = promptPattern.exec(line);
    // A fence uses one user prompt: after `$ curl …`, curl's `  % Total` header is output.
    const isPrompt = !!m && (m[2] === '#' ? transcript : (user ??= m[2]) === m[2]);
    let first: string;
    if (isPrompt) {
      prompted = true;
      first = m![1] + ' '.repeat(m![0].length - m![1].length) + line.slice(m![0].length);
    } else if (!prompted && !transcript) {
      first = line;
    } else {
      i++;
      continue;
    }
    // Only a prompted command shows the secondary prompt; in code, `> file` on the next line is a redirect.
    const next = lines[i + 1];
    const ps2 = isPrompt && next !== undefined && secondaryPrompt.test(next);
    const command = (ps2 && readCommand(lines, i, first, true)) || readCommand(lines, i, first, false)!;
    command.forEach((l, k) => (out[i + k] = l));
    i += command.length;
  }
  return { code: out.join('\n'), prompted };
}

/**
 * The lines of the command that starts at `start`: that line and every line the parser says continues it.
 * With `ps2`, each continuation line must show the `> ` prompt (else undefined, and the caller reads the
 * lines as they are): a redirect `> file` on the line after a `\` is then still a redirect.
 */
function readCommand(lines: string[], start: number, first: string, ps2: boolean): string[] | undefined {
  const command = [first];
  let state = unfinished(first);
  for (let i = start + 1; state && i < lines.length; i++) {
    let line = lines[i]!;
    if (ps2) {
      const m = secondaryPrompt.exec(line);
      if (!m) return undefined;
      const rest = line.slice(m[0].length);
      line = state.continues === 'text' ? rest : ' '.repeat(m[0].length) + rest;
    }
    command.push(line);
    // Parse again only when this line could finish what is open: a long heredoc costs one parse, not one a line.
    if (state.mayEnd(line)) state = unfinished(command.join('\n'));
  }
  return command;
}

interface Unfinished {
  continues: Continues;
  /** Whether a line could finish the open construct (it holds the word or character that closes it). */
  mayEnd(line: string): boolean;
}

/** Whether the parser needs more lines to finish `code`, of what kind, and what would finish it. */
function unfinished(code: string): Unfinished | undefined {
  const script = parseShell(code);
  if (script.error) {
    const message = script.error.message;
    const continues = unfinishedBy.find(([pattern]) => pattern.test(message))?.[1];
    if (!continues) return undefined;
    // mvdan/sh names what closes it: `unclosed here-document 'EOF'`, `… must end with "fi"`, `… closing quote "`.
    const closer = /here-document '(.+)'$/.exec(message)?.[1] ?? /"([^"]+)"$/.exec(message)?.[1] ?? /closing quote (\S+)$/.exec(message)?.[1];
    const heredoc = /^unclosed here-document/.test(message);
    return {
      continues,
      mayEnd: closer ? (line) => (heredoc ? line.trim() === closer : line.includes(closer)) : () => true,
    };
  }
  // The parser takes a final `\` as a line continuation with nothing after it. It joins the next line
  // when a probe line then extends the last statement instead of starting one of its own.
  if (!code.endsWith('\\')) return undefined;
  const probe = parseShell(`${code}\n:`);
  return !probe.error && probe.statements.length === script.statements.length ? { continues: 'words', mayEnd: () => true } : undefined;
}
