import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMeta } from '../src/markdown/meta.js';
import { parseRunbook } from '../src/markdown/parse.js';
import { readSession } from '../src/markdown/session.js';
import { matchFixture } from './support/fixtures.js';

const md = (...lines: string[]) => lines.join('\n');
const parse = (...lines: string[]) => parseRunbook(md(...lines), 'g.md');
/** Each diagnostic as `line:col severity ruleId: message`. */
const messages = (rb: ReturnType<typeof parseRunbook>) => rb.diagnostics.map((d) => `${d.start.line}:${d.start.column} ${d.severity} ${d.ruleId}: ${d.message}`);

describe('fence meta', () => {
  it('keeps Expressive Code meta and reads Runme attributes', () => {
    expect(parseMeta('showLineNumbers=false frame=none')).toEqual({ attributes: {}, display: 'showLineNumbers=false frame=none', problems: [] });
    expect(parseMeta('{ name=create-key timeout=30s skip }')).toMatchObject({ attributes: { name: 'create-key', timeout: 30_000, skip: true }, display: '' });
    expect(parseMeta('{"name":"create-key","confirm":true}')).toMatchObject({ attributes: { name: 'create-key', confirm: true } });
    expect(parseMeta('title="a b" {1,3-4} { name=x }').display).toBe('title="a b" {1,3-4}');
  });

  it('reports bad attributes', () => {
    expect(parseMeta('{ nmae=x }').problems[0]?.message).toMatch(/Unknown fence attribute `nmae`/);
    expect(parseMeta('{ timeout=soon }').problems[0]?.message).toMatch(/expected a duration/);
  });
});

describe('parseRunbook', () => {
  it('titles steps from their list item, paragraph or heading, in order', () => {
    const rb = parseRunbook(
      [
        '---', 'title: T', 'params:', '  REGION: aws-region', '---', '', '## Keys', '',
        '1. Create the key. More text here.', '   ```sh', '   echo one', '   ```', '',
        'A paragraph introduces this:', '```bash { name=two }', 'echo two', '```', '',
        '### Only a heading', '```console', '$ echo three', 'three', '```', '',
        '```js', 'not a step', '```',
      ].join('\n'),
      'x.md',
    );
    expect(rb.title).toBe('T');
    expect(rb.params).toMatchObject([{ name: 'REGION', type: 'aws-region', required: true, origin: 'declared' }]);
    expect(rb.steps.map((s) => [s.id, s.title, s.section.join('/'), s.code.trim()])).toEqual([
      ['create-the-key', 'Create the key', 'T/Keys'.replace('T/', ''), 'echo one'],
      ['two', 'A paragraph introduces this', 'Keys', 'echo two'],
      ['only-a-heading', 'Only a heading', 'Keys/Only a heading', 'echo three'],
    ]);
    expect(rb.steps[0]!.codeStart).toEqual({ line: 11, column: 4 });
  });

  it('reports bad parameter declarations at their line', () => {
    const rb = parseRunbook(['---', 'params:', '  GOOD: string', '  BAD:', '    type: colour', '  E: {type: enum}', '---'].join('\n'), 'p.md');
    expect(rb.diagnostics.map((d) => `${d.start.line} ${d.ruleId}`)).toEqual(['4 param-declaration', '6 param-declaration', '1 no-steps']);
    expect(rb.diagnostics[1]!.message).toMatch(/needs `values`/);
  });
});

describe('prompts in shell fences', () => {
  it('strips `$ ` prompts into spaces and empties the printed output, line for line', () => {
    const rb = parse('Zones:', '', '```bash', '$ aws route53 list-hosted-zones --output text', 'HOSTEDZONES  Z1  example.com.', '$ echo done', 'done', '```');
    const step = rb.steps[0]!;
    expect(step.code).toBe(md('  aws route53 list-hosted-zones --output text', '', '  echo done', ''));
    // The commands keep their columns in the Markdown: `aws` is at 4:3.
    expect(step.script.statements.map((s) => `${s.span.start.line}:${s.span.start.column} ${s.raw}`)).toEqual([
      '4:3 aws route53 list-hosted-zones --output text', '6:3 echo done',
    ]);
    expect(rb.diagnostics).toEqual([]);
  });

  it('keeps the lines that continue a command: `\\`, open quotes, heredoc bodies, unfinished loops', () => {
    expect(readSession(md('$ aws route53 list-resource-record-sets --hosted-zone-id Z1 \\', '    --query "ResourceRecordSets[0]"', '{ "Name": "x." }'), false).code)
      .toBe(md('  aws route53 list-resource-record-sets --hosted-zone-id Z1 \\', '    --query "ResourceRecordSets[0]"', ''));
    expect(readSession(md('$ echo "one', 'two"', 'one', 'two'), false).code).toBe(md('  echo "one', 'two"', '', ''));
    expect(readSession(md('$ cat <<EOF > trust.json', '{"a": 1}', 'EOF', '$ cat trust.json', '{"a": 1}'), false).code)
      .toBe(md('  cat <<EOF > trust.json', '{"a": 1}', 'EOF', '  cat trust.json', ''));
    expect(readSession(md('$ for ns in a b; do', '  kubectl get ns $ns', 'done', 'a  Active', 'b  Active'), false).code)
      .toBe(md('  for ns in a b; do', '  kubectl get ns $ns', 'done', '', ''));
    expect(readSession(md('$ if true; then', 'echo y', 'fi', 'y'), false).code).toBe(md('  if true; then', 'echo y', 'fi', ''));
    expect(readSession(md('$ kubectl get pods |', 'grep web', 'web-1  1/1'), false).code).toBe(md('  kubectl get pods |', 'grep web', ''));
  });

  it('strips the `> ` secondary prompt: as spaces between words, removed inside a heredoc or quote', () => {
    expect(readSession(md('$ aws kms create-key \\', '>   --description vault', '{}'), false).code).toBe(md('  aws kms create-key \\', '    --description vault', ''));
    expect(readSession(md('$ cat <<EOF > values.yaml', '> server:', '>   ha: true', '> EOF', '$ helm version'), false).code)
      .toBe(md('  cat <<EOF > values.yaml', 'server:', '  ha: true', 'EOF', '  helm version'));
    expect(readSession(md('$ for i in 1 2; do', '>   echo $i', '> done', '1', '2'), false).code).toBe(md('  for i in 1 2; do', '    echo $i', '  done', '', ''));
    // Without the prompt on every continuation line, `> file` is a redirect.
    expect(readSession(md('$ kubectl get cm x -o yaml \\', '> cm.yaml', '$ ls'), false).code).toBe(md('  kubectl get cm x -o yaml \\', '  cm.yaml', '  ls'));
    expect(readSession(md('$ echo a \\', 'b \\', '> out.txt'), false).code).toBe(md('  echo a \\', 'b \\', '> out.txt'));
  });

  it('takes `% ` as zsh\'s prompt, one prompt kind per fence', () => {
    expect(readSession(md('% brew install helm', '==> Pouring helm'), false)).toEqual({ code: md('  brew install helm', ''), prompted: true });
    // After `$ curl`, curl's progress header is output.
    expect(readSession(md('$ curl -O https://example.com/x', '  % Total    % Received', '100  1024'), false).code).toBe(md('  curl -O https://example.com/x', '', ''));
  });

  it('reads code before the first prompt as code in a script fence, and as output in a session', () => {
    expect(readSession(md('# set up', 'export A=1', '$ echo $A', '1'), false).code).toBe(md('# set up', 'export A=1', '  echo $A', ''));
    expect(readSession(md('kubectl get cm x -o yaml \\', '> cm.yaml', '$ cat cm.yaml'), false).code).toBe(md('kubectl get cm x -o yaml \\', '> cm.yaml', '  cat cm.yaml'));
    expect(readSession(md('Last login: today', '$ echo $A', '1'), true).code).toBe(md('', '  echo $A', ''));
  });

  it('leaves a fence with no prompted line as it is, `$ ` inside a heredoc included', () => {
    const text = md('cat <<EOF > notes.md', '$ not a prompt', 'EOF', 'echo ok');
    expect(readSession(text, false)).toEqual({ code: text, prompted: false });
    const rb = parse('Notes:', '', '```sh', text, '```');
    expect(rb.steps[0]!.code).toBe(text);
  });

  it('keeps `console`\'s root prompt `# `, while `#` starts a comment in `bash`', () => {
    expect(parse('Root:', '', '```console', '$ sudo -i', '# apt-get update', 'Hit:1 http://deb', '```').steps[0]!.code).toBe(md('  sudo -i', '  apt-get update', ''));
    expect(parse('Root:', '', '```bash', '$ sudo -i', '# apt-get update', '```').steps[0]!.code).toBe(md('  sudo -i', ''));
  });

  it('reads shellsession, shell-session and terminal fences as sessions', () => {
    const rb = parse('# T', '', '```shellsession', '$ git --version', 'git version 2.43.0', '```', '', '```terminal', '$ docker ps', 'CONTAINER ID', '```');
    expect(rb.steps.map((s) => [s.lang, s.code])).toEqual([['shellsession', md('  git --version', '')], ['terminal', md('  docker ps', '')]]);
  });

  it('reads a session fence without prompts as commands when they read as commands, else as output and no step', () => {
    const rb = parse('# T', '', '```console', 'kubectl apply -f web.yaml', '```', '', '```console', 'NAME   READY', 'web-1  1/1', '```');
    expect(rb.steps.map((s) => s.code)).toEqual(['kubectl apply -f web.yaml']);
    expect(messages(rb)).toEqual(['3:1 info unprompted-session: Read the console fence without prompts as commands']);
  });

  it('reads a fence the paragraph before calls output as output: a transcript under a caption, lines that are no commands under an announcement', () => {
    const rb = parse(
      'List the services:', '', '```bash', 'kubectl get svc web', '```', '',
      'Sample output', '', '```terminal', '$ kubectl get svc web', 'NAME  TYPE', 'web   LoadBalancer', '```', '',
      'This should yield something similar:', '', '```sh', 'ns-1.awsdns-01.org.', 'ns-2.awsdns-02.net.', '```', '',
      'You should see something like this, then run:', '', '```sh', 'kubectl get ns', '```',
    );
    expect(rb.steps.map((s) => s.code)).toEqual(['kubectl get svc web', 'kubectl get ns']);
    expect(messages(rb)).toEqual([
      '9:1 info output-fence: Read the terminal fence as printed output, not a step: the paragraph before it says so',
      '17:1 info output-fence: Read the sh fence as printed output, not a step: the paragraph before it says so',
    ]);
  });

  it('reports a syntax error in a prompted command at its place in the Markdown', () => {
    const rb = parse('Bad:', '', '```sh', 'ok', '$ echo )', 'out', '```');
    expect(messages(rb)).toEqual(['5:8 error shell-syntax: Shell syntax error: a command can only contain words and redirects; encountered )']);
  });
});

describe('unlabelled fences', () => {
  it('reads one whose lines are commands as a step, with an info on how to label it', () => {
    const rb = parse('# T', '', 'Create the role:', '', '```', 'export ROLE=vault', 'aws iam create-role --role-name "$ROLE" \\', '  --assume-role-policy-document file://trust.json', '```');
    expect(rb.steps.map((s) => [s.id, s.lang, s.code, s.codeStart])).toEqual([
      ['create-the-role', 'sh', md('export ROLE=vault', 'aws iam create-role --role-name "$ROLE" \\', '  --assume-role-policy-document file://trust.json'), { line: 6, column: 1 }],
    ]);
    expect(rb.diagnostics).toEqual([{
      file: 'g.md', start: { line: 5, column: 1 }, end: { line: 9, column: 4 }, severity: 'info', ruleId: 'untagged-fence',
      message: 'Read the unlabelled fence as shell commands', note: 'label it ```bash to say so, or ```text to leave it out',
    }]);
  });

  it('leaves printed output, YAML, JSON and bare assignments alone', () => {
    const rb = parse(
      '# T', '',
      '```', 'NAME    READY   STATUS', 'web-1   1/1     Running', '```', '',
      '```', 'apiVersion: v1', 'kind: Namespace', '```', '',
      '```', '{', '  "KeyId": "k"', '}', '```', '',
      '```', 'AWS_REGION=us-east-1', '```', '',
      '```', 'kubectl get pods', 'NAME    READY', '```',
    );
    expect(rb.steps).toEqual([]);
  });

  it('reads prompted lines as commands whatever they run', () => {
    const rb = parse('Check:', '', '```', '$ ./scripts/verify.sh', 'all good', '```');
    expect(rb.steps.map((s) => s.code)).toEqual([md('  ./scripts/verify.sh', '')]);
  });

  it('reads an indented code block the same way, four columns in', () => {
    const rb = parse('Now run:', '', '    kubectl get pods -n vault', '');
    expect(rb.steps.map((s) => [s.code, s.codeStart, s.script.statements[0]!.span.start])).toEqual([
      ['kubectl get pods -n vault', { line: 3, column: 5 }, { line: 3, column: 5 }],
    ]);
    expect(rb.diagnostics[0]).toMatchObject({ ruleId: 'untagged-fence', message: 'Read the unlabelled code block as shell commands', note: 'write it as a ```bash fence to say so, or as ```text to leave it out' });
  });
});

describe('files the guide says to save', () => {
  it('makes a file-write step of a data fence the paragraph before it names', () => {
    const rb = parse('## IAM', '', 'Save the following as `policy.json`:', '', '```json', '{ "Version": "2012-10-17" }', '```', '',
      'Create the policy:', '', '```sh', 'aws iam create-policy --policy-name p --policy-document file://policy.json', '```');
    expect(rb.steps.map((s) => ({ id: s.id, title: s.title, lang: s.lang, code: s.code, write: s.write, statements: s.script.statements.length }))).toEqual([
      { id: 'save-the-following-as-policyjson', title: 'Save the following as policy.json', lang: 'json', code: '', write: { path: 'policy.json', content: '{ "Version": "2012-10-17" }\n' }, statements: 0 },
      { id: 'create-the-policy', title: 'Create the policy', lang: 'sh', code: 'aws iam create-policy --policy-name p --policy-document file://policy.json', write: undefined, statements: 1 },
    ]);
    expect(rb.diagnostics).toEqual([]);
  });

  it.each([
    ['Save this policy as `trust.json`.', 'json', 'trust.json'],
    ['Save the following content to a file named `trust.json`:', 'json', 'trust.json'],
    ['Store the following content to a file called `creds.json`.', 'json', 'creds.json'],
    ['Copy the following into `./config/app.yaml`:', 'yaml', 'config/app.yaml'],
    ['Write the manifest to **deployment.yml**:', 'yml', 'deployment.yml'],
    ['Use this trust policy, saved as `trust.json`:', 'json', 'trust.json'],
    ['Create a file named `trust.json` with the following content:', 'json', 'trust.json'],
    ['Create a new YAML file called `values.yaml`:', 'yaml', 'values.yaml'],
    ['Create `kms-policy.json` with the following:', 'json', 'kms-policy.json'],
    ['Create a `values.yaml` file containing:', 'yaml', 'values.yaml'],
    ['Then put the policy in a file called `policy.json`.', 'json', 'policy.json'],
    ['Paste the settings into a file named `.env`:', 'env', '.env'],
    ['Save it as terraform.tfvars:', 'hcl', 'terraform.tfvars'],
    ['`main.toml`:', 'toml', 'main.toml'],
    ['Save the following as `notes.txt`:', '', 'notes.txt'],
  ])('%s (%s)', (lead, lang, path) => {
    const rb = parse(lead, '', `\`\`\`${lang}`, 'a = 1', '```');
    expect(rb.steps.map((s) => s.write?.path)).toEqual([path]);
  });

  it.each([
    ['Add the following to your `~/.bashrc`:', 'text'],
    ['The command prints the key, which is saved as `key.json`:', 'json'],
    ['Save the output to `out.json`:', 'json'],
    ['The role trusts the cluster (see `trust.json`):', 'json'],
    ['Create the role with `role.json`:', 'json'],
  ])('not a save: %s', (lead, lang) => {
    expect(parse(lead, '', `\`\`\`${lang}`, '{}', '```').steps).toEqual([]);
  });

  it('takes the file name from the meta (`title=`, `filename=`) or from a first line naming it', () => {
    const rb = parse(
      '# T', '',
      '```yaml title="values.yaml"', 'server: {}', '```', '',
      '```yaml { filename="chart/values.yaml" name=chart-values }', 'a: 1', '```', '',
      '```yaml', '# filename: overrides.yaml', 'b: 2', '```', '',
      '```json', '// trust.json', '{}', '```', '',
      '```text title="Output"', 'hello', '```',
    );
    expect(rb.steps.map((s) => [s.id, s.write])).toEqual([
      ['t', { path: 'values.yaml', content: 'server: {}\n' }],
      ['chart-values', { path: 'chart/values.yaml', content: 'a: 1\n' }],
      ['t-2', { path: 'overrides.yaml', content: '# filename: overrides.yaml\nb: 2\n' }],
      // JSON has no comments: the naming line is the guide's label, not part of the file.
      ['t-3', { path: 'trust.json', content: '{}\n' }],
    ]);
    expect(rb.steps[1]!.meta.display).toBe('');
    expect(rb.diagnostics).toEqual([]);
  });

  it('warns when the name does not fit the language, or lies outside the run\'s directory', () => {
    const rb = parse('Save the following as `policy.json`:', '', '```yaml', 'a: 1', '```', '', 'Save this as `~/.kube/config`:', '', '```yaml', 'b: 2', '```');
    expect(rb.steps).toEqual([]);
    expect(messages(rb)).toEqual([
      '3:1 warning file-write: Unexpected file name `policy.json` for a yaml fence, expected a name that fits its language: the fence is not written',
      "9:1 warning file-write: Unexpected file `~/.kube/config` to save, expected a path inside the run's directory: the fence is not written",
      '1:1 warning no-steps: No runnable fences found, expected at least one shell fence',
    ]);
  });

  it('reads the paragraph just before the fence, in a list item or at the end of a list just before it', () => {
    const rb = parse(
      '1. Create the role.', '', '   Save the trust policy as `trust.json`:', '', '   ```json', '   {}', '   ```', '',
      '2. Save the following as `key-policy.json`:', '', '```json', '{"k": 1}', '```',
    );
    expect(rb.steps.map((s) => [s.title, s.write?.path])).toEqual([['Create the role', 'trust.json'], ['Save the following as key-policy.json', 'key-policy.json']]);
  });

  it('reads a shell fence of data that the guide says to save as that file, with a warning on its label', () => {
    const rb = parse('Create a values.yaml file to configure the chart:', '', '```shell', 'provider:', '  name: aws', '```', '', 'Install it:', '', '```shell', 'helm install x y --values values.yaml', '```');
    expect(rb.steps.map((s) => [s.lang, s.write, s.code])).toEqual([
      ['shell', { path: 'values.yaml', content: 'provider:\n  name: aws\n' }, ''],
      ['shell', undefined, 'helm install x y --values values.yaml'],
    ]);
    expect(messages(rb)).toEqual(['3:1 warning mislabelled-fence: Unexpected yaml in a shell fence, expected a ```yaml fence: read as the file `values.yaml` the guide saves']);
    // Commands stay commands whatever the paragraph says.
    expect(parse('Save the following as `values.yaml`:', '', '```sh', 'cat <<EOF > values.yaml', 'a: 1', 'EOF', '```').steps[0]!.write).toBeUndefined();
  });

  it('reads an unlabelled fence the guide names as a file, but a naming first line over commands as a comment', () => {
    const rb = parse('Save this as `app.env`:', '', '```', 'export A=1', '```', '', 'Deploy:', '', '```', '# deploy.yaml', 'kubectl apply -f deploy.yaml', '```');
    expect(rb.steps.map((s) => [s.write?.path, s.code])).toEqual([['app.env', ''], [undefined, md('# deploy.yaml', 'kubectl apply -f deploy.yaml')]]);
  });
});

describe('Runme attributes', () => {
  it('honours name, background, cwd, tag, ignore and excludeFromRunAll, and says which it ignores', () => {
    expect(parseMeta('{ background=true category=setup closeTerminalOnSuccess=true cwd=infra excludeFromRunAll=false interactive=true interpreter=bash name=lint:nix promptEnv=true tag=type:entry,scope:ci terminalRows=25 }')).toEqual({
      attributes: { background: true, cwd: 'infra', ignore: false, interpreter: 'bash', name: 'lint:nix', tags: ['type:entry', 'scope:ci'] },
      display: '',
      problems: [{
        severity: 'info',
        message: "Accepted and ignored: `category`, `closeTerminalOnSuccess`, `interactive`, `promptEnv`, `terminalRows` (Runme's, with no effect on a run)",
        note: 'runbook honours name, background, cwd, tag, ignore, excludeFromRunAll and an interpreter that is a shell; every step runs as shell',
      }],
    });
  });

  it('reads the JSON form, whose values Runme writes as strings', () => {
    expect(parseMeta('{"excludeFromRunAll":"true","id":"01J097BHJHQS28M29YR0WCZ3B8","name":"build","tag":"ci","background":false}')).toMatchObject({
      attributes: { ignore: true, name: 'build', tags: ['ci'], background: false },
      problems: [{ severity: 'info', message: "Accepted and ignored: `id` (Runme's, with no effect on a run)" }],
    });
  });

  it('takes `ignore` or `excludeFromRunAll`, whichever is true', () => {
    expect(parseMeta('{ ignore excludeFromRunAll=false }').attributes).toEqual({ ignore: true });
    expect(parseMeta('{ excludeFromRunAll=true ignore=false }').attributes).toEqual({ ignore: true });
  });

  it('honours an interpreter that is a shell, by name, path or env', () => {
    expect(['zsh', '/bin/zsh', '/usr/bin/env bash', 'python3', 'fish'].map((i) => parseMeta(`{ interpreter="${i}" }`).attributes.interpreter)).toEqual([
      'zsh', '/bin/zsh', '/usr/bin/env bash', undefined, undefined,
    ]);
    expect(parseMeta('{ interpreter=python3 }').problems[0]).toMatchObject({ severity: 'info', message: "Accepted and ignored: `interpreter=python3` (Runme's, with no effect on a run)" });
  });

  it('errs on a typo of a known attribute and warns on another tool\'s', () => {
    expect(parseMeta('{ nmae=x Background=true exclude=true hl_lines=2 .copy }').problems.map((p) => `${p.severity} ${p.message}`)).toEqual([
      'error Unknown fence attribute `nmae`, expected `name`',
      'error Unknown fence attribute `Background`, expected `background`',
      'warning Unknown fence attribute `exclude`, ignored',
      'warning Unknown fence attribute `hl_lines`, ignored',
      'warning Unknown fence attribute `.copy`, ignored',
    ]);
  });

  it('reports them on the fence, with the other fence attributes', () => {
    const rb = parse('Forward:', '', '```sh { name=forward background=true interactive=false }', 'kubectl port-forward svc/vault 8200', '```');
    expect(rb.steps[0]!.meta.attributes).toEqual({ name: 'forward', background: true });
    expect(messages(rb)).toEqual(["3:1 info fence-attribute: Accepted and ignored: `interactive` (Runme's, with no effect on a run)"]);
  });
});

describe('runbook-ignore', () => {
  it('lists the rules a comment just before the fence silences, and keeps the title from the paragraph above it', () => {
    const rb = parse(
      'Create the key:', '', '<!-- runbook-ignore undefined-variable aws-unknown-flag -->', '', '<!-- prettier-ignore -->',
      '<!-- runbook-ignore stray-dollar -->', '', '', '```sh', 'aws kms create-key --tags $TAGS', '```', '',
      'Next:', '', '```sh', 'echo next', '```',
    );
    expect(rb.steps.map((s) => [s.title, s.ignoreRules])).toEqual([
      ['Create the key', ['undefined-variable', 'aws-unknown-flag', 'stray-dollar']],
      ['Next', []],
    ]);
  });

  it('applies to every step at the top of the document, but stays the fence\'s when the fence follows it', () => {
    const steps = (...lines: string[]) => parse(...lines).steps.map((s) => s.ignoreRules);
    expect(steps('---', 'title: T', '---', '<!-- runbook-ignore undefined-variable -->', '', '# T', '', '```sh', 'a', '```', '', '```sh', 'b', '```')).toEqual([
      ['undefined-variable'], ['undefined-variable'],
    ]);
    expect(steps('<!-- runbook-ignore undefined-variable -->', '```sh', 'a', '```', '', '```sh', 'b', '```')).toEqual([['undefined-variable'], []]);
    expect(steps('1. Run:', '', '   <!-- runbook-ignore aws-unknown-flag -->', '   ```sh', '   aws s3 ls --bogus', '   ```')).toEqual([['aws-unknown-flag']]);
  });

  it('silences the parser\'s own diagnostics for the step', () => {
    expect(parse('Run:', '', '<!-- runbook-ignore untagged-fence -->', '```', 'kubectl get ns', '```').diagnostics).toEqual([]);
    expect(parse('<!-- runbook-ignore no-steps -->', '', 'Only prose.').diagnostics).toEqual([]);
  });

  it('warns about what is no rule id', () => {
    expect(messages(parse('<!-- runbook-ignore Undefined_Variable -->', '```sh', 'a', '```', '', '<!-- runbook-ignore -->', '```sh', 'b', '```'))).toEqual([
      '1:1 warning runbook-ignore: Unexpected `Undefined_Variable` in runbook-ignore, expected rule ids such as undefined-variable',
      '6:1 warning runbook-ignore: Unexpected runbook-ignore without rules, expected the rule ids to silence',
    ]);
  });
});

describe('documents without steps', () => {
  it('warns at 1:1 that no fence runs, and how to label one', () => {
    expect(parse('# Notes', '', '```yaml', 'a: 1', '```').diagnostics).toEqual([{
      file: 'g.md', start: { line: 1, column: 1 }, end: { line: 1, column: 1 }, severity: 'warning', ruleId: 'no-steps',
      message: 'No runnable fences found, expected at least one shell fence',
      note: 'label a fence of commands with its shell: ```bash, ```sh, ```zsh, or ```console with `$ ` prompts',
    }]);
  });

  it('reads an empty or binary file without throwing', () => {
    expect(messages(parseRunbook('', 'empty.md'))).toEqual(['1:1 warning no-steps: No runnable fences found, expected at least one shell fence']);
    const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('utf8');
    expect(messages(parseRunbook(binary, 'blob.md'))).toEqual(['1:1 warning no-steps: No runnable fences found, expected at least one shell fence']);
    expect(messages(parseRunbook('\0\0```\n\0$ \0\n```\n\uFFFD', 'nul.md'))).toEqual(['1:1 warning no-steps: No runnable fences found, expected at least one shell fence']);
  });

  it('never throws on guide-like input', () => {
    const piece = fc.constantFrom('```', '```sh', '```console', '```json', '```yaml title="v.yaml"', '```sh { name=a tag=x interactive }', '$ ', '% ', '> ', '# ', '\\', '"', "'",
      '<<EOF', 'EOF', 'kubectl get pods', 'Save the following as `p.json`:', '<!-- runbook-ignore a -->', '    ', 'for i in a; do', 'done', '{', '}', '\n', '\n\n');
    fc.assert(
      fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 4 })), { maxLength: 40 }), (parts) => {
        const rb = parseRunbook(parts.join(''), 'fuzz.md');
        for (const step of rb.steps) expect(step.code.split('\n').length).toBeLessThanOrEqual(parts.join('').split('\n').length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('a guide pasted as it is', () => {
  it('reads every form at once (test/fixtures/markdown/pasted-guide.md; regenerate with UPDATE=1)', () => {
    const file = 'test/fixtures/markdown/pasted-guide.md';
    const rb = parseRunbook(readFileSync(file, 'utf8'), file);
    const steps = rb.steps.map((s) => ({
      index: s.index, id: s.id, title: s.title, lang: s.lang, line: s.span.start.line, code: s.code, write: s.write, ignoreRules: s.ignoreRules,
      attributes: s.meta.attributes, statements: s.script.statements.map((st) => `${st.span.start.line}:${st.span.start.column}`),
    }));
    matchFixture(file.replace(/\.md$/, '.steps.json'), `${JSON.stringify({ steps, diagnostics: messages(rb) }, null, 2)}\n`);
  });
});

describe('inputs that must not crash, hang or exhaust memory', () => {
  const errors = (rb: ReturnType<typeof parseRunbook>) => messages(rb).filter((m) => !m.includes('no-steps'));

  it('an unresolved YAML alias and an alias bomb in the frontmatter are positioned errors', () => {
    expect(errors(parse('---', 'params: *nope', '---', '# x'))).toEqual([
      '2:1 error frontmatter: Invalid frontmatter YAML: Unresolved alias (the anchor must be set before the alias): nope',
    ]);
    const bomb = ['a0: &a0 [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 12 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]`)];
    expect(errors(parse('---', ...bomb, '---', '# x'))).toEqual(['2:1 error frontmatter: Invalid frontmatter YAML: Excessive alias count indicates a resource exhaustion attack']);
  });

  it('blockquotes nested thousands deep stop being read past a limit, with an error where they go too deep', () => {
    const rb = parse(`${'> '.repeat(5000)}x`);
    expect(errors(rb)).toEqual([expect.stringMatching(/^1:\d+ error nesting-depth: Unexpected nesting deeper than 100 levels/)]);
  });

  it('a fence too long to be a step is refused, not parsed for minutes', () => {
    const rb = parse('```bash', ...Array.from({ length: 6000 }, (_, i) => `echo ${i}`), '```');
    expect(rb.steps).toEqual([]);
    expect(errors(rb)).toEqual(['1:1 error fence-too-long: Unexpected fence of 6000 lines, expected at most 5000: it is not read as a step (put a long script in a file the runbook runs)']);
  });

  it('a prompted heredoc of thousands of lines is one command, read in one pass', () => {
    const body = Array.from({ length: 3000 }, (_, i) => `  "k${i}": ${i},`);
    const session = readSession(['$ cat <<EOF > big.json', '{', ...body, '}', 'EOF', '$ echo done', 'done'].join('\n'), true);
    const lines = session.code.split('\n');
    expect(lines[0]).toBe('  cat <<EOF > big.json');
    expect(lines.at(-3)).toBe('EOF');
    expect(lines.at(-2)).toBe('  echo done');
    expect(lines.at(-1)).toBe('');
  });

  it('an empty file and a binary one parse to no steps, with the no-steps warning', () => {
    for (const text of ['', Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7919) % 256)).toString('latin1')]) {
      const rb = parseRunbook(text, 'x.md');
      expect(rb.steps).toEqual([]);
      expect(messages(rb).some((m) => m.includes('no-steps'))).toBe(true);
    }
  });
});
