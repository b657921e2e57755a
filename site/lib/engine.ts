/**
 * The engine's parser and planner for the content loader, loaded by Node itself (through tsx)
 * rather than by Vite. Planning imports translators and SDK clients lazily, and in `astro build`
 * loaders run after Vite's module runner for the content config has closed: a lazy import through
 * it would fail ("Vite module runner has been closed").
 */
import { tsImport } from 'tsx/esm/api';
import type { parseRunbook } from '../../src/markdown/parse.js';
import type { analyzeFlow } from '../../src/plan/flow.js';
import type { planRunbook } from '../../src/plan/plan.js';
import type { prerequisiteTools, toolsOf } from '../../src/plan/tools.js';

export interface Engine {
  parseRunbook: typeof parseRunbook;
  analyzeFlow: typeof analyzeFlow;
  planRunbook: typeof planRunbook;
  toolsOf: typeof toolsOf;
  prerequisiteTools: typeof prerequisiteTools;
  /** The CLIs the engine serves itself. */
  served: readonly string[];
}

let engine: Promise<Engine> | undefined;

export function loadEngine(): Promise<Engine> {
  engine ??= (async () => {
    const load = (path: string) => tsImport(new URL(path, import.meta.url).href, import.meta.url);
    const [parse, flow, plan, tools, translate] = await Promise.all([
      load('../../src/markdown/parse.ts'),
      load('../../src/plan/flow.ts'),
      load('../../src/plan/plan.ts'),
      load('../../src/plan/tools.ts'),
      load('../../src/translate/index.ts'),
    ]);
    return {
      parseRunbook: parse.parseRunbook, analyzeFlow: flow.analyzeFlow, planRunbook: plan.planRunbook,
      toolsOf: tools.toolsOf, prerequisiteTools: tools.prerequisiteTools, served: translate.translatorNames,
    };
  })();
  return engine;
}
