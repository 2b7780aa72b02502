import { z } from 'astro/zod';
import type { RapportConfig } from '../../config/schema.ts';
import type { FormDefinition } from '../../core/forms/define-form.ts';
import { consentShown, recordConsent } from '../../core/forms/double-opt-in.ts';
import { endpointForm, type FormEndpoint } from '../../core/forms/endpoint.ts';
import { collects } from '../../core/forms/fields.ts';
import { SESSION_COOKIE, sessionPerson } from '../../core/security/sessions.ts';
import { lastConsent } from '../../core/store/contacts.ts';
import { recordActivity } from '../../core/store/timeline.ts';
import { fieldMessage, translator } from '../../i18n/translate.ts';

/** The list a reorder reminder is sent on: its unsubscribe link withdraws `newsletter:reorder`. */
export const REORDER_LIST = 'reorder';
export const REORDER_PURPOSE = `newsletter:${REORDER_LIST}`;

/**
 * "E-mail me before each ordering season closes" on the account page: a signed-in customer's
 * express consent to reorder reminders (CASL), or their refusal. Ticked is recorded as granted
 * with the wording they saw; unticked as withdrawn, which also stops the reminders implied
 * consent after a purchase would allow. A choice that changes nothing records nothing.
 */
export const reorderConsentForm = (config: RapportConfig) =>
  ({
    id: 'reorder-reminders',
    version: 1,
    action: '/account/reorder-reminders',
    purpose: 'reorder',
    title: fieldMessage('reorder.consent.form'),
    schema: z.strictObject({
      remind: z
        .array(z.enum(['yes'], { message: fieldMessage('field.choice.invalid') }))
        .max(1)
        .optional()
        .meta({ title: fieldMessage('reorder.consent.label'), ...collects('preferences', { as: fieldMessage('reorder.consent.field') }) }),
    }),
    options: { remind: [{ value: 'yes', label: fieldMessage('reorder.consent.choice', { site: config.site.name }) }] },
    submit: fieldMessage('reorder.consent.submit'),
    consent: fieldMessage('reorder.consent.wording'),
    traps: false,
  }) satisfies FormDefinition;

/** Whether the box shows ticked: the customer said yes and has not said no since. */
export const remindsExpressly = async (db: Parameters<typeof lastConsent>[0], contactId: string) =>
  (await lastConsent(db, contactId, REORDER_PURPOSE)) === 'granted';

export const reorderConsentEndpoint: FormEndpoint<ReturnType<typeof reorderConsentForm>['schema']> = {
  path: '/account/reorder-reminders',
  page: '/account/',
  decoy: '/account/',
  localized: true,
  form: (config) => reorderConsentForm(config),
  async handle(data, s, request) {
    const person = await sessionPerson(s.db, request.cookies[SESSION_COOKIE], s.clock);
    if (!person) return { kind: 'redirect', location: '/account/sign-in' };
    const wanted = (data.remind ?? []).includes('yes');
    const shown = translator(s.config.site, request.locale);
    const consent = consentShown(endpointForm(reorderConsentEndpoint, s), shown, s);
    await s.db.transaction().execute(async (trx) => {
      const last = await lastConsent(trx, person.contactId, REORDER_PURPOSE);
      if (wanted === (last === 'granted') && (wanted || last === 'withdrawn')) return;
      await recordConsent(trx, s, person.contactId, REORDER_PURPOSE, consent, 'web:/account/', wanted ? 'granted' : 'withdrawn');
      await recordActivity(
        trx,
        {
          contactId: person.contactId,
          type: wanted ? 'reorder-consent' : 'reorder-refused',
          summary: wanted ? 'Asked for reminders to order again' : 'Refused reminders to order again',
        },
        s.clock().toISOString(),
      );
    });
    return { kind: 'redirect', location: '/account/?saved=reorder#account-reorder' };
  },
};
