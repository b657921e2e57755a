/** `kubectl exec` through client-node's Exec, collecting both streams and the final V1Status. */
import { PassThrough } from 'node:stream';
import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node';

export async function execIn(kc: KubeConfig, ns: string, pod: string, container: string, command: string[]): Promise<{ stdout: string; stderr: string; status: V1Status }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c) => (stdout += c));
  err.on('data', (c) => (stderr += c));
  const status = await new Promise<V1Status>((resolve, reject) => {
    new Exec(kc).exec(ns, pod, container, command, out, err, null, false, (s) => resolve(s)).catch(reject);
  });
  return { stdout, stderr, status };
}
