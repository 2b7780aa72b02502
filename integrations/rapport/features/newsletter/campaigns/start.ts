import { sql, type Kysely, type Selectable } from 'kysely';
import { place } from '../../../core/mail/merge.ts';
import type { Services } from '../../../core/services.ts';
import type { CampaignsTable, Database } from '../../../core/store/schema.ts';
import { campaignLanguages, CampaignTooLargeError, composeCampaign } from '../campaign-mail.ts';
import { findIssue } from '../campaign-preview.ts';
import { segmentMemberIds } from '../../console/feature.ts';
import { notAlreadySent } from './create.ts';
import { linksIn, trackCampaignLinks } from './links.ts';

export type Campaign = Selectable<CampaignsTable>;

/**
 * The template of a campaign for one list: one per list, since the footer and `List-Id` name the
 * list, and one per language the issue is written in (`<id>:<list>:fr-CA`; the default language's
 * has no suffix).
 */
export const templateId = (campaignId: string, list: string, language?: string) => `${campaignId}:${list}${language ? `:${language}` : ''}`;

/** The per-person places every campaign template holds; `batches.ts` fills them. */
const PLACES = { email: place('email'), links: { unsubscribe: place('unsubscribe'), preferences: place('preferences') } };

/**
 * Starts a scheduled campaign that is due, in one transaction: claims it (one server does), writes
 * its message once per list as a mail template with counted links, and takes the recipients
 * snapshot — the confirmed subscribers of its lists now, minus suppressed addresses and anyone an
 * earlier campaign already sent this issue, each person once (on the first of the lists they are
 * on, in the order staff chose), and only those in its customer segment when it has one (who is
 * in it is worked out now). From then on the snapshot is the campaign: a restart resumes it.
 */
export async function startCampaign(s: Services, campaign: Campaign): Promise<void> {
  const now = s.clock().toISOString();
  // A segment that no longer exists reaches nobody rather than everyone.
  const audience = campaign.segment ? ((await segmentMemberIds(s.db, campaign.segment, s.clock())) ?? new Set<string>()) : undefined;
  await s.db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('campaigns')
      .set({ status: 'sending', started_at: now, next_batch_at: now, note: null })
      .where('id', '=', campaign.id)
      .where('status', '=', 'scheduled')
      .executeTakeFirst();
    if (claimed.numUpdatedRows === 0n) return; // another server started it
    const hold = (note: string) => trx.updateTable('campaigns').set({ status: 'paused', started_at: null, note }).where('id', '=', campaign.id).execute();
    const issue = findIssue(s, campaign.issue_slug);
    if (!issue) {
      await hold(`The issue is not on the site any more (unpublished or renamed). Publish it again and resume, or cancel.`);
      return;
    }
    const lists = JSON.parse(campaign.lists) as string[];
    try {
      await writeTemplates(trx, s, campaign, issue, lists);
    } catch (error) {
      if (error instanceof CampaignTooLargeError) return void (await hold(error.message));
      throw error;
    }
    for (const list of lists) await snapshotList(trx, s, campaign, list, audience);
    const { n } = await trx
      .selectFrom('campaign_recipients')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('campaign_id', '=', campaign.id)
      .executeTakeFirstOrThrow();
    const recipients = Number(n);
    await trx
      .updateTable('campaigns')
      .set(
        recipients === 0
          ? { recipients, status: 'sent', finished_at: now, note: 'Nobody was left to send it to when it started; nothing was sent.' }
          : { recipients },
      )
      .where('id', '=', campaign.id)
      .execute();
  });
}

async function writeTemplates(trx: Kysely<Database>, s: Services, campaign: Campaign, issue: NonNullable<ReturnType<typeof findIssue>>, lists: string[]) {
  const { clicks, opens } = s.config.crm.campaigns;
  // Each list in each language the issue is written in; readers get their language's (batches.ts).
  const variants = lists.flatMap((list) => campaignLanguages(issue, s).map((language) => ({ list, language })));
  const idOf = (v: (typeof variants)[number]) => templateId(campaign.id, v.list, v.language === s.config.site.locale ? undefined : v.language);
  const plain = variants.map((v) => composeCampaign(issue, { ...PLACES, list: v.list }, s, undefined, v.language));
  const tracking =
    clicks === 'off' && !opens
      ? undefined
      : await trackCampaignLinks(
          trx,
          s,
          { id: campaign.id, perPerson: campaign.per_person === 1, opens },
          clicks === 'off' ? [] : [...new Set(plain.flatMap((m) => linksIn(m.html ?? '')))],
        );
  for (const [i, v] of variants.entries()) {
    const mail = tracking ? composeCampaign(issue, { ...PLACES, list: v.list }, s, tracking, v.language) : plain[i]!;
    await trx
      .insertInto('mail_templates')
      .values({
        id: idOf(v),
        subject: mail.subject,
        text_body: mail.text,
        html_body: mail.html ?? null,
        headers: mail.headers ? JSON.stringify(mail.headers) : null,
        created_at: s.clock().toISOString(),
      })
      .execute();
  }
}

/** A random reader reference, made by the database so the snapshot is one statement. */
const randomRef = (s: Pick<Services, 'dialect'>) =>
  s.dialect === 'postgres' ? sql<string>`md5(random()::text || clock_timestamp()::text)` : sql<string>`lower(hex(randomblob(12)))`;

/** Members are matched a few hundred at a time: one statement's parameters are limited (SQLite, PostgreSQL). */
const AUDIENCE_CHUNK = 500;

async function snapshotList(trx: Kysely<Database>, s: Services, campaign: Campaign, list: string, audience?: ReadonlySet<string>) {
  if (!audience) return snapshotSome(trx, s, campaign, list);
  const members = [...audience];
  for (let i = 0; i < members.length; i += AUDIENCE_CHUNK) await snapshotSome(trx, s, campaign, list, members.slice(i, i + AUDIENCE_CHUNK));
}

async function snapshotSome(trx: Kysely<Database>, s: Services, campaign: Campaign, list: string, only?: string[]) {
  await trx
    .insertInto('campaign_recipients')
    .columns(['campaign_id', 'contact_id', 'ref', 'email', 'list', 'status'])
    .expression((eb) =>
      eb
        .selectFrom('list_subscriptions as ls')
        .innerJoin('contacts as c', 'c.id', 'ls.contact_id')
        .select([sql.val(campaign.id).as('campaign_id'), 'ls.contact_id', randomRef(s).as('ref'), 'c.email', 'ls.list', sql.val('pending').as('status')])
        .where('ls.list', '=', list)
        .where('ls.status', '=', 'confirmed')
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('mail_suppressions as ms').select('ms.email').whereRef('ms.email', '=', 'c.email'))))
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('campaign_recipients as mine')
                .select('mine.contact_id')
                .whereRef('mine.contact_id', '=', 'ls.contact_id')
                .where('mine.campaign_id', '=', campaign.id),
            ),
          ),
        )
        .where(notAlreadySent(campaign.issue_slug))
        .$if(only !== undefined, (q) => q.where('ls.contact_id', 'in', only!)),
    )
    .execute();
}
