import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { appendConsent, systemClock, type Clock } from '../store/contacts.ts';
import type { Database, MailEventKind, SuppressionReason } from '../store/schema.ts';
import { recordActivity } from '../store/timeline.ts';

/** Soft bounces (mailbox full, server busy) within `SOFT_BOUNCE_WINDOW_MS` that stop list mail to an address. */
export const SOFT_BOUNCE_LIMIT = 3;
export const SOFT_BOUNCE_WINDOW_MS = 30 * 86_400_000;

/** One delivery outcome learnt from the mail server, a report or a sending service's webhook. */
export interface DeliveryEvent {
  email: string;
  kind: MailEventKind;
  /** Where it was learnt: `smtp`, `dsn`, `arf`, `mailgun`, `sendgrid`. */
  source: string;
  /** The outbox message it is about, when the report names it (its Message-ID). */
  outboxId?: string | null | undefined;
  /** The server's words (`550 5.1.1 no such user`), for staff. */
  detail?: string | null | undefined;
}

/** Why an address is suppressed, when it is. */
export async function suppressionOf(db: Kysely<Database>, email: string): Promise<SuppressionReason | undefined> {
  const row = await db.selectFrom('mail_suppressions').select('reason').where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
  return row?.reason;
}

/**
 * Records a delivery event and what follows from it, in the caller's transaction:
 * - a hard bounce suppresses the address (no list mail again; transactional mail it asks for still goes);
 * - the `SOFT_BOUNCE_LIMIT`th soft bounce within 30 days suppresses it too;
 * - a complaint (someone pressed "this is spam") suppresses it and unsubscribes the contact from
 *   every list, each withdrawal in the consent ledger.
 * Each event goes on the contact's timeline when the address belongs to a contact. An event seen
 * twice (a webhook retried, the same report read again) is recorded once: same address, kind,
 * source and message.
 */
export async function recordDeliveryEvent(
  trx: Kysely<Database>,
  event: DeliveryEvent,
  options: { clock?: Clock; privacyVersion?: string } = {},
): Promise<{ recorded: boolean; suppressed?: SuppressionReason }> {
  const clock = options.clock ?? systemClock;
  const now = clock().toISOString();
  const email = event.email.trim().toLowerCase();
  const outboxId = event.outboxId ?? null;
  if (outboxId) {
    const seen = await trx
      .selectFrom('mail_events')
      .select('id')
      .where('email', '=', email)
      .where('kind', '=', event.kind)
      .where('source', '=', event.source)
      .where('outbox_id', '=', outboxId)
      .executeTakeFirst();
    if (seen) return { recorded: false };
  }
  const detail = event.detail ? event.detail.slice(0, 1000) : null;
  await trx
    .insertInto('mail_events')
    .values({ id: randomUUID(), email, kind: event.kind, source: event.source, outbox_id: outboxId, detail, created_at: now })
    .execute();

  let reason: SuppressionReason | undefined;
  if (event.kind === 'hard-bounce') reason = 'bounced';
  else if (event.kind === 'complaint') reason = 'complained';
  else {
    const since = new Date(clock().getTime() - SOFT_BOUNCE_WINDOW_MS).toISOString();
    const soft = await trx
      .selectFrom('mail_events')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('email', '=', email)
      .where('kind', '=', 'soft-bounce')
      .where('created_at', '>=', since)
      .executeTakeFirstOrThrow();
    if (Number(soft.n) >= SOFT_BOUNCE_LIMIT) reason = 'soft-bounces';
  }
  if (reason) {
    await trx
      .insertInto('mail_suppressions')
      .values({ email, reason, detail, created_at: now })
      // A complaint outranks a bounce: it also says "never again", so it is kept as the reason.
      .onConflict((oc) => (reason === 'complained' ? oc.column('email').doUpdateSet({ reason, detail, created_at: now }) : oc.column('email').doNothing()))
      .execute();
  }

  const contact = await trx.selectFrom('contacts').select('id').where('email', '=', email).executeTakeFirst();
  if (contact) {
    const what = { 'hard-bounce': 'Mail bounced (address refused)', 'soft-bounce': 'Mail bounced (temporary)', complaint: 'Marked a message as spam' }[
      event.kind
    ];
    const consequence = reason === 'complained' ? '; unsubscribed from every list' : reason ? '; no more list mail to this address' : '';
    await recordActivity(
      trx,
      { contactId: contact.id, type: `mail.${event.kind}`, summary: `${what}${consequence}`, data: { source: event.source, detail, outboxId } },
      now,
    );
    if (event.kind === 'complaint') await unsubscribeEverywhere(trx, contact.id, event.source, options.privacyVersion ?? 'none', clock);
  }
  return { recorded: true, ...(reason ? { suppressed: reason } : {}) };
}

/** A complaint withdraws consent to every list the contact was on (one ledger entry each). */
async function unsubscribeEverywhere(trx: Kysely<Database>, contactId: string, source: string, privacyVersion: string, clock: Clock) {
  const now = clock().toISOString();
  const lists = await trx
    .selectFrom('list_subscriptions')
    .select(['list', 'status'])
    .where('contact_id', '=', contactId)
    .where('status', 'in', ['pending', 'confirmed'])
    .execute();
  if (lists.length === 0) return;
  await trx
    .updateTable('list_subscriptions')
    .set({ status: 'unsubscribed', updated_at: now })
    .where('contact_id', '=', contactId)
    .where('status', 'in', ['pending', 'confirmed'])
    .execute();
  // Consent is in the ledger only once confirmed, so only a confirmed list has one to withdraw.
  for (const { list } of lists.filter((l) => l.status === 'confirmed')) {
    await appendConsent(
      trx,
      {
        contact_id: contactId,
        purpose: `newsletter:${list}`,
        action: 'withdrawn',
        // No form: the person's mail program reported the complaint.
        form_id: 'mail:complaint',
        wording_hash: '',
        policy_version: privacyVersion,
        source: `mail:complaint:${source}`,
      },
      clock,
    );
  }
}
