import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'astro/zod';
import type { Kysely } from 'kysely';
import { businessTimeZone } from '../../config/time-zone.ts';
import type { RapportConfig } from '../../config/schema.ts';
import { formKey, wordingHash, wordingLanguage, type FormDefinition } from '../../core/forms/define-form.ts';
import { confirmByLink, consentShown, recordConsent, mailConfirmationLink, refusedLink, type ConsentShown } from '../../core/forms/double-opt-in.ts';
import { endpointForm, type FormEndpoint, type FormOutcome } from '../../core/forms/endpoint.ts';
import { collects, emailAddress, tokenField } from '../../core/forms/fields.ts';
import { mailLink } from '../../core/mail/mail-language.ts';
import { SESSION_COOKIE, sessionPerson } from '../../core/security/sessions.ts';
import { LINK_REFUSED } from '../../core/security/tokens.ts';
import type { Services } from '../../core/services.ts';
import { appendConsent, upsertContact } from '../../core/store/contacts.ts';
import type { Database } from '../../core/store/schema.ts';
import { recordActivity } from '../../core/store/timeline.ts';
import { fieldMessage, translator, type Translator } from '../../i18n/translate.ts';
import { countryName, regionLabel } from '../orders/feature.ts';
import { dateValue, inLocale, type CareSubject } from './care-dates.ts';
import { dayKey, FIRST_FROST_DAYS, nextDue, regionShiftDays } from './region-offset.ts';

export const CARE_CONFIRM = 'care-reminder-confirm';
/** The ledger's purpose for every reminder: a service the customer asked for by e-mail (express consent). */
export const CARE_PURPOSE = 'care-reminders';

/** `CA-AB`: a province or state the region rule knows, as the form offers it. */
const REGION_VALUES = Object.entries(FIRST_FROST_DAYS).flatMap(([country, regions]) => Object.keys(regions).map((r) => `${country}-${r}`)) as [
  string,
  ...string[],
];

/** The business's own province or state: the region care dates are written for. */
export const referenceRegion = (config: RapportConfig) => ({ country: config.business.address.country, region: config.business.address.region });

/**
 * "Remind me": the care date (the page's own, offered by the page), the province or state that
 * moves it, and the address. The consent line is the express consent to the reminder (CASL); the
 * ledger records its wording's hash.
 */
export const careForm = (config: RapportConfig, locale: string = config.site.locale) => {
  const say = translator(config.site, locale);
  return {
    id: 'care-reminder',
    version: 1,
    title: fieldMessage('care.form.title'),
    action: '/care-reminders',
    purpose: 'newsletter',
    schema: z.strictObject({
      subject: z
        .string()
        .regex(/^(product|faq):[A-Za-z0-9][A-Za-z0-9-]{0,119}$/, fieldMessage('care.subject.invalid'))
        .meta({ widget: 'hidden', ...collects('none') }),
      date: z
        .string()
        .regex(/^\d{1,2}-\d{1,2}$/, fieldMessage('care.date.invalid'))
        .meta({ widget: 'select', title: fieldMessage('care.form.date'), ...collects('none') }),
      region: z
        .enum(REGION_VALUES, { message: fieldMessage('care.region.invalid') })
        .meta({ title: fieldMessage('care.form.region'), ...collects('preferences', { as: fieldMessage('care.privacy.region') }) }),
      email: emailAddress(),
    }),
    options: {
      region: REGION_VALUES.map((v) => {
        const [country, region] = v.split('-') as [string, string];
        return { value: v, label: regionLabel(say, country, region), group: countryName(say, country) };
      }),
    },
    defaults: { region: `${config.business.address.country}-${config.business.address.region}` },
    submit: fieldMessage('care.form.submit'),
    consent: fieldMessage('care.form.consent', { site: config.site.name }),
  } satisfies FormDefinition;
};

export const careConfirmForm = () =>
  ({
    id: 'care-reminder-confirm',
    version: 1,
    action: '/care-reminders/confirm',
    purpose: 'newsletter',
    schema: z.strictObject({ token: tokenField() }),
    submit: fieldMessage('care.confirm.submit'),
    traps: false,
  }) satisfies FormDefinition;

export const careRemoveForm = () =>
  ({
    id: 'care-reminder-remove',
    version: 1,
    action: '/care-reminders/remove',
    purpose: 'newsletter',
    schema: z.strictObject({
      id: z.uuid(fieldMessage('link.refused')).meta({ widget: 'hidden', ...collects('none') }),
      sig: z
        .string()
        .regex(/^[A-Za-z0-9_-]{22}$/, fieldMessage('link.refused'))
        .meta({ widget: 'hidden', ...collects('none') }),
    }),
    submit: fieldMessage('care.remove.submit'),
    traps: false,
  }) satisfies FormDefinition;

/** The removal link's proof: a reminder's id signed with the site's secret (the link in every reminder mail, the account's button). */
export const removalSignature = (secret: string, id: string) => createHmac('sha256', secret).update(`care-reminder:${id}`).digest('base64url').slice(0, 22);

const signatureHolds = (secret: string, id: string, sig: string) => {
  const expected = Buffer.from(removalSignature(secret, id));
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given);
};

/** The link that removes one reminder (a page with a button; mail clients may post to it in one click). */
export const removalLink = (s: Pick<Services, 'site' | 'config' | 'secret'>, say: Translator, id: string) =>
  mailLink(s, say, '/care-reminders/remove', { id, sig: removalSignature(s.secret, id) });

/** What the confirmation token carries: the reminder, and what the ledger records when it is used. */
interface PendingReminder extends ConsentShown {
  reminderId: string;
}

const refused = (form: string, field: string, message: string, status = 422): FormOutcome => ({
  kind: 'invalid',
  state: { form, values: {}, errors: { [field]: message }, message, status },
});

/** When a reminder for `care` in `region` is next due, from now (the business's time zone decides the day). */
export function dueFor(s: Pick<Services, 'config' | 'clock'>, care: { month: number; day: number }, region: { country: string; region: string }) {
  const shift = regionShiftDays(care.month, region, referenceRegion(s.config));
  return nextDue(care, shift, businessTimeZone(s.config.business), s.clock());
}

/** Makes a reminder active and records the express consent it is (the ledger is append-only). */
async function activate(trx: Kysely<Database>, s: Services, reminderId: string, contactId: string, consent: ConsentShown, source: string) {
  const now = s.clock().toISOString();
  const row = await trx.selectFrom('care_reminders').selectAll().where('id', '=', reminderId).where('contact_id', '=', contactId).executeTakeFirst();
  if (!row || row.status === 'ended') return false;
  // Due from the day it is confirmed: a link used after the date has passed waits for next year's.
  const due = dueFor(s, { month: row.care_month, day: row.care_day }, row);
  await trx
    .updateTable('care_reminders')
    .set({ status: 'active', confirmed_at: now, expires_at: null, due_at: due.at.toISOString(), due_day: dayKey(due.day) })
    .where('id', '=', reminderId)
    .execute();
  await recordConsent(trx, s, contactId, CARE_PURPOSE, consent, source);
  await recordActivity(
    trx,
    { contactId, type: 'care-reminder', summary: `Reminder set: ${row.what} (${row.subject}, ${row.region})`, data: { id: reminderId } },
    now,
  );
  return true;
}

/**
 * `/care-reminders`: a signed-in customer's reminder is active at once (the session shows the
 * address is theirs); anyone else gets a confirmation link first (double opt-in), and the same
 * answer whatever the address.
 */
export const careEndpoint: FormEndpoint<ReturnType<typeof careForm>['schema']> = {
  path: '/care-reminders',
  decoy: '/care-reminders/check-your-inbox',
  localized: true,
  // Drawn on the static product and FAQ pages: a post only asks for a confirmation mail, limited per address and IP.
  drawnOnStaticPages: true,
  form: (config) => careForm(config),
  async handle(data, s, request) {
    const say = translator(s.config.site, request.locale);
    const page: CareSubject | undefined = s.careDates?.get(data.subject);
    if (!page) return refused('care-reminder', 'subject', say('care.subject.gone'));
    const care = page.dates.find((d) => dateValue(d) === data.date);
    if (!care) return refused('care-reminder', 'date', say('care.date.invalid'));
    const [country, region] = data.region.split('-') as [string, string];
    const form = endpointForm(careEndpoint, s);
    const consent = consentShown(form, say, s);
    const person = await sessionPerson(s.db, request.cookies[SESSION_COOKIE], s.clock);
    const signedIn = person && person.email === data.email.trim().toLowerCase();
    const now = s.clock();
    const what = inLocale(care.what, s.config.site.locale, s.config.site.locale);
    await s.db.transaction().execute(async (trx) => {
      const contact = signedIn
        ? await trx.selectFrom('contacts').selectAll().where('id', '=', person.contactId).executeTakeFirstOrThrow()
        : await upsertContact(trx, { email: data.email, name: '', language: say.locale }, s.clock);
      const existing = await trx
        .selectFrom('care_reminders')
        .selectAll()
        .where('contact_id', '=', contact.id)
        .where('subject', '=', page.subject)
        .where('care_month', '=', care.month)
        .where('care_day', '=', care.day)
        .executeTakeFirst();
      // Already set: the region may change, nothing else (no second reminder, no mail).
      if (existing?.status === 'active') {
        if (existing.country !== country || existing.region !== region) {
          const due = dueFor(s, care, { country, region });
          await trx
            .updateTable('care_reminders')
            .set({ country, region, language: say.locale, due_at: due.at.toISOString(), due_day: dayKey(due.day) })
            .where('id', '=', existing.id)
            .execute();
        }
        return;
      }
      const id = existing?.id ?? randomUUID();
      const expires = new Date(now.getTime() + s.config.crm.signupExpiryHours * 3_600_000).toISOString();
      const fields = { what, country, region, status: 'pending' as const, language: say.locale, created_at: now.toISOString(), expires_at: expires };
      if (existing) {
        await trx
          .updateTable('care_reminders')
          .set({ ...fields, confirmed_at: null, due_at: null, due_day: null, ended_at: null })
          .where('id', '=', id)
          .execute();
      } else {
        await trx
          .insertInto('care_reminders')
          .values({ id, contact_id: contact.id, subject: page.subject, care_month: care.month, care_day: care.day, ...fields })
          .execute();
      }
      if (signedIn) {
        await activate(trx, s, id, contact.id, consent, 'account:/care-reminders');
        return;
      }
      const fallback = s.config.site.locale;
      await mailConfirmationLink(trx, s, {
        contact,
        language: say.locale,
        limitKey: 'care',
        purpose: CARE_CONFIRM,
        payload: { reminderId: id, ...consent } satisfies PendingReminder,
        confirmPath: '/care-reminders/confirm',
        words: (mail) => ({
          subject: mail('mail.care-confirm.subject', { what: inLocale(care.what, mail.locale, fallback) }),
          paragraphs: [
            mail('mail.care-confirm.text', {
              what: inLocale(care.what, mail.locale, fallback),
              page: inLocale(page.title, mail.locale, fallback),
              region: regionLabel(mail, country, region),
              site: s.config.site.name,
            }),
          ],
          action: mail('mail.care-confirm.action'),
          after: [mail('mail.care-confirm.ignore', { hours: s.config.crm.signupExpiryHours })],
          why: mail('mail.care-confirm.why'),
        }),
      });
    });
    return { kind: 'redirect', location: signedIn ? '/account/?saved=care-reminder' : '/care-reminders/check-your-inbox' };
  },
};

/** `/care-reminders/confirm`: the button on the page the confirmation link opens. */
export const careConfirmEndpoint: FormEndpoint<ReturnType<typeof careConfirmForm>['schema']> = {
  path: '/care-reminders/confirm',
  decoy: '/care-reminders/confirmed',
  localized: true,
  form: careConfirmForm,
  handle: confirmByLink<PendingReminder>({
    form: 'care-reminder-confirm',
    purpose: CARE_CONFIRM,
    confirmed: '/care-reminders/confirmed',
    activate: (trx, s, contactId, pending) => activate(trx, s, pending.reminderId, contactId, pending, 'web:/care-reminders'),
  }),
};

/** Deletes one reminder and records the withdrawal; false when the link is not one we signed or it is already gone. */
export async function removeReminder(s: Services, id: string, sig: string, source: string, shown: Translator): Promise<boolean> {
  if (!signatureHolds(s.secret, id, sig)) return false;
  return s.db.transaction().execute(async (trx) => {
    const row = await trx.deleteFrom('care_reminders').where('id', '=', id).returning(['contact_id', 'what', 'subject', 'status']).executeTakeFirst();
    if (!row) return false;
    const form = careRemoveForm();
    if (row.status !== 'pending')
      await appendConsent(
        trx,
        {
          contact_id: row.contact_id,
          purpose: CARE_PURPOSE,
          action: 'withdrawn',
          form_id: formKey(form),
          wording_hash: wordingHash(form, shown),
          language: wordingLanguage(form, shown),
          policy_version: s.privacyVersion,
          source,
        },
        s.clock,
      );
    await recordActivity(
      trx,
      { contactId: row.contact_id, type: 'care-reminder-removed', summary: `Reminder removed: ${row.what} (${row.subject})`, data: { id } },
      s.clock().toISOString(),
    );
    return true;
  });
}

/**
 * `/care-reminders/remove`: the button on the page a reminder mail's link opens and on the account
 * page, and RFC 8058 one-click removal from the mail's header (no cookies, no Origin: the signed
 * link is the only proof needed, which is why this path is exempt from the origin check).
 */
export const careRemoveEndpoint: FormEndpoint<ReturnType<typeof careRemoveForm>['schema']> = {
  path: '/care-reminders/remove',
  decoy: '/care-reminders/removed',
  localized: true,
  originExempt: true,
  form: careRemoveForm,
  async intercept(params, s, request) {
    if (params.get('List-Unsubscribe') !== 'One-Click') return undefined;
    const ok = await removeReminder(s, request.query.get('id') ?? '', request.query.get('sig') ?? '', 'mail:one-click', translator(s.config.site));
    return ok
      ? { kind: 'text', status: 200, body: 'The reminder is removed.' }
      : { kind: 'text', status: 400, body: translator(s.config.site, request.locale).text(LINK_REFUSED) };
  },
  async handle(data, s, request) {
    const shown = translator(s.config.site, request.locale);
    if (await removeReminder(s, data.id, data.sig, 'web:/care-reminders/remove', shown)) return { kind: 'redirect', location: '/care-reminders/removed' };
    return refusedLink('care-reminder-remove');
  },
};
