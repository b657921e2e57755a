/** moto for tests: the engine's own launcher (src/engine/sandbox.ts), plus the environment that points clients at it. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { startMoto, type Moto } from '../../src/engine/sandbox.js';

/** Environment for the SDK and the aws CLI against moto: static test credentials, no metadata service, no user config. */
export function motoEnv(endpoint: string): Record<string, string> {
  const none = join(tmpdir(), 'runbook-no-aws-config');
  return {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL: endpoint,
    AWS_CONFIG_FILE: join(none, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(none, 'credentials'),
  };
}
