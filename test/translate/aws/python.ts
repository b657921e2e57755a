/** Runs a Python snippet with the aws CLI's own modules (awscli, botocore) for reference answers. */
import { execFileSync } from 'node:child_process';

let available: boolean | undefined;

/** Whether `python3` can import awscli (the machine's aws CLI v1). */
export function hasAwsCli(): boolean {
  if (available === undefined) {
    try {
      execFileSync('python3', ['-c', 'import awscli, botocore'], { stdio: 'ignore' });
      available = true;
    } catch {
      available = false;
    }
  }
  return available;
}

/** Runs `code` with `input` as JSON on stdin (`data`), returns what it prints as JSON. */
export function python<T>(code: string, input: unknown): T {
  const script = `import json, sys\ndata = json.loads(sys.stdin.read())\n${code}`;
  const out = execFileSync('python3', ['-c', script], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(out) as T;
}
