/** What the kubectl translator takes (the rest runs as the real kubectl), and what `runbook check` reports. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRunbook } from '../../../src/check/index.js';
import { parseRunbook } from '../../../src/markdown/parse.js';
import { K8sApiError, K8sError, K8sExecError } from '../../../src/translate/k8s/errors.js';
import { parseGoDuration } from '../../../src/translate/k8s/translate.js';
import { translator } from '../../../src/translate/k8s/translator.js';

const ctx = { cwd: tmpdir(), planning: true };
const validate = (...args: string[]) => translator.validate(['kubectl', ...args], ctx);

describe('handles', () => {
  it('takes the verbs it translates', () => {
    for (const argv of [
      'create namespace vault', 'create sa vault -n vault', 'create configmap c --from-file=a.hcl', 'create secret generic s --from-literal=a=b',
      'create -f x.yaml', 'apply --server-side -f -', 'apply -f dir/', 'annotate sa vault a=b --overwrite', 'label sa vault a=b',
      'get pods -o jsonpath={.items[*].metadata.name}', 'get sts,svc -A', 'wait --for=condition=Ready pod/vault-0', 'rollout status sts/vault',
      'exec -it vault-0 -- sh', 'exec -n vault pod/vault-0 -c vault -- vault status', '-n vault get pods', '--context prod get ns',
    ]) expect(translator.handles(['kubectl', ...argv.split(' ')]), argv).toBe(true);
  });

  it('leaves the rest to the real kubectl', () => {
    for (const argv of [
      'port-forward svc/vault 8200', 'logs vault-0', 'delete -k overlays/prod', 'get pods -w', 'get pods -o go-template={{.kind}}',
      'apply -k overlays/prod', 'apply -f https://example.com/x.yaml', 'create cronjob c --image=nginx --schedule=@daily', 'create secret tls t --cert=c --key=k --append-hash',
      'rollout undo sts/vault', 'rollout history deploy/web', 'patch deploy web --local -p {}', 'exec deploy/web -- ls', 'get --raw /healthz', 'get pods --token=abc', 'version', 'get pods --help', '',
    ]) expect(translator.handles(['kubectl', ...argv.split(' ').filter(Boolean)]), argv).toBe(false);
    expect(translator.handles(['helm', 'install'])).toBe(false);
  });

  it('treats an unknown verb as a typo to report, unless a kubectl plugin of that name is installed', () => {
    expect(translator.handles(['kubectl', 'aply', '-f', 'x.yaml'])).toBe(true);
    const bin = mkdtempSync(join(tmpdir(), 'plugin-'));
    const path = process.env.PATH;
    try {
      writeFileSync(join(bin, 'kubectl-ctx'), '#!/bin/sh\n');
      chmodSync(join(bin, 'kubectl-ctx'), 0o755);
      process.env.PATH = `${bin}${delimiter}${path}`;
      expect(translator.handles(['kubectl', 'ctx', 'prod'])).toBe(false);
    } finally {
      process.env.PATH = path;
      rmSync(bin, { recursive: true, force: true });
    }
  });
});

describe('validate', () => {
  it('accepts correct commands, with <…> placeholders for values known only at run time', async () => {
    expect(await validate('create', 'namespace', '<$VAULT_NAMESPACE>')).toEqual([]);
    expect(await validate('annotate', 'serviceaccount', 'vault', '-n', '<$NS>', '--overwrite', 'eks.amazonaws.com/role-arn=<$IAM_ROLE_ARN>')).toEqual([]);
    expect(await validate('wait', '--for=jsonpath={.status.phase}=Running', 'pod/vault-0', '--timeout=<$T>')).toEqual([]);
    expect(await validate('create', 'configmap', 'c', '--from-file=written-later.hcl', '--dry-run=client', '-o', 'yaml')).toEqual([]);
    expect(await validate('apply', '--server-side', '-f', '-')).toEqual([]);
    expect(await validate('exec', '-n', 'vault', 'vault-0', '--', 'vault', 'operator', 'init', '-format=json')).toEqual([]);
  });

  it('reports an unknown verb with a suggestion', async () => {
    expect(await validate('aply', '-f', 'x.yaml')).toEqual([
      expect.objectContaining({ argIndex: 1, ruleId: 'k8s-unknown-verb', severity: 'error', message: 'Unexpected kubectl command `aply`; did you mean `apply`?' }),
    ]);
    expect(await validate('create', 'namespce', 'vault')).toEqual([expect.objectContaining({ argIndex: 2, ruleId: 'k8s-unknown-verb', message: expect.stringContaining('did you mean `namespace`?') })]);
    expect(await validate('rollout', 'stauts', 'sts/vault')).toEqual([expect.objectContaining({ ruleId: 'k8s-unknown-verb', message: expect.stringContaining('did you mean `status`?') })]);
  });

  it('reports an unknown flag with a suggestion', async () => {
    expect(await validate('apply', '--server-sid', '-f', 'x.yaml')).toEqual([
      expect.objectContaining({ argIndex: 2, ruleId: 'k8s-unknown-flag', message: 'Unexpected flag `--server-sid` for `kubectl apply`; did you mean `--server-side`?' }),
    ]);
    expect(await validate('annotate', 'sa', 'vault', '--overwrte', 'a=b')).toEqual([expect.objectContaining({ ruleId: 'k8s-unknown-flag', message: expect.stringContaining('`--overwrite`') })]);
    expect(await validate('get', 'pods', '-Z')).toEqual([expect.objectContaining({ ruleId: 'k8s-unknown-flag', message: 'Unexpected shorthand flag `-Z` in `-Z`' })]);
  });

  it('reports bad values', async () => {
    const bad = async (...args: string[]) => (await validate(...args)).map((i) => [i.ruleId, i.message]);
    expect(await bad('wait', '--for=ready', 'pod/x')).toEqual([['k8s-bad-value', 'error: unrecognized condition: "ready"']]);
    expect(await bad('wait', '--for=condition=Ready', 'pod/x', '--timeout=5 minutes')).toEqual([['k8s-bad-value', 'Invalid --timeout `5 minutes`: expected a duration such as 30s, 5m or 1h30m']]);
    expect(await bad('get', 'pods', '-o', 'jsn')).toEqual([['k8s-bad-value', expect.stringMatching(/^Unexpected output format `jsn`, expected one of .*json/)]]);
    expect(await bad('get', 'pods', '-o', 'jsonpath={.items[*]')).toEqual([['k8s-bad-value', expect.stringMatching(/^Invalid JSONPath template/)]]);
    expect(await bad('create', 'configmap', 'c', '--dry-run=maybe')).toEqual([['k8s-bad-value', 'Invalid --dry-run `maybe`, expected one of none, client, server']]);
    expect(await bad('label', 'sa', 'vault', 'app=not ok')).toEqual([['k8s-bad-value', expect.stringMatching(/^Invalid label value/)]]);
    expect(await bad('create', 'namespace', 'Vault_NS')).toEqual([['k8s-bad-value', expect.stringMatching(/^Invalid name `Vault_NS`/)]]);
    expect(await bad('get')).toEqual([['k8s-bad-value', expect.stringMatching(/^You must specify the type of resource to get/)]]);
    expect(await bad('-n', 'Not Valid', 'get', 'pods')).toEqual([['k8s-bad-value', expect.stringMatching(/^Invalid namespace/)]]);
  });

  it('`runbook check` reports them at the word that is wrong', async () => {
    const source = [
      '# Deploy', '',
      '```sh { name=one }',
      'kubectl aply -f x.yaml',
      'kubectl annotate sa vault -n vault --overwrte eks.amazonaws.com/role-arn="$ROLE"',
      'kubectl port-forward svc/vault 8200',
      '```', '',
    ].join('\n');
    const diagnostics = await checkRunbook(parseRunbook(source, join(tmpdir(), 'k8s-check.md')));
    const k8s = diagnostics.filter((d) => d.ruleId.startsWith('k8s-')).map((d) => [d.ruleId, d.start.line, d.start.column]);
    expect(k8s).toEqual([['k8s-unknown-verb', 4, 9], ['k8s-unknown-flag', 5, 36]]);
  });
});

describe('errors', () => {
  it('classifies retryable faults: 429, 5xx, dropped connections', () => {
    expect(translator.isRetryable!(new K8sApiError(429, 'TooManyRequests', 'slow down'))).toBe(true);
    expect(translator.isRetryable!(new K8sApiError(503, 'ServiceUnavailable', 'x'))).toBe(true);
    expect(translator.isRetryable!(new K8sApiError(500, 'InternalError', 'x'))).toBe(true);
    expect(translator.isRetryable!(new K8sApiError(501, 'NotImplemented', 'x'))).toBe(false);
    expect(translator.isRetryable!(new K8sApiError(409, 'Conflict', 'x'))).toBe(false);
    expect(translator.isRetryable!(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(translator.isRetryable!(new K8sError('error: timed out waiting for the condition'))).toBe(false);
    expect(translator.isRetryable!(new K8sExecError(2, '', '', ['vault']))).toBe(false);
  });

  it('AlreadyExists is a 409 with that reason, not any 409', () => {
    expect(translator.isAlreadyExists!(new K8sApiError(409, 'AlreadyExists', 'namespaces "vault" already exists'))).toBe(true);
    expect(translator.isAlreadyExists!(new K8sApiError(409, 'Conflict', 'Apply failed with 1 conflict'))).toBe(false);
  });

  it('reads Go durations', () => {
    expect([parseGoDuration('5m'), parseGoDuration('1h30m'), parseGoDuration('90s'), parseGoDuration('500ms'), parseGoDuration('0'), parseGoDuration('5')]).toEqual([300_000, 5_400_000, 90_000, 500, 0, undefined]);
  });
});
