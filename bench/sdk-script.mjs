#!/usr/bin/env node
// The alternative (b): the AWS runbook's calls written by hand against the SDK, as a careful
// engineer would script them (no adoption, no state). Reads EKS_CLUSTER_NAME from the environment.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { AttachRolePolicyCommand, CreateOpenIDConnectProviderCommand, CreatePolicyCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';

const cluster = process.env.EKS_CLUSTER_NAME;
const sts = new STSClient({});
const kms = new KMSClient({});
const eks = new EKSClient({});
const iam = new IAMClient({});

const account = (await sts.send(new GetCallerIdentityCommand({}))).Account;
const keyId = (await kms.send(new CreateKeyCommand({
  Description: `Vault auto-unseal key for ${cluster}`, KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT',
  Tags: [{ TagKey: 'purpose', TagValue: 'vault-unseal' }, { TagKey: 'cluster', TagValue: cluster }],
}))).KeyMetadata.KeyId;
await kms.send(new CreateAliasCommand({ AliasName: 'alias/vault-key', TargetKeyId: keyId }));
const keyArn = (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata.Arn;
const issuer = (await eks.send(new DescribeClusterCommand({ name: cluster }))).cluster.identity.oidc.issuer;
const provider = issuer.split('/').slice(2).join('/');
await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: ['sts.amazonaws.com'] }));
const trust = {
  Version: '2012-10-17',
  Statement: [{
    Effect: 'Allow',
    Principal: { Federated: `arn:aws:iam::${account}:oidc-provider/${provider}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${provider}:sub`]: 'system:serviceaccount:vault:vault', [`${provider}:aud`]: 'sts.amazonaws.com' } },
  }],
};
const roleArn = (await iam.send(new CreateRoleCommand({ RoleName: 'vault-role', Description: 'Vault auto-unseal through KMS', AssumeRolePolicyDocument: JSON.stringify(trust) }))).Role.Arn;
const policy = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'VaultAutoUnseal', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:DescribeKey'], Resource: keyArn }],
};
const policyArn = (await iam.send(new CreatePolicyCommand({ PolicyName: 'vault-policy', PolicyDocument: JSON.stringify(policy) }))).Policy.Arn;
await iam.send(new AttachRolePolicyCommand({ RoleName: 'vault-role', PolicyArn: policyArn }));
console.log(keyArn);
console.log(roleArn);
