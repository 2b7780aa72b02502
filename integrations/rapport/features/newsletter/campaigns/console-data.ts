import type { Kysely } from 'kysely';
import type { CampaignStatus, Database } from '../../../core/store/schema.ts';
import type { Campaign } from './start.ts';
import { segmentById } from '../../console/feature.ts';

/** How the console names each state. */
export const STATUS_LABELS: Record<CampaignStatus, string> = {
  scheduled: 'Scheduled',
  sending: 'Sending',
  paused: 'Paused',
  cancelled: 'Cancelled',
  sent: 'Sent',
};

/** A campaign's progress page, under its issue. */
export const sendPath = (slug: string, id: string) => `/admin/crm/campaigns/${encodeURIComponent(slug)}/sends/${encodeURIComponent(id)}`;

/** The campaigns of one issue, newest first. */
export const campaignsOf = (db: Kysely<Database>, slug: string): Promise<Campaign[]> =>
  db.selectFrom('campaigns').selectAll().where('issue_slug', '=', slug).orderBy('created_at', 'desc').orderBy('id').limit(50).execute();

/** The latest campaigns of every issue, for the Campaigns page. */
export const recentCampaigns = (db: Kysely<Database>, limit = 20): Promise<Campaign[]> =>
  db.selectFrom('campaigns').selectAll().orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();

/** One campaign of this issue, if the id is one (a made-up id is simply not found). */
export async function campaignOf(db: Kysely<Database>, slug: string, id: string): Promise<Campaign | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
  return db.selectFrom('campaigns').selectAll().where('id', '=', id).where('issue_slug', '=', slug).executeTakeFirst();
}

/** The lists a campaign went to, and its segment when it had one: "news, only “Good customers who stopped buying”". */
export const audienceText = (c: Pick<Campaign, 'lists' | 'segment'>) => {
  const lists = (JSON.parse(c.lists) as string[]).join(', ');
  return c.segment ? `${lists}, only “${segmentById(c.segment)?.title ?? c.segment}”` : lists;
};
