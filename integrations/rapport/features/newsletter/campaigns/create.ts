import { randomUUID } from 'node:crypto';
import { businessTimeZone, formatDateTime } from '../../../config/time-zone.ts';
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Services } from '../../../core/services.ts';
import type { AuditEntry } from '../../../core/store/audit.ts';
import type { Database, ListSubscriptionsTable } from '../../../core/store/schema.ts';
import type { NewsletterIssue } from '../issue-file.ts';

/** A form key: what makes a form posted twice (a double click, a retried request) one campaign. */
export const FORM_KEY = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * The addresses a campaign to these lists would reach now: confirmed, not suppressed, counted
 * once; with `audience`, only those in it (a customer segment's members).
 */
export async function eligibleCount(db: Kysely<Database>, lists: readonly string[], issueSlug: string, audience?: ReadonlySet<string>): Promise<number> {
  if (lists.length === 0 || audience?.size === 0) return 0;
  const eligible = db
    .selectFrom('list_subscriptions as ls')
    .innerJoin('contacts as c', 'c.id', 'ls.contact_id')
    .where('ls.list', 'in', lists)
    .where('ls.status', '=', 'confirmed')
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('mail_suppressions as ms').select('ms.email').whereRef('ms.email', '=', 'c.email'))))
    .where(notAlreadySent(issueSlug));
  if (audience) return (await eligible.select('ls.contact_id').distinct().execute()).filter((r) => audience.has(r.contact_id)).length;
  const row = await eligible.select(sql<number>`count(distinct ls.contact_id)`.as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

type WithSubscriptions = Database & { ls: ListSubscriptionsTable };

/** Leaves out subscribers (`ls`) an earlier campaign already sent this issue to: a resend to more lists skips them. */
export const notAlreadySent =
  (issueSlug: string) =>
  ({ not, exists, selectFrom }: ExpressionBuilder<WithSubscriptions, 'ls'>) =>
    not(
      exists(
        selectFrom('campaign_recipients as done')
          .innerJoin('campaigns as k', 'k.id', 'done.campaign_id')
          .select('done.contact_id')
          .whereRef('done.contact_id', '=', 'ls.contact_id')
          .where('k.issue_slug', '=', issueSlug)
          .where('done.status', '=', 'queued'),
      ),
    );

export interface CampaignRequest {
  issue: NewsletterIssue;
  lists: string[];
  /** When to send; now when absent. */
  sendAt?: Date | undefined;
  formKey: string;
  /** Only the subscribers in this customer segment: its id, its title for the audit log, and who is in it now. */
  segment?: { id: string; title: string; members: ReadonlySet<string> } | undefined;
}

/**
 * Schedules a campaign (to start now or at `sendAt`); the job takes the recipients when it
 * starts. Refused, with a reason for staff, when no list is chosen, the lists reach nobody, or
 * the issue is already being sent. The same form posted again returns the campaign it made.
 */
export async function scheduleCampaign(
  trx: Kysely<Database>,
  s: Pick<Services, 'config' | 'clock'>,
  staff: { accountId: string; email: string },
  request: CampaignRequest,
): Promise<{ id: string; audit?: AuditEntry } | { error: string; status: number }> {
  const again = await trx.selectFrom('campaigns').select(['id', 'issue_slug']).where('form_key', '=', request.formKey).executeTakeFirst();
  if (again)
    return again.issue_slug === request.issue.slug
      ? { id: again.id }
      : { error: 'That form was already used for another issue. Reload the page.', status: 409 };
  const known = new Set(s.config.crm.lists.map((l) => l.id));
  const lists = [...new Set(request.lists)].filter((l) => known.has(l));
  if (lists.length === 0 || lists.length !== new Set(request.lists).size) return { error: 'Choose at least one of the lists shown.', status: 422 };
  const now = s.clock();
  if (request.sendAt && request.sendAt.getTime() > now.getTime() + 366 * 86_400_000) return { error: 'Choose a time within the next year.', status: 422 };
  const active = await trx
    .selectFrom('campaigns')
    .select(['id', 'status'])
    .where('issue_slug', '=', request.issue.slug)
    .where('status', 'in', ['scheduled', 'sending', 'paused'])
    .executeTakeFirst();
  if (active)
    return {
      error: `“${request.issue.title}” is already ${active.status === 'scheduled' ? 'scheduled' : active.status === 'paused' ? 'being sent (paused)' : 'being sent'}. Open it below to follow, pause or cancel it.`,
      status: 409,
    };
  const { segment } = request;
  const reach = await eligibleCount(trx, lists, request.issue.slug, segment?.members);
  if (reach === 0) {
    return {
      error: `Nobody would get this: the chosen list${lists.length > 1 ? 's have' : ' has'} no confirmed subscribers${segment ? ` in “${segment.title}”` : ''} who have not had this issue already. Nothing was sent.`,
      status: 422,
    };
  }
  const id = randomUUID();
  const sendAt = request.sendAt && request.sendAt > now ? request.sendAt : now;
  await trx
    .insertInto('campaigns')
    .values({
      id,
      issue_slug: request.issue.slug,
      subject: request.issue.title,
      lists: JSON.stringify(lists),
      status: 'scheduled',
      send_at: sendAt.toISOString(),
      form_key: request.formKey,
      created_by: staff.accountId,
      created_by_email: staff.email,
      created_at: now.toISOString(),
      started_at: null,
      finished_at: null,
      template_id: null,
      rate_per_minute: s.config.crm.campaigns.ratePerMinute,
      next_batch_at: sendAt.toISOString(),
      per_person: s.config.crm.campaigns.clicks === 'per-person' ? 1 : 0,
      segment: segment?.id ?? null,
    })
    .execute();
  const when = sendAt > now ? `for ${formatDateTime(sendAt, s.config.site.locale, businessTimeZone(s.config.business))}` : 'to send now';
  return {
    id,
    audit: {
      action: 'campaign.schedule',
      subject: { type: 'campaign', id },
      summary: `Scheduled “${request.issue.title}” ${when} to ${lists.join(', ')}${segment ? `, only “${segment.title}”` : ''} (about ${reach} recipient${reach === 1 ? '' : 's'})`,
      data: { issue: request.issue.slug, lists, sendAt: sendAt.toISOString(), reach, ...(segment ? { segment: segment.id } : {}) },
    },
  };
}
