import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { issueTimeTrap } from '../../integrations/rapport/core/security/spam-traps.ts';
import { issueToken } from '../../integrations/rapport/core/security/tokens.ts';
import { pruneExpired } from '../../integrations/rapport/core/store/prune.ts';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { formClient, raw, tokenOf } from '../helpers/form-client.ts';
import { smtpSink, waitFor } from '../helpers/smtp-sink.ts';
import { drivers } from '../helpers/store-drivers.ts';

const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const SITE = 'https://www.chinookbulbfarm.ca';
const distDir = inject('referenceBuild');

describe.each(drivers)('forms against the running server on $name', (driver) => {
  let running: RunningServer;
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let client: ReturnType<typeof formClient>;
  let tmp: string;
  const db = () => running.store.db;
  const mailTo = (address: string) => sink.received.filter((m) => m.to.includes(address));
  const count = async (table: 'contacts' | 'mail_outbox' | 'activities' | 'consent_ledger') =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    await driver.setup();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-forms-'));
    sink = await smtpSink();
    running = await startServer({
      distDir,
      port: 0,
      host: '127.0.0.1',
      store: driver.options(),
      secret: SECRET,
      mail: { smtpUrl: `smtp://127.0.0.1:${sink.port}`, intervalMs: 100, outbox: { baseDelayMs: 100 } },
      // Every request here comes from 127.0.0.1; the per-IP limit has its own test below.
      rateLimits: { perIp: { points: 10_000, duration: 600 } },
    });
    client = formClient(serverUrl(running.server), SECRET);
  });
  afterAll(async () => {
    await running?.close();
    await sink?.close();
    await driver.teardown();
    await rm(tmp, { recursive: true, force: true });
  });

  it('draws each form from its schema, with a honeypot and a signed time trap', async () => {
    const page = await client.get('/subscribe');
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    const $ = load(page.text);
    expect($('meta[name=robots]').attr('content')).toContain('noindex');
    const form = $('form[action="/subscribe"][method=post]');
    expect(form.find('input[name=email][type=email][required][autocomplete=email]')).toHaveLength(1);
    expect(
      form
        .find('input[name=lists][type=checkbox]')
        .map((_, el) => $(el).attr('value'))
        .get(),
    ).toEqual(['news', 'reminders']);
    expect(form.find('input[name=homepage][tabindex="-1"]')).toHaveLength(1);
    expect(form.find('input[name=shown]').attr('value')).toMatch(/^\d+\.[\w-]{22}$/);
    expect($(`label[for=${form.find('input[name=email]').attr('id')}]`).text()).toBe('E-mail address');
    for (const path of ['/account/register', '/account/sign-in', '/contact/message']) {
      const other = load((await client.get(path)).text);
      expect(other(`form[action="${path}"] button[type=submit]`), path).toHaveLength(1);
    }
  });

  it('subscribes with double opt-in and records the consent exactly', async () => {
    const email = `Ada.${driver.name}@Example.com`;
    const address = email.toLowerCase();
    const sent = await client.post('/subscribe', { email, name: 'Ada', lists: ['news', 'reminders'] });
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe('/subscribe/check-your-inbox');

    const confirmation = await waitFor(() => mailTo(address)[0], 'the confirmation mail');
    expect(confirmation.parsed.subject).toBe('Confirm your subscription to Chinook Bulb Farm');
    const token = tokenOf(confirmation.parsed.text!, '/subscribe/confirm');
    expect(confirmation.parsed.text).toContain(`${SITE}/subscribe/confirm?token=${token}`);
    expect(confirmation.parsed.html).toContain(`${SITE}/subscribe/confirm?token=${token}`);

    // Opening the link (as a mail scanner would, twice) changes nothing; the page's button does.
    for (let i = 0; i < 2; i++) {
      const page = await client.get(`/subscribe/confirm?token=${token}`);
      expect(page.status).toBe(200);
      expect(load(page.text)('form[action="/subscribe/confirm"] input[name=token]').attr('value')).toBe(token);
    }
    const pending = await db()
      .selectFrom('list_subscriptions')
      .innerJoin('contacts', 'contacts.id', 'contact_id')
      .select(['list', 'status'])
      .where('email', '=', address)
      .execute();
    expect(pending.map((r) => r.status)).toEqual(['pending', 'pending']);

    const confirmed = await client.post('/subscribe/confirm', { token }, { traps: false });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.location).toBe('/subscribe/confirmed');
    const contact = await db().selectFrom('contacts').selectAll().where('email', '=', address).executeTakeFirstOrThrow();
    const lists = await db().selectFrom('list_subscriptions').select(['list', 'status']).where('contact_id', '=', contact.id).orderBy('list').execute();
    expect(lists).toEqual([
      { list: 'news', status: 'confirmed' },
      { list: 'reminders', status: 'confirmed' },
    ]);
    const ledger = await db().selectFrom('consent_ledger').selectAll().where('contact_id', '=', contact.id).orderBy('purpose').execute();
    const wording =
      'I agree to receive the e-mails ticked above from Chinook Bulb Farm. Every message has a one-click unsubscribe link. How we handle your address is in our privacy statement.';
    // The wording sits next to a link to the statement and the version shown, which the ledger records.
    const consent = load((await client.get('/subscribe')).text)('p.consent');
    const shown = /\(version ([^)]+)\)\.$/.exec(consent.text())?.[1];
    expect(shown).toMatch(/^\d{4}-\d{2}-\d{2}\+[0-9a-f]{8}$/);
    expect(consent.text()).toBe(`${wording} Privacy statement (version ${shown}).`);
    expect(consent.find('a').attr('href')).toBe('/privacy#purpose-newsletter');
    expect(load((await client.get('/privacy/')).text)('main').text()).toContain(shown);
    expect(ledger.map((r) => [r.purpose, r.action, r.form_id, r.wording_hash, r.policy_version, r.source])).toEqual([
      ['newsletter:news', 'granted', 'subscribe@1', createHash('sha256').update(wording).digest('hex'), shown, 'web:/subscribe'],
      ['newsletter:reminders', 'granted', 'subscribe@1', createHash('sha256').update(wording).digest('hex'), shown, 'web:/subscribe'],
    ]);

    // The welcome is list mail: RFC 2369/8058 headers whose URL is on the configured site.
    const welcome = await waitFor(() => mailTo(address).find((m) => m.parsed.subject?.startsWith('You are subscribed')), 'the welcome mail');
    const header = (key: string) => welcome.parsed.headerLines.find((h) => h.key === key)?.line.replace(/\r?\n\s+/g, ' ');
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    const unsubscribeUrl = /^List-Unsubscribe: <([^>]+)>$/.exec(header('list-unsubscribe') ?? '')![1]!;
    expect(unsubscribeUrl.startsWith(`${SITE}/unsubscribe?token=`)).toBe(true);

    // Re-subscribing a confirmed address: same answer, no new mail.
    const mailsBefore = await count('mail_outbox');
    const again = await client.post('/subscribe', { email, lists: ['news'] });
    expect(again.headers.location).toBe('/subscribe/check-your-inbox');
    expect(await count('mail_outbox')).toBe(mailsBefore);

    // RFC 8058 one-click: POST to the header's URL, no Origin, no cookies; a plain 200, no redirect.
    const oneClick = await raw(client.base + new URL(unsubscribeUrl).pathname + new URL(unsubscribeUrl).search, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect(oneClick.headers.location).toBeUndefined();
    expect(oneClick.headers['set-cookie']).toBeUndefined();
    const news = await db()
      .selectFrom('list_subscriptions')
      .select('status')
      .where('contact_id', '=', contact.id)
      .where('list', '=', 'news')
      .executeTakeFirstOrThrow();
    expect(news.status).toBe('unsubscribed');
    const withdrawn = await db().selectFrom('consent_ledger').selectAll().where('contact_id', '=', contact.id).where('action', '=', 'withdrawn').execute();
    expect(withdrawn.map((r) => [r.purpose, r.source])).toEqual([['newsletter:news', 'mail:one-click']]);
  });

  it('refuses replayed, expired, foreign, unknown and malformed tokens with one answer', async () => {
    const contact = await db().selectFrom('contacts').select('id').executeTakeFirstOrThrow();
    const used = await issueToken(db(), {
      purpose: 'subscribe-confirm',
      contactId: contact.id,
      payload: { lists: ['news'], form: 'subscribe@1', wording: 'x', policy: '1', source: 'test' },
      ttlMs: 60_000,
    });
    expect((await client.post('/subscribe/confirm', { token: used }, { traps: false })).status).toBe(303);
    const expired = await issueToken(db(), { purpose: 'subscribe-confirm', contactId: contact.id, ttlMs: 60_000 }, () => new Date(Date.now() - 120_000));
    const foreign = await issueToken(db(), { purpose: 'sign-in', contactId: contact.id, ttlMs: 60_000 });
    const answers = [];
    for (const token of [used, expired, foreign, 'A'.repeat(43), 'not a token']) {
      const page = await client.get(`/subscribe/confirm?token=${encodeURIComponent(token)}`);
      const post = await client.post('/subscribe/confirm', { token }, { traps: false });
      answers.push([page.status, load(page.text)('[role=alert]').text().trim(), post.status, load(post.text)('[role=alert]').text().trim()]);
      expect(load(page.text)('form[action="/subscribe/confirm"]')).toHaveLength(0);
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]![0]).toBe(400);
    expect(answers[0]![1]).toContain('expired or has already been used');
    // The foreign token was not spent by trying it on the wrong form.
    expect((await db().selectFrom('tokens').select('used_at').where('purpose', '=', 'sign-in').executeTakeFirstOrThrow()).used_at).toBeNull();
  });

  it('answers bad input per field, keeps what was typed, and stores nothing', async () => {
    const before = await count('contacts');
    const bad = await client.post('/contact/message', { name: '', email: 'ada@@example', message: 'short', kind: 'emperor', subject: 'Hi' });
    expect(bad.status).toBe(422);
    const $ = load(bad.text);
    expect($('#contact-name-error').text()).toBe('Enter your name.');
    expect($('#contact-email-error').text()).toBe('Enter an e-mail address like name@example.com.');
    expect($('#contact-message-error').text()).toBe('Write at least 10 characters.');
    expect($('#contact-kind-error').text()).toBe('Choose one of the options.');
    expect($('#contact-email').attr('aria-invalid')).toBe('true');
    expect($('#contact-email').val()).toBe('ada@@example');
    expect($('#contact-subject').val()).toBe('Hi');
    expect($('[role=alert] a[href="#contact-email"]')).toHaveLength(1);

    const extra = await client.post('/subscribe', { email: 'extra@example.com', lists: 'news', admin: 'true' });
    expect(extra.status).toBe(422);
    expect(load(extra.text)('[role=alert] p').text()).toBe('This form does not have the field “admin”. Reload the page and send it again.');

    // Header injection: line breaks in a name or an address never reach a mail header.
    const injected = await client.post('/account/register', { name: 'Eve\r\nBcc: victim@example.com', email: 'eve@example.com\r\nBcc: victim@example.com' });
    expect(injected.status).toBe(422);
    expect(load(injected.text)('#register-name-error').text()).toBe('Write your name on one line.');
    expect(load(injected.text)('#register-email-error').text()).toBe('Enter an e-mail address like name@example.com.');

    const long = await client.post('/contact/message', { name: 'Ada', email: 'long@example.com', message: 'x'.repeat(5001) });
    expect(load(long.text)('#contact-message-error').text()).toContain('at most 5,000 characters');
    const twice = await client.post('/subscribe', { email: ['a@example.com', 'b@example.com'], lists: 'news' });
    expect(load(twice.text)('#subscribe-email-error').text()).toContain('sent more than once');
    expect(await count('contacts')).toBe(before);
  });

  it('stores markup as text and escapes it on every page and in every mail', async () => {
    const name = '<script>alert("x")</script> & Co';
    const email = `markup.${driver.name}@example.com`;
    expect((await client.post('/account/register', { name, email })).status).toBe(303);
    const stored = await db().selectFrom('contacts').select('name').where('email', '=', email).executeTakeFirstOrThrow();
    expect(stored.name).toBe(name);
    const welcome = await waitFor(() => mailTo(email)[0], 'the welcome mail');
    // A name typed on a form is not repeated to an address that has confirmed nothing.
    expect(welcome.parsed.subject).toBe('Welcome to Chinook Bulb Farm');
    expect(welcome.parsed.html).not.toContain('script');
    const token = tokenOf(welcome.parsed.text!, '/account/sign-in/confirm');
    const signedIn = await client.post('/account/sign-in/confirm', { token }, { traps: false });
    const cookie = String(signedIn.headers['set-cookie']).split(';')[0]!;
    const account = await client.get('/account/', { cookie });
    const $ = load(account.text);
    // As text everywhere: no element made of it, and in the correction form's field as typed (quoted, `"` and `&` escaped).
    expect($('script').filter((_, el) => $(el).text().includes('alert')).length).toBe(0);
    expect(account.text.replace(/ value="[^"]*"/g, '')).not.toContain('<script>alert');
    expect($('form[action="/account/details"] input[name=name]').attr('value')).toBe(name);
    expect($('h1').text()).toBe(`Hello, ${name}`);
    // Signed in from the link, the address is confirmed: mail names the person, escaped.
    expect((await client.post('/contact/message', { name, email, message: 'A <b>bold</b> question & more' })).status).toBe(303);
    const ack = await waitFor(() => mailTo(email).find((m) => m.parsed.subject?.startsWith('We received your message')), 'the acknowledgement');
    expect(ack.parsed.text).toContain(`Hello ${name},`);
    expect(ack.parsed.html).not.toMatch(/<script>|<b>bold/);
    expect(ack.parsed.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(ack.parsed.html).toContain('&lt;b&gt;bold&lt;/b&gt;');
  });

  it('registers, signs in by e-mailed link, shows the account, and signs out', async () => {
    const email = `grace.${driver.name}@example.com`;
    expect((await client.get('/account/')).status).toBe(303);
    const registered = await client.post('/account/register', { name: 'Grace Hopper', email, organisation: 'Lacombe Garden Club', kind: 'partner' });
    expect(registered.headers.location).toBe('/account/registered');
    const welcome = await waitFor(() => mailTo(email)[0], 'the welcome mail');
    expect(welcome.parsed.text).toContain('Welcome!');
    expect(welcome.parsed.text).not.toContain('Grace');

    // Registering again looks exactly like registering a new address (both get a link, so that page can say so);
    // signing in with an unknown address looks like signing in with a known one.
    const again = await client.post('/account/register', { name: 'Someone Else', email });
    const unknown = await client.post('/account/sign-in', { email: `nobody.${driver.name}@example.com` });
    expect([again.status, again.headers.location, unknown.status, unknown.headers.location]).toEqual([
      303,
      '/account/registered',
      303,
      '/account/check-your-inbox',
    ]);
    expect((await db().selectFrom('contacts').select('name').where('email', '=', email).executeTakeFirstOrThrow()).name).toBe('Grace Hopper');
    expect(await db().selectFrom('contacts').select('id').where('email', '=', `nobody.${driver.name}@example.com`).executeTakeFirst()).toBeUndefined();

    const token = tokenOf(welcome.parsed.text!, '/account/sign-in/confirm');
    expect((await client.get(`/account/sign-in/confirm?token=${token}`)).status).toBe(200);
    const signedIn = await client.post('/account/sign-in/confirm', { token }, { traps: false });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/account/');
    const setCookie = String(signedIn.headers['set-cookie']);
    expect(setCookie).toMatch(/^rapport_session=[\w-]{43}; /);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).not.toContain('Secure'); // plain HTTP here; behind HTTPS it is Secure
    const cookie = setCookie.split(';')[0]!;
    const page = await client.get('/account/', { cookie });
    expect(page.status).toBe(200);
    const $ = load(page.text);
    expect($('h1').text()).toBe('Hello, Grace Hopper');
    // Who is signed in, without the contact form's "I am" answer dressed up as a role.
    expect($('h1 + p').text()).toBe(`Signed in as ${email} for Lacombe Garden Club.`);

    // Choosing lists on the account page: recorded in the ledger, shown in the history.
    const chose = await client.post('/account/subscriptions', { lists: 'reminders' }, { headers: { cookie }, traps: false });
    expect(chose.headers.location).toBe('/account/?saved=lists');
    const after = load((await client.get('/account/?saved=lists', { cookie })).text);
    expect(after('input[name=lists][value=reminders]').attr('checked')).toBeDefined();
    expect(after('input[name=lists][value=news]').attr('checked')).toBeUndefined();
    expect(after('#account-consent + table tbody tr').text()).toContain('Agreed to receive Planting reminders');

    const out = await client.post('/account/sign-out', {}, { headers: { cookie }, traps: false });
    expect(out.headers.location).toBe('/account/signed-out');
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect((await client.get('/account/', { cookie })).status).toBe(303);
    // The sign-in link worked once.
    expect((await client.post('/account/sign-in/confirm', { token }, { traps: false })).status).toBe(400);
  });

  it('puts an enquiry on the timeline, acknowledges it and notifies staff', async () => {
    const email = `enquiry.${driver.name}@example.com`;
    const sent = await client.post('/contact/message', {
      name: 'Lin',
      email,
      kind: 'supplier',
      subject: 'Peat-free potting mix',
      message: 'Could we supply you?\nWe are in Red Deer.',
    });
    expect(sent.headers.location).toBe('/contact/sent');
    const contact = await db().selectFrom('contacts').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
    expect(contact.kind).toBe('supplier');
    const activity = await db().selectFrom('activities').selectAll().where('contact_id', '=', contact.id).executeTakeFirstOrThrow();
    expect([activity.type, activity.summary, JSON.parse(activity.data!).message]).toEqual([
      'enquiry',
      'Peat-free potting mix',
      'Could we supply you?\nWe are in Red Deer.',
    ]);
    const ack = await waitFor(() => mailTo(email)[0], 'the acknowledgement');
    // Lin's address has confirmed nothing: the note quotes neither the message nor the subject.
    expect(ack.parsed.subject).toBe('We received your message');
    expect(ack.parsed.text).not.toMatch(/Red Deer|Peat-free|\bLin\b/);
    const staff = await waitFor(() => mailTo('hello@chinookbulbfarm.ca').find((m) => m.parsed.subject?.includes('Peat-free')), 'the staff notification');
    expect(staff.parsed.replyTo?.text).toBe(email);
  });

  it('sends bots that fill the honeypot or forge the time trap to the result page and stores nothing', async () => {
    const before = [await count('contacts'), await count('mail_outbox')];
    const honeypot = await client.post('/subscribe', { email: 'bot1@example.com', lists: 'news', homepage: 'http://spam.example' });
    const noTrap = await client.post('/subscribe', { email: 'bot2@example.com', lists: 'news' }, { traps: false, headers: {} });
    const forged = await raw(`${client.base}/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: client.base },
      body: new URLSearchParams({
        shown: issueTimeTrap('another secret, another site, not ours', new Date(Date.now() - 10_000)),
        email: 'bot4@example.com',
        lists: 'news',
      }).toString(),
    });
    for (const answer of [honeypot, noTrap, forged]) expect([answer.status, answer.headers.location]).toEqual([303, '/subscribe/check-your-inbox']);
    expect([await count('contacts'), await count('mail_outbox')]).toEqual(before);
    // A page left open for more than a day: the visitor is asked to send again, with the values kept.
    const stale = await raw(`${client.base}/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: client.base },
      body: new URLSearchParams({ shown: issueTimeTrap(SECRET, new Date(Date.now() - 2 * 86_400_000)), email: 'slow@example.com', lists: 'news' }).toString(),
    });
    expect(stale.status).toBe(422);
    expect(load(stale.text)('#subscribe-email').val()).toBe('slow@example.com');
  });

  it('asks a quick person to send again instead of dropping them, and takes a second quick send', async () => {
    const email = 'autofill@example.com';
    const post = (shown: string) =>
      raw(`${client.base}/subscribe`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: client.base },
        body: new URLSearchParams({ shown, email, name: 'Quick Quinn', lists: 'news' }).toString(),
      });
    // Sent half a second after the form was drawn: nothing stored, the form comes back as sent.
    const quick = await post(issueTimeTrap(SECRET, new Date(Date.now() - 500)));
    expect(quick.status).toBe(422);
    const $ = load(quick.text);
    expect($('[role=alert], .notice').text()).toContain('press the button again');
    expect($('#subscribe-email').val()).toBe(email);
    expect($('input[name=lists][value=news]').attr('checked')).toBeDefined();
    expect(await db().selectFrom('contacts').select('id').where('email', '=', email).executeTakeFirst()).toBeUndefined();
    // Sent again at once from the page it got back: accepted, stored, mailed.
    const again = await post($('input[name=shown]').attr('value')!);
    expect([again.status, again.headers.location]).toEqual([303, '/subscribe/check-your-inbox']);
    expect(await db().selectFrom('contacts').select('id').where('email', '=', email).executeTakeFirst()).toBeDefined();
  });

  it('refuses cross-site posts (403) and oversized bodies (413), storing nothing', async () => {
    const before = await count('contacts');
    const cross = await client.post(
      '/subscribe',
      { email: 'csrf@example.com', lists: 'news' },
      { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } },
    );
    expect(cross.status).toBe(403);
    const noOrigin = await raw(`${client.base}/account/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=A&email=a%40example.com',
    });
    expect(noOrigin.status).toBe(403);
    const started = Date.now();
    const huge = await raw(`${client.base}/contact/message`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: client.base },
      body: Buffer.alloc(10 * 1024 * 1024, 'a'),
    });
    expect(huge.status).toBe(413);
    expect(Date.now() - started).toBeLessThan(5_000);
    const files = await raw(`${client.base}/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: client.base },
      body: 'email=a@example.com',
    });
    expect(files.status).toBe(415);
    expect(await count('contacts')).toBe(before);
  });

  it('takes the same sign-up 50 times at once as one contact and one mail', async () => {
    const email = `burst.${driver.name}@example.com`;
    const answers = await Promise.all(Array.from({ length: 50 }, () => client.post('/subscribe', { email, lists: 'news' })));
    expect(answers.map((a) => `${a.status} ${a.headers.location}`)).toEqual(Array(50).fill('303 /subscribe/check-your-inbox'));
    const contacts = await db().selectFrom('contacts').select('id').where('email', '=', email).execute();
    expect(contacts).toHaveLength(1);
    const mails = await db().selectFrom('mail_outbox').select('id').where('to_address', '=', email).execute();
    expect(mails).toHaveLength(1);
  });

  it('keeps the submission when SMTP is down and sends it when SMTP is back', async () => {
    const port = sink.port;
    await sink.close();
    const email = `smtp-down.${driver.name}@example.com`;
    expect((await client.post('/subscribe', { email, lists: 'news' })).status).toBe(303);
    const failing = await waitFor(
      async () =>
        (await db().selectFrom('mail_outbox').selectAll().where('to_address', '=', email).where('last_error', 'is not', null).executeTakeFirst()) ?? undefined,
      'a failed attempt',
    );
    expect(failing.status).toBe('pending');
    const back = await smtpSink(port);
    sink.received.length = 0;
    Object.assign(sink, { close: back.close, received: back.received });
    const mail = await waitFor(() => back.received.find((m) => m.to.includes(email)), 'the mail after SMTP returned', 20_000);
    expect(mail.parsed.subject).toContain('Confirm your subscription');
    // The sink has the message before the server hears its 250: the row says so a moment later.
    const row = await waitFor(
      async () =>
        (await db().selectFrom('mail_outbox').select('status').where('to_address', '=', email).where('status', '=', 'sent').executeTakeFirst()) ?? undefined,
      'the outbox row marked sent',
    );
    expect(row.status).toBe('sent');
  });

  it('limits posts per IP in the store, so a second server sharing it counts the same posts', async () => {
    // This suite's server took well over 5 posts from 127.0.0.1; a server allowing 5 per window refuses at once.
    const strict = await startServer({
      distDir,
      port: 0,
      host: '127.0.0.1',
      store: driver.options(),
      secret: SECRET,
      rateLimits: { perIp: { points: 5, duration: 600 } },
    });
    try {
      const before = await count('contacts');
      const limited = await formClient(serverUrl(strict.server), SECRET).post('/contact/message', {
        name: 'Kim',
        email: 'kim@example.com',
        message: 'Do you ship tulips to Yukon?',
      });
      expect(limited.status).toBe(429);
      const $ = load(limited.text);
      expect($('[role=alert] p').text()).toMatch(/^Too many forms have been sent from your network .* wait \d+ minutes and send it again\.$/);
      expect($('#contact-message').text()).toBe('Do you ship tulips to Yukon?');
      expect(await count('contacts')).toBe(before);
    } finally {
      await strict.close();
    }
  });

  it('prunes sign-ups nobody confirmed after the expiry, and only those', async () => {
    const email = `never-confirmed.${driver.name}@example.com`;
    await client.post('/subscribe', { email, lists: 'news' });
    const later = () => new Date(Date.now() + 101 * 3_600_000);
    await pruneExpired(db(), 100, later);
    expect(await db().selectFrom('contacts').select('id').where('email', '=', email).executeTakeFirst()).toBeUndefined();
    expect(await db().selectFrom('contacts').select('id').where('email', '=', `ada.${driver.name}@example.com`).executeTakeFirst()).toBeDefined();
    expect(await db().selectFrom('contacts').select('id').where('email', '=', `grace.${driver.name}@example.com`).executeTakeFirst()).toBeDefined();
  });

  it('keeps a contact staff tagged or wrote a note about, and still prunes the rest', async () => {
    const old = () => new Date(Date.now() - 200 * 3_600_000);
    const tagged = await upsertContact(db(), { email: `tagged.${driver.name}@example.com`, name: 'Tagged', kind: 'prospect' }, old);
    await db().insertInto('contact_tags').values({ contact_id: tagged.id, tag: 'trade show', created_at: old().toISOString() }).execute();
    const noted = await upsertContact(db(), { email: `noted.${driver.name}@example.com`, name: 'Noted', kind: 'prospect' }, old);
    await db().updateTable('contacts').set({ notes: 'Met at the Lacombe fair' }).where('id', '=', noted.id).execute();
    const alone = await upsertContact(db(), { email: `alone.${driver.name}@example.com`, name: 'Alone', kind: 'prospect' }, old);
    await pruneExpired(db(), 100);
    const left = await db().selectFrom('contacts').select('id').where('id', 'in', [tagged.id, noted.id, alone.id]).execute();
    expect(left.map((c) => c.id).sort()).toEqual([tagged.id, noted.id].sort());
  });
});
