import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { levenshtein } from '../../../src/check/suggest.js';
import { didYouMean, xformName } from '../../../src/translate/aws/names.js';
import { hasAwsCli, python } from './python.js';

describe('xformName (botocore xform_name)', () => {
  it.each([
    ['GetCallerIdentity', 'get-caller-identity'],
    ['ListOpenIDConnectProviders', 'list-open-id-connect-providers'],
    ['CreateOpenIDConnectProvider', 'create-open-id-connect-provider'],
    ['ClientIDList', 'client-id-list'],
    ['roleArn', 'role-arn'],
    ['resourcesVpcConfig', 'resources-vpc-config'],
    ['KeyId', 'key-id'],
    ['PolicyARN', 'policy-arn'],
    ['GatewayARNs', 'gateway-arns'],
    ['ListWebACLs', 'list-web-acls'],
    ['DescribeDBInstances', 'describe-db-instances'],
    ['CreateCachediSCSIVolume', 'create-cached-iscsi-volume'],
    ['ExecutePartiQLStatement', 'execute-partiql-statement'],
    ['AuthenticationCode1', 'authentication-code1'],
    ['S3Key', 's3-key'],
    ['Ec2TagFilters', 'ec2-tag-filters'],
    ['already-cli', 'already-cli'],
  ])('%s → %s', (name, cli) => {
    expect(xformName(name)).toBe(cli);
  });

  it('uses the separator it is given', () => {
    expect(xformName('ListOpenIDConnectProviders', '_')).toBe('list_open_id_connect_providers');
  });

  it.skipIf(!hasAwsCli())('agrees with botocore on generated CamelCase names', () => {
    const names = fc.sample(fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,5}(?:[A-Z]{1,4}[a-z0-9]{0,4}){0,4}s?$/), { numRuns: 400, seed: 42 });
    const expected = python<string[]>('from botocore import xform_name\nprint(json.dumps([xform_name(n, "-") for n in data]))', names);
    expect(names.map((n) => xformName(n))).toEqual(expected);
  });
});

describe('did-you-mean', () => {
  it('measures edit distance', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
  });

  it('suggests close candidates and declines far ones', () => {
    expect(didYouMean('--role-nmae', ['--role-name', '--policy-arn'])).toBe('--role-name');
    expect(didYouMean('creat-key', ['create-key', 'create-alias'])).toBe('create-key');
    expect(didYouMean('--zzz', ['--role-name', '--policy-arn'])).toBeUndefined();
  });

  it('completes a truncated word', () => {
    expect(didYouMean('--role', ['--policy-arn', '--role-name'])).toBe('--role-name');
  });
});
