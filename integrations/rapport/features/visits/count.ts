import { isbot } from 'isbot';
import type { Kysely } from 'kysely';
import type { PageView } from '../../core/feature.ts';
import type { Database } from '../../core/store/schema.ts';

/**
 * Visit counts without cookies and without anything that identifies a visitor: each page a person
 * is sent adds one to three totals for its day (the page, the site the visitor came from — its
 * domain only — and the kind of device), and nothing else is kept. There is no visitor to recognise,
 * so a reload or a second visit counts again: the figures are page views, not people.
 *
 * Counting is a sum in memory, written to the store every few seconds as additions (`views +
 * n`), so a page never waits on it and several servers add up to one total. The address a
 * request came from only picks the counter that caps a flood of fake views (addressBucket); it
 * is neither kept nor written anywhere.
 */

/**
 * What a total is of: a page's path, a referring site's domain, a kind of device; and what
 * visitors did not find: a missing page (`<path> <referring domain>`) or a search that found nothing.
 */
export type VisitDimension = 'page' | 'referrer' | 'device' | 'missing' | 'search-miss';
export const DEVICES = ['phone', 'tablet', 'computer'] as const;
export type Device = (typeof DEVICES)[number];

/**
 * The kind of device, from the User-Agent's own words: "Mobi" is how phone browsers say so (the
 * rule MDN recommends), tablets name themselves (iPad, Android without "Mobile", "Tablet").
 */
export function deviceOf(userAgent: string): Device {
  if (/iPad|Tablet|PlayBook|Silk|Android(?!.*Mobi)/i.test(userAgent)) return 'tablet';
  if (/Mobi|iPhone|iPod|Opera Mini|IEMobile/i.test(userAgent)) return 'phone';
  return 'computer';
}

/** The referring site's domain, lower case and without `www.`; undefined for none, an unreadable one or this site itself. */
export function referrerDomain(referer: string | undefined, ownHost: string): string | undefined {
  if (!referer) return undefined;
  let host: string;
  try {
    const url = new URL(referer);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    host = url.hostname.toLowerCase();
  } catch {
    return undefined;
  }
  if (host === ownHost || host.length > 253) return undefined;
  return host.replace(/^www\./, '');
}

/** The longest path counted (longer ones are someone's experiment, not a page). */
const MAX_PATH = 300;

/** The 404 page sent for a GET: a link or an address that leads nowhere. */
export function isMissingPage(view: PageView): boolean {
  return view.method === 'GET' && view.status === 404 && Boolean(view.contentType?.startsWith('text/html')) && view.path.length <= MAX_PATH && shown(view);
}

/** A page the browser shows, not one a script fetched (the live search reads `/search` as the visitor types); browsers that do not say are taken at their word. */
export const shown = (view: Pick<PageView, 'dest'>) => view.dest === undefined || view.dest === 'document' || view.dest === 'iframe';

/** Whether a response is a page a person was shown: a GET answered 200 with HTML, not fetched ahead of a click. */
export function isPage(view: PageView): boolean {
  if (view.method !== 'GET' || view.status !== 200) return false;
  if (!view.contentType?.startsWith('text/html')) return false;
  if (view.path.length > MAX_PATH || view.path.startsWith('/admin') || view.path.startsWith('/account')) return false;
  if (!shown(view)) return false;
  // A page fetched ahead of a click (Chrome's prerender, Safari's preload) is not a view yet.
  if (view.purpose && /prefetch|prerender|preview/i.test(view.purpose)) return false;
  return true;
}

/** A reading of a header, remembered for the last few hundred values: the same few browsers and referrers come back all day. */
function remembered<T>(cache: Map<string, T>, key: string, read: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = read();
    if (cache.size >= 500) cache.clear();
    cache.set(key, value);
  }
  return value;
}

/** Whether a User-Agent is a robot's (isbot's maintained list); no User-Agent at all is not a browser either. */
const botAnswers = new Map<string, boolean>();
export const isRobot = (userAgent: string | undefined): boolean => !userAgent || remembered(botAnswers, userAgent, () => isbot(userAgent));

/**
 * Addresses are not kept even in memory: each is hashed (FNV-1a) into one of 16,384 counters, and
 * the cap applies to the counter. Two visitors sharing one count together, which matters only
 * near the cap (at 1,000 views a minute a counter holds about one view in the mean).
 */
const ADDRESS_BUCKETS = 16_384;
export function addressBucket(ip: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < ip.length; i++) hash = Math.imul(hash ^ ip.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % ADDRESS_BUCKETS;
}

/** The UTC day a view falls on (`2026-11-30`): the totals are per day. */
export const dayOf = (at: Date) => at.toISOString().slice(0, 10);

/**
 * The totals not yet written, and the per-address cap. One per server; `flush` writes and forgets
 * what it holds.
 */
export class VisitCounter {
  private pending = new Map<string, number>();
  /** This minute's views per address bucket (see addressBucket): a fixed block of counters, whatever the traffic. */
  private readonly perAddress = new Uint16Array(ADDRESS_BUCKETS);
  private minute = -1;

  private readonly options: { ownHost: string; perAddressPerMinute: number };

  constructor(options: { ownHost: string; perAddressPerMinute: number }) {
    this.options = options;
  }

  /** Adds one view (or one missing page); true when it counted. Never throws, never waits. */
  record(view: PageView, at: Date): boolean {
    const missing = isMissingPage(view);
    if ((!missing && !isPage(view)) || isRobot(view.userAgent)) return false;
    // A flood from one address (a script reloading a page) stops counting after the cap, until the next minute.
    const minute = Math.floor(at.getTime() / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.perAddress.fill(0);
    }
    const bucket = addressBucket(view.ip);
    if (this.perAddress[bucket]! >= this.options.perAddressPerMinute) return false;
    this.perAddress[bucket]! += 1;
    // The day and each header's reading change rarely between views: worked out once, then looked up.
    if (minute !== this.dayMinute) {
      this.dayMinute = minute;
      this.day = dayOf(at);
    }
    const from = view.referer ? remembered(this.referrers, view.referer, () => referrerDomain(view.referer, this.options.ownHost) ?? '') : '';
    // A page that is not there: where it was asked for and which site linked to it (a broken link to mend).
    if (missing) return (this.add(this.day, 'missing', `${view.path} ${from}`.trimEnd()), true);
    this.add(this.day, 'page', view.path);
    if (from) this.add(this.day, 'referrer', from);
    this.add(
      this.day,
      'device',
      remembered(this.devices, view.userAgent ?? '', () => deviceOf(view.userAgent ?? '')),
    );
    return true;
  }

  private day = '';
  private dayMinute = -1;
  private readonly referrers = new Map<string, string>();
  private readonly devices = new Map<string, Device>();

  /**
   * A search on the site that found nothing: the words, tidied, for the day. Not a robot's, not
   * one that looks like an address or a phone number (someone searching for themselves).
   */
  searchMissed(query: string, userAgent: string | undefined, at: Date): boolean {
    const words = query.toLowerCase().replace(/\s+/g, ' ').trim();
    if (!words || words.length > 80 || isRobot(userAgent) || /@|(\d[\s().-]*){7}/.test(words)) return false;
    this.add(dayOf(at), 'search-miss', words);
    return true;
  }

  private add(day: string, dimension: VisitDimension, value: string) {
    const key = `${day}\u0000${dimension}\u0000${value}`;
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
  }

  /** How many totals wait to be written. */
  get size(): number {
    return this.pending.size;
  }

  /** Adds what it holds to the store's totals in one transaction; on failure it keeps them for the next try. */
  async flush(db: Kysely<Database>): Promise<number> {
    if (this.pending.size === 0) return 0;
    const taken = this.pending;
    this.pending = new Map();
    const rows = [...taken].map(([key, views]) => {
      const [day, dimension, value] = key.split('\u0000') as [string, VisitDimension, string];
      return { day, dimension, value, views };
    });
    try {
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 200) {
          await trx
            .insertInto('visit_counts')
            .values(rows.slice(i, i + 200))
            .onConflict((oc) =>
              oc.columns(['day', 'dimension', 'value']).doUpdateSet((eb) => ({ views: eb('visit_counts.views', '+', eb.ref('excluded.views')) })),
            )
            .execute();
        }
      });
    } catch (error) {
      for (const [key, views] of taken) this.pending.set(key, (this.pending.get(key) ?? 0) + views);
      throw error;
    }
    return rows.length;
  }
}
