/**
 * What the runtime schemas leave out, read from the client's own type declarations: the model's member
 * order (schemas move required members first; the CLI prints in model order) and each member's declared
 * type (schemas reduce enums to plain strings; the d.ts names the enum, which the package exports).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cached, cacheKey } from '../../cache.js';
import { packageDir, type ServicePackage } from './services.js';

export interface DeclaredMember {
  name: string;
  /** The TypeScript type as written, without `| undefined`. */
  type: string;
  /** Its documentation says it also takes a name or id (SSM's TaskArn: "the document name or ARN"). */
  takesName?: boolean;
}

export type Declarations = ReadonlyMap<string, readonly DeclaredMember[]>;

const cache = new Map<string, Declarations>();

/** Interfaces (and union namespaces) of the package's models, keyed by shape name; empty if unreadable. */
export function declarations(packageName: string): Declarations {
  let found = cache.get(packageName);
  if (!found) {
    found = readDeclarations(packageName);
    cache.set(packageName, found);
  }
  return found;
}

/** Reading a client's declarations costs ~100 ms: the result is cached per package version. */
function readDeclarations(packageName: string): Declarations {
  const root = packageDir(packageName);
  if (!root) return new Map();
  let version = '?';
  try {
    version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // unknown version: still cacheable by path
  }
  const entries = cached('sdk-declarations', cacheKey(packageName, root, version, DECLARATIONS_FORMAT), () => [...parseDeclarations(root)]);
  return new Map(entries);
}

/** Bump when parseInto's output changes. */
const DECLARATIONS_FORMAT = 1;

function parseDeclarations(root: string): Map<string, DeclaredMember[]> {
  const index = new Map<string, DeclaredMember[]>();
  const dir = join(root, 'dist-types', 'models');
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.d.ts'));
  } catch {
    return index;
  }
  for (const file of files) parseInto(readFileSync(join(dir, file), 'utf8'), index);
  return index;
}

const INTERFACE = /^export interface (\w+)(?:<[^>]*>)?(?: extends [^{]+)? \{$/;
const NAMESPACE = /^export declare namespace (\w+) \{$/;
const MEMBER = /^\s+(?:readonly )?(\w+)(\?)?: (.+);$/;

const TAKES_NAME = /\b(name or (the |its )?(full )?ARN|ARN or (the |its )?(friendly )?name|ID or (the )?ARN|ARN or (the )?ID)\b/i;

/** Line-based: the generated declarations put one member per line and close blocks at column 0. */
export function parseInto(source: string, index: Map<string, DeclaredMember[]>): void {
  const lines = source.split('\n');
  let doc = '';
  let inDoc = false;
  // Comments are dropped, except a member's own doc comment, which is kept for `takesName`.
  const member = (line: string): DeclaredMember | undefined => {
    const mm = MEMBER.exec(line);
    if (!mm) return undefined;
    const found: DeclaredMember = { name: mm[1], type: stripUndefined(mm[3]) };
    if (doc && TAKES_NAME.test(doc.replace(/<[^>]+>|\s*\*\s*/g, ' '))) found.takesName = true;
    return found;
  };
  const comment = (line: string): boolean => {
    const t = line.trim();
    if (inDoc) {
      doc += ` ${t}`;
      if (t.endsWith('*/')) inDoc = false;
      return true;
    }
    if (t.startsWith('/*')) {
      doc = t;
      inDoc = !t.endsWith('*/');
      return true;
    }
    return false;
  };
  for (let i = 0; i < lines.length; i++) {
    if (comment(lines[i])) continue;
    const line = lines[i];
    let m = INTERFACE.exec(line);
    if (m) {
      const members: DeclaredMember[] = [];
      for (i++; i < lines.length && !lines[i].startsWith('}'); i++) {
        if (comment(lines[i])) continue;
        const found = member(lines[i]);
        if (found) members.push(found);
        doc = '';
      }
      index.set(m[1], members);
      doc = '';
      continue;
    }
    m = NAMESPACE.exec(line);
    if (m) {
      // A union: one `interface XMember { X: T; Y?: never; … }` per variant, in model order.
      const members: DeclaredMember[] = [];
      for (i++; i < lines.length && !lines[i].startsWith('}'); i++) {
        if (comment(lines[i])) continue;
        const variant = /^\s+interface (\w+)Member \{$/.exec(lines[i]);
        if (!variant) continue;
        const variantDoc = doc;
        for (i++; i < lines.length && !/^\s+\}$/.test(lines[i]); i++) {
          if (comment(lines[i])) continue;
          doc = variantDoc;
          const found = member(lines[i]);
          if (found && found.name === variant[1] && !/\?:/.test(lines[i])) members.push(found);
        }
      }
      if (members.length > 0 && !index.has(m[1])) index.set(m[1], members);
    }
    doc = '';
  }
}

function stripUndefined(type: string): string {
  return type.replace(/ \| undefined$/, '').trim();
}

/** Model-order member names of a structure, or undefined when the declarations do not know it. */
export function memberOrder(packageName: string, shapeName: string | undefined): readonly string[] | undefined {
  if (!shapeName) return undefined;
  return declarations(packageName).get(shapeName)?.map((m) => m.name);
}

export type EnumPosition = 'value' | 'element' | 'key' | 'mapValue';

export interface EnumRef {
  name: string;
  values: readonly string[];
  position: EnumPosition;
}

/** Enums a declared member type refers to: `KeySpec`, `Foo[]`, `Record<string, Foo>`, `Partial<Record<Foo, string>>`. */
export function enumsOfType(type: string, pkg: ServicePackage): EnumRef[] {
  const found: EnumRef[] = [];
  const add = (name: string, position: EnumPosition) => {
    const values = enumValues(pkg, name);
    if (values) found.push({ name, values, position });
  };
  let m: RegExpExecArray | null;
  if ((m = /^(\w+)$/.exec(type))) add(m[1], 'value');
  else if ((m = /^\(?(\w+)\)?\[\]$/.exec(type))) add(m[1], 'element');
  else if ((m = /^(?:Partial<)?Record<(\w+), (\w+)>>?$/.exec(type))) {
    add(m[1], 'key');
    add(m[2], 'mapValue');
  }
  return found;
}

const enumCache = new WeakMap<object, Map<string, readonly string[] | null>>();

/** Values of an exported enum object (`export const KeySpec = {…} as const`), or undefined if `name` is not one. */
export function enumValues(pkg: ServicePackage, name: string): readonly string[] | undefined {
  let perPackage = enumCache.get(pkg);
  if (!perPackage) {
    perPackage = new Map();
    enumCache.set(pkg, perPackage);
  }
  let values = perPackage.get(name);
  if (values === undefined) {
    const candidate = pkg[name];
    values = null;
    if (candidate && typeof candidate === 'object' && !Array.isArray(candidate)) {
      const all = Object.values(candidate as Record<string, unknown>);
      if (all.length > 0 && all.every((v) => typeof v === 'string')) values = all as string[];
    }
    perPackage.set(name, values);
  }
  return values ?? undefined;
}
