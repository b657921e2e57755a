import type { Point } from '../../diagnostics.js';
import { commandsOf, literalOf } from '../../shell/walk.js';
import type { Rule } from '../rule.js';

const after = (a: Point, b: Point) => a.line > b.line || (a.line === b.line && a.column > b.column);

/** Variables the tools guides run read from their environment: exporting them is the use. */
const readByTools = /^(AWS_|CLOUDSDK_|GOOGLE_|GCLOUD_|KUBE|HELM_|TF_|VAULT_|CONSUL_|EKSCTL_|ARGOCD_|DOCKER_|K8S_|GIT_|SSH_|GPG_|NO_PROXY$|HTTPS?_PROXY$|PAGER$|EDITOR$|LANG$|LC_|TZ$|PATH$|HOME$|PS1$)/;

export const unusedExport: Rule = {
  id: 'unused-export',
  severity: 'warning',
  description: 'A variable exported and never read by a later step (runbook outputs belong under `outputs:`).',
  check({ runbook, flow, report }) {
    const outputs = new Set(Array.isArray(runbook.frontmatter.outputs) ? runbook.frontmatter.outputs.map(String) : []);
    // `envsubst` with no list reads every exported variable; with one, the names it lists.
    const envsubst = flow.steps.map((sf) => {
      const uses = [...commandsOf(sf.step.script.statements)].filter((c) => c.args[0] && literalOf(c.args[0]) === 'envsubst');
      if (!uses.length) return undefined;
      const listed = uses.flatMap((c) => c.args.slice(1).map((w) => w.raw));
      return uses.some((c) => c.args.length === 1) ? 'all' : new Set(listed.join(' ').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
    });
    flow.steps.forEach((sf, i) => {
      for (const set of sf.sets) {
        if (!set.exported || outputs.has(set.name) || readByTools.test(set.name)) continue;
        if (envsubst.slice(i).some((e) => e === 'all' || e?.has(set.name))) continue;
        const used = sf.reads.some((r) => r.name === set.name && after(r.span.start, set.span.start)) ||
          flow.steps.slice(i + 1).some((later) => later.reads.some((r) => r.name === set.name) || later.placeholderReads.includes(set.name));
        if (!used) {
          report(set.span, `Unexpected export of \`${set.name}\` that no later step reads, expected a use or an entry under \`outputs:\``);
        }
      }
    });
  },
};
