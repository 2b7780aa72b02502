import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { raw } from '../helpers/form-client.ts';
import { signedIn } from '../helpers/staff.ts';

const distDir = inject('referenceBuild');
const SECRET = 'test-secret-0123456789-0123456789-abcdef';

/** The staff console's frame: who may open what, actions as POSTs that leave an audit entry. */
describe('the staff console', () => {
  let tmp: string;
  let running: RunningServer;
  let base: string;
  let admin: Awaited<ReturnType<typeof signedIn>>;
  let service: Awaited<ReturnType<typeof signedIn>>;
  let editor: Awaited<ReturnType<typeof signedIn>>;
  let customer: Awaited<ReturnType<typeof signedIn>>;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-console-'));
    running = await startServer({ distDir, port: 0, host: '127.0.0.1', store: { sqliteFile: path.join(tmp, 'crm.sqlite') }, secret: SECRET, projectRoot: tmp });
    base = serverUrl(running.server);
    const db = running.store.db;
    admin = await signedIn(db, 'admin');
    service = await signedIn(db, 'service');
    editor = await signedIn(db, 'editor');
    customer = await signedIn(db, 'customer');
  });
  afterAll(async () => {
    await running?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  const get = (p: string, who?: { cookie: string }) => raw(base + p, { headers: who ? { cookie: who.cookie } : {} });
  const post = (p: string, fields: Record<string, string>, who?: { cookie: string }, origin = base) =>
    raw(base + p, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin, ...(who ? { cookie: who.cookie } : {}) },
      body: new URLSearchParams(fields).toString(),
    });

  it('sends people who are not signed in to the sign-in page, and refuses customers', async () => {
    const anonymous = await get('/admin/crm/');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toBe('/account/sign-in');
    const asCustomer = await get('/admin/crm/', customer);
    expect(asCustomer.status).toBe(403);
    expect(asCustomer.text).toContain('Your role (Customer) does not include the staff console');
  });

  it('shows each role the sections it may use, never cached or indexed', async () => {
    const today = await get('/admin/crm/', admin);
    expect(today.status).toBe(200);
    expect(today.headers['cache-control']).toBe('private, no-store');
    expect(today.headers['x-robots-tag']).toBe('noindex');
    expect(today.text).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(today.text).toMatch(/href="\/admin\/crm\/staff"/);
    expect(today.text).toMatch(/href="\/admin\/crm\/audit"/);
    const asEditor = await get('/admin/crm/', editor);
    expect(asEditor.status).toBe(200);
    expect(asEditor.text).not.toMatch(/href="\/admin\/crm\/staff"/);
    expect(asEditor.text).not.toMatch(/href="\/admin\/crm\/audit"/);
    expect((await get('/admin/crm/staff', service)).status).toBe(403);
    expect((await get('/admin/crm/audit', editor)).status).toBe(403);
  });

  it('is linked from the content manager, and links back to it for roles that may use it', async () => {
    expect((await get('/admin/')).text).toContain('<a href="/admin/crm/" class="rapport-console-link">Staff console</a>');
    expect((await get('/admin/crm/', admin)).text).toContain('<a href="/admin/">Content manager</a>');
    expect((await get('/admin/crm/', service)).text).not.toContain('<a href="/admin/">Content manager</a>');
  });

  it('lets an admin add, change and remove staff, mails the new person, and records each action', async () => {
    const refused = await post('/admin/crm/staff', { intent: 'add', email: 'helper@example.com', role: 'service' }, service);
    expect(refused.status).toBe(403);
    expect(await running.store.db.selectFrom('contacts').select('id').where('email', '=', 'helper@example.com').executeTakeFirst()).toBeUndefined();

    const crossSite = await post('/admin/crm/staff', { intent: 'add', email: 'helper@example.com', role: 'service' }, admin, 'https://evil.example');
    expect(crossSite.status).toBe(403);

    const added = await post('/admin/crm/staff', { intent: 'add', email: 'Helper@Example.com', name: 'Hana Helper', role: 'service' }, admin);
    expect(added.status).toBe(303);
    expect(added.headers.location).toBe('/admin/crm/staff?done=added');
    const db = running.store.db;
    const account = await db
      .selectFrom('accounts')
      .innerJoin('contacts', 'contacts.id', 'accounts.contact_id')
      .select(['accounts.id', 'accounts.role'])
      .where('contacts.email', '=', 'helper@example.com')
      .executeTakeFirstOrThrow();
    expect(account.role).toBe('service');
    const mail = await db.selectFrom('mail_outbox').select(['subject', 'text_body']).where('to_address', '=', 'helper@example.com').executeTakeFirstOrThrow();
    expect(mail.subject).toContain('customer service staff');
    expect(mail.text_body).toContain('/account/sign-in/confirm?token=');
    // The admin's page never shows the link.
    const page = await get('/admin/crm/staff?done=added', admin);
    expect(page.text).toContain('Hana Helper');
    expect(page.text).not.toContain('sign-in/confirm');

    expect((await post('/admin/crm/staff', { intent: 'role', account: account.id, role: 'editor' }, admin)).status).toBe(303);
    expect((await post('/admin/crm/staff', { intent: 'remove', account: account.id }, admin)).status).toBe(303);
    expect((await db.selectFrom('accounts').select('role').where('id', '=', account.id).executeTakeFirstOrThrow()).role).toBe('customer');

    const audit = await get('/admin/crm/audit', admin);
    expect(audit.status).toBe(200);
    for (const line of [
      'Gave helper@example.com the Customer service role',
      'Changed helper@example.com from Customer service to Editor',
      'Removed helper@example.com from staff',
    ])
      expect(audit.text).toContain(line);
    const entries = await db.selectFrom('audit_log').select(['actor', 'action']).where('subject_id', '=', account.id).orderBy('created_at').execute();
    expect(entries.map((e) => e.action).sort()).toEqual(['staff.add', 'staff.remove', 'staff.role']);
    expect(new Set(entries.map((e) => e.actor))).toEqual(new Set([admin.email]));
  });

  it('never leaves the site without an admin, and answers unknown accounts with 404', async () => {
    const db = running.store.db;
    const admins = await db.selectFrom('accounts').select('id').where('role', '=', 'admin').execute();
    expect(admins).toHaveLength(1);
    const last = await post('/admin/crm/staff', { intent: 'remove', account: admin.accountId }, admin);
    expect(last.status).toBe(409);
    expect(last.text).toContain('is the only admin');
    expect((await db.selectFrom('accounts').select('role').where('id', '=', admin.accountId).executeTakeFirstOrThrow()).role).toBe('admin');
    expect((await post('/admin/crm/staff', { intent: 'role', account: 'no-such-account', role: 'editor' }, admin)).status).toBe(404);
  });
});
