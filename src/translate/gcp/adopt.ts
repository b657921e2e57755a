/**
 * What already exists, before (and on ALREADY_EXISTS after) a creating call. Google resources have
 * names, so each lookup is the matching describe / get-iam-policy command, sent through the same
 * translator and send path. Key rings and keys can never be deleted, so adopting them is the
 * normal re-run path, not an edge case.
 */
import { adopted, unlessNotFound } from '../adopt.js';
import { RunbookError } from '../../diagnostics.js';
import type { AdoptResult, AdoptionContext, AdoptionTable } from '../types.js';
import { isNotFound } from './errors.js';
import type { CreateServiceAccountInput } from './iam-service-accounts.js';
import type { CreateCryptoKeyInput } from './kms-keys.js';
import { hasMember, type BindingInput, type Policy } from './policy.js';
import type { GcpCall } from './translator.js';

type Ctx = AdoptionContext<GcpCall>;
type Resource = Record<string, unknown>;

async function gcloud<T = Resource>(ctx: Ctx, ...words: string[]): Promise<T> {
  return (await ctx.send(await ctx.translate(['gcloud', ...words]))) as T;
}

const orUndefined = <T>(promise: Promise<T>) => unlessNotFound(promise, isNotFound);


async function binding(call: GcpCall, ctx: Ctx): Promise<AdoptResult | undefined> {
  const { resource, role, member } = call.input as BindingInput;
  // Service accounts are named by email on the command line; KMS resources by their full name.
  const target = resource.startsWith('projects/-/serviceAccounts/') ? resource.slice(resource.lastIndexOf('/') + 1) : resource;
  const policy = await gcloud<Policy>(ctx, ...call.gcp.command.replace('add-iam-policy-binding', 'get-iam-policy').split(' '), target);
  return hasMember(policy, role, member) ? adopted(policy, `${member} already has ${role} on ${target}`) : undefined;
}

export const adoption: AdoptionTable<GcpCall> = {
  async 'KMS.CreateKeyRing'(call, ctx) {
    const { parent, keyRingId } = call.input as { parent: string; keyRingId: string };
    const name = `${parent}/keyRings/${keyRingId}`;
    const found = await orUndefined(gcloud(ctx, 'kms', 'keyrings', 'describe', name));
    return found && adopted(found, `key ring ${name} exists`);
  },

  /** An existing key is adopted only if it can do what the command asks: same purpose, a usable primary version. */
  async 'KMS.CreateCryptoKey'(call, ctx) {
    const input = call.input as CreateCryptoKeyInput;
    const name = `${input.parent}/cryptoKeys/${input.cryptoKeyId}`;
    const found = await orUndefined(gcloud(ctx, 'kms', 'keys', 'describe', name));
    if (!found) return undefined;
    const purpose = String(found.purpose ?? 'CRYPTO_KEY_PURPOSE_UNSPECIFIED');
    if (purpose !== input.cryptoKey.purpose) {
      throw new RunbookError(`key ${name} already exists with purpose ${purpose}, not ${input.cryptoKey.purpose}`, {
        hint: 'Cloud KMS keys cannot be deleted or change purpose: give this key another name (e.g. --param KMS_CRYPTO_KEY=vault-unseal-key)',
      });
    }
    const primary = found.primary as { state?: string; name?: string } | undefined;
    if (purpose === 'ENCRYPT_DECRYPT' && !input.skipInitialVersionCreation && primary?.state !== 'ENABLED') {
      throw new RunbookError(`key ${name} exists but has no enabled primary version${primary ? ` (${primary.name} is ${primary.state})` : ''}: nothing can encrypt with it`, {
        hint: 'restore or enable a version (`gcloud kms keys versions restore|enable`) and make it primary (`gcloud kms keys set-primary-version`), or use another key name',
      });
    }
    const template = found.versionTemplate as { algorithm?: string; protectionLevel?: string } | undefined;
    const differs = [
      template?.algorithm && template.algorithm !== input.cryptoKey.versionTemplate.algorithm ? `algorithm ${template.algorithm}` : '',
      template?.protectionLevel && template.protectionLevel !== input.cryptoKey.versionTemplate.protectionLevel ? `protection level ${template.protectionLevel}` : '',
    ].filter(Boolean);
    return adopted(found, `key ${name} exists (${purpose})${differs.length ? `; note its ${differs.join(' and ')} differ from this command's` : ''}`);
  },

  async 'IAM.CreateServiceAccount'(call, ctx) {
    const input = call.input as CreateServiceAccountInput;
    const email = `${input.accountId}@${input.name.slice('projects/'.length)}.iam.gserviceaccount.com`;
    const found = await orUndefined(gcloud(ctx, 'iam', 'service-accounts', 'describe', email));
    if (!found) return undefined;
    if (found.disabled === true) {
      throw new RunbookError(`service account ${email} exists but is disabled: nothing can act as it`, {
        hint: `enable it with \`gcloud iam service-accounts enable ${email}\`, then run again`,
      });
    }
    return adopted(found, `service account ${email} exists`);
  },

  'KMS.AddIamPolicyBinding': binding,
  'IAM.AddIamPolicyBinding': binding,
};
