import { sql, type Kysely } from 'kysely';
import { appendOnly } from '../append-only.ts';

/**
 * The staff console: a customer-service role, an append-only audit log of staff actions, notes
 * and tags on contacts, the contact-form inbox's status, and the indexes its lists sort by.
 */
export async function up(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  await allowServiceRole(db, dialect);

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    // The account is kept as an id and an address: the address stays readable if the account goes.
    .addColumn('actor_account_id', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text')
    .addColumn('subject_id', 'text')
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('data', 'text')
    .execute();
  await db.schema.createIndex('audit_log_time').on('audit_log').column('created_at').execute();
  await db.schema.createIndex('audit_log_subject').on('audit_log').columns(['subject_type', 'subject_id']).execute();
  await appendOnly(db, dialect, 'audit_log');

  await db.schema.alterTable('contacts').addColumn('notes', 'text').execute();
  await db.schema
    .createTable('contact_tags')
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_tags_pk', ['contact_id', 'tag'])
    .execute();
  await db.schema.createIndex('contact_tags_tag').on('contact_tags').column('tag').execute();

  // A message with no row here is new.
  await db.schema
    .createTable('message_handling')
    .addColumn('activity_id', 'text', (c) => c.primaryKey().references('activities.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('new', 'answered', 'closed')`))
    .addColumn('handled_by', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createIndex('contacts_created').on('contacts').column('created_at').execute();
  await db.schema.createIndex('activities_type').on('activities').columns(['type', 'created_at']).execute();
  await db.schema.createIndex('orders_status').on('orders').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('orders_created').on('orders').column('created_at').execute();
  // Segments read every counted order's customer, date and total: covered, it is an index-only scan.
  await db.schema.createIndex('orders_segments').on('orders').columns(['contact_id', 'created_at', 'status', 'total_cents']).execute();
  await db.schema.createIndex('contacts_kind').on('contacts').columns(['kind', 'created_at']).execute();
  await db.schema.createIndex('list_subscriptions_list').on('list_subscriptions').columns(['list', 'status']).execute();
  await db.schema.createIndex('accounts_role').on('accounts').column('role').execute();
  // Sent mail is never deleted: the console's lists by status must not sort all of it.
  await db.schema.createIndex('mail_outbox_status_created').on('mail_outbox').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('faq_questions_status_created').on('faq_questions').columns(['status', 'created_at']).execute();
  // A contact's page reads the mail sent to their address and their sign-ins.
  await db.schema.createIndex('mail_outbox_to').on('mail_outbox').columns(['to_address', 'created_at']).execute();
  await db.schema.createIndex('sessions_account').on('sessions').columns(['account_id', 'created_at']).execute();
}

const ROLE_CHECK = sql`role in ('customer', 'service', 'editor', 'admin')`;

/** Widens the role check. SQLite cannot alter a check, so the table is rebuilt (its documented twelve steps). */
async function allowServiceRole(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  if (dialect === 'postgres') {
    await sql`alter table accounts drop constraint if exists accounts_role_check`.execute(db);
    await sql`alter table accounts add constraint accounts_role_check check (${ROLE_CHECK})`.execute(db);
    return;
  }
  // SQLite migrations run outside a transaction on the store's one connection, so the foreign-key
  // switch (refused inside a transaction) holds for this connection and the rebuild is atomic.
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql`begin immediate`.execute(db);
    try {
      await db.schema
        .createTable('accounts_rebuilt')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('contact_id', 'text', (c) => c.notNull().unique().references('contacts.id'))
        .addColumn('role', 'text', (c) => c.notNull().check(ROLE_CHECK))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await sql`insert into accounts_rebuilt (id, contact_id, role, created_at) select id, contact_id, role, created_at from accounts`.execute(db);
      await sql`drop table accounts`.execute(db);
      await sql`alter table accounts_rebuilt rename to accounts`.execute(db);
      const broken = await sql`pragma foreign_key_check`.execute(db);
      if (broken.rows.length > 0) throw new Error(`Rebuilding accounts broke ${broken.rows.length} foreign keys`);
      await sql`commit`.execute(db);
    } catch (error) {
      await sql`rollback`.execute(db);
      throw error;
    }
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}
