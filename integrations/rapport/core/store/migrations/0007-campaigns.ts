import { sql, type Kysely } from 'kysely';

/**
 * Newsletter campaigns: mail merged from one stored template, the recipients snapshot that makes a
 * send resumable, tracked links, delivery events (bounces, complaints) and the addresses never to
 * mail again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One message body for many recipients: an outbox row names its template and the values that
  // differ per person (their unsubscribe link), instead of holding 30 KB of HTML of its own.
  await db.schema
    .createTable('mail_templates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text')
    .addColumn('headers', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('mail_outbox').addColumn('template_id', 'text').execute();
  await db.schema.alterTable('mail_outbox').addColumn('vars', 'text').execute();

  // Delivery outcomes reported after the fact (or a permanent refusal while sending).
  await db.schema
    .createTable('mail_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('hard-bounce', 'soft-bounce', 'complaint')`))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('outbox_id', 'text')
    .addColumn('detail', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mail_events_email').on('mail_events').columns(['email', 'created_at']).execute();
  await db.schema.createIndex('mail_events_outbox').on('mail_events').column('outbox_id').execute();

  await db.schema
    .createTable('mail_suppressions')
    .addColumn('email', 'text', (c) => c.primaryKey())
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`reason in ('bounced', 'soft-bounces', 'complained', 'erased')`))
    .addColumn('detail', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('issue_slug', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    // JSON array of list ids, in the order staff chose them.
    .addColumn('lists', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('scheduled', 'sending', 'paused', 'cancelled', 'sent')`))
    .addColumn('send_at', 'text', (c) => c.notNull())
    // The hidden key of the form that asked for it: the same form posted twice makes one campaign.
    .addColumn('form_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text')
    .addColumn('created_by_email', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('template_id', 'text')
    .addColumn('recipients', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rate_per_minute', 'integer', (c) => c.notNull())
    // When the next batch may go to the outbox; the claim that paces it (one server takes each batch).
    .addColumn('next_batch_at', 'text', (c) => c.notNull())
    .addColumn('per_person', 'integer', (c) => c.notNull().defaultTo(0))
    // Why it is paused or held back (the issue is gone, the mail server is not answering), for staff.
    .addColumn('note', 'text')
    .execute();
  // At most one campaign of an issue is under way at a time (two staff, two servers).
  await sql`CREATE UNIQUE INDEX campaigns_one_active ON campaigns (issue_slug) WHERE status IN ('scheduled', 'sending', 'paused')`.execute(db);
  await db.schema.createIndex('campaigns_status').on('campaigns').columns(['status', 'send_at']).execute();

  await db.schema
    .createTable('campaign_recipients')
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.id'))
    .addColumn('contact_id', 'text', (c) => c.notNull())
    // The reader's reference in tracked links (per-person tracking only): random, not the contact id.
    .addColumn('ref', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('list', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'queued', 'skipped')`))
    .addColumn('skip_reason', 'text')
    .addColumn('outbox_id', 'text')
    .addColumn('queued_at', 'text')
    .addPrimaryKeyConstraint('campaign_recipients_pk', ['campaign_id', 'contact_id'])
    .execute();
  await db.schema.createIndex('campaign_recipients_status').on('campaign_recipients').columns(['campaign_id', 'status']).execute();
  await db.schema.createIndex('campaign_recipients_outbox').on('campaign_recipients').column('outbox_id').execute();
  await db.schema.createIndex('campaign_recipients_contact').on('campaign_recipients').column('contact_id').execute();

  await db.schema
    .createTable('campaign_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('clicks', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('campaign_links_campaign').on('campaign_links').columns(['campaign_id', 'position']).execute();

  // Per-person records, written only when the site turns them on (and its privacy statement says so).
  await db.schema
    .createTable('campaign_reader_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('campaign_id', 'text', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull())
    // The link clicked; null for an open (the tracking image).
    .addColumn('link_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('campaign_reader_events_ref').on('campaign_reader_events').columns(['ref', 'created_at']).execute();
}
