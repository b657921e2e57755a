/** botocore's minimums (src/translate/aws/constraints.ts) against the installed botocore; `UPDATE=1` rewrites the table. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { constraintEntries, minimumOf } from '../../../src/translate/aws/constraints.js';
import { hasAwsCli, python } from './python.js';

const TABLE = fileURLToPath(new URL('../../../src/translate/aws/constraints.ts', import.meta.url));

/** The services of the client packages package.json lists: SDK package key → botocore service. */
const SERVICES: Record<string, string> = {
  sts: 'sts', kms: 'kms', iam: 'iam', eks: 'eks', 'route-53': 'route53', s3: 's3', 'secrets-manager': 'secretsmanager', ssm: 'ssm',
};

// Per member name: `Member=min` when every input structure agrees, else `Structure.Member=min` where
// one is set. A minimum length of 0 never fails and is left out.
const GENERATE = `
import botocore.session, collections
s = botocore.session.get_session()
out = {}
for key, svc in data.items():
    m = s.get_service_model(svc)
    occ = collections.defaultdict(dict)
    seen = set()
    def walk(shape):
        if shape is None or shape.name in seen: return
        seen.add(shape.name)
        if shape.type_name == 'structure':
            for name, mem in shape.members.items():
                if mem.type_name in ('string', 'list', 'integer', 'long', 'float', 'double'):
                    lo = mem.metadata.get('min')
                    if lo == 0 and mem.type_name in ('string', 'list'): lo = None
                    occ[name][shape.name] = lo
                walk(mem)
        elif shape.type_name == 'list': walk(shape.member)
        elif shape.type_name == 'map': walk(shape.value)
    for op in m.operation_names:
        walk(m.operation_model(op).input_shape)
    entries = []
    for name, structs in sorted(occ.items()):
        mins = set(structs.values())
        if mins == {None}: continue
        if len(mins) == 1: entries.append(f'{name}={mins.pop()}')
        else: entries += [f'{st}.{name}={v}' for st, v in sorted(structs.items()) if v is not None]
    out[key] = entries
print(json.dumps(out))
`;

function render(generated: Record<string, string[]>): string {
  const source = readFileSync(TABLE, 'utf8');
  const wrap = (entries: string[]) => {
    const lines: string[] = [];
    let line = '';
    for (const e of entries) {
      if (line && line.length + e.length + 1 > 110) {
        lines.push(line);
        line = e;
      } else line = line ? `${line} ${e}` : e;
    }
    if (line) lines.push(line);
    return lines.map((l) => `    ${l}`).join('\n');
  };
  const body = Object.entries(generated)
    .map(([key, entries]) => `  ${/^[a-z0-9]+$/.test(key) ? key : `'${key}'`}: \`\n${wrap(entries)}\n  \`,`)
    .join('\n');
  return source.replace(/const TABLE: Readonly<Record<string, string>> = \{\n[\s\S]*?\n\};/, `const TABLE: Readonly<Record<string, string>> = {\n${body}\n};`);
}

describe('botocore minimums', () => {
  it.skipIf(!hasAwsCli())('match the installed botocore', () => {
    const generated = python<Record<string, string[]>>(GENERATE, SERVICES);
    if (process.env.UPDATE) writeFileSync(TABLE, render(generated));
    expect(constraintEntries()).toEqual(generated);
  }, 60_000);

  it('answer per structure where structures differ, per member where they agree', () => {
    expect(minimumOf('@aws-sdk/client-iam', 'AttachRolePolicyRequest', 'PolicyArn')).toBe(20);
    expect(minimumOf('@aws-sdk/client-sts', 'AssumeRoleRequest', 'DurationSeconds')).toBe(900);
    expect(minimumOf('@aws-sdk/client-sts', 'GetWebIdentityTokenRequest', 'DurationSeconds')).toBe(60);
    expect(minimumOf('@aws-sdk/client-kms', 'ListKeysRequest', 'Limit')).toBe(1);
    expect(minimumOf('@aws-sdk/client-elastic-load-balancing-v2', 'X', 'Name')).toBeUndefined();
  });
});
