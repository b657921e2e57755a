/** One run at a time per state folder: an exclusive lock file naming its holder. */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { RunbookError } from '../diagnostics.js';

export interface Lock {
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireLock(dir: string, runId: string): Lock {
  const path = join(dir, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, runId, startedAt: new Date().toISOString() }));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        rmSync(path, { force: true });
      };
      process.once('exit', release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder: { pid?: number; runId?: string; startedAt?: string } = {};
      try {
        holder = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        // A lock being written right now, or garbage: treat as held unless its pid is gone.
      }
      if (holder.pid && !alive(holder.pid)) {
        // The holder died (SIGKILL, crash): its lock is stale.
        rmSync(path, { force: true });
        continue;
      }
      throw new RunbookError(
        `another run holds the state in ${dir} (pid ${holder.pid ?? '?'}, run ${holder.runId ?? '?'}, started ${holder.startedAt ?? '?'})`,
        { exitCode: 3, hint: 'wait for it to finish; if that process is gone, delete the lock file and run again' },
      );
    }
  }
  throw new RunbookError(`could not take the lock in ${dir}`, { exitCode: 3 });
}
