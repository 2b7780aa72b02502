import { sql, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely';
import type { Services } from '../../core/services.ts';
import { CONTACT_KINDS, type ContactKind, type Database } from '../../core/store/schema.ts';
import { containsPattern, oneOf, searchText } from '../../site/console/query.ts';

// The contacts list and its CSV export: one reading of the query string, one query builder, so
// the download is always exactly the list on screen (every page of it).

export const CONTACTS_PAGE_SIZE = 50;
/** The most rows one CSV download holds; a bigger choice is cut here (and the audit entry says so). */
export const EXPORT_CAP = 100_000;

export const CONTACT_SORTS = ['newest', 'oldest', 'name', 'email'] as const;
export type ContactSort = (typeof CONTACT_SORTS)[number];
export const CONSENT_CHOICES = ['subscribed', 'unsubscribed', 'none'] as const;
export type ConsentChoice = (typeof CONSENT_CHOICES)[number];

/** What the list shows: every field is checked, anything else is left out. */
export interface ContactFilter {
  q?: string | undefined;
  kind?: ContactKind | undefined;
  /** A configured list's id: people signed up to it (any status), or with `consent`, the list that choice is about. */
  list?: string | undefined;
  /** Within `list` when one is chosen, else any list; the three choices never overlap. */
  consent?: ConsentChoice | undefined;
  ordered?: 'yes' | 'no' | undefined;
  tag?: string | undefined;
  sort: ContactSort;
}

/** A tag as stored: trimmed, lower-cased, single spaces; 1–40 letters, digits, spaces or dashes. `undefined` when it is not one. */
export function normalTag(raw: string): string | undefined {
  const tag = raw.trim().toLowerCase().replace(/\s+/g, ' ');
  return /^[\p{L}\p{N} -]{1,40}$/u.test(tag) ? tag : undefined;
}

/** The list's choices from its query string; `lists` are the configured list ids. */
export function readContactFilter(url: URL, lists: readonly string[]): ContactFilter {
  const tag = url.searchParams.get('tag');
  // NUL cannot be stored or compared in PostgreSQL text; no contact has one.
  const q = searchText(url)?.replace(/\0/g, '');
  return {
    q: q || undefined,
    kind: oneOf(url, 'kind', CONTACT_KINDS),
    list: oneOf(url, 'list', lists),
    consent: oneOf(url, 'consent', CONSENT_CHOICES),
    ordered: oneOf(url, 'ordered', ['yes', 'no'] as const),
    tag: tag ? normalTag(tag) : undefined,
    sort: oneOf(url, 'sort', CONTACT_SORTS, 'newest'),
  };
}

/** The choices as a query string (defaults left out), for the download link and quick links. */
export function filterQuery(filter: ContactFilter): string {
  const params = new URLSearchParams();
  for (const name of ['q', 'kind', 'list', 'consent', 'ordered', 'tag'] as const) {
    const value = filter[name];
    if (value) params.set(name, value);
  }
  if (filter.sort !== 'newest') params.set('sort', filter.sort);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The choices in a line, for the audit log (`kind supplier, tag "bulbs"`), or `all contacts`. */
export function describeFilter(filter: ContactFilter): string {
  const parts = [
    filter.q && `search "${filter.q}"`,
    filter.kind && `kind ${filter.kind}`,
    filter.list && `list ${filter.list}`,
    filter.consent && `consent ${filter.consent}`,
    filter.ordered && (filter.ordered === 'yes' ? 'has ordered' : 'never ordered'),
    filter.tag && `tag "${filter.tag}"`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'all contacts';
}

/** Whether the person chose anything at all (the quick links and the empty message say so). */
export const filtered = (filter: ContactFilter) => Boolean(filter.q || filter.kind || filter.list || filter.consent || filter.ordered || filter.tag);

/** What the list's queries need: the store, which one it is, and the configured lists and currency. */
export type ListServices = Pick<Services, 'db' | 'dialect' | 'config'>;

/**
 * The matching contacts, sorted, as a query to page or export. Conditions on subscriptions and
 * orders are `exists` probes on an index by contact, so the database walks the sort's index and
 * stops at the page's end; a tag is looked up by its own index first. Only a search reads every
 * contact (a contains search cannot use an index).
 */
export function matchingContacts(s: ListServices, filter: ContactFilter) {
  let query = s.db
    .selectFrom('contacts')
    .select(['contacts.id', 'contacts.email', 'contacts.name', 'contacts.organisation', 'contacts.kind', 'contacts.created_at'])
    // An erased contact is only an id kept for tax records and consent proofs: nobody to list.
    .where('contacts.erased_at', 'is', null);
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    // PostgreSQL's like minds case, so names are lower-cased there (lower() like is three times
    // faster than ilike); SQLite's like already ignores ASCII case and its lower() folds nothing
    // more, so it would only cost time. Addresses are stored lower-cased.
    const folded = (column: 'name' | 'organisation') =>
      s.dialect === 'postgres' ? sql`lower(${sql.ref(`contacts.${column}`)})` : sql.ref(`contacts.${column}`);
    const contains = (value: RawBuilder<unknown>) => sql<SqlBool>`${value} like ${pattern} escape '\\'`;
    query = query.where((eb) => eb.or([contains(folded('name')), contains(sql.ref('contacts.email')), contains(folded('organisation'))]));
  }
  if (filter.kind) query = query.where('contacts.kind', '=', filter.kind);
  if (filter.tag) {
    const tag = filter.tag;
    query = query.where('contacts.id', 'in', (eb) => eb.selectFrom('contact_tags').select('contact_tags.contact_id').where('contact_tags.tag', '=', tag));
  }
  if (filter.ordered) {
    query = query.where((eb) => {
      const orders = eb.exists(
        eb
          .selectFrom('orders')
          .select(sql`1`.as('one'))
          .whereRef('orders.contact_id', '=', 'contacts.id'),
      );
      return filter.ordered === 'yes' ? orders : eb.not(orders);
    });
  }
  // Subscribed, unsubscribed and none split everyone (within the chosen list, else the configured
  // lists): a confirmed subscription; else one that was ended; else neither (never signed up, or
  // a sign-up still waiting for its confirmation). A list without a consent choice means anyone
  // signed up to it, whatever the status. The list is always named: with the contact, it is the
  // subscriptions' primary key (SQLite without statistics would otherwise probe by status).
  const { consent } = filter;
  const lists = filter.list ? [filter.list] : s.config.crm.lists.map((l) => l.id);
  const signedUp = (eb: ExpressionBuilder<Database, 'contacts'>, statuses?: Array<'confirmed' | 'unsubscribed'>) => {
    let rows = eb
      .selectFrom('list_subscriptions')
      .select(sql`1`.as('one'))
      .whereRef('list_subscriptions.contact_id', '=', 'contacts.id')
      .where('list_subscriptions.list', 'in', lists);
    if (statuses) rows = rows.where('list_subscriptions.status', 'in', statuses);
    return eb.exists(rows);
  };
  if (consent === 'subscribed') query = query.where((eb) => signedUp(eb, ['confirmed']));
  else if (consent === 'unsubscribed') query = query.where((eb) => eb.and([signedUp(eb, ['unsubscribed']), eb.not(signedUp(eb, ['confirmed']))]));
  else if (consent === 'none') query = query.where((eb) => eb.not(signedUp(eb, ['confirmed', 'unsubscribed'])));
  else if (filter.list) query = query.where((eb) => signedUp(eb));

  switch (filter.sort) {
    case 'oldest':
      return query.orderBy('contacts.created_at', 'asc').orderBy('contacts.id', 'asc');
    case 'name':
      return query.orderBy(sql`lower(contacts.name)`).orderBy('contacts.email');
    case 'email':
      return query.orderBy('contacts.email');
    default:
      return query.orderBy('contacts.created_at', 'desc').orderBy('contacts.id', 'desc');
  }
}

export interface ContactRow {
  id: string;
  email: string;
  name: string;
  organisation: string | null;
  kind: ContactKind;
  created_at: string;
}

/** What the list adds to each row, read for the shown ids only. */
export interface RowFacts {
  /** Confirmed and waiting sign-ups (ended ones are left out). */
  lists: Array<{ list: string; status: 'pending' | 'confirmed' }>;
  tags: string[];
  orders: number;
  /** In the shop's currency, without cancelled or returned orders. */
  spentCents: number;
}

/** One page of the list: `limit + 1` rows are read to know whether there is a next page (no count over everything). */
export async function contactsPage(s: ListServices, filter: ContactFilter, page: number): Promise<{ rows: ContactRow[]; more: boolean }> {
  const rows = await matchingContacts(s, filter)
    .limit(CONTACTS_PAGE_SIZE + 1)
    .offset((page - 1) * CONTACTS_PAGE_SIZE)
    .execute();
  return { rows: rows.slice(0, CONTACTS_PAGE_SIZE), more: rows.length > CONTACTS_PAGE_SIZE };
}

/**
 * Lists, tags, orders and spending of these contacts: three queries on indexed contact ids, never
 * an aggregate over the whole table. Spending is in the shop's currency: orders in another (a
 * currency changed since) are counted but not added up.
 */
export async function rowFacts(s: ListServices, ids: readonly string[]): Promise<Map<string, RowFacts>> {
  const { db } = s;
  const currency = s.config.crm.orders.currency;
  const facts = new Map<string, RowFacts>(ids.map((id) => [id, { lists: [], tags: [], orders: 0, spentCents: 0 }]));
  if (ids.length === 0) return facts;
  const [subscriptions, tags, orders] = await Promise.all([
    db.selectFrom('list_subscriptions').select(['contact_id', 'list', 'status']).where('contact_id', 'in', ids).orderBy('list').execute(),
    db.selectFrom('contact_tags').select(['contact_id', 'tag']).where('contact_id', 'in', ids).orderBy('tag').execute(),
    db
      .selectFrom('orders')
      .select((eb) => [
        'contact_id',
        eb.fn.countAll<number | string>().as('n'),
        eb.fn
          .sum<number | string | null>(
            eb
              .case()
              .when(eb.and([eb('status', 'not in', ['cancelled', 'returned']), eb('currency', '=', currency)]))
              .then(eb.ref('total_cents'))
              .else(0)
              .end(),
          )
          .as('spent'),
      ])
      .where('contact_id', 'in', ids)
      .groupBy('contact_id')
      .execute(),
  ]);
  // Filtered here, not in SQL: a status condition would lead SQLite (no statistics) to its status index instead of the contact's rows.
  for (const { contact_id, list, status } of subscriptions) if (status !== 'unsubscribed') facts.get(contact_id)?.lists.push({ list, status });
  for (const t of tags) facts.get(t.contact_id)?.tags.push(t.tag);
  for (const o of orders) {
    const f = facts.get(o.contact_id);
    if (f) {
      f.orders = Number(o.n);
      f.spentCents = Number(o.spent ?? 0);
    }
  }
  return facts;
}

export const EXPORT_HEADER = ['email', 'name', 'organisation', 'kind', 'created_at', 'lists', 'tags', 'orders', 'total_spent'] as const;

/**
 * Every matching contact (up to `EXPORT_CAP`) as CSV rows, in the list's order. Facts are read
 * 500 ids at a time (well under every driver's parameter limit). Lists are the confirmed ones,
 * by id (what an import reads back); the total is in the shop's currency, as a plain number.
 */
export async function exportRows(s: ListServices, filter: ContactFilter): Promise<{ rows: Array<Array<string | number | null>>; truncated: boolean }> {
  const contacts = await matchingContacts(s, filter)
    .limit(EXPORT_CAP + 1)
    .execute();
  const truncated = contacts.length > EXPORT_CAP;
  const rows: Array<Array<string | number | null>> = [];
  for (let start = 0; start < Math.min(contacts.length, EXPORT_CAP); start += 500) {
    const batch = contacts.slice(start, Math.min(start + 500, EXPORT_CAP));
    const facts = await rowFacts(
      s,
      batch.map((c) => c.id),
    );
    for (const c of batch) {
      const f = facts.get(c.id)!;
      rows.push([
        c.email,
        c.name,
        c.organisation,
        c.kind,
        c.created_at,
        f.lists
          .filter((l) => l.status === 'confirmed')
          .map((l) => l.list)
          .join('; '),
        f.tags.join('; '),
        f.orders,
        (f.spentCents / 100).toFixed(2),
      ]);
    }
  }
  return { rows, truncated };
}
