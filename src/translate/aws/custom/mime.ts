/**
 * Python's `mimetypes.guess_type(path)` (strict), which the aws CLI uses for an upload's Content-Type:
 * CPython's built-in table, then the system's mime.types files (`knownfiles`, later ones winning), the
 * suffix and encoding maps, extensions matched case-insensitively.
 */
import { readFileSync, statSync } from 'node:fs';
import { PYTHON_TYPES } from './python-mime-table.js';

const KNOWN_FILES = [
  '/etc/mime.types',
  '/etc/httpd/mime.types',
  '/etc/httpd/conf/mime.types',
  '/etc/apache/mime.types',
  '/etc/apache2/mime.types',
  '/usr/local/etc/httpd/conf/mime.types',
  '/usr/local/lib/netscape/mime.types',
  '/usr/local/etc/httpd/conf/mime.types',
  '/usr/local/etc/mime.types',
];

const SUFFIXES: Readonly<Record<string, string>> = { '.svgz': '.svg.gz', '.tgz': '.tar.gz', '.taz': '.tar.gz', '.tz': '.tar.gz', '.tbz2': '.tar.bz2', '.txz': '.tar.xz' };
const ENCODINGS: Readonly<Record<string, string>> = { '.gz': 'gzip', '.Z': 'compress', '.bz2': 'bzip2', '.xz': 'xz', '.br': 'br' };

let table: Map<string, string> | undefined;

/** MimeTypes.readfp: `type ext ext…`, `#` starts a comment. */
function read(text: string, into: Map<string, string>): void {
  for (const line of text.split('\n')) {
    const words = line.split(/\s+/).filter(Boolean);
    const comment = words.findIndex((w) => w.startsWith('#'));
    if (comment >= 0) words.splice(comment);
    const [type, ...exts] = words;
    if (!type) continue;
    for (const ext of exts) into.set(`.${ext}`, type);
  }
}

function types(): Map<string, string> {
  if (table) return table;
  const t = new Map<string, string>();
  read(PYTHON_TYPES, t);
  for (const file of KNOWN_FILES) {
    try {
      if (statSync(file).isFile()) read(readFileSync(file, 'utf8'), t);
    } catch {
      // not on this system
    }
  }
  return (table = t);
}

/** posixpath.splitext: the last dot of the last component, leading dots not counting. */
export function splitext(path: string): [string, string] {
  const sep = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  if (dot > sep) {
    let i = sep + 1;
    while (i < dot && path[i] === '.') i++;
    if (i < dot) return [path.slice(0, dot), path.slice(dot)];
  }
  return [path, ''];
}

/** The guessed type, or undefined (the CLI then sends no Content-Type). */
export function guessContentType(path: string): string | undefined {
  let [base, ext] = splitext(path);
  while (SUFFIXES[ext.toLowerCase()] !== undefined) [base, ext] = splitext(base + SUFFIXES[ext.toLowerCase()]);
  if (ENCODINGS[ext] !== undefined) [base, ext] = splitext(base);
  return types().get(ext.toLowerCase());
}
