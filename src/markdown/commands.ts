/**
 * Whether a fence without a language holds commands. Guides leave many fences unlabelled, for commands
 * and for what they print alike; a fence reads as commands when it parses as shell and each statement
 * starts with a command a reader of a guide types (or is a bare assignment), so that `NAME  READY`
 * tables, YAML (`apiVersion: v1` parses as a command) and JSON stay documentation.
 */
import type { Script, SimpleCommand, Statement, Word } from '../shell/types.js';

/** What a reader runs from a guide: cloud and cluster CLIs, the shell's own verbs, the usual tools. */
const readerCommands: ReadonlySet<string> = new Set([
  // clouds and clusters
  'aws', 'eksctl', 'sam', 'cdk', 'copilot', 'gcloud', 'gsutil', 'bq', 'az', 'doctl', 'oci', 'ibmcloud',
  'kubectl', 'helm', 'kustomize', 'kind', 'minikube', 'k3d', 'oc', 'istioctl', 'linkerd', 'cmctl', 'kubeseal',
  'argocd', 'flux', 'velero', 'skaffold', 'crictl', 'terraform', 'tofu', 'terragrunt', 'pulumi', 'packer',
  'vault', 'consul', 'nomad', 'ansible', 'ansible-playbook', 'docker', 'docker-compose', 'podman', 'nerdctl',
  // the shell's own
  'export', 'unset', 'cd', 'pushd', 'popd', 'source', 'set', 'alias', 'eval', 'read', 'sleep', 'echo', 'printf',
  'for', 'if', 'while', 'until', 'case', 'sudo', 'env', 'time', 'watch',
  // files and text
  'cat', 'tee', 'mkdir', 'rm', 'cp', 'mv', 'ln', 'touch', 'chmod', 'chown', 'ls', 'tar', 'unzip', 'gzip', 'base64',
  'envsubst', 'jq', 'yq', 'sed', 'awk', 'grep', 'openssl', 'ssh-keygen', 'gpg',
  // network
  'curl', 'wget', 'dig', 'nslookup', 'host', 'ping', 'nc', 'ssh', 'scp',
  // packages and builds
  'git', 'gh', 'make', 'go', 'npm', 'npx', 'yarn', 'pnpm', 'node', 'python', 'python3', 'pip', 'pip3', 'pipx',
  'cargo', 'brew', 'apt', 'apt-get', 'yum', 'dnf', 'apk', 'snap', 'systemctl', 'journalctl',
]);

export function readsAsCommands(script: Script): boolean {
  if (script.error) return false;
  let commands = 0;
  for (const statement of script.statements) {
    const word = (leadingWord[statement.kind] as (s: Statement) => string | undefined)(statement);
    if (word === undefined) continue;
    if (!readerCommands.has(word)) return false;
    commands++;
  }
  return commands > 0;
}

/** The command each kind of statement starts with; undefined for a bare `X=1`, which any fence may hold. */
const leadingWord: { [K in Statement['kind']]: (s: Extract<Statement, { kind: K }>) => string | undefined } = {
  simple: (s) => commandName(s),
  pipeline: (s) => commandName(s.commands[0]!) ?? '',
  declare: (s) => s.variant,
  // `a && b`, `for …`, `( … )`: the first word as written (`(` and `{` are no reader's command).
  other: (s) => /^[^\s;&|<>]+/.exec(s.raw)?.[0] ?? '',
};

function commandName(command: SimpleCommand): string | undefined {
  const first = command.args[0];
  if (!first) return command.assigns.length ? undefined : '';
  return word(first);
}

function word(w: Word): string {
  return w.parts.every((p) => p.kind === 'literal') ? w.parts.map((p) => (p.kind === 'literal' ? p.value : '')).join('') : w.raw;
}
