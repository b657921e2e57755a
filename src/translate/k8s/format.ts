/** What kubectl prints on stdout for each result (errors are thrown, and go to the step's error). */
import { executeJsonPath, executeJsonPathAsJson, type JsonValue } from './jsonpath.js';
import { printCustomColumns } from './customcolumns.js';
import { objectName, printJson, printTables, printYaml, typeName } from './print.js';
import type { K8sCall, K8sResult, Obj, Output } from './types.js';

export function formatResult(result: unknown, call: K8sCall): string {
  // An adopted call may stand for "nothing to print" (e.g. `vault operator init` on an initialized Vault).
  if (typeof result === 'string') return result;
  const r = result as K8sResult;
  switch (r.kind) {
    case 'written':
      return formatWritten(r, 'output' in call.k8s ? call.k8s.output : { format: 'default' });
    case 'read':
      return formatRead(r, call.k8s.verb === 'get' ? call.k8s.output : { format: 'default' }, !!call.k8s.conn.allNamespaces);
    case 'lines':
      return r.lines.map((l) => `${l}\n`).join('');
    case 'exec':
      return r.stdout;
    case 'text':
      return r.text;
  }
}

function strip(object: Obj, output: Output): Obj {
  if (output.format !== 'json' && output.format !== 'yaml') return object;
  if (output.showManagedFields) return object;
  const meta = object.metadata as Obj | undefined;
  if (!meta || !('managedFields' in meta)) return object;
  const { managedFields: _m, ...rest } = meta;
  return { ...object, metadata: rest };
}

function formatWritten(r: Extract<K8sResult, { kind: 'written' }>, output: Output): string {
  const suffix = r.dryRun === 'client' ? ' (dry run)' : r.dryRun === 'server' ? ' (server dry run)' : '';
  if (r.noneFound) return 'No resources found\n';
  // delete.go PrintObj: `configmap "x" deleted`, or `configmap/x` with -o name.
  if (r.items.some((i) => i.action === 'deleted' || i.action === 'force deleted')) {
    return r.items.map((i) => (output.format === 'name' ? `${objectName(i.object)}\n` : `${typeName(i.object)} "${String((i.object.metadata as Obj).name)}" ${i.action}${suffix}\n`)).join('');
  }
  const objects = r.items.map((i) => strip(i.object, output));
  switch (output.format) {
    case 'json':
      // Objects kubectl builds itself print in its struct order; the server's answers sorted.
      return objects.length === 1 ? printJson(objects[0], !r.structOrder) : printJson(list(objects));
    case 'yaml':
      return objects.length === 1 ? printYaml(objects[0]) : printYaml(list(objects));
    case 'name':
      return objects.map((o) => `${objectName(o)}\n`).join('');
    case 'jsonpath':
      return objects.map((o) => executeJsonPath(output.template, o as JsonValue)).join('');
    case 'jsonpath-as-json':
      return objects.map((o) => executeJsonPathAsJson(output.template, o as JsonValue)).join('');
    case 'custom-columns':
      return printCustomColumns(output, objects);
    default:
      return r.items.map((i) => `${(i.notes ?? []).map((n) => `${n}\n`).join('')}${objectName(i.object)} ${i.action}${suffix}\n`).join('');
  }
}

function list(items: Obj[]): Obj {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}

function formatRead(r: Extract<K8sResult, { kind: 'read' }>, output: Output, allNamespaces: boolean): string {
  if (r.tables) {
    return printTables(r.tables, {
      wide: output.format === 'wide',
      ...(output.format === 'default' || output.format === 'wide' ? { noHeaders: !!output.noHeaders, showLabels: !!output.showLabels } : {}),
      withKind: r.multipleTypes,
      withNamespace: allNamespaces,
    });
  }
  if (r.nothing) return '';
  const objects = r.objects.map((o) => strip(o, output));
  const data = (r.list ? list(objects) : objects[0]) as JsonValue | undefined;
  switch (output.format) {
    case 'json':
      return data === undefined ? '' : printJson(data);
    case 'yaml':
      return data === undefined ? '' : printYaml(data);
    case 'name':
      return objects.map((o) => `${objectName(o)}\n`).join('');
    case 'jsonpath':
      return data === undefined ? '' : executeJsonPath(output.template, data);
    case 'jsonpath-as-json':
      return data === undefined ? '' : executeJsonPathAsJson(output.template, data);
    case 'custom-columns':
      return printCustomColumns(output, objects);
    default:
      return '';
  }
}
