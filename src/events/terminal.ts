/**
 * Terminal views of the event stream: a task list with a spinner and timings on a TTY, plain
 * lines otherwise (CI logs), NDJSON for `--json`. All are formatter tables over EngineEvent.
 */
import type { EngineEvent, EventOf, EventSink, Formatter } from './types.js';

type Paint = (code: number, text: string) => string;

const symbols = { done: '✔', adopted: '↺', skipped: '–', failed: '✖' } as const;
const colours = { done: 32, adopted: 36, skipped: 2, failed: 31 } as const;

export function ndjsonSink(write: (line: string) => void = (l) => process.stdout.write(l)): EventSink {
  return (event) => write(`${JSON.stringify(event)}\n`);
}

export function terminalSink(stream: NodeJS.WriteStream = process.stderr, out: NodeJS.WriteStream = process.stdout): EventSink {
  const tty = !!stream.isTTY && process.env.TERM !== 'dumb';
  const colour = tty && !process.env.NO_COLOR;
  const paint: Paint = (code, text) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
  const seconds = (ms: number) => (ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(1)}s`);
  let total = 0;
  const titles = new Map<string, { index: number; title: string }>();
  let spinner: NodeJS.Timeout | undefined;
  let current: { label: string; started: number } | undefined;
  let frame = 0;
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

  const clear = () => tty && current && stream.write('\r\x1b[2K');
  const draw = () => {
    if (!tty || !current) return;
    stream.write(`\r\x1b[2K${paint(36, frames[frame++ % frames.length]!)} ${current.label} ${paint(2, seconds(Date.now() - current.started))}`);
  };
  const print = (text: string) => {
    clear();
    stream.write(`${text}\n`);
    draw();
  };
  const label = (stepId: string) => {
    const t = titles.get(stepId);
    return t ? `${String(t.index).padStart(String(total).length)}. ${t.title}` : stepId;
  };
  const indent = (text: string) => text.replace(/\n$/, '').split('\n').map((l) => `     ${l}`).join('\n');

  const formatter: Formatter = {
    'run:start': (e) => {
      total = e.steps.length;
      for (const s of e.steps) titles.set(s.id, { index: s.index, title: s.title });
      stream.write(`${paint(1, e.runbook.title)} ${paint(2, `(${e.runbook.file}, run ${e.runId})`)}\n`);
    },
    'step:start': (e) => {
      current = { label: label(e.stepId), started: Date.now() };
      if (tty) spinner ??= setInterval(draw, 80);
      draw();
    },
    'step:call': (e) => print(paint(2, `     → ${e.display.length > 160 ? `${e.display.slice(0, 157)}...` : e.display}`)),
    'step:call-end': (e) => {
      if (e.outcome === 'failed') print(paint(33, `       ${e.operation} failed (exit ${e.exitCode})${e.error ? `: ${e.error.split('\n')[0]}` : ''}`));
    },
    'step:warning': (e) => print(paint(33, `     warning: ${e.message}`)),
    'step:adopt': (e) => print(paint(36, `     ${e.outcome}: ${e.detail}`)),
    'step:retry': (e) => print(paint(33, `     retry ${e.attempt} in ${seconds(e.delayMs)}: ${e.reason}`)),
    'step:output': (e) => print(e.stream === 'stderr' ? paint(2, indent(e.text)) : indent(e.text)),
    'step:end': (e) => {
      clear();
      current = undefined;
      const detail = e.status === 'skipped' ? paint(2, e.reason ?? '') : paint(2, seconds(e.durationMs));
      const status = e.status === 'done' ? '' : ` ${paint(colours[e.status], e.status)}`;
      stream.write(`${paint(colours[e.status], symbols[e.status])} ${label(e.stepId)}${status} ${detail}\n`);
      if (e.error) {
        stream.write(`${paint(31, indent(`${e.error.code ? `${e.error.code}: ` : ''}${e.error.message}`))}\n`);
        if (e.error.hint) stream.write(`${paint(2, indent(e.error.hint))}\n`);
      }
    },
    'run:end': (e) => {
      if (spinner) clearInterval(spinner);
      spinner = undefined;
      const word = e.status === 'succeeded' ? paint(32, 'succeeded') : paint(31, e.status);
      stream.write(`\nRun ${word} in ${seconds(e.durationMs)}${e.failedStep ? ` at step ${label(e.failedStep).trim()}` : ''}\n`);
      const names = Object.keys(e.outputs);
      if (names.length) {
        const width = Math.max(...names.map((n) => n.length));
        out.write(`${names.map((n) => `${n.padEnd(width)}  ${e.outputs[n]}`).join('\n')}\n`);
      }
    },
  };
  return (event: EngineEvent) => (formatter[event.type] as ((e: EventOf<typeof event.type>) => void) | undefined)?.(event as never);
}
