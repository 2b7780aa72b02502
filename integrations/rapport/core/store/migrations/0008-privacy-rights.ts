import { sql, type Kysely } from 'kysely';
import { appendOnlyUnlessPermitted } from '../append-only.ts';

/**
 * Privacy rights: erased contacts (kept as an id the consent ledger and tax records still point
 * at), the keyed hashes of erased addresses (so no list or import writes to them again), the
 * requests people made, and permits for the two changes the append-only tables accept.
 */
export async function up(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  await db.schema.alterTable('contacts').addColumn('erased_at', 'text').execute();

  await db.schema
    .createTable('erased_addresses')
    // HMAC-SHA256 of the lower-cased address under the site's secret: the address cannot be read
    // back from it, and nobody without the secret can test an address against it.
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
    .addColumn('erased_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('privacy_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('access', 'correction', 'erasure', 'link')`))
    .addColumn('via', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'done')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('done_at', 'text')
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('privacy_requests_open').on('privacy_requests').columns(['status', 'due_at']).execute();

  await db.schema
    .createTable('append_only_permits')
    .addColumn('table_name', 'text', (c) => c.primaryKey())
    .execute();
  await appendOnlyUnlessPermitted(db, dialect, 'consent_ledger');
  await appendOnlyUnlessPermitted(db, dialect, 'audit_log');
}
