/**
 * The aws CLI's own commands: the ones it implements in Python rather than as one API operation
 * (`s3 cp|ls|sync…`, `eks update-kubeconfig`, `configure get|set|list`, `<service> wait <waiter>`).
 * Each is written once against the SDK, in one module of this folder, and listed in the table below;
 * the aws translator asks the table before its model-driven path. A custom command's call carries
 * `custom` (what it will do, as data); sending it may make several SDK calls and touch local files.
 */
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
}

export interface CustomCommand {
  /** Whether it serves these command words (the service and the subcommand, global options removed). */
  matches(service: string, subcommand: string): boolean;
  /** argv -> the call; a TranslateError (aws/errors.ts) for what the CLI would refuse. */
  translate(argv: string[], context: TranslateContext): Promise<CustomCall>;
  send(call: CustomCall, context: SendContext): Promise<CustomResult>;
}

/** The table: filled by the modules of this folder, in the order they are asked. */
export const customCommands: Record<string, CustomCommand> = {};

export function customFor(service: string | undefined, subcommand: string | undefined): CustomCommand | undefined {
  if (!service || !subcommand) return undefined;
  return Object.values(customCommands).find((c) => c.matches(service, subcommand));
}

export const isCustomCall = (call: unknown): call is CustomCall => !!call && typeof call === 'object' && 'custom' in call;
