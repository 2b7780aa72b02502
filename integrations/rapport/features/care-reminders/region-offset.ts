import { zonedLocalTime } from '../../config/time-zone.ts';

/**
 * Care dates are written for the business's own province or state (the reference region: the
 * reference site's farm is in Alberta, so its "Lift before frost" is an Alberta date). A customer
 * elsewhere gets the date moved by the difference between the two regions' typical first fall
 * frost, in days, from this table (days after October 1; approximate averages for where most
 * people of each region garden, rounded to five days; a region without frost is capped at +90).
 *
 * Why one table for both seasons: a longer frost-free season is longer at both ends. A date in
 * July–December (fall work: plant, lift, mulch) moves by the difference; a date in January–June
 * (spring work: plant out, order by) moves by the opposite (later in the north, earlier in the
 * south). A region the table does not know (another country) is not moved.
 */
export const FIRST_FROST_DAYS: Record<string, Record<string, number>> = {
  CA: { AB: -15, BC: 25, MB: -10, NB: 0, NL: 10, NS: 15, NT: -30, NU: -35, ON: 10, PE: 10, QC: 0, SK: -15, YT: -30 },
  US: {
    AK: -20,
    AL: 35,
    AZ: 40,
    AR: 30,
    CA: 60,
    CO: 5,
    CT: 15,
    DE: 25,
    DC: 30,
    FL: 75,
    GA: 40,
    HI: 90,
    ID: 0,
    IL: 15,
    IN: 15,
    IA: 5,
    KS: 20,
    KY: 25,
    LA: 50,
    ME: -5,
    MD: 25,
    MA: 15,
    MI: 5,
    MN: 0,
    MS: 35,
    MO: 20,
    MT: -10,
    NE: 5,
    NV: 25,
    NH: 0,
    NJ: 25,
    NM: 25,
    NY: 15,
    NC: 30,
    ND: -5,
    OH: 15,
    OK: 30,
    OR: 30,
    PA: 15,
    RI: 20,
    SC: 40,
    SD: 0,
    TN: 25,
    TX: 50,
    UT: 10,
    VT: -5,
    VA: 25,
    WA: 25,
    WV: 15,
    WI: 0,
    WY: -10,
  },
};

export interface Region {
  country: string;
  region: string;
}

const frostDays = (r: Region): number | undefined => FIRST_FROST_DAYS[r.country]?.[r.region.toUpperCase()];

/** Whether the table knows this province or state (the form offers only those). */
export const knownRegion = (r: Region) => frostDays(r) !== undefined;

/** Days a care date in `month` moves for a customer in `customer`, given the business's `reference` region. */
export function regionShiftDays(month: number, customer: Region, reference: Region): number {
  const mine = frostDays(customer);
  const theirs = frostDays(reference);
  if (mine === undefined || theirs === undefined) return 0;
  const fall = mine - theirs;
  return month >= 7 ? fall : -fall;
}

/** A calendar day (no time): the care date as it falls in one year for one region. */
export interface Day {
  year: number;
  month: number;
  day: number;
}

/** The care date `month`/`day` in `year` moved by `shift` days (February 29 is the 28th in other years). */
export function shiftedDay(year: number, month: number, day: number, shift: number): Day {
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const d = new Date(Date.UTC(year, month - 1, Math.min(day, last) + shift));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Midnight starting `d` in the business's time zone: the moment a reminder for that day is due. */
export const dayStart = (d: Day, timeZone: string): Date => zonedLocalTime(`${d.year}-${pad(d.month)}-${pad(d.day)}T00:00`, timeZone)!;

/** The calendar day `now` falls on in `timeZone`. */
export function dayIn(now: Date, timeZone: string): Day {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(now).map((p) => [p.type, p.value]),
  );
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day) };
}

/**
 * When the reminder for care date `month`/`day` is next due, strictly after the year of `after`
 * when `after` is given (the one just sent), else from today: this year's date for the region if
 * it is today or later in the business's time zone, otherwise next year's (a request on December
 * 20 for a January date is due in January; one for a date already past waits a year).
 */
export function nextDue(care: { month: number; day: number }, shift: number, timeZone: string, now: Date, after?: Day): { day: Day; at: Date } {
  const today = dayIn(now, timeZone);
  const key = (d: Day) => d.year * 10_000 + d.month * 100 + d.day;
  // The shift can carry a date over a year's end (a late-December date moved forward), so two years around today are tried.
  for (let year = today.year - 1; year <= today.year + 2; year++) {
    const d = shiftedDay(year, care.month, care.day, shift);
    if (key(d) < key(today)) continue;
    if (after && key(d) <= key(after)) continue;
    return { day: d, at: dayStart(d, timeZone) };
  }
  // Unreachable with a shift under a year; the year after next as a safe answer.
  const d = shiftedDay(today.year + 2, care.month, care.day, shift);
  return { day: d, at: dayStart(d, timeZone) };
}

/** "2026-10-01": a day as stored. */
export const dayKey = (d: Day) => `${d.year}-${pad(d.month)}-${pad(d.day)}`;
