/**
 * The aws CLI's own commands: the ones it implements in Python rather than as one API operation
 * (`s3 cp|ls|sync…`, `eks update-kubeconfig`, `configure get|set|list`, `<service> wait <waiter>`).
 * Each is written once against the SDK, in one module of this folder, and listed in the table below;
 * the aws translator asks the table before its model-driven path. A custom command's call carries
 * `custom` (what it will do, as data); sending it may make several SDK calls and touch local files.
 */
import type { CustomCommand } from './command.js';

export { CustomCommandFailure, isCustomCall, type CustomCall, type CustomCommand, type CustomResult } from './command.js';

interface Entry {
  /** Whether it serves these command words (the service and the subcommand, global options removed). */
  matches(service: string, subcommand: string): boolean;
  /** Its module, imported the first time a runbook uses it: start-up stays the same however many there are. */
  load(): Promise<CustomCommand>;
}

const S3 = new Set(['ls', 'mb', 'rb', 'cp', 'mv', 'rm', 'sync']);
const EKS = new Set(['update-kubeconfig', 'get-token']);

/** The table, in the order it is asked. */
export const customCommands: Record<string, Entry> = {
  s3: { matches: (service, subcommand) => service === 's3' && S3.has(subcommand), load: async () => (await import('./s3.js')).s3 },
  eks: { matches: (service, subcommand) => service === 'eks' && EKS.has(subcommand), load: async () => (await import('./eks.js')).eks },
};

/** The table's key for these command words, if a custom command serves them. */
export function customFor(service: string | undefined, subcommand: string | undefined): string | undefined {
  if (!service || !subcommand) return undefined;
  return Object.keys(customCommands).find((key) => customCommands[key]!.matches(service, subcommand));
}

export const loadCustom = (key: string): Promise<CustomCommand> => customCommands[key]!.load();
