import type { Kysely } from 'kysely';
import type { ContactKind, Database } from '../../core/store/schema.ts';
import { NOT_REVENUE } from './segments.ts';

// The store's side of segments. Every segment needs the same few facts about the orders that
// brought money: who, when, how much. They are read in ONE pass over the orders table (three
// columns) and summed per customer in JS. Measured with 100,000 contacts and 50,000 orders, that
// is several times faster than GROUP BY queries (all time, the period, the dates of repeat
// buyers): without an index that covers (contact_id, created_at, status, total_cents), a
// per-customer GROUP BY walks the orders_contact index and fetches every row by itself, where a
// plain scan reads the table in order.

/** One customer's counted orders, oldest first: dates (ISO) and totals (cents), in step. */
export interface OrderHistory {
  dates: string[];
  cents: number[];
}

export interface OrderFacts {
  byContact: Map<string, OrderHistory>;
  /** False when the shop has more orders than MAX_ORDER_ROWS: only the most recent were read. */
  complete: boolean;
}

/** More orders than this are not read at once (the most recent are); a shop this size needs a report of its own. */
export const MAX_ORDER_ROWS = 500_000;

/** The counted orders of every customer, grouped by customer. */
export async function readOrderFacts(db: Kysely<Database>, max = MAX_ORDER_ROWS): Promise<OrderFacts> {
  const counted = db
    .selectFrom('orders')
    .select(['contact_id', 'created_at', 'total_cents'])
    .where('status', 'not in', [...NOT_REVENUE]);
  let rows = await counted.limit(max + 1).execute();
  const complete = rows.length <= max;
  // Past the bound, the newest orders (by the created_at index): histories are cut at their old end, never in the middle.
  if (!complete) rows = await counted.orderBy('created_at', 'desc').limit(max).execute();
  // Plain loops: this runs over every counted order, so it is kept to a Map lookup and two pushes each.
  const byContact = new Map<string, OrderHistory>();
  for (const r of rows) {
    const history = byContact.get(r.contact_id);
    if (history === undefined) byContact.set(r.contact_id, { dates: [r.created_at], cents: [Number(r.total_cents)] });
    else {
      history.dates.push(r.created_at);
      history.cents.push(Number(r.total_cents));
    }
  }
  // A table scan gives orders mostly as they were placed; the few histories out of date order are sorted (ISO dates sort as text).
  for (const history of byContact.values()) {
    const { dates, cents } = history;
    let sorted = true;
    for (let i = 1; i < dates.length && sorted; i++) sorted = dates[i - 1]! <= dates[i]!;
    if (sorted) continue;
    const order = dates.map((_, i) => i).sort((a, b) => (dates[a]! < dates[b]! ? -1 : dates[a]! > dates[b]! ? 1 : 0));
    history.dates = order.map((i) => dates[i]!);
    history.cents = order.map((i) => cents[i]!);
  }
  return { byContact, complete };
}

/** How long one read of the orders serves every segment page and the Today figure. */
export const FRESH_MS = 60_000;
const recent = new WeakMap<Kysely<Database>, { until: number; facts: Promise<OrderFacts> }>();

/**
 * The order facts, read at most once a minute per store and shared by the requests in between:
 * the Today page, the overview, a list and its download are often opened within seconds of each
 * other, and a segment a minute old is as good as a fresh one. A failed read is not kept.
 */
export function recentOrderFacts(db: Kysely<Database>): Promise<OrderFacts> {
  const hit = recent.get(db);
  if (hit && hit.until > Date.now()) return hit.facts;
  const entry = { until: Date.now() + FRESH_MS, facts: readOrderFacts(db) };
  recent.set(db, entry);
  entry.facts.catch(() => {
    if (recent.get(db) === entry) recent.delete(db);
  });
  return entry.facts;
}

export interface ContactLine {
  id: string;
  name: string;
  email: string;
  organisation: string | null;
  kind: ContactKind;
}

/** Names and addresses of these contacts, by id (for the rows shown or exported; asked in batches). */
export async function contactLines(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, ContactLine>> {
  const found = new Map<string, ContactLine>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('contacts')
      .select(['id', 'name', 'email', 'organisation', 'kind'])
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) found.set(r.id, r);
  }
  return found;
}

/** Contacts of one kind (suppliers, partners, investors), by name: `size` of them from `offset`, and one more to tell whether there are. */
export async function contactsOfKind(
  db: Kysely<Database>,
  kind: ContactKind,
  window: { offset: number; size: number },
): Promise<Array<ContactLine & { created_at: string }>> {
  return db
    .selectFrom('contacts')
    .select(['id', 'name', 'email', 'organisation', 'kind', 'created_at'])
    .where('kind', '=', kind)
    .where('erased_at', 'is', null)
    .orderBy('name')
    .orderBy('email')
    .limit(window.size + 1)
    .offset(window.offset)
    .execute();
}
