import { describe, expect, it } from 'vitest';
import { countryNameIn, postalAddressLines } from '../../integrations/rapport/internal/postal-address.ts';
import { addressLines } from '../../integrations/rapport/features/orders/order-mail.ts';

describe('postal addresses, as each country’s post writes them', () => {
  it('writes a Canadian address with the province code and postal code on the city line', () => {
    const lines = postalAddressLines(
      { name: 'Morgan Reyes', lines: ['9 Birch Rd', undefined], locality: 'Red Deer', region: 'AB', postalCode: 'T4N 1X1', country: 'CA' },
      'CA',
    );
    expect(lines).toEqual(['Morgan Reyes', '9 Birch Rd', 'Red Deer AB T4N 1X1']);
  });

  it('writes a US address with a comma after the city, and names the country when it crosses the border', () => {
    const us = {
      name: 'Casey Jones',
      organisation: 'Jones Nursery',
      lines: ['1 Pine St', 'Unit 4'],
      locality: 'Spokane',
      region: 'WA',
      postalCode: '99201',
      country: 'US',
    };
    expect(postalAddressLines(us, 'CA')).toEqual(['Casey Jones', 'Jones Nursery', '1 Pine St', 'Unit 4', 'Spokane, WA 99201', 'UNITED STATES']);
    expect(postalAddressLines(us, 'US')).not.toContain('UNITED STATES');
    expect(postalAddressLines(us)).toHaveLength(5);
  });

  it('names the country in the reader’s language: a French page or mail says ÉTATS-UNIS', () => {
    const us = { lines: ['1 Pine St'], locality: 'Spokane', region: 'WA', postalCode: '99201', country: 'US' };
    expect(postalAddressLines(us, 'CA', 'fr-CA').at(-1)).toBe('ÉTATS-UNIS');
    expect(postalAddressLines(us, 'CA', 'en-CA').at(-1)).toBe('UNITED STATES');
    expect(countryNameIn('US', 'fr-CA')).toBe('États-Unis');
    expect(countryNameIn('DE', 'fr-CA')).toBe('Allemagne');
    const shipTo = { name: 'Ada Lovelace', street: '12 Main St', city: 'Red Deer', region: 'AB', postal: 'T4N 1X1', country: 'CA' };
    expect(addressLines(shipTo, 'US', 'fr-CA').at(-1)).toBe('CANADA');
    expect(addressLines({ ...shipTo, city: 'Spokane', region: 'WA', postal: '99201', country: 'US' }, 'CA', 'fr-CA').at(-1)).toBe('ÉTATS-UNIS');
  });

  it('follows other countries’ orders too (postal code before the city in France)', () => {
    expect(postalAddressLines({ lines: ['8 rue de la Paix'], locality: 'Paris', region: '', postalCode: '75002', country: 'FR' }, 'CA')).toEqual([
      '8 rue de la Paix',
      '75002 Paris',
      'FRANCE',
    ]);
  });

  it('is how order pages, packing slips and mails write the delivery address', () => {
    const shipTo = { name: 'Ada Lovelace', street: '12 Main St', city: 'Red Deer', region: 'AB', postal: 'T4N 1X1', country: 'CA' };
    expect(addressLines(shipTo, 'CA')).toEqual(['Ada Lovelace', '12 Main St', 'Red Deer AB T4N 1X1']);
    expect(addressLines(shipTo, 'US').at(-1)).toBe('CANADA');
  });
});
