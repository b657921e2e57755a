/**
 * kubectl's printers: `-o json` (Go's json.MarshalIndent: sorted keys, 4 spaces, `<>&` escaped),
 * `-o yaml` (sigs.k8s.io/yaml: sorted keys, YAML 1.1 quoting, lists not indented), `-o name`
 * (`statefulset.apps/vault`), the default table, and the one-line messages (`namespace/vault created`).
 */
import { Document, parse, visit } from 'yaml';
import type { Obj, TableResult } from './types.js';

/** Go's encoding/json output: keys sorted (maps), `<`, `>`, `&`, U+2028/9 escaped. */
export function goJson(value: unknown, indent = 0, sortKeys = true): string {
  const text = JSON.stringify(sortKeys ? sorted(value) : value, null, indent || undefined) ?? 'null';
  return text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
  return v;
}

/** `-o json` of one object or a list (trailing newline like kubectl). */
export function printJson(value: unknown, sortKeys = true): string {
  return `${goJson(value, 4, sortKeys)}\n`;
}

/**
 * `-o yaml` (sigs.k8s.io/yaml over go-yaml v2): keys sorted, lists not indented, and go-yaml's quoting:
 * a string that would read back as something else (`""`, `yes`, `1019`, `null`) double-quoted, one
 * plain style cannot hold (`*`, `: x`, a leading space) single-quoted.
 */
export function printYaml(value: unknown): string {
  const doc = new Document(value, { version: '1.1', sortMapEntries: true, aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && !node.value.includes('\n') && readsAsOther(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ indentSeq: false, singleQuote: true });
}

/** Whether a plain scalar with this text would be read (YAML 1.1, as go-yaml resolves) as something other than this string. */
function readsAsOther(text: string): boolean {
  try {
    return parse(text, { version: '1.1' }) !== text;
  } catch {
    return false;
  }
}

/** `statefulset.apps` / `pod`: how kubectl names a type in `-o name` and messages. */
export function typeName(object: Obj): string {
  const apiVersion = String(object.apiVersion ?? 'v1');
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const kind = String(object.kind ?? '').toLowerCase();
  return group ? `${kind}.${group}` : kind;
}

export function objectName(object: Obj): string {
  const meta = (object.metadata ?? {}) as Obj;
  return `${typeName(object)}/${String(meta.name ?? '')}`;
}

/** kubectl's `NAME  READY  STATUS` tables: columns padded to the widest cell plus 3 spaces. */
export function printTables(tables: TableResult[], options: { wide?: boolean; noHeaders?: boolean; showLabels?: boolean; withNamespace?: boolean; withKind?: boolean }): string {
  const blocks: string[] = [];
  for (const table of tables) {
    if (!table.rows.length) continue;
    const columns = table.columns.map((c, i) => ({ ...c, index: i })).filter((c) => options.wide || !c.priority);
    const header = columns.map((c) => c.name.toUpperCase());
    const rows = table.rows.map((row) => {
      const cells = columns.map((c) => cellText(row.cells[c.index]));
      const nameAt = columns.findIndex((c) => c.format === 'name');
      if (options.withKind && nameAt >= 0) cells[nameAt] = `${table.typeName}/${cells[nameAt]}`;
      const meta = (row.object?.metadata ?? {}) as Obj;
      if (options.withNamespace) cells.unshift(String(meta.namespace ?? ''));
      if (options.showLabels) {
        const labels = (meta.labels ?? {}) as Record<string, string>;
        const text = Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
        cells.push(text || '<none>');
      }
      return cells;
    });
    if (options.withNamespace) header.unshift('NAMESPACE');
    if (options.showLabels) header.push('LABELS');
    blocks.push(columnize(options.noHeaders ? rows : [header, ...rows]));
  }
  // A blank line between types, unless headers are off (kubectl's separator comes with a header).
  return blocks.join(options.noHeaders ? '' : '\n');
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '<none>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** text/tabwriter as kubectl configures it: minimum width 6, padding 3. */
export function columnize(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(Math.max(6, widths[i]! + 3)))).join('')).join('\n') + '\n';
}
