/**
 * Carriers: tracking-number formats, check digits and tracking-page URL templates, in one place.
 * Valid examples are published ones where the carrier publishes one (UPS 1Z999AA10123456784, UPU
 * S10 AA473124829GB-style), otherwise numbers built to satisfy the carrier's published rule.
 * Each entry carries valid and invalid examples, which the tests run. A format with a check digit
 * that passes gives `high` confidence; a format without one (or one shared with another carrier)
 * gives `medium`.
 */

export type CheckRule = (digits: string) => boolean;

export interface Carrier {
  id: string;
  name: string;
  /** `{number}` is replaced by the tracking number (URL-encoded). */
  url: string;
  formats: Array<{ pattern: RegExp; check?: CheckRule; note: string }>;
  examples: { valid: string[]; invalid: string[] };
}

/** Weighted sum of digits, weights applied from the left and repeated. */
const weighted = (digits: string, weights: number[]) => [...digits].reduce((sum, d, i) => sum + Number(d) * weights[i % weights.length]!, 0);

/** UPU S10 (international mail items): 8 digits weighted 8 6 4 2 3 5 9 7, mod 11. */
export const s10Check: CheckRule = (n) => {
  const body = n.slice(2, 10);
  const check = 11 - (weighted(body, [8, 6, 4, 2, 3, 5, 9, 7]) % 11);
  return Number(n[10]) === (check === 10 ? 0 : check === 11 ? 5 : check);
};

/** UPS 1Z: letters to digits as (code − 63) mod 10; odd positions + 2 × even positions, mod 10. */
export const upsCheck: CheckRule = (n) => {
  const values = [...n.slice(2, 17)].map((c) => (/\d/.test(c) ? Number(c) : (c.charCodeAt(0) - 63) % 10));
  const sum = values.reduce((s, v, i) => s + (i % 2 === 1 ? 2 * v : v), 0);
  return Number(n[17]) === (10 - (sum % 10)) % 10;
};

/** Mod 10 with weights 3 and 1 from the right of the body (USPS IMpb, FedEx Ground 96, GS1). */
export const mod10Check: CheckRule = (n) => {
  const body = [...n.slice(0, -1)].reverse();
  const sum = body.reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 3 : 1), 0);
  return Number(n.at(-1)) === (10 - (sum % 10)) % 10;
};

/** FedEx Express 12 digits: weights 3 1 7 from the right of the first 11, mod 11, mod 10. */
export const fedexExpressCheck: CheckRule = (n) => {
  const body = [...n.slice(0, 11)].reverse();
  const sum = body.reduce((s, d, i) => s + Number(d) * [1, 3, 7][i % 3]!, 0);
  return Number(n[11]) === (sum % 11) % 10;
};

/** DHL Express 10 digits: the first 9 mod 7. */
export const dhlCheck: CheckRule = (n) => Number(n[9]) === Number(n.slice(0, 9)) % 7;

export const CARRIERS: Carrier[] = [
  {
    id: 'canada-post',
    name: 'Canada Post',
    url: 'https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={number}',
    formats: [
      { pattern: /^[A-Z]{2}\d{9}CA$/, check: s10Check, note: 'UPU S10, international (…CA)' },
      { pattern: /^\d{16}$/, note: '16-digit domestic parcel PIN' },
    ],
    examples: { valid: ['RA123456785CA', 'EE123456785CA', '7023210039414604'], invalid: ['RA123456784CA', 'RA12345678CA'] },
  },
  {
    id: 'purolator',
    name: 'Purolator',
    url: 'https://www.purolator.com/en/shipping/tracker?pin={number}',
    formats: [{ pattern: /^\d{12}$/, note: '12-digit PIN (FedEx Express uses 12 digits too)' }],
    examples: { valid: ['329022012345'], invalid: ['32902201234'] },
  },
  {
    id: 'canpar',
    name: 'Canpar Express',
    url: 'https://www.canpar.com/en/tracking/track.htm?barcode={number}',
    formats: [{ pattern: /^D\d{21}$/, note: 'D + 21 digits' }],
    examples: { valid: ['D123456789012345678901'], invalid: ['D12345678901234567890', 'X123456789012345678901'] },
  },
  {
    id: 'ups',
    name: 'UPS',
    url: 'https://www.ups.com/track?tracknum={number}',
    formats: [{ pattern: /^1Z[0-9A-Z]{16}$/, check: upsCheck, note: '1Z + 16, check digit' }],
    examples: { valid: ['1Z999AA10123456784', '1Z12345E0205271686'], invalid: ['1Z999AA10123456785', '1Z999AA1012345678'] },
  },
  {
    id: 'fedex',
    name: 'FedEx',
    url: 'https://www.fedex.com/fedextrack/?trknbr={number}',
    formats: [
      { pattern: /^\d{12}$/, check: fedexExpressCheck, note: 'Express, 12 digits' },
      { pattern: /^96\d{20}$/, check: mod10Check, note: 'Ground 96, 22 digits' },
    ],
    examples: { valid: ['123456789012', '9611020987654312345673'], invalid: ['123456789013', '9611020987654312345672'] },
  },
  {
    id: 'usps',
    name: 'USPS',
    url: 'https://tools.usps.com/go/TrackConfirmAction?tLabels={number}',
    formats: [
      { pattern: /^9[1-5]\d{20}$/, check: mod10Check, note: 'IMpb, 22 digits' },
      { pattern: /^[A-Z]{2}\d{9}US$/, check: s10Check, note: 'UPU S10, international (…US)' },
    ],
    examples: { valid: ['9400111899223197428497', 'EA123456785US'], invalid: ['9400111899223197428490', 'EA123456789US'] },
  },
  {
    id: 'dhl-express',
    name: 'DHL Express',
    url: 'https://www.dhl.com/ca-en/home/tracking.html?tracking-id={number}&submit=1',
    formats: [{ pattern: /^\d{10}$/, check: dhlCheck, note: '10 digits, mod 7' }],
    examples: { valid: ['1234567891', '3318810025'], invalid: ['1234567890', '3318810026'] },
  },
  {
    id: 'upu',
    name: 'International post (UPU)',
    url: 'https://www.17track.net/en/track?nums={number}',
    formats: [{ pattern: /^[A-Z]{2}\d{9}[A-Z]{2}$/, check: s10Check, note: 'UPU S10 from any postal operator' }],
    examples: { valid: ['RR123456785DE', 'LX123456785CN'], invalid: ['RR123456786DE', 'RR1234567850DE'] },
  },
];

export interface Detection {
  carrier: Carrier;
  confidence: 'high' | 'medium';
  note: string;
  url: string;
}

/** Upper case, no spaces or dashes: what people paste from a receipt. */
export function normalizeTracking(input: string): string {
  return input
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .slice(0, 40);
}

/**
 * Carriers whose format the number has, best first: a passing check digit is `high`; a format
 * without one is `medium`; a failing check digit rules the format out.
 */
export function detectCarrier(input: string): Detection[] {
  const number = normalizeTracking(input);
  if (!/^[0-9A-Z]{8,40}$/.test(number)) return [];
  const found: Detection[] = [];
  for (const carrier of CARRIERS) {
    for (const format of carrier.formats) {
      if (!format.pattern.test(number)) continue;
      if (format.check && !format.check(number)) continue;
      // The catch-all UPU entry only when no named operator matched.
      if (carrier.id === 'upu' && found.some((f) => f.confidence === 'high')) continue;
      found.push({
        carrier,
        confidence: format.check ? 'high' : 'medium',
        note: format.note,
        url: carrier.url.replace('{number}', encodeURIComponent(number)),
      });
      break;
    }
  }
  return found.sort((a, b) => (a.confidence === b.confidence ? 0 : a.confidence === 'high' ? -1 : 1));
}
