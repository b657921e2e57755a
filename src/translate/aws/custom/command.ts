/** What a custom command module is and returns (the table that lists them is ./index.ts). */
import type { SendContext, TranslateContext } from '../../types.js';

export interface CustomCall {
  tool: 'aws';
  /** `S3.Cp`, `EKS.UpdateKubeconfig`, `EC2.WaitInstanceRunning`: shown in plans and events. */
  operation: string;
  input: unknown;
  mutating: boolean;
  display: string;
  /** Which module serves it (the table's key) and what it parsed. */
  custom: { command: string; args: unknown };
}

export interface CustomResult {
  stdout: string;
  stderr?: string;
  /** What a mutating command did, when it knows: `adopted` when there was nothing to do. */
  outcome?: 'created' | 'updated' | 'adopted';
  /** Values it printed that must be redacted (a token). */
  secrets?: string[];
}

/**
 * A command that ran and failed the way the CLI reports it: what it printed on both streams and its
 * exit status (`aws s3 cp` exits 1 when a transfer failed, 2 when it only warned).
 */
export class CustomCommandFailure extends Error {
  override readonly name = 'CustomCommandFailure';
  constructor(
    readonly stdout: string,
    readonly stderr: string,
    readonly exitCode: number,
  ) {
    super(stderr.trim() || `exit status ${exitCode}`);
  }
}

export interface CustomCommand {
  /** argv -> the call; a TranslateError (aws/errors.ts) for what the CLI would refuse. */
  translate(argv: string[], context: TranslateContext): Promise<CustomCall>;
  send(call: CustomCall, context: SendContext): Promise<CustomResult>;
  /** Whether it reads its standard input (`aws s3 cp - s3://b/k`). */
  readsStdin?(argv: string[]): boolean;
}

export const isCustomCall = (call: unknown): call is CustomCall => !!call && typeof call === 'object' && 'custom' in call;
