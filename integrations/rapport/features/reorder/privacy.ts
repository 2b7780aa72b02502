import type { RapportConfig } from '../../config/schema.ts';
import type { FeaturePrivacy } from '../../core/privacy/declaration.ts';
import type { PersonalData } from '../../core/privacy/personal-data.ts';
import { fieldMessage } from '../../i18n/translate.ts';
import { reorderConsentForm } from './consent.ts';

/** How long the record of a reminder is kept: long enough that a season is never reminded twice (a season lasts a year). */
export const REMINDER_KEPT_YEARS = 2;

/** The record of each season's reminder: handed over with the person's data, deleted with it, and after two years by the job. */
const reminderData = (): PersonalData => ({
  tables: ['reorder_reminders'],
  async export(db, person) {
    return {
      reorder_reminders: await db.selectFrom('reorder_reminders').selectAll().where('contact_id', '=', person.contactId).orderBy('created_at').execute(),
    };
  },
  async erase(trx, person) {
    await trx.deleteFrom('reorder_reminders').where('contact_id', '=', person.contactId).execute();
  },
});

/**
 * Reminders to order again: what is kept (which season was reminded, with the products
 * suggested), on which basis (CASL implied consent after a purchase, as for the after-sale mail,
 * or the customer's express consent), the mail service that delivers them.
 */
export const reorderPrivacy = (config: RapportConfig): FeaturePrivacy => ({
  id: 'reorder',
  name: 'reorder reminders',
  forms: config.crm.accounts ? [reorderConsentForm(config)] : [],
  stores: [
    {
      what: fieldMessage('privacy.stored.reorder'),
      category: 'orders',
      purpose: 'reorder',
      kept: fieldMessage('privacy.stored.reorder.kept', { years: REMINDER_KEPT_YEARS }),
    },
  ],
  legalBases: { reorder: [config.crm.orders.followUp.consent === 'express' ? 'consent' : 'legitimate-interests'] },
  cookies: [],
  processors: [{ role: 'mail', why: 'delivers the reminders to order again', for: ['reorder'] }],
  personal: reminderData(),
});
