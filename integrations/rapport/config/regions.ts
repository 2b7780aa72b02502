/**
 * Countries Rapport can take orders for, with their first-level subdivisions (ISO 3166-2 codes
 * without the country prefix) and how their postal codes look. Pure data: the order page's
 * script uses it too.
 */
export const COUNTRIES = {
  CA: {
    name: 'Canada',
    regionLabel: 'Province or territory',
    postalLabel: 'Postal code',
    postal: /^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$/i,
    postalExample: 'T4L 2N3',
    regions: {
      AB: 'Alberta',
      BC: 'British Columbia',
      MB: 'Manitoba',
      NB: 'New Brunswick',
      NL: 'Newfoundland and Labrador',
      NS: 'Nova Scotia',
      NT: 'Northwest Territories',
      NU: 'Nunavut',
      ON: 'Ontario',
      PE: 'Prince Edward Island',
      QC: 'Quebec',
      SK: 'Saskatchewan',
      YT: 'Yukon',
    } as Record<string, string>,
  },
  US: {
    name: 'United States',
    regionLabel: 'State',
    postalLabel: 'ZIP code',
    postal: /^\d{5}(?:-\d{4})?$/,
    postalExample: '59601',
    regions: {
      AL: 'Alabama',
      AK: 'Alaska',
      AZ: 'Arizona',
      AR: 'Arkansas',
      CA: 'California',
      CO: 'Colorado',
      CT: 'Connecticut',
      DE: 'Delaware',
      DC: 'District of Columbia',
      FL: 'Florida',
      GA: 'Georgia',
      HI: 'Hawaii',
      ID: 'Idaho',
      IL: 'Illinois',
      IN: 'Indiana',
      IA: 'Iowa',
      KS: 'Kansas',
      KY: 'Kentucky',
      LA: 'Louisiana',
      ME: 'Maine',
      MD: 'Maryland',
      MA: 'Massachusetts',
      MI: 'Michigan',
      MN: 'Minnesota',
      MS: 'Mississippi',
      MO: 'Missouri',
      MT: 'Montana',
      NE: 'Nebraska',
      NV: 'Nevada',
      NH: 'New Hampshire',
      NJ: 'New Jersey',
      NM: 'New Mexico',
      NY: 'New York',
      NC: 'North Carolina',
      ND: 'North Dakota',
      OH: 'Ohio',
      OK: 'Oklahoma',
      OR: 'Oregon',
      PA: 'Pennsylvania',
      RI: 'Rhode Island',
      SC: 'South Carolina',
      SD: 'South Dakota',
      TN: 'Tennessee',
      TX: 'Texas',
      UT: 'Utah',
      VT: 'Vermont',
      VA: 'Virginia',
      WA: 'Washington',
      WV: 'West Virginia',
      WI: 'Wisconsin',
      WY: 'Wyoming',
    } as Record<string, string>,
  },
} as const;

export type CountryCode = keyof typeof COUNTRIES;
export const COUNTRY_CODES = Object.keys(COUNTRIES) as CountryCode[];

/** "the United States", "Canada": a country's name inside a sentence. */
export const countryInSentence = (name: string) => (name === 'United States' ? 'the United States' : name);

/** "Alberta", or the code itself when unknown. */
export const regionName = (country: string, region: string) =>
  (COUNTRIES as Record<string, { regions: Record<string, string> } | undefined>)[country]?.regions[region] ?? region;

/**
 * Canadian sales taxes on goods shipped to each province or territory (place of supply: the
 * destination), in percent, as of 2026: GST 5 % everywhere outside the HST provinces; HST 13 %
 * in Ontario, 14 % in Nova Scotia (since 2025-04-01), 15 % in New Brunswick, Newfoundland and
 * Labrador and Prince Edward Island. Provincial sales taxes apply only where the business is
 * registered to collect them (`crm.orders.taxes.canada.pst`).
 */
export const CANADA_GST_HST: Record<string, { name: string; rate: number }> = {
  AB: { name: 'GST', rate: 5 },
  BC: { name: 'GST', rate: 5 },
  MB: { name: 'GST', rate: 5 },
  NT: { name: 'GST', rate: 5 },
  NU: { name: 'GST', rate: 5 },
  QC: { name: 'GST', rate: 5 },
  SK: { name: 'GST', rate: 5 },
  YT: { name: 'GST', rate: 5 },
  ON: { name: 'HST', rate: 13 },
  NS: { name: 'HST', rate: 14 },
  NB: { name: 'HST', rate: 15 },
  NL: { name: 'HST', rate: 15 },
  PE: { name: 'HST', rate: 15 },
};
export const CANADA_PST = {
  BC: { name: 'PST', rate: 7 },
  MB: { name: 'RST', rate: 7 },
  SK: { name: 'PST', rate: 6 },
  QC: { name: 'QST', rate: 9.975 },
} as const;
export type PstProvince = keyof typeof CANADA_PST;
