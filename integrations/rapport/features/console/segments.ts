/**
 * Customer segments for a small shop, as rules an owner can read (features/console/SEGMENTS.md
 * says the same in prose): the best customers (the few who make most of the sales), groups by
 * recency, frequency and spend, and good customers who stopped buying. Pure: the figures come
 * from segment-data.ts, the time from the caller's clock.
 */

const DAY = 86_400_000;

/** Orders in these states brought no money, so they count for nothing here. */
export const NOT_REVENUE = ['cancelled', 'returned'] as const;

/** How far back the best-customer list looks. */
export const PERIODS = ['12', '24', '36', 'all'] as const;
export type Period = (typeof PERIODS)[number];
export const PERIOD_LABELS: Record<Period, string> = { '12': 'Last 12 months', '24': 'Last 24 months', '36': 'Last 36 months', all: 'All time' };

/** One customer's counted orders, summed (money in cents of the shop's one currency). */
export interface Buyer {
  contactId: string;
  revenueCents: number;
  orders: number;
  firstOrderAt: string;
  lastOrderAt: string;
}

/** Each customer's counted orders (dates oldest first, totals in step), as segment-data.ts reads them. */
export type Histories = ReadonlyMap<string, { readonly dates: readonly string[]; readonly cents: readonly number[] }>;

/** Sums each customer's orders placed since `since` (ISO; all of them when undefined); customers with none are left out. */
export function buyersFrom(histories: Histories, since?: string): Buyer[] {
  const buyers: Buyer[] = [];
  for (const [contactId, h] of histories) {
    let revenueCents = 0;
    let orders = 0;
    let firstOrderAt = '';
    for (let i = 0; i < h.dates.length; i++) {
      if (since && h.dates[i]! < since) continue;
      revenueCents += h.cents[i]!;
      if (orders++ === 0) firstOrderAt = h.dates[i]!;
    }
    if (orders > 0) buyers.push({ contactId, revenueCents, orders, firstOrderAt, lastOrderAt: h.dates.at(-1)! });
  }
  return buyers;
}

/** `months` calendar months before `now` (UTC). */
export const monthsBefore = (now: Date, months: number): Date =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, now.getUTCDate(), now.getUTCHours(), now.getUTCMinutes(), now.getUTCSeconds()));

/** Where a period starts (ISO), or undefined for all time. */
export const periodStart = (period: Period, now: Date): string | undefined => (period === 'all' ? undefined : monthsBefore(now, Number(period)).toISOString());

/** Best first: most money, then most orders, then the latest buyer; the id keeps the order stable. */
export const byRevenue = (a: Buyer, b: Buyer): number =>
  b.revenueCents - a.revenueCents ||
  b.orders - a.orders ||
  (a.lastOrderAt < b.lastOrderAt ? 1 : a.lastOrderAt > b.lastOrderAt ? -1 : 0) ||
  (a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0);

export const median = (values: readonly number[]): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

// ---------------------------------------------------------------------------------------------
// Best customers: the smallest group that made 80 % of the sales (the 80/20 rule, measured).

export interface RankedBuyer extends Buyer {
  rank: number;
  /** This customer's part of all sales, 0–1. */
  share: number;
  /** This customer's and everyone's above them, 0–1. */
  cumulativeShare: number;
  /** In the smallest group that made at least 80 % of sales. */
  top: boolean;
}

export interface Pareto {
  ranked: RankedBuyer[];
  totalCents: number;
  buyers: number;
  /** How many customers the 80 % group has. */
  topCount: number;
  /** Their part of all buyers, 0–1. */
  topShareOfBuyers: number;
  /** Their part of sales (at least 0.8 when anyone bought), 0–1. */
  topShareOfRevenue: number;
}

/** Ranks buyers by revenue and marks the smallest group whose sales reach 80 % of the total. */
export function paretoOf(buyers: readonly Buyer[]): Pareto {
  const sorted = [...buyers].sort(byRevenue);
  const totalCents = sorted.reduce((sum, b) => sum + b.revenueCents, 0);
  let running = 0;
  let topCount = 0;
  const ranked = sorted.map((b, i): RankedBuyer => {
    // Whether the group before this customer had already reached 80 % (in whole cents: 5 × part ≥ 4 × total).
    const reachedBefore = totalCents > 0 && running * 5 >= totalCents * 4;
    running += b.revenueCents;
    const top = totalCents > 0 && !reachedBefore;
    if (top) topCount = i + 1;
    return { ...b, rank: i + 1, share: totalCents ? b.revenueCents / totalCents : 0, cumulativeShare: totalCents ? running / totalCents : 0, top };
  });
  const topCents = ranked.slice(0, topCount).reduce((sum, b) => sum + b.revenueCents, 0);
  return {
    ranked,
    totalCents,
    buyers: ranked.length,
    topCount,
    topShareOfBuyers: ranked.length ? topCount / ranked.length : 0,
    topShareOfRevenue: totalCents ? topCents / totalCents : 0,
  };
}

/** A whole percentage for people to read ("0.4" → "<1" rather than "0"). */
export const percent = (share: number): string => (share > 0 && share < 0.005 ? '<1' : String(Math.round(share * 100)));

/** "12 customers (8 % of buyers) made 80 % of sales", or what to say when nobody bought. */
export function paretoHeadline(p: Pareto): string {
  if (p.buyers === 0 || p.totalCents === 0) return 'No sales in this period yet.';
  const who = p.topCount === 1 ? '1 customer' : `${p.topCount.toLocaleString('en-CA')} customers`;
  return `${who} (${percent(p.topShareOfBuyers)} % of buyers) made 80 % of sales`;
}

/** The curve's points: share of customers (best first) against their share of sales, in percent; at most ~`points` + 1 of them. */
export function paretoCurve(p: Pareto, points = 100): Array<{ customers: number; revenue: number }> {
  const curve = [{ customers: 0, revenue: 0 }];
  if (p.buyers === 0) return curve;
  const step = Math.max(1, Math.floor(p.buyers / points));
  for (let i = step; i <= p.buyers; i += step) curve.push({ customers: (i / p.buyers) * 100, revenue: p.ranked[i - 1]!.cumulativeShare * 100 });
  if (curve.at(-1)!.customers < 100) curve.push({ customers: 100, revenue: p.ranked.at(-1)!.cumulativeShare * 100 });
  return curve;
}

/** What the best tenth, fifth… of customers made: the table beside the curve. */
export function paretoSteps(
  p: Pareto,
  steps = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
): Array<{ customersPercent: number; customers: number; revenueCents: number; share: number }> {
  if (p.buyers === 0) return [];
  return steps.map((s) => {
    const customers = Math.max(1, Math.round((p.buyers * s) / 100));
    const revenueCents = p.ranked.slice(0, customers).reduce((sum, b) => sum + b.revenueCents, 0);
    return { customersPercent: s, customers, revenueCents, share: p.totalCents ? revenueCents / p.totalCents : 0 };
  });
}

// ---------------------------------------------------------------------------------------------
// Groups by recency, frequency and spend. A shop with a few hundred customers has too few for
// quintiles to mean anything, so the scores are fixed thresholds an owner can check by hand.

export const RFM_GROUPS = ['champions', 'loyal', 'new', 'at-risk', 'occasional', 'lost'] as const;
export type RfmGroup = (typeof RFM_GROUPS)[number];

/** Each group's name and the one-line rule the pages show. The first matching rule wins, in this order. */
export const RFM_RULES: Record<RfmGroup, { label: string; rule: string }> = {
  champions: { label: 'Champions', rule: 'Bought in the last 12 months, 4 or more orders, and spent at least the median customer.' },
  loyal: { label: 'Loyal', rule: 'Bought in the last 12 months and has 2 or more orders (but not a champion).' },
  new: { label: 'New', rule: 'One order, placed in the last 12 months.' },
  'at-risk': { label: 'At risk', rule: 'Last bought 12–24 months ago, and has 2 or more orders or spent at least the median customer.' },
  occasional: { label: 'Occasional', rule: 'One order 12–24 months ago, below the median customer’s spend.' },
  lost: { label: 'Lost', rule: 'No order for more than 24 months.' },
};

/**
 * Recency: 3 = bought within 12 months, 2 = 12–24 months ago, 1 = longer ago.
 * Frequency: 1 = one order, 2 = 2–3 orders, 3 = 4 or more.
 * Spend: high = at least the median of all buyers' totals, low = below it.
 */
export interface RfmScore {
  r: 1 | 2 | 3;
  f: 1 | 2 | 3;
  m: 'high' | 'low';
}

export const rfmScore = (b: Buyer, now: Date, medianCents: number): RfmScore => rfmScorer(now, medianCents)(b);

/** The scoring for one moment and one median (the thresholds worked out once, not per customer). */
function rfmScorer(now: Date, medianCents: number): (b: Buyer) => RfmScore {
  const within12 = monthsBefore(now, 12).toISOString();
  const within24 = monthsBefore(now, 24).toISOString();
  return (b) => ({
    r: b.lastOrderAt >= within12 ? 3 : b.lastOrderAt >= within24 ? 2 : 1,
    f: b.orders >= 4 ? 3 : b.orders >= 2 ? 2 : 1,
    m: b.revenueCents >= medianCents ? 'high' : 'low',
  });
}

/** The group a score falls in (every score falls in exactly one; see RFM_RULES). */
export function rfmGroupOf(s: RfmScore): RfmGroup {
  if (s.r === 3) return s.f === 3 && s.m === 'high' ? 'champions' : s.f >= 2 ? 'loyal' : 'new';
  if (s.r === 2) return s.f >= 2 || s.m === 'high' ? 'at-risk' : 'occasional';
  return 'lost';
}

export interface RfmSummary {
  medianCents: number;
  totalCents: number;
  buyers: number;
  groups: Array<{ group: RfmGroup; customers: number; revenueCents: number }>;
  groupOf: Map<string, RfmGroup>;
}

/** Puts every buyer (all their counted orders) in a group, and sums each group. */
export function rfmGroups(buyers: readonly Buyer[], now: Date): RfmSummary {
  const medianCents = median(buyers.map((b) => b.revenueCents));
  const score = rfmScorer(now, medianCents);
  const groupOf = new Map<string, RfmGroup>();
  const sums = new Map<RfmGroup, { customers: number; revenueCents: number }>(RFM_GROUPS.map((g) => [g, { customers: 0, revenueCents: 0 }]));
  for (const b of buyers) {
    const group = rfmGroupOf(score(b));
    groupOf.set(b.contactId, group);
    const sum = sums.get(group)!;
    sum.customers += 1;
    sum.revenueCents += b.revenueCents;
  }
  return {
    medianCents,
    totalCents: buyers.reduce((sum, b) => sum + b.revenueCents, 0),
    buyers: buyers.length,
    groups: RFM_GROUPS.map((group) => ({ group, ...sums.get(group)! })),
    groupOf,
  };
}

// ---------------------------------------------------------------------------------------------
// Good customers who stopped buying. Bulb customers buy once or twice a year (fall bulbs in
// August–October, spring-planted ones in February–April), so "hasn't bought for a while" must be
// measured against each customer's own rhythm, never a fixed number of days:
//
// 1. Orders placed within 90 days of the first order of a buying season belong to that season
//    (a September order and an October top-up are one fall's buying).
// 2. A customer with one season only (one order, or a few close together) has lapsed 18 months
//    after their last order: a whole season skipped, we cannot know their rhythm yet.
// 3. Otherwise their usual interval is the median time between their orders; when their seasons
//    come about once a year (a median of 270 days or more between seasons) it is the median time
//    between seasons, and at least 365 days — so a fall buyer is not missed in spring.
// 4. Their next order is expected one usual interval after their last. They have lapsed once it
//    is overdue by half their usual interval or by 60 days, whichever comes first — and never
//    sooner than 60 days after their last order (a monthly buyer lapses after about two months,
//    an every-October buyer in mid-December of the year they skip).

export const SEASON_DAYS = 90;
export const YEARLY_FROM_DAYS = 270;
export const GRACE_DAYS = 60;
export const ONE_SEASON_MONTHS = 18;

/** The rule in the words the pages and SEGMENTS.md use. */
export const LAPSE_RULE = [
  'Orders within 90 days of each other count as one buying season (a September order and an October top-up are one fall).',
  'A customer with one season only (one order, or a few close together) has lapsed 18 months after their last order: a whole season skipped.',
  'Otherwise their usual interval is the median time between their orders. When their seasons come about once a year, it is the time between seasons, and never less than a year — so a fall-bulb customer is not counted as lapsed in spring.',
  'Their next order is expected one usual interval after their last. They have lapsed once it is late by half their usual interval or by 60 days, whichever comes first, and never sooner than 60 days after their last order.',
];

export interface Lapse {
  /** Days, rounded; null for a one-season customer. */
  usualIntervalDays: number | null;
  /** They buy about once a year (the interval was floored at a year). */
  yearly: boolean;
  /** When their next order was due (ISO), or null for a one-season customer. */
  expectedBy: string | null;
  /** From when they count as lapsed (ISO). */
  lapsedFrom: string;
  lapsed: boolean;
}

/** The rule in numbers (epoch ms), for order times sorted oldest first. */
export function lapseTimes(times: readonly number[]): { usual: number | null; yearly: boolean; expected: number | null; lapsedFrom: number } {
  if (times.length === 0) throw new Error('lapseTimes needs at least one order');
  const last = times.at(-1)!;
  let seasons = 1;
  let seasonStart = times[0]!;
  const seasonGaps: number[] = [];
  for (const t of times) {
    if (t - seasonStart <= SEASON_DAYS * DAY) continue;
    seasonGaps.push(t - seasonStart);
    seasonStart = t;
    seasons++;
  }
  if (seasons < 2) return { usual: null, yearly: false, expected: null, lapsedFrom: monthsBefore(new Date(last), -ONE_SEASON_MONTHS).getTime() };
  const seasonGap = median(seasonGaps);
  const yearly = seasonGap >= YEARLY_FROM_DAYS * DAY;
  const usual = yearly ? Math.max(seasonGap, 365 * DAY) : median(times.slice(1).map((t, i) => t - times[i]!));
  const expected = last + usual;
  return { usual, yearly, expected, lapsedFrom: Math.max(last + GRACE_DAYS * DAY, expected + Math.min(usual / 2, GRACE_DAYS * DAY)) };
}

/** Whether a customer has stopped buying, from their counted orders' dates (ISO, any order). */
export function lapseOf(orderDates: readonly string[], now: Date): Lapse {
  const l = lapseTimes(orderDates.map((d) => Date.parse(d)).sort((a, b) => a - b));
  return {
    usualIntervalDays: l.usual === null ? null : Math.round(l.usual / DAY),
    yearly: l.yearly,
    expectedBy: l.expected === null ? null : new Date(l.expected).toISOString(),
    lapsedFrom: new Date(l.lapsedFrom).toISOString(),
    lapsed: now.getTime() > l.lapsedFrom,
  };
}
