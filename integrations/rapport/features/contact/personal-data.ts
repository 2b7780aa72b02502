import type { PersonalData, RetentionRule } from '../../core/privacy/personal-data.ts';
import { fieldMessage } from '../../i18n/translate.ts';

/** How many messages one run deletes at most: a run stays short, the next one goes on. */
const DELETE_PER_RUN = 1000;

/**
 * Contact-form messages (the store's `enquiry` activities) the period after staff last dealt with
 * them: answered or closed, from then; never handled, from when they arrived.
 */
export const oldMessages: RetentionRule = {
  kind: 'messages',
  categories: ['messages'],
  from: fieldMessage('privacy.rule.messages.from'),
  then: fieldMessage('privacy.rule.deleted'),
  async enforce(db, due) {
    const cutoff = due.cutoff.toISOString();
    const rows = await db
      .selectFrom('activities as a')
      .leftJoin('message_handling as h', 'h.activity_id', 'a.id')
      .select('a.id')
      .where('a.type', '=', 'enquiry')
      .where((eb) =>
        eb.or([
          eb.and([eb('h.status', 'in', ['answered', 'closed']), eb('h.updated_at', '<', cutoff)]),
          eb.and([eb.or([eb('h.status', 'is', null), eb('h.status', '=', 'new')]), eb('a.created_at', '<', cutoff)]),
        ]),
      )
      .limit(DELETE_PER_RUN)
      .execute();
    if (rows.length === 0) return 0;
    const ids = rows.map((r) => r.id);
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('message_handling').where('activity_id', 'in', ids).execute();
      await trx.deleteFrom('activities').where('id', 'in', ids).where('type', '=', 'enquiry').execute();
    });
    return ids.length;
  },
};

/**
 * The inbox status of a person's messages. The messages themselves are entries on their timeline
 * (`activities`, the store's own), which the core declaration exports and erases after this.
 */
export const contactData = (): PersonalData => ({
  tables: ['message_handling'],
  async export(db, person) {
    return {
      message_handling: await db
        .selectFrom('message_handling as h')
        .innerJoin('activities as a', 'a.id', 'h.activity_id')
        // Which staff account handled it is about our staff, not about the person.
        .select(['h.activity_id', 'h.status', 'h.updated_at'])
        .where('a.contact_id', '=', person.contactId)
        .orderBy('h.updated_at')
        .execute(),
    };
  },
  async erase(trx, person) {
    await trx
      .deleteFrom('message_handling')
      .where('activity_id', 'in', trx.selectFrom('activities').select('id').where('contact_id', '=', person.contactId))
      .execute();
  },
  retention: [oldMessages],
});
