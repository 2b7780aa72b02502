import { businessTimeZone, formatDate } from '../../config/time-zone.ts';
import type { Job } from '../../core/feature.ts';
import { composeMail } from '../../core/mail/compose.ts';
import { mailFooter, staffAddress } from '../../core/mail/identity.ts';
import { mailLink, mailTranslator } from '../../core/mail/mail-language.ts';
import { enqueueMail } from '../../core/mail/outbox.ts';
import { greeting } from '../../core/mail/unsolicited.ts';
import { wasErased } from '../../core/privacy/core-data.ts';
import type { Services } from '../../core/services.ts';
import { recordActivity } from '../../core/store/timeline.ts';
import { regionLabel } from '../orders/feature.ts';
import { dateValue, inLocale } from './care-dates.ts';
import { dayKey, nextDue, regionShiftDays, type Day } from './region-offset.ts';
import { referenceRegion, removalLink } from './requests.ts';

type CareServices = Pick<Services, 'db' | 'config' | 'site' | 'clock' | 'secret' | 'careDates'>;

/** How long a reminder whose page left the site stays listed (with its line) on the account page. */
const ENDED_KEPT_MS = 365 * 86_400_000;

const parseDay = (key: string): Day => {
  const [year, month, day] = key.split('-').map(Number) as [number, number, number];
  return { year, month, day };
};

/**
 * Tidies what is no longer wanted: pending requests past their end are deleted; reminders whose
 * product or answer left the site end (the account page says so), and are deleted a year later.
 * Only with a build's care dates loaded: without them every page would look gone.
 */
export async function tidyCareReminders(s: CareServices): Promise<void> {
  const now = s.clock();
  await s.db.deleteFrom('care_reminders').where('status', '=', 'pending').where('expires_at', '<', now.toISOString()).execute();
  await s.db
    .deleteFrom('care_reminders')
    .where('status', '=', 'ended')
    .where('ended_at', '<', new Date(now.getTime() - ENDED_KEPT_MS).toISOString())
    .execute();
  const pages = s.careDates;
  if (!pages) return;
  const live = await s.db.selectFrom('care_reminders').select(['id', 'subject', 'care_month', 'care_day']).where('status', '<>', 'ended').execute();
  const gone = live
    .filter((r) => !pages.get(r.subject)?.dates.some((d) => dateValue(d) === dateValue({ month: r.care_month, day: r.care_day })))
    .map((r) => r.id);
  if (gone.length)
    await s.db
      .updateTable('care_reminders')
      .set({ status: 'ended', ended_at: now.toISOString(), due_at: null, due_day: null })
      .where('id', 'in', gone)
      .execute();
}

/**
 * Sends the reminders that are due: each on its day (from midnight in the business's time zone),
 * in the contact's language, never to an erased address. Each is claimed with a conditional
 * update that moves it to next year's date (reminders recur every year until removed), so two
 * servers never send one twice. Returns how many were sent.
 */
export async function sendDueCareReminders(s: CareServices): Promise<number> {
  await tidyCareReminders(s);
  const now = s.clock();
  const zone = businessTimeZone(s.config.business);
  const due = await s.db
    .selectFrom('care_reminders')
    .innerJoin('contacts', 'contacts.id', 'care_reminders.contact_id')
    .select([
      'care_reminders.id',
      'care_reminders.contact_id',
      'care_reminders.subject',
      'care_reminders.what',
      'care_reminders.care_month',
      'care_reminders.care_day',
      'care_reminders.country',
      'care_reminders.region',
      'care_reminders.due_day',
      'contacts.email',
      'contacts.name',
      'contacts.language',
      'contacts.erased_at',
    ])
    .where('care_reminders.status', '=', 'active')
    .where('care_reminders.due_at', '<=', now.toISOString())
    .orderBy('care_reminders.due_at')
    .limit(50)
    .execute();
  let sent = 0;
  for (const r of due) {
    if (!r.due_day) continue;
    const care = { month: r.care_month, day: r.care_day };
    const shift = regionShiftDays(care.month, r, referenceRegion(s.config));
    const next = nextDue(care, shift, zone, now, parseDay(r.due_day));
    const outcome = await s.db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('care_reminders')
        .set({ due_at: next.at.toISOString(), due_day: dayKey(next.day), last_sent_at: now.toISOString() })
        .where('id', '=', r.id)
        .where('status', '=', 'active')
        .where('due_day', '=', r.due_day)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return 'taken';
      if (r.erased_at || (await wasErased(trx, s.secret, r.email))) {
        await trx.deleteFrom('care_reminders').where('id', '=', r.id).execute();
        return 'erased';
      }
      const page = s.careDates?.get(r.subject);
      const date = page?.dates.find((d) => dateValue(d) === dateValue(care));
      if (!page || !date) {
        await trx
          .updateTable('care_reminders')
          .set({ status: 'ended', ended_at: now.toISOString(), due_at: null, due_day: null })
          .where('id', '=', r.id)
          .execute();
        return 'gone';
      }
      const say = mailTranslator(s.config.site, r);
      const fallback = s.config.site.locale;
      const what = inLocale(date.what, say.locale, fallback);
      const title = inLocale(page.title, say.locale, fallback);
      const url = page.locales.includes(say.locale) ? mailLink(s, say, page.path) : new URL(page.path, s.site).href;
      const remove = removalLink(s, say, r.id);
      const day = formatDate(`${r.due_day}T12:00:00Z`, say.locale, 'UTC');
      await enqueueMail(
        trx,
        composeMail(
          {
            to: r.email,
            subject: say('mail.care.subject', { what }),
            greeting: greeting('confirmed', r.name, say),
            paragraphs: [say('mail.care.text', { what, page: title, date: day, region: regionLabel(say, r.country, r.region) })],
            action: { label: say('mail.care.action', { page: title }), url },
            after: [say('mail.care.yearly', { url: remove })],
            footer: mailFooter(s.config, say('mail.care.why')),
            unsubscribeUrl: remove,
            replyTo: staffAddress(s.config),
            accent: s.config.site.accentColor,
          },
          say,
        ),
        s.clock,
      );
      await recordActivity(
        trx,
        { contactId: r.contact_id, type: 'care-reminder-sent', summary: `Reminder sent: ${r.what} (${r.subject})`, data: { id: r.id, day: r.due_day } },
        now.toISOString(),
      );
      return 'sent';
    });
    if (outcome === 'sent') sent++;
  }
  return sent;
}

/** Every few minutes: a reminder goes out within minutes of midnight on its day. */
export const careReminderJob: Job = {
  name: 'care-reminders',
  everyMs: 5 * 60_000,
  dev: false,
  run: (s) => sendDueCareReminders(s),
};
