/**
 * kubectl argv -> K8sCall. Pure apart from reading the files a command names (`-f`, `--from-file`):
 * nothing contacts the cluster here (resource types are resolved through discovery when sent).
 * The same builder validates: with a `report` callback every problem is collected, values holding
 * `<…>` placeholders (unknown before the run) are accepted.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import type { Issue, TranslateContext } from '../types.js';
import { flagBool, flagValue, flagValues, parseArgs, type ParsedArgs } from './args.js';
import { K8sUsageError, type K8sRuleId } from './errors.js';
import { JsonPathError, parseJsonPath, relaxedJsonPath } from './jsonpath.js';
import { generators } from './generators.js';
import { displayKind, undoTranslated } from './resources.js';
import type { Connection, ExposeSpec, K8sCall, K8sRequest, Obj, Output, ResourceRef, Selection, WaitCondition } from './types.js';
import { isReadOnlyCommand } from './vault.js';

/** One problem: where, which rule, the message for `runbook check`, and what kubectl prints for it (see K8sUsageError). */
type Report = (argIndex: number, ruleId: K8sRuleId, message: string, note?: string, cli?: string | null) => void;

const FIELD_MANAGER = 'runbook';
const placeholder = (v: string) => /<[^<>]*>/.test(v);

/** Build the call; `report` receives every problem (validation) or the first one throws (translation). */
export function buildCall(argv: string[], context: TranslateContext, parsed: ParsedArgs = parseArgs(argv), report?: Report): K8sCall | undefined {
  const fail: Report =
    report ??
    ((argIndex, ruleId, message, note, cli) => {
      throw new K8sUsageError(message, ruleId, argIndex, note, cli);
    });
  // A command or flag only the real kubectl implements: nothing else about it is this translator's to judge.
  if (parsed.unsupported.length) {
    fail(1, 'k8s-not-translated', `\`${parsed.unsupported[0]}\` is not translated: the real kubectl runs it`);
    return undefined;
  }
  for (const i of parsed.issues) fail(i.argIndex, i.ruleId as K8sRuleId, i.message, i.note, i.cli);
  if (parsed.issues.length) return undefined;
  const b = new Builder(argv, context, parsed, fail);
  try {
    return b.build();
  } catch (error) {
    if (error instanceof K8sUsageError && report) {
      report(error.argIndex, error.ruleId, error.message, error.note, error.cli);
      return undefined;
    }
    throw error;
  }
}

class Builder {
  constructor(
    readonly argv: string[],
    readonly ctx: TranslateContext,
    readonly p: ParsedArgs,
    readonly report: Report,
  ) {}

  /** kubectl refuses the command: `cli` is its own wording when the message is not already kubectl's. */
  private bad(index: number, message: string, note?: string, cli?: string): never {
    throw new K8sUsageError(message, 'k8s-bad-value', index, note, cli);
  }

  /** Valid kubectl this translator does not reproduce: the real kubectl runs it. */
  private untranslated(index: number, message: string): never {
    throw new K8sUsageError(message, 'k8s-not-translated', index);
  }

  build(): K8sCall {
    const conn = this.connection();
    const [verb, sub, sub2] = this.p.path;
    let request: K8sRequest;
    switch (verb) {
      case 'create':
        request = sub ? this.createGenerator(sub === 'secret' ? `secret ${sub2}` : sub, conn) : this.createFromFiles();
        break;
      case 'apply':
        request = this.apply(conn);
        break;
      case 'annotate':
      case 'label':
        request = this.annotate(verb);
        break;
      case 'get':
        request = { verb: 'get', selection: this.selection(this.p.positionals, 'get'), output: this.output(['default', 'wide', 'name', 'json', 'yaml', 'custom-columns']), ignoreNotFound: flagBool(this.p, 'ignore-not-found') };
        break;
      case 'wait':
        request = { verb: 'wait', selection: this.selection(this.p.positionals, 'wait'), condition: this.waitCondition(), timeoutMs: this.duration('timeout', 30_000) };
        break;
      case 'rollout':
        if (sub === 'restart') request = { verb: 'rollout-restart', selection: this.selection(this.p.positionals, 'rollout restart'), output: this.output(['name', 'json', 'yaml']), fieldManager: this.fieldManager() };
        else if (sub === 'undo') request = this.rolloutUndo();
        else request = { verb: 'rollout-status', selection: this.selection(this.p.positionals, 'rollout'), timeoutMs: this.duration('timeout', 0), watch: flagValue(this.p, 'watch')?.value !== 'false' };
        break;
      case 'delete':
        request = this.delete();
        break;
      case 'patch':
        request = this.patch();
        break;
      case 'scale':
        request = this.scale();
        break;
      case 'expose':
        request = this.expose();
        break;
      case 'exec':
        request = this.exec();
        break;
      default:
        throw new K8sUsageError(`Unexpected kubectl command \`${verb ?? ''}\``, 'k8s-unknown-verb', 1);
    }
    return describe({ ...request, conn, ...(this.ctx.stdin !== undefined && request.verb === 'exec' && request.stdin ? { stdinText: this.ctx.stdin } : {}) });
  }

  private connection(): Connection {
    const kubeconfig = flagValue(this.p, 'kubeconfig');
    const context = flagValue(this.p, 'context');
    const namespace = flagValue(this.p, 'namespace');
    const timeout = flagValue(this.p, 'request-timeout');
    const conn: Connection = {};
    if (kubeconfig && typeof kubeconfig.value === 'string') conn.kubeconfig = this.resolvePath(kubeconfig.value) ?? resolve(this.ctx.cwd, kubeconfig.value);
    if (context && typeof context.value === 'string') conn.context = context.value;
    if (namespace && typeof namespace.value === 'string') {
      // kubectl sends any namespace and the server answers (an empty list, or Invalid): checked only before the run.
      if (this.ctx.planning && !placeholder(namespace.value) && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace.value)) this.bad(namespace.valueIndex, `Invalid namespace \`${namespace.value}\`: expected a DNS-1123 label (lowercase letters, digits, \`-\`)`);
      conn.namespace = namespace.value;
    }
    if (flagBool(this.p, 'all-namespaces')) conn.allNamespaces = true;
    if (timeout && typeof timeout.value === 'string' && timeout.value !== '0') {
      const ms = /^\d+$/.test(timeout.value) ? Number(timeout.value) * 1000 : parseGoDuration(timeout.value);
      if (ms === undefined) {
        if (!placeholder(timeout.value)) this.bad(timeout.valueIndex, `Invalid --request-timeout \`${timeout.value}\`: expected a duration such as 30s or 1m`, undefined, 'error: Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)');
      } else conn.requestTimeoutMs = ms;
    }
    return conn;
  }

  /** `-o json|yaml|name|wide|jsonpath=…|jsonpath-as-json=…`. */
  private output(allowed: string[]): Output {
    const o = flagValue(this.p, 'output');
    const showManagedFields = flagBool(this.p, 'show-managed-fields');
    const extra = { ...(showManagedFields ? { showManagedFields } : {}), ...(flagBool(this.p, 'no-headers') ? { noHeaders: true } : {}), ...(flagBool(this.p, 'show-labels') ? { showLabels: true } : {}) };
    if (!o || o.value === true || o.value === '') return { format: 'default', ...extra };
    const value = o.value;
    const eq = value.indexOf('=');
    const name = eq < 0 ? value : value.slice(0, eq);
    if (name === 'jsonpath' || name === 'jsonpath-as-json') {
      if (eq < 0) this.bad(o.valueIndex, `Unexpected \`-o ${value}\`: expected a template, e.g. -o jsonpath='{.metadata.name}'`, undefined, 'error: template format specified but no template given');
      const template = value.slice(eq + 1);
      this.checkTemplate(template, o.valueIndex);
      return { format: name, template, ...(showManagedFields ? { showManagedFields } : {}) };
    }
    if (allowed.includes(name) && name !== 'default' && eq < 0) return { format: name as 'json', ...extra };
    if ((name === 'custom-columns' || name === 'custom-columns-file') && allowed.includes('custom-columns')) return this.customColumns(name, eq < 0 ? '' : value.slice(eq + 1), o.valueIndex);
    // kubectl's printers: get's human-readable ones (custom-columns, wide) only for get.
    const formats = [...(allowed.includes('wide') ? ['custom-columns', 'custom-columns-file'] : []), 'go-template', 'go-template-file', 'json', 'jsonpath', 'jsonpath-as-json', 'jsonpath-file', 'name', 'template', 'templatefile', ...(allowed.includes('wide') ? ['wide'] : []), 'yaml'];
    const templated = ['custom-columns', 'custom-columns-file', 'go-template', 'go-template-file', 'jsonpath-file', 'template', 'templatefile'];
    if (templated.includes(name)) this.untranslated(o.valueIndex, `\`-o ${name}\` is not translated`);
    return this.bad(o.valueIndex, `Unexpected output format \`${value}\`, expected one of ${formats.join(', ')}`, undefined, `error: unable to match a printer suitable for the output format ${JSON.stringify(value)}, allowed formats are: ${formats.join(',')}`);
  }

  /** kubectl's custom-columns printer (get/customcolumn.go): `HEADER:.path,…`, or a file of headers and paths. */
  private customColumns(name: string, spec: string, index: number): Output {
    const noHeaders = flagBool(this.p, 'no-headers');
    let pairs: Array<[string, string]>;
    if (name === 'custom-columns-file') {
      const full = spec ? this.resolvePath(spec) : undefined;
      if (!full) {
        if (this.ctx.planning && spec) return { format: 'custom-columns', columns: [], ...(noHeaders ? { noHeaders } : {}) };
        return this.bad(index, `error reading template ${spec}, ${spec ? `open ${spec}: no such file or directory` : 'no file given'}`);
      }
      const [headers = [], paths = []] = readFileSync(full, 'utf8').split('\n').slice(0, 2).map((l) => l.split(/\s+/).filter(Boolean));
      if (headers.length !== paths.length) this.bad(index, `error: number of headers (${headers.length}) and field specifications (${paths.length}) don't match`);
      pairs = headers.map((h, i) => [h, paths[i]!]);
    } else {
      if (!spec) this.bad(index, 'error: custom-columns format specified but no custom columns given');
      pairs = spec.split(',').map((part) => {
        const colon = part.indexOf(':');
        if (colon < 0) this.bad(index, `error: unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
        return [part.slice(0, colon), part.slice(colon + 1)];
      });
    }
    const columns = pairs.map(([header, expr]) => {
      let path: string;
      try {
        path = relaxedJsonPath(expr);
      } catch (error) {
        return this.bad(index, `error: ${(error as Error).message}`);
      }
      this.checkTemplate(path, index);
      return { header, path };
    });
    return { format: 'custom-columns', columns, ...(noHeaders ? { noHeaders } : {}) };
  }

  private checkTemplate(template: string, index: number): void {
    try {
      parseJsonPath(template);
    } catch (error) {
      if (error instanceof JsonPathError) this.bad(index, `Invalid JSONPath template \`${template}\`: ${error.message}`);
      throw error;
    }
  }

  private dryRun(): 'client' | 'server' | undefined {
    const f = flagValue(this.p, 'dry-run');
    if (!f) return undefined;
    const v = f.value === true ? 'client' : f.value;
    if (v === 'none') return undefined;
    if (v === 'client' || v === 'server') return v;
    return this.bad(f.valueIndex, `Invalid --dry-run \`${v}\`, expected one of none, client, server`);
  }

  private fieldManager(): string {
    const f = flagValue(this.p, 'field-manager');
    return typeof f?.value === 'string' && f.value ? f.value : FIELD_MANAGER;
  }

  private duration(flag: string, fallback: number): number {
    const f = flagValue(this.p, flag);
    if (!f || f.value === true) return fallback;
    if (placeholder(f.value)) return fallback;
    const ms = parseGoDuration(f.value);
    if (ms === undefined) return this.bad(f.valueIndex, `Invalid --${flag} \`${f.value}\`: expected a duration such as 30s, 5m or 1h30m`);
    return ms < 0 ? 7 * 24 * 3_600_000 : ms;
  }

  // ---- create ----

  private createGenerator(what: string, conn: Connection): K8sRequest {
    const [nameArg, ...extra] = this.p.positionals;
    if (!nameArg || extra.length) {
      this.bad(nameArg ? extra[0]!.index : this.argv.length - 1, `\`kubectl create ${what}\` takes exactly one NAME, got ${this.p.positionals.length}`, undefined, `error: exactly one NAME is required, got ${this.p.positionals.length}\nSee 'kubectl create ${what} -h' for help and examples`);
    }
    const name = nameArg.value;
    // As for namespaces: at run time the server's Invalid answer is what kubectl prints.
    const check = this.ctx.planning && !placeholder(name);
    if (check && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) && !['role', 'clusterrole', 'rolebinding', 'clusterrolebinding'].includes(what)) this.bad(nameArg.index, `Invalid name \`${name}\`: expected lowercase letters, digits, \`-\` and \`.\` (a DNS-1123 subdomain)`);
    if (check && what === 'namespace' && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) this.bad(nameArg.index, `Invalid namespace name \`${name}\`: expected a DNS-1123 label`);
    const generate = generators[what];
    if (!generate) return this.untranslated(2, `\`kubectl create ${what}\` is not translated`);
    const flagIndex = (flag: string) => flagValue(this.p, flag)?.valueIndex ?? nameArg.index;
    const { object, rbac } = generate({
      name,
      ...(conn.namespace ? { namespace: conn.namespace } : {}),
      str: (flag) => {
        const v = flagValue(this.p, flag)?.value;
        return typeof v === 'string' ? v : undefined;
      },
      list: (flag, slice) => flagValues(this.p, flag).flatMap((f) => (typeof f.value !== 'string' ? [] : slice ? splitCsv(f.value) : [f.value])),
      int: (flag) => {
        const f = flagValue(this.p, flag);
        if (!f || typeof f.value !== 'string') return undefined;
        if (!/^-?\d+$/.test(f.value)) {
          if (placeholder(f.value)) return 0;
          this.bad(f.valueIndex, `Invalid --${flag} \`${f.value}\`: expected an integer`, undefined, `error: invalid argument "${f.value}" for "--${flag}" flag: strconv.ParseInt: parsing "${f.value}": invalid syntax\nSee 'kubectl create ${what} --help' for usage.`);
        }
        return Number(f.value);
      },
      command: this.p.command ?? [],
      sources: (kind, base64) => this.sources(kind, name, base64),
      readFile: (path) => {
        const full = this.resolvePath(path);
        if (full) return readFileSync(full);
        if (this.ctx.planning) return undefined;
        return this.bad(flagIndex(path === flagValue(this.p, 'key')?.value ? 'key' : 'cert'), `error: Cannot read file ${path}, open ${path}: no such file or directory`);
      },
      planning: !!this.ctx.planning,
      fail: (message) => this.bad(nameArg.index, message.startsWith('error: ') ? message : `error: ${message}`),
    });
    return { verb: 'create', objects: [object], source: 'generator', output: this.output(['name', 'json', 'yaml']), fieldManager: this.fieldManager(), ...optional('dryRun', this.dryRun()), ...(rbac ? { rbac } : {}) };
  }

  /** `--from-file=[key=]path` (a directory: each file), `--from-literal=k=v`, `--from-env-file=path`. */
  private sources(kind: string, name: string, base64: boolean): { data: Record<string, string>; binaryData: Record<string, string> } {
    const data: Record<string, string> = {};
    const binaryData: Record<string, string> = {};
    const envFiles = flagValues(this.p, 'from-env-file');
    if (envFiles.length && (flagValues(this.p, 'from-file').length || flagValues(this.p, 'from-literal').length)) this.bad(envFiles[0]!.index, 'error: from-env-file cannot be combined with from-file or from-literal');
    const add = (key: string, content: Buffer | string, index: number) => {
      if (!placeholder(key) && !/^[-._a-zA-Z0-9]+$/.test(key)) this.bad(index, `"${key}" is not a valid key name for a ${kind}: a valid config key must consist of alphanumeric characters, '-', '_' or '.'`);
      if (key in data || key in binaryData) this.bad(index, `cannot add key "${key}", another key by that name already exists in ${base64 ? 'data' : 'Data'} for ${kind} "${name}"`);
      const buf = typeof content === 'string' ? Buffer.from(content) : content;
      if (base64) data[key] = buf.toString('base64');
      else if (isUtf8(buf)) data[key] = buf.toString('utf8');
      else binaryData[key] = buf.toString('base64');
    };
    for (const f of flagValues(this.p, 'from-file')) {
      const spec = String(f.value);
      const eq = spec.indexOf('=');
      const [key, path] = eq < 0 ? [undefined, spec] : [spec.slice(0, eq), spec.slice(eq + 1)];
      if (key === '' || path === '') this.bad(f.valueIndex, `key names or file paths cannot be empty: --from-file=${spec}`);
      if (path === '/dev/stdin') {
        add(key ?? 'stdin', this.stdinOrPlaceholder(f.valueIndex, `--from-file=${spec}`), f.valueIndex);
        continue;
      }
      const full = this.resolvePath(path);
      if (!full) {
        if (this.ctx.planning) {
          add(key ?? basename(path), `<contents of ${path}>`, f.valueIndex);
          continue;
        }
        this.bad(f.valueIndex, `error reading ${path}: no such file or directory`);
      }
      if (statSync(full).isDirectory()) {
        if (key) this.bad(f.valueIndex, `cannot give a key name for a directory path: --from-file=${spec}`);
        for (const entry of readdirSync(full).sort()) {
          const file = join(full, entry);
          if (statSync(file).isFile() && /^[-._a-zA-Z0-9]+$/.test(entry)) add(entry, readFileSync(file), f.valueIndex);
        }
      } else add(key ?? basename(path), readFileSync(full), f.valueIndex);
    }
    for (const f of flagValues(this.p, 'from-literal')) {
      const spec = String(f.value);
      const eq = spec.indexOf('=');
      if (eq <= 0) this.bad(f.valueIndex, `invalid literal source ${spec}, expected key=value`);
      add(spec.slice(0, eq), spec.slice(eq + 1), f.valueIndex);
    }
    for (const f of flagValues(this.p, 'from-env-file')) {
      const path = String(f.value);
      const full = path === '/dev/stdin' ? path : this.resolvePath(path);
      if (!full) {
        if (this.ctx.planning) continue;
        this.bad(f.valueIndex, `error reading ${path}: no such file or directory`);
      }
      if (full === '/dev/stdin' && this.ctx.stdin === undefined && this.ctx.planning) continue;
      const text = full === '/dev/stdin' ? this.stdinOrPlaceholder(f.valueIndex, `--from-env-file=${path}`) : readFileSync(full, 'utf8');
      for (const line of text.split('\n')) {
        const t = line.replace(/^\uFEFF/, '').trimStart();
        if (!t || t.startsWith('#')) continue;
        const eq = t.indexOf('=');
        if (eq <= 0) this.bad(f.valueIndex, `${path}: invalid line "${t}", expected KEY=VALUE`);
        add(t.slice(0, eq), t.slice(eq + 1), f.valueIndex);
      }
    }
    return { data, binaryData };
  }

  private createFromFiles(): K8sRequest {
    if (!flagValues(this.p, 'filename').length) this.bad(1, '`kubectl create` needs -f FILENAME or a subcommand (namespace, serviceaccount, configmap, secret generic)');
    if (this.p.positionals.length) this.bad(this.p.positionals[0]!.index, `Unexpected argument \`${this.p.positionals[0]!.value}\` for \`kubectl create -f\``);
    const read = this.manifestSources();
    return {
      verb: 'create', objects: read && read.map((r) => r.object), source: 'file', ...(read ? { files: read.map((r) => r.file) } : {}),
      output: this.output(['name', 'json', 'yaml']), fieldManager: this.fieldManager(), ...optional('dryRun', this.dryRun()),
    };
  }

  private apply(conn: Connection): K8sRequest {
    if (!flagValues(this.p, 'filename').length) this.bad(1, 'error: must specify one of -f and -k');
    if (this.p.positionals.length) this.bad(this.p.positionals[0]!.index, `Unexpected argument \`${this.p.positionals[0]!.value}\` for \`kubectl apply\``);
    const objects = this.manifests();
    for (const o of objects ?? []) {
      const ns = (o.metadata as Obj | undefined)?.namespace;
      if (conn.namespace && typeof ns === 'string' && ns !== conn.namespace && !placeholder(ns) && !placeholder(conn.namespace)) {
        this.bad(flagValue(this.p, 'namespace')!.valueIndex, `the namespace from the provided object "${ns}" does not match the namespace "${conn.namespace}". You must pass '--namespace=${ns}' to perform this operation.`);
      }
    }
    const forceConflicts = flagBool(this.p, 'force-conflicts');
    const serverSide = flagBool(this.p, 'server-side');
    if (forceConflicts && !serverSide) this.bad(flagValue(this.p, 'force-conflicts')!.index, 'error: --force-conflicts only works with --server-side');
    return { verb: 'apply', objects, serverSide, forceConflicts, fieldManager: this.fieldManager(), output: this.output(['name', 'json', 'yaml']), ...optional('dryRun', this.dryRun()) };
  }

  /** Objects from every `-f` (file, directory, or `-` for stdin); null when only known at run time. */
  private manifests(): Obj[] | null {
    return this.manifestSources()?.map((r) => r.object) ?? null;
  }

  /** Each object with the file kubectl names it by in errors (`STDIN` for `-f -`). */
  private manifestSources(): Array<{ object: Obj; file: string }> | null {
    const objects: Array<{ object: Obj; file: string }> = [];
    const recursive = flagBool(this.p, 'recursive');
    for (const f of flagValues(this.p, 'filename')) {
      const name = String(f.value);
      if (/^https?:\/\//.test(name)) this.untranslated(f.valueIndex, `-f ${name}: URLs are not translated`);
      let sources: Array<{ file: string; text: string }>;
      if (isStdin(name)) {
        if (this.ctx.stdin === undefined) {
          if (this.ctx.planning) return null;
          this.bad(f.valueIndex, 'error: -f - reads the manifests from stdin, and nothing feeds this command (use a heredoc or a pipe)');
        }
        sources = [{ file: 'STDIN', text: this.ctx.stdin }];
      } else {
        const full = this.resolvePath(name);
        if (!full) {
          if (this.ctx.planning) return null;
          this.bad(f.valueIndex, `error: the path "${name}" does not exist`);
        }
        sources = statSync(full).isDirectory() ? manifestFiles(full, recursive).map((file) => ({ file: join(name, relative(full, file)), text: readFileSync(file, 'utf8') })) : [{ file: name, text: readFileSync(full, 'utf8') }];
      }
      for (const { file, text } of sources) {
        try {
          objects.push(...parseManifests(text, file).map((object) => ({ object, file })));
        } catch (error) {
          // At plan time a heredoc holds placeholders such as `<from step 3: X>` that need not be valid YAML.
          if (this.ctx.planning && isStdin(name)) return null;
          this.bad(f.valueIndex, (error as Error).message);
        }
      }
    }
    if (!objects.length && !this.ctx.planning) this.bad(flagValue(this.p, 'filename')!.valueIndex, 'error: no objects passed to apply');
    return objects;
  }

  /** The command's stdin (a heredoc or pipe), never the engine's own; a placeholder at plan time. */
  private stdinOrPlaceholder(index: number, what: string): string {
    if (this.ctx.stdin !== undefined) return this.ctx.stdin;
    if (this.ctx.planning) return '<stdin>';
    return this.bad(index, `error: ${what} reads stdin, and nothing feeds this command (use a heredoc or a pipe)`);
  }

  private resolvePath(path: string): string | undefined {
    for (const dir of [this.ctx.cwd, ...(this.ctx.fallbackDirs ?? [])]) {
      const full = resolve(dir, path);
      if (existsSync(full)) return full;
    }
    return undefined;
  }

  // ---- annotate / label ----

  private annotate(verb: 'annotate' | 'label'): K8sRequest {
    const words = this.p.positionals;
    const first = words.findIndex((w) => w.value.includes('=') || w.value.endsWith('-'));
    const resources = first < 0 ? words : words.slice(0, first);
    const changesWords = first < 0 ? [] : words.slice(first);
    const stray = changesWords.find((w) => !(w.value.includes('=') || w.value.endsWith('-')));
    if (stray) this.bad(stray.index, `error: all resources must be specified before ${verb === 'label' ? 'label' : 'annotation'} changes: ${stray.value}`);
    if (!changesWords.length) this.bad(this.argv.length - 1, `error: at least one ${verb === 'label' ? 'label' : 'annotation'} update is required`);
    const changes: Record<string, string | null> = {};
    for (const w of changesWords) {
      const eq = w.value.indexOf('=');
      const key = eq >= 0 ? w.value.slice(0, eq) : w.value.slice(0, -1);
      const value = eq >= 0 ? w.value.slice(eq + 1) : null;
      if (!placeholder(key) && !validKey(key)) this.bad(w.index, `Invalid ${verb === 'label' ? 'label' : 'annotation'} key \`${key}\`: expected [prefix/]name, the name up to 63 characters of letters, digits, \`-\`, \`_\`, \`.\``);
      if (verb === 'label' && value !== null && !placeholder(value) && !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value)) this.bad(w.index, `Invalid label value \`${value}\`: at most 63 letters, digits, \`-\`, \`_\`, \`.\`, starting and ending with a letter or digit`);
      if (key in changes && changes[key] !== value) this.bad(w.index, `error: can not both modify and remove ${verb === 'label' ? 'a label' : 'an annotation'} in the same command`);
      changes[key] = value;
    }
    const selection = this.selection(resources, verb);
    if (!selection.refs.some((r) => r.name) && !selection.all && !selection.labelSelector && !selection.fieldSelector) {
      this.bad(resources[0]?.index ?? 1, `error: resource(s) were provided, but no name was specified`);
    }
    const rv = flagValue(this.p, 'resource-version');
    return {
      verb, selection, changes, overwrite: flagBool(this.p, 'overwrite'), output: this.output(['name', 'json', 'yaml']), fieldManager: this.fieldManager(),
      ...optional('dryRun', this.dryRun()), ...(typeof rv?.value === 'string' && rv.value ? { resourceVersion: rv.value } : {}),
    };
  }

  /** `TYPE[,TYPE] [NAME…]` or `TYPE/NAME…`, plus -l/--field-selector/--all. */
  private selection(words: Array<{ value: string; index: number }>, verb: string): Selection {
    const labelSelector = flagValue(this.p, 'selector');
    const fieldSelector = flagValue(this.p, 'field-selector');
    const all = flagBool(this.p, 'all');
    const refs: ResourceRef[] = [];
    if (!words.length) {
      this.bad(this.argv.length - 1, verb === 'get' ? 'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.' : `error: you must specify the resource to ${verb === 'rollout' ? 'watch' : verb} (TYPE NAME or TYPE/NAME)`, undefined, noResource[verb]);
    }
    if (words[0]!.value.includes('/')) {
      for (const w of words) {
        const slash = w.value.indexOf('/');
        if (slash <= 0 || slash === w.value.length - 1) this.bad(w.index, `error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl ${verb} resource/<resource_name>' instead of 'kubectl ${verb} resource resource/<resource_name>'`);
        refs.push({ type: w.value.slice(0, slash), name: w.value.slice(slash + 1), slashForm: true });
      }
    } else {
      const types = words[0]!.value.split(',').filter(Boolean);
      const names = words.slice(1);
      const slashed = names.find((n) => n.value.includes('/'));
      if (slashed) this.bad(slashed.index, `error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl ${verb} resource/<resource_name>' instead of 'kubectl ${verb} resource resource/<resource_name>'`);
      for (const type of types) {
        if (names.length) for (const n of names) refs.push({ type, name: n.value });
        else refs.push({ type });
      }
    }
    if (verb === 'rollout') {
      if (refs.length !== 1 || !refs[0]!.name) this.bad(words[0]!.index, 'error: rollout status takes exactly one TYPE/NAME, e.g. statefulset/vault');
    }
    if (verb === 'wait' && !refs.some((r) => r.name) && !all && !labelSelector && !fieldSelector) {
      this.bad(words[0]!.index, 'error: resource(s) were provided, but no name was specified (use TYPE/NAME, -l selector or --all)');
    }
    return {
      refs,
      ...(typeof labelSelector?.value === 'string' ? { labelSelector: labelSelector.value } : {}),
      ...(typeof fieldSelector?.value === 'string' ? { fieldSelector: fieldSelector.value } : {}),
      ...(all ? { all } : {}),
    };
  }

  // ---- delete, patch, scale, rollout restart/undo, expose ----

  /** `delete TYPE NAME…`, `-l`, `--all`, `-f FILE|DIR|-` (each object the manifests name). */
  private delete(): K8sRequest {
    const o = flagValue(this.p, 'output');
    if (o && o.value !== 'name' && o.value !== '') this.bad(o.valueIndex, `error: unexpected -o output mode: ${String(o.value)}. We only support '-o name'`);
    const all = flagBool(this.p, 'all');
    const labelSelector = flagValue(this.p, 'selector');
    const fieldSelector = flagValue(this.p, 'field-selector');
    if (all && labelSelector) this.bad(labelSelector.index, "error: setting 'all' parameter but found a non empty selector. ");
    if (all && fieldSelector) this.bad(fieldSelector.index, 'error: cannot set --all and --field-selector at the same time');
    let selection: Selection;
    if (flagValues(this.p, 'filename').length) {
      if (this.p.positionals.length) this.bad(this.p.positionals[0]!.index, 'error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well');
      const objects = this.manifests();
      selection = { refs: (objects ?? []).map((obj) => ({ type: String(obj.kind), apiVersion: String(obj.apiVersion), name: String((obj.metadata as Obj).name), ...(typeof (obj.metadata as Obj).namespace === 'string' ? { namespace: (obj.metadata as Obj).namespace as string } : {}) })) };
    } else {
      selection = this.selection(this.p.positionals, 'delete');
      if (!selection.refs.some((r) => r.name) && !all && !labelSelector && !fieldSelector) this.bad(this.p.positionals[0]!.index, 'error: resource(s) were provided, but no name was specified');
    }
    const cascadeFlag = flagValue(this.p, 'cascade');
    const cascadeText = cascadeFlag === undefined ? 'background' : cascadeFlag.value === true ? 'background' : cascadeFlag.value;
    const cascade = ({ background: 'background', true: 'background', foreground: 'foreground', orphan: 'orphan', false: 'orphan' } as const)[cascadeText as 'background'];
    if (!cascade) this.bad(cascadeFlag!.valueIndex, `error: invalid cascade value (${cascadeText}). Must be "background", "foreground", or "orphan".`);
    const force = flagBool(this.p, 'force');
    let gracePeriod = Number(flagValue(this.p, 'grace-period')?.value ?? -1);
    if (flagBool(this.p, 'now')) {
      if (gracePeriod !== -1) this.bad(flagValue(this.p, 'now')!.index, 'error: --now and --grace-period cannot be specified together');
      gracePeriod = 1;
    }
    if (gracePeriod === 0 && !force) gracePeriod = 1;
    if (force && gracePeriod < 0) gracePeriod = 0;
    if (force && gracePeriod > 0) this.bad(flagValue(this.p, 'force')!.index, 'error: --force and --grace-period greater than 0 cannot be specified together');
    const ignoreFlag = flagValue(this.p, 'ignore-not-found');
    // --all and selectors ignore missing objects unless told otherwise (delete.go Complete).
    const ignoreNotFound = ignoreFlag ? flagBool(this.p, 'ignore-not-found') : all || !!labelSelector || !!fieldSelector;
    return {
      verb: 'delete', selection: { ...selection, ...(all ? { all } : {}), ...(typeof labelSelector?.value === 'string' ? { labelSelector: labelSelector.value } : {}), ...(typeof fieldSelector?.value === 'string' ? { fieldSelector: fieldSelector.value } : {}) },
      ignoreNotFound, wait: flagValue(this.p, 'wait')?.value !== 'false', timeoutMs: this.duration('timeout', 0), cascade, force, ...(gracePeriod >= 0 ? { gracePeriod } : {}),
      output: o?.value === 'name' ? { format: 'name' } : { format: 'default' }, ...optional('dryRun', this.dryRun()),
    };
  }

  /** `patch TYPE NAME -p PATCH|--patch-file FILE [--type strategic|merge|json]`: the patch read as YAML or JSON. */
  private patch(): K8sRequest {
    const inline = flagValue(this.p, 'patch');
    const file = flagValue(this.p, 'patch-file');
    if (inline && file) this.bad(file.index, 'error: cannot specify --patch and --patch-file together');
    if (!inline && !file) this.bad(this.argv.length - 1, 'error: must specify --patch or --patch-file containing the contents of the patch');
    const typeFlag = flagValue(this.p, 'type');
    const patchType = String(typeFlag?.value ?? 'strategic').toLowerCase();
    if (!['json', 'merge', 'strategic'].includes(patchType)) this.bad(typeFlag!.valueIndex, `error: --type must be one of [json merge strategic], not ${JSON.stringify(String(typeFlag!.value))}`);
    let text: string;
    if (file && isStdin(String(file.value))) text = this.stdinOrPlaceholder(file.valueIndex, `--patch-file=${String(file.value)}`);
    else if (file) {
      const full = this.resolvePath(String(file.value));
      if (!full) {
        if (this.ctx.planning) text = '{}';
        else this.bad(file.valueIndex, `error: unable to read patch file: open ${String(file.value)}: no such file or directory`);
      }
      text ??= readFileSync(full!, 'utf8');
    } else text = String(inline!.value);
    let patch: unknown;
    let invalid: string | undefined;
    if (/^\s*\{/.test(text)) {
      // yaml.ToJSON hands what starts like JSON to the server as it is: a malformed one is the server's to refuse.
      try {
        patch = JSON.parse(text);
      } catch (error) {
        if (this.ctx.planning && placeholder(text)) patch = {};
        else invalid = (error as Error).message;
      }
    } else {
      try {
        patch = parseYaml(text, { version: '1.1' });
      } catch (error) {
        if (this.ctx.planning && placeholder(text)) patch = {};
        else this.bad((file ?? inline)!.valueIndex, `error: unable to parse ${JSON.stringify(inline ? text : '')}: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    const selection = this.selection(this.p.positionals, 'patch');
    if (!selection.refs.some((r) => r.name)) this.bad(this.p.positionals[0]!.index, 'error: resource(s) were provided, but no name was specified');
    const dryRun = this.dryRun();
    // A client-side dry run of a strategic merge patch needs the types' patch strategies: the real kubectl has them.
    if (dryRun === 'client' && patchType === 'strategic') this.untranslated(typeFlag?.valueIndex ?? 1, '`kubectl patch --dry-run=client` of a strategic merge patch is not translated');
    const subresource = flagValue(this.p, 'subresource');
    return {
      verb: 'patch', selection, patchType: patchType as 'strategic', patch, output: this.output(['name', 'json', 'yaml']), fieldManager: this.fieldManager(), ...optional('dryRun', dryRun), ...optional('invalid', invalid),
      ...(typeof subresource?.value === 'string' && subresource.value ? { subresource: subresource.value } : {}),
    };
  }

  /** `scale TYPE NAME --replicas=N [--current-replicas=M] [--resource-version=V]`, or `-l`/`--all`. */
  private scale(): K8sRequest {
    const replicas = flagValue(this.p, 'replicas');
    if (!replicas) this.bad(this.argv.length - 1, 'error: required flag(s) "replicas" not set', undefined, 'error: required flag(s) "replicas" not set');
    const n = Number(replicas.value);
    if (n < 0) this.bad(replicas.valueIndex, 'error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
    const current = Number(flagValue(this.p, 'current-replicas')?.value ?? -1);
    if (current < -1) this.bad(flagValue(this.p, 'current-replicas')!.valueIndex, 'error: The --current-replicas must specify an integer of -1 or greater');
    const selection = this.selection(this.p.positionals, 'scale');
    if (!selection.refs.some((r) => r.name) && !selection.all && !selection.labelSelector) this.bad(this.p.positionals[0]!.index, 'error: resource(s) were provided, but no name was specified');
    const rv = flagValue(this.p, 'resource-version');
    return {
      verb: 'scale', selection, replicas: placeholder(String(replicas.value)) ? 0 : n, currentReplicas: current, timeoutMs: this.duration('timeout', 0), output: this.output(['name', 'json', 'yaml']),
      ...(typeof rv?.value === 'string' && rv.value ? { resourceVersion: rv.value } : {}), ...optional('dryRun', this.dryRun()),
    };
  }

  private rolloutUndo(): K8sRequest {
    const kinds = this.p.positionals.map((w) => w.value.split('/')[0]!);
    if (kinds.some((t) => !undoTranslated(t))) this.untranslated(this.p.positionals[0]!.index, '`kubectl rollout undo` of a StatefulSet or DaemonSet is not translated');
    if (this.dryRun() === 'client') this.untranslated(flagValue(this.p, 'dry-run')!.index, '`kubectl rollout undo --dry-run=client` is not translated');
    const to = Number(flagValue(this.p, 'to-revision')?.value ?? 0);
    return { verb: 'rollout-undo', selection: this.selection(this.p.positionals, 'rollout undo'), toRevision: to, output: this.output(['name', 'json', 'yaml']), ...optional('dryRun', this.dryRun()) };
  }

  /** `expose TYPE NAME [--port] [--target-port] [--name] [--type] …`: a Service for the object. */
  private expose(): K8sRequest {
    const selection = this.selection(this.p.positionals, 'expose');
    if (!selection.refs.some((r) => r.name)) this.bad(this.p.positionals[0]!.index, 'error: resource(s) were provided, but no name was specified');
    const spec: ExposeSpec = {};
    const keys: Array<[keyof ExposeSpec, string]> = [
      ['name', 'name'], ['port', 'port'], ['protocol', 'protocol'], ['targetPort', 'target-port'], ['type', 'type'], ['selector', 'selector'], ['labels', 'labels'],
      ['externalIP', 'external-ip'], ['loadBalancerIP', 'load-balancer-ip'], ['sessionAffinity', 'session-affinity'], ['clusterIP', 'cluster-ip'],
    ];
    for (const [key, flag] of keys) {
      const v = flagValue(this.p, flag)?.value;
      if (typeof v === 'string' && v) spec[key] = v;
    }
    if (spec.type && !['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(spec.type)) this.bad(flagValue(this.p, 'type')!.valueIndex, `error: invalid service type "${spec.type}", expected one of ClusterIP, NodePort, LoadBalancer, ExternalName`, undefined, `error: cannot expose a Service of type "${spec.type}"`);
    return { verb: 'expose', selection, expose: spec, output: this.output(['name', 'json', 'yaml']), fieldManager: this.fieldManager(), ...optional('dryRun', this.dryRun()) };
  }

  // ---- wait ----

  private waitCondition(): WaitCondition {
    const f = flagValue(this.p, 'for');
    const text = typeof f?.value === 'string' ? f.value : '';
    const index = f?.valueIndex ?? this.argv.length - 1;
    if (text === 'delete') return { type: 'delete' };
    if (text === 'create') return { type: 'create' };
    if (text.startsWith('condition=')) {
      const rest = text.slice('condition='.length);
      const eq = rest.indexOf('=');
      const name = eq < 0 ? rest : rest.slice(0, eq);
      if (!name) this.bad(index, 'error: condition name is required: --for=condition=NAME[=VALUE]');
      return { type: 'condition', name, value: eq < 0 ? 'true' : rest.slice(eq + 1) };
    }
    if (text.startsWith('jsonpath=')) {
      const [expression, value] = splitJsonPathInput(text.slice('jsonpath='.length));
      let relaxed: string;
      try {
        relaxed = relaxedJsonPath(expression);
      } catch (error) {
        return this.bad(index, `error: ${(error as Error).message}`);
      }
      this.checkTemplate(relaxed, index);
      if (value !== undefined && value.replace(/^['"]|['"]$/g, '') === '') this.bad(index, 'error: jsonpath wait has to have a value after equal sign');
      return { type: 'jsonpath', expression: relaxed, ...(value !== undefined ? { value: value.replace(/^['"]+|['"]+$/g, '') } : {}) };
    }
    return this.bad(index, `error: unrecognized condition: ${JSON.stringify(text)}`, 'expected --for=condition=NAME[=VALUE], --for=jsonpath=\'{EXPR}\'[=VALUE], --for=create or --for=delete');
  }

  // ---- exec ----

  private exec(): K8sRequest {
    const [target, ...rest] = this.p.positionals;
    if (!target) this.bad(this.argv.length - 1, 'error: pod, type/name or --filename must be specified');
    let pod = target.value;
    if (pod.includes('/')) {
      const [type, name] = pod.split('/', 2) as [string, string];
      if (!['pod', 'pods', 'po'].includes(type.toLowerCase())) this.untranslated(target.index, `\`kubectl exec ${pod}\` (a pod chosen from a ${type}) is not translated`);
      pod = name;
    }
    const command = this.p.command ?? rest.map((r) => r.value);
    if (this.p.command && rest.length) this.bad(rest[0]!.index, `Unexpected argument \`${rest[0]!.value}\` before \`--\``);
    if (!command.length) this.bad(this.argv.length - 1, 'error: you must specify at least one command for the container');
    const container = flagValue(this.p, 'container');
    return {
      verb: 'exec', pod, command, stdin: flagBool(this.p, 'stdin'), quiet: flagBool(this.p, 'quiet'),
      podRunningTimeoutMs: this.duration('pod-running-timeout', 60_000),
      ...(typeof container?.value === 'string' ? { container: container.value } : {}),
    };
  }
}

/** What kubectl prints when a verb is given no resource (annotate and label say it their own way, as the builder does). */
const mustProvide = "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";
const noResource: Record<string, string | undefined> = {
  delete: mustProvide,
  expose: mustProvide,
  patch: mustProvide,
  scale: mustProvide,
  get: 'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\nSee \'kubectl get -h\' for help and examples',
  rollout: 'error: required resource not specified',
  'rollout restart': 'error: required resource not specified',
  'rollout undo': 'error: required resource not specified',
  wait: "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
};

/** `-f -` and `-f /dev/stdin` both read the command's stdin (the heredoc or pipe feeding it). */
export const isStdin = (file: string) => file === '-' || file === '/dev/stdin';

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Validation: every problem of the command as issues (none when it is fine). */
export function validateCall(argv: string[], context: TranslateContext): Issue[] {
  const issues: Issue[] = [];
  // What kubectl accepts but the translator does not reproduce runs as the real kubectl: a warning at most.
  buildCall(argv, context, parseArgs(argv), (argIndex, ruleId, message, note) => issues.push({ argIndex, ruleId, message, severity: ruleId === 'k8s-not-translated' ? 'warning' : 'error', ...(note ? { note } : {}) }));
  return issues;
}

/** pflag's StringSlice value: one CSV record (`a,b`, `"a,b",c`); an empty value is no element. */
export function splitCsv(value: string): string[] {
  if (value === '') return [];
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted) {
      if (c === '"' && value[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** `{.status.conditions[?(@.type=="Ready")].status}=True` -> expression, value (the `=` outside braces and quotes). */
function splitJsonPathInput(input: string): [string, string | undefined] {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') depth--;
    else if (c === '=' && depth === 0) return [input.slice(0, i).replace(/^'|'$/g, ''), input.slice(i + 1)];
  }
  return [input.replace(/^'|'$/g, ''), undefined];
}

/** Go's time.ParseDuration (`90s`, `5m`, `1h30m`, `0`, `-1s`), in milliseconds. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(text);
  if (!m) return undefined;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const part of text.slice(m[1]!.length).matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) total += Number(part[1]) * unit[part[2]!]!;
  return m[1] === '-' ? -total : Math.round(total);
}

function validKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash >= 0 ? [key.slice(0, slash), key.slice(slash + 1)] : [undefined, key];
  if (prefix !== undefined && (prefix.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(prefix))) return false;
  return name.length > 0 && name.length <= 63 && /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(name);
}

function isUtf8(buf: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return true;
  } catch {
    return false;
  }
}

/** The `.json`, `.yaml` and `.yml` files of a directory (its subdirectories too with -R), sorted. */
function manifestFiles(dir: string, recursive: boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    const st = statSync(full);
    if (st.isDirectory()) {
      if (recursive) out.push(...manifestFiles(full, true));
    } else if (/\.(json|ya?ml)$/.test(entry)) out.push(full);
  }
  return out;
}

/**
 * The objects of a multi-document YAML (or JSON) manifest, read as kubectl reads YAML (YAML 1.1:
 * `yes`/`on` are booleans); `kind: List` documents are expanded.
 */
export function parseManifests(text: string, file: string): Obj[] {
  const out: Obj[] = [];
  for (const doc of parseAllDocuments(text, { version: '1.1' })) {
    if (doc.errors.length) throw new Error(`error: error parsing ${file}: ${doc.errors[0]!.message.split('\n')[0]}`);
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`error: error parsing ${file}: expected a Kubernetes object (a mapping), got ${Array.isArray(value) ? 'a list' : typeof value}`);
    const obj = value as Obj;
    if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
      out.push(...(obj.items as Obj[]));
      continue;
    }
    const missing = [...(!obj.apiVersion ? ['apiVersion not set'] : []), ...(!obj.kind ? ['kind not set'] : [])];
    if (missing.length) throw new Error(`error: error validating "${file}": error validating data: [${missing.join(', ')}]`);
    const meta = obj.metadata as Obj | undefined;
    if (!meta?.name && !meta?.generateName) throw new Error(`error: error validating "${file}": ${String(obj.kind)} has no metadata.name`);
    out.push(obj);
  }
  return out;
}

// ---- display ----

const verbOperation: Record<K8sRequest['verb'], string> = {
  create: 'K8s.Create', apply: 'K8s.ServerSideApply', annotate: 'K8s.Annotate', label: 'K8s.Label', get: 'K8s.Get', wait: 'K8s.Wait', 'rollout-status': 'K8s.RolloutStatus', exec: 'K8s.Exec',
  delete: 'K8s.Delete', patch: 'K8s.Patch', scale: 'K8s.Scale', 'rollout-restart': 'K8s.RolloutRestart', 'rollout-undo': 'K8s.RolloutUndo', expose: 'K8s.Expose',
};

function where(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

function objectsDisplay(objects: Obj[] | null, conn: Connection, fallback: string): string {
  if (!objects) return fallback;
  return objects
    .map((o) => {
      const meta = (o.metadata ?? {}) as Obj;
      const kind = String(o.kind);
      const ns = kind === 'Namespace' || /^Cluster/.test(kind) ? undefined : ((meta.namespace as string | undefined) ?? conn.namespace);
      return `${kind} ${where(ns, String(meta.name ?? meta.generateName ?? ''))}`;
    })
    .join(', ');
}

function selectionDisplay(s: Selection, conn: Connection): string {
  const groups = new Map<string, string[]>();
  for (const r of s.refs) {
    const kind = displayKind(r.type);
    const list = groups.get(kind) ?? [];
    if (r.name) list.push(where(kind === 'Namespace' ? undefined : conn.namespace, r.name));
    groups.set(kind, list);
  }
  const parts = [...groups].map(([kind, names]) => (names.length ? `${kind} ${names.join(', ')}` : `${kind}${conn.allNamespaces ? ' (all namespaces)' : conn.namespace ? ` in ${conn.namespace}` : ''}`));
  const sel = [s.labelSelector ? `-l ${s.labelSelector}` : '', s.fieldSelector ? `--field-selector ${s.fieldSelector}` : '', s.all ? '--all' : ''].filter(Boolean).join(' ');
  return parts.join('; ') + (sel ? ` ${sel}` : '');
}

function outputDisplay(o: Output): string {
  if (o.format === 'default') return '';
  if (o.format === 'custom-columns') return ` -o custom-columns=${o.columns.map((c) => `${c.header}:${c.path}`).join(',')}`;
  if (o.format === 'jsonpath' || o.format === 'jsonpath-as-json') return ` -o ${o.format}=${o.template}`;
  return ` -o ${o.format}`;
}

function conditionDisplay(c: WaitCondition): string {
  switch (c.type) {
    case 'condition':
      return `condition=${c.name}${c.value !== 'true' ? `=${c.value}` : ''}`;
    case 'jsonpath':
      return `jsonpath=${c.expression}${c.value !== undefined ? `=${c.value}` : ''}`;
    default:
      return c.type;
  }
}

const dryRunDisplay = (d: 'client' | 'server' | undefined) => (d ? ` (dry run${d === 'server' ? ', server' : ''})` : '');

function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0 && ms) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

/** Secret values never reach plans: the input shown has them masked. */
function maskSecrets(objects: Obj[] | null): Obj[] | null {
  return objects?.map((o) => (o.kind === 'Secret' ? { ...o, ...(o.data ? { data: Object.fromEntries(Object.keys(o.data as Obj).map((k) => [k, '***'])) } : {}), ...(o.stringData ? { stringData: Object.fromEntries(Object.keys(o.stringData as Obj).map((k) => [k, '***'])) } : {}) } : o)) ?? null;
}

/** Every string of a patch replaced by `***` (keys and structure kept). */
function maskLeaves(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(maskLeaves);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([key, x]) => [key, key === 'op' || key === 'path' ? x : maskLeaves(x)]));
  return typeof v === 'string' ? '***' : v;
}

/** Plans show the selection as resolved; how a ref was typed (slashForm) only matters when it is sent. */
function withoutForm<K extends { selection: Selection }>(k8s: K): K {
  return { ...k8s, selection: { ...k8s.selection, refs: k8s.selection.refs.map(({ slashForm: _form, ...ref }) => ref) } };
}

/** The call for a request: operation, display, mutating, the input plans show. */
export function describe(k8s: K8sCall['k8s']): K8sCall {
  const operation = verbOperation[k8s.verb];
  const conn = k8s.conn;
  let body: string;
  let mutating: boolean;
  let input: unknown;
  switch (k8s.verb) {
    case 'create':
    case 'apply':
      body = objectsDisplay(k8s.objects, conn, '<objects from stdin>') + (k8s.dryRun ? ` (dry run${k8s.dryRun === 'server' ? ', server' : ''})` : '');
      mutating = !k8s.dryRun;
      input = { ...k8s, objects: maskSecrets(k8s.objects) };
      break;
    case 'annotate':
    case 'label':
      body = `${selectionDisplay(k8s.selection, conn)} ${Object.entries(k8s.changes).map(([key, v]) => (v === null ? `${key}-` : `${key}=${v}`)).join(' ')}${k8s.overwrite ? ' --overwrite' : ''}`;
      mutating = !k8s.dryRun;
      input = withoutForm(k8s);
      break;
    case 'get':
      body = selectionDisplay(k8s.selection, conn) + outputDisplay(k8s.output);
      mutating = false;
      input = withoutForm(k8s);
      break;
    case 'wait':
      body = `${selectionDisplay(k8s.selection, conn)} for ${conditionDisplay(k8s.condition)} (timeout ${formatMs(k8s.timeoutMs)})`;
      mutating = false;
      input = withoutForm(k8s);
      break;
    case 'rollout-status':
      body = selectionDisplay(k8s.selection, conn);
      mutating = false;
      input = withoutForm(k8s);
      break;
    case 'delete':
      body = selectionDisplay(k8s.selection, conn) + (k8s.ignoreNotFound ? ' --ignore-not-found' : '') + dryRunDisplay(k8s.dryRun);
      mutating = !k8s.dryRun;
      input = withoutForm(k8s);
      break;
    case 'patch': {
      // A patch of a Secret carries its values: plans show where they go, not what they are.
      const secret = k8s.selection.refs.some((r) => displayKind(r.type) === 'Secret');
      const shown = secret ? maskLeaves(k8s.patch) : k8s.patch;
      body = `${selectionDisplay(k8s.selection, conn)} --type ${k8s.patchType} ${JSON.stringify(shown)}${dryRunDisplay(k8s.dryRun)}`;
      mutating = !k8s.dryRun;
      input = withoutForm({ ...k8s, patch: shown });
      break;
    }
    case 'scale':
      body = `${selectionDisplay(k8s.selection, conn)} --replicas=${k8s.replicas}${k8s.currentReplicas >= 0 ? ` --current-replicas=${k8s.currentReplicas}` : ''}${dryRunDisplay(k8s.dryRun)}`;
      mutating = !k8s.dryRun;
      input = withoutForm(k8s);
      break;
    case 'rollout-restart':
      body = selectionDisplay(k8s.selection, conn);
      mutating = true;
      input = withoutForm(k8s);
      break;
    case 'rollout-undo':
      body = `${selectionDisplay(k8s.selection, conn)}${k8s.toRevision ? ` --to-revision=${k8s.toRevision}` : ''}${dryRunDisplay(k8s.dryRun)}`;
      mutating = !k8s.dryRun;
      input = withoutForm(k8s);
      break;
    case 'expose':
      body = `${selectionDisplay(k8s.selection, conn)} as Service ${where(conn.namespace, k8s.expose.name ?? k8s.selection.refs[0]?.name ?? '')}${k8s.expose.port ? ` port ${k8s.expose.port}` : ''}${dryRunDisplay(k8s.dryRun)}`;
      mutating = !k8s.dryRun;
      input = withoutForm(k8s);
      break;
    case 'exec': {
      const cmd = k8s.command.join(' ');
      body = `${where(conn.namespace, k8s.pod)}${k8s.container ? ` -c ${k8s.container}` : ''} ${cmd.length > 90 ? `${cmd.slice(0, 89)}…` : cmd}`;
      mutating = !isReadOnlyCommand(k8s.command);
      const { stdinText: _stdin, ...rest } = k8s;
      input = rest;
      break;
    }
  }
  return { tool: 'kubectl', operation, input, mutating, display: `${operation} ${body}`, k8s };
}
