import type { CollectionEntry } from 'astro:content';

/** Where the build writes the care dates (a prerendered route), moved next to the server bundle after the build. */
export const CARE_DATES_FILE = 'care-reminders/care-dates.json';
/** Its name in the server folder, read by the server when a reminder is asked for and sent. */
export const SERVER_CARE_DATES_FILE = 'care-dates.json';

/** One care date of a page, with its words in each language the page is in. */
export interface CareDate {
  month: number;
  day: number;
  /** By locale; the default locale's is always there. */
  what: Record<string, string>;
}

/** A product or FAQ answer with care dates, as the server knows it from the live build. */
export interface CareSubject {
  /** `product:<SKU>` or `faq:<slug>`. */
  subject: string;
  /** Its title (product name, question) by locale. */
  title: Record<string, string>;
  /** Its page as the default locale has it (`/products/dahlia/`); `mailLink` puts it in the reader's language. */
  path: string;
  /** The locales it has a page in. */
  locales: string[];
  dates: CareDate[];
}

/** The value a care date is chosen by in the form: `9-25`. */
export const dateValue = (d: { month: number; day: number }) => `${d.month}-${d.day}`;

/** A page's words in `locale`, else the default language's. */
export const inLocale = (words: Record<string, string>, locale: string, fallback: string): string =>
  words[locale] ?? words[fallback] ?? Object.values(words)[0] ?? '';

type WithCare = CollectionEntry<'products'> | CollectionEntry<'faq'>;

/**
 * Collects one kind of page's care dates across the site's locales: the default locale's entry
 * decides the dates, a translation gives the words of those it has at the same place in its list.
 */
export function careSubjects(
  byLocale: Array<{ locale: string; entries: WithCare[] }>,
  defaultLocale: string,
  key: (entry: WithCare, slug: string) => string,
  title: (entry: WithCare) => string,
  path: (slug: string) => string,
  slugOf: (entry: WithCare) => string,
): CareSubject[] {
  const base = byLocale.find((l) => l.locale === defaultLocale);
  if (!base) return [];
  const subjects: CareSubject[] = [];
  for (const entry of base.entries) {
    const dates = entry.data.careDates ?? [];
    if (dates.length === 0) continue;
    const slug = slugOf(entry);
    const subject: CareSubject = {
      subject: key(entry, slug),
      title: {},
      path: path(slug),
      locales: [],
      dates: dates.map((d) => ({ month: d.month, day: d.day, what: {} })),
    };
    for (const { locale, entries } of byLocale) {
      const translated = entries.find((e) => slugOf(e) === slug);
      if (!translated) continue;
      subject.title[locale] = title(translated);
      subject.locales.push(locale);
      const words = translated.data.careDates ?? [];
      subject.dates.forEach((d, i) => {
        const w = words[i];
        if (w && w.month === d.month && w.day === d.day) d.what[locale] = w.what;
      });
    }
    subjects.push(subject);
  }
  return subjects;
}

/** The care dates the server reads: by subject. */
export type CareDates = ReadonlyMap<string, CareSubject>;

export const careDatesOf = (subjects: CareSubject[]): CareDates => new Map(subjects.map((s) => [s.subject, s]));

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Rapport {
    interface FeatureServices {
      /** The pages with care dates in the live build (features/care-reminders); absent before a build is loaded. */
      careDates?: CareDates | undefined;
    }
  }
}
