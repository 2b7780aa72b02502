import type { Kysely } from 'kysely';
import type { PersonalData, RetentionRule } from '../../core/privacy/personal-data.ts';
import type { Database } from '../../core/store/schema.ts';
import { fieldMessage } from '../../i18n/translate.ts';

/** The reader references one person was sent campaigns under (their clicks are recorded by these). */
const refsOf = (db: Kysely<Database>, contactId: string) => db.selectFrom('campaign_recipients').select('ref').where('contact_id', '=', contactId);

/**
 * Which newsletters were sent to whom, and the clicks recorded per reader: once the period after a
 * campaign has passed, only counts that name nobody stay (how many it went to, on the campaign;
 * clicks per link, on its links). The console's campaign page says so.
 */
export const newsletterSends: RetentionRule = {
  kind: 'newsletter-sends',
  categories: ['technical'],
  from: fieldMessage('privacy.rule.newsletter-sends.from'),
  then: fieldMessage('privacy.rule.newsletter-sends.then'),
  async enforce(db, due) {
    const cutoff = due.cutoff.toISOString();
    const events = await db.deleteFrom('campaign_reader_events').where('created_at', '<', cutoff).executeTakeFirst();
    const recipients = await db
      .deleteFrom('campaign_recipients')
      .where('campaign_id', 'in', db.selectFrom('campaigns').select('id').where('finished_at', 'is not', null).where('finished_at', '<', cutoff))
      .executeTakeFirst();
    return Number(events.numDeletedRows) + Number(recipients.numDeletedRows);
  },
};

/** A reader's subscriptions, the campaigns sent to them and the clicks recorded per reader. */
export const newsletterData = (): PersonalData => ({
  tables: ['list_subscriptions', 'campaign_recipients', 'campaign_reader_events'],
  async export(db, person) {
    const id = person.contactId;
    return {
      list_subscriptions: await db.selectFrom('list_subscriptions').selectAll().where('contact_id', '=', id).orderBy('created_at').orderBy('list').execute(),
      campaign_recipients: await db.selectFrom('campaign_recipients').selectAll().where('contact_id', '=', id).orderBy('queued_at').execute(),
      campaign_reader_events: await db.selectFrom('campaign_reader_events').selectAll().where('ref', 'in', refsOf(db, id)).orderBy('created_at').execute(),
    };
  },
  async erase(trx, person) {
    const id = person.contactId;
    await trx.deleteFrom('campaign_reader_events').where('ref', 'in', refsOf(trx, id)).execute();
    await trx.deleteFrom('campaign_recipients').where('contact_id', '=', id).execute();
    await trx.deleteFrom('list_subscriptions').where('contact_id', '=', id).execute();
  },
  retention: [newsletterSends],
});
