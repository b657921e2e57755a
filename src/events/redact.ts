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
    this.secrets.add(value);
    // JSON-escaped and base64 forms travel too.
    const forms = new Set([value, JSON.stringify(value).slice(1, -1)]);
    for (const line of value.split('\n')) if (line.trim().length >= 8) forms.add(line.trim());
    for (const f of forms) this.secrets.add(f);
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
