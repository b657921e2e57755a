/** The generated CLI paginator table agrees with the installed botocore; `UPDATE=1` rewrites it. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI_PAGINATORS, type CliPaginatorEntry } from '../../../src/translate/aws/cli-pagination.js';
import { hasAwsCli, python } from './python.js';

const TABLE = fileURLToPath(new URL('../../../src/translate/aws/cli-pagination.ts', import.meta.url));
const BOTOCORE_NAMES: Record<string, string> = { s3api: 's3', configservice: 'config', deploy: 'codedeploy' };

const GENERATE = `
import botocore.session
s = botocore.session.get_session()
out = {}
for cli_name, svc in data:
    pm = s.get_paginator_model(svc)
    m = s.get_service_model(svc)
    ops = {}
    for op, cfg in sorted(pm._paginator_config.items()):
        lst = lambda v: v if isinstance(v, list) else [v]
        it, ot, rk = lst(cfg['input_token']), lst(cfg['output_token']), lst(cfg['result_key'])
        shape = m.operation_model(op).output_shape
        default = [k for k, sh in shape.members.items() if sh.type_name in ('list', 'map') and k not in ot]
        e = {'i': it}
        if ot != it: e['o'] = ot
        if cfg.get('limit_key'): e['l'] = cfg['limit_key']
        if cfg.get('more_results'): e['m'] = cfg['more_results']
        if default != rk: e['r'] = rk
        if cfg.get('non_aggregate_keys'): e['n'] = cfg['non_aggregate_keys']
        ops[op] = e
    out[cli_name] = ops
print(json.dumps(out))
`;

type Generated = Record<string, Record<string, { i: string[]; o?: string[]; l?: string; m?: string; r?: string[]; n?: string[] }>>;

const list = (v: string | readonly string[] | undefined) => (v === undefined ? undefined : typeof v === 'string' ? [v] : [...v]);

function normalise(entry: CliPaginatorEntry) {
  return Object.fromEntries(
    Object.entries({ i: list(entry.i), o: list(entry.o), l: entry.l, m: entry.m, r: list(entry.r), n: list(entry.n) }).filter(([, v]) => v !== undefined),
  );
}

const q = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
const one = (v: string[]) => (v.length === 1 ? q(v[0]) : `[${v.map(q).join(', ')}]`);

function render(generated: Generated): string {
  const head = readFileSync(TABLE, 'utf8').split('export const CLI_PAGINATORS')[0];
  const services = Object.entries(generated).map(([service, ops]) => {
    const lines = Object.entries(ops).map(([op, e]) => {
      const parts = [`i: ${one(e.i)}`];
      if (e.o) parts.push(`o: ${one(e.o)}`);
      if (e.l) parts.push(`l: ${q(e.l)}`);
      if (e.m) parts.push(`m: ${q(e.m)}`);
      if (e.r) parts.push(`r: [${e.r.map(q).join(', ')}]`);
      if (e.n) parts.push(`n: [${e.n.map(q).join(', ')}]`);
      return `    ${op}: { ${parts.join(', ')} },`;
    });
    const key = /^[A-Za-z_]\w*$/.test(service) ? service : q(service);
    return `  ${key}: {\n${lines.join('\n')}\n  },`;
  });
  return `${head}export const CLI_PAGINATORS: Readonly<Record<string, Readonly<Record<string, CliPaginatorEntry>>>> = {\n${services.join('\n')}\n};\n`;
}

describe('CLI paginator table', () => {
  it.skipIf(!hasAwsCli())('matches botocore', () => {
    const services = Object.keys(CLI_PAGINATORS).map((cli) => [cli, BOTOCORE_NAMES[cli] ?? cli]);
    const generated = python<Generated>(GENERATE, services);
    if (process.env.UPDATE) writeFileSync(TABLE, render(generated));
    const actual = Object.fromEntries(
      Object.entries(CLI_PAGINATORS).map(([service, ops]) => [service, Object.fromEntries(Object.entries(ops).map(([op, e]) => [op, normalise(e)]))]),
    );
    expect(actual).toEqual(generated);
  });

  it('has the cases the SDK paginators get wrong', () => {
    expect(CLI_PAGINATORS.s3api.ListObjects.o).toBe('NextMarker || Contents[-1].Key');
    expect(CLI_PAGINATORS.route53.ListResourceRecordSets.i).toHaveLength(3);
    expect(CLI_PAGINATORS.secretsmanager.ListSecretVersionIds).toBeUndefined();
  });
});
