import { describe, expect, it } from 'vitest';
import { formatDate } from '../../integrations/rapport/config/time-zone.ts';
import { impliedConsentEnds, winbackConsent, type ConsentFacts } from '../../integrations/rapport/features/winback/consent.ts';
import { defaultTemplate, fillPlaceholders, textProblem } from '../../integrations/rapport/features/winback/template.ts';
import { translator } from '../../integrations/rapport/i18n/translate.ts';

const iso = (d: Date) => d.toISOString();
const facts = (over: Partial<ConsentFacts>): ConsentFacts => ({ erased: false, lastWinback: undefined, subscribed: false, lastPurchase: undefined, ...over });
const day = (d: Date) => formatDate(d, 'en-CA', 'America/Toronto');

describe('implied consent’s end (calendar months, UTC)', () => {
  it('adds months across a year end', () => {
    expect(iso(impliedConsentEnds(new Date('2025-12-15T17:00:00.000Z'), 24))).toBe('2027-12-15T17:00:00.000Z');
    expect(iso(impliedConsentEnds(new Date('2025-11-30T12:00:00.000Z'), 3))).toBe('2026-02-28T12:00:00.000Z');
    expect(iso(impliedConsentEnds(new Date('2025-12-31T23:30:00.000Z'), 2))).toBe('2026-02-28T23:30:00.000Z');
  });
  it('never makes a window longer than its months (a day the month lacks becomes its last day)', () => {
    expect(iso(impliedConsentEnds(new Date('2026-08-31T10:00:00.000Z'), 6))).toBe('2027-02-28T10:00:00.000Z');
    expect(iso(impliedConsentEnds(new Date('2027-08-31T10:00:00.000Z'), 6))).toBe('2028-02-29T10:00:00.000Z');
    expect(iso(impliedConsentEnds(new Date('2026-01-31T10:00:00.000Z'), 1))).toBe('2026-02-28T10:00:00.000Z');
  });
});

describe('who may get a win-back note', () => {
  const now = new Date('2027-01-01T04:30:00.000Z'); // 31 December 2026, 23:30 in Toronto
  it('implied consent lasts until the months after the last purchase, to the instant', () => {
    const bought = '2024-12-31T05:00:00.000Z';
    const ok = winbackConsent(facts({ lastPurchase: bought }), new Date('2026-12-31T04:59:59.000Z'), 24, day);
    expect(ok).toMatchObject({ ok: true, basis: 'implied' });
    const late = winbackConsent(facts({ lastPurchase: bought }), new Date('2026-12-31T05:00:00.000Z'), 24, day);
    expect(late).toMatchObject({ ok: false, reason: 'expired' });
    // The day it ended, as the shop's time zone has it (midnight in Toronto, 05:00 UTC).
    expect(late.detail).toContain('Dec 31, 2026');
  });
  it('refuses the erased and those who unsubscribed, whatever else holds', () => {
    const recent = '2026-12-01T00:00:00.000Z';
    expect(winbackConsent(facts({ erased: true, lastPurchase: recent, subscribed: true }), now, 24, day)).toMatchObject({ ok: false, reason: 'erased' });
    expect(winbackConsent(facts({ lastWinback: 'withdrawn', lastPurchase: recent, subscribed: true }), now, 24, day)).toMatchObject({
      ok: false,
      reason: 'opted-out',
    });
  });
  it('takes a confirmed sign-up as express consent, without a purchase or after the window', () => {
    expect(winbackConsent(facts({ subscribed: true, lastPurchase: '2019-01-01T00:00:00.000Z' }), now, 24, day)).toMatchObject({ ok: true, basis: 'express' });
    expect(winbackConsent(facts({ lastWinback: 'granted' }), now, 24, day)).toMatchObject({ ok: true, basis: 'express' });
    expect(winbackConsent(facts({}), now, 24, day)).toMatchObject({ ok: false, reason: 'no-purchase' });
  });
});

describe('the note’s template', () => {
  it('fills the placeholders, whatever their case and spacing, and leaves other braces alone', () => {
    const text = 'Hi {name}, since { Last Order Date } at {SHOP}: {other}';
    expect(fillPlaceholders(text, { name: 'Gwen', lastOrderDate: 'Oct 4, 2024', shop: 'Bulbs' })).toBe('Hi Gwen, since Oct 4, 2024 at Bulbs: {other}');
  });
  it('shows Rapport’s wording with the placeholders in each language', () => {
    const site = { locale: 'en-CA' };
    const en = defaultTemplate(translator(site, 'en-CA'));
    const fr = defaultTemplate(translator(site, 'fr-CA'));
    for (const t of [en, fr]) {
      expect(t.body).toContain('{name}');
      expect(t.body).toContain('{last order date}');
      expect(t.subject).toContain('{shop}');
    }
    expect(fr.body).toContain('Bonjour');
    expect(en.body).toContain('Hello');
  });
  it('refuses an empty, multi-line or overlong subject and an empty note', () => {
    expect(textProblem('', 'x')).toBe('Write a subject.');
    expect(textProblem('a\nb', 'x')).toBe('Keep the subject on one line.');
    expect(textProblem('a'.repeat(151), 'x')).toContain('150');
    expect(textProblem('a', '')).toBe('Write the note.');
    expect(textProblem('a', 'b')).toBeUndefined();
  });
});
