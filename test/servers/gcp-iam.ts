// The IAM v1 service-accounts REST API (iam.googleapis.com/v1), for tests.
// Follows:
// - https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts (create, get, list, delete,
//   getIamPolicy, setIamPolicy; ServiceAccount fields name/projectId/uniqueId/email/displayName/description/etag/
//   oauth2ClientId; `projects/-/serviceAccounts/{EMAIL_OR_UNIQUE_ID}` wildcard)
// - https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/create (accountId: 6-30 chars,
//   [a-z]([-a-z0-9]*[a-z0-9]); email ACCOUNT_ID@PROJECT_ID.iam.gserviceaccount.com)
// - Error body: https://cloud.google.com/apis/design/errors#http_mapping ({error:{code,message,status,errors}}),
//   ALREADY_EXISTS 409 "Service account X already exists within project projects/P." (reason alreadyExists)
// - Policy etags: https://cloud.google.com/iam/docs/policies#etag (stale etag → 409 ABORTED)
// - Permissions: https://cloud.google.com/iam/docs/service-account-permissions (403 PERMISSION_DENIED
//   "Permission 'iam.serviceAccounts.get' denied on resource (or it may not exist)."; the ErrorInfo details
//   real IAM adds are not modelled)
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import {
  isPlainObject,
  jsonResponse,
  listen,
  nodeListener,
  randomDigits,
  type ServerHandle,
  type SimpleRequest,
  type SimpleResponse,
} from './http.js';

export interface ServiceAccount {
  name: string;
  projectId: string;
  uniqueId: string;
  email: string;
  displayName?: string;
  description?: string;
  etag: string;
  oauth2ClientId: string;
  disabled?: boolean;
}

export interface IamPolicy {
  version: number;
  etag: string;
  bindings?: { role: string; members: string[]; condition?: Record<string, unknown> }[];
}

export interface IamRequestRecord {
  method: string;
  path: string;
  authorization?: string;
  status?: number;
}

export class IamState {
  /** Service accounts by email. */
  readonly accounts = new Map<string, ServiceAccount>();
  readonly policies = new Map<string, IamPolicy>();
  readonly requests: IamRequestRecord[] = [];
  /** Permissions the caller lacks (`iam.serviceAccounts.create`): requests needing one are 403 PERMISSION_DENIED. */
  readonly denied = new Set<string>();

  has(email: string): boolean {
    return this.accounts.has(email);
  }

  policy(email: string): IamPolicy {
    return this.policies.get(email) ?? { version: 1, etag: 'ACAB' };
  }

  /** Members bound to a role on a service account. */
  members(email: string, role: string): string[] {
    return this.policy(email).bindings?.find((b) => b.role === role)?.members ?? [];
  }
}

export interface GcpIamOptions {
  /** Require `Authorization: Bearer <token>` (401 UNAUTHENTICATED otherwise). Default: accept any request. */
  token?: string;
}

const STATUS_REASON: Record<string, string> = {
  INVALID_ARGUMENT: 'badRequest',
  NOT_FOUND: 'notFound',
  ALREADY_EXISTS: 'alreadyExists',
  ABORTED: 'aborted',
  PERMISSION_DENIED: 'forbidden',
  UNAUTHENTICATED: 'unauthorized',
};

function googleError(code: number, status: string, message: string): SimpleResponse {
  return jsonResponse(code, { error: { code, message, status, errors: [{ message, domain: 'global', reason: STATUS_REASON[status] ?? 'backendError' }] } });
}

const ACCOUNT_ID = /^[a-z]([-a-z0-9]*[a-z0-9])$/;
const MEMBER = /^(allUsers|allAuthenticatedUsers|(user|serviceAccount|group|domain|principal|principalSet|deleted:user|deleted:serviceAccount|deleted:group):.+)$/;

export async function startGcpIam(options: GcpIamOptions = {}): Promise<ServerHandle<IamState>> {
  const state = new IamState();

  const find = (project: string, id: string): ServiceAccount | undefined => {
    const sa = id.includes('@') ? state.accounts.get(id) : [...state.accounts.values()].find((a) => a.uniqueId === id);
    if (!sa) return undefined;
    if (project !== '-' && sa.projectId !== project) return undefined;
    return sa;
  };

  const handler = (req: SimpleRequest): SimpleResponse => {
    const record: IamRequestRecord = { method: req.method, path: req.url, authorization: req.headers.authorization };
    state.requests.push(record);
    const res = route(req);
    record.status = res.status;
    return res;
  };

  const route = (req: SimpleRequest): SimpleResponse => {
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`)
      return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
    const u = new URL(req.url, 'http://127.0.0.1');
    const path = decodeURIComponent(u.pathname);
    let body: Record<string, any> = {};
    if (req.body.length) {
      try {
        const parsed = JSON.parse(req.body.toString('utf8'));
        body = isPlainObject(parsed) ? parsed : {};
      } catch {
        return googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
      }
    }
    const denied = (permission: string) => state.denied.has(permission) && googleError(403, 'PERMISSION_DENIED', `Permission '${permission}' denied on resource (or it may not exist).`);
    let m: RegExpMatchArray | null;
    if ((m = path.match(/^\/v1\/projects\/([^/]+)\/serviceAccounts$/))) {
      const refused = denied(req.method === 'GET' ? 'iam.serviceAccounts.list' : 'iam.serviceAccounts.create');
      if (refused) return refused;
      const project = m[1];
      if (req.method === 'GET') {
        const accounts = [...state.accounts.values()].filter((a) => project === '-' || a.projectId === project).sort((a, b) => a.email.localeCompare(b.email));
        return jsonResponse(200, accounts.length ? { accounts } : {});
      }
      if (req.method !== 'POST') return googleError(405, 'INVALID_ARGUMENT', 'Method not allowed.');
      const accountId = body.accountId;
      if (typeof accountId !== 'string' || accountId.length < 6 || accountId.length > 30 || !ACCOUNT_ID.test(accountId))
        return googleError(
          400,
          'INVALID_ARGUMENT',
          `Invalid account ID "${accountId ?? ''}": it must be 6-30 characters long and match the regular expression [a-z]([-a-z0-9]*[a-z0-9]).`,
        );
      if (project === '-') return googleError(400, 'INVALID_ARGUMENT', 'The project ID must be specified to create a service account.');
      const email = `${accountId}@${project}.iam.gserviceaccount.com`;
      if (state.accounts.has(email)) return googleError(409, 'ALREADY_EXISTS', `Service account ${accountId} already exists within project projects/${project}.`);
      const uniqueId = randomDigits(21);
      const sa: ServiceAccount = {
        name: `projects/${project}/serviceAccounts/${email}`,
        projectId: project,
        uniqueId,
        email,
        ...(body.serviceAccount?.displayName ? { displayName: String(body.serviceAccount.displayName) } : {}),
        ...(body.serviceAccount?.description ? { description: String(body.serviceAccount.description) } : {}),
        etag: 'MDEwMjE5MjA=',
        oauth2ClientId: uniqueId,
      };
      state.accounts.set(email, sa);
      return jsonResponse(200, sa);
    }
    if ((m = path.match(/^\/v1\/projects\/([^/]+)\/serviceAccounts\/([^/:]+)(?::(getIamPolicy|setIamPolicy))?$/))) {
      const [, project, id, verb] = m;
      const refused = denied(`iam.serviceAccounts.${verb ?? (req.method === 'DELETE' ? 'delete' : 'get')}`);
      if (refused) return refused;
      const sa = find(project, id);
      if (!sa) return googleError(404, 'NOT_FOUND', 'Unknown service account');
      if (!verb) {
        if (req.method === 'GET') return jsonResponse(200, sa);
        if (req.method === 'DELETE') {
          state.accounts.delete(sa.email);
          state.policies.delete(sa.email);
          return jsonResponse(200, {});
        }
        return googleError(405, 'INVALID_ARGUMENT', 'Method not allowed.');
      }
      if (req.method !== 'POST') return googleError(405, 'INVALID_ARGUMENT', 'Method not allowed.');
      if (verb === 'getIamPolicy') {
        const p = state.policy(sa.email);
        return jsonResponse(200, p);
      }
      const p = body.policy;
      if (!isPlainObject(p)) return googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.');
      const current = state.policy(sa.email);
      if (p.etag !== undefined && p.etag !== '' && p.etag !== current.etag)
        return googleError(409, 'ABORTED', 'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.');
      const bindings: NonNullable<IamPolicy['bindings']> = [];
      for (const b of (Array.isArray(p.bindings) ? p.bindings : []) as Record<string, any>[]) {
        const role = String(b.role ?? '');
        if (!/^(roles\/|projects\/[^/]+\/roles\/|organizations\/[^/]+\/roles\/)/.test(role))
          return googleError(400, 'INVALID_ARGUMENT', `Role (${role}) does not exist in the resource's hierarchy.`);
        const members = [...new Set<string>((b.members ?? []).map(String))];
        for (const mem of members) if (!MEMBER.test(mem)) return googleError(400, 'INVALID_ARGUMENT', `Invalid member: ${mem}`);
        if (members.length) bindings.push({ role, members, ...(b.condition ? { condition: b.condition } : {}) });
      }
      const next: IamPolicy = { version: Number(p.version) || 1, etag: randomBytes(8).toString('base64'), ...(bindings.length ? { bindings } : {}) };
      state.policies.set(sa.email, next);
      return jsonResponse(200, next);
    }
    return googleError(404, 'NOT_FOUND', `The requested URL ${u.pathname} was not found on this server.`);
  };

  const server = http.createServer(nodeListener(handler));
  const { port, url, close } = await listen(server);
  return { url, port, state, stop: close };
}
