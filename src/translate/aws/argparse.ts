/**
 * CPython 3.11's `argparse.ArgumentParser.parse_known_args`, for the features the aws CLI v1 uses. The
 * CLI runs three such parsers in turn (global options and the command, then the operation, then the
 * operation's arguments, each on what the previous one left over), so which words it accepts, how an
 * abbreviation resolves, where a value may sit and the wording of every usage error all follow from
 * this algorithm. Ported from Lib/argparse.py (`_parse_known_args`, `_parse_optional`,
 * `_get_option_tuples`, `_get_nargs_pattern`, `_get_values`), with awscli/argparser.py's
 * `CLIArgParser._check_value` for invalid choices.
 */
import { closeMatches } from '../difflib.js';
import { pyRepr } from './output.js';

/** argparse's nargs: `one` is None (exactly one word), `0` a flag, a number N exactly N words (a list). */
export type Nargs = 'one' | '?' | '*' | '+' | number;

export interface Action {
  dest: string;
  /** `['--role-name']`; empty for a positional. */
  optionStrings: readonly string[];
  nargs: Nargs;
  required?: boolean;
  /** Valid values (a CommandAction's command table keys). */
  choices?: readonly string[];
  /** `type=int`: values go through Python's `int()`. */
  int?: boolean;
  /** What a flag stores (`store_true`: true, `store_false`: false); `version` exits instead. */
  flag?: boolean | 'version';
}

/** A word of the original argv (its index there, for positions in messages). */
export interface Word {
  text: string;
  index: number;
}

export interface Taken {
  action: Action;
  /** The option word, for optionals. */
  option?: Word;
  /** The value words (an explicit `--x=value` is its option word). */
  words: Word[];
  /** Python's `int()` of each word, for `int` actions. */
  ints?: number[];
}

export interface ParseResult {
  /** Per dest, the last action taken (a repeated option overwrites, as argparse's store does). */
  taken: Map<string, Taken>;
  /** Words no action took, in argparse's order. */
  extras: Word[];
  /** Every action taken, in the order argparse took them (`append` actions, the CLI's AppendFilter). */
  occurrences: Taken[];
}

/** `parser.error(…)`: usage, then `aws: error: <message>`, exit 2. */
export class ArgparseError extends Error {
  override readonly name = 'ArgparseError';
  constructor(
    message: string,
    /** The word at fault; undefined for a missing argument. */
    readonly word?: Word,
  ) {
    super(message);
  }
}

/** `--version`: argparse prints the version and exits 0. */
export class VersionRequested extends Error {
  override readonly name = 'VersionRequested';
}

type OptionTuple = [Action | undefined, string, string | undefined];

const NEGATIVE_NUMBER = /^-\d+$|^-\d*\.\d+$/;

export class ArgumentParser {
  private readonly optionActions = new Map<string, Action>();
  private readonly actions: Action[] = [];

  /** `conflict_handler='resolve'`: an option string added again moves to the newer action. */
  add(action: Action): this {
    for (const option of action.optionStrings) {
      const old = this.optionActions.get(option);
      if (old) {
        this.optionActions.delete(option);
        const rest = old.optionStrings.filter((o) => o !== option);
        (old as { optionStrings: readonly string[] }).optionStrings = rest;
        if (!rest.length) this.actions.splice(this.actions.indexOf(old), 1);
      }
    }
    this.actions.push(action);
    for (const option of action.optionStrings) this.optionActions.set(option, action);
    return this;
  }

  get actionList(): readonly Action[] {
    return this.actions;
  }

  parseKnownArgs(words: readonly Word[]): ParseResult {
    const taken = new Map<string, Taken>();
    const extras: Word[] = [];
    const occurrences: Taken[] = [];
    const seen = new Set<Action>();

    // 'O' for an option, 'A' for an argument, '-' for the first `--` (everything after it is 'A').
    const optionAt = new Map<number, OptionTuple>();
    let pattern = '';
    for (let i = 0; i < words.length; i++) {
      const text = words[i]!.text;
      if (text === '--') {
        pattern += '-' + 'A'.repeat(words.length - i - 1);
        break;
      }
      const tuple = this.parseOptional(words[i]!);
      if (tuple) optionAt.set(i, tuple);
      pattern += tuple ? 'O' : 'A';
    }

    const takeAction = (action: Action, args: Word[], option?: Word) => {
      seen.add(action);
      const dashes = args.findIndex((w) => w.text === '--');
      const values = dashes >= 0 ? [...args.slice(0, dashes), ...args.slice(dashes + 1)] : args;
      if (action.flag === 'version') throw new VersionRequested('--version');
      const ints: number[] = [];
      for (const word of values) {
        if (action.int) {
          const n = pyInt(word.text);
          if (n === undefined) throw new ArgparseError(`argument ${actionName(action)}: invalid int value: ${pyRepr(word.text)}`, word);
          ints.push(n);
        }
        this.checkValue(action, word);
      }
      const took: Taken = { action, ...(option ? { option } : {}), words: values, ...(action.int ? { ints } : {}) };
      taken.set(action.dest, took);
      occurrences.push(took);
    };

    const consumeOptional = (start: number): number => {
      const [action, optionString, explicit] = optionAt.get(start)!;
      const word = words[start]!;
      if (!action) {
        extras.push(word);
        return start + 1;
      }
      if (explicit !== undefined) {
        // Only double-dash options exist here: an explicit argument fits one-word actions only.
        if (matchArgument(action, 'A') === 1) {
          takeAction(action, [{ text: explicit, index: word.index }], word);
          return start + 1;
        }
        throw new ArgparseError(`argument ${actionName(action)}: ignored explicit argument ${pyRepr(explicit)}`, word);
      }
      void optionString;
      const count = matchArgument(action, pattern.slice(start + 1), word);
      takeAction(action, words.slice(start + 1, start + 1 + count), word);
      return start + 1 + count;
    };

    const positionals = this.actions.filter((a) => !a.optionStrings.length);
    const consumePositionals = (start: number): number => {
      const counts = matchPartial(positionals, pattern.slice(start));
      for (let k = 0; k < counts.length; k++) {
        takeAction(positionals[k]!, words.slice(start, start + counts[k]!));
        start += counts[k]!;
      }
      positionals.splice(0, counts.length);
      return start;
    };

    let start = 0;
    const maxOption = optionAt.size ? Math.max(...optionAt.keys()) : -1;
    while (start <= maxOption) {
      const nextOption = Math.min(...[...optionAt.keys()].filter((i) => i >= start));
      if (start !== nextOption) {
        const end = consumePositionals(start);
        if (end > start) {
          start = end;
          continue;
        }
        start = end;
      }
      if (!optionAt.has(start)) {
        extras.push(...words.slice(start, nextOption));
        start = nextOption;
      }
      start = consumeOptional(start);
    }
    const stop = consumePositionals(start);
    extras.push(...words.slice(stop));

    const missing = this.actions.filter((a) => a.required && !seen.has(a)).map(actionName);
    if (missing.length) throw new ArgparseError(`the following arguments are required: ${missing.join(', ')}`);
    return { taken, extras, occurrences };
  }

  /** `_parse_optional`: undefined for a positional; an unknown option has no action. */
  private parseOptional(word: Word): OptionTuple | undefined {
    const arg = word.text;
    if (!arg || arg[0] !== '-') return undefined;
    const exact = this.optionActions.get(arg);
    if (exact) return [exact, arg, undefined];
    if (arg.length === 1) return undefined;
    const eq = arg.indexOf('=');
    if (eq >= 0) {
      const action = this.optionActions.get(arg.slice(0, eq));
      if (action) return [action, arg.slice(0, eq), arg.slice(eq + 1)];
    }
    const tuples = this.optionTuples(arg);
    if (tuples.length > 1) {
      throw new ArgparseError(`ambiguous option: ${arg} could match ${tuples.map((t) => t[1]).join(', ')}`, word);
    }
    if (tuples.length === 1) return tuples[0];
    if (NEGATIVE_NUMBER.test(arg)) return undefined;
    if (arg.includes(' ')) return undefined;
    return [undefined, arg, undefined];
  }

  /** `_get_option_tuples` (allow_abbrev): every option the word is a prefix of. */
  private optionTuples(arg: string): OptionTuple[] {
    const out: OptionTuple[] = [];
    if (arg[1] === '-') {
      const eq = arg.indexOf('=');
      const prefix = eq >= 0 ? arg.slice(0, eq) : arg;
      const explicit = eq >= 0 ? arg.slice(eq + 1) : undefined;
      for (const [option, action] of this.optionActions) if (option.startsWith(prefix)) out.push([action, option, explicit]);
    } else {
      const short = arg.slice(0, 2);
      for (const [option, action] of this.optionActions) {
        if (option === short) out.push([action, option, arg.slice(2)]);
        else if (option.startsWith(arg)) out.push([action, option, undefined]);
      }
    }
    return out;
  }

  /** awscli's CLIArgParser._check_value: the choices two per line, then close matches. */
  private checkValue(action: Action, word: Word): void {
    const choices = action.choices;
    if (!choices || choices.includes(word.text)) return;
    const lines = ['Invalid choice, valid choices are:\n'];
    for (let i = 0; i < choices.length; i += 2) lines.push(choices.slice(i, i + 2).map((c) => c.padEnd(40)).join(' | '));
    const possible = closeMatches(word.text, choices, 3, 0.8);
    if (possible.length) lines.push(`\n\nInvalid choice: ${pyRepr(word.text)}, maybe you meant:\n`, ...possible.map((p) => `  * ${p}`));
    throw new ArgparseError(`argument ${actionName(action)}: ${lines.join('\n')}`, word);
  }
}

function actionName(action: Action): string {
  return action.optionStrings.length ? action.optionStrings.join('/') : action.dest;
}

/** `_get_nargs_pattern`; options may not take `--`. */
function nargsPattern(action: Action): string {
  const n = action.nargs;
  const p = n === 'one' ? '(-*A-*)' : n === '?' ? '(-*A?-*)' : n === '*' ? '(-*[A-]*)' : n === '+' ? '(-*A[A-]*)' : n === 0 ? '(-*-*)' : `(-*${Array(n).fill('A').join('-*')}-*)`;
  return action.optionStrings.length ? p.replaceAll('-*', '').replaceAll('-', '') : p;
}

/** `_match_argument`: how many of the following words the option takes, or its arity error. */
function matchArgument(action: Action, pattern: string, word?: Word): number {
  const m = new RegExp(`^${nargsPattern(action)}`).exec(pattern);
  if (!m) {
    const n = action.nargs;
    const message = n === 'one' ? 'expected one argument' : n === '?' ? 'expected at most one argument' : n === '+' ? 'expected at least one argument' : n === 1 ? 'expected 1 argument' : `expected ${String(n)} arguments`;
    throw new ArgparseError(`argument ${actionName(action)}: ${message}`, word);
  }
  return m[1]!.length;
}

/** `_match_arguments_partial`: as many positionals as match, each with its word count. */
function matchPartial(actions: readonly Action[], pattern: string): number[] {
  for (let i = actions.length; i > 0; i--) {
    const m = new RegExp(`^${actions.slice(0, i).map(nargsPattern).join('')}`).exec(pattern);
    if (m) return m.slice(1).map((g) => g.length);
  }
  return [];
}

/** Python's `int(text)` for ASCII input: surrounding whitespace, a sign, `_` between digits. */
export function pyInt(text: string): number | undefined {
  const m = /^[ \t\n\r\f\v]*([+-]?)(\d+(?:_\d+)*)[ \t\n\r\f\v]*$/.exec(text);
  if (!m) return undefined;
  return Number(`${m[1]}${m[2]!.replaceAll('_', '')}`);
}
