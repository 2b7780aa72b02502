import type { FeaturePrivacy } from '../../core/privacy/declaration.ts';
import type { PersonalData } from '../../core/privacy/personal-data.ts';
import { fieldMessage } from '../../i18n/translate.ts';

/** The notes sent to a person (who sent which subject when); the notes themselves are in the outgoing mail, which core keeps and erases. */
const notesData = (): PersonalData => ({
  tables: ['winback_notes'],
  async export(db, person) {
    return {
      winback_notes: await db
        .selectFrom('winback_notes')
        .select(['subject', 'language', 'sent_by', 'created_at'])
        .where('contact_id', '=', person.contactId)
        .orderBy('created_at')
        .execute(),
    };
  },
  async erase(trx, person) {
    await trx.deleteFrom('winback_notes').where('contact_id', '=', person.contactId).execute();
  },
});

/**
 * Win-back notes are mail about the shop to people who bought from it: the statement says so under
 * the after-sale purpose (mail after a purchase, on implied consent, or on express consent), with the
 * record of the notes kept. The template is staff's wording, about nobody.
 */
export const winbackPrivacy = (): FeaturePrivacy => ({
  id: 'winback',
  name: 'win-back notes',
  forms: [],
  stores: [{ what: fieldMessage('winback.privacy.stored'), category: 'consent', purpose: 'after-sale' }],
  legalBases: { 'after-sale': ['consent', 'legitimate-interests'] },
  cookies: [],
  processors: [{ role: 'mail', why: 'delivers the personal notes', for: ['after-sale'] }],
  personal: notesData(),
});
