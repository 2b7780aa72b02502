import { describe, expect, it } from 'vitest';
import rapport from '../../integrations/rapport/index.ts';
import { parseOptions } from '../../integrations/rapport/config/parse-options.ts';
import { TEST_OPTIONS } from '../helpers/test-options.ts';

const valid = TEST_OPTIONS;

const messageOf = (options: unknown) => {
  try {
    parseOptions(options);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the options to be rejected');
};

describe('rapport() options', () => {
  it('applies the documented defaults', () => {
    const config = parseOptions(valid);
    expect(config.site.locale).toBe('en-CA');
    expect(config.business.type).toBe('LocalBusiness');
    expect(config.budgets).toEqual({ textKb: 14, totalKb: 100, enforce: true });
    expect(config.features).toEqual({ products: true, faq: true, newsletter: true, search: true, ogImages: true, precompress: true });
    expect(config.crm.questions).toEqual({ enabled: true, email: 'optional', draftsDir: 'content/faq' });
    expect(config.contentDir).toBe('content');
  });

  it('names each invalid option and what it expects', () => {
    const message = messageOf({
      ...valid,
      site: { ...valid.site, accentColor: 'green' },
      business: { ...valid.business, phone: '403 555 0199', adress: 'typo' },
      budgets: { textKb: -1 },
    });
    expect(message).toMatchInlineSnapshot(`
      "Invalid \`rapport()\` options in astro.config.mjs.
      - site.accentColor: use a 6-digit hex colour such as "#2f6b3b" (received "green")
      - business.phone: use international format such as "+1-403-555-0142" (received "403 555 0199")
      - business: unknown option "adress"; check the spelling
      - budgets.textKb: must be more than 0 (received -1)"
    `);
  });

  it('checks the order options: regions that exist, rates only where you ship, unique option ids', () => {
    const config = parseOptions(valid);
    expect(config.crm.orders).toMatchObject({
      enabled: true,
      currency: 'CAD',
      shipsTo: [{ country: 'CA', except: [] }],
      payment: ['invoice', 'e-transfer', 'cheque', 'purchase-order'],
      maxQuantity: 99,
    });
    expect(config.crm.orders.followUp).toEqual({ enabled: true, daysAfterDelivery: 30, consent: 'implied', impliedConsentMonths: 24 });
    const message = messageOf({
      ...valid,
      crm: {
        orders: {
          shipsTo: [{ country: 'US', except: ['ZZ'] }],
          shipping: [
            { id: 'std', label: 'Standard', rates: [{ country: 'CA', base: 10 }] },
            { id: 'std', label: 'Again', rates: [{ country: 'US', regions: ['AB'], base: 10 }] },
          ],
        },
      },
    });
    expect(message).toContain('- crm.orders.shipsTo[0].except[0]: "ZZ" is not a region of US\n');
    expect(message).toContain('- crm.orders.shipping[0].rates[0].country: CA is not in shipsTo\n');
    expect(message).toContain('- crm.orders.shipping[1].rates[0].regions: "AB" is not a region of US\n');
    expect(message).toContain('- crm.orders.shipping: shipping option ids must be unique');
  });

  it('says which required option is missing', () => {
    expect(messageOf({ site: valid.site })).toMatchInlineSnapshot(`
      "Invalid \`rapport()\` options in astro.config.mjs.
      - business: is required (expected object)"
    `);
  });

  it('rejects bad options as soon as rapport() is called, with a hint on how to fix them', () => {
    expect(() => rapport({ ...valid, features: { serach: true } } as never)).toThrow(/features: unknown option "serach"/);
    let error: (Error & { hint?: string }) | undefined;
    try {
      rapport({ ...valid, site: { ...valid.site, description: 'short' } });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toContain('- site.description: must be at least 50 characters long (received 5)');
    expect(error?.hint).toMatch(/Configuration reference/);
  });

  it("asks for Astro's `site` option, which absolute URLs need", () => {
    const setup = rapport(valid).hooks['astro:config:setup']!;
    expect(() => setup({ config: { site: undefined } } as never)).toThrow(/Rapport needs the `site` option in astro\.config\.mjs/);
  });
});
