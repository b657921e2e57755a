/** `--output table`: awscli/formatter.py's TableFormatter and awscli/table.py's MultiTable, uncoloured, 80 columns (stdout is not a terminal). */

import { isWide } from './east-asian-width.js';

/** Python's `str()` of a cell; `parent`/`key` locate it so floats print as floats. */
type Str = (value: unknown, parent?: object, key?: string | number) => string;

const TERMINAL_WIDTH = 80;

/** Display width as awscli's `get_text_length`: East Asian wide, fullwidth and ambiguous characters count twice. */
function textLength(text: string): number {
  let n = 0;
  for (const ch of text) n += isWide(ch.codePointAt(0)!) ? 2 : 1;
  return n;
}

class Section {
  title = '';
  headers: string[] = [];
  rows: string[][] = [];
  indentLevel = 0;
  private numCols: number | undefined;
  private maxWidths: number[] = [];

  addHeader(headers: string[]): void {
    this.updateMaxWidths(headers);
    if (this.numCols === undefined) this.numCols = headers.length;
    this.headers = headers;
  }

  addRow(row: string[]): void {
    if (this.numCols === undefined) this.numCols = row.length;
    if (row.length !== this.numCols) throw new Error(`Row should have ${this.numCols} elements, instead it has ${row.length}`);
    this.rows.push(row);
    this.updateMaxWidths(row);
  }

  private updateMaxWidths(row: string[]): void {
    if (this.maxWidths.length === 0) this.maxWidths = row.map(textLength);
    else row.forEach((el, i) => (this.maxWidths[i] = Math.max(textLength(el), this.maxWidths[i] ?? 0)));
  }

  columnWidths(padding = 0, maxWidth?: number): number[] {
    const unscaled = this.maxWidths.map((w) => w + padding);
    if (maxWidth === undefined || unscaled.length === 0) return unscaled;
    const scale = maxWidth / unscaled.reduce((a, b) => a + b, 0);
    const scaled = unscaled.map((w) => pyRound(scale * w));
    let off = scaled.reduce((a, b) => a + b, 0) - maxWidth;
    while (off !== 0) {
      const order = [...scaled.keys()];
      if (off < 0) order.reverse();
      for (const i of order) {
        if (off > 0) {
          scaled[i]--;
          off--;
        } else {
          scaled[i]++;
          off++;
        }
        if (off === 0) break;
      }
    }
    return scaled;
  }

  totalWidth(padding: number, withBorder: boolean, outerPadding: number): number {
    let total = 0;
    for (const w of this.columnWidths()) total += w + padding;
    if (withBorder) total += 2;
    total += outerPadding * 2;
    return Math.max(textLength(this.title) + 2 + outerPadding * 2, total);
  }
}

/** Python 3 `round()`: halves to even. */
function pyRound(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function centerText(text: string, length: number, left: string, right: string, textLen = textLength(text)): string {
  const charStart = Math.floor(length / 2) - Math.floor(textLen / 2) - 1;
  const lengthSoFar = textLength(left) + charStart + textLen;
  const rightSpaces = length - textLength(right) - lengthSoFar;
  return `${left}${' '.repeat(Math.max(0, charStart))}${text}${' '.repeat(Math.max(0, rightSpaces))}${right}`;
}

function alignLeft(text: string, length: number, left: string, right: string, textLen = textLength(text)): string {
  const computed = textLen + 2 + textLength(left) + textLength(right);
  const padding = length - computed >= 0 ? 2 : 0;
  const soFar = left.length + padding + textLen;
  return `${left}${' '.repeat(padding)}${text}${' '.repeat(Math.max(0, length - soFar - right.length))}${right}`;
}

class MultiTable {
  sections: Section[] = [];
  private current: Section | undefined;

  newSection(title: string, indentLevel = 0): void {
    this.current = new Section();
    this.current.title = title;
    this.current.indentLevel = indentLevel;
    this.sections.push(this.current);
  }

  addRowHeader(headers: string[]): void {
    this.current!.addHeader(headers);
  }

  addRow(row: string[]): void {
    this.current!.addRow(row);
  }

  render(): string {
    const out: string[] = [];
    let maxWidth = this.maxWidth();
    if (maxWidth > TERMINAL_WIDTH) {
      this.convertToVertical();
      maxWidth = this.maxWidth();
    }
    out.push(`${'-'.repeat(maxWidth)}\n`);
    for (const section of this.sections) this.renderSection(section, maxWidth, out);
    return out.join('');
  }

  private maxWidth(): number {
    return Math.max(...this.sections.map((s) => s.totalWidth(4, true, s.indentLevel)));
  }

  private convertToVertical(): void {
    this.sections = this.sections.map((section) => {
      if (section.rows.length !== 1 || section.headers.length === 0) return section;
      const vertical = new Section();
      vertical.title = section.title;
      vertical.indentLevel = section.indentLevel;
      section.headers.forEach((header, i) => vertical.addRow([header, section.rows[0][i]]));
      return vertical;
    });
  }

  private renderSection(section: Section, maxWidth: number, out: string[]): void {
    const indent = '|'.repeat(section.indentLevel);
    const write = (text: string) => out.push(`${indent}${text}${indent}\n`);
    const width = maxWidth - section.indentLevel * 2;
    if (section.title) {
      write(centerText(section.title, width, '|', '|'));
      if (section.headers.length === 0 && section.rows.length === 0) write(`+${'-'.repeat(width - 2)}+`);
    }
    if (section.headers.length > 0) {
      const widths = section.columnWidths(4, width);
      let line = '';
      section.headers.forEach((header, i) => {
        line += centerText(header, widths[i], i === 0 ? '|' : '', '|');
      });
      write(lineBreak(widths));
      write(line);
    }
    if (section.rows.length > 0) {
      const widths = section.columnWidths(4, width);
      if (widths.length === 0) return;
      write(lineBreak(widths));
      for (const row of section.rows) {
        let line = '';
        widths.forEach((w, i) => {
          if (i < row.length) line += alignLeft(row[i], w, i === 0 ? '|' : '', '|');
        });
        write(line);
      }
      write(lineBreak(widths));
    }
  }
}

function lineBreak(widths: number[]): string {
  return widths.map((w, i) => (i === 0 ? `+${'-'.repeat(Math.max(0, w - 2))}+` : `${'-'.repeat(Math.max(0, w - 1))}+`)).join('');
}

const isScalar = (v: unknown) => v === null || typeof v !== 'object';
const truthy = (v: unknown) =>
  !(v === null || v === undefined || v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0));

/** The table for `data` titled with the operation name; '' when the CLI prints nothing. */
export function renderTable(title: string, data: unknown, str: Str): string {
  const table = new MultiTable();
  const build = (sectionTitle: string | undefined, current: unknown, indent = 0): boolean => {
    if (!truthy(current)) return false;
    if (sectionTitle !== undefined) table.newSection(sectionTitle, indent);
    if (Array.isArray(current)) {
      if (current[0] !== null && typeof current[0] === 'object' && !Array.isArray(current[0])) {
        fromList(current as Record<string, unknown>[], indent, sectionTitle);
      } else {
        current.forEach((item, i) => {
          if (isScalar(item)) table.addRow([str(item, current, i)]);
          // Python iterates a dict's keys here, so an object becomes a row of its key names.
          else if (!Array.isArray(item)) table.addRow(Object.keys(item as object));
          else if (item.every(isScalar)) table.addRow(item.map((el, j) => str(el, item, j)));
          else build(undefined, item);
        });
      }
    }
    if (current !== null && typeof current === 'object' && !Array.isArray(current)) fromDict(current as Record<string, unknown>, indent);
    return true;
  };
  const fromDict = (current: Record<string, unknown>, indent: number) => {
    const [headers, more] = groupScalarKeys(current);
    if (headers.length === 1) table.addRow([headers[0], str(current[headers[0]], current, headers[0])]);
    else if (headers.length > 0) {
      table.addRowHeader(headers);
      table.addRow(headers.map((k) => str(current[k], current, k)));
    }
    for (const key of more) build(key, current[key], indent + 1);
  };
  const fromList = (current: Record<string, unknown>[], indent: number, sectionTitle: string | undefined) => {
    const headerSet = new Set<string>();
    const moreSet = new Set<string>();
    for (const item of current) {
      const [h, m] = groupScalarKeys(item);
      h.forEach((k) => headerSet.add(k));
      m.forEach((k) => moreSet.add(k));
    }
    const headers = [...headerSet].sort();
    const more = [...moreSet].sort();
    table.addRowHeader(headers);
    current.forEach((element, i) => {
      if (i > 0 && more.length > 0) {
        table.newSection(sectionTitle ?? '', indent);
        table.addRowHeader(headers);
      }
      table.addRow(headers.map((h) => (h in element ? str(element[h], element, h) : '')));
      for (const key of more) if (key in element) build(key, element[key], indent + 1);
    });
  };
  if (!build(title, data)) return '';
  return table.render();
}

function groupScalarKeys(current: Record<string, unknown>): [string[], string[]] {
  const headers: string[] = [];
  const more: string[] = [];
  for (const key of Object.keys(current)) (isScalar(current[key]) ? headers : more).push(key);
  return [headers.sort(), more.sort()];
}
