/**
 * One `docs` collection for Starlight: the pages in site/content/docs, then every runbook in
 * runbooks/ (read by the engine's parser and planner, rendered as a page under /runbooks/).
 */
import { defineCollection, z } from 'astro:content';
import { docsLoader } from '@astrojs/starlight/loaders';
import { docsSchema } from '@astrojs/starlight/schema';
import { runbookPageSchema } from './lib/describe.js';
import { runbookLoader } from './lib/runbook-loader.js';

export const collections = {
  docs: defineCollection({
    loader: runbookLoader({ dir: 'runbooks', before: docsLoader() }),
    schema: docsSchema({ extend: z.object({ runbook: runbookPageSchema.optional() }) }),
  }),
};
