import { describe, expect, it } from 'vitest';
import { dayKey, nextDue, regionShiftDays, shiftedDay } from '../../integrations/rapport/features/care-reminders/region-offset.ts';

const AB = { country: 'CA', region: 'AB' };
const BC = { country: 'CA', region: 'BC' };
const TX = { country: 'US', region: 'TX' };

describe('care dates by region', () => {
  it('moves a fall date later on the coast and in the south, earlier on the prairies', () => {
    expect(regionShiftDays(9, BC, AB)).toBe(40);
    expect(regionShiftDays(9, TX, AB)).toBe(65);
    expect(regionShiftDays(9, AB, BC)).toBe(-40);
    expect(regionShiftDays(9, { country: 'CA', region: 'sk' }, AB)).toBe(0);
  });

  it('moves a spring date the other way, and leaves unknown regions alone', () => {
    expect(regionShiftDays(5, BC, AB)).toBe(-40);
    expect(regionShiftDays(5, { country: 'FR', region: 'IDF' }, AB)).toBe(0);
    expect(regionShiftDays(10, BC, { country: 'GB', region: 'ENG' })).toBe(0);
  });

  it('carries a shifted date over a month or year end, and reads February 29 as the 28th in other years', () => {
    expect(shiftedDay(2026, 9, 10, 40)).toEqual({ year: 2026, month: 10, day: 20 });
    expect(shiftedDay(2026, 12, 20, 15)).toEqual({ year: 2027, month: 1, day: 4 });
    expect(shiftedDay(2027, 2, 29, 0)).toEqual({ year: 2027, month: 2, day: 28 });
    expect(shiftedDay(2028, 2, 29, 0)).toEqual({ year: 2028, month: 2, day: 29 });
  });

  it('is due this year when the date is still ahead in the business time zone, otherwise next year', () => {
    const zone = 'America/Edmonton';
    // December 20: a January date is next month, an October date next fall.
    const dec20 = new Date('2026-12-20T18:00:00Z');
    expect(dayKey(nextDue({ month: 1, day: 15 }, 0, zone, dec20).day)).toBe('2027-01-15');
    expect(dayKey(nextDue({ month: 10, day: 1 }, 0, zone, dec20).day)).toBe('2027-10-01');
    // 03:00 UTC on October 1 is still September 30 in Edmonton: the date is today or later there.
    const lateSep30 = new Date('2026-10-01T03:00:00Z');
    const due = nextDue({ month: 10, day: 1 }, 0, zone, lateSep30);
    expect(dayKey(due.day)).toBe('2026-10-01');
    expect(due.at.toISOString()).toBe('2026-10-01T06:00:00.000Z');
    // Once sent, the next one is a year later.
    expect(dayKey(nextDue({ month: 10, day: 1 }, 0, zone, new Date('2026-10-01T07:00:00Z'), due.day).day)).toBe('2027-10-01');
    // A shift that carries a late-December date into January stays due in the coming January.
    expect(dayKey(nextDue({ month: 12, day: 28 }, 10, zone, new Date('2027-01-02T12:00:00Z')).day)).toBe('2027-01-07');
  });
});
