import { port as parsePort } from './options.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RunbookError } from '../diagnostics.js';

const help = `Usage: runbook serve [options]

Serves the docs site on 127.0.0.1 with the run history: every run recorded in the state
directory can be replayed on its runbook's page, and a run another \`runbook exec\` is making
in the same state directory is followed as it happens. Read-only: nothing here starts or
changes a run.

Options:
  --state-dir DIR   where runs are recorded (default: .runbook)
  --port PORT       port to listen on (default: any free port)
  --help, -h        show this help

To watch a run live from its start: runbook exec FILE --live`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'state-dir': { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || positionals.length) {
    console.log(help);
    return values.help ? 0 : 2;
  }
  const port = parsePort(values.port) ?? 0;
  const stateDir = values['state-dir'] ?? '.runbook';
  const { startLiveServer, defaultSiteDir } = await import('../serve/server.js');
  if (!existsSync(join(defaultSiteDir, 'index.html'))) {
    console.error('runbook: the docs site is not built; run `npm run build` first (the run history still works).');
  }
  if (!existsSync(join(stateDir, 'runs'))) console.error(`runbook: no runs recorded in ${stateDir} yet.`);
  const server = await startLiveServer({ stateDir, port });
  console.log(`Docs and run history: ${server.origin}/runs/`);
  console.error('Press Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
