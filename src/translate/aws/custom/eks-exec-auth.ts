/**
 * Kubeconfig users whose exec plugin is `aws … eks get-token …` (what `aws eks update-kubeconfig`
 * writes) authenticated in this process: the kubectl translator calls `useInProcessEksTokens` on the
 * KubeConfig it loads, and such a user's bearer token is computed as the plugin would compute it
 * (./eks-token.ts, loaded only then), from the call's environment plus the plugin's `env`, instead of
 * starting the aws CLI. Other users keep @kubernetes/client-node's own authenticators.
 */

type Env = Readonly<Record<string, string | undefined>>;

interface ExecUser {
  name: string;
  exec?: { command?: string; args?: string[]; env?: Array<{ name: string; value: string }> };
}

interface Authenticator {
  isAuthProvider(user: ExecUser): boolean;
  applyAuthentication(user: ExecUser, opts: { headers?: Record<string, unknown> }): Promise<void>;
}

/** An exec plugin that is `aws … eks get-token …`. */
export function isAwsEksGetToken(exec: ExecUser['exec']): boolean {
  if (!exec?.command || !/(^|\/)aws$/.test(exec.command)) return false;
  const args = exec.args ?? [];
  const eks = args.indexOf('eks');
  return eks >= 0 && args[eks + 1] === 'get-token';
}

/**
 * Puts the in-process authenticator first in `kc`'s list (client-node asks its built-in ones, exec
 * included, before any added with addAuthenticator). Tokens are reused for 10 minutes (valid for 15).
 */
export function useInProcessEksTokens(kc: object, env: Env): void {
  const list = (kc as { authenticators?: Authenticator[] }).authenticators;
  if (!Array.isArray(list) || list.some((a) => a instanceof EksTokenAuthenticator)) return;
  list.unshift(new EksTokenAuthenticator(env));
}

class EksTokenAuthenticator implements Authenticator {
  private readonly cache = new Map<string, { token: string; until: number }>();
  constructor(private readonly env: Env) {}

  isAuthProvider(user: ExecUser): boolean {
    return isAwsEksGetToken(user?.exec);
  }

  async applyAuthentication(user: ExecUser, opts: { headers?: Record<string, unknown> }): Promise<void> {
    const exec = user.exec!;
    const key = JSON.stringify([exec.args, exec.env ?? []]);
    let cached = this.cache.get(key);
    if (!cached || cached.until < Date.now()) {
      const env: Record<string, string | undefined> = { ...this.env };
      for (const e of exec.env ?? []) env[e.name] = e.value;
      const { tokenForExecArgs } = await import('./eks-token.js');
      cached = { token: await tokenForExecArgs(exec.args ?? [], env), until: Date.now() + 10 * 60_000 };
      this.cache.set(key, cached);
    }
    opts.headers ??= {};
    opts.headers.Authorization = `Bearer ${cached.token}`;
  }
}
