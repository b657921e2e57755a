/**
 * The programs a runbook runs that are neither bash's own nor served by the engine (helm, eksctl,
 * jq, curl…): prerequisites a reader must have installed. Pure: finding them on PATH is the caller's.
 */
import type { Span } from '../diagnostics.js';
import type { Statement } from '../shell/types.js';
import { literalOf, visitCommands } from '../shell/walk.js';
import type { Flow } from './flow.js';

/** Bash's builtins and keywords: never a program to install. */
export const shellBuiltins = new Set([
  '.', ':', '[', '[[', 'alias', 'bg', 'bind', 'break', 'builtin', 'caller', 'cd', 'command', 'compgen', 'complete', 'compopt',
  'continue', 'declare', 'dirs', 'disown', 'echo', 'enable', 'eval', 'exec', 'exit', 'export', 'false', 'fc', 'fg', 'getopts',
  'hash', 'help', 'history', 'jobs', 'kill', 'let', 'local', 'logout', 'mapfile', 'popd', 'printf', 'pushd', 'pwd', 'read',
  'readarray', 'readonly', 'return', 'set', 'shift', 'shopt', 'source', 'suspend', 'test', 'time', 'times', 'trap', 'true',
  'type', 'typeset', 'ulimit', 'umask', 'unalias', 'unset', 'wait',
]);

/**
 * Tools worth naming as a runbook's prerequisites (the docs page lists them, `check` says they are
 * needed), with where to get them. Everyday utilities (cat, grep, sed…) are only reported when missing.
 */
export const prerequisiteTools: Readonly<Record<string, string>> = {
  helm: 'https://helm.sh/docs/intro/install/',
  eksctl: 'https://eksctl.io/installation/',
  terraform: 'https://developer.hashicorp.com/terraform/install',
  kustomize: 'https://kubectl.docs.kubernetes.io/installation/kustomize/',
  docker: 'https://docs.docker.com/get-docker/',
  vault: 'https://developer.hashicorp.com/vault/install',
  istioctl: 'https://istio.io/latest/docs/setup/getting-started/#download',
  argocd: 'https://argo-cd.readthedocs.io/en/stable/cli_installation/',
  flux: 'https://fluxcd.io/flux/installation/',
  kind: 'https://kind.sigs.k8s.io/docs/user/quick-start/#installation',
  minikube: 'https://minikube.sigs.k8s.io/docs/start/',
  jq: 'https://jqlang.github.io/jq/download/',
  yq: 'https://github.com/mikefarah/yq#install',
  envsubst: 'the gettext package of your system',
  openssl: 'the openssl package of your system',
  git: 'https://git-scm.com/downloads',
  curl: 'the curl package of your system',
  gsutil: 'the Google Cloud CLI (https://cloud.google.com/sdk/docs/install)',
  'gke-gcloud-auth-plugin': '`gcloud components install gke-gcloud-auth-plugin`',
  cmctl: 'https://cert-manager.io/docs/reference/cmctl/',
  velero: 'https://velero.io/docs/main/basic-install/',
};

export interface ToolUse {
  name: string;
  /** Index of the first step that runs it. */
  step: number;
  span: Span;
  /** Every step that runs it is marked skip (documentation): it is needed only to follow those by hand. */
  optional: boolean;
}

/** Programs the runbook runs, first use first; `served` are the CLIs the engine answers for. */
export function toolsOf(flow: Flow, served: ReadonlySet<string>): ToolUse[] {
  const functions = new Set<string>();
  const collect = (list: Statement[]) => {
    for (const st of list) if (st.kind === 'other') {
      if (st.construct === 'function' && st.name) functions.add(st.name);
      collect(st.body);
    }
  };
  for (const sf of flow.steps) collect(sf.step.script.statements);
  const uses = new Map<string, ToolUse>();
  flow.steps.forEach((sf, i) => {
    const skipped = !!(sf.step.meta.attributes.skip || sf.step.meta.attributes.ignore);
    visitCommands(sf.step.script.statements, (command) => {
      const name = command.args[0] && literalOf(command.args[0]);
      if (!name || name.includes('/') || shellBuiltins.has(name) || functions.has(name) || served.has(name)) return;
      if (!/^[\w.+-]+$/.test(name)) return;
      const known = uses.get(name);
      if (!known) uses.set(name, { name, step: i, span: command.args[0]!.span, optional: skipped });
      else if (!skipped) known.optional = false;
    });
  });
  return [...uses.values()];
}
