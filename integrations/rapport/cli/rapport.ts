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
import { findBuildInfo } from '../core/build-info.ts';
import type { Kysely } from 'kysely';
import { loadSecret } from '../core/security/secret.ts';
import { ORDER_STATUSES, type Database, type OrderStatus } from '../core/store/schema.ts';
import { setOrderStatus, shipOrder } from '../features/orders/fulfil.ts';
import { carrierName, OrderError } from '../features/orders/orders.ts';
import { ATTENTION_STATUSES, listOutbox, OUTBOX_STATUSES, retryMail, type OutboxStatus } from '../core/mail/outbox-admin.ts';

const USAGE = `Usage:
  npx rapport users add <email> --role editor|admin [--name "Full Name"]
      Creates (or promotes) a staff account and prints a one-time sign-in link (one hour).
  npx rapport users list
      Lists staff accounts.
  npx rapport orders list [--status received|confirmed|shipped|delivered|cancelled|returned]
      Lists orders, newest first (50).
  npx rapport orders ship <number> <tracking number> [--carrier <id>]
      Marks an order shipped; the carrier is worked out from the number unless given. The
      customer gets one e-mail with the tracking link.
  npx rapport orders status <number> confirmed|delivered|cancelled|returned [--note "..."]
      Moves an order on. Confirmed and cancelled tell the customer; delivered schedules the
      after-sale e-mail.
  npx rapport mail list [--status failed|sending|pending|sent]
      Lists outgoing mail (100): by default what needs attention, failed first, then messages
      being sent (or interrupted) and messages waiting for their next attempt.
  npx rapport mail retry <id>
      Sends a failed (or interrupted) message again: back in the queue, due now, with a fresh
      set of attempts. <id> may be the first characters of the id, as long as they are unique.

The store is DATABASE_URL, else var/rapport.sqlite. Links in mail start with SITE_URL, else the built site's URL;
the sign-in link \`users add\` prints starts with SITE_URL, else the address \`npm start\` is listening on.`;

const STAFF_ROLES = ['editor', 'admin'] as const;

const builtInfo = () => findBuildInfo(path.resolve('dist'));

function siteUrl(): URL {
  if (process.env.SITE_URL) return new URL(process.env.SITE_URL);
  const built = builtInfo();
  if (built) return new URL(built.site);
  throw new Error('Set SITE_URL, or build the site first (npm run build), so links in mail have the right address.');
}

/**
 * Where the person at this terminal can open a link now: SITE_URL, else the address the local
 * server (`npm start`, which writes `var/server.json`) is listening on, else the built site's URL.
 */
function reachableUrl(): URL {
  if (process.env.SITE_URL) return new URL(process.env.SITE_URL);
  const file = path.resolve('var/server.json');
  if (existsSync(file)) {
    const running = JSON.parse(readFileSync(file, 'utf8')) as { url?: string; pid?: number };
    if (running.url && running.pid && isAlive(running.pid)) return new URL(running.url);
  }
  return siteUrl();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' }, carrier: { type: 'string' }, status: { type: 'string' }, note: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [group, command, email] = positionals;
  if (values.help || (group !== 'users' && group !== 'orders' && group !== 'mail') || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const store = openStore({ databaseUrl: process.env.DATABASE_URL, sqliteFile: path.resolve('var/rapport.sqlite') });
  try {
    await migrateToLatest(store);
    if (group === 'orders') return await orders(store.db, command, positionals.slice(2), values);
    if (group === 'mail') return await mail(store.db, command, positionals.slice(2), values);
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
    const site = reachableUrl();
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

async function orders(db: Kysely<Database>, command: string, args: string[], values: { carrier?: string | undefined; status?: string | undefined; note?: string | undefined }): Promise<number> {
  if (command === 'list') {
    if (values.status && !(ORDER_STATUSES as readonly string[]).includes(values.status)) {
      console.error(`--status must be one of ${ORDER_STATUSES.join(', ')}.`);
      return 2;
    }
    let query = db.selectFrom('orders').innerJoin('contacts', 'contacts.id', 'orders.contact_id').select(['orders.number', 'orders.status', 'orders.total_cents', 'orders.currency', 'orders.created_at', 'contacts.email']);
    if (values.status) query = query.where('orders.status', '=', values.status as OrderStatus);
    const rows = await query.orderBy('orders.created_at', 'desc').limit(50).execute();
    for (const o of rows) console.log(`${o.number}  ${o.status.padEnd(9)}  ${(o.total_cents / 100).toFixed(2).padStart(10)} ${o.currency}  ${o.created_at.slice(0, 16).replace('T', ' ')}  ${o.email}`);
    if (rows.length === 0) console.log('No orders.');
    return 0;
  }
  const built = builtInfo();
  if (!built) throw new Error('Build the site first (npm run build): order changes need its options (mail wording, follow-up).');
  const services = { db, config: built.config, site: siteUrl(), secret: loadSecret({ env: process.env.RAPPORT_SECRET, file: path.resolve('var/rapport-secret') }), clock: () => new Date() };
  const [number, arg] = args;
  if (!number || !arg) {
    console.error(USAGE);
    return 2;
  }
  const actor = `staff:${process.env.USER ?? 'cli'}`;
  try {
    if (command === 'ship') {
      const choice = await shipOrder(services, number, arg, { carrier: values.carrier, actor });
      console.log(
        choice.url
          ? `Order ${number} is shipped with ${carrierName(choice.carrier)} (${choice.confidence === 'high' ? 'check digit matches' : choice.confidence === 'staff' ? 'as given' : 'format matches'}); the customer gets the tracking link:\n${choice.url}`
          : `Order ${number} is shipped. No carrier recognises ${choice.number}, so it is stored without a link and the customer is told so. Give the carrier with --carrier <id> to link it.`,
      );
      return 0;
    }
    if (command === 'status') {
      if (!['confirmed', 'delivered', 'cancelled', 'returned'].includes(arg)) {
        console.error('The status must be confirmed, delivered, cancelled or returned (use "orders ship" for shipped).');
        return 2;
      }
      await setOrderStatus(services, number, arg as 'confirmed' | 'delivered' | 'cancelled' | 'returned', { actor, note: values.note });
      console.log(`Order ${number} is ${arg}.`);
      return 0;
    }
  } catch (error) {
    if (error instanceof OrderError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  console.error(`Unknown command "orders ${command}".\n\n${USAGE}`);
  return 2;
}

const when = (iso: string | null) => (iso ? `${iso.slice(0, 19).replace('T', ' ')} UTC` : '');

async function mail(db: Kysely<Database>, command: string, args: string[], values: { status?: string | undefined }): Promise<number> {
  if (command === 'list') {
    if (values.status && !(OUTBOX_STATUSES as readonly string[]).includes(values.status)) {
      console.error(`--status must be one of ${OUTBOX_STATUSES.join(', ')}.`);
      return 2;
    }
    const statuses = values.status ? [values.status as OutboxStatus] : ATTENTION_STATUSES;
    const { entries, total } = await listOutbox(db, { statuses });
    for (const m of entries) {
      const next =
        m.status === 'sent' ? `sent ${when(m.sentAt)}`
        : m.status === 'failed' ? 'gave up'
        : m.status === 'sending' ? (m.interrupted ? `interrupted; resent by the next round` : `being sent; claim until ${when(m.nextAttemptAt)}`)
        : `next attempt ${when(m.nextAttemptAt)}`;
      console.log(`${m.id}  ${m.status.padEnd(7)}  ${String(m.attempts).padStart(2)} attempt${m.attempts === 1 ? ' ' : 's'}  ${next}\n    to ${m.to}: ${m.subject}${m.lastError ? `\n    last error: ${m.lastError.replace(/\s+/g, ' ')}` : ''}`);
    }
    if (total === 0) console.log(values.status ? `No ${values.status} mail.` : 'Nothing waiting: no failed, stuck or pending mail.');
    else console.log(`${entries.length < total ? `First ${entries.length} of ${total}` : `${total}`} message${total === 1 ? '' : 's'}.${entries.some((m) => m.status === 'failed' || m.interrupted) ? ' Send one again with: npx rapport mail retry <id>' : ''}`);
    return 0;
  }
  if (command === 'retry') {
    const [id] = args;
    if (!id) {
      console.error(`Which message? npx rapport mail retry <id> (ids are in "npx rapport mail list").`);
      return 2;
    }
    const result = await retryMail(db, id);
    switch (result.outcome) {
      case 'queued':
        console.log(`Message ${result.id} is queued again${result.was === 'pending' ? ' (it was waiting; now it is due at once)' : ''}: the server sends it within seconds, with a fresh set of attempts.`);
        return 0;
      case 'not-found':
        console.error(`There is no message ${id}.`);
        return 1;
      case 'ambiguous':
        console.error(`More than one message starts with ${id}: ${result.ids.join(', ')}. Give more of the id.`);
        return 1;
      case 'already-sent':
        console.error(`Message ${result.id} was already sent${result.sentAt ? ` (${when(result.sentAt)})` : ''}; not sending it again.`);
        return 1;
      case 'in-flight':
        console.error(`Message ${result.id} is being sent right now (claimed until ${when(result.leaseUntil)}). If that server has stopped, retry after that time.`);
        return 1;
    }
  }
  console.error(`Unknown command "mail ${command}".\n\n${USAGE}`);
  return 2;
}

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  return 1;
});
