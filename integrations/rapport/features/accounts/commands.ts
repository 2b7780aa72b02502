import type { CliCommand } from '../../core/feature.ts';
import { emailAddress } from '../../core/forms/fields.ts';
import { ROLE_LABELS, STAFF_ROLES, type StaffRole } from '../../core/security/roles.ts';
import { recordAudit } from '../../core/store/audit.ts';
import { upsertContact } from '../../core/store/contacts.ts';
import { signInLink } from './sign-in-link.ts';

/** `npx rapport users add|list`: staff accounts, each signed in by a one-time link. */
export const usersCommand: CliCommand = {
  group: 'users',
  usage: `  npx rapport users add <email> --role service|editor|admin [--name "Full Name"]
      Creates (or changes) a staff account (service: customer service, no content manager) and prints a one-time sign-in link (one hour).
  npx rapport users list
      Lists staff accounts. Admins also manage staff in the console, /admin/crm/staff.`,
  options: { role: { type: 'string' }, name: { type: 'string' } },
  async run(command, [email], values, env) {
    if (command === 'list') {
      const staff = await env.db
        .selectFrom('accounts')
        .innerJoin('contacts', 'contacts.id', 'accounts.contact_id')
        .select(['contacts.email', 'contacts.name', 'accounts.role'])
        .where('accounts.role', 'in', [...STAFF_ROLES])
        .orderBy('contacts.email')
        .execute();
      for (const s of staff) console.log(`${s.role.padEnd(8)} ${s.email}${s.name ? ` (${s.name})` : ''}`);
      if (staff.length === 0) console.log('No staff accounts yet: npx rapport users add <email> --role editor');
      return 0;
    }
    if (command !== 'add') {
      console.error(`Unknown command "users ${command}".\n\n${env.usage}`);
      return 2;
    }
    const address = emailAddress().safeParse(email);
    if (!address.success) {
      console.error(`"${email ?? ''}" is not an e-mail address.\n\n${env.usage}`);
      return 2;
    }
    const role = values.role;
    if (typeof role !== 'string' || !(STAFF_ROLES as readonly string[]).includes(role)) {
      console.error(`--role must be service, editor or admin.\n\n${env.usage}`);
      return 2;
    }
    const site = env.reachableUrl();
    const name = typeof values.name === 'string' ? values.name : '';
    const link = await env.db.transaction().execute(async (trx) => {
      const contact = await upsertContact(trx, { email: address.data, name, kind: 'partner' });
      const account = await trx.selectFrom('accounts').select('id').where('contact_id', '=', contact.id).executeTakeFirst();
      const accountId = account?.id ?? crypto.randomUUID();
      if (account)
        await trx
          .updateTable('accounts')
          .set({ role: role as StaffRole })
          .where('id', '=', account.id)
          .execute();
      else
        await trx
          .insertInto('accounts')
          .values({ id: accountId, contact_id: contact.id, role: role as StaffRole, created_at: new Date().toISOString() })
          .execute();
      await recordAudit(
        trx,
        'cli',
        {
          action: 'staff.add',
          subject: { type: 'account', id: accountId },
          summary: `Gave ${contact.email} the ${ROLE_LABELS[role as StaffRole]} role (command line)`,
          data: { email: contact.email, role },
        },
        new Date(),
      );
      return signInLink(trx, { site, clock: () => new Date() }, contact.id);
    });
    console.log(`${address.data} is staff (${ROLE_LABELS[role as StaffRole]}). One-time sign-in link (one hour):\n${link}`);
    return 0;
  },
};
