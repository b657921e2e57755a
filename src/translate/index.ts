/** The translator table, keyed by the command name a runbook types. Modules load only when a step needs them. */
import type { Translator } from './types.js';

// Each translator is typed for its own Call; the table erases that (the engine only passes calls back to their translator).
const modules: Record<string, () => Promise<{ translator: Translator }>> = {
  aws: () => import('./aws/translator.js') as unknown as Promise<{ translator: Translator }>,
  kubectl: () => import('./k8s/translator.js') as unknown as Promise<{ translator: Translator }>,
  gcloud: () => import('./gcp/translator.js') as unknown as Promise<{ translator: Translator }>,
};

const loaded = new Map<string, Promise<Translator>>();

export function hasTranslator(command: string): boolean {
  return command in modules;
}

export async function translatorFor(argv: string[]): Promise<Translator | undefined> {
  const name = argv[0];
  if (!name || !(name in modules)) return undefined;
  if (!loaded.has(name)) loaded.set(name, modules[name]!().then((m) => m.translator));
  const translator = await loaded.get(name)!;
  return translator.handles(argv) ? translator : undefined;
}

export const translatorNames = Object.keys(modules);
