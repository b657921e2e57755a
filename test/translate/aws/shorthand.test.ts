import { CreateClusterCommand } from '@aws-sdk/client-eks';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memberByName, operationModel } from '../../../src/translate/aws/schema.js';
import { applyModel, ShorthandParseError, ShorthandParser } from '../../../src/translate/aws/shorthand.js';
import { hasAwsCli, python } from './python.js';

const parse = (text: string) => new ShorthandParser().parse(text);

describe('shorthand parser (awscli/shorthand.py)', () => {
  it.each([
    ['a=b', { a: 'b' }],
    ['a=b,c', { a: ['b', 'c'] }],
    ['a=b,c=d', { a: 'b', c: 'd' }],
    ['a=b,c,d=e', { a: ['b', 'c'], d: 'e' }],
    ['Key=Name,Value=vault server', { Key: 'Name', Value: 'vault server' }],
    ['a=[b,c]', { a: ['b', 'c'] }],
    ['a=[]', { a: [] }],
    ['a={b=c,d=[e,f]}', { a: { b: 'c', d: ['e', 'f'] } }],
    ['TagSet=[{Key=env,Value=dev},{Key=team,Value=ops}]', { TagSet: [{ Key: 'env', Value: 'dev' }, { Key: 'team', Value: 'ops' }] }],
    ["a='b,c'", { a: 'b,c' }],
    ['a="x \\" y"', { a: 'x " y' }],
    ['a=b\\,c', { a: 'b,c' }],
    ['a=', { a: '' }],
    ['a = b , c = d', { a: 'b', c: 'd' }],
    ['a=b,,c=d', { a: 'b', c: 'd' }],
    ['subnetIds=subnet-1,subnet-2,securityGroupIds=sg-1', { subnetIds: ['subnet-1', 'subnet-2'], securityGroupIds: 'sg-1' }],
    ['arn=arn:aws:iam::1:role/x', { arn: 'arn:aws:iam::1:role/x' }],
  ])('%s', (input, expected) => {
    expect(parse(input)).toEqual(expected);
  });

  it.each(['a', ' a=b', 'a={b=c', 'a=[b', 'a=b,c==d'])('rejects %s', (input) => {
    expect(() => parse(input)).toThrow(ShorthandParseError);
  });

  it('rejects a repeated key with a hint about the comma, worded as the CLI words it', () => {
    try {
      parse('a=b,a=c');
      expect.unreachable();
    } catch (error) {
      expect((error as ShorthandParseError).cliText).toBe(
        'Second instance of key "a" encountered for input:\na=b,a=c\n    ^\nThis is often because there is a preceding "," instead of a space.',
      );
    }
  });

  it("keeps the CLI's literal placeholder in syntax errors (its f-string prefix is missing)", () => {
    try {
      parse('a=[b');
      expect.unreachable();
    } catch (error) {
      expect((error as ShorthandParseError).cliText).toBe("Expected: ',', received: 'EOF' for input:\n{self._error_location()}");
    }
  });

  it('shows where the input went wrong', () => {
    try {
      parse('a=b,c==d');
      expect.unreachable();
    } catch (error) {
      expect((error as ShorthandParseError).location).toBe('a=b,c==d\n      ^');
    }
  });

  it('loads key@=file:// values through the resolver', () => {
    const parser = new ShorthandParser((v) => (v === 'file://x' ? 'CONTENT' : undefined));
    expect(parser.parse('a@=file://x,b=file://x')).toEqual({ a: 'CONTENT', b: 'file://x' });
  });

  it.skipIf(!hasAwsCli())('agrees with awscli on generated inputs', () => {
    const inputs = [
      ...fc.sample(fc.stringMatching(/^[a-c=,[\]{} '"\\x1-]{0,14}$/), { numRuns: 500, seed: 7 }),
      ...fc.sample(
        fc
          .array(fc.tuple(fc.constantFrom('a', 'b', 'Key', 'k.1'), fc.constantFrom('v', 'x y', '[p,q]', '{r=s}', "'u,v'", 'w,z', '')), { minLength: 1, maxLength: 3 })
          .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join(',')),
        { numRuns: 200, seed: 8 },
      ),
    ];
    const expected = python<Array<{ ok?: unknown; error?: true }>>(
      [
        'from awscli.shorthand import ShorthandParser, ShorthandParseError',
        'out = []',
        'for v in data:',
        '    try:',
        '        out.append({"ok": ShorthandParser().parse(v)})',
        '    except ShorthandParseError:',
        '        out.append({"error": True})',
        'print(json.dumps(out))',
      ].join('\n'),
      inputs,
    );
    const actual = inputs.map((v) => {
      try {
        return { ok: parse(v) };
      } catch (error) {
        if (error instanceof ShorthandParseError) return { error: true as const };
        throw error;
      }
    });
    inputs.forEach((input, i) => expect(actual[i], JSON.stringify(input)).toEqual(expected[i]));
  });
});

describe('back-compat visitor (model-driven coercion)', () => {
  const model = operationModel(CreateClusterCommand)!;
  const vpc = memberByName(model.input, 'resourcesVpcConfig')!.schema;

  it('wraps a single value given for a list and converts booleans', () => {
    expect(applyModel(parse('subnetIds=subnet-1,endpointPublicAccess=true,endpointPrivateAccess=False'), vpc)).toEqual({
      subnetIds: ['subnet-1'],
      endpointPublicAccess: true,
      endpointPrivateAccess: false,
    });
  });

  it('leaves values it cannot convert for validation to report', () => {
    expect(applyModel(parse('endpointPublicAccess=maybe'), vpc)).toEqual({ endpointPublicAccess: 'maybe' });
  });
});
