/**
 * The `runbook` command. Each subcommand is its own module, imported only when used, so
 * `runbook --help` and `runbook check` never load a cloud SDK.
 */
import { RunbookError } from '../diagnostics.js';

const commands: Record<string, { summary: string; load: () => Promise<{ run(args: string[]): Promise<number> }> }> = {
  check: { summary: 'Find mistakes in runbooks before they run (file:line:col, like a compiler)', load: () => import('./check.js') },
  plan: { summary: 'Show the ordered steps and the exact calls a run will make', load: () => import('./plan.js') },
  exec: { summary: 'Run a runbook: SDK calls, state, resume and adoption', load: () => import('./exec.js') },
  list: { summary: 'List the runbooks in runbooks/ with their titles and parameters', load: () => import('./list.js') },
  serve: { summary: 'Serve the docs site with the live execution log and past runs', load: () => import('./serve.js') },
};

export function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return [
    'Usage: runbook <command> [options]',
    '',
    'Markdown runbooks, checked like programs and executed as typed SDK calls.',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `runbook <command> --help` for a command\'s options.',
    '',
    'Examples:',
    '  runbook check runbooks/*.md',
    '  runbook plan vault-kms-aws.md --param EKS_CLUSTER_NAME=prod',
    '  runbook exec vault-kms-aws.md --sandbox',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    console.log(pkg.version);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    const { closest } = await import('../check/suggest.js');
    const guess = closest(name, Object.keys(commands));
    console.error(`runbook: unknown command '${name}'.${guess ? ` Did you mean '${guess}'?` : ''}\n\n${usage()}`);
    return 2;
  }
  return (await command.load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof RunbookError) {
      console.error(`runbook: ${error.message}`);
      if (error.options.hint) console.error(`  ${error.options.hint}`);
      process.exitCode = error.options.exitCode ?? 1;
    } else if ((error as { code?: string })?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`runbook: ${(error as Error).message}`);
      process.exitCode = 2;
    } else {
      console.error('runbook: internal error (this is a bug, please report it with the output below)');
      console.error(error);
      process.exitCode = 70;
    }
  },
);
