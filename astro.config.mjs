// @ts-check
import starlight from '@astrojs/starlight';
import { pluginLineNumbers } from '@expressive-code/plugin-line-numbers';
import { defineConfig } from 'astro/config';
import { remarkRunbook } from './site/lib/remark-runbook.ts';

// The docs site: Starlight over site/ (srcDir), with runbooks/*.md as pages (site/content.config.ts).
// `npm run build` writes it to dist/, which `runbook serve` and `runbook exec --live` serve.
export default defineConfig({
  srcDir: './site',
  publicDir: './site/public',
  outDir: './dist',
  markdown: {
    // Strips engine attributes from every fence's meta before Expressive Code reads it, and
    // annotates runbook steps.
    remarkPlugins: [remarkRunbook],
  },
  integrations: [
    starlight({
      title: 'runbook',
      description: 'Markdown runbooks, checked like programs and executed as typed SDK calls.',
      sidebar: [
        {
          label: 'Start here',
          items: [
            { label: 'Runbooks', link: '/' },
            { slug: 'writing-runbooks' },
            { label: 'Run history', link: '/runs/' },
          ],
        },
        // Runbook pages have ids `runbooks/<name>` and file paths `runbooks/<name>.md`.
        { label: 'Runbooks', autogenerate: { directory: 'runbooks' } },
      ],
      components: {
        MarkdownContent: './site/components/MarkdownContent.astro',
      },
      customCss: ['./site/styles/runbook.css'],
      expressiveCode: {
        // Fences in the guides say `showLineNumbers=false` where they want none: numbers are the default.
        plugins: [pluginLineNumbers()],
      },
      pagination: false,
    }),
  ],
});
