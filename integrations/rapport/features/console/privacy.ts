import type { FeaturePrivacy } from '../../core/privacy/declaration.ts';
import type { PersonalData } from '../../core/privacy/personal-data.ts';

/** The tags staff put on a contact's record (their notes are on the contact row, the store's own). */
const tagsData = (): PersonalData => ({
  tables: ['contact_tags'],
  async export(db, person) {
    return {
      contact_tags: await db.selectFrom('contact_tags').select(['tag', 'created_at']).where('contact_id', '=', person.contactId).orderBy('tag').execute(),
    };
  },
  async erase(trx, person) {
    await trx.deleteFrom('contact_tags').where('contact_id', '=', person.contactId).execute();
  },
});

/**
 * The staff console collects nothing from visitors (its forms are staff's, behind sign-in), so it
 * adds nothing to the statement; it declares the tags it keeps so a download and an erasure reach them.
 */
export const consolePrivacy = (): FeaturePrivacy => ({
  id: 'console',
  name: 'staff console',
  forms: [],
  stores: [],
  legalBases: {},
  cookies: [],
  processors: [],
  personal: tagsData(),
});
