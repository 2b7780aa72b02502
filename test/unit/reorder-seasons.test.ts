import { describe, expect, it } from 'vitest';
import { parseOptions } from '../../integrations/rapport/config/parse-options.ts';
import { decapConfig } from '../../integrations/rapport/features/cms/decap-config.ts';
import { loadOrderingWindows, orderingWindowsSchema } from '../../integrations/rapport/features/reorder/settings.ts';
import { addMonths, localDay, reminderDue, seasonOf, windowFor, yearlyDue, type OrderingWindow } from '../../integrations/rapport/features/reorder/seasons.ts';
import { TEST_OPTIONS } from '../helpers/test-options.ts';

const fall: OrderingWindow = { season: 'fall-bulbs', categories: ['Tulips', 'Daffodils'], opens: '07-01', closes: '10-15', remindDaysBefore: 21 };
// Crosses the year end: opens in December, closes in April.
const spring: OrderingWindow = { season: 'spring-bulbs', categories: ['Dahlias'], opens: '12-01', closes: '04-15', remindDaysBefore: 21 };

describe('ordering windows and seasons', () => {
  it('names a season by the year its window opened, and keeps a late purchase in the season just ended', () => {
    expect(seasonOf(fall, '2025-10-03')).toEqual({ key: 'fall-bulbs:2025', year: 2025, opens: '2025-07-01', closes: '2025-10-15', remind: '2025-09-24' });
    // After the window closed and before the next opens: still the 2025 season.
    expect(seasonOf(fall, '2026-03-10').key).toBe('fall-bulbs:2025');
    expect(seasonOf(fall, '2026-06-30').key).toBe('fall-bulbs:2025');
    expect(seasonOf(fall, '2026-07-01').key).toBe('fall-bulbs:2026');
  });

  it('carries a window across the year end: December and January are one season', () => {
    const december = seasonOf(spring, '2025-12-20');
    const january = seasonOf(spring, '2026-01-05');
    expect(december.key).toBe('spring-bulbs:2025');
    expect(january.key).toBe('spring-bulbs:2025');
    expect(january.closes).toBe('2026-04-15');
    expect(january.remind).toBe('2026-03-25');
    // 30 November is the end of the previous season.
    expect(seasonOf(spring, '2025-11-30').key).toBe('spring-bulbs:2024');
  });

  it('is due from the reminder day to the day the window closes, and not outside it', () => {
    expect(reminderDue(fall, '2026-09-23')).toBeUndefined();
    expect(reminderDue(fall, '2026-09-24')?.key).toBe('fall-bulbs:2026');
    expect(reminderDue(fall, '2026-10-15')?.key).toBe('fall-bulbs:2026');
    expect(reminderDue(fall, '2026-10-16')).toBeUndefined();
    expect(reminderDue(spring, '2026-03-30')?.key).toBe('spring-bulbs:2025');
    expect(reminderDue(spring, '2026-01-10')).toBeUndefined();
  });

  it('never reminds before the window opens, even when asked for more days than it lasts', () => {
    const short: OrderingWindow = { ...fall, opens: '10-01', remindDaysBefore: 60 };
    expect(seasonOf(short, '2026-10-02').remind).toBe('2026-10-01');
    expect(reminderDue(short, '2026-09-30')).toBeUndefined();
  });

  it('finds a category’s window whatever its case, and none for a category without one', () => {
    expect(windowFor([fall, spring], 'tulips')).toBe(fall);
    expect(windowFor([fall, spring], 'Alliums')).toBeUndefined();
  });

  it('reminds products without a window 11 months after the purchase, for a month, by the calendar', () => {
    expect(yearlyDue('2025-10-20', '2026-09-19')).toBe(false);
    expect(yearlyDue('2025-10-20', '2026-09-20')).toBe(true);
    expect(yearlyDue('2025-10-20', '2026-10-19')).toBe(true);
    expect(yearlyDue('2025-10-20', '2026-10-20')).toBe(false);
    // 31 March + 11 months: the last day of February.
    expect(addMonths('2025-03-31', 11)).toBe('2026-02-28');
    expect(addMonths('2027-03-31', 11)).toBe('2028-02-29');
  });

  it('reads days in the business’s time zone: New Year’s Eve evening in Edmonton is still the old year', () => {
    const evening = new Date('2026-01-01T05:30:00Z'); // 22:30 on 31 December in Edmonton (UTC−7)
    expect(localDay(evening, 'America/Edmonton')).toBe('2025-12-31');
    expect(localDay(evening, 'UTC')).toBe('2026-01-01');
    expect(seasonOf(spring, localDay(new Date('2025-12-01T06:30:00Z'), 'America/Edmonton')).key).toBe('spring-bulbs:2024');
  });
});

describe('the ordering windows the editor sets', () => {
  const valid = { season: 'fall-bulbs', categories: ['Tulips'], opens: '07-01', closes: '10-15', remindDaysBefore: 21 };
  const problems = (windows: unknown[]) => {
    const parsed = orderingWindowsSchema.safeParse({ windows });
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('takes real month-days, 29 February included, and refuses others, a category in two windows and a window of one day', () => {
    expect(problems([valid, { ...valid, season: 'leap', categories: ['Crocus'], opens: '02-29', closes: '03-31' }])).toEqual([]);
    expect(problems([{ ...valid, closes: '02-30' }])).toEqual(['windows.0.closes: a day that exists, e.g. 10-15']);
    expect(problems([{ ...valid, opens: '7-1' }])).toEqual(['windows.0.opens: a month and day as MM-DD, e.g. 10-15']);
    expect(problems([valid, { ...valid, season: 'again', categories: ['tulips'] }])).toEqual([
      'windows.1.categories: “tulips” is already in the fall-bulbs window',
    ]);
    expect(problems([{ ...valid, closes: '07-01' }])).toEqual(['windows.0.closes: a window must close on another day than it opens']);
  });

  it('reads the reference site’s windows: fall bulbs, and spring bulbs across the year end', () => {
    const windows = loadOrderingWindows(new URL('../../content/settings/ordering-windows.md', import.meta.url).pathname);
    expect(windows.map((w) => `${w.season} ${w.opens}→${w.closes} −${w.remindDaysBefore}d`)).toEqual([
      'fall-bulbs 07-01→10-15 −21d',
      'spring-bulbs 12-01→04-15 −21d',
    ]);
    expect(windowFor(windows, 'Lilies')).toBeUndefined();
    expect(loadOrderingWindows('/nonexistent/ordering-windows.md')).toEqual([]);
  });

  it('is a file the CMS edits when reminders are on, and not otherwise', () => {
    const files = (reorder: boolean) =>
      ((
        decapConfig(parseOptions({ ...TEST_OPTIONS, crm: { orders: { reorder: { enabled: reorder } } } }), 'https://test.example').collections.find(
          (c) => c.name === 'settings',
        ) as { files?: unknown[] } | undefined
      )?.files ?? []) as Array<{
        name: string;
        file: string;
        fields: Array<{ name: string; widget: string; fields?: Array<{ name: string; widget: string }> }>;
      }>;
    const windows = files(true).find((f) => f.name === 'ordering-windows')!;
    expect(windows.file).toBe('content/settings/ordering-windows.md');
    expect(windows.fields[0]!.widget).toBe('list');
    expect(windows.fields[0]!.fields!.map((f) => `${f.name}:${f.widget}`)).toEqual([
      'season:string',
      'categories:list',
      'opens:string',
      'closes:string',
      'remindDaysBefore:number',
    ]);
    expect(files(false).some((f) => f.name === 'ordering-windows')).toBe(false);
  });
});
