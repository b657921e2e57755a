/**
 * Rendering a run in the page: the run panel and each step's state, output and variables.
 * Every value from the stream goes in as text (textContent), never as HTML.
 */
import type { StepStatus } from '../../src/events/types.js';
import { formatDuration, progress, type RunView, type StepView } from '../../src/serve/run-view.js';
import type { RunSummary } from '../../src/serve/runs.js';

type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

const code = (text: string, attrs: Record<string, string> = {}) => el('code', attrs, text);

export const statusLabels: Record<StepStatus, string> = {
  pending: 'Pending', running: 'Running', done: 'Done', adopted: 'Adopted', skipped: 'Skipped', failed: 'Failed',
};

const runLabels: Record<RunView['status'], string> = {
  waiting: 'Starting', running: 'Running', succeeded: 'Succeeded', failed: 'Failed', cancelled: 'Cancelled', interrupted: 'Interrupted',
};

const icons: Record<string, string> = {
  pending: '○', running: '●', done: '✓', adopted: '↺', skipped: '–', failed: '✕',
  waiting: '●', succeeded: '✓', cancelled: '■', interrupted: '!',
};

function statusBadge(status: string, label: string): HTMLElement {
  return el('span', { class: `rb-badge rb-badge-${status}` }, el('span', { class: 'rb-badge-icon', 'aria-hidden': 'true' }, icons[status] ?? '●'), label);
}

function time(iso: string | undefined, short = false): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return short
    ? d.toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' })
    : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/**
 * Time since the run started, by the engine's clock: its last event's time plus the time since
 * that event arrived here (so a browser whose clock differs still counts right).
 */
export interface Clock {
  eventTime?: string;
  receivedAt: number;
}

function elapsed(run: RunView, clock: Clock): number | undefined {
  if (run.durationMs !== undefined) return run.durationMs;
  if (!run.startedAt || !clock.eventTime) return undefined;
  return Date.parse(clock.eventTime) - Date.parse(run.startedAt) + (Date.now() - clock.receivedAt);
}

export type PanelMode = 'live' | 'replay';

/** The run panel: status, progress n/N, time, what runs now or how it ended. */
export function renderRunPanel(panel: HTMLElement, run: RunView, mode: PanelMode, connection: 'open' | 'reconnecting' | 'closed', clock: Clock): void {
  const { finished, total, current } = progress(run);
  const over = !['waiting', 'running'].includes(run.status);
  panel.dataset.state = run.status;
  panel.dataset.mode = mode;
  const pct = total ? Math.round((finished / total) * 100) : 0;
  const failed = run.failedStep ? run.steps[run.failedStep] : undefined;
  const stepLink = (s: StepView) => el('a', { href: `#step-${s.id}` }, `step ${s.index}`, ' ', code(s.id));

  let detail: HTMLElement;
  if (failed) {
    detail = el('span', { class: 'rb-run-detail' }, 'Failed at ', stepLink(failed), failed.error ? `: ${failed.error.message.split('\n')[0]}` : '');
  } else if (current) {
    detail = el('span', { class: 'rb-run-detail' }, 'Now: ', stepLink(current), ` — ${current.title}`);
  } else if (run.status === 'succeeded' && Object.keys(run.outputs).length) {
    detail = el('span', { class: 'rb-run-detail rb-run-outputs' }, el('span', { class: 'rb-outputs-label' }, 'Outputs'),
      ...Object.entries(run.outputs).map(([k, v]) => el('span', { class: 'rb-output' }, code(k), code(v, { class: 'rb-value', title: v }))));
  } else {
    detail = el('span', { class: 'rb-run-detail' }, over ? `${runLabels[run.status]} after ${formatDuration(run.durationMs)}` : 'Waiting for the first step');
  }

  const head = el('div', { class: 'rb-run-head' },
    statusBadge(run.status, runLabels[run.status]),
    el('span', { class: 'rb-run-name' }, mode === 'live' && !over ? 'Live run ' : mode === 'live' ? 'Run ' : 'Replay of run ', code(run.runId)),
    connection === 'reconnecting' && !over ? el('span', { class: 'rb-run-conn' }, 'reconnecting…') : null,
    el('span', { class: 'rb-run-clock', 'data-rb-clock': '' }, formatDuration(elapsed(run, clock))),
  );
  const bar = el('div', {
    class: 'rb-progress', role: 'progressbar', 'aria-label': 'Steps finished',
    'aria-valuemin': '0', 'aria-valuemax': String(total), 'aria-valuenow': String(finished),
  }, el('span', { style: `width: ${pct}%` }));
  const foot = el('div', { class: 'rb-run-foot' },
    el('span', { class: 'rb-run-count', 'data-rb-progress': `${finished}/${total}` }, el('strong', {}, `${finished}/${total}`), ' steps'),
    detail,
    run.startedAt ? el('span', { class: 'rb-run-started' }, `started ${time(run.startedAt)}`) : null,
  );
  panel.replaceChildren(head, bar, foot);
  announce(panel, `${runLabels[run.status]}: ${finished} of ${total} steps finished.`);
}

/**
 * What a screen reader hears: one short sentence in a live region beside the panel, changed only
 * when the run's status or step count changes, not at every redraw.
 */
function announce(panel: HTMLElement, text: string): void {
  let region = panel.nextElementSibling as HTMLElement | null;
  if (!region?.matches('[data-rb-status]')) {
    region = el('p', { class: 'sr-only', role: 'status', 'data-rb-status': '' });
    panel.after(region);
  }
  if (region.textContent !== text) region.textContent = text;
}

/** Keep the clock of a running run ticking between events. */
export function tickClock(panel: HTMLElement, run: RunView, clock: Clock): void {
  const node = panel.querySelector<HTMLElement>('[data-rb-clock]');
  if (node && ['waiting', 'running'].includes(run.status)) node.textContent = formatDuration(elapsed(run, clock));
}

/** A step's pill: state and duration. */
function stateText(step: StepView): string {
  const d = step.durationMs !== undefined && step.status !== 'skipped' ? ` · ${formatDuration(step.durationMs)}` : '';
  return `${statusLabels[step.status]}${d}`;
}

/** A step's live details under its fence: calls, adoption, retries, output, variables, error. */
function stepDetails(step: StepView): HTMLElement | null {
  const rows: HTMLElement[] = [];
  for (const c of step.calls) {
    // The label is what the call did once it is known: created, adopted, read, failed…
    const label = c.outcome ? (c.outcome === 'failed' ? `failed (${c.exitCode})` : c.outcome) : 'call';
    rows.push(el('div', { class: `rb-live-row rb-live-call${c.outcome ? ` rb-call-${c.outcome}` : ''}` }, el('span', { class: 'rb-live-label' }, label),
      code(c.display, { title: c.line ? `${c.display} (line ${c.line})` : c.display })));
  }
  for (const w of step.warnings ?? []) rows.push(el('div', { class: 'rb-live-row rb-live-warning' }, el('span', { class: 'rb-live-label' }, 'warning'), el('span', {}, w)));
  for (const a of step.adoptions) {
    rows.push(el('div', { class: 'rb-live-row rb-live-adopt' }, el('span', { class: 'rb-live-label' }, a.outcome), el('span', {}, code(a.operation), ` ${a.detail}`)));
  }
  for (const r of step.retries) {
    rows.push(el('div', { class: 'rb-live-row rb-live-retry' }, el('span', { class: 'rb-live-label' }, 'retry'), el('span', {}, `attempt ${r.attempt} after ${formatDuration(r.delayMs)}: ${r.reason}`)));
  }
  if (step.reason) rows.push(el('div', { class: 'rb-live-row' }, el('span', { class: 'rb-live-label' }, 'skipped'), el('span', {}, step.reason)));
  const vars = Object.entries(step.variables);
  if (vars.length) {
    rows.push(el('div', { class: 'rb-live-row rb-live-vars' }, el('span', { class: 'rb-live-label' }, 'set'),
      el('dl', { class: 'rb-vars' }, ...vars.flatMap(([k, v]) => [el('dt', {}, code(k)), el('dd', {}, code(v, { class: 'rb-value', title: v }))]))));
  }
  if (step.files.length) {
    rows.push(el('div', { class: 'rb-live-row' }, el('span', { class: 'rb-live-label' }, 'wrote'), el('span', {}, ...step.files.flatMap((f, i) => [i ? ', ' : '', code(f)]))));
  }
  if (step.output.length) {
    const pre = el('pre', { class: 'rb-live-output', tabindex: '0', 'aria-label': `Output of step ${step.id}` });
    for (const o of step.output) pre.append(o.stream === 'stderr' ? el('span', { class: 'rb-stderr' }, o.text) : o.text);
    rows.push(el('div', { class: 'rb-live-row rb-live-out' }, el('span', { class: 'rb-live-label' }, 'output'), pre));
  }
  if (step.error) {
    const e = step.error;
    rows.push(el('div', { class: 'rb-live-error', role: 'alert' },
      el('p', { class: 'rb-error-title' }, e.operation ? `${e.operation} failed` : 'Step failed', e.code ? ': ' : '', e.code ? code(e.code) : null),
      el('p', { class: 'rb-error-message' }, e.message),
      e.hint ? el('p', { class: 'rb-error-hint' }, e.hint) : null,
    ));
  }
  return rows.length ? el('div', { class: 'rb-step-live' }, ...rows) : null;
}

const rendered = new WeakMap<HTMLElement, StepView>();

/** Put a step's state on its fence. Only steps whose view changed are touched. */
export function renderStep(wrapper: HTMLElement, step: StepView): void {
  if (rendered.get(wrapper) === step) return;
  rendered.set(wrapper, step);
  wrapper.dataset.state = step.status;
  const pill = wrapper.querySelector<HTMLElement>('[data-rb-state]');
  if (pill) {
    pill.textContent = stateText(step);
    pill.className = `rb-state rb-state-${step.status}`;
  }
  wrapper.querySelector(':scope > .rb-step-live')?.remove();
  const details = stepDetails(step);
  if (details) wrapper.append(details);
}

/** Steps of a run whose runbook has no page (or another version of it): built from run:start. */
export function genericStep(step: StepView): HTMLElement {
  return el('div', { class: `rb-step rb-step-${step.kind} rb-step-generic`, id: `step-${step.id}`, 'data-step-id': step.id },
    el('div', { class: 'rb-step-footer' },
      el('div', { class: 'rb-step-info' },
        el('span', { class: 'rb-state', 'data-rb-state': '' }),
        el('span', { class: 'rb-step-what' }, el('span', { class: `rb-kind rb-kind-${step.kind}` }, step.kind === 'sdk' ? 'SDK call' : step.kind === 'file' ? 'File write' : 'Shell'), el('span', { class: 'rb-step-title' }, step.title)),
        el('span', { class: 'rb-step-id' }, el('a', { href: `#step-${step.id}` }, `step ${step.index}`), ' ', code(step.id)),
      ),
    ),
  );
}

/** A run in a list: status, when, how far; linking to its replay. */
export function runLink(run: RunSummary): string {
  return `${run.page ?? '/runs/'}?run=${encodeURIComponent(run.id)}`;
}

export function runRow(run: RunSummary, withRunbook: boolean): HTMLElement {
  const href = runLink(run);
  const id = code(run.id, { class: 'rb-run-id' });
  return el('tr', { 'data-run': run.id },
    el('td', {}, statusBadge(run.live ? 'running' : run.status, run.live ? 'Live' : runLabels[run.status])),
    el('td', { class: 'rb-runs-what' },
      withRunbook ? el('a', { href }, run.runbook?.title ?? run.id) : el('a', { href }, id),
      withRunbook ? el('div', {}, id) : null,
      run.failedStep ? el('div', { class: 'rb-runs-failed' }, 'failed at ', code(run.failedStep)) : null,
    ),
    el('td', { title: time(run.startedAt ?? undefined) }, time(run.startedAt ?? undefined, true)),
    el('td', { class: 'rb-num' }, `${run.steps.finished}/${run.steps.total}`),
    el('td', { class: 'rb-num' }, run.durationMs !== null ? formatDuration(run.durationMs) : ''),
    el('td', {}, el('a', { href, class: 'rb-replay' }, run.live ? 'Watch' : 'Replay')),
  );
}

export function runTable(runs: RunSummary[], withRunbook: boolean): HTMLElement {
  return el('table', { class: 'rb-runs' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Status'), el('th', {}, withRunbook ? 'Runbook' : 'Run'), el('th', {}, 'Started'), el('th', {}, 'Steps'), el('th', {}, 'Duration'), el('th', {}, el('span', { class: 'sr-only' }, 'Open')))),
    el('tbody', {}, ...runs.map((r) => runRow(r, withRunbook))),
  );
}
