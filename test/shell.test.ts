import { describe, expect, it } from 'vitest';
import { lowerStatements } from '../src/plan/lower.js';
import { bindFields, bindString } from '../src/plan/bind.js';
import { parseShell } from '../src/shell/parse.js';

describe('parseShell', () => {
  it("reads the guide's heredoc with its stray $ as a parameter followed by a literal $", () => {
    const script = parseShell('cat <<EOF > iam-policy.json\n{\n\t"Resource": "$KEY_ARN$"\n}\nEOF\n', { line: 75, column: 1 });
    expect(script.error).toBeUndefined();
    const st = script.statements[0]!;
    expect(st.kind).toBe('simple');
    const heredoc = st.kind === 'simple' ? st.redirects.find((r) => r.heredoc)!.heredoc! : undefined;
    expect(heredoc?.quoted).toBe(false);
    const parts = heredoc!.body.parts.map((p) => (p.kind === 'param' ? `$${p.name}` : p.kind === 'literal' ? p.value : p.kind));
    expect(parts).toContain('$KEY_ARN');
    expect(parts[parts.indexOf('$KEY_ARN') + 1]).toMatch(/^\$/);
    expect(script.reads).toEqual([{ name: 'KEY_ARN', hasDefault: false, span: { start: { line: 77, column: 15 }, end: { line: 77, column: 23 } } }]);
  });

  it('keeps quoted heredocs literal', () => {
    const script = parseShell("cat <<'EOF' > f\n$HOME ${X}\nEOF\n");
    expect(script.reads).toEqual([]);
    const actions = lowerStatements(script.statements);
    expect(actions[0]).toMatchObject({ kind: 'run' });
    const spec = actions[0]!.kind === 'run' ? actions[0]!.pipeline[0]! : undefined;
    expect(bindString((spec!.stdin as { text: never }).text, () => 'no')).toBe('$HOME ${X}\n');
  });

  it('reports an unclosed heredoc at its position', () => {
    const script = parseShell('echo ok\ncat <<EOF > f.json\n{}\n', { line: 10, column: 4 });
    expect(script.error?.message).toMatch(/unclosed here-document/);
    expect(script.error?.span.start).toEqual({ line: 11, column: 8 });
  });

  it('lowers export X=$(aws … | cut …) to a captured pipeline and an assignment', () => {
    const script = parseShell(`export OIDC=$(aws eks describe-cluster --name "$C" --query cluster.identity.oidc.issuer --output text | cut -d'/' -f3-)`);
    const actions = lowerStatements(script.statements);
    expect(actions.map((a) => a.kind)).toEqual(['run', 'assign']);
    const run = actions[0]!;
    if (run.kind !== 'run') throw new Error();
    expect(run.capture).toBe('__subst1');
    expect(run.pipeline.map((c) => bindFields(c.argv[0]!, () => undefined)[0])).toEqual(['aws', 'cut']);
    expect(run.pipeline[1]!.argv.flatMap((t) => bindFields(t, () => undefined))).toEqual(['cut', '-d/', '-f3-']);
    expect(actions[1]).toMatchObject({ kind: 'assign', name: 'OIDC', exported: true });
  });

  it('splits unquoted expansions into fields and keeps quoted ones whole', () => {
    const [action] = lowerStatements(parseShell('echo $A "$A" x${B}y').statements);
    if (action?.kind !== 'run') throw new Error();
    const argv = action.pipeline[0]!.argv.flatMap((t) => bindFields(t, (n) => ({ A: 'one two', B: '' })[n]));
    expect(argv).toEqual(['echo', 'one', 'two', 'one two', 'xy']);
  });

  it('turns declared bare placeholders into references', () => {
    const [action] = lowerStatements(parseShell('aws eks describe-cluster --name EKS_CLUSTER_NAME --role arn:aws:iam::ACCOUNT_ID:role/x').statements, new Set(['EKS_CLUSTER_NAME', 'ACCOUNT_ID']));
    if (action?.kind !== 'run') throw new Error();
    const argv = action.pipeline[0]!.argv.flatMap((t) => bindFields(t, (n) => ({ EKS_CLUSTER_NAME: 'prod', ACCOUNT_ID: '123456789012' })[n]));
    expect(argv).toEqual(['aws', 'eks', 'describe-cluster', '--name', 'prod', '--role', 'arn:aws:iam::123456789012:role/x']);
  });

  it('handles ${X:-default} and ANSI-C quoting', () => {
    const [action] = lowerStatements(parseShell("echo ${R:-us-east-1} $'a\\tb'").statements);
    if (action?.kind !== 'run') throw new Error();
    expect(action.pipeline[0]!.argv.flatMap((t) => bindFields(t, () => undefined))).toEqual(['echo', 'us-east-1', 'a\tb']);
  });
});
