import type { PersonalData } from '../../core/privacy/personal-data.ts';

/** The reminders a person set (with the region that moves them): handed over with the rest, deleted on erasure. */
export const careData = (): PersonalData => ({
  tables: ['care_reminders'],
  async export(db, person) {
    return {
      care_reminders: await db
        .selectFrom('care_reminders')
        .selectAll()
        .where('contact_id', '=', person.contactId)
        .orderBy('created_at')
        .orderBy('id')
        .execute(),
    };
  },
  async erase(trx, person) {
    await trx.deleteFrom('care_reminders').where('contact_id', '=', person.contactId).execute();
  },
});
