/**
 * Fences that are files the guide tells the reader to save: "Save the following as `policy.json`:"
 * before a JSON fence, `title="values.yaml"` in its meta, or a first line `# values.yaml`. Such a fence
 * becomes a step that writes the file, so that a later `file://policy.json` or `-f values.yaml` finds it.
 * Data languages qualify, and so does a shell fence whose lines are no commands under a name of a data
 * language (```shell holding a values.yaml: a mislabelled fence). A shell fence of commands is a step
 * to run whatever its introduction says.
 */
import type { Paragraph, PhrasingContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import type { Severity } from '../diagnostics.js';

interface FileLanguage {
  /** Names that fit the language, tested on the file's base name. */
  names: RegExp;
  /** How a comment starts, for a first line that names the file; undefined when the syntax is unknown. */
  comments?: string[];
}

const anyName = /^/;

/** Fence languages whose content can be a file to save ('' is a fence with no language). */
const fileLanguages: Record<string, FileLanguage> = {
  json: { names: /\.json$/i, comments: [] },
  jsonc: { names: /\.jsonc?$/i, comments: ['//'] },
  json5: { names: /\.json5?$/i, comments: ['//'] },
  yaml: { names: /\.ya?ml$/i, comments: ['#'] },
  yml: { names: /\.ya?ml$/i, comments: ['#'] },
  toml: { names: /\.toml$/i, comments: ['#'] },
  ini: { names: /\.(?:ini|cfg|conf)$/i, comments: [';', '#'] },
  cfg: { names: /\.(?:cfg|conf|ini)$/i, comments: [';', '#'] },
  conf: { names: anyName, comments: ['#', ';'] },
  hcl: { names: /\.(?:hcl|tf|tfvars|nomad)$/i, comments: ['#', '//'] },
  tf: { names: /\.(?:tf|tfvars|hcl)$/i, comments: ['#', '//'] },
  terraform: { names: /\.(?:tf|tfvars|hcl)$/i, comments: ['#', '//'] },
  xml: { names: /\.(?:xml|plist|xsd|config)$/i, comments: ['<!--'] },
  env: { names: /(?:^\.env(?:\..+)?|\.env)$/i, comments: ['#'] },
  dotenv: { names: /(?:^\.env(?:\..+)?|\.env)$/i, comments: ['#'] },
  properties: { names: /\.properties$/i, comments: ['#', '!'] },
  text: { names: anyName },
  txt: { names: anyName },
  plaintext: { names: anyName },
  plain: { names: anyName },
  '': { names: anyName },
};

export function isFileLanguage(lang: string): boolean {
  return Object.hasOwn(fileLanguages, lang);
}

/** The data language a file name says (`values.yaml`: yaml), for a fence labelled as something else. */
function languageOfName(name: string): [string, FileLanguage] | undefined {
  const base = baseName(name);
  return Object.entries(fileLanguages).find(([, language]) => language.names !== anyName && language.names.test(base));
}

const baseName = (path: string) => path.split(/[\\/]/).pop()!;

/** Stands for the n-th candidate file name in an introduction's text. */
const token = (n: number) => `\uE000${n}\uE001`;

/**
 * How guides tell the reader to save what follows, with `<file>` where the file name is. Appending to a
 * file ("Add the following to `~/.bashrc`") is not among them: that edits a file rather than writing one;
 * nor is saving a command's output, which the fence then only shows.
 */
const savePhrases: string[] = [
  // Save the following as F; Store it in F; Copy this into a file named F; Write the policy to F
  String.raw`\b(?:save|store|write|copy|paste|put|place)\b(?![^.!?;:]*\b(?:output|response|result)s?\b)[^.!?;:]*?\b(?:as|to|in|into)\s+(?:(?:a|an|the|your)\s+)?(?:new\s+)?(?:(?:[\w-]+\s+)?file\s+(?:named|called)\s+)?<file>`,
  // … the following policy, saved as F (not "the output is saved as F", which describes a command)
  String.raw`(?<!\b(?:is|are|was|were|gets|got|will\s+be)\s+)\bsaved\s+as\s+<file>`,
  // Create a file named F; Create a new YAML file called F; Create the file F
  String.raw`\bcreate\s+(?:(?:a|an|the)\s+)?(?:new\s+)?(?:(?:[\w-]+\s+)?file\s+(?:named|called)\s+<file>|file\s+<file>)`,
  // Create F with the following; Create F:; Create a F file to configure X
  String.raw`\bcreate\s+(?:(?:a|an|the)\s+)?<file>(?:\s*$|\s*:|\s+(?:with|containing|that\s+contains|as\s+follows|like\s+this)\b)`,
  String.raw`\bcreate\s+(?:a|an|the)\s+(?:new\s+)?<file>\s+file\b`,
  // … in a file called F; … to a file named F
  String.raw`\b(?:in|into|to)\s+(?:(?:a|an|the)\s+)?(?:new\s+)?(?:[\w-]+\s+)?file\s+(?:named|called)\s+<file>`,
  // F: (the introduction is the file's name alone)
  String.raw`^\s*(?:(?:file(?:name)?|path)\s*:\s*)?<file>\s*:?\s*$`,
];

/** A relative file name, as inline code or bold text gives it. */
const pathPattern = /^(?:\.\/)?[\w.@+-]+(?:\/[\w.@+-]+)*$/;
/** A file name in running text: it needs an extension to be told from a word. */
const textPathPattern = /(?<![\w/.-])(?:[\w-]+\/)*[\w-]*(?:\.[A-Za-z][\w-]*)+(?![\w/-])/g;
/** A path outside the run's directory: the home directory, the root, a parent, a drive. */
const outsidePattern = /^(?:~|\/|[A-Za-z]:[\\/])|(?:^|[\\/])\.\.(?:[\\/]|$)/;
const isPath = (text: string) => !/\s/.test(text) && (pathPattern.test(text) || outsidePattern.test(text));

export interface SavedFile {
  write?: { path: string; content: string };
  problem?: { message: string; note?: string; severity: Severity };
  /** Where the file name came from: the fence's meta, its first line, or the paragraph before it. */
  from: 'meta' | 'line' | 'lead';
  /** The data language of the file: the fence's, or for a shell fence the one the file name says. */
  language: string;
}

/**
 * The file a data fence is, if the guide says to save it: the meta's file name (`title=`), else a first
 * line naming it, else what the paragraph just before the fence says to save it as. A fence of another
 * language (a shell fence holding YAML) is a file only under a name of a data language (`values.yaml`).
 */
export function savedFile(fence: { lang: string; value: string; metaName?: string; lead?: Paragraph }): SavedFile | undefined {
  const own = fileLanguages[fence.lang];
  // An empty fence is a placeholder (a docs build fills it from a file): nothing to save.
  if (!fence.value.trim()) return undefined;
  const languageOf = (name: string): [string, FileLanguage] | undefined => (own ? [fence.lang, own] : languageOfName(name));
  const fits = (name: string) => !!languageOf(name)?.[1].names.test(baseName(name));
  const lines = fence.value.split('\n');
  const naming = namingLine(lines[0] ?? '');

  const chosen: Array<[string | undefined, SavedFile['from']]> = [[fence.metaName, 'meta'], [naming?.name, 'line']];
  for (const name of fence.lead ? namesToSave(fence.lead) : []) chosen.push([name, 'lead']);
  // A title is a file name only when it looks like one: `title="Output"` is a caption.
  const found = chosen.filter((c): c is [string, SavedFile['from']] => !!c[0] && isPath(c[0]) && (c[1] !== 'meta' || /\.[A-Za-z]|\//.test(c[0])));
  // The first name that settles it: one outside the run's directory is refused, one that fits is written.
  const decisive = found.find(([name, from]) => fits(name) || (own && from !== 'line' && outsidePattern.test(name)));
  if (!decisive) {
    // A name the first line gives is loose evidence; a title or an introduction that names a file which
    // does not fit the language is a mistake worth saying.
    const misfit = own && found.find(([, from]) => from !== 'line');
    if (!misfit) return undefined;
    return {
      from: misfit[1],
      language: fence.lang,
      problem: {
        severity: 'warning',
        message: `Unexpected file name \`${misfit[0]}\` for a ${fence.lang || 'plain'} fence, expected a name that fits its language: the fence is not written`,
        note: 'fix the file name or the fence language',
      },
    };
  }
  const [path, from] = decisive;
  const [languageName, language] = languageOf(path) ?? [fence.lang, own!];
  if (outsidePattern.test(path)) {
    return {
      from,
      language: languageName,
      problem: {
        severity: 'warning',
        message: `Unexpected file \`${path}\` to save, expected a path inside the run's directory: the fence is not written`,
        note: 'runbook writes files only below its working directory; save it there, or show it as ```text',
      },
    };
  }
  // A naming line that is no comment in the file's language (JSON has none) is the guide's label, not content.
  const label = naming?.name === path && language.comments && !language.comments.includes(naming.comment);
  const content = label ? lines.slice(1).join('\n') : fence.value;
  return { from, language: languageName, write: { path: path.replace(/^\.\//, ''), content: content && !content.endsWith('\n') ? `${content}\n` : content } };
}

/** `# values.yaml`, `# filename: values.yaml`, `// policy.json`, `<!-- pom.xml -->`. */
function namingLine(line: string): { name: string; comment: string } | undefined {
  const m = /^\s*(#|\/\/|;|<!--)\s*(?:(?:file(?:name)?|name|path)\s*:\s*)?(\S+?)\s*(?:-->)?\s*$/i.exec(line);
  if (!m || !isPath(m[2]!) || !/\.[A-Za-z]/.test(m[2]!)) return undefined;
  return { name: m[2]!, comment: m[1]! };
}

/** The file names an introduction tells the reader to save what follows as, in the order it gives them. */
function namesToSave(lead: Paragraph): string[] {
  const names: string[] = [];
  const text = phraseText(lead.children, names);
  const found: string[] = [];
  names.forEach((name, n) => {
    if (savePhrases.some((phrase) => new RegExp(phrase.replaceAll('<file>', token(n)), 'iu').test(text))) found.push(name);
  });
  return found;
}

/** The paragraph's text with each candidate file name replaced by a token. */
function phraseText(nodes: PhrasingContent[], names: string[]): string {
  const name = (value: string) => {
    names.push(value);
    return token(names.length - 1);
  };
  return nodes
    .map((node) => {
      if (node.type === 'inlineCode') return isPath(node.value) ? name(node.value) : node.value;
      if (node.type === 'strong' || node.type === 'emphasis') {
        const text = toString(node);
        return /\.[A-Za-z]/.test(text) && isPath(text) ? name(text) : phraseText(node.children, names);
      }
      if (node.type === 'text') return node.value.replace(textPathPattern, (m) => name(m));
      if (node.type === 'html') return '';
      return 'children' in node ? phraseText(node.children as PhrasingContent[], names) : toString(node);
    })
    .join('');
}
