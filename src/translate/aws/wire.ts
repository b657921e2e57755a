/**
 * Response bodies as they came over the wire. The CLI prints timestamps exactly as received (botocore's
 * parser is replaced by the identity function) and numbers as Python parsed them, which the SDK's Dates
 * and JS numbers cannot reproduce; these parsers keep the raw text for the output view.
 */

/** A JSON number with its source text (`1795992207.693396`, `3600`, `1.7e9`). */
export class WireNumber {
  constructor(readonly text: string) {}

  /** Python's json module makes a float of anything with a fraction or exponent. */
  get isFloat(): boolean {
    return /[.eE]/.test(this.text);
  }

  get value(): number {
    return Number(this.text);
  }
}

export type WireJson = null | boolean | string | WireNumber | WireJson[] | { [key: string]: WireJson };

/** JSON.parse that keeps each number's source text. Throws SyntaxError on malformed input. */
export function parseWireJson(text: string): WireJson {
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at position ${i}`);
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const value = (): WireJson => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, WireJson> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const key = string();
        ws();
        if (text[i++] !== ':') fail("expected ':'");
        obj[key] = value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i++] === '}') return obj;
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const arr: WireJson[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i++] === ']') return arr;
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!literal) return fail('unexpected token');
    i += literal[0].length;
    if (literal[0] === 'true') return true;
    if (literal[0] === 'false') return false;
    if (literal[0] === 'null') return null;
    return new WireNumber(literal[0]);
  };
  const string = (): string => {
    const start = i;
    i++;
    let simple = true;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        simple = false;
        i++;
      }
      i++;
    }
    if (i >= text.length) fail('unterminated string');
    i++;
    const raw = text.slice(start, i);
    return simple ? raw.slice(1, -1) : (JSON.parse(raw) as string);
  };
  const result = value();
  ws();
  if (i < text.length) fail('unexpected trailing data');
  return result;
}

/** A parsed XML element: local name (prefix dropped), attributes, child elements, and its text. */
export interface XmlNode {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}

/** Enough XML for AWS responses: elements, attributes, text, CDATA, entities; no DTDs. */
export function parseXml(xml: string): XmlNode | undefined {
  const root: XmlNode = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: XmlNode[] = [root];
  const token = /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<\/([^\s>]+)\s*>|<([^\s/>]+)((?:\s+[^\s=]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
  let m: RegExpExecArray | null;
  while ((m = token.exec(xml))) {
    const top = stack[stack.length - 1];
    if (m[1] !== undefined) top.text += m[1];
    else if (m[2] !== undefined) {
      if (stack.length > 1) stack.pop();
    } else if (m[3] !== undefined) {
      const node: XmlNode = { name: localName(m[3]), attributes: {}, children: [], text: '' };
      for (const a of m[4].matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        node.attributes[a[1]] = decodeEntities(a[2] ?? a[3] ?? '');
      }
      top.children.push(node);
      if (!m[5]) stack.push(node);
    } else if (m[6] !== undefined) top.text += decodeEntities(m[6]);
  }
  return root.children[0];
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon >= 0 ? name.slice(colon + 1) : name;
}

export function childrenNamed(node: XmlNode | undefined, name: string): XmlNode[] {
  return node ? node.children.filter((c) => c.name === name) : [];
}
