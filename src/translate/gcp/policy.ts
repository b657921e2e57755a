/**
 * IAM policies on a resource (a key ring, a key, a service account): `get-iam-policy` and
 * `add-iam-policy-binding`. There is no "add a binding" API: it is GetIamPolicy, add the member to
 * the role's binding when it is absent, then SetIamPolicy with the etag that was read. A stale etag
 * (someone else changed the policy in between) is ABORTED (gRPC 10, HTTP 409): read and try again.
 * https://cloud.google.com/iam/docs/policies#etag
 *
 * Unlike the official sample (which pushes a new binding every time), a member already bound to the
 * role changes nothing: adoption sees it and reports the policy as it is.
 */
import type { Apis } from './clients.js';
import { checks, type Args, type CommandSpec, type FlagSpec } from './command.js';
import { isAborted } from './errors.js';
import { restJson } from './proto-json.js';

export interface Binding {
  role: string;
  members?: string[];
  condition?: unknown;
}

/** A policy as the REST API spells it (the etag in base64), which is what gcloud prints. */
export interface Policy {
  version?: number;
  etag?: string;
  bindings?: Binding[];
}

export interface PolicyStore {
  get(): Promise<Policy>;
  set(policy: Policy): Promise<Policy>;
}

/** gcloud asks for and writes version 3, so conditional bindings survive a read-modify-write. */
const POLICY_VERSION = 3;

/** The member is in the role's binding without a condition. */
export function hasMember(policy: Policy, role: string, member: string): boolean {
  return (policy.bindings ?? []).some((b) => b.role === role && !b.condition && (b.members ?? []).includes(member));
}

export function withMember(policy: Policy, role: string, member: string): Policy {
  const bindings = (policy.bindings ?? []).map((b) => ({ ...b, members: [...(b.members ?? [])] }));
  const binding = bindings.find((b) => b.role === role && !b.condition);
  if (binding) binding.members.push(member);
  else bindings.push({ role, members: [member] });
  return { ...policy, version: POLICY_VERSION, bindings };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

export const ETAG_ATTEMPTS = 5;

/** Read, add the member when absent, write with the etag; again on a stale etag. */
export async function addBinding(store: PolicyStore, role: string, member: string, signal?: AbortSignal): Promise<Policy> {
  for (let attempt = 1; ; attempt++) {
    const policy = await store.get();
    if (hasMember(policy, role, member)) return policy;
    try {
      return await store.set(withMember(policy, role, member));
    } catch (error) {
      if (!isAborted(error) || attempt >= ETAG_ATTEMPTS) throw error;
      await sleep(50 * 2 ** attempt + Math.floor(Math.random() * 50), signal);
    }
  }
}

/** Policies of KMS resources, over gRPC (the etag is bytes there). */
export function kmsPolicyStore(apis: Apis, resource: string): PolicyStore {
  type Kms = Awaited<ReturnType<Apis['kms']>>;
  // The generated typings ask for the request classes; plain objects are what gax sends.
  type GetReq = Parameters<Kms['getIamPolicy']>[0];
  type SetReq = Parameters<Kms['setIamPolicy']>[0];
  return {
    async get() {
      const [policy] = await (await apis.kms()).getIamPolicy({ resource, options: { requestedPolicyVersion: POLICY_VERSION } } as GetReq);
      return (restJson(policy) ?? {}) as Policy;
    },
    async set(policy) {
      const wire = { ...policy, etag: policy.etag ? Buffer.from(policy.etag, 'base64') : undefined };
      const [updated] = await (await apis.kms()).setIamPolicy({ resource, policy: wire } as SetReq);
      return (restJson(updated) ?? {}) as Policy;
    },
  };
}

/** Policies of service accounts, over the IAM v1 REST API. */
export function iamPolicyStore(apis: Apis, resource: string): PolicyStore {
  return {
    get: () => apis.iam<Policy>('POST', `v1/${resource}:getIamPolicy`, { options: { requestedPolicyVersion: POLICY_VERSION } }),
    set: (policy) => apis.iam<Policy>('POST', `v1/${resource}:setIamPolicy`, { policy }),
  };
}

export interface BindingInput {
  resource: string;
  role: string;
  member: string;
}

interface PolicyCommandsOptions {
  /** `kms keys`, `kms keyrings`, `iam service-accounts`. */
  group: string;
  service: 'KMS' | 'IAM';
  positional: CommandSpec['positional'];
  /** Flags that name the resource (`--keyring`, `--location`). */
  flags: Record<string, FlagSpec>;
  /** gcloud's usage synopsis of the resource (`(KEY : --keyring=KEYRING --location=LOCATION)`). */
  synopsis: string;
  /** How gcloud names the resource in `Updated IAM policy for key [k].` */
  noticeKind: string;
  resource(args: Args): string;
  /** Where get-iam-policy reads its resource otherwise than add-iam-policy-binding (a Python command vs a declarative one). */
  get?: { synopsis: string; resource(args: Args): string };
  store(apis: Apis, resource: string): PolicyStore;
}

/** `get-iam-policy` and `add-iam-policy-binding` for one resource type. */
export function policyCommands(o: PolicyCommandsOptions): [CommandSpec<{ resource: string }>, CommandSpec<BindingInput>] {
  const get: CommandSpec<{ resource: string }> = {
    path: `${o.group} get-iam-policy`,
    operation: `${o.service}.GetIamPolicy`,
    mutating: false,
    positional: o.positional,
    flags: o.flags,
    synopsis: o.get?.synopsis ?? o.synopsis,
    request: (args) => ({ resource: (o.get?.resource ?? o.resource)(args) }),
    describe: (input) => input.resource,
    send: (input, apis) => o.store(apis, input.resource).get(),
  };
  const add: CommandSpec<BindingInput> = {
    path: `${o.group} add-iam-policy-binding`,
    operation: `${o.service}.AddIamPolicyBinding`,
    mutating: true,
    positional: o.positional,
    flags: {
      ...o.flags,
      member: { takesValue: true, required: true, check: checks.member },
      role: { takesValue: true, required: true, check: checks.role },
    },
    synopsis: `${o.synopsis} --member=PRINCIPAL --role=ROLE`,
    notice: (input) => `Updated IAM policy for ${o.noticeKind} [${input.resource.slice(input.resource.lastIndexOf('/') + 1)}].\n`,
    request: (args) => ({ resource: o.resource(args), role: String(args.flags.role), member: String(args.flags.member) }),
    describe: (input) => `${input.resource} ${input.role} ${input.member}`,
    send: (input, apis, signal) => addBinding(o.store(apis, input.resource), input.role, input.member, signal),
  };
  return [get, add];
}
