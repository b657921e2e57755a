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
