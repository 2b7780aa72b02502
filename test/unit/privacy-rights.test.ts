import { describe, expect, it } from 'vitest';
import { cellText, columnsOf, exportFilename, tableTitle } from '../../integrations/rapport/features/privacy/rights/my-data.ts';
import { contactLabel } from '../../integrations/rapport/features/privacy/rights/requests.ts';
import { personalDeclarations } from '../../integrations/rapport/features/privacy/personal-declarations.ts';
import { parseOptions } from '../../integrations/rapport/config/parse-options.ts';
import { translator, type TranslationSite } from '../../integrations/rapport/i18n/translate.ts';
import { TEST_OPTIONS } from '../helpers/test-options.ts';

describe('a person’s data, as a file and as a page', () => {
  it('names the file after the site’s host and the day, in characters every system keeps', () => {
    const at = new Date('2026-11-30T23:59:59Z');
    expect(exportFilename(new URL('https://www.chinookbulbfarm.ca/'), at)).toBe('chinookbulbfarm.ca-my-data-2026-11-30.json');
    expect(exportFilename(new URL('http://127.0.0.1:4321/'), at)).toBe('127.0.0.1-my-data-2026-11-30.json');
    expect(exportFilename(new URL('https://shop.example/'), at, 'contact-1a2b"; x')).toBe('shop.example-contact-1a2b-x-2026-11-30.json');
  });

  it('shows every value as text, and every column any row has', () => {
    expect([cellText(null), cellText(undefined), cellText(''), cellText(3), cellText(false), cellText({ a: '<b>' })]).toEqual([
      '—',
      '—',
      '',
      '3',
      'false',
      '{"a":"<b>"}',
    ]);
    expect(columnsOf([{ a: 1 }, { b: 2, a: 3 }, null, 'x'])).toEqual(['a', 'b']);
    expect(tableTitle('contacts')).toBe('Your details');
    // A table a feature adds later still reads, by its name.
    expect(tableTitle('loyalty_points')).toBe('loyalty points');
  });

  it('names every table the features export in each language, in the page’s words', () => {
    const say = translator({ locale: 'en-CA', locales: ['en-CA', 'fr-CA'] } as TranslationSite, 'fr-CA');
    expect(tableTitle('contacts', say)).toBe('Vos coordonnées');
    expect(tableTitle('consent_ledger', say)).toBe('Consentements que vous avez donnés et retirés');
    expect(tableTitle('loyalty_points', say)).toBe('loyalty points');
    const config = parseOptions(TEST_OPTIONS);
    const tables = personalDeclarations(config).flatMap((d) => d.tables);
    expect(tables.length).toBeGreaterThan(10);
    // None falls back to its bare name: a feature's new table gets its heading with it.
    expect(tables.filter((t) => tableTitle(t) === t.replace(/_/g, ' ') || tableTitle(t, say) === tableTitle(t))).toEqual([]);
  });

  it('names an erased contact as such in the console', () => {
    expect(contactLabel({ name: '', email: 'erased-1@erased.invalid', erased_at: '2026-11-30T00:00:00Z' })).toBe('Erased contact');
    expect(contactLabel({ name: '', email: 'ann@example.com', erased_at: null })).toBe('ann@example.com');
    expect(contactLabel({ name: 'Ann', email: 'ann@example.com', erased_at: null })).toBe('Ann');
  });
});
