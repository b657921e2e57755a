/**
 * What a failing call prints, against the aws CLI: service errors as botocore reads them per protocol
 * (awsQuery XML, JSON, REST-JSON, REST-XML, a HEAD without a body), errors without a message, generic
 * 5xx pages, retries exhausted, and a connection refused. moto gives the ordinary errors; a canned
 * 127.0.0.1 server gives the corners. Both sides talk to the same server and must print the same.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAwsClients } from '../../../src/translate/aws/index.js';
import { motoEnv, startMoto, type Moto } from '../../support/moto.js';
import { AwsCli, type CliRun } from './aws-cli.js';
import { startErrorServer, type Canned, type ErrorServer } from './error-server.js';
import { runOurs, type Outcome } from './run-ours.js';

const XML = (error: string) => `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error>${error}</Error><RequestId>r-1</RequestId></ErrorResponse>`;

/** The canned answer per name in the request (a role name, key id, cluster name, zone id, bucket). */
const CANNED: Record<string, Canned> = {
  'no-message': { status: 404, body: XML('<Type>Sender</Type><Code>NoSuchEntity</Code>') },
  'empty-message': { status: 404, body: XML('<Type>Sender</Type><Code>NoSuchEntity</Code><Message></Message>') },
  'html-500': { status: 500, headers: { 'content-type': 'text/html' }, body: '<html><body>oops</body></html>' },
  'empty-503': { status: 503 },
  throttled: { status: 400, body: XML('<Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message>') },
  'errors-root': { status: 400, body: '<Response><Errors><Error><Code>InvalidAction</Code><Message>nope</Message></Error></Errors><RequestID>r-2</RequestID></Response>' },
  'json-no-message': { status: 400, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: '{"__type":"NotFoundException"}' },
  'json-namespaced': { status: 400, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: '{"__type":"com.amazonaws.kms#NotFoundException:http://internal/","message":"gone"}' },
  'json-not-json': { status: 400, body: 'plain text failure' },
  'json-query-compatible': {
    status: 400,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender' },
    body: '{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"no queue"}',
  },
  'rest-header-type': { status: 404, headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException:http://internal/' }, body: '{"message":"from the header"}' },
  'rest-code-in-body': { status: 400, headers: { 'content-type': 'application/json' }, body: '{"code":"BadRequestException","message":"bad"}' },
  'rest-empty': { status: 409 },
  'xml-error-root': { status: 404, body: '<Error><Code>NoSuchHostedZone</Code></Error>' },
  'xml-response-root': { status: 400, body: '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidInput</Code><Message>bad id</Message></Error><RequestId>r-3</RequestId></ErrorResponse>' },
  forbidden: { status: 403 },
};

function pick(request: { url: string; body: string; headers: Record<string, unknown> }): Canned {
  const text = `${decodeURIComponent(request.url)} ${decodeURIComponent(request.body.replace(/\+/g, ' '))}`;
  const name = Object.keys(CANNED).find((k) => new RegExp(`(^|[^-\\w])${k}($|[^-\\w])`).test(text));
  return CANNED[name ?? 'no-message']!;
}

let moto: Moto;
let server: ErrorServer;
let closedPort: number;
let dir: string;
let cli: AwsCli;
let env: Record<string, string>;
const savedEnv = { ...process.env };

const against = (endpoint: () => string) => (...argv: string[]) => () => ['aws', ...argv, '--endpoint-url', endpoint()];
const canned = against(() => server.endpoint);
const onMoto = (...argv: string[]) => () => ['aws', ...argv];

const cases: Array<{ why: string; argv: () => string[]; code?: number }> = [
  { why: 'awsQuery: IAM NoSuchEntity', argv: onMoto('iam', 'get-role', '--role-name', 'nobody') },
  { why: 'JSON 1.1: KMS NotFoundException', argv: onMoto('kms', 'describe-key', '--key-id', 'nobody') },
  { why: 'JSON: Secrets Manager ResourceNotFoundException', argv: onMoto('secretsmanager', 'get-secret-value', '--secret-id', 'nobody') },
  { why: 'JSON: SSM ParameterNotFound', argv: onMoto('ssm', 'get-parameter', '--name', '/nobody') },
  { why: 'REST-JSON: EKS ResourceNotFoundException', argv: onMoto('eks', 'describe-cluster', '--name', 'nobody') },
  { why: 'REST-XML: Route 53 NoSuchHostedZone', argv: onMoto('route53', 'get-hosted-zone', '--id', 'nobody') },
  { why: 'REST-XML: S3 <Error> root', argv: onMoto('s3api', 'get-object', '--bucket', 'nobody', '--key', 'k', 'out.txt') },
  { why: 'REST-XML: a HEAD has no body, the status speaks', argv: onMoto('s3api', 'head-object', '--bucket', 'nobody', '--key', 'k') },
  { why: 'awsQuery without a Message: Unknown', argv: canned('iam', 'get-role', '--role-name', 'no-message') },
  { why: 'awsQuery with an empty Message: None', argv: canned('iam', 'get-role', '--role-name', 'empty-message') },
  { why: 'an HTML 500 page: the status and its reason, retries exhausted', argv: canned('iam', 'get-role', '--role-name', 'html-500') },
  { why: 'an empty 503', argv: canned('iam', 'get-role', '--role-name', 'empty-503') },
  { why: 'throttling, retries exhausted', argv: canned('iam', 'get-role', '--role-name', 'throttled') },
  { why: 'an EC2-style Errors root', argv: canned('iam', 'get-role', '--role-name', 'errors-root') },
  { why: 'JSON without a message: an empty one', argv: canned('kms', 'describe-key', '--key-id', 'json-no-message') },
  { why: 'JSON with a namespaced type', argv: canned('kms', 'describe-key', '--key-id', 'json-namespaced') },
  { why: 'a body that is not JSON is the message', argv: canned('kms', 'describe-key', '--key-id', 'json-not-json') },
  { why: 'x-amzn-query-error names the code', argv: canned('kms', 'describe-key', '--key-id', 'json-query-compatible') },
  { why: 'REST-JSON: the x-amzn-ErrorType header', argv: canned('eks', 'describe-cluster', '--name', 'rest-header-type') },
  { why: 'REST-JSON: a code in the body', argv: canned('eks', 'describe-cluster', '--name', 'rest-code-in-body') },
  { why: 'REST-JSON: no body at all', argv: canned('eks', 'describe-cluster', '--name', 'rest-empty') },
  { why: 'REST-XML: an <Error> root without a message', argv: canned('route53', 'get-hosted-zone', '--id', 'xml-error-root') },
  { why: 'REST-XML: an ErrorResponse root', argv: canned('route53', 'get-hosted-zone', '--id', 'xml-response-root') },
  { why: 'REST-XML: a 403 HEAD', argv: canned('s3api', 'head-object', '--bucket', 'forbidden', '--key', 'k') },
  { why: 'a connection refused (JSON, POST /)', argv: against(() => `http://127.0.0.1:${closedPort}`)('kms', 'list-keys') },
  { why: 'a connection refused (REST, the path in the URL)', argv: against(() => `http://127.0.0.1:${closedPort}`)('eks', 'describe-cluster', '--name', 'demo') },
];

const results = new Map<string, { cli: CliRun; ours: Outcome }>();

beforeAll(async () => {
  moto = await startMoto();
  server = await startErrorServer(pick);
  closedPort = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  // One attempt on both sides: botocore's retries sleep for seconds; the message still says "max retries".
  env = { ...(process.env as Record<string, string>), ...motoEnv(moto.endpoint), AWS_MAX_ATTEMPTS: '1' };
  Object.assign(process.env, env);
  dir = mkdtempSync(join(tmpdir(), 'runbook-aws-failure-'));
  cli = new AwsCli(dir);
  const runs = await Promise.all(cases.map((c) => cli.run(c.argv())));
  for (const [i, c] of cases.entries()) results.set(c.why, { cli: runs[i]!, ours: await runOurs(c.argv(), { cwd: dir, env }) });
}, 120_000);

afterAll(async () => {
  closeAwsClients();
  await cli?.stop();
  await server?.stop();
  await moto?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

describe('a failed call prints what the aws CLI prints', () => {
  it.each(cases.map((c) => [c.why]))('%s', (why) => {
    const { cli: theirs, ours } = results.get(why)!;
    expect(theirs.code, theirs.stderr).toBe(255);
    expect(ours.code).toBe(255);
    expect(ours.stdout).toBe(theirs.stdout);
    expect(ours.stderr).toBe(theirs.stderr);
    if (process.env.DUMP_AWS_DIFF) console.log(`${why}: ${JSON.stringify(theirs.stderr)}`);
  });
});
