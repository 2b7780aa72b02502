import { sql } from 'kysely';
import { enqueueMergedMany } from '../../../core/mail/outbox.ts';
import { mailTranslator } from '../../../core/mail/mail-language.ts';
import type { Services } from '../../../core/services.ts';
import { listMailLinksFor } from '../list-links.ts';
import { templateId, type Campaign } from './start.ts';

/** How often the campaign job runs, and so the pacing's step. */
export const CAMPAIGN_TICK_MS = 1_000;
/**
 * Unpaced (`ratePerMinute: 0`): each tick tops the outbox up to `UNPACED_WINDOW` messages waiting
 * unsent, written in transactions of `UNPACED_BATCH` with the event loop free in between (the mail
 * worker goes on sending meanwhile). The window is more than a fast mail server takes in a tick,
 * so the worker never waits for the next one; it is small enough that pausing or an unsubscribe
 * takes effect within seconds (cancelling takes back what is still waiting) and memory stays flat.
 */
export const UNPACED_BATCH = 250;
export const UNPACED_WINDOW = 1_000;

/** Messages a paced campaign hands to the outbox in one tick. */
const pacedBatch = (c: Campaign) => Math.max(1, Math.round((c.rate_per_minute * CAMPAIGN_TICK_MS) / 60_000));

/**
 * Hands the campaign's next batch of recipients to the outbox, each message merged from the list's
 * template with the reader's own unsubscribe and preferences links. Returns how many were queued.
 *
 * - Pacing: one batch per tick, sized from `rate_per_minute` (unpaced: what fills the window);
 *   claimed by moving `next_batch_at` on the exact value read, so with several servers only one
 *   takes each batch.
 * - Recipients move `pending` → `queued` with a conditional update in the same transaction as
 *   their outbox rows: a recipient is queued once, whatever happens around it.
 * - Someone who unsubscribed or whose address was suppressed since the snapshot is skipped here.
 * - While its messages are being retried (the mail server refuses connections, say) the campaign
 *   holds back and says why; it goes on by itself once they are delivered.
 * - When nobody is left pending the campaign is `sent` (the outbox delivers the last batch).
 */
export async function queueBatch(s: Services, c: Campaign): Promise<number> {
  const now = s.clock();
  const trouble = await s.db
    .selectFrom('campaign_recipients as cr')
    .innerJoin('mail_outbox as o', 'o.id', 'cr.outbox_id')
    .select('o.last_error')
    .where('cr.campaign_id', '=', c.id)
    .where('cr.status', '=', 'queued')
    .where('o.status', '=', 'pending')
    .where('o.attempts', '>', 0)
    .limit(1)
    .executeTakeFirst();
  if (trouble) {
    const note = `Waiting for the mail server, which did not take the last messages (${(trouble.last_error ?? 'no answer').slice(0, 200)}). Sending goes on by itself once they are delivered.`;
    if (c.note !== note) await s.db.updateTable('campaigns').set({ note }).where('id', '=', c.id).where('status', '=', 'sending').execute();
    return 0;
  }
  let room = c.rate_per_minute > 0 ? pacedBatch(c) : 0;
  if (c.rate_per_minute === 0) {
    const waiting = await s.db
      .selectFrom('campaign_recipients as cr')
      .innerJoin('mail_outbox as o', 'o.id', 'cr.outbox_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('cr.campaign_id', '=', c.id)
      .where('cr.status', '=', 'queued')
      .where('o.status', 'in', ['pending', 'sending'])
      .executeTakeFirstOrThrow();
    room = UNPACED_WINDOW - Number(waiting.n);
    if (room <= 0) return 0;
  }
  const claimed = await s.db
    .updateTable('campaigns')
    .set({ next_batch_at: new Date(now.getTime() + CAMPAIGN_TICK_MS - 50).toISOString(), note: null })
    .where('id', '=', c.id)
    .where('status', '=', 'sending')
    .where('next_batch_at', '=', c.next_batch_at)
    .executeTakeFirst();
  if (claimed.numUpdatedRows === 0n) return 0; // paused, cancelled, or another server took this batch

  let queued = 0;
  while (room > 0) {
    const size = c.rate_per_minute > 0 ? room : Math.min(room, UNPACED_BATCH);
    const step = await queueSome(s, c, size, now.toISOString());
    queued += step.queued;
    room -= size;
    if (step.last || step.stopped) break;
    // Let the mail worker's sends and replies run between two transactions.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return queued;
}

/**
 * One transaction of a batch: up to `size` pending recipients queued (or skipped). `stopped` when
 * the campaign was paused or cancelled since the batch was claimed; `last` when nobody is left.
 */
async function queueSome(s: Services, c: Campaign, size: number, stamp: string): Promise<{ queued: number; last: boolean; stopped: boolean }> {
  return s.db.transaction().execute(async (trx) => {
    const state = await trx.selectFrom('campaigns').select('status').where('id', '=', c.id).executeTakeFirst();
    if (state?.status !== 'sending') return { queued: 0, last: false, stopped: true };
    const batch = await trx
      .selectFrom('campaign_recipients as cr')
      .leftJoin('list_subscriptions as ls', (join) => join.onRef('ls.contact_id', '=', 'cr.contact_id').onRef('ls.list', '=', 'cr.list'))
      .leftJoin('mail_suppressions as ms', 'ms.email', 'cr.email')
      .leftJoin('contacts as c', 'c.id', 'cr.contact_id')
      .select(['cr.contact_id', 'cr.email', 'cr.list', 'cr.ref', 'ls.status as subscription', 'ms.reason as suppressed', 'c.language'])
      .where('cr.campaign_id', '=', c.id)
      .where('cr.status', '=', 'pending')
      .orderBy('cr.contact_id')
      .limit(size)
      .execute();
    // Statements per batch, not per reader: the skipped by reason, the readers' link tokens, their
    // outbox rows and their move to `queued` each in a few multi-row statements.
    const reasons = new Map<string, string[]>();
    const ready: typeof batch = [];
    for (const r of batch) {
      const skip = r.suppressed ? 'suppressed' : r.subscription !== 'confirmed' ? 'unsubscribed' : undefined;
      if (skip) reasons.set(skip, [...(reasons.get(skip) ?? []), r.contact_id]);
      else ready.push(r);
    }
    for (const [reason, ids] of reasons) {
      await trx
        .updateTable('campaign_recipients')
        .set({ status: 'skipped', skip_reason: reason })
        .where('campaign_id', '=', c.id)
        .where('contact_id', 'in', ids)
        .where('status', '=', 'pending')
        .execute();
    }
    // Each reader gets the issue in their language where it was written in it (a template for
    // it exists, with its subject), else in the default one; their links open pages in the same.
    const templates = new Map(
      (await trx.selectFrom('mail_templates').select(['id', 'subject']).where('id', 'like', `${c.id}:%`).execute()).map((t) => [t.id, t.subject]),
    );
    const written = ready.map((r) => {
      const say = mailTranslator(s.config.site, r);
      const own = templateId(c.id, r.list, say.locale);
      return templates.has(own) && say.locale !== s.config.site.locale
        ? { say, id: own, subject: templates.get(own)! }
        : { say: mailTranslator(s.config.site, {}), id: templateId(c.id, r.list), subject: c.subject };
    });
    const links = await listMailLinksFor(
      trx,
      s,
      ready.map((r, i) => ({ contactId: r.contact_id, list: r.list, say: written[i]!.say })),
    );
    const outboxIds = await enqueueMergedMany(
      trx,
      ready.map((r, i) => ({ to: r.email, subject: written[i]!.subject, templateId: written[i]!.id, vars: { ...links[i]!, email: r.email, reader: r.ref } })),
      s.clock,
    );
    for (let i = 0; i < ready.length; i += 200) {
      const slice = ready.slice(i, i + 200);
      const outboxOf = sql<string>`case contact_id ${sql.join(
        slice.map((r, j) => sql`when ${r.contact_id} then ${outboxIds[i + j]!}`),
        sql` `,
      )} end`;
      const took = await trx
        .updateTable('campaign_recipients')
        .set({ status: 'queued', outbox_id: outboxOf, queued_at: stamp })
        .where('campaign_id', '=', c.id)
        .where(
          'contact_id',
          'in',
          slice.map((r) => r.contact_id),
        )
        .where('status', '=', 'pending')
        .executeTakeFirst();
      // Another server queued some of them first: roll the whole batch back (its outbox rows with it).
      if (Number(took.numUpdatedRows) !== slice.length) throw new Error(`Campaign ${c.id}: recipients were queued twice; batch rolled back.`);
    }
    const queued = ready.length;
    const last = batch.length < size;
    if (last) {
      await trx
        .updateTable('campaigns')
        .set({ status: 'sent', finished_at: stamp })
        .where('id', '=', c.id)
        .where('status', '=', 'sending')
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('campaign_recipients').select('contact_id').where('campaign_id', '=', c.id).where('status', '=', 'pending'))),
        )
        .execute();
    }
    return { queued, last, stopped: false };
  });
}
