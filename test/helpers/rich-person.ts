import { randomUUID } from 'node:crypto';
import type { z } from 'astro/zod';
import type { RapportConfig } from '../../integrations/rapport/config/schema.ts';
import type { FormEndpoint, FormRequest } from '../../integrations/rapport/core/forms/endpoint.ts';
import { recordDeliveryEvent } from '../../integrations/rapport/core/mail/delivery-events.ts';
import { createSession } from '../../integrations/rapport/core/security/sessions.ts';
import type { Services } from '../../integrations/rapport/core/services.ts';
import { recordAudit } from '../../integrations/rapport/core/store/audit.ts';
import type { Store } from '../../integrations/rapport/core/store/open-store.ts';
import { registerEndpoint } from '../../integrations/rapport/features/accounts/register.ts';
import { changeTag } from '../../integrations/rapport/features/console/contact-page.ts';
import { setMessageStatus } from '../../integrations/rapport/features/contact/inbox.ts';
import { contactEndpoint } from '../../integrations/rapport/features/contact/message.ts';
import { askEndpoint } from '../../integrations/rapport/features/faq/ask.ts';
import { confirmEndpoint, subscribeEndpoint } from '../../integrations/rapport/features/newsletter/subscribe.ts';
import { catalogOf } from '../../integrations/rapport/features/orders/catalog.ts';
import { shipOrder } from '../../integrations/rapport/features/orders/fulfil.ts';
import { orderEndpoint } from '../../integrations/rapport/features/orders/place-order.ts';
import { personalDeclarations } from '../../integrations/rapport/features/privacy/personal-declarations.ts';
import { createServices } from '../../integrations/rapport/server/services.ts';

export const SECRET = 's'.repeat(40);

/** The services a server would hand its forms, on this store, at the test's time; with a one-product catalogue. */
export function testServices(store: Store, config: RapportConfig, clock: () => Date, secretFile: string): Services {
  const s = createServices(store, {
    config,
    site: 'https://shop.example',
    secret: SECRET,
    secretFile,
    privacyVersion: '2026-11-25+test',
    clock,
    log: () => {},
  });
  s.catalog = catalogOf([
    {
      sku: 'TUL-RED',
      name: 'Red tulips',
      unit: '10 bulbs',
      priceCents: 1500,
      currency: 'CAD',
      grams: 400,
      availability: 'in_stock',
      category: 'Tulips',
      path: '/products/tul-red/',
      featured: false,
    },
  ]);
  return s;
}

const REQUEST: FormRequest = { ip: '203.0.113.9', cookies: {}, secure: true, query: new URLSearchParams() };

/** A form post as the server would handle it once the form was read: the raw values parsed by the form's own schema. */
export async function post<S extends z.ZodObject>(s: Services, endpoint: FormEndpoint<S>, raw: Record<string, unknown>) {
  const data = endpoint.form(s.config, s).schema.parse(raw);
  const outcome = await endpoint.handle(data, s, REQUEST);
  if (outcome.kind === 'invalid') throw new Error(`${endpoint.path} refused the post: ${JSON.stringify(outcome.state.errors)} ${outcome.state.message ?? ''}`);
  return outcome;
}

/** Who a test person is, with the things they typed that must not outlive an erasure. */
export interface PersonDetails {
  name: string;
  email: string;
  organisation: string;
  phone: string;
  street: string;
  postal: string;
  /** A phrase only their contact message holds. */
  message: string;
  /** A phrase only their private FAQ details hold. */
  details: string;
  /** The question of theirs that gets published (it names nobody). */
  publishedQuestion: string;
}

export interface Staff {
  accountId: string;
  email: string;
}

/**
 * Someone who did everything the site offers, through the forms and staff tools where they exist:
 * an account and a session, a confirmed subscription, an order that was shipped, a contact message
 * staff answered, two FAQ questions (one published), a tag, a newsletter sent to them with a click,
 * an audit entry about them, a privacy request, and finally a bounce that suppressed their address.
 */
export async function richPerson(store: Store, s: Services, p: PersonDetails, staff: Staff, campaignId: string): Promise<string> {
  const db = store.db;
  const now = () => s.clock();
  await post(s, registerEndpoint, { name: p.name, email: p.email, organisation: p.organisation, kind: 'customer' });
  const contact = await db.selectFrom('contacts').select('id').where('email', '=', p.email.toLowerCase()).executeTakeFirstOrThrow();
  const account = await db.selectFrom('accounts').select('id').where('contact_id', '=', contact.id).executeTakeFirstOrThrow();
  await createSession(db, account.id, s.clock);

  await post(s, subscribeEndpoint, { email: p.email, name: p.name, lists: [s.config.crm.lists[0]!.id] });
  const confirmation = await db
    .selectFrom('mail_outbox')
    .select('text_body')
    .where('to_address', '=', p.email.toLowerCase())
    .where('subject', 'like', 'Confirm your subscription%')
    .executeTakeFirstOrThrow();
  const token = /[?&]token=([A-Za-z0-9_-]+)/.exec(confirmation.text_body)![1]!;
  await post(s, confirmEndpoint, { token });

  const placed = await post(s, orderEndpoint, {
    ['qty_TUL-RED']: '3',
    name: p.name,
    email: p.email,
    phone: p.phone,
    organisation: p.organisation,
    street: p.street,
    street2: 'Unit 4',
    city: 'Lacombe',
    region: 'CA-AB',
    postal: p.postal,
    shipping: 'standard',
    payment: 'purchase-order',
    po_number: `PO-${p.postal.replace(/\W/g, '')}`,
    note: `Leave it by ${p.name}'s shed`,
    order_key: randomUUID().replace(/-/g, ''),
  });
  const number = /\/orders\/([^?]+)/.exec(placed.kind === 'redirect' ? placed.location : '')![1]!;
  await shipOrder(s, number, '1Z999AA10123456784', { carrier: 'ups', actor: `staff:${staff.email}` });

  await post(s, contactEndpoint, { name: p.name, email: p.email, organisation: p.organisation, kind: 'customer', subject: 'Heavy clay', message: p.message });
  const enquiry = await db.selectFrom('activities').select('id').where('contact_id', '=', contact.id).where('type', '=', 'enquiry').executeTakeFirstOrThrow();
  const handled = await setMessageStatus(db, enquiry.id, 'answered', staff.accountId, now());
  for (const entry of handled!.audit) await recordAudit(db, staff, entry, now());

  await post(s, askEndpoint, { question: p.publishedQuestion, details: p.details, name: p.name, email: p.email });
  await post(s, askEndpoint, { question: 'Can bulbs stay in pots over the winter here?', name: p.name, email: p.email });
  await db
    .updateTable('faq_questions')
    .set({ status: 'published', entry_slug: `q-${contact.id.slice(0, 8)}`, updated_at: now().toISOString() })
    .where('contact_id', '=', contact.id)
    .where('question', '=', p.publishedQuestion)
    .execute();
  const question = await db.selectFrom('faq_questions').select('id').where('question', '=', p.publishedQuestion).executeTakeFirstOrThrow();
  await db
    .insertInto('faq_question_events')
    .values({ id: randomUUID(), question_id: question.id, status: 'published', note: null, created_at: now().toISOString() })
    .execute();

  const form = new FormData();
  form.set('intent', 'tag-add');
  form.set('tag', 'wholesale');
  await changeTag(db, contact.id, form, now());
  await recordAudit(
    db,
    staff,
    {
      action: 'contact.update',
      subject: { type: 'contact', id: contact.id },
      summary: `Changed the organisation of ${p.email.toLowerCase()}`,
      data: { organisation: { from: null, to: p.organisation } },
    },
    now(),
  );

  const ref = randomUUID().replace(/-/g, '').slice(0, 24);
  await db
    .insertInto('campaign_recipients')
    .values({
      campaign_id: campaignId,
      contact_id: contact.id,
      ref,
      email: p.email.toLowerCase(),
      list: s.config.crm.lists[0]!.id,
      status: 'queued',
      skip_reason: null,
      outbox_id: null,
      queued_at: now().toISOString(),
    })
    .execute();
  await db
    .insertInto('campaign_reader_events')
    .values({ id: randomUUID(), campaign_id: campaignId, ref, link_id: null, created_at: now().toISOString() })
    .execute();

  await db
    .insertInto('privacy_requests')
    .values({
      id: randomUUID(),
      contact_id: contact.id,
      kind: 'access',
      via: 'account',
      status: 'done',
      created_at: now().toISOString(),
      due_at: now().toISOString(),
      done_at: now().toISOString(),
      note: null,
    })
    .execute();

  // What the loyalty features keep about a customer (issue 23), where the site's options turn them on.
  const declared = new Set(personalDeclarations(s.config).flatMap((d) => d.tables));
  const at = now().toISOString();
  if (declared.has('wish_list_items')) await db.insertInto('wish_list_items').values({ contact_id: contact.id, sku: 'TUL-QON-10', created_at: at }).execute();
  if (declared.has('stock_requests'))
    await db
      .insertInto('stock_requests')
      .values({
        id: randomUUID(),
        contact_id: contact.id,
        sku: 'LIL-MAR-3',
        status: 'confirmed',
        language: 'en-CA',
        created_at: at,
        expires_at: null,
        confirmed_at: at,
        notified_at: null,
      })
      .execute();
  if (declared.has('reorder_reminders'))
    await db
      .insertInto('reorder_reminders')
      .values({ contact_id: contact.id, season: 'fall-bulbs:2026', status: 'sent', skus: '["TUL-QON-10"]', created_at: at })
      .execute();
  if (declared.has('care_reminders'))
    await db
      .insertInto('care_reminders')
      .values({
        id: randomUUID(),
        contact_id: contact.id,
        subject: 'product:DAH-CAL-1',
        what: 'Lift before hard frost',
        care_month: 9,
        care_day: 25,
        country: 'CA',
        region: 'AB',
        status: 'active',
        language: 'en-CA',
        created_at: at,
        expires_at: null,
        confirmed_at: at,
        due_at: at,
        due_day: at.slice(0, 10),
        last_sent_at: null,
        ended_at: null,
      })
      .execute();
  if (declared.has('winback_notes'))
    await db
      .insertInto('winback_notes')
      .values({
        id: randomUUID(),
        contact_id: contact.id,
        sent_by: staff.accountId,
        language: 'en-CA',
        subject: 'We miss you at the farm',
        outbox_id: null,
        created_at: at,
      })
      .execute();

  // Last: a suppressed address gets no more of the mail above.
  const sent = await db.selectFrom('mail_outbox').select('id').where('to_address', '=', p.email.toLowerCase()).executeTakeFirstOrThrow();
  await recordDeliveryEvent(
    db,
    { email: p.email, kind: 'hard-bounce', source: 'dsn', outboxId: sent.id, detail: `550 5.1.1 <${p.email.toLowerCase()}>: no such user` },
    { clock: s.clock },
  );
  return contact.id;
}

/** A campaign that has been sent, for recipients to be added to. */
export async function sentCampaign(store: Store, at: Date, finishedAt: string | null = at.toISOString()): Promise<string> {
  const id = randomUUID();
  await store.db
    .insertInto('campaigns')
    .values({
      id,
      issue_slug: `issue-${id.slice(0, 6)}`,
      subject: 'Autumn planting',
      lists: JSON.stringify(['news']),
      status: finishedAt ? 'sent' : 'sending',
      send_at: at.toISOString(),
      form_key: randomUUID(),
      created_by: null,
      created_by_email: 'owner@shop.example',
      created_at: at.toISOString(),
      started_at: at.toISOString(),
      finished_at: finishedAt,
      template_id: null,
      recipients: 2,
      rate_per_minute: 0,
      next_batch_at: at.toISOString(),
    })
    .execute();
  return id;
}
