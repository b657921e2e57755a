/** CLI service names → `@aws-sdk/client-*` packages, loaded lazily (one import per service, cached). */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TranslateError } from './errors.js';
import { didYouMean } from './names.js';

/**
 * CLI command names whose SDK package is not `client-<name>`: the aws CLI names commands after botocore's
 * service name (plus its own renames s3api/configservice/deploy), the SDK names packages after the serviceId.
 */
export const CLI_SERVICE_PACKAGES: Readonly<Record<string, string>> = {
  s3api: 's3',
  configservice: 'config-service',
  deploy: 'codedeploy',
  apigateway: 'api-gateway',
  'application-autoscaling': 'application-auto-scaling',
  appmesh: 'app-mesh',
  autoscaling: 'auto-scaling',
  'autoscaling-plans': 'auto-scaling-plans',
  ce: 'cost-explorer',
  cloudhsmv2: 'cloudhsm-v2',
  cloudsearchdomain: 'cloudsearch-domain',
  'cognito-idp': 'cognito-identity-provider',
  cur: 'cost-and-usage-report-service',
  datapipeline: 'data-pipeline',
  devicefarm: 'device-farm',
  directconnect: 'direct-connect',
  discovery: 'application-discovery-service',
  dms: 'database-migration-service',
  ds: 'directory-service',
  'ds-data': 'directory-service-data',
  dynamodbstreams: 'dynamodb-streams',
  elasticbeanstalk: 'elastic-beanstalk',
  elb: 'elastic-load-balancing',
  elbv2: 'elastic-load-balancing-v2',
  es: 'elasticsearch-service',
  events: 'eventbridge',
  globalaccelerator: 'global-accelerator',
  'iot-data': 'iot-data-plane',
  'iot-jobs-data': 'iot-jobs-data-plane',
  iotevents: 'iot-events',
  'iotevents-data': 'iot-events-data',
  iotwireless: 'iot-wireless',
  kinesisanalytics: 'kinesis-analytics',
  kinesisanalyticsv2: 'kinesis-analytics-v2',
  kinesisvideo: 'kinesis-video',
  'lex-models': 'lex-model-building-service',
  'lex-runtime': 'lex-runtime-service',
  'lexv2-models': 'lex-models-v2',
  'lexv2-runtime': 'lex-runtime-v2',
  logs: 'cloudwatch-logs',
  machinelearning: 'machine-learning',
  'marketplace-entitlement': 'marketplace-entitlement-service',
  marketplacecommerceanalytics: 'marketplace-commerce-analytics',
  meteringmarketplace: 'marketplace-metering',
  mgh: 'migration-hub',
  resourcegroupstaggingapi: 'resource-groups-tagging-api',
  route53: 'route-53',
  route53domains: 'route-53-domains',
  s3control: 's3-control',
  sdb: 'simpledb',
  secretsmanager: 'secrets-manager',
  serverlessrepo: 'serverlessapplicationrepository',
  servicecatalog: 'service-catalog',
  'servicecatalog-appregistry': 'service-catalog-appregistry',
  'sms-voice': 'pinpoint-sms-voice',
  stepfunctions: 'sfn',
  storagegateway: 'storage-gateway',
};

/** aws CLI commands that are CLI-side programs, not one API call each. */
const CUSTOM_ONLY: Readonly<Record<string, string>> = {
  s3: 'the high-level `aws s3` commands (cp, sync, ls, mb, rb…) are CLI programs, not single API calls; use `aws s3api …` or run them in the shell',
  configure: '`aws configure` edits local CLI configuration and makes no API call',
  history: '`aws history` reads the local CLI history',
  help: '`aws help` prints documentation',
};

/** Packages whose service name the CLI spells differently, reversed: `route-53` → `route53`. */
const PACKAGE_TO_CLI = new Map(Object.entries(CLI_SERVICE_PACKAGES).map(([cli, pkg]) => [pkg, cli]));

export interface ResolvedService {
  service: string;
  packageName: string;
}

/** The client package the CLI service name maps to (whether or not it is installed). */
export function resolveService(service: string): ResolvedService {
  const suffix = CLI_SERVICE_PACKAGES[service] ?? service;
  return { service, packageName: `@aws-sdk/client-${suffix}` };
}

export function customCommandNote(service: string): string | undefined {
  return CUSTOM_ONLY[service];
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

/** CLI names of the installed `@aws-sdk/client-*` packages (for suggestions). */
export function installedCliServices(): string[] {
  const names = new Set<string>();
  for (const base of require.resolve.paths('@aws-sdk/client-sts') ?? []) {
    let entries: string[];
    try {
      entries = readdirSync(join(base, '@aws-sdk'));
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (!entry.startsWith('client-')) continue;
      const suffix = entry.slice('client-'.length);
      names.add(PACKAGE_TO_CLI.get(suffix) ?? suffix);
    }
  }
  return [...names].sort();
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
      const known = [...installedCliServices(), ...Object.keys(CLI_SERVICE_PACKAGES)];
      const suggestion = didYouMean(service, known);
      return Promise.reject(
        new TranslateError(
          `Unknown AWS service '${service}': its SDK package ${packageName} is not installed (npm install ${packageName})`,
          {
            ruleId: 'aws-unknown-service',
            argIndex,
            note: suggestion && suggestion !== service ? `did you mean '${suggestion}'?` : undefined,
          },
        ),
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
