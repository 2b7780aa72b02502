import { describe, expect, it } from 'vitest';
import { CARRIERS, detectCarrier, normalizeTracking } from '../../integrations/rapport/features/orders/carriers.ts';
import { carrierLabel } from '../../integrations/rapport/features/orders/order-words.ts';
import { translator } from '../../integrations/rapport/i18n/translate.ts';

describe('carrier detection from the tracking number', () => {
  for (const carrier of CARRIERS) {
    it.each(carrier.examples.valid)(`${carrier.name}: %s is recognised, with its tracking link`, (number) => {
      const found = detectCarrier(number).find((d) => d.carrier.id === carrier.id);
      expect(found, JSON.stringify(detectCarrier(number).map((d) => d.carrier.id))).toBeDefined();
      expect(found!.url).toBe(carrier.url.replace('{number}', encodeURIComponent(number)));
    });
    it.each(carrier.examples.invalid)(`${carrier.name}: %s is not taken for one of its numbers`, (number) => {
      expect(detectCarrier(number).map((d) => d.carrier.id)).not.toContain(carrier.id);
    });
  }

  it('ranks a passing check digit above a bare format, and says how sure it is', () => {
    const twelve = detectCarrier('123456789012');
    expect(twelve.map((d) => [d.carrier.id, d.confidence])).toEqual([
      ['fedex', 'high'],
      ['purolator', 'medium'],
    ]);
    expect(detectCarrier('1Z999AA10123456784')).toMatchObject([{ confidence: 'high', carrier: { id: 'ups' } }]);
  });

  it('reads numbers as people paste them, and finds nothing in junk', () => {
    expect(normalizeTracking(' 1z 999-aa1 0123456784 ')).toBe('1Z999AA10123456784');
    expect(detectCarrier('1z999aa10123456784')[0]?.carrier.id).toBe('ups');
    for (const junk of ['', 'hello', '<script>', '12345', 'ZZZZZZZZZZZZZZZZ']) expect(detectCarrier(junk)).toEqual([]);
  });

  it('prefers the named postal operator for a UPU number over the generic entry', () => {
    expect(detectCarrier('RA123456785CA').map((d) => d.carrier.id)).toEqual(['canada-post']);
    expect(detectCarrier('RR123456785DE').map((d) => d.carrier.id)).toEqual(['upu']);
  });
});

describe('carrier names as the customer reads them', () => {
  const site = { locale: 'en-CA', locales: ['en-CA', 'fr-CA'] };
  it('says a carrier with a French name in French (Postes Canada), a brand as it is, and the staff’s name in English', () => {
    const fr = translator(site, 'fr-CA');
    const en = translator(site, 'en-CA');
    expect(carrierLabel(fr, 'canada-post')).toBe('Postes Canada');
    expect(carrierLabel(fr, 'upu')).toBe('Poste internationale (UPU)');
    expect(carrierLabel(fr, 'purolator')).toBe('Purolator');
    expect(carrierLabel(en, 'canada-post')).toBe('Canada Post');
    expect(carrierLabel(fr, 'no-such-carrier')).toBeUndefined();
    expect(carrierLabel(fr, null)).toBeUndefined();
    // Every carrier has a name in each language.
    for (const carrier of CARRIERS) expect(carrierLabel(en, carrier.id)).toBe(carrier.name);
  });
});
