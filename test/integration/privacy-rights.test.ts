import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { load } from 'cheerio';
import { FileSystemConfigLoader, HtmlValidate, type Report } from 'html-validate';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LINK_REFUSED } from '../../integrations/rapport/core/security/tokens.ts';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { recordActivity } from '../../integrations/rapport/core/store/timeline.ts';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { formClient, raw, type Answer } from '../helpers/form-client.ts';
import { signedIn } from '../helpers/staff.ts';
import { englishAround } from '../helpers/english-words.ts';
import { drivers } from '../helpers/store-drivers.ts';

const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const distDir = inject('referenceBuild');
const HOUR = 3_600_000;
// The repository's .htmlvalidate.json: html-validate's recommended preset.
const validator = new HtmlValidate(new FileSystemConfigLoader());
const messages = (report: Report) => report.results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`));

/** The value a `Set-Cookie` answer gives `name`, and its attributes. */
function setCookie(answer: Answer, name: string) {
  const header = [answer.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith(`${name}=`));
  if (!header) return undefined;
  return { value: header.slice(name.length + 1).split(';')[0]!, header };
}

/** Every `Set-Cookie` answer for `name` (one per path), in order. */
const setCookies = (answer: Answer, name: string) =>
  [answer.headers['set-cookie'] ?? []]
    .flat()
    .flatMap((header) => (header.startsWith(`${name}=`) ? [{ value: header.slice(name.length + 1).split(';')[0]!, header }] : []));

/** The `t` of the first `/privacy/my-data?t=…` link in a text. */
const linkToken = (text: string) => {
  const match = /https?:\/\/[^\s"<>]+\/privacy\/my-data\?t=([A-Za-z0-9_-]+)/.exec(text);
  if (!match) throw new Error(`No privacy link in:\n${text}`);
  return match[1]!;
};

/** The rights a person uses alone: on the account page, through a mailed link, and staff's side in the console. */
describe.each(drivers)('privacy rights on $name', (driver) => {
  let tmp: string;
  let running: RunningServer;
  let base: string;
  let client: ReturnType<typeof formClient>;
  // The server's clock, moved by the tests (links and sessions expire by it).
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  const db = () => running.store.db;

  const post = (p: string, fields: Record<string, string>, cookie = '', headers: Record<string, string> = {}) =>
    raw(base + p, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, ...(cookie ? { cookie } : {}), ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  const get = (p: string, cookie = '') => raw(base + p, { headers: cookie ? { cookie } : {} });
  const contactRow = (id: string) => db().selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const requestsOf = (id: string) => db().selectFrom('privacy_requests').selectAll().where('contact_id', '=', id).orderBy('created_at').execute();
  const outboxTo = (address: string) => db().selectFrom('mail_outbox').selectAll().where('to_address', '=', address).orderBy('created_at').execute();
  const customer = async (name = 'Ann Customer') => {
    const who = await signedIn(db(), 'customer', `ann-${randomUUID().slice(0, 8)}@example.com`, clock);
    await db().updateTable('contacts').set({ name }).where('id', '=', who.contactId).execute();
    return who;
  };

  beforeAll(async () => {
    await driver.setup();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-privacy-rights-'));
    running = await startServer({
      distDir,
      port: 0,
      host: '127.0.0.1',
      store: driver.options(),
      secret: SECRET,
      projectRoot: tmp,
      clock,
      rateLimits: { perIp: { points: 10_000, duration: 600 } },
    });
    base = serverUrl(running.server);
    client = formClient(base, SECRET);
  });
  afterAll(async () => {
    await running?.close();
    await driver.teardown();
    await rm(tmp, { recursive: true, force: true });
  });

  describe('on the account page', () => {
    it('shows “Your information” with the download, correction and deletion forms', async () => {
      const ann = await customer();
      const page = await get('/account/', ann.cookie);
      expect(page.status).toBe(200);
      const $ = load(page.text);
      expect($('#your-information h2').text()).toBe('Your information');
      expect(
        $('form[action="/account/my-data"][method=post] button[name=format]')
          .map((_, b) => $(b).attr('value'))
          .get(),
      ).toEqual(['json', 'html']);
      expect($('form[action="/account/details"] input[name=name]').attr('value')).toBe('Ann Customer');
      expect($('form[action="/account/details"] select[name=kind] option').length).toBe(5);
      expect($('form[action="/account/delete"] input[name=confirm][type=checkbox]')).toHaveLength(1);
      // What erasure keeps is said before the button.
      expect($('#your-information').text()).toContain('keyed fingerprint of your e-mail address');
    });

    it('downloads everything held about the person as a JSON file, and records the request', async () => {
      const ann = await customer();
      await recordActivity(db(), { contactId: ann.contactId, type: 'note', summary: 'Asked about tulips' }, clock());
      const answer = await post('/account/my-data', { format: 'json' }, ann.cookie);
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(answer.headers['content-disposition']).toMatch(/^attachment; filename="chinookbulbfarm\.ca-my-data-\d{4}-\d{2}-\d{2}\.json"$/);
      expect(answer.headers['cache-control']).toBe('private, no-store');
      const data = JSON.parse(answer.text) as {
        site: string;
        exportedAt: string;
        person: { email: string };
        tables: Record<string, Array<Record<string, unknown>>>;
      };
      expect(data.site).toBe('https://www.chinookbulbfarm.ca');
      expect(Date.parse(data.exportedAt)).not.toBeNaN();
      expect(data.person.email).toBe(ann.email);
      expect(data.tables.contacts!.map((c) => c.id)).toEqual([ann.contactId]);
      expect(data.tables.accounts!.map((a) => a.id)).toEqual([ann.accountId]);
      expect(data.tables.activities!.map((a) => a.summary)).toContain('Asked about tulips');
      // Nothing of another person.
      expect([...new Set(answer.text.match(/[\w.+-]+@example\.com/g))]).toEqual([ann.email]);
      const requests = await requestsOf(ann.contactId);
      expect(requests.map((r) => [r.kind, r.via, r.status])).toEqual([['access', 'account', 'done']]);
    });

    it('shows the same as a page, every value as text', async () => {
      const ann = await customer('<script>alert("x")</script> & <b>Co</b>');
      const answer = await post('/account/my-data', { format: 'html' }, ann.cookie);
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toMatch(/^text\/html/);
      expect(answer.text).not.toContain('<script>alert("x")</script>');
      expect(answer.text).not.toContain('<b>Co</b>');
      expect(answer.text).toContain('&lt;script&gt;');
      const $ = load(answer.text);
      expect(
        $('h3')
          .map((_, h) => $(h).text())
          .get()
          .join('\n'),
      ).toContain('Your details');
      expect(
        $('dd')
          .map((_, d) => $(d).text())
          .get(),
      ).toContain('<script>alert("x")</script> & <b>Co</b>');
    });

    it('takes the download only by POST from a signed-in person, with the form’s own field', async () => {
      const ann = await customer();
      const read = await get('/account/my-data', ann.cookie);
      expect(read.status).toBe(405);
      expect(read.headers.allow).toBe('POST');
      expect((await post('/account/my-data', { format: 'json' })).headers.location).toBe('/account/sign-in');
      const unknown = await post('/account/my-data', { format: 'json', other: 'x' }, ann.cookie);
      expect(unknown.status).toBe(422);
      expect(unknown.text).toContain('does not have the field “other”');
      expect((await post('/account/my-data', { format: 'xml' }, ann.cookie)).status).toBe(422);
      expect((await post('/account/my-data', { format: 'json' }, ann.cookie, { origin: 'https://evil.example' })).status).toBe(403);
      // None of these recorded a request.
      expect(await requestsOf(ann.contactId)).toEqual([]);
    });

    it('corrects name, organisation and kind through the strict form, on the timeline and as a request', async () => {
      const ann = await customer();
      const saved = await post('/account/details', { name: 'Ann Archer', organisation: 'Prairie Gardens', kind: 'supplier' }, ann.cookie);
      expect(saved.status).toBe(303);
      expect(saved.headers.location).toBe('/account/?saved=details#your-information');
      const row = await contactRow(ann.contactId);
      expect([row.name, row.organisation, row.kind]).toEqual(['Ann Archer', 'Prairie Gardens', 'supplier']);
      const activities = await db().selectFrom('activities').selectAll().where('contact_id', '=', ann.contactId).execute();
      expect(activities.map((a) => a.type)).toEqual(['corrected']);
      expect(activities[0]!.summary).toContain('name, organisation, kind');
      expect((await requestsOf(ann.contactId)).map((r) => [r.kind, r.status])).toEqual([['correction', 'done']]);
      expect(load((await get('/account/?saved=details', ann.cookie)).text)('.notice').text()).toContain('Your details are saved');
      // The same again changes nothing and records nothing.
      expect(
        (await post('/account/details', { name: 'Ann Archer', organisation: 'Prairie Gardens', kind: 'supplier' }, ann.cookie)).headers.location,
      ).toContain('saved=unchanged');
      expect(await requestsOf(ann.contactId)).toHaveLength(1);
    });

    it('refuses a correction with a foreign field, a wrong kind or no name, with a message and nothing changed', async () => {
      const ann = await customer();
      const foreign = await post('/account/details', { name: 'Ann', kind: 'customer', role: 'admin' }, ann.cookie);
      expect(foreign.status).toBe(422);
      expect(load(foreign.text)('.form-message').text()).toContain('This form does not have the field “role”');
      const kind = await post('/account/details', { name: 'Ann', kind: 'emperor' }, ann.cookie);
      expect(kind.status).toBe(422);
      expect(kind.text).toContain('Choose one of the options.');
      const empty = await post('/account/details', { name: '', kind: 'customer' }, ann.cookie);
      expect(empty.status).toBe(422);
      expect(empty.text).toContain('Enter your name.');
      const twoLines = await post('/account/details', { name: 'Ann\r\nBcc: x@example.com' }, ann.cookie);
      expect(twoLines.status).toBe(422);
      expect((await contactRow(ann.contactId)).name).toBe('Ann Customer');
      expect((await post('/account/details', { name: 'Nobody' })).headers.location).toBe('/account/sign-in');
    });

    it('deletes the account and data, ends the session and says what is kept; twice is harmless', async () => {
      const ann = await customer('Ann Deleter');
      const wrong = await post('/account/delete', { email: 'someone-else@example.com', confirm: 'yes' }, ann.cookie);
      expect(wrong.status).toBe(422);
      expect(wrong.text).toContain('not the address of this account');
      const unticked = await post('/account/delete', { email: ann.email }, ann.cookie);
      expect(unticked.status).toBe(422);
      expect(unticked.text).toContain('Tick the box');
      expect((await contactRow(ann.contactId)).erased_at).toBeNull();

      const done = await post('/account/delete', { email: ann.email.toUpperCase(), confirm: 'yes' }, ann.cookie);
      expect(done.status).toBe(303);
      expect(done.headers.location).toBe('/account/deleted');
      expect(setCookie(done, 'rapport_session')?.header).toMatch(/Max-Age=0/);
      const row = await contactRow(ann.contactId);
      expect(row.erased_at).not.toBeNull();
      expect(row.email).not.toContain('ann-');
      expect(row.name).toBe('');
      expect((await requestsOf(ann.contactId)).map((r) => [r.kind, r.via, r.status])).toEqual([['erasure', 'account', 'done']]);
      expect(await db().selectFrom('erased_addresses').select('hash').where('contact_id', '=', ann.contactId).execute()).toHaveLength(1);
      // The session is gone with the account.
      expect((await get('/account/', ann.cookie)).headers.location).toBe('/account/sign-in');
      const result = await get('/account/deleted');
      expect(result.status).toBe(200);
      expect(result.text).toContain('Your account is deleted');
      expect(result.text).toContain('keyed fingerprint of your e-mail address');
      // Sent again (a double click, a replay): the same place, nothing else done.
      const again = await post('/account/delete', { email: ann.email, confirm: 'yes' }, ann.cookie);
      expect(again.status).toBe(303);
      expect(again.headers.location).toBe('/account/sign-in');
      expect(await requestsOf(ann.contactId)).toHaveLength(1);
    });

    it('refuses to delete a staff member’s account, saying why', async () => {
      const staff = await signedIn(db(), 'service', undefined, clock);
      const answer = await post('/account/delete', { email: staff.email, confirm: 'yes' }, staff.cookie);
      expect(answer.status).toBe(409);
      expect(load(answer.text)('.form-message').text()).toContain('staff member');
      expect((await contactRow(staff.contactId)).erased_at).toBeNull();
    });
  });

  describe('through a mailed link', () => {
    async function ask(email: string) {
      const answer = await client.post('/privacy/request', { email });
      expect(answer.status, answer.text.slice(0, 300)).toBe(303);
      return answer;
    }
    async function openLink(token: string) {
      const answer = await post('/privacy/my-data', { token });
      return { answer, cookie: setCookie(answer, 'rapport_privacy') };
    }

    it('answers a known and an unknown address alike, and mails only the known one', async () => {
      const known = await upsertContact(db(), { email: `known-${randomUUID().slice(0, 8)}@example.com`, name: 'Known Person' });
      const unknownAddress = `nobody-${randomUUID().slice(0, 8)}@example.com`;
      const a = await ask(known.email);
      const b = await ask(unknownAddress);
      expect(a.headers.location).toBe('/privacy/request/sent');
      expect(b.headers.location).toBe(a.headers.location);
      expect(a.text).toBe(b.text);
      expect(await outboxTo(unknownAddress)).toEqual([]);
      const mails = await outboxTo(known.email);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.text_body).toContain('/privacy/my-data?t=');
      // An unconfirmed address gets our words only: no name typed by anyone.
      expect(mails[0]!.text_body).not.toContain('Known Person');
      expect((await requestsOf(known.id)).map((r) => [r.kind, r.via, r.status])).toEqual([['link', 'link', 'open']]);
      const [request] = await requestsOf(known.id);
      expect(Date.parse(request!.due_at) - Date.parse(request!.created_at)).toBe(30 * 24 * HOUR);
      const sent = await get('/privacy/request/sent');
      expect(sent.text).toContain('If we hold information for this address');
      // A second ask within the per-address limit: the same answer, no second mail.
      await ask(known.email);
      expect(await outboxTo(known.email)).toHaveLength(1);
    });

    it('asks in French: the French page posts to /fr/privacy/request, the French result page, the mail in the contact’s language', async () => {
      const $ = load((await get('/fr/privacy/request')).text);
      expect($('html').attr('lang')).toBe('fr-CA');
      expect($('h1').text()).toBe('Consulter ou supprimer vos renseignements');
      const form = $('form[method=post]');
      expect(form.attr('action')).toBe('/fr/privacy/request');
      expect(form.find('button[type=submit]').text()).toBe('M’envoyer un lien par courriel');
      expect($('main').text()).toContain('Le lien n’est envoyé qu’à l’adresse elle-même');
      expect($('a[href="/fr/privacy#rights"]').text()).toBe('vos droits');
      expect($('main').text()).not.toMatch(/Enter your e-mail|See also|E-mail me a link/);

      const french = await upsertContact(db(), { email: `fr-${randomUUID().slice(0, 8)}@exemple.ca`, name: 'Odile', language: 'fr-CA' });
      const english = await upsertContact(db(), { email: `en-${randomUUID().slice(0, 8)}@example.com`, name: 'Edna', language: 'en-CA' });
      const asked = await client.post('/fr/privacy/request', { email: french.email });
      expect(asked.status).toBe(303);
      expect(asked.headers.location).toBe('/fr/privacy/request/sent');
      const sent = load((await get('/fr/privacy/request/sent')).text);
      expect(sent('html').attr('lang')).toBe('fr-CA');
      expect(sent('h1').text()).toBe('Surveillez votre boîte de réception');
      expect(sent('main').text()).toContain('Le lien fonctionne une fois, dans les 24\u00a0heures.');
      expect(
        sent('.prose a')
          .map((_, a) => sent(a).attr('href'))
          .get(),
      ).toEqual(['/fr/privacy/request', '/fr/privacy#rights', '/fr/']);
      const [mail] = await outboxTo(french.email);
      expect(mail!.subject).toMatch(/^Vos renseignements chez /);
      expect(mail!.text_body).toContain('Quelqu’un, probablement vous, a demandé');
      expect(mail!.text_body).toContain('Voir mes renseignements');
      // The link opens the French page.
      expect(mail!.text_body).toMatch(/https?:\/\/[^/\s]+\/fr\/privacy\/my-data\?t=/);
      expect(mail!.text_body).not.toMatch(/Someone, probably you|See my information/);
      // The address's owner reads the mail in their language, whatever the page's.
      await client.post('/fr/privacy/request', { email: english.email });
      const [theirs] = await outboxTo(english.email);
      expect(theirs!.subject).toMatch(/^Your information at /);
      expect(theirs!.text_body).toContain('Someone, probably you, asked on our privacy page');
      expect(theirs!.text_body).toMatch(/https?:\/\/[^/\s]+\/privacy\/my-data\?t=/);
      expect(theirs!.text_body).not.toContain('/fr/');
      // The English page as it was.
      const en = load((await get('/privacy/request')).text);
      expect(en('h1').text()).toBe('See or delete your information');
      expect(en('form[method=post]').attr('action')).toBe('/privacy/request');
      expect(en('a[href="/privacy#rights"]').text()).toBe('your rights');
    });

    it('sends a bot caught by the honeypot to the same page, mailing nothing', async () => {
      const person = await upsertContact(db(), { email: `bot-${randomUUID().slice(0, 8)}@example.com`, name: 'Bo Target' });
      const answer = await client.post('/privacy/request', { email: person.email, homepage: 'https://spam.example' });
      expect(answer.status).toBe(303);
      expect(answer.headers.location).toBe('/privacy/request/sent');
      expect(await outboxTo(person.email)).toEqual([]);
      expect(await requestsOf(person.id)).toEqual([]);
      // The form itself carries the traps.
      const $ = load((await get('/privacy/request')).text);
      expect($('form[action="/privacy/request"] input[name=homepage]')).toHaveLength(1);
      expect($('form[action="/privacy/request"] input[name=shown]').attr('value')).toMatch(/^\d+\./);
    });

    it('opens the data with the link once: the page (GET) uses nothing, its button does', async () => {
      const person = await upsertContact(db(), { email: `link-${randomUUID().slice(0, 8)}@example.com`, name: 'Lena Link' });
      await ask(person.email);
      const token = linkToken((await outboxTo(person.email))[0]!.text_body);
      for (let i = 0; i < 2; i++) {
        const page = await get(`/privacy/my-data?t=${token}`);
        expect(page.status).toBe(200);
        expect(load(page.text)('form[action="/privacy/my-data"] input[name=token]').attr('value')).toBe(token);
      }
      const { answer, cookie } = await openLink(token);
      expect(answer.status).toBe(303);
      expect(answer.headers.location).toBe('/privacy/my-data');
      expect(cookie!.header).toMatch(/HttpOnly/i);
      expect(cookie!.header).toMatch(/SameSite=Lax/i);
      expect(cookie!.header).toMatch(/Path=\/privacy(;|$)/);
      expect(cookie!.header).toMatch(/Max-Age=3600/);
      expect((await requestsOf(person.id)).map((r) => r.status)).toEqual(['done']);

      const jar = `rapport_privacy=${cookie!.value}`;
      const page = await get('/privacy/my-data', jar);
      expect(page.status).toBe(200);
      const $ = load(page.text);
      expect($('strong').text()).toContain(person.email);
      expect($('form[action="/privacy/my-data/download"] button[name=format]')).toHaveLength(2);
      expect($('form[action="/privacy/my-data/delete"] input[name=confirm]')).toHaveLength(1);
      const file = await post('/privacy/my-data/download', { format: 'json' }, jar);
      expect(file.status).toBe(200);
      expect(file.headers['content-disposition']).toContain('attachment');
      expect((JSON.parse(file.text) as { tables: { contacts: Array<{ id: string }> } }).tables.contacts[0]!.id).toBe(person.id);
      expect((await post('/privacy/my-data/download', { format: 'html' }, jar)).text).toContain('Lena Link');

      // The link is spent: the page says so, and so does its button.
      const spentPage = await get(`/privacy/my-data?t=${token}`);
      expect(spentPage.status).toBe(400);
      expect(spentPage.text).toContain(LINK_REFUSED);
      expect(load(spentPage.text)('a[href="/privacy/request"]')).toHaveLength(1);
      const spent = await openLink(token);
      expect(spent.answer.status).toBe(400);
      expect(spent.answer.text).toContain(LINK_REFUSED);
      expect(spent.cookie).toBeUndefined();
    });

    it('lets a link expire after 24 hours, and the browser’s hour after an hour', async () => {
      const person = await upsertContact(db(), { email: `late-${randomUUID().slice(0, 8)}@example.com`, name: 'Late Larry' });
      await ask(person.email);
      const token = linkToken((await outboxTo(person.email))[0]!.text_body);
      offset += 25 * HOUR;
      try {
        expect((await get(`/privacy/my-data?t=${token}`)).status).toBe(400);
        expect((await openLink(token)).answer.status).toBe(400);
      } finally {
        offset -= 25 * HOUR;
      }
      // Within the day it opens; an hour later the cookie opens nothing.
      const { cookie } = await openLink(token);
      const jar = `rapport_privacy=${cookie!.value}`;
      expect((await post('/privacy/my-data/download', { format: 'json' }, jar)).status).toBe(200);
      offset += HOUR + 60_000;
      try {
        const late = await post('/privacy/my-data/download', { format: 'json' }, jar);
        expect(late.status).toBe(400);
        expect(late.text).toContain('Ask for a new');
        expect((await get('/privacy/my-data', jar)).status).toBe(400);
        expect((await post('/privacy/my-data/delete', { confirm: 'yes' }, jar)).status).toBe(400);
      } finally {
        offset -= HOUR + 60_000;
      }
      expect((await contactRow(person.id)).erased_at).toBeNull();
    });

    it('deletes through the link, and the address is never mailed a link again', async () => {
      const person = await upsertContact(db(), { email: `gone-${randomUUID().slice(0, 8)}@example.com`, name: 'Gina Gone' });
      await ask(person.email);
      const { cookie } = await openLink(linkToken((await outboxTo(person.email))[0]!.text_body));
      const jar = `rapport_privacy=${cookie!.value}`;
      const unticked = await post('/privacy/my-data/delete', {}, jar);
      expect(unticked.status).toBe(422);
      expect(unticked.text).toContain('Tick the box');
      const done = await post('/privacy/my-data/delete', { confirm: 'yes' }, jar);
      expect(done.status).toBe(303);
      expect(done.headers.location).toBe('/privacy/deleted');
      expect(setCookie(done, 'rapport_privacy')?.header).toMatch(/Max-Age=0/);
      expect((await contactRow(person.id)).erased_at).not.toBeNull();
      expect((await requestsOf(person.id)).map((r) => [r.kind, r.status])).toEqual([
        ['link', 'done'],
        ['erasure', 'done'],
      ]);
      expect((await get('/privacy/deleted')).text).toContain('Your information is deleted');
      // The same post again: refused as a spent link, nothing else done.
      const again = await post('/privacy/my-data/delete', { confirm: 'yes' }, jar);
      expect(again.status).toBe(400);
      expect(await requestsOf(person.id)).toHaveLength(2);
      // Asking again for the erased address: the same answer, no mail.
      await ask(person.email);
      expect(await outboxTo(person.email)).toEqual([]);
    });

    it('opens, downloads and deletes in French from a French request’s link, the cookie on the privacy pages only', async () => {
      const person = await upsertContact(db(), { email: `fr-lien-${randomUUID().slice(0, 8)}@exemple.ca`, name: 'Odile Lien', language: 'fr-CA' });
      await client.post('/fr/privacy/request', { email: person.email });
      const token = linkToken((await outboxTo(person.email))[0]!.text_body);
      const french = (answer: Answer, name: string) => {
        const $ = load(answer.text);
        expect($('html').attr('lang'), name).toBe('fr-CA');
        expect(englishAround([{ file: name, $ }]), name).toEqual([]);
        return $;
      };

      // The link's page: one French button, posting to the French page.
      const linkPage = french(await get(`/fr/privacy/my-data?t=${token}`), 'link page');
      expect(linkPage('h1').text()).toBe('Vos renseignements');
      expect(linkPage('main').text()).toContain('Appuyez sur le bouton pour voir ce que nous détenons à votre sujet');
      const open = linkPage('form[method=post]');
      expect(open.attr('action')).toBe('/fr/privacy/my-data');
      expect(open.find('button[type=submit]').text()).toBe('Afficher mes renseignements');
      expect(linkPage('a[href="/fr/privacy/request"]').text()).toBe('Demander un nouveau lien');

      const opened = await post('/fr/privacy/my-data', { token });
      expect(opened.status).toBe(303);
      expect(opened.headers.location).toBe('/fr/privacy/my-data');
      // Sent to the privacy pages of each language (the French ones first), and nowhere else.
      const set = setCookies(opened, 'rapport_privacy');
      expect(set.map((c) => /Path=([^;]+)/i.exec(c.header)?.[1])).toEqual(['/fr/privacy', '/privacy']);
      for (const c of set) expect(c.header).toMatch(/HttpOnly.*SameSite=Lax|SameSite=Lax.*HttpOnly/i);
      const jar = `rapport_privacy=${set[0]!.value}`;

      // The choices, in French: download, correct, delete, each form posting under /fr/.
      const $ = french(await get('/fr/privacy/my-data', jar), 'choices');
      expect($('strong').text()).toBe(person.email);
      expect($('main').text()).toContain('Ces pages fonctionnent dans ce navigateur pendant une heure');
      expect(
        $('main h2')
          .map((_, h) => $(h).text())
          .get(),
      ).toEqual(['Télécharger mes données', 'Les corriger', 'Supprimer mes renseignements']);
      expect(
        $('form[action="/fr/privacy/my-data/download"] button[name=format]')
          .map((_, b) => $(b).text())
          .get(),
      ).toEqual(['Télécharger mes données (JSON)', 'Les afficher dans une page']);
      // The account page in French where the site serves it in French.
      expect(
        $('main a')
          .filter((_, a) => $(a).text() === 'votre page de compte')
          .attr('href'),
      ).toMatch(/^(\/fr)?\/account\/$/);
      // What deleting keeps, as the French statement says it.
      expect($('#my-data-delete ~ ul li').text()).toContain('Une empreinte chiffrée de votre adresse courriel');
      const erase = $('form[action="/fr/privacy/my-data/delete"]');
      expect(erase.find('input[name=confirm]')).toHaveLength(1);
      expect(erase.find('button[type=submit]').text()).toBe('Supprimer mes renseignements');
      expect(erase.find('label').text()).toContain('Je comprends que cette action supprime mes renseignements');
      expect($('main').text()).not.toMatch(/Download my data|Correct it|Delete my information|We keep only|These pages work/);

      const file = await post('/fr/privacy/my-data/download', { format: 'json' }, jar);
      expect(file.status).toBe(200);
      expect((JSON.parse(file.text) as { tables: { contacts: Array<{ id: string }> } }).tables.contacts[0]!.id).toBe(person.id);
      const asPage = french(await post('/fr/privacy/my-data/download', { format: 'html' }, jar), 'data page');
      expect(asPage('h2').first().text()).toBe(`Ce que nous détenons au sujet de ${person.email}`);
      expect(asPage('h3').first().text()).toBe('Vos coordonnées (contacts, 1 enregistrement)');
      expect(
        asPage('dd')
          .map((_, d) => asPage(d).text())
          .get(),
      ).toContain('Odile Lien');
      expect(asPage('a[href="/fr/privacy/my-data"]').text()).toBe('Retour');
      expect(asPage('h2, h3, .my-data > p').text()).not.toMatch(/What we hold|Your details|records?\b|Taken from/);
      // Without the hour's cookie: the short page, in French too.
      const late = await post('/fr/privacy/my-data/download', { format: 'json' });
      expect(late.status).toBe(400);
      const refused = load(late.text);
      expect(refused('html').attr('lang')).toBe('fr-CA');
      expect(refused('h1').text()).toBe('Lien expiré');
      expect(refused('a').attr('href')).toBe('/fr/privacy/request');

      // Deleting: the box unticked is said in French on the French page; ticked, the French result page.
      const unticked = await post('/fr/privacy/my-data/delete', {}, jar);
      expect(unticked.status).toBe(422);
      expect(french(unticked, 'delete unticked')('.form-message, .error').text()).toContain('Cochez la case pour confirmer que vous voulez tout supprimer.');
      const done = await post('/fr/privacy/my-data/delete', { confirm: 'yes' }, jar);
      expect(done.status).toBe(303);
      expect(done.headers.location).toBe('/fr/privacy/deleted');
      expect(setCookies(done, 'rapport_privacy').map((c) => [/Path=([^;]+)/i.exec(c.header)?.[1], /Max-Age=0/i.test(c.header)])).toEqual([
        ['/fr/privacy', true],
        ['/privacy', true],
      ]);
      expect((await contactRow(person.id)).erased_at).not.toBeNull();
      const result = french(await get('/fr/privacy/deleted'), 'deleted');
      expect(result('h1').text()).toBe('Vos renseignements sont supprimés');
      expect(result('main').text()).toContain('Une empreinte chiffrée de votre adresse courriel');
      expect(
        result('.prose a')
          .map((_, a) => result(a).attr('href'))
          .get(),
      ).toEqual(['/fr/privacy#rights', '/fr/']);

      // The spent link says so in French, with the way to ask again.
      const spent = await get(`/fr/privacy/my-data?t=${token}`);
      expect(spent.status).toBe(400);
      expect(french(spent, 'spent link')('[role=alert]').text()).toContain('Ce lien est expiré ou a déjà servi.');
      // The English pages as they were.
      expect(load((await get('/privacy/deleted')).text)('h1').text()).toBe('Your information is deleted');
    });

    it('is linked from the privacy statement’s rights', async () => {
      const statement = await get('/privacy');
      expect(load(statement.text)('#requests ~ p a[href="/privacy/request"]')).toHaveLength(1);
    });
  });

  it('draws valid pages: the account’s section and its error states, the data as a page, the request and link pages, the console’s', async () => {
    const ann = await customer('Vera <Valid> & Co');
    const admin = await signedIn(db(), 'admin', undefined, clock);
    await upsertContact(db(), { email: `valid-${randomUUID().slice(0, 8)}@example.com`, name: 'Vic Valid' });
    await client.post('/privacy/request', { email: ann.email });
    const token = linkToken((await outboxTo(ann.email))[0]!.text_body);
    const opened = setCookie(await post('/privacy/my-data', { token }), 'rapport_privacy')!;
    const jar = `rapport_privacy=${opened.value}`;
    const erased = await upsertContact(db(), { email: `erased-page-${randomUUID().slice(0, 8)}@example.com`, name: 'Ernie' });
    await post(`/admin/crm/privacy/contacts/${erased.id}`, { intent: 'erase', confirm: 'yes' }, admin.cookie);
    const pages: Array<[string, Promise<Answer>]> = [
      ['/account/', get('/account/', ann.cookie)],
      ['/account/details (mistakes)', post('/account/details', { name: '', kind: 'emperor' }, ann.cookie)],
      ['/account/delete (mistakes)', post('/account/delete', { email: 'nope' }, ann.cookie)],
      ['/account/my-data (page)', post('/account/my-data', { format: 'html' }, ann.cookie)],
      ['/privacy/request', get('/privacy/request')],
      ['/privacy/request (mistakes)', client.post('/privacy/request', { email: 'nope' })],
      ['/privacy/my-data?t=bad', get('/privacy/my-data?t=bad')],
      ['/privacy/my-data (link open)', get('/privacy/my-data', jar)],
      ['/privacy/my-data/delete (mistakes)', post('/privacy/my-data/delete', {}, jar)],
      ['/privacy/my-data/download (page)', post('/privacy/my-data/download', { format: 'html' }, jar)],
      ['/fr/privacy/my-data?t=bad', get('/fr/privacy/my-data?t=bad')],
      ['/fr/privacy/my-data (link open)', get('/fr/privacy/my-data', jar)],
      ['/fr/privacy/my-data/delete (mistakes)', post('/fr/privacy/my-data/delete', {}, jar)],
      ['/fr/privacy/my-data/download (page)', post('/fr/privacy/my-data/download', { format: 'html' }, jar)],
      ['/admin/crm/privacy', get('/admin/crm/privacy?status=all', admin.cookie)],
      ['/admin/crm/contacts/<erased>', get(`/admin/crm/contacts/${erased.id}?done=erased`, admin.cookie)],
    ];
    const problems: string[] = [];
    for (const [name, answer] of pages) {
      const { status, text } = await answer;
      expect(status, name).toBeLessThan(500);
      problems.push(...messages(await validator.validateString(text, name)));
    }
    expect(problems).toEqual([]);
  });

  describe('in the staff console', () => {
    let service: Awaited<ReturnType<typeof signedIn>>;
    let editor: Awaited<ReturnType<typeof signedIn>>;
    let admin: Awaited<ReturnType<typeof signedIn>>;
    beforeAll(async () => {
      service = await signedIn(db(), 'service', undefined, clock);
      editor = await signedIn(db(), 'editor', undefined, clock);
      admin = await signedIn(db(), 'admin', undefined, clock);
    });
    const auditOf = (action: string) => db().selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('created_at').execute();

    it('lists requests, open ones first, overdue marked, and marks one done (audited)', async () => {
      const late = await upsertContact(db(), { email: `overdue-${randomUUID().slice(0, 8)}@example.com`, name: 'Olive Overdue' });
      const created = new Date(clock().getTime() - 40 * 24 * HOUR);
      const id = randomUUID();
      await db()
        .insertInto('privacy_requests')
        .values({
          id,
          contact_id: late.id,
          kind: 'link',
          via: 'link',
          status: 'open',
          created_at: created.toISOString(),
          due_at: new Date(created.getTime() + 30 * 24 * HOUR).toISOString(),
          done_at: null,
          note: null,
        })
        .execute();
      const page = await get('/admin/crm/privacy', service.cookie);
      expect(page.status).toBe(200);
      const $ = load(page.text);
      const row = $('tbody tr').filter((_, tr) => $(tr).text().includes('Olive Overdue'));
      expect(row.hasClass('attention')).toBe(true);
      expect(row.text()).toContain('Overdue');
      expect($('tbody tr').first().find('form input[name=id]').length).toBe(1);
      const today = await get('/admin/crm/', service.cookie);
      expect(load(today.text)('body').text()).toContain('Privacy requests past their due date');

      expect((await post('/admin/crm/privacy', { id }, editor.cookie)).status).toBe(403);
      expect((await get('/admin/crm/privacy', editor.cookie)).status).toBe(403);
      const done = await post('/admin/crm/privacy', { id }, service.cookie);
      expect(done.status).toBe(303);
      expect((await db().selectFrom('privacy_requests').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('done');
      expect((await auditOf('privacy.request-done')).map((a) => a.subject_id)).toContain(late.id);
      const twice = await post('/admin/crm/privacy', { id }, service.cookie);
      expect(twice.status).toBe(409);
      expect((await post('/admin/crm/privacy', { id: 'no-such-request' }, service.cookie)).status).toBe(404);
    });

    it('downloads a contact’s data from their page (audited); an editor may not', async () => {
      const person = await upsertContact(db(), { email: `export-${randomUUID().slice(0, 8)}@example.com`, name: 'Ed Export' });
      const page = load((await get(`/admin/crm/contacts/${person.id}`, service.cookie)).text);
      expect(page(`form[action="/admin/crm/privacy/contacts/${person.id}"] input[name=intent][value=export]`)).toHaveLength(1);
      // Only admins see the erase button.
      expect(page('input[name=intent][value=erase]')).toHaveLength(0);
      expect((await post(`/admin/crm/privacy/contacts/${person.id}`, { intent: 'export' }, editor.cookie)).status).toBe(403);
      const file = await post(`/admin/crm/privacy/contacts/${person.id}`, { intent: 'export' }, service.cookie);
      expect(file.status).toBe(200);
      expect(file.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(file.headers['content-disposition']).toMatch(/attachment; filename="chinookbulbfarm\.ca-contact-/);
      expect((JSON.parse(file.text) as { person: { email: string } }).person.email).toBe(person.email);
      expect((await auditOf('contact.export')).map((a) => [a.subject_id, a.actor])).toContainEqual([person.id, service.email]);
      expect((await get(`/admin/crm/privacy/contacts/${person.id}`, service.cookie)).status).toBe(405);
      expect((await post(`/admin/crm/privacy/contacts/${person.id}`, { intent: 'export', extra: '1' }, service.cookie)).status).toBe(422);
    });

    it('lets an admin erase a contact (audited, shown as erased), never customer service, never a staff member', async () => {
      const person = await upsertContact(db(), { email: `erase-${randomUUID().slice(0, 8)}@example.com`, name: 'Eve Erase' });
      expect((await post(`/admin/crm/privacy/contacts/${person.id}`, { intent: 'erase', confirm: 'yes' }, service.cookie)).status).toBe(403);
      expect((await post(`/admin/crm/privacy/contacts/${person.id}`, { intent: 'erase' }, admin.cookie)).status).toBe(422);
      expect((await contactRow(person.id)).erased_at).toBeNull();
      expect(load((await get(`/admin/crm/contacts/${person.id}`, admin.cookie)).text)('input[name=intent][value=erase]')).toHaveLength(1);
      const done = await post(`/admin/crm/privacy/contacts/${person.id}`, { intent: 'erase', confirm: 'yes' }, admin.cookie);
      expect(done.status).toBe(303);
      expect(done.headers.location).toBe(`/admin/crm/contacts/${person.id}?done=erased`);
      expect((await contactRow(person.id)).erased_at).not.toBeNull();
      const page = await get(`/admin/crm/contacts/${person.id}?done=erased`, admin.cookie);
      const $ = load(page.text);
      expect($('h1').text()).toBe('Erased contact');
      expect(page.text).not.toContain('Eve Erase');
      expect((await auditOf('contact.erase')).map((a) => a.subject_id)).toContain(person.id);
      expect((await requestsOf(person.id)).map((r) => [r.kind, r.via])).toEqual([['erasure', `staff:${admin.email}`]]);
      const list = load((await get('/admin/crm/privacy?status=all', admin.cookie)).text);
      expect(
        list('tbody tr')
          .filter((_, tr) => list(tr).find(`a[href="/admin/crm/contacts/${person.id}"]`).length > 0)
          .text(),
      ).toContain('Erased contact');
      // Twice is harmless; a staff member is refused.
      expect((await post(`/admin/crm/privacy/contacts/${person.id}`, { intent: 'erase', confirm: 'yes' }, admin.cookie)).headers.location).toContain(
        'erased-already',
      );
      const refused = await post(`/admin/crm/privacy/contacts/${service.contactId}`, { intent: 'erase', confirm: 'yes' }, admin.cookie);
      expect(refused.status).toBe(409);
      expect(refused.text).toContain('staff member');
      expect((await contactRow(service.contactId)).erased_at).toBeNull();
    });
  });
});
