import { isoDay } from '../../config/time-zone.ts';
/**
 * When a customer is reminded to order again. Pure: dates in, dates out, so the rule is tested
 * without a server (test/unit/reorder-seasons.test.ts).
 *
 * An ordering window is a span of month-days in the business's time zone (fall bulbs: 07-01 to
 * 10-15); when `closes` is before `opens` it ends the next year (spring bulbs: 12-01 to 04-15).
 * A season is one year's window, named by the year it opened (`fall-bulbs:2026`); it lasts from
 * that opening to the next, so a purchase after the window closed still counts for the season
 * just ended. The reminder is due from `remindDaysBefore` days before the window closes until it
 * closes, to customers who bought the window's categories in an earlier season and not yet in
 * this one.
 *
 * Products whose category has no window: remind `DEFAULT_REMIND_MONTHS` (11) months after the
 * purchase, for a month, unless the customer ordered the product again since — a year's supply
 * ordered about a year later.
 */

/** Months after a purchase when products without an ordering window are suggested again. */
export const DEFAULT_REMIND_MONTHS = 11;

export interface OrderingWindow {
  /** A stable id, part of the season's name (`fall-bulbs`). */
  season: string;
  /** The product categories (as the catalogue names them in the default language) this window is for. */
  categories: string[];
  /** `MM-DD`, in the business's time zone. */
  opens: string;
  /** `MM-DD`; before `opens` when the window ends the next year. */
  closes: string;
  /** Days before `closes` the reminder is sent. */
  remindDaysBefore: number;
}

/** A calendar day, `YYYY-MM-DD` (compares as text). */
export type Day = string;

export interface Season {
  /** `fall-bulbs:2026`: the row a reminder is claimed with. */
  key: string;
  year: number;
  opens: Day;
  closes: Day;
  /** The first day the reminder is due. */
  remind: Day;
}

const pad = (n: number) => String(n).padStart(2, '0');
const dayOf = (d: Date): Day => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const utc = (day: Day) => new Date(`${day}T00:00:00Z`);

/** `at` as a calendar day in `timeZone` (the business's: a purchase at 23:30 in Edmonton on 31 December is in that year). */
export const localDay = (at: Date, timeZone: string): Day => isoDay(at, timeZone);

/** `day` moved by `days` (negative: back). */
export const addDays = (day: Day, days: number): Day => dayOf(new Date(utc(day).getTime() + days * 86_400_000));

/** `day` moved on by `months`, by the calendar (31 January + 1 month is the last day of February). */
export function addMonths(day: Day, months: number): Day {
  const d = utc(day);
  const date = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(date, last));
  return dayOf(d);
}

/** `MM-DD` in `year` as a real day (29 February in a year without one is 1 March). */
const monthDay = (year: number, md: string): Day => dayOf(new Date(Date.UTC(year, Number(md.slice(0, 2)) - 1, Number(md.slice(3, 5)))));

/** The window as it opened in `year`. */
export function seasonOpenedIn(w: OrderingWindow, year: number): Season {
  const opens = monthDay(year, w.opens);
  const closes = monthDay(w.closes < w.opens ? year + 1 : year, w.closes);
  const remind = addDays(closes, -w.remindDaysBefore);
  return { key: `${w.season}:${year}`, year, opens, closes, remind: remind < opens ? opens : remind };
}

/** The season `day` belongs to: the one whose window opened last on or before it. */
export function seasonOf(w: OrderingWindow, day: Day): Season {
  const year = Number(day.slice(0, 4));
  const thisYear = seasonOpenedIn(w, year);
  return thisYear.opens <= day ? thisYear : seasonOpenedIn(w, year - 1);
}

/** The season whose reminder is due on `today`, if any (from its reminder day to the day the window closes). */
export function reminderDue(w: OrderingWindow, today: Day): Season | undefined {
  const season = seasonOf(w, today);
  return season.remind <= today && today <= season.closes ? season : undefined;
}

/** The window a product category is ordered in, if the editor gave it one. */
export const windowFor = (windows: readonly OrderingWindow[], category: string): OrderingWindow | undefined =>
  windows.find((w) => w.categories.some((c) => c.toLowerCase() === category.toLowerCase()));

/** Whether a purchase on `bought` of a product without a window is due its reminder on `today`: from 11 months after it, for a month. */
export function yearlyDue(bought: Day, today: Day): boolean {
  const from = addMonths(bought, DEFAULT_REMIND_MONTHS);
  return from <= today && today < addMonths(from, 1);
}
