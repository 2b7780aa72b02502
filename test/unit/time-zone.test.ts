import { describe, expect, it } from 'vitest';
import { BusinessSchema } from '../../integrations/rapport/config/business.ts';
import { COUNTRIES } from '../../integrations/rapport/config/regions.ts';
import {
  businessTimeZone,
  formatDateTime,
  isTimeZone,
  REGION_TIME_ZONES,
  timeZoneLabel,
  timeZoneOfAddress,
  zonedLocalTime,
} from '../../integrations/rapport/config/time-zone.ts';
import { readSendForm } from '../../integrations/rapport/features/newsletter/campaigns/send-form.ts';

const business = (region: string, country = 'CA', timeZone?: string) =>
  BusinessSchema.parse({
    legalName: 'Chinook Bulb Farm Ltd.',
    address: { streetAddress: 'RR 2', locality: 'Lacombe', region, postalCode: 'T4L 2N2', country },
    phone: '+1-403-555-0142',
    email: 'hello@example.com',
    ...(timeZone ? { timeZone } : {}),
  });

describe('the business time zone', () => {
  it('defaults from the address: a province or state gives its main zone', () => {
    expect(businessTimeZone(business('AB'))).toBe('America/Edmonton');
    expect(businessTimeZone(business('BC'))).toBe('America/Vancouver');
    expect(businessTimeZone(business('ON'))).toBe('America/Toronto');
    expect(businessTimeZone(business('SK'))).toBe('America/Regina');
    expect(businessTimeZone(business('WA', 'US'))).toBe('America/Los_Angeles');
    expect(businessTimeZone(business('AZ', 'US'))).toBe('America/Phoenix');
    expect(businessTimeZone(business('TX', 'US'))).toBe('America/Chicago');
    // No rule for the country: UTC until the option says otherwise.
    expect(timeZoneOfAddress({ country: 'FR', region: 'IDF' })).toBe('UTC');
  });

  it('has a valid zone for every province, territory and state the order form knows', () => {
    for (const [country, { regions }] of Object.entries(COUNTRIES))
      for (const region of Object.keys(regions)) {
        const zone = REGION_TIME_ZONES[country]?.[region];
        expect(zone, `${country}-${region}`).toBeDefined();
        expect(isTimeZone(zone!), zone).toBe(true);
      }
  });

  it('takes the option over the address, and refuses a name that is not a zone', () => {
    expect(businessTimeZone(business('AB', 'CA', 'America/Halifax'))).toBe('America/Halifax');
    const refused = BusinessSchema.safeParse({ ...business('AB'), timeZone: 'Mountain Time' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe('use an IANA time zone name such as "America/Edmonton"');
  });

  it('writes a moment in the zone with its name, across daylight saving', () => {
    // 23:13 UTC on 25 November 2025 was 4:13 p.m. in Alberta (MST, UTC−7). (Alberta keeps daylight
    // time all year from 2026 in current tz data, so later winter dates are not used here.)
    expect(formatDateTime('2025-11-25T23:13:00Z', 'en-CA', 'America/Edmonton')).toBe('Nov 25, 2025, 4:13 p.m. MST');
    // Toronto: EST in winter, EDT in summer.
    expect(formatDateTime('2026-11-25T23:13:00Z', 'en-CA', 'America/Toronto')).toBe('Nov 25, 2026, 6:13 p.m. EST');
    expect(formatDateTime('2026-07-01T23:13:00Z', 'en-CA', 'America/Toronto')).toBe('Jul 1, 2026, 7:13 p.m. EDT');
    expect(formatDateTime('2026-11-25T23:13:00Z', 'en-CA', 'UTC')).toMatch(/11:13 p\.m\. UTC$/);
  });

  it('reads a datetime-local value in the zone, on both sides of a clock change', () => {
    expect(zonedLocalTime('2026-11-25T18:13', 'America/Toronto')?.toISOString()).toBe('2026-11-25T23:13:00.000Z');
    expect(zonedLocalTime('2026-07-01T09:30:15', 'America/Toronto')?.toISOString()).toBe('2026-07-01T13:30:15.000Z');
    // Clocks go forward at 2:00 on 8 March 2026: 1:30 is EST, 3:30 EDT.
    expect(zonedLocalTime('2026-03-08T01:30', 'America/Toronto')?.toISOString()).toBe('2026-03-08T06:30:00.000Z');
    expect(zonedLocalTime('2026-03-08T03:30', 'America/Toronto')?.toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(zonedLocalTime('2026-11-25T16:13', 'UTC')?.toISOString()).toBe('2026-11-25T16:13:00.000Z');
    for (const bad of ['2026-02-30T10:00', '2026-11-25T24:00', 'soon', '2026-11-25 16:13']) expect(zonedLocalTime(bad, 'UTC'), bad).toBeUndefined();
  });
});

describe('the campaign send form', () => {
  const form = (at: string) => {
    const f = new FormData();
    for (const [k, v] of Object.entries({ key: 'send-form-key-000001', confirm: 'yes', lists: 'news', when: 'later', at })) f.append(k, v);
    return f;
  };
  const now = new Date('2026-11-01T00:00:00Z');

  it('reads the time in the zone the console shows times in', () => {
    expect(readSendForm(form('2026-12-01T09:30'), now, 'America/Chicago').value?.sendAt?.toISOString()).toBe('2026-12-01T15:30:00.000Z');
    expect(readSendForm(form('2026-12-01T09:30'), now, 'America/Toronto').value?.sendAt?.toISOString()).toBe('2026-12-01T14:30:00.000Z');
    expect(readSendForm(form('2026-12-01T09:30:00.000'), now, 'UTC').value?.sendAt?.toISOString()).toBe('2026-12-01T09:30:00.000Z');
  });

  it('refuses a time that is not one, or has passed in that zone', () => {
    expect(readSendForm(form('2026-02-30T09:30'), now, 'America/Edmonton').error).toMatch(/Give the date and time/);
    // 31 October 18:30 in Edmonton is 1 November 00:30 UTC: still to come; 17:30 has passed.
    expect(readSendForm(form('2026-10-31T18:30'), now, 'America/Edmonton').error).toBeUndefined();
    expect(readSendForm(form('2026-10-31T16:30'), now, 'America/Edmonton').error).toMatch(/That time has passed/);
  });
});

describe('timeZoneLabel', () => {
  it('names a zone as people say it, with the option’s name after it', () => {
    expect(timeZoneLabel('America/Edmonton', 'en-CA')).toBe('Mountain Time (America/Edmonton)');
    expect(timeZoneLabel('America/St_Johns', 'en-CA')).toBe('Newfoundland Time (America/St_Johns)');
    expect(timeZoneLabel('America/Toronto', 'fr-CA')).toBe('heure de l’Est (America/Toronto)');
    expect(timeZoneLabel('UTC', 'en-CA')).toBe('UTC');
  });
});
