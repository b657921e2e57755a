/**
 * Secret values (params typed secret, outputs the SDK marks sensitive, variables derived from
 * them) are replaced before any event, log line or file view leaves the engine.
 */
export const REDACTED = '[redacted]';

export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  add(value: string | undefined): void {
    // Very short values would redact ordinary text; they are not meaningful secrets.
    if (!value || value.length < 4 || this.secrets.has(value)) return;
    for (const f of encodings(value)) this.secrets.add(f);
    this.pattern = new RegExp([...this.secrets].sort((a, b) => b.length - a.length).map(escape).join('|'), 'g');
  }

  /** The largest offset at or before `cut` that no secret in `text` spans: text may be split there. */
  safeCut(text: string, cut: number): number {
    if (!this.pattern) return cut;
    let c = cut;
    for (const m of text.matchAll(this.pattern)) if (m.index! < c && m.index! + m[0].length > c) c = m.index!;
    return c;
  }

  /** The longest form of any secret. */
  get longest(): number {
    let n = 0;
    for (const s of this.secrets) n = Math.max(n, s.length);
    return n;
  }

  has(value: string): boolean {
    return this.secrets.has(value);
  }

  text(value: string): string {
    return this.pattern ? value.replace(this.pattern, REDACTED) : value;
  }

  /** Deep copy with every string redacted. */
  value<T>(value: T): T {
    if (!this.pattern) return value;
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.value(v)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.value(v)])) as T;
    }
    return value;
  }
}

/**
 * The forms a secret travels in, as the engine and common tools print it: raw, each line of a
 * multi-line value, JSON-escaped, URL-encoded, and base64 and base64url, standalone (with and
 * without padding) and inside a longer encoded text (the part of its encoding that does not depend on
 * the bytes around it, for each of the three alignments).
 */
function encodings(value: string): Set<string> {
  const forms = new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]);
  for (const line of value.split('\n')) if (line.trim().length >= 8) forms.add(line.trim());
  const bytes = Buffer.from(value);
  for (let k = 0; k < 3; k++) {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    // Groups of 3 bytes wholly inside the secret encode the same whatever surrounds it.
    const first = k ? 1 : 0;
    const last = Math.floor((k + bytes.length) / 3);
    const stable = encoded.slice(4 * first, 4 * last);
    if (stable.length >= 8) forms.add(stable).add(stable.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  const whole = bytes.toString('base64');
  for (const b of [whole, whole.replace(/=+$/, '')]) forms.add(b).add(b.replace(/\+/g, '-').replace(/\//g, '_'));
  return forms;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Redaction of a stream that arrives in chunks (a shell session's output): complete lines are
 * redacted and passed on; the unfinished last line waits for its newline (or `flush`), so a secret
 * cut across two chunks is still found. A line longer than `maxLine` is passed on early, keeping back
 * enough characters that no secret can straddle the cut.
 */
export class RedactingStream {
  private held = '';

  constructor(
    private readonly redactor: Redactor,
    private readonly emit: (text: string) => void,
    private readonly maxLine = 64 * 1024,
  ) {}

  write(text: string): void {
    this.held += text;
    const nl = this.held.lastIndexOf('\n');
    let cut = nl + 1;
    // A very long line goes out early, but never through a secret, and never its last characters,
    // which could begin one that the next chunk completes.
    if (this.held.length - cut > this.maxLine) cut = this.redactor.safeCut(this.held, Math.max(cut, this.held.length - this.redactor.longest));
    if (cut <= 0) return;
    const out = this.held.slice(0, cut);
    this.held = this.held.slice(cut);
    this.emit(this.redactor.text(out));
  }

  flush(): void {
    if (!this.held) return;
    const out = this.held;
    this.held = '';
    this.emit(this.redactor.text(out));
  }
}
