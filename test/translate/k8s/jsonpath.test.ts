/** kubectl's JSONPath: templates evaluated as client-go evaluates them (compared with the real kubectl). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeJsonPath, executeJsonPathAsJson, JsonPathError, parseJsonPath, relaxedJsonPath, type JsonValue } from '../../../src/translate/k8s/jsonpath.js';
import { hasKubectl, testCluster, type TestCluster } from './support.js';

const pod: JsonValue = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'vault-0', namespace: 'vault', labels: { 'app.kubernetes.io/name': 'vault', b: '2' }, creationTimestamp: null },
  spec: {
    containers: [
      { name: 'vault', image: 'hashicorp/vault:1.18.1', ports: [{ containerPort: 8200, name: 'http' }, { containerPort: 8201, name: 'https-internal' }] },
      { name: 'sidecar', image: 'busybox' },
    ],
  },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }], ready: true, ratio: 0.5, html: '<a&b>' },
};

describe('JSONPath (pure)', () => {
  const cases: Array<[string, string]> = [
    ['{.metadata.name}', 'vault-0'],
    ['name: {.metadata.name}!', 'name: vault-0!'],
    ['{.metadata.labels.app\\.kubernetes\\.io/name}', 'vault'],
    ["{.metadata.labels['app\\.kubernetes\\.io/name']}", 'vault'],
    ['{.spec.containers[*].name}', 'vault sidecar'],
    ['{.spec.containers[0].ports[1].containerPort}', '8201'],
    ['{.spec.containers[-1].name}', 'sidecar'],
    ['{.spec.containers[0:1].name}', 'vault'],
    ['{.status.conditions[?(@.type=="Ready")].status}', 'False'],
    ["{.status.conditions[?(@.status!='False')].type}", 'PodScheduled'],
    ['{.spec.containers[0].ports[?(@.containerPort>8200)].name}', 'https-internal'],
    ['{.spec.containers[?(@.ports)].name}', 'vault'],
    ['{range .spec.containers[*]}{.name}={.image}{"\\n"}{end}', 'vault=hashicorp/vault:1.18.1\nsidecar=busybox\n'],
    ['{range .spec.containers[*]}[{range .ports[*]}{.name},{end}]{end}', '[http,https-internal,][]'],
    ['{.metadata.labels}', '{"app.kubernetes.io/name":"vault","b":"2"}'],
    ['{.status.ready} {.status.ratio}', 'true 0.5'],
    ['{.status.html}', '<a&b>'],
    ['{.status}', '{"conditions":[{"status":"False","type":"Ready"},{"status":"True","type":"PodScheduled"}],"html":"\\u003ca\\u0026b\\u003e","phase":"Running","ratio":0.5,"ready":true}'],
    ['{.metadata.creationTimestamp}', '<nil>'],
    ['{.nope}{.spec.nope[*]}', ''],
    ['{..containerPort}', '8200 8201'],
    ['{.spec.containers[*][\'name\', \'image\']}', 'vault sidecar hashicorp/vault:1.18.1 busybox'],
  ];
  for (const [template, expected] of cases) {
    it(`${template}`, () => expect(executeJsonPath(template, pod)).toBe(expected));
  }

  it('prints -o jsonpath-as-json as an indented array', () => {
    expect(executeJsonPathAsJson('{.spec.containers[*].name}', pod)).toBe('[\n    "vault",\n    "sidecar"\n]\n');
  });

  it('fails like kubectl on out-of-range indexes and maps indexed as lists', () => {
    expect(() => executeJsonPath('{.spec.containers[5].name}', pod)).toThrow('error: error executing jsonpath "{.spec.containers[5].name}": Error executing template: array index out of bounds: index 5, length 2');
    expect(() => executeJsonPath('{.metadata.labels[*]}', pod)).toThrow(/map\[string\]interface \{\} is not array or slice/);
  });

  it('rejects templates it cannot parse', () => {
    expect(() => parseJsonPath('{.metadata.name')).toThrow(JsonPathError);
    expect(() => parseJsonPath('{range .items[*]}{.x}')).toThrow(/range/);
    expect(() => parseJsonPath('{end}')).toThrow(/not in range/);
    expect(() => parseJsonPath('{.a[?(@.b=="c"]}')).toThrow(JsonPathError);
    expect(() => parseJsonPath('{.a[x]}')).toThrow(/invalid array index/);
  });

  it('reads wait --for=jsonpath expressions relaxed, like kubectl', () => {
    expect(relaxedJsonPath('.status.phase')).toBe('{.status.phase}');
    expect(relaxedJsonPath('status.phase')).toBe('{.status.phase}');
    expect(relaxedJsonPath('{.status.phase}')).toBe('{.status.phase}');
  });
});

describe('JSONPath against the real kubectl', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await testCluster();
    c.server.state.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'vault' } });
    c.server.state.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'vault' }, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80, name: 'h' }, { containerPort: 8200, name: 'v' }] }, { name: 'd', image: 'j' }] } });
    await c.server.state.waitFor('pods', 'vault', 'p', (p) => p?.status?.phase === 'Running');
  });
  afterAll(() => c?.stop());

  const templates = [
    '{.items[5]}', '{.data.*}', '{..name}', '{@.metadata.name}', '{$.metadata.name}', '{.spec.containers[?(@.name=="d")].image}',
    '{.spec.containers[0].ports[?(@.containerPort>100)].name}', '{.spec.containers[*].ports[?(@.name)].containerPort}',
    '{range .spec.containers[*]}[{.name}:{range .ports[*]}{.containerPort},{end}]{end}', '{.spec.containers[1:].name}',
    '{.spec.containers[::2].name}', 'text only', '{.spec.containers[0].ports}', '{true}', '{.spec.containers[-1].name}',
    "{.spec.containers[?(@.image=='i')].name}", '{.status.conditions[*].type}', '{.spec.containers[5:].name}', '{.metadata.annotations[*]}',
  ];
  for (const template of templates) {
    it.skipIf(!hasKubectl)(`kubectl get pod -o jsonpath='${template}'`, async () => {
      const argv = ['get', 'pod', 'p', '-n', 'vault', '-o', `jsonpath=${template}`];
      const theirs = await c.real(argv);
      if (theirs.code !== 0) {
        const e = await c.fails(argv);
        expect(theirs.stderr).toContain(e.message);
        return;
      }
      const ours = (await c.run(argv)).stdout;
      // kubectl walks maps in Go's random map order for `..` and `*` over objects: compare those as sets.
      const unordered = /\.\.|\.\*|annotations\[\*\]/.test(template);
      if (unordered) expect(ours.split(' ').sort()).toEqual(theirs.stdout.split(' ').sort());
      else expect(ours).toBe(theirs.stdout);
    });
  }
});
