import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Role } from '../../integrations/rapport/core/security/roles.ts';
import { createSession, SESSION_COOKIE } from '../../integrations/rapport/core/security/sessions.ts';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import type { Database } from '../../integrations/rapport/core/store/schema.ts';

/**
 * A signed-in person with this role, as the sign-in link would leave them: an account and a
 * session in the store. Returns the `Cookie` header a browser would send, and the ids.
 */
export async function signedIn(db: Kysely<Database>, role: Role, email = `${role}-${randomUUID().slice(0, 8)}@example.com`, clock?: () => Date) {
  const contact = await upsertContact(db, {
    email,
    name: `${role[0]!.toUpperCase()}${role.slice(1)} Person`,
    kind: role === 'customer' ? 'customer' : 'partner',
  });
  const accountId = randomUUID();
  await db.insertInto('accounts').values({ id: accountId, contact_id: contact.id, role, created_at: new Date().toISOString() }).execute();
  const value = await createSession(db, accountId, clock);
  return { cookie: `${SESSION_COOKIE}=${value}`, accountId, contactId: contact.id, email: contact.email };
}
