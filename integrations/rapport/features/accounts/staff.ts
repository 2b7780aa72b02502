import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { composeMail } from '../../core/mail/compose.ts';
import { mailFooter } from '../../core/mail/identity.ts';
import { enqueueMail } from '../../core/mail/outbox.ts';
import { ROLE_DESCRIPTIONS, ROLE_LABELS, STAFF_ROLES, type StaffRole } from '../../core/security/roles.ts';
import type { Services } from '../../core/services.ts';
import type { AuditEntry } from '../../core/store/audit.ts';
import { upsertContact } from '../../core/store/contacts.ts';
import type { Database } from '../../core/store/schema.ts';
import { signInLink } from './sign-in-link.ts';

export interface StaffMember {
  accountId: string;
  contactId: string;
  email: string;
  name: string;
  role: StaffRole;
  since: string;
}

/** Every staff account, by address. */
export async function listStaff(db: Kysely<Database>): Promise<StaffMember[]> {
  const rows = await db
    .selectFrom('accounts')
    .innerJoin('contacts', 'contacts.id', 'accounts.contact_id')
    .select(['accounts.id as accountId', 'contacts.id as contactId', 'contacts.email', 'contacts.name', 'accounts.role', 'accounts.created_at as since'])
    .where('accounts.role', 'in', [...STAFF_ROLES])
    .orderBy('contacts.email')
    .execute();
  return rows as StaffMember[];
}

export type StaffChange = { ok: true; audit: AuditEntry } | { ok: false; error: string; status: number };

type MailServices = Pick<Services, 'config' | 'site' | 'clock'>;

/**
 * Gives an address a staff role (creating the contact and account, or changing a customer's
 * account) and mails the person a one-time sign-in link. The admin never sees the link: only
 * the person at that address can use it.
 */
export async function addStaff(trx: Kysely<Database>, s: MailServices, input: { email: string; name: string; role: StaffRole }): Promise<StaffChange> {
  const contact = await upsertContact(trx, { email: input.email, name: input.name, kind: 'partner' }, s.clock);
  const account = await trx.selectFrom('accounts').select(['id', 'role']).where('contact_id', '=', contact.id).executeTakeFirst();
  if (account && account.role !== 'customer') return { ok: false, error: `${contact.email} is already staff (${ROLE_LABELS[account.role]}).`, status: 409 };
  const now = s.clock().toISOString();
  const accountId = account?.id ?? randomUUID();
  if (account) await trx.updateTable('accounts').set({ role: input.role }).where('id', '=', account.id).execute();
  else await trx.insertInto('accounts').values({ id: accountId, contact_id: contact.id, role: input.role, created_at: now }).execute();
  const link = await signInLink(trx, s, contact.id);
  await enqueueMail(
    trx,
    composeMail({
      to: contact.email,
      subject: `You are now ${ROLE_LABELS[input.role].toLowerCase()} staff at ${s.config.site.name}`,
      greeting: contact.name ? `Hello ${contact.name},` : 'Hello,',
      paragraphs: [`You have been given the ${ROLE_LABELS[input.role]} role on the ${s.config.site.name} website: ${ROLE_DESCRIPTIONS[input.role]}`],
      action: { label: 'Sign in', url: link },
      after: ['The link works once, within an hour. Later, sign in from the website’s sign-in page with this address.'],
      footer: mailFooter(s.config, 'You get this message because an administrator added you to the site’s staff.'),
      accent: s.config.site.accentColor,
    }),
    s.clock,
  );
  return {
    ok: true,
    audit: {
      action: 'staff.add',
      subject: { type: 'account', id: accountId },
      summary: `Gave ${contact.email} the ${ROLE_LABELS[input.role]} role`,
      data: { email: contact.email, role: input.role, was: account?.role ?? null },
    },
  };
}

/**
 * Changes a staff member's role, or with `customer` takes staff rights away (the account stays,
 * as a customer's, and its sessions end). The last admin cannot be demoted, so the site never
 * loses the one person who can manage staff.
 */
export async function changeStaffRole(trx: Kysely<Database>, accountId: string, role: StaffRole | 'customer'): Promise<StaffChange> {
  const account = await trx
    .selectFrom('accounts')
    .innerJoin('contacts', 'contacts.id', 'accounts.contact_id')
    .select(['accounts.id', 'accounts.role', 'contacts.email'])
    .where('accounts.id', '=', accountId)
    .executeTakeFirst();
  if (!account || account.role === 'customer') return { ok: false, error: 'That staff account does not exist (any more).', status: 404 };
  if (account.role === role) return { ok: false, error: `${account.email} already has that role.`, status: 409 };
  if (account.role === 'admin') {
    const admins = await trx
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('role', '=', 'admin')
      .executeTakeFirstOrThrow();
    if (Number(admins.n) <= 1) return { ok: false, error: `${account.email} is the only admin; make someone else admin first.`, status: 409 };
  }
  await trx.updateTable('accounts').set({ role }).where('id', '=', account.id).execute();
  // Rights taken away take effect now, not when a session happens to end.
  if (role === 'customer') await trx.deleteFrom('sessions').where('account_id', '=', account.id).execute();
  return {
    ok: true,
    audit:
      role === 'customer'
        ? { action: 'staff.remove', subject: { type: 'account', id: account.id }, summary: `Removed ${account.email} from staff`, data: { was: account.role } }
        : {
            action: 'staff.role',
            subject: { type: 'account', id: account.id },
            summary: `Changed ${account.email} from ${ROLE_LABELS[account.role]} to ${ROLE_LABELS[role]}`,
            data: { was: account.role, role },
          },
  };
}
