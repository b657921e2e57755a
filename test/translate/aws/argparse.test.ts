/**
 * The argparse port against CPython's argparse with awscli's CLIArgParser, on random command lines:
 * the same values taken, the same words left over, the same error messages. Two parsers like the
 * CLI's: a main parser (options and a required command) and an operation parser (options and `help`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArgparseError, ArgumentParser, type Action } from '../../../src/translate/aws/argparse.js';
import { hasAwsCli, python } from './python.js';

const MAIN: Action[] = [
  { dest: 'region', optionStrings: ['--region'], nargs: 'one' },
  { dest: 'output', optionStrings: ['--output'], nargs: 'one', choices: ['json', 'text', 'table'] },
  { dest: 'no_paginate', optionStrings: ['--no-paginate'], nargs: 0, flag: false },
  { dest: 'no_verify', optionStrings: ['--no-verify-ssl'], nargs: 0, flag: false },
  { dest: 'command', optionStrings: [], nargs: 'one', required: true, choices: ['iam', 'kms', 'iam-ish'] },
];

const OPERATION: Action[] = [
  { dest: 'role_name', optionStrings: ['--role-name'], nargs: 'one', required: true },
  { dest: 'role_arn', optionStrings: ['--role-arn'], nargs: 'one' },
  { dest: 'tags', optionStrings: ['--tags'], nargs: '*' },
  { dest: 'flag', optionStrings: ['--flag'], nargs: 0, flag: true },
  { dest: 'flag', optionStrings: ['--no-flag'], nargs: 0, flag: false },
  { dest: 'max_items', optionStrings: ['--max-items'], nargs: 'one', int: true },
  { dest: 'skeleton', optionStrings: ['--generate-cli-skeleton'], nargs: '?', choices: ['input', 'output'] },
  { dest: 'help', optionStrings: [], nargs: '?' },
];

const TOKENS = [
  '--role-name', '--role', '--r', '--ro', '--role-name=x', '--role-a', '--tags', '--tags=a', '--flag', '--no-flag', '--fl', '--no', '--flag=1',
  '--output', '--out', '--output=text', '--o', 'json', 'yaml', '--max-items', '--max', '--max-items=3', '3', '-3', 'x', 'y', '-x', '-x y', '--',
  'help', '--unknown', '--unknown=v', 'a b', '', '-', '--region', '--re', '--reg=eu', 'iam', 'kms', 'iam-is', '--generate-cli-skeleton', 'input',
  '--no-paginate', '--no-p', '--n',
];

/** awscli's CLIArgParser with `error` raising instead of exiting; nargs 0 actions are store_true/store_false. */
const PYTHON = `
import argparse
from awscli.argparser import CLIArgParser
class Failed(Exception): pass
class P(CLIArgParser):
    def error(self, message): raise Failed(message)
out = []
for spec, words in data:
    p = P(add_help=False, conflict_handler='resolve', prog='aws')
    for a in spec:
        kw = {'dest': a['dest']} if a['optionStrings'] else {}
        if a.get('nargs') == 0: kw['action'] = 'store_true' if a.get('flag') else 'store_false'; kw['default'] = None
        else:
            if a['nargs'] != 'one': kw['nargs'] = a['nargs']
            if a.get('choices'): kw['choices'] = a['choices']
            if a.get('int'): kw['type'] = int
            if a.get('required') and a['optionStrings']: kw['required'] = True
        p.add_argument(*(a['optionStrings'] or [a['dest']]), **kw)
    try:
        ns, extras = p.parse_known_args(words)
        out.append({'values': vars(ns), 'extras': extras})
    except Failed as e:
        out.append({'error': str(e)})
print(json.dumps(out))
`;

function ours(spec: Action[], words: string[]): unknown {
  const parser = new ArgumentParser();
  for (const action of spec) parser.add({ ...action, optionStrings: [...action.optionStrings] });
  try {
    const { taken, extras } = parser.parseKnownArgs(words.map((text, index) => ({ text, index })));
    const values: Record<string, unknown> = {};
    for (const action of spec) {
      const t = taken.get(action.dest);
      if (values[action.dest] !== undefined && !t) continue;
      if (!t) values[action.dest] = null;
      else if (t.action.nargs === 0) values[action.dest] = t.action.flag;
      else if (t.ints) values[action.dest] = t.action.nargs === '*' ? t.ints : t.ints[0];
      else if (t.action.nargs === '*') values[action.dest] = t.words.map((w) => w.text);
      else values[action.dest] = t.words[0]?.text ?? null;
    }
    return { values, extras: extras.map((w) => w.text) };
  } catch (error) {
    if (error instanceof ArgparseError) return { error: error.message };
    throw error;
  }
}

describe('argparse port', () => {
  it.skipIf(!hasAwsCli())('takes, leaves and refuses what CPython argparse does', () => {
    const lines = fc.sample(fc.array(fc.constantFrom(...TOKENS), { maxLength: 7 }), { numRuns: 600, seed: 7 });
    const cases = lines.flatMap((words) => [[MAIN, words], [OPERATION, words]] as Array<[Action[], string[]]>);
    const expected = python<unknown[]>(PYTHON, cases);
    cases.forEach(([spec, words], i) => expect(ours(spec, words), `${spec === MAIN ? 'main' : 'operation'}: ${JSON.stringify(words)}`).toEqual(expected[i]));
  }, 60_000);

  it('points at the word at fault', () => {
    const parser = new ArgumentParser();
    for (const action of OPERATION) parser.add({ ...action });
    const at = (words: string[]) => {
      try {
        parser.parseKnownArgs(words.map((text, index) => ({ text, index })));
      } catch (error) {
        return (error as ArgparseError).word?.index;
      }
      return 'parsed';
    };
    expect(at(['--role-name'])).toBe(0);
    expect(at(['--role-name', 'r', '--max-items', 'many'])).toBe(3);
    expect(at(['--role-name', 'r', '--fl=1'])).toBe(2);
    expect(at(['--tags'])).toBeUndefined();
  });
});
