/** One `aws …` command through the translator as the engine's shell session runs it: translate, send, format, or fail like the CLI. */
import { translator } from '../../../src/translate/aws/translator.js';
import type { CliRun } from './aws-cli.js';

export interface Outcome extends CliRun {
  /** The translator hands the command back to the real CLI. */
  untranslatable?: boolean;
}

export async function runOurs(argv: string[], context: { cwd: string; env: Record<string, string>; stdin?: string }): Promise<Outcome> {
  const stdin = context.stdin !== undefined ? { stdin: context.stdin } : {};
  try {
    const call = await translator.translate(argv, { cwd: context.cwd, env: context.env, ...stdin });
    const result = await translator.send(call, { env: context.env, ...stdin });
    return { code: 0, stdout: translator.format(result, call), stderr: '' };
  } catch (error) {
    if (translator.isUntranslatable!(error)) return { code: -1, stdout: '', stderr: String((error as Error).message), untranslatable: true };
    const { stderr, exitCode } = translator.failure!(error, argv);
    return { code: exitCode, stdout: '', stderr };
  }
}

/** The stderr line argparse's error starts on (`aws: error: …`), or the first non-empty line. */
export function errorLine(stderr: string): string {
  const lines = stderr.split('\n');
  return lines.find((l) => l.startsWith('aws: error:')) ?? lines.find((l) => l.trim() !== '') ?? '';
}
