import type { Kysely } from 'kysely';
import type { ContactKind, Database } from '../../core/store/schema.ts';
import { contactLines, contactsOfKind, recentOrderFacts, type ContactLine, type OrderFacts } from './segment-data.ts';
import {
  buyersFrom,
  GRACE_DAYS,
  lapseTimes,
  byRevenue,
  lapseOf,
  LAPSE_RULE,
  paretoOf,
  periodStart,
  PERIOD_LABELS,
  RFM_GROUPS,
  RFM_RULES,
  rfmGroups,
  type Buyer,
  type Lapse,
  type Pareto,
  type Period,
  type RfmGroup,
  type RfmSummary,
} from './segments.ts';

// What the segment pages and their CSV exports list: which segments exist, who is in each and
// the figures that explain why.

export const SEGMENT_PAGE_SIZE = 50;
const DAY = 86_400_000;

const KIND_SEGMENTS = { suppliers: 'supplier', partners: 'partner', investors: 'investor' } as const satisfies Record<string, ContactKind>;
type KindSegment = keyof typeof KIND_SEGMENTS;

export type SegmentId = 'best' | 'lapsed' | `rfm-${RfmGroup}` | KindSegment;

export interface SegmentInfo {
  id: SegmentId;
  title: string;
  /** Why someone is on the list, in a line. */
  rule: string;
  /** Whether the list is of buyers (with their order figures) or of one kind of contact. */
  type: 'best' | 'rfm' | 'lapsed' | 'kind';
}

export const SEGMENTS: SegmentInfo[] = [
  {
    id: 'best',
    title: 'Best customers',
    rule: 'The smallest group of customers who together made at least 80 % of sales in the period, biggest first.',
    type: 'best',
  },
  ...RFM_GROUPS.map((g): SegmentInfo => ({ id: `rfm-${g}`, title: RFM_RULES[g].label, rule: RFM_RULES[g].rule, type: 'rfm' })),
  { id: 'lapsed', title: 'Good customers who stopped buying', rule: LAPSE_RULE.join(' '), type: 'lapsed' },
  { id: 'suppliers', title: 'Suppliers', rule: 'Contacts marked as suppliers.', type: 'kind' },
  { id: 'partners', title: 'Partners', rule: 'Contacts marked as partners.', type: 'kind' },
  { id: 'investors', title: 'Investors', rule: 'Contacts marked as investors.', type: 'kind' },
];

/** The segment with this id, or undefined (a 404). */
export const segmentById = (id: string | undefined): SegmentInfo | undefined => SEGMENTS.find((s) => s.id === id);

/** One person on a list, with the figures that put them there. */
export interface SegmentRow {
  contact: ContactLine;
  /** When the contact was added (contact lists). */
  addedAt?: string;
  buyer?: RankedFigures;
  lapse?: Lapse;
}

export interface RankedFigures extends Buyer {
  /** Part of the period's sales (best customers), 0–1. */
  share?: number;
  cumulativeShare?: number;
}

export interface SegmentOverview {
  pareto: Pareto;
  rfm: RfmSummary;
  lapsedCount: number;
  lapsedCents: number;
  complete: boolean;
  periodLabel: string;
}

/** Everything the overview shows, from one read of the orders. */
export async function segmentOverview(db: Kysely<Database>, now: Date, period: Period): Promise<SegmentOverview> {
  const facts = await recentOrderFacts(db);
  return remembered(facts, `overview:${period}`, now, () => overviewOf(facts, now, period));
}

function overviewOf(facts: OrderFacts, now: Date, period: Period): SegmentOverview {
  const all = buyersFrom(facts.byContact);
  const since = periodStart(period, now);
  const lapsed = lapsedBuyers(facts, now);
  return {
    pareto: paretoOf(since ? buyersFrom(facts.byContact, since) : all),
    rfm: rfmGroups(all, now),
    lapsedCount: lapsed.length,
    lapsedCents: lapsed.reduce((sum, r) => sum + r.buyer.revenueCents, 0),
    complete: facts.complete,
    periodLabel: PERIOD_LABELS[period],
  };
}

/**
 * What was worked out from one read of the orders, by name and day: the segments change when the
 * orders are read again (once a minute at most) or the day turns, so the Today page, the
 * overview and the lists, opened often, work them out once in between.
 */
function remembered<T>(facts: OrderFacts, name: string, now: Date, work: () => T): T {
  const key = `${name}:${now.toISOString().slice(0, 10)}`;
  let known = memo.get(facts);
  if (!known) memo.set(facts, (known = new Map()));
  if (!known.has(key)) known.set(key, work());
  return known.get(key) as T;
}
const memo = new WeakMap<OrderFacts, Map<string, unknown>>();

/** Customers who stopped buying, best first, with their rhythm (the same on a given day for one read of the orders). */
function lapsedBuyers(facts: OrderFacts, now: Date): Array<{ buyer: Buyer; lapse: Lapse }> {
  return remembered(facts, 'lapsed', now, () => findLapsed(facts, buyersFrom(facts.byContact), now));
}

function findLapsed(facts: OrderFacts, buyers: readonly Buyer[], now: Date): Array<{ buyer: Buyer; lapse: Lapse }> {
  const rows: Array<{ buyer: Buyer; lapse: Lapse }> = [];
  const at = now.getTime();
  // Only a customer whose last order is over 60 days old can have lapsed: recent buyers are ruled out without working out their rhythm.
  const recent = new Date(at - GRACE_DAYS * DAY).toISOString();
  for (const buyer of buyers) {
    if (buyer.lastOrderAt >= recent) continue;
    const { dates } = facts.byContact.get(buyer.contactId)!;
    if (at > lapseTimes(dates.map((d) => Date.parse(d))).lapsedFrom) rows.push({ buyer, lapse: lapseOf(dates, now) });
  }
  return rows.sort((a, b) => byRevenue(a.buyer, b.buyer));
}

/** How many customers stopped buying (the Today page's figure). */
export async function lapsedCount(db: Kysely<Database>, now: Date): Promise<number> {
  const facts = await recentOrderFacts(db);
  return lapsedBuyers(facts, now).length;
}

type Member = Omit<SegmentRow, 'contact'> & { id: string };

/** Members of a buyer segment, in list order, with their figures (no names yet). */
async function buyerMembers(db: Kysely<Database>, segment: SegmentInfo, now: Date, period: Period): Promise<{ rows: Member[]; complete: boolean }> {
  const facts = await recentOrderFacts(db);
  if (segment.type === 'best') {
    const pareto = paretoOf(buyersFrom(facts.byContact, periodStart(period, now)));
    return { rows: pareto.ranked.filter((b) => b.top).map((b) => ({ id: b.contactId, buyer: b })), complete: facts.complete };
  }
  const all = buyersFrom(facts.byContact);
  if (segment.type === 'rfm') {
    const { groupOf } = rfmGroups(all, now);
    const group = segment.id.slice('rfm-'.length) as RfmGroup;
    const rows = all
      .filter((b) => groupOf.get(b.contactId) === group)
      .sort(byRevenue)
      .map((b) => ({ id: b.contactId, buyer: b }));
    return { rows, complete: facts.complete };
  }
  return { rows: lapsedBuyers(facts, now).map((r) => ({ id: r.buyer.contactId, buyer: r.buyer, lapse: r.lapse })), complete: facts.complete };
}

/** Fills in who each member is (a member whose contact has gone is left out). */
async function named(db: Kysely<Database>, members: readonly Member[]): Promise<SegmentRow[]> {
  const lines = await contactLines(
    db,
    members.map((m) => m.id),
  );
  return members.flatMap(({ id, ...rest }) => {
    const contact = lines.get(id);
    return contact ? [{ contact, ...rest }] : [];
  });
}

export interface SegmentPage {
  rows: SegmentRow[];
  more: boolean;
  /** How many are on the list; unknown for contact lists (not counted on every view). */
  total: number | undefined;
  complete: boolean;
}

/** One page of a segment's list. */
export async function segmentPage(db: Kysely<Database>, segment: SegmentInfo, now: Date, period: Period, page: number): Promise<SegmentPage> {
  const offset = (page - 1) * SEGMENT_PAGE_SIZE;
  if (segment.type === 'kind') {
    const rows = await contactsOfKind(db, KIND_SEGMENTS[segment.id as KindSegment], { offset, size: SEGMENT_PAGE_SIZE });
    return {
      rows: rows.slice(0, SEGMENT_PAGE_SIZE).map(({ created_at, ...contact }) => ({ contact, addedAt: created_at })),
      more: rows.length > SEGMENT_PAGE_SIZE,
      total: undefined,
      complete: true,
    };
  }
  const { rows, complete } = await buyerMembers(db, segment, now, period);
  return {
    rows: await named(db, rows.slice(offset, offset + SEGMENT_PAGE_SIZE)),
    more: rows.length > offset + SEGMENT_PAGE_SIZE,
    total: rows.length,
    complete,
  };
}

/** The most contacts of one kind a CSV holds (buyer lists are bounded by the orders). */
export const KIND_EXPORT_CAP = 50_000;

/** A segment's whole list, for its CSV export. */
export async function segmentAll(db: Kysely<Database>, segment: SegmentInfo, now: Date, period: Period): Promise<SegmentRow[]> {
  if (segment.type === 'kind')
    return (await contactsOfKind(db, KIND_SEGMENTS[segment.id as KindSegment], { offset: 0, size: KIND_EXPORT_CAP }))
      .slice(0, KIND_EXPORT_CAP)
      .map(({ created_at, ...contact }) => ({ contact, addedAt: created_at }));
  return named(db, (await buyerMembers(db, segment, now, period)).rows);
}

/**
 * Who is in a segment now, by contact id: what a campaign to a segment sends to (with the
 * consent of its lists). The best customers are those of the last 12 months, as the segment page
 * shows them first.
 */
export async function segmentMemberIds(db: Kysely<Database>, id: string, now: Date): Promise<Set<string> | undefined> {
  const segment = segmentById(id);
  if (!segment) return undefined;
  if (segment.type === 'kind')
    return new Set((await contactsOfKind(db, KIND_SEGMENTS[segment.id as KindSegment], { offset: 0, size: KIND_EXPORT_CAP })).map((c) => c.id));
  return new Set((await buyerMembers(db, segment, now, '12')).rows.map((m) => m.id));
}
