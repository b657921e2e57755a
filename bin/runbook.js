#!/usr/bin/env node
// Thin launcher: the CLI is compiled to lib/ by `npm run build:cli` (run by `npm ci` through `prepare`).
import('../lib/cli/main.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('/lib/cli/main.js')) {
    console.error('runbook: the CLI is not built yet. Run `npm run build:cli` (or `npm ci`) first.');
    process.exit(2);
  }
  throw error;
});
