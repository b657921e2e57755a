/**
 * The live log in the browser. On the static site (no engine behind it) it does nothing and the
 * page keeps its "no live run" note. Served by `runbook exec --live` or `runbook serve`, it finds
 * the run to show, follows its event stream and puts each step's state on the step itself.
 */
import type { EngineEvent } from '../../src/events/types.js';
import { applyEvent, emptyRun, type RunView } from '../../src/serve/run-view.js';
import type { RunSummary } from '../../src/serve/runs.js';
import { el, genericStep, renderRunPanel, renderStep, runLink, runTable, tickClock, type Clock, type PanelMode } from './dom.js';

type Connection = 'open' | 'reconnecting' | 'closed';

/** The engine's run list, or undefined when no engine serves this page. */
export async function engineRuns(): Promise<RunSummary[] | undefined> {
  try {
    const res = await fetch('/_runbook/runs', { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (!res.ok || !(res.headers.get('content-type') ?? '').includes('application/json')) return undefined;
    const body: unknown = await res.json();
    return Array.isArray(body) ? (body as RunSummary[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Follow one run's events: the backlog first (state so far), then live ones until run:end. */
export function followRun(runId: string, onChange: (run: RunView, connection: Connection, clock: Clock) => void): { close(): void } {
  let run = emptyRun(runId);
  const clock: Clock = { receivedAt: Date.now() };
  let connection: Connection = 'open';
  let frame = 0;
  // A replay delivers hundreds of events at once: draw once per frame.
  const changed = () => {
    if (!frame) frame = requestAnimationFrame(() => {
      frame = 0;
      onChange(run, connection, clock);
    });
  };
  const source = new EventSource(`/_runbook/events?run=${encodeURIComponent(runId)}`);
  source.onmessage = (message) => {
    const event = JSON.parse(message.data as string) as EngineEvent;
    run = applyEvent(run, event);
    clock.eventTime = event.time;
    clock.receivedAt = Date.now();
    connection = 'open';
    changed();
  };
  source.addEventListener('end', (message) => {
    source.close();
    const { status } = JSON.parse((message as MessageEvent<string>).data) as { status: string };
    if ((run.status === 'running' || run.status === 'waiting') && status === 'interrupted') run = { ...run, status: 'interrupted' };
    connection = 'closed';
    changed();
  });
  source.onerror = () => {
    connection = source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting';
    changed();
  };
  return { close: () => source.close() };
}

/** Show a run: the panel, and each step's state on the element `steps(run)` finds for it. */
function showRun(panel: HTMLElement, runId: string, mode: PanelMode, steps: (run: RunView) => Map<string, HTMLElement>): void {
  document.documentElement.dataset.rbLive = mode;
  let latest: { run: RunView; clock: Clock } | undefined;
  followRun(runId, (run, connection, clock) => {
    latest = { run, clock };
    renderRunPanel(panel, run, mode, connection, clock);
    const byId = steps(run);
    for (const id of run.order) {
      const wrapper = byId.get(id);
      if (wrapper) renderStep(wrapper, run.steps[id]!);
    }
  });
  setInterval(() => latest && tickClock(panel, latest.run, latest.clock), 1000);
}

/** Live while the run is going (here, or in another process writing its record); a replay after. */
function modeOf(runs: RunSummary[], runId: string): PanelMode {
  const run = runs.find((r) => r.id === runId);
  return run && (run.live || run.status === 'running') ? 'live' : 'replay';
}

function pageSteps(): Map<string, HTMLElement> {
  const map = new Map<string, HTMLElement>();
  for (const node of document.querySelectorAll<HTMLElement>('.rb-step[data-step-id]')) map.set(node.dataset.stepId!, node);
  return map;
}

/** A runbook page: the run named by `?run=`, else this runbook's live run, else its recent runs. */
export async function startRunbookPage(): Promise<void> {
  const panel = document.querySelector<HTMLElement>('[data-rb-run]');
  const name = document.querySelector<HTMLElement>('[data-rb-page]')?.dataset.rbPage;
  if (!panel || !name) return;
  const runs = await engineRuns();
  if (!runs) return;
  document.documentElement.dataset.rbEngine = '';
  const wanted = new URLSearchParams(location.search).get('run');
  if (wanted) return showRun(panel, wanted, modeOf(runs, wanted), pageSteps);

  const command = panel.querySelector('.rb-command')?.textContent ?? `runbook exec runbooks/${name}.md --live`;
  let shown = '';
  const idle = (list: RunSummary[]) => {
    const mine = list.filter((r) => r.runbook?.name === name).slice(0, 5);
    const signature = JSON.stringify(mine);
    if (signature === shown) return;
    shown = signature;
    panel.dataset.state = 'idle';
    panel.replaceChildren(
      el('div', { class: 'rb-run-static' },
        el('span', { class: 'rb-run-icon', 'aria-hidden': 'true' }, '▶'),
        el('div', {},
          el('p', { class: 'rb-run-title' }, 'No live run of this runbook'),
          el('p', { class: 'rb-run-text' }, 'Start one with ', el('code', { class: 'rb-command' }, command), ' and this page follows it step by step.'),
          mine.length ? el('p', { class: 'rb-run-text rb-recent-title' }, 'Recent runs, replayed on this page:') : null,
          mine.length ? runTable(mine, false) : null,
        ),
      ),
    );
  };
  const liveRun = (list: RunSummary[]) => list.find((r) => r.live && r.runbook?.name === name) ?? list.find((r) => r.status === 'running' && r.runbook?.name === name);
  const pick = (list: RunSummary[]): boolean => {
    const live = liveRun(list);
    if (!live) return false;
    history.replaceState(null, '', `?run=${encodeURIComponent(live.id)}${location.hash}`);
    showRun(panel, live.id, 'live', pageSteps);
    return true;
  };
  if (pick(runs)) return;
  idle(runs);
  // Wait for a run to start (`runbook exec --live` serves the page a moment before its first event).
  const timer = setInterval(async () => {
    const list = await engineRuns();
    if (!list) return;
    if (pick(list)) clearInterval(timer);
    else idle(list);
  }, 2000);
}

/** The run history page: every recorded run; `?run=` shows one (for runbooks without a page). */
export async function startRunsPage(): Promise<void> {
  const root = document.querySelector<HTMLElement>('[data-rb-runs]');
  if (!root) return;
  const runs = await engineRuns();
  if (!runs) return;
  document.documentElement.dataset.rbEngine = '';
  const params = new URLSearchParams(location.search);
  const wanted = params.get('run');
  if (wanted) {
    const panel = el('div', { class: 'rb-run not-content', 'data-rb-run': '' });
    const list = el('div', { class: 'rb-generic-steps' });
    const title = el('h2', {}, 'Run ', el('code', {}, wanted));
    root.replaceChildren(title, panel, list);
    const made = new Map<string, HTMLElement>();
    // The steps come from the run itself (run:start), as they arrive.
    showRun(panel, wanted, modeOf(runs, wanted), (run) => {
      if (run.runbook) title.textContent = run.runbook.title;
      for (const id of run.order) {
        if (made.has(id)) continue;
        const node = genericStep(run.steps[id]!);
        made.set(id, node);
        list.append(node);
      }
      return made;
    });
    return;
  }
  const follow = params.has('follow');
  let shown = '';
  const draw = (list: RunSummary[]) => {
    const live = list.find((r) => r.live);
    if (follow && live) {
      location.replace(runLink(live));
      return;
    }
    const signature = JSON.stringify(list);
    if (signature === shown) return;
    shown = signature;
    root.replaceChildren(
      follow ? el('p', { class: 'rb-run-text' }, 'Waiting for the run to start…') : '',
      list.length ? runTable(list, true) : el('p', { class: 'rb-run-text' }, 'No runs recorded yet. Start one with ', el('code', {}, 'runbook exec FILE --live'), '.'),
    );
  };
  draw(runs);
  setInterval(async () => {
    const list = await engineRuns();
    if (list) draw(list);
  }, follow ? 1000 : 3000);
}
