/** CLI service names → `@aws-sdk/client-*` packages, loaded lazily (one import per service, cached). */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { cliCommands } from './cli-commands.js';
import { TranslateError } from './errors.js';
import { didYouMean } from './names.js';

export interface ResolvedService {
  service: string;
  packageName: string;
}

/** The client package the CLI service name maps to (whether or not it is installed). */
export function resolveService(service: string): ResolvedService {
  const suffix = cliCommands().get(service)?.sdk ?? service;
  return { service, packageName: `@aws-sdk/client-${suffix}` };
}

const require = createRequire(import.meta.url);

/** Whether `import(packageName)` would find the package, without importing it. */
export function isInstalled(packageName: string): boolean {
  try {
    require.resolve(packageName);
    return true;
  } catch {
    return false;
  }
}

/** A loaded client package: its exports, typed loosely since every package differs. */
export type ServicePackage = Readonly<Record<string, unknown>>;

const loaded = new Map<string, Promise<ServicePackage>>();

/** Imports the client package once; a missing package becomes a TranslateError naming what to install. */
export function loadServicePackage(resolved: ResolvedService, argIndex?: number): Promise<ServicePackage> {
  const { packageName, service } = resolved;
  let pending = loaded.get(packageName);
  if (!pending) {
    if (!isInstalled(packageName)) {
      const known = cliCommands().has(service);
      const suggestion = known ? undefined : didYouMean(service, cliCommands().keys());
      return Promise.reject(
        known
          ? new TranslateError(
              `aws ${service} runs through the aws CLI: its SDK client ${packageName} is not installed (npm install ${packageName} to run it as SDK calls)`,
              { ruleId: 'aws-client-not-installed', argIndex, refusal: 'untranslatable' },
            )
          : new TranslateError(`Unknown AWS service '${service}'`, {
              ruleId: 'aws-unknown-service',
              argIndex,
              ...(suggestion ? { note: `did you mean '${suggestion}'?` } : {}),
            }),
      );
    }
    // require(), not import(): the clients are CommonJS, and import() would first scan every one of
    // their modules for named exports (~100 ms per run).
    pending = new Promise<ServicePackage>((resolve, reject) => {
      try {
        resolve(require(packageName) as ServicePackage);
      } catch (error) {
        reject(error as Error);
      }
    });
    loaded.set(packageName, pending);
  }
  return pending;
}

/** Directory holding the package's files (for its type declarations). */
export function packageDir(packageName: string): string | undefined {
  try {
    return dirname(require.resolve(`${packageName}/package.json`));
  } catch {
    try {
      // Packages whose `exports` hide package.json: walk up from the entry point.
      const entry = require.resolve(packageName);
      const marker = `${packageName.split('/').join('/')}/`;
      const at = entry.lastIndexOf(marker);
      return at >= 0 ? entry.slice(0, at + marker.length - 1) : undefined;
    } catch {
      return undefined;
    }
  }
}
