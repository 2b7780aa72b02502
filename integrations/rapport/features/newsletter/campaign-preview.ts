import type { Kysely } from 'kysely';
import { languageOf } from '../../i18n/catalogues.ts';
import { translator } from '../../i18n/translate.ts';
import { mailLink } from '../../core/mail/mail-language.ts';
import { enqueueMail, type OutgoingMail } from '../../core/mail/outbox.ts';
import type { Services } from '../../core/services.ts';
import type { AuditEntry } from '../../core/store/audit.ts';
import type { Database } from '../../core/store/schema.ts';
import { campaignLanguages, CampaignTooLargeError, composeCampaign } from './campaign-mail.ts';
import type { NewsletterIssue } from './issue-file.ts';
import { listMailLinks } from './list-links.ts';

/** How long one staff member waits between two test sends. */
export const TEST_SEND_INTERVAL_MS = 60_000;

/** The issue with this slug in the live build, if any. */
export const findIssue = (s: Pick<Services, 'newsletterIssues'>, slug: string) => (s.newsletterIssues ?? []).find((i) => i.slug === slug);

/** The configured list chosen by `?list=` (the first list when none is given), or undefined for an unknown one. */
export function chosenList(s: Pick<Services, 'config'>, requested: string | null) {
  const lists = s.config.crm.lists;
  return requested === null || requested === '' ? lists[0] : lists.find((l) => l.id === requested);
}

/**
 * The language chosen by `?lang=` among those the issue is written in (the site's default when none
 * is given), or undefined for one it is not written in.
 */
export function chosenLanguage(s: Pick<Services, 'config'>, issue: NewsletterIssue, requested: string | null): string | undefined {
  const languages = campaignLanguages(issue, s);
  return requested === null || requested === '' ? languages[0] : languages.find((code) => code === requested);
}

/** A language as the (English) console names it: `fr-CA` → "French". */
export const languageLabel = (locale: string) => new Intl.DisplayNames(['en'], { type: 'language' }).of(languageOf(locale)) ?? locale;

/**
 * Links that look like a subscriber's and point to the real pages (in the message's language),
 * with a token that is plainly not one: a preview must never hand out a working unsubscribe link.
 */
export function previewLinks(s: Pick<Services, 'site' | 'config'>, locale: string = s.config.site.locale) {
  const say = translator(s.config.site, locale);
  return {
    unsubscribe: mailLink(s, say, '/unsubscribe', { token: 'preview' }),
    preferences: mailLink(s, say, '/subscribe/preferences', { token: 'preview' }),
  };
}

/**
 * The message as it would reach this staff member on this list in `locale` (the issue's words in
 * it where it is written in it; example links), or the reason it cannot be sent.
 */
export function composePreview(
  s: Pick<Services, 'config' | 'site'>,
  issue: NewsletterIssue,
  list: string,
  email: string,
  locale: string = s.config.site.locale,
): { mail: OutgoingMail; error?: undefined } | { mail?: undefined; error: string } {
  try {
    return { mail: composeCampaign(issue, { email, list, links: previewLinks(s, locale) }, s, undefined, locale) };
  } catch (error) {
    if (error instanceof CampaignTooLargeError) return { error: error.message };
    throw error;
  }
}

/** Confirmed subscribers per list: one grouped count over the subscriptions. */
export async function confirmedCounts(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('list_subscriptions')
    .select(['list', (eb) => eb.fn.countAll().as('n')])
    .where('status', '=', 'confirmed')
    .groupBy('list')
    .execute();
  return new Map(rows.map((r) => [r.list, Number(r.n)]));
}

/**
 * Queues the issue to a staff member's own address with working links made for them (so they can
 * try the unsubscribe link on themselves), subject marked "[Test]", in `locale` as a reader of that
 * language gets it. Refused within a minute of their last test, so a double click or a held-down key sends one.
 */
export async function sendTestToSelf(
  trx: Kysely<Database>,
  s: Pick<Services, 'config' | 'site' | 'clock'>,
  staff: { accountId: string; contactId: string; email: string },
  issue: NewsletterIssue,
  list: string,
  locale: string = s.config.site.locale,
): Promise<{ audit: AuditEntry } | { error: string; status: number }> {
  const since = new Date(s.clock().getTime() - TEST_SEND_INTERVAL_MS).toISOString();
  const recent = await trx
    .selectFrom('audit_log')
    .select('id')
    .where('action', '=', 'campaign.test')
    .where('actor_account_id', '=', staff.accountId)
    .where('created_at', '>', since)
    .executeTakeFirst();
  if (recent) return { error: 'A test was sent to you less than a minute ago. Check your inbox, then try again in a minute.', status: 429 };
  let mail: OutgoingMail;
  try {
    const links = await listMailLinks(trx, s, staff.contactId, list, translator(s.config.site, locale));
    mail = composeCampaign(issue, { email: staff.email, list, links }, s, undefined, locale);
  } catch (error) {
    if (error instanceof CampaignTooLargeError) return { error: error.message, status: 422 };
    throw error;
  }
  await enqueueMail(trx, { ...mail, subject: `[Test] ${mail.subject}` }, s.clock);
  return {
    audit: {
      action: 'campaign.test',
      subject: { type: 'issue', id: issue.slug },
      summary: `Sent a test of “${issue.title}” (${list}${locale === s.config.site.locale ? '' : `, ${languageLabel(locale)}`}) to ${staff.email}`,
      data: { list, to: staff.email, language: locale },
    },
  };
}
