/**
 * The kubeconfig file as `aws eks update-kubeconfig` reads and writes it
 * (awscli/customizations/eks/kubeconfig.py and update_kubeconfig.py's KubeconfigSelector): the file
 * named by --kubeconfig, else the first KUBECONFIG entry that already has the cluster, else the first
 * entry, else ~/.kube/config; loaded with PyYAML and checked (the CLI's type errors), the cluster, user
 * and context inserted by name, written back whole, owner-only when created.
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pyRepr } from '../output.js';
import { dumpYaml, loadYaml, PyFloat, PyInt, PyMap, Timestamp, YamlError, type PyValue } from './pyyaml.js';

/** KubeconfigError and its subclasses: the CLI prints the message (`\n…\n`, exit 255). */
export class KubeconfigError extends Error {
  override readonly name = 'KubeconfigError';
}

export interface Kubeconfig {
  path: string;
  content: PyMap;
}

function newContent(): PyMap {
  return new PyMap([
    ['apiVersion', 'v1'],
    ['clusters', []],
    ['contexts', []],
    ['current-context', ''],
    ['kind', 'Config'],
    ['preferences', new PyMap()],
    ['users', []],
  ]);
}

/** Python's `type(x)` as printed. */
function pyType(value: PyValue): string {
  if (typeof value === 'string') return "<class 'str'>";
  if (typeof value === 'boolean') return "<class 'bool'>";
  if (value === null) return "<class 'NoneType'>";
  if (value instanceof PyInt) return "<class 'int'>";
  if (value instanceof PyFloat) return "<class 'float'>";
  if (value instanceof Timestamp) return value.text.includes(' ') ? "<class 'datetime.datetime'>" : "<class 'datetime.date'>";
  if (Array.isArray(value)) return "<class 'list'>";
  return "<class 'collections.OrderedDict'>";
}

/** os.strerror text of the errno a call failed with, as Python's OSError prints it. */
function osError(error: unknown, path: string): string {
  const codes: Record<string, [number, string]> = {
    ENOENT: [2, 'No such file or directory'],
    EACCES: [13, 'Permission denied'],
    EPERM: [1, 'Operation not permitted'],
    EISDIR: [21, 'Is a directory'],
    ENOTDIR: [20, 'Not a directory'],
    EROFS: [30, 'Read-only file system'],
    ENOSPC: [28, 'No space left on device'],
    ELOOP: [40, 'Too many levels of symbolic links'],
  };
  const code = (error as NodeJS.ErrnoException)?.code ?? '';
  const known = codes[code];
  return known ? `[Errno ${known[0]}] ${known[1]}: ${pyRepr(path)}` : String((error as Error)?.message ?? error);
}

/** KubeconfigValidator */
function validate(config: Kubeconfig | { path: string; content: PyValue }): asserts config is Kubeconfig {
  const content = config.content;
  if (!(content instanceof PyMap)) throw new KubeconfigError("Content not a <class 'dict'>.");
  const expected = newContent();
  for (const [key, value] of expected.entries) {
    const got = content.get(key as string);
    if (got === undefined || got === null) continue;
    const ok = Array.isArray(value) ? Array.isArray(got) : value instanceof PyMap ? got instanceof PyMap : typeof got === 'string';
    if (!ok) throw new KubeconfigError(`${key} is wrong type: ${pyType(got)} (Should be ${pyType(value)})`);
  }
  for (const [key] of expected.entries) {
    const got = content.get(key as string);
    if (!Array.isArray(got)) continue;
    for (const element of got) if (!(element instanceof PyMap)) throw new KubeconfigError(`Entry in ${key} not a <class 'dict'>. `);
  }
}

/** KubeconfigLoader.load_kubeconfig: a missing file is a new, empty config. */
export function loadKubeconfig(path: string): Kubeconfig {
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new KubeconfigError(`Can't open kubeconfig for reading: ${osError(error, path)}`);
  }
  let loaded: PyValue = null;
  if (text !== undefined) {
    try {
      loaded = loadYaml(text);
    } catch (error) {
      if (error instanceof YamlError) throw new KubeconfigError(`YamlError while loading kubeconfig: ${error.message}`);
      throw error;
    }
  }
  const config = { path, content: loaded ?? newContent() };
  validate(config);
  return config;
}

export function hasCluster(config: Kubeconfig, name: string): boolean {
  const clusters = config.content.get('clusters');
  if (clusters === undefined || clusters === null) return false;
  return (clusters as PyValue[]).some((c) => c instanceof PyMap && c.has('name') && c.get('name') === name);
}

/** `os.path.abspath(os.path.expanduser(path))` with the command's HOME and working directory. */
export function expandPath(path: string, cwd: string, env: Record<string, string | undefined>): string {
  const home = env.HOME || homedir();
  const expanded = path === '~' || path.startsWith('~/') ? home + path.slice(1) : path;
  return isAbsolute(expanded) ? resolve(expanded) : resolve(cwd, expanded);
}

/** KubeconfigSelector: the paths to consider, and the one to update. */
export function chooseKubeconfig(clusterName: string, option: string | undefined, cwd: string, env: Record<string, string | undefined>): Kubeconfig {
  let paths: string[];
  const fallback = expandPath('~/.kube/config', cwd, env);
  if (option !== undefined) paths = [expandPath(option, cwd, env)];
  else {
    const variable = env.KUBECONFIG ?? '';
    paths = (variable === '' ? fallback : variable)
      .split(':')
      .filter((p) => p.trim().length > 0)
      .map((p) => expandPath(p, cwd, env));
    if (!paths.length) paths = [fallback];
  }
  for (const candidate of paths) {
    try {
      const config = loadKubeconfig(candidate);
      if (hasCluster(config, clusterName)) return config;
    } catch (error) {
      if (!(error instanceof KubeconfigError)) throw error;
      // the CLI logs it and looks further
    }
  }
  return loadKubeconfig(paths[0]!);
}

/** KubeconfigAppender.insert_entry */
function insertEntry(config: Kubeconfig, key: string, entry: PyMap): void {
  const current = config.content.get(key);
  const falsy = current === undefined || current === null || current === '' || current === false || (Array.isArray(current) && !current.length) || (current instanceof PyMap && !current.entries.length);
  if (falsy) config.content.set(key, []);
  const entries = config.content.get(key);
  if (!Array.isArray(entries)) throw new KubeconfigError(`Tried to insert into ${key}, which is a ${pyType(entries!)} not a <class 'list'>`);
  const name = entry.get('name');
  const same = entry.has('name') ? entries.findIndex((e) => e instanceof PyMap && e.has('name') && e.get('name') === name) : -1;
  if (same < 0) entries.push(entry);
  else entries[same] = entry;
}

/** insert_cluster_user_pair: the context (named by the alias, else the user), made current. */
export function insertClusterUserPair(config: Kubeconfig, cluster: PyMap, user: PyMap, alias: string | undefined): PyMap {
  const context = new PyMap([
    ['context', new PyMap([['cluster', cluster.get('name')!], ['user', user.get('name')!]])],
    ['name', alias || user.get('name')!],
  ]);
  insertEntry(config, 'clusters', cluster);
  insertEntry(config, 'users', user);
  insertEntry(config, 'contexts', context);
  config.content.set('current-context', context.get('name')!);
  return context;
}

export const dumpContent = (config: Kubeconfig) => dumpYaml(config.content);

/** KubeconfigWriter: the directory made, the file truncated (created 0600), the whole config dumped. */
export function writeKubeconfig(config: Kubeconfig): void {
  const dir = dirname(config.path);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new KubeconfigError(`Can't create directory for writing: ${osError(error, dir)}`);
  }
  let fd: number;
  try {
    fd = openSync(config.path, 'w+', 0o600);
  } catch (error) {
    throw new KubeconfigError(`Can't open kubeconfig for writing: ${osError(error, config.path)}`);
  }
  try {
    writeSync(fd, dumpContent(config));
  } finally {
    closeSync(fd);
  }
}
