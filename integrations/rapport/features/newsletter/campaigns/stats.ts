import type { Kysely } from 'kysely';
import type { Database } from '../../../core/store/schema.ts';
import { OPEN_POSITION } from './links.ts';
import type { Campaign } from './start.ts';

/** What happened to a campaign, as staff read it: each figure counted from the records, none estimated. */
export interface CampaignStats {
  /** People in the snapshot. */
  recipients: number;
  /** Handed to the outbox so far. */
  queued: number;
  /** Left out after the snapshot, by reason (`unsubscribed`, `suppressed`, `cancelled`). */
  skipped: Record<string, number>;
  /** Accepted by the mail server. */
  accepted: number;
  /** Waiting in the outbox, or being sent. */
  inOutbox: number;
  /** Given up on (refused for good, or too many failed attempts). */
  failed: number;
  /** Reported back as bounced (refused at sending, or a delivery report or webhook later). */
  bounced: number;
  complaints: number;
  /** Recipients who left the list they got it on after it started. */
  unsubscribed: number;
  /** Clicks per link, in the order the links appear; anonymous counts. */
  links: Array<{ id: string; url: string; clicks: number }>;
  /** Loads of the tracking image, when opens were counted. */
  opens: number | undefined;
  /** Readers recorded, with per-person tracking. */
  readersWhoClicked: number | undefined;
  /** Handed to the outbox, but the outbox's copy was since deleted (its retention period ended): sent or given up on, no longer known which. */
  copiesDeleted: number;
  /** Who it went to was deleted with its retention period (newsletter sends): only `recipients`, `links` and `opens` still count anything. */
  recipientsDeleted: boolean;
}

const n = (v: unknown) => Number(v ?? 0);

export async function campaignStats(db: Kysely<Database>, c: Campaign): Promise<CampaignStats> {
  const byStatus = await db
    .selectFrom('campaign_recipients')
    .select(['status', 'skip_reason', (eb) => eb.fn.countAll().as('n')])
    .where('campaign_id', '=', c.id)
    .groupBy(['status', 'skip_reason'])
    .execute();
  const skipped: Record<string, number> = {};
  let queued = 0;
  for (const r of byStatus) {
    if (r.status === 'queued') queued += n(r.n);
    if (r.status === 'skipped') skipped[r.skip_reason ?? 'other'] = (skipped[r.skip_reason ?? 'other'] ?? 0) + n(r.n);
  }
  const outbox = await db
    .selectFrom('campaign_recipients as cr')
    .innerJoin('mail_outbox as o', 'o.id', 'cr.outbox_id')
    .select(['o.status', (eb) => eb.fn.countAll().as('n')])
    .where('cr.campaign_id', '=', c.id)
    .groupBy('o.status')
    .execute();
  const out = (status: string) => n(outbox.find((r) => r.status === status)?.n);
  const gone = await db
    .selectFrom('campaign_recipients as cr')
    .leftJoin('mail_outbox as o', 'o.id', 'cr.outbox_id')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('cr.campaign_id', '=', c.id)
    .where('cr.status', '=', 'queued')
    .where('o.id', 'is', null)
    .executeTakeFirstOrThrow();
  const events = await db
    .selectFrom('campaign_recipients as cr')
    .innerJoin('mail_events as e', 'e.outbox_id', 'cr.outbox_id')
    .select(['e.kind', (eb) => eb.fn.count('cr.contact_id').distinct().as('n')])
    .where('cr.campaign_id', '=', c.id)
    .groupBy('e.kind')
    .execute();
  const event = (kind: string) => n(events.find((r) => r.kind === kind)?.n);
  const left = c.started_at
    ? await db
        .selectFrom('campaign_recipients as cr')
        .innerJoin('list_subscriptions as ls', (join) => join.onRef('ls.contact_id', '=', 'cr.contact_id').onRef('ls.list', '=', 'cr.list'))
        .select((eb) => eb.fn.countAll().as('n'))
        .where('cr.campaign_id', '=', c.id)
        .where('cr.status', '=', 'queued')
        .where('ls.status', '=', 'unsubscribed')
        .where('ls.updated_at', '>=', c.started_at)
        .executeTakeFirstOrThrow()
    : { n: 0 };
  const links = await db.selectFrom('campaign_links').select(['id', 'url', 'clicks', 'position']).where('campaign_id', '=', c.id).orderBy('position').execute();
  const open = links.find((l) => l.position === OPEN_POSITION);
  const readers = c.per_person
    ? await db
        .selectFrom('campaign_reader_events')
        .select((eb) => eb.fn.count('ref').distinct().as('n'))
        .where('campaign_id', '=', c.id)
        .where('link_id', 'is not', null)
        .executeTakeFirstOrThrow()
    : undefined;
  return {
    recipients: c.recipients,
    queued,
    skipped,
    accepted: out('sent'),
    inOutbox: out('pending') + out('sending'),
    failed: out('failed'),
    bounced: event('hard-bounce') + event('soft-bounce'),
    complaints: event('complaint'),
    unsubscribed: n(left.n),
    links: links.filter((l) => l.position !== OPEN_POSITION).map((l) => ({ id: l.id, url: l.url, clicks: n(l.clicks) })),
    opens: open ? n(open.clicks) : undefined,
    readersWhoClicked: readers ? n(readers.n) : undefined,
    copiesDeleted: n(gone.n),
    recipientsDeleted: c.finished_at !== null && c.recipients > 0 && byStatus.length === 0,
  };
}
