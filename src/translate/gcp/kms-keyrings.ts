/**
 * `gcloud kms keyrings create|describe|get-iam-policy|add-iam-policy-binding KEYRING --location L`.
 * https://cloud.google.com/sdk/gcloud/reference/kms/keyrings,
 * https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings
 */
import { checks, unresolvedResource, UsageError, type Args, type CommandSpec, type FlagSpec } from './command.js';
import { kmsPolicyStore, policyCommands } from './policy.js';
import { restJson } from './proto-json.js';

const KEY_RING = /^projects\/([^/]+)\/locations\/([^/]+)\/keyRings\/([^/]+)$/;

const isFullName = (args: Args) => !!args.positional?.startsWith('projects/');

/** `--location` names the key ring unless the positional is its full resource name. */
export const locationFlag: FlagSpec = { takesValue: true, required: (args) => !isFullName(args), check: checks.location };

/**
 * `projects/P/locations/L/keyRings/R`, from the positional (short or full) and the flags. `resource` is
 * the resource argument gcloud names when it cannot complete the name (`keyring`, or `key` for keys).
 */
export function keyRingName(args: Args, ringFrom: 'positional' | 'keyring', resource = 'keyring'): string {
  const ring = ringFrom === 'positional' ? args.positional : (args.flags.keyring as string | undefined);
  if (!ring) throw new UsageError(ringFrom === 'positional' ? 'Missing the key ring name: gcloud kms keyrings … KEYRING --location LOCATION' : 'Missing --keyring', 'gcp-missing-required');
  if (ring.startsWith('projects/')) {
    // gcloud reads a name that is not a full one as a short name, which then lacks its location.
    if (!KEY_RING.test(ring)) throw unresolvedResource(`Invalid key ring name "${ring}", expected projects/PROJECT/locations/LOCATION/keyRings/KEYRING`, resource, 'location');
    return ring;
  }
  const location = args.flags.location;
  if (typeof location !== 'string') throw unresolvedResource('Missing --location (global, or a region such as us-central1)', resource, 'location');
  return `projects/${args.project()}/locations/${location}/keyRings/${ring}`;
}

const positional = { metavar: 'KEYRING', check: checks.kmsId };
const flags = { location: locationFlag };

const create: CommandSpec<{ parent: string; keyRingId: string; keyRing: Record<string, never> }> = {
  path: 'kms keyrings create',
  operation: 'KMS.CreateKeyRing',
  mutating: true,
  silent: true,
  positional,
  flags,
  synopsis: '(KEYRING : --location=LOCATION)',
  request(args) {
    const name = keyRingName(args, 'positional');
    const [, project, location, id] = KEY_RING.exec(name)!;
    return { parent: `projects/${project}/locations/${location}`, keyRingId: id!, keyRing: {} };
  },
  describe: (input) => `${input.parent}/keyRings/${input.keyRingId}`,
  async send(input, apis) {
    const [ring] = await (await apis.kms()).createKeyRing(input);
    return restJson(ring);
  },
};

const describe: CommandSpec<{ name: string }> = {
  path: 'kms keyrings describe',
  operation: 'KMS.GetKeyRing',
  mutating: false,
  positional,
  flags,
  synopsis: '(KEYRING : --location=LOCATION)',
  request: (args) => ({ name: keyRingName(args, 'positional') }),
  describe: (input) => input.name,
  async send(input, apis) {
    const [ring] = await (await apis.kms()).getKeyRing(input);
    return restJson(ring);
  },
};

export const keyRingCommands: CommandSpec<any>[] = [
  create,
  describe,
  ...policyCommands({
    group: 'kms keyrings', service: 'KMS', positional, flags, synopsis: '(KEYRING : --location=LOCATION)', noticeKind: 'keyring',
    resource: (args) => keyRingName(args, 'positional'),
    // get-iam-policy takes a plain KEYRING and checks --location itself (surface/kms/keyrings/get_iam_policy.py).
    get: {
      synopsis: 'KEYRING',
      resource: (args) => {
        if (!args.positional?.startsWith('projects/') && typeof args.flags.location !== 'string') {
          throw new UsageError('Missing --location (global, or a region such as us-central1)', 'gcp-missing-required', 'location', { text: 'argument --location: Must be specified.', exitCode: 1 });
        }
        return keyRingName(args, 'positional');
      },
    },
    store: kmsPolicyStore,
  }),
];
