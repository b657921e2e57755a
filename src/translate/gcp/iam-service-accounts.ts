/**
 * `gcloud iam service-accounts create|describe|get-iam-policy|add-iam-policy-binding`, over the IAM v1
 * REST API (the Node `@google-cloud/iam` package has no service-account admin).
 * https://cloud.google.com/sdk/gcloud/reference/iam/service-accounts,
 * https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts
 * Accounts are addressed as gcloud does, `projects/-/serviceAccounts/EMAIL` (surface/iam/service_accounts,
 * iam_util.EmailToAccountResourceName): describe and policy commands need no project.
 */
import { checks, flagValue, UsageError, type CommandSpec } from './command.js';
import { iamPolicyStore, policyCommands } from './policy.js';

export interface CreateServiceAccountInput {
  name: string;
  accountId: string;
  serviceAccount: { displayName?: string; description?: string };
}

const accountName = (account: string | undefined) => {
  if (!account) throw new UsageError('Missing the service account: its email, NAME@PROJECT.iam.gserviceaccount.com', 'gcp-missing-required');
  return `projects/-/serviceAccounts/${account}`;
};

const create: CommandSpec<CreateServiceAccountInput> = {
  path: 'iam service-accounts create',
  operation: 'IAM.CreateServiceAccount',
  mutating: true,
  silent: true,
  // The id is the service's to refuse (INVALID_ARGUMENT); `runbook check` reports it before the run.
  positional: { metavar: 'NAME', check: checks.accountId },
  flags: {
    'display-name': { takesValue: true },
    description: { takesValue: true },
  },
  synopsis: 'NAME',
  // The URL is projects/P/serviceAccounts: gcloud words 403/404/409 around "projects [P]".
  urlResource: (input) => ({ collection: 'projects', instance: input.name.slice('projects/'.length) }),
  notice: (input) => `Created service account [${input.accountId}].\n`,
  request(args) {
    const accountId = args.positional;
    if (!accountId) throw new UsageError('Missing the account id: gcloud iam service-accounts create NAME', 'gcp-missing-required');
    const displayName = flagValue(args, 'display-name');
    const description = flagValue(args, 'description');
    return {
      name: `projects/${args.project()}`,
      accountId,
      serviceAccount: { ...(displayName !== undefined ? { displayName } : {}), ...(description !== undefined ? { description } : {}) },
    };
  },
  describe: (input) => `${input.accountId}@${input.name.slice('projects/'.length)}.iam.gserviceaccount.com`,
  send: (input, apis) => apis.iam('POST', `v1/${input.name}/serviceAccounts`, { accountId: input.accountId, serviceAccount: input.serviceAccount }),
};

const positional = {
  metavar: 'SERVICE_ACCOUNT',
  check: checks.serviceAccount,
  // gcloud's own check of the argument (iam_util.GetIamAccountFormatValidator), before anything is sent.
  gcloudRefusal: (value: string) =>
    `Bad value [${value}]: Not a valid service account identifier. It should be either a numeric string representing the unique_id or an email of the form: my-iam-account@somedomain.com or my-iam-account@PROJECT_ID.iam.gserviceaccount.com`,
};

const describe: CommandSpec<{ name: string }> = {
  path: 'iam service-accounts describe',
  operation: 'IAM.GetServiceAccount',
  mutating: false,
  positional,
  flags: {},
  synopsis: 'SERVICE_ACCOUNT',
  request: (args) => ({ name: accountName(args.positional) }),
  describe: (input) => input.name.slice(input.name.lastIndexOf('/') + 1),
  send: (input, apis) => apis.iam('GET', `v1/${input.name}`),
};

export const serviceAccountCommands: CommandSpec<any>[] = [
  create,
  describe,
  ...policyCommands({
    group: 'iam service-accounts', service: 'IAM', positional, flags: {}, synopsis: 'SERVICE_ACCOUNT', noticeKind: 'serviceAccount',
    resource: (args) => accountName(args.positional),
    store: iamPolicyStore,
  }),
];
