/**
 * kubectl argv -> K8sCall. Pure apart from reading the files a command names (`-f`, `--from-file`):
 * nothing contacts the cluster here (resource types are resolved through discovery when sent).
 * The same builder validates: with a `report` callback every problem is collected, values holding
 * `<…>` placeholders (unknown before the run) are accepted.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Issue, TranslateContext } from '../types.js';
import { flagBool, flagValue, flagValues, parseArgs, type ParsedArgs } from './args.js';
import { K8sUsageError, type K8sRuleId } from './errors.js';
import { JsonPathError, parseJsonPath, relaxedJsonPath } from './jsonpath.js';
import { displayKind } from './resources.js';
import type { Connection, K8sCall, K8sRequest, Obj, Output, ResourceRef, Selection, WaitCondition } from './types.js';
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
        request = { verb: 'get', selection: this.selection(this.p.positionals, 'get'), output: this.output(['default', 'wide', 'name', 'json', 'yaml']), ignoreNotFound: flagBool(this.p, 'ignore-not-found') };
        break;
      case 'wait':
        request = { verb: 'wait', selection: this.selection(this.p.positionals, 'wait'), condition: this.waitCondition(), timeoutMs: this.duration('timeout', 30_000) };
        break;
      case 'rollout':
        request = { verb: 'rollout-status', selection: this.selection(this.p.positionals, 'rollout'), timeoutMs: this.duration('timeout', 0), watch: flagValue(this.p, 'watch')?.value !== 'false' };
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
    // kubectl's printers: get's human-readable ones (custom-columns, wide) only for get.
    const formats = [...(allowed.includes('wide') ? ['custom-columns', 'custom-columns-file'] : []), 'go-template', 'go-template-file', 'json', 'jsonpath', 'jsonpath-as-json', 'jsonpath-file', 'name', 'template', 'templatefile', ...(allowed.includes('wide') ? ['wide'] : []), 'yaml'];
    const templated = ['custom-columns', 'custom-columns-file', 'go-template', 'go-template-file', 'jsonpath-file', 'template', 'templatefile'];
    if (templated.includes(name)) this.untranslated(o.valueIndex, `\`-o ${name}\` is not translated`);
    return this.bad(o.valueIndex, `Unexpected output format \`${value}\`, expected one of ${formats.join(', ')}`, undefined, `error: unable to match a printer suitable for the output format ${JSON.stringify(value)}, allowed formats are: ${formats.join(',')}`);
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
    if (check && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) this.bad(nameArg.index, `Invalid name \`${name}\`: expected lowercase letters, digits, \`-\` and \`.\` (a DNS-1123 subdomain)`);
    const meta = (namespaced: boolean) => ({ name, ...(namespaced && conn.namespace ? { namespace: conn.namespace } : {}), creationTimestamp: null });
    let object: Obj;
    switch (what) {
      case 'namespace':
        if (check && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) this.bad(nameArg.index, `Invalid namespace name \`${name}\`: expected a DNS-1123 label`);
        object = { kind: 'Namespace', apiVersion: 'v1', metadata: meta(false), spec: {}, status: {} };
        break;
      case 'serviceaccount':
        object = { kind: 'ServiceAccount', apiVersion: 'v1', metadata: meta(true) };
        break;
      case 'configmap': {
        const { data, binaryData } = this.sources('ConfigMap', name, false);
        object = { kind: 'ConfigMap', apiVersion: 'v1', metadata: meta(true), ...(Object.keys(data).length ? { data } : {}), ...(Object.keys(binaryData).length ? { binaryData } : {}) };
        break;
      }
      case 'secret generic': {
        const { data } = this.sources('Secret', name, true);
        const type = flagValue(this.p, 'type');
        object = { kind: 'Secret', apiVersion: 'v1', metadata: meta(true), ...(Object.keys(data).length ? { data } : {}), ...(typeof type?.value === 'string' && type.value ? { type: type.value } : {}) };
        break;
      }
      default:
        return this.untranslated(2, `\`kubectl create ${what}\` is not translated`);
    }
    return { verb: 'create', objects: [object], source: 'generator', output: this.output(['name', 'json', 'yaml']), fieldManager: this.fieldManager(), ...optional('dryRun', this.dryRun()) };
  }

  /** `--from-file=[key=]path` (a directory: each file), `--from-literal=k=v`, `--from-env-file=path`. */
  private sources(kind: string, name: string, base64: boolean): { data: Record<string, string>; binaryData: Record<string, string> } {
    const data: Record<string, string> = {};
    const binaryData: Record<string, string> = {};
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
const noResource: Record<string, string | undefined> = {
  get: 'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\nSee \'kubectl get -h\' for help and examples',
  rollout: 'error: required resource not specified',
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

function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0 && ms) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

/** Secret values never reach plans: the input shown has them masked. */
function maskSecrets(objects: Obj[] | null): Obj[] | null {
  return objects?.map((o) => (o.kind === 'Secret' ? { ...o, ...(o.data ? { data: Object.fromEntries(Object.keys(o.data as Obj).map((k) => [k, '***'])) } : {}), ...(o.stringData ? { stringData: Object.fromEntries(Object.keys(o.stringData as Obj).map((k) => [k, '***'])) } : {}) } : o)) ?? null;
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
