/**
 * What botocore's handlers.py does around some calls that the SDK does not, so that inputs reach the
 * service, and results reach the formatter, as they do under the aws CLI. (IAM's policy documents are
 * decoded in view.ts, member by member.)
 */
import type { AwsCall } from './call.js';
import { parseWireJson } from './wire.js';
import { fromWire } from './view.js';

/** Per-call notes the before hook leaves for the after hook. */
export interface HookState {
  encodingTypeAutoSet?: boolean;
}

type Key = `${string}#${string}`;
const key = (call: Pick<AwsCall, 'packageName' | 'operation'>): Key => `${call.packageName}#${call.operation}`;

const LIST_OBJECT_KEYS: Record<string, { top: string[]; nested: Array<[string, string]> }> = {
  ListObjects: { top: ['Delimiter', 'Marker', 'NextMarker'], nested: [['Contents', 'Key'], ['CommonPrefixes', 'Prefix']] },
  ListObjectsV2: { top: ['Delimiter', 'Prefix', 'StartAfter'], nested: [['Contents', 'Key'], ['CommonPrefixes', 'Prefix']] },
  ListObjectVersions: {
    top: ['KeyMarker', 'NextKeyMarker', 'Prefix', 'Delimiter'],
    nested: [['Versions', 'Key'], ['DeleteMarkers', 'Key'], ['CommonPrefixes', 'Prefix']],
  },
};

const USER_DATA_BASE64 = new Set<Key>(['@aws-sdk/client-ec2#RunInstances', '@aws-sdk/client-auto-scaling#CreateLaunchConfiguration']);

/** before-parameter-build handlers: returns the input to send. */
export function beforeSend(call: AwsCall, input: Record<string, unknown>, state: HookState): Record<string, unknown> {
  const k = key(call);
  if (call.packageName === '@aws-sdk/client-s3' && LIST_OBJECT_KEYS[call.operation] && input.EncodingType === undefined) {
    // Keys come back URL-encoded and are decoded below, so any key survives XML.
    state.encodingTypeAutoSet = true;
    return { ...input, EncodingType: 'url' };
  }
  if (USER_DATA_BASE64.has(k) && typeof input.UserData === 'string') {
    return { ...input, UserData: Buffer.from(input.UserData, 'utf8').toString('base64') };
  }
  return input;
}

/** after-call handlers, applied to the SDK output and the CLI view alike (the view only where noted). */
export function afterReceive(
  call: AwsCall,
  sdk: Record<string, unknown>,
  view: Record<string, unknown>,
  state: HookState,
): void {
  const k = key(call);
  const listKeys = call.packageName === '@aws-sdk/client-s3' ? LIST_OBJECT_KEYS[call.operation] : undefined;
  if (listKeys && state.encodingTypeAutoSet) {
    for (const target of [sdk, view]) {
      if (target.EncodingType !== 'url') continue;
      for (const top of listKeys.top) if (typeof target[top] === 'string') target[top] = unquotePlus(target[top] as string);
      for (const [list, child] of listKeys.nested) {
        const items = target[list];
        if (!Array.isArray(items)) continue;
        for (const item of items) {
          if (item && typeof item === 'object' && typeof (item as Record<string, unknown>)[child] === 'string') {
            (item as Record<string, unknown>)[child] = unquotePlus((item as Record<string, unknown>)[child] as string);
          }
        }
      }
    }
  }
  if (k === '@aws-sdk/client-s3#GetBucketLocation' && view.LocationConstraint === undefined) {
    // botocore reads the root element's text itself: an empty element is None.
    view.LocationConstraint = null;
  }
  if (k === '@aws-sdk/client-cloudformation#GetTemplate' && typeof view.TemplateBody === 'string') {
    try {
      view.TemplateBody = fromWire(parseWireJson(view.TemplateBody));
    } catch {
      // YAML templates stay text.
    }
  }
  if (k === '@aws-sdk/client-ec2#GetConsoleOutput' && typeof view.Output === 'string') {
    view.Output = Buffer.from(view.Output, 'base64').toString('utf8');
  }
}

/** Python's `urllib.parse.unquote_plus`. */
export function unquotePlus(text: string): string {
  const spaced = text.replaceAll('+', ' ');
  if (!spaced.includes('%')) return spaced;
  return spaced.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    const bytes = Uint8Array.from(run.match(/%([0-9a-fA-F]{2})/g)!.map((h) => parseInt(h.slice(1), 16)));
    return new TextDecoder('utf-8').decode(bytes);
  });
}
