/**
 * `-o custom-columns=HEADER:.path,…` (k8s.io/kubectl/pkg/cmd/get/customcolumn.go): a header line, then
 * one line per object, each cell every value the JSONPath finds (`,`-joined, Go's fmt.Sprint of each)
 * or `<none>`, in kubectl's tabwriter columns.
 */
import { findResults, parseJsonPath, type JsonValue } from './jsonpath.js';
import { columnize } from './print.js';
import type { Obj, Output } from './types.js';

export function printCustomColumns(output: Extract<Output, { format: 'custom-columns' }>, objects: Obj[]): string {
  const paths = output.columns.map((c) => parseJsonPath(c.path));
  const rows = objects.map((o) =>
    paths.map((p) => {
      const values = findResults(p, o as JsonValue);
      if (!values.length || !values[0]!.length) return '<none>';
      return values.flat().map(goSprint).join(',');
    }),
  );
  if (!output.noHeaders) rows.unshift(output.columns.map((c) => c.header));
  return rows.length ? columnize(rows) : '';
}

/** Go's fmt.Sprint of a decoded JSON value: `map[a:1 b:x]`, `[a b]`, `<nil>`. */
export function goSprint(v: JsonValue): string {
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goSprint).join(' ')}]`;
  if (typeof v === 'object') return `map[${Object.keys(v).sort().map((k) => `${k}:${goSprint(v[k]!)}`).join(' ')}]`;
  return String(v);
}
