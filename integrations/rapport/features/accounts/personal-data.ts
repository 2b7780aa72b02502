import { ErasureRefused } from '../../core/privacy/erasure.ts';
import type { PersonalData } from '../../core/privacy/personal-data.ts';
import { ROLE_LABELS } from '../../core/security/roles.ts';

/**
 * A person's account and the sessions of their browsers. Staff are not erased by a request: their
 * account is what the audit log and the console name, so an admin first takes the staff role away.
 */
export const accountsData = (): PersonalData => ({
  tables: ['accounts', 'sessions'],
  async export(db, person) {
    const accounts = await db.selectFrom('accounts').select(['id', 'role', 'created_at']).where('contact_id', '=', person.contactId).execute();
    const sessions = await db
      .selectFrom('sessions')
      .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
      // The cookie's fingerprint opens nothing and says nothing: only when each session began and ends.
      .select(['sessions.created_at', 'sessions.expires_at'])
      .where('accounts.contact_id', '=', person.contactId)
      .orderBy('sessions.created_at')
      .execute();
    return { accounts, sessions };
  },
  async erase(trx, person) {
    const account = await trx.selectFrom('accounts').select(['id', 'role']).where('contact_id', '=', person.contactId).executeTakeFirst();
    if (!account) return;
    if (account.role !== 'customer') {
      throw new ErasureRefused(
        `${person.email} is a staff member (${ROLE_LABELS[account.role]}): remove their staff role first (Staff in the console), then delete their data.`,
      );
    }
    await trx.deleteFrom('sessions').where('account_id', '=', account.id).execute();
    await trx.deleteFrom('accounts').where('id', '=', account.id).execute();
  },
});
