import type { Kysely } from 'kysely';
import type { RapportConfig } from '../../config/schema.ts';
import { CONTACT_KINDS, type ContactKind, type Database } from '../../core/store/schema.ts';
import type { ActionResult } from '../../site/console/staff-page.ts';
import { normalTag } from './contacts.ts';

export const ORGANISATION_MAX = 200;
export const NOTES_MAX = 5000;
export const TAGS_MAX = 50;
/** The orders a contact's page lists, newest first. */
export const ORDERS_SHOWN = 100;

export const KIND_LABELS: Record<ContactKind, string> = {
  customer: 'Customer',
  prospect: 'Prospect',
  supplier: 'Supplier',
  partner: 'Partner',
  investor: 'Investor',
};

export const contactPath = (id: string) => `/admin/crm/contacts/${encodeURIComponent(id)}`;

/** What a contact's page shows besides its timeline, or `undefined` for an unknown id. */
export async function readContact(db: Kysely<Database>, id: string, config: RapportConfig) {
  // Ids are UUIDs; anything far from one (or with a NUL, which PostgreSQL cannot compare) is no contact.
  if (id.length > 100 || id.includes('\0')) return undefined;
  const contact = await db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!contact) return undefined;
  const [account, tags, subscriptions, orders] = await Promise.all([
    db.selectFrom('accounts').select(['id', 'role', 'created_at']).where('contact_id', '=', id).executeTakeFirst(),
    db.selectFrom('contact_tags').select('tag').where('contact_id', '=', id).orderBy('tag').execute(),
    db.selectFrom('list_subscriptions').select(['list', 'status', 'created_at', 'confirmed_at', 'updated_at']).where('contact_id', '=', id).execute(),
    db
      .selectFrom('orders')
      .select(['number', 'created_at', 'status', 'total_cents', 'currency'])
      .where('contact_id', '=', id)
      .orderBy('created_at', 'desc')
      .limit(ORDERS_SHOWN + 1)
      .execute(),
  ]);
  // Every configured list, signed up or not, then any sign-up to a list no longer offered.
  const configured = config.crm.lists.map((l) => ({ id: l.id, label: l.label, subscription: subscriptions.find((s) => s.list === l.id) }));
  const retired = subscriptions.filter((s) => !config.crm.lists.some((l) => l.id === s.list)).map((s) => ({ id: s.list, label: s.list, subscription: s }));
  return {
    contact,
    account,
    tags: tags.map((t) => t.tag),
    lists: [...configured, ...retired],
    orders: orders.slice(0, ORDERS_SHOWN),
    moreOrders: orders.length > ORDERS_SHOWN,
  };
}

/** A text field: one kind of line break, no control characters (PostgreSQL refuses NUL outright), trimmed. */
const field = (form: FormData, name: string) =>
  String(form.get(name) ?? '')
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .trim();

/** The edit form: kind, organisation and notes. Only what changed is written and recorded (old and new values). */
export async function updateContact(trx: Kysely<Database>, id: string, form: FormData, now: Date): Promise<ActionResult> {
  const kind = field(form, 'kind');
  if (!(CONTACT_KINDS as readonly string[]).includes(kind)) return { error: 'Choose what kind of contact this is.' };
  const organisation = field(form, 'organisation').replace(/\s+/g, ' ');
  if (organisation.length > ORGANISATION_MAX) return { error: `Keep the organisation under ${ORGANISATION_MAX} characters.` };
  const notes = field(form, 'notes');
  if (notes.length > NOTES_MAX) return { error: `Keep the notes under ${NOTES_MAX.toLocaleString('en-CA')} characters.` };
  const old = await trx.selectFrom('contacts').select(['email', 'kind', 'organisation', 'notes']).where('id', '=', id).executeTakeFirst();
  if (!old) return { error: 'This contact does not exist (any more).', status: 404 };

  const wanted = { kind: kind as ContactKind, organisation: organisation || null, notes: notes || null };
  const changed = (Object.keys(wanted) as Array<keyof typeof wanted>).filter((k) => (old[k] ?? null) !== wanted[k]);
  if (changed.length === 0) return { redirect: `${contactPath(id)}?done=unchanged`, audit: [] };
  const before = Object.fromEntries(changed.map((k) => [k, old[k] ?? null]));
  const after = Object.fromEntries(changed.map((k) => [k, wanted[k]]));
  await trx
    .updateTable('contacts')
    .set({ ...after, updated_at: now.toISOString() })
    .where('id', '=', id)
    .execute();
  return {
    redirect: `${contactPath(id)}?done=saved`,
    audit: {
      action: 'contact.update',
      subject: { type: 'contact', id },
      summary: `Changed the ${changed.join(', ')} of ${old.email}`,
      data: { old: before, new: after },
    },
  };
}

/** Adds or removes one tag (`intent` tag-add or tag-remove). */
export async function changeTag(trx: Kysely<Database>, id: string, form: FormData, now: Date): Promise<ActionResult> {
  const adding = form.get('intent') === 'tag-add';
  const tag = normalTag(String(form.get('tag') ?? ''));
  if (!tag) return { error: 'A tag is 1 to 40 letters, digits, spaces or dashes.' };
  const contact = await trx.selectFrom('contacts').select('email').where('id', '=', id).executeTakeFirst();
  if (!contact) return { error: 'This contact does not exist (any more).', status: 404 };
  const tags = await trx.selectFrom('contact_tags').select('tag').where('contact_id', '=', id).execute();
  const has = tags.some((t) => t.tag === tag);
  if (adding) {
    if (has) return { redirect: `${contactPath(id)}?done=tagged-already`, audit: [] };
    if (tags.length >= TAGS_MAX) return { error: `A contact can have at most ${TAGS_MAX} tags; remove one first.`, status: 409 };
    await trx
      .insertInto('contact_tags')
      .values({ contact_id: id, tag, created_at: now.toISOString() })
      .onConflict((oc) => oc.columns(['contact_id', 'tag']).doNothing())
      .execute();
    return {
      redirect: `${contactPath(id)}?done=tagged`,
      audit: { action: 'contact.tag', subject: { type: 'contact', id }, summary: `Tagged ${contact.email} “${tag}”`, data: { tag } },
    };
  }
  if (!has) return { error: `This contact has no tag “${tag}” (any more).`, status: 404 };
  await trx.deleteFrom('contact_tags').where('contact_id', '=', id).where('tag', '=', tag).execute();
  return {
    redirect: `${contactPath(id)}?done=untagged`,
    audit: { action: 'contact.untag', subject: { type: 'contact', id }, summary: `Removed the tag “${tag}” from ${contact.email}`, data: { tag } },
  };
}
