import { EntityAlreadyExistsException, NoSuchEntityException } from '@aws-sdk/client-iam';
import { AlreadyExistsException, NotFoundException } from '@aws-sdk/client-kms';
import { NoSuchKey } from '@aws-sdk/client-s3';
import { ResourceExistsException, ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { describeCall, isAlreadyExists, isNotFound, isRetryable, redact, type AwsCall } from '../../../src/translate/aws/index.js';

const meta = { $metadata: {}, message: 'x' };

describe('SDK error classification', () => {
  it('already exists', () => {
    expect(isAlreadyExists(new EntityAlreadyExistsException(meta))).toBe(true);
    expect(isAlreadyExists(new AlreadyExistsException(meta))).toBe(true);
    expect(isAlreadyExists(new ResourceExistsException(meta))).toBe(true);
    expect(isAlreadyExists(Object.assign(new Error('in use'), { name: 'ResourceInUseException' }))).toBe(true);
    expect(isAlreadyExists(new NoSuchEntityException(meta))).toBe(false);
    expect(isAlreadyExists(undefined)).toBe(false);
  });

  it('not found', () => {
    expect(isNotFound(new NoSuchEntityException(meta))).toBe(true);
    expect(isNotFound(new NotFoundException(meta))).toBe(true);
    expect(isNotFound(new ResourceNotFoundException(meta))).toBe(true);
    expect(isNotFound(new NoSuchKey(meta))).toBe(true);
    expect(isNotFound(Object.assign(new Error(''), { name: 'ParameterNotFound' }))).toBe(true);
    expect(isNotFound(new EntityAlreadyExistsException(meta))).toBe(false);
  });

  it('retryable: throttling, server faults, network', () => {
    expect(isRetryable(Object.assign(new Error(''), { name: 'ThrottlingException' }))).toBe(true);
    expect(isRetryable(Object.assign(new Error(''), { $retryable: { throttling: true } }))).toBe(true);
    expect(isRetryable(Object.assign(new Error(''), { name: 'InternalFailure', $fault: 'server', $metadata: { httpStatusCode: 500 } }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryable(new NoSuchEntityException(meta))).toBe(false);
    expect(isRetryable('nope')).toBe(false);
  });
});

describe('describeCall and redact', () => {
  const call = {
    serviceId: 'SSM',
    operation: 'PutParameter',
    input: { Name: '/db/pass', Value: 'hunter2', Tags: [{ Key: 'a', Value: 'b' }], Blob: new Uint8Array(3) },
    sensitiveInputPaths: ['Value'],
  } as unknown as AwsCall;

  it('prints the operation and redacted input on one line', () => {
    expect(describeCall(call)).toBe('SSM.PutParameter {"Name":"/db/pass","Value":"***","Tags":[{"Key":"a","Value":"b"}],"Blob":"<3 bytes>"}');
  });

  it('masks nested paths through lists and maps without touching the original', () => {
    const data = { Parameters: [{ Name: 'a', Value: 's1' }, { Name: 'b', Value: 's2' }], Map: { k: 'secret' } };
    expect(redact(data, ['Parameters[].Value', 'Map{}'])).toEqual({ Parameters: [{ Name: 'a', Value: '***' }, { Name: 'b', Value: '***' }], Map: { k: '***' } });
    expect(data.Parameters[0].Value).toBe('s1');
  });
});
