/**
 * The aws CLI's command table (src/translate/aws/cli-commands.ts) against the installed CLI
 * (`UPDATE=1` rewrites it), and what it decides: a service whose SDK client is missing is a warning
 * naming the package and runs through the CLI; an unknown service is an error; the CLI's own programs
 * are not translated.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI_VERSION, cliCommandLines, cliCommands } from '../../../src/translate/aws/cli-commands.js';
import { translator } from '../../../src/translate/aws/translator.js';
import { hasAwsCli, python } from './python.js';

const TABLE = fileURLToPath(new URL('../../../src/translate/aws/cli-commands.ts', import.meta.url));

/** One line per command in the CLI's order: `name [=sdk] [+cli-only] [-refused] [@]` (see the table's comment). */
const GENERATE = `
import os
os.environ.update(AWS_DEFAULT_REGION='us-east-1', AWS_CONFIG_FILE='/nonexistent', AWS_SHARED_CREDENTIALS_FILE='/nonexistent')
import awscli, botocore, botocore.session
from botocore import xform_name
from awscli.clidriver import create_clidriver, ServiceCommand, ServiceOperation
plain = botocore.session.get_session()
lines = []
for name, cmd in create_clidriver()._get_command_table().items():
    if type(cmd) is not ServiceCommand:
        lines.append(f'{name} *')
        continue
    model = cmd._get_service_model()
    words = [name]
    sdk = model.metadata['serviceId'].replace(' ', '-').lower()
    if sdk != name: words.append('=' + sdk)
    ops = cmd._get_command_table()
    custom = [k for k, v in ops.items() if not isinstance(v, ServiceOperation)]
    if custom: words.append('+' + ','.join(custom))
    removed = sorted({xform_name(o, '-') for o in model.operation_names} - set(ops))
    if removed: words.append('-' + ','.join(removed))
    os.environ.pop('AWS_DEFAULT_REGION')
    try:
        plain.create_client(cmd._service_name, aws_access_key_id='x', aws_secret_access_key='x')
        words.append('@')
    except Exception:
        pass
    os.environ['AWS_DEFAULT_REGION'] = 'us-east-1'
    lines.append(' '.join(words))
print(json.dumps({'version': f'aws-cli/{awscli.__version__}', 'botocore': botocore.__version__, 'lines': lines}))
`;

describe('the CLI command table', () => {
  it.skipIf(!hasAwsCli())('is the installed aws CLI\'s', () => {
    const generated = python<{ version: string; botocore: string; lines: string[] }>(GENERATE, null);
    if (process.env.UPDATE) {
      const source = readFileSync(TABLE, 'utf8')
        .replace(/\/\*\* awscli [^*]+\*\/\nexport const CLI_VERSION = '[^']*';/, `/** awscli ${generated.version.slice(8)} / botocore ${generated.botocore}. */\nexport const CLI_VERSION = '${generated.version}';`)
        .replace(/const TABLE = `\n[\s\S]*?\n`;/, `const TABLE = \`\n${generated.lines.join('\n')}\n\`;`);
      writeFileSync(TABLE, source);
    }
    expect(CLI_VERSION).toBe(generated.version);
    expect(cliCommandLines()).toEqual(generated.lines);
  }, 60_000);

  it('maps CLI names to SDK packages and knows the CLI\'s own subcommands', () => {
    const commands = cliCommands();
    expect(commands.get('elbv2')).toMatchObject({ service: true, sdk: 'elastic-load-balancing-v2' });
    expect(commands.get('s3api')).toMatchObject({ sdk: 's3', global: true });
    expect(commands.get('kms')).toMatchObject({ sdk: 'kms', global: false });
    expect(commands.get('s3')).toMatchObject({ service: false });
    expect(commands.get('eks')!.cliOnly).toEqual(new Set(['update-kubeconfig', 'get-token', 'wait']));
    expect(commands.get('logs')!.refused.has('get-log-object')).toBe(true);
  });
});

describe('a service the CLI has but whose SDK client is not installed', () => {
  const argv = ['aws', 'rds', 'describe-db-instances', '--db-instance-identifier', 'db'];

  it('check warns, naming the package, and does not call it unknown', async () => {
    const issues = await translator.validate(argv, { cwd: process.cwd(), planning: true });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ argIndex: 1, severity: 'warning', ruleId: 'aws-client-not-installed' });
    expect(issues[0]!.message).toBe(
      'aws rds runs through the aws CLI: its SDK client @aws-sdk/client-rds is not installed (npm install @aws-sdk/client-rds to run it as SDK calls)',
    );
  });

  it('translate hands it to the real CLI', async () => {
    for (const service of ['rds', 'ecs', 'cloudwatch', 'elasticache', 'route53resolver', 'apigateway']) {
      const error = await translator.translate(['aws', service, 'help-me'], { cwd: process.cwd() }).catch((e: unknown) => e);
      expect(translator.isUntranslatable!(error), service).toBe(true);
    }
  });

  it('an unknown service stays an error, with a did-you-mean', async () => {
    const [issue] = await translator.validate(['aws', 'elbv3', 'describe-load-balancers'], { cwd: process.cwd(), planning: true });
    expect(issue).toMatchObject({ argIndex: 1, severity: 'error', ruleId: 'aws-unknown-service', note: "did you mean 'elbv2'?" });
    const error = await translator.translate(['aws', 'elbv3', 'describe-load-balancers'], { cwd: process.cwd() }).catch((e: unknown) => e);
    expect(translator.isUntranslatable!(error)).toBe(false);
    expect(translator.failure!(error, [])).toMatchObject({ exitCode: 2 });
  });
});

describe('the CLI\'s own programs', () => {
  it.each([
    // (s3 cp|mv|ls|mb|rb|rm|sync and eks update-kubeconfig|get-token are translated: ./custom)
    ['s3', 'presign', 's3://b/a'],
    ['configure', 'list'],
    ['s3', 'website', 's3://b', '--index-document', 'index.html'],
    ['ecr', 'get-login-password'],
    ['cloudformation', 'deploy', '--template-file', 't.yaml'],
    ['iam', 'wait', 'role-exists', '--role-name', 'r'],
    ['emr', 'create-cluster'],
  ])('aws %s %s: not handled, and untranslatable if asked', async (...words) => {
    const argv = ['aws', ...words];
    expect(translator.handles(argv)).toBe(false);
    const error = await translator.translate(argv, { cwd: process.cwd() }).catch((e: unknown) => e);
    expect(translator.isUntranslatable!(error)).toBe(true);
  });

  it('API calls are handled', () => {
    expect(translator.handles(['aws', 'iam', 'get-role', '--role-name', 'r'])).toBe(true);
    expect(translator.handles(['aws', '--region', 'eu-west-1', 'eks', 'describe-cluster', '--name', 'c'])).toBe(true);
    expect(translator.handles(['aws', 'elbv2', 'describe-load-balancers'])).toBe(true);
  });
});
