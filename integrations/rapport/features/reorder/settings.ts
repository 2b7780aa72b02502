import { existsSync, readFileSync } from 'node:fs';
import { z } from 'astro/zod';
import { AstroError } from 'astro/errors';
import { parse } from 'yaml';
import type { OrderingWindow } from './seasons.ts';

/** Where the editor sets the ordering windows, inside the content folder (Settings → Ordering windows in the CMS). */
export const ORDERING_WINDOWS_FILE = 'settings/ordering-windows.md';
/** What the build writes next to the server bundle for the reminder job. */
export const SERVER_WINDOWS_FILE = 'ordering-windows.json';

const monthDay = z
  .string()
  .trim()
  .max(5) // a one-line field in the CMS
  .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a month and day as MM-DD, e.g. 10-15')
  .refine((md) => {
    const [m, d] = md.split('-').map(Number) as [number, number];
    return new Date(Date.UTC(2000, m - 1, d)).getUTCMonth() === m - 1; // 2000 has a 29 February
  }, 'a day that exists, e.g. 10-15');

/** What an editor fills in: for each season, its categories, when ordering opens and closes, and when to remind. */
export const orderingWindowsSchema = z.strictObject({
  windows: z
    .array(
      z.strictObject({
        season: z
          .string()
          .trim()
          .max(40)
          .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'lower-case letters, digits and dashes, e.g. fall-bulbs')
          .describe('A short id for the season, e.g. fall-bulbs (never change it once reminders were sent)'),
        categories: z.array(z.string().trim().min(1).max(80)).min(1).describe('The product categories ordered in this window, as on the product pages'),
        opens: monthDay.meta({ title: 'Ordering opens' }).describe('Month and day ordering opens, e.g. 07-01'),
        closes: monthDay
          .meta({ title: 'Ordering closes' })
          .describe('Month and day ordering closes, e.g. 10-15 (before the opening day: it closes the next year)'),
        remindDaysBefore: z
          .number()
          .int()
          .min(1)
          .max(180)
          .meta({ title: 'Remind, days before it closes' })
          .describe('How many days before it closes customers are reminded'),
      }),
    )
    .superRefine((windows, ctx) => {
      const seen = new Map<string, string>();
      windows.forEach((w, i) => {
        if (w.opens === w.closes) ctx.addIssue({ code: 'custom', path: [i, 'closes'], message: 'a window must close on another day than it opens' });
        for (const c of w.categories) {
          const other = seen.get(c.toLowerCase());
          if (other) ctx.addIssue({ code: 'custom', path: [i, 'categories'], message: `“${c}” is already in the ${other} window` });
          seen.set(c.toLowerCase(), w.season);
        }
      });
    })
    .meta({ title: 'Ordering windows', summary: '{{fields.season}}: {{fields.opens}} to {{fields.closes}}' })
    .describe('When each kind of product is ordered; products of other categories are suggested again 11 months after they were bought'),
});

/** The windows in `file`, or none when the site has no such file; a file that is not valid fails the build. */
export function loadOrderingWindows(file: string): OrderingWindow[] {
  if (!existsSync(file)) return [];
  const place = 'Settings → Ordering windows';
  const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(readFileSync(file, 'utf8'));
  let data: unknown;
  try {
    data = match ? parse(match[1]!) : undefined;
  } catch (error) {
    throw new AstroError(
      `The ordering windows in ${file} are not valid YAML: ${(error as Error).message}`,
      `Fix the front matter, or edit them in the CMS (${place}).`,
    );
  }
  const parsed = orderingWindowsSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `- ${i.path.join('.') || '(file)'}: ${i.message}`).join('\n');
    throw new AstroError(`The ordering windows in ${file} are not valid:\n${problems}`, `Fix these fields in the CMS (${place}) or in the file.`);
  }
  return parsed.data.windows;
}
