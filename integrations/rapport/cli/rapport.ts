#!/usr/bin/env node
// `npx rapport <command>`: staff accounts and other chores on the CRM store the server uses
// (DATABASE_URL, else var/rapport.sqlite in the current folder).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { emailAddress } from '../core/forms/fields.ts';
import { upsertContact } from '../core/store/contacts.ts';
import { migrateToLatest } from '../core/store/migrate.ts';
import { openStore } from '../core/store/open-store.ts';
import { signInLink } from '../features/accounts/sign-in-link.ts';

const USAGE = `Usage:
  npx rapport users add <email> --role editor|admin [--name "Full Name"]
      Creates (or promotes) a staff account and prints a one-time sign-in link (one hour).
  npx rapport users list
      Lists staff accounts.

The store is DATABASE_URL, else var/rapport.sqlite. Links start with SITE_URL, else the built site's URL.`;

const STAFF_ROLES = ['editor', 'admin'] as const;

function siteUrl(): URL {
  if (process.env.SITE_URL) return new URL(process.env.SITE_URL);
  const built = path.resolve('dist/server/rapport.json');
  if (existsSync(built)) return new URL((JSON.parse(readFileSync(built, 'utf8')) as { site: string }).site);
  throw new Error('Set SITE_URL, or build the site first (npm run build), so the sign-in link has the right address.');
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { role: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  const [group, command, email] = positionals;
  if (values.help || group !== 'users' || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const store = openStore({ databaseUrl: process.env.DATABASE_URL, sqliteFile: path.resolve('var/rapport.sqlite') });
  try {
    await migrateToLatest(store);
    if (command === 'list') {
      const staff = await store.db
        .selectFrom('accounts')
        .innerJoin('contacts', 'contacts.id', 'accounts.contact_id')
        .select(['contacts.email', 'contacts.name', 'accounts.role'])
        .where('accounts.role', 'in', [...STAFF_ROLES])
        .orderBy('contacts.email')
        .execute();
      for (const s of staff) console.log(`${s.role.padEnd(7)} ${s.email}${s.name ? ` (${s.name})` : ''}`);
      if (staff.length === 0) console.log('No staff accounts yet: npx rapport users add <email> --role editor');
      return 0;
    }
    if (command !== 'add') {
      console.error(`Unknown command "users ${command}".\n\n${USAGE}`);
      return 2;
    }
    const address = emailAddress().safeParse(email);
    if (!address.success) {
      console.error(`"${email ?? ''}" is not an e-mail address.\n\n${USAGE}`);
      return 2;
    }
    const role = values.role;
    if (!role || !(STAFF_ROLES as readonly string[]).includes(role)) {
      console.error(`--role must be editor or admin.\n\n${USAGE}`);
      return 2;
    }
    const site = siteUrl();
    const link = await store.db.transaction().execute(async (trx) => {
      const contact = await upsertContact(trx, { email: address.data, name: values.name ?? '', kind: 'partner' });
      const account = await trx.selectFrom('accounts').select('id').where('contact_id', '=', contact.id).executeTakeFirst();
      if (account) await trx.updateTable('accounts').set({ role: role as 'editor' | 'admin' }).where('id', '=', account.id).execute();
      else await trx.insertInto('accounts').values({ id: crypto.randomUUID(), contact_id: contact.id, role: role as 'editor' | 'admin', created_at: new Date().toISOString() }).execute();
      return signInLink(trx, { site, clock: () => new Date() }, contact.id);
    });
    console.log(`${address.data} is ${role === 'admin' ? 'an admin' : 'an editor'}. One-time sign-in link (one hour):\n${link}`);
    return 0;
  } finally {
    await store.close();
  }
}

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  return 1;
});
