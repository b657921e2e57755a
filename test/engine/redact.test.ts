/**
 * Redaction: every form a secret travels in (raw, lines, JSON-escaped, URL-encoded, base64 and
 * base64url, alone or inside a longer encoded text), and across the chunks a stream arrives in.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RedactingStream, Redactor, REDACTED } from '../../src/events/redact.js';

const secret = 'tok-4f9e1c7a/very+secret?&=';

describe('Redactor', () => {
  const r = new Redactor();
  r.add(secret);

  it.each([
    ['raw', secret],
    ['JSON-escaped', JSON.stringify({ token: secret }).slice(1, -1)],
    ['URL-encoded', `https://x.example/?t=${encodeURIComponent(secret)}`],
    ['base64', Buffer.from(secret).toString('base64')],
    ['base64 without padding', Buffer.from(secret).toString('base64').replace(/=+$/, '')],
    ['base64url', Buffer.from(secret).toString('base64url')],
  ])('hides the %s form', (_, text) => {
    expect(r.text(text)).toContain(REDACTED);
    expect(r.text(text)).not.toContain(secret);
  });

  it('hides a secret inside a longer base64 text, at any alignment (a Kubernetes Secret of a whole config file)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (before, after) => {
        const encoded = Buffer.from(`${before}${secret}${after}`).toString('base64');
        const shown = r.text(encoded);
        expect(shown).toContain(REDACTED);
        // What is left decodes to no more than a few bytes of the secret at each edge.
        const left = Buffer.from(shown.split(REDACTED).join(''), 'base64').toString('latin1');
        expect(left).not.toContain(secret.slice(3, -3));
      }),
    );
  });

  it('hides each line of a multi-line secret (a PEM key)', () => {
    const pem = '-----BEGIN KEY-----\nMIIEowIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM\n-----END KEY-----';
    const k = new Redactor();
    k.add(pem);
    expect(k.text('key line: MIIEowIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM')).toBe(`key line: ${REDACTED}`);
  });
});

describe('RedactingStream', () => {
  it('finds a secret cut across chunks, and in a long line with no newline', () => {
    const r = new Redactor();
    r.add(secret);
    const out: string[] = [];
    const stream = new RedactingStream(r, (t) => out.push(t), 64);
    const text = `${'x'.repeat(100)}${secret}${'y'.repeat(100)}\nnext ${secret}\n`;
    for (let i = 0; i < text.length; i += 7) stream.write(text.slice(i, i + 7));
    stream.flush();
    expect(out.join('')).toBe(`${'x'.repeat(100)}${REDACTED}${'y'.repeat(100)}\nnext ${REDACTED}\n`);
  });
});
