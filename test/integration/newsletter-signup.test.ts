import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { load, type CheerioAPI } from 'cheerio';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readBuildInfo } from '../../integrations/rapport/core/build-info.ts';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { subscribeForm } from '../../integrations/rapport/features/newsletter/subscribe.ts';
import { raw, tokenOf } from '../helpers/form-client.ts';

const distDir = inject('referenceBuild');
const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const client = path.join(distDir, 'client');
const config = readBuildInfo(distDir).config;
const issue = readdirSync(path.join(client, 'newsletter'), { withFileTypes: true }).find((d) => d.isDirectory())!.name;
/** The three static pages that carry the short sign-up. */
const PAGES = ['/', '/newsletter/', `/newsletter/${issue}/`];

const built = (page: string): CheerioAPI => load(readFileSync(path.join(client, page, 'index.html'), 'utf8'));
const signup = ($: CheerioAPI) => $('form[action="/subscribe"][method=post]');

/** What a browser sends for a form: hidden inputs and ticked boxes as drawn, text fields as typed. */
function browserPost($: CheerioAPI, typed: Record<string, string>): URLSearchParams {
  const params = new URLSearchParams();
  signup($)
    .find('input[name], select[name], textarea[name]')
    .each((_, el) => {
      const input = $(el);
      const name = input.attr('name')!;
      const type = input.attr('type') ?? 'text';
      if (type === 'checkbox') {
        if (input.is('[checked]')) params.append(name, input.attr('value') ?? 'on');
      } else params.append(name, typed[name] ?? input.attr('value') ?? '');
    });
  return params;
}

/** The short newsletter sign-up drawn on static pages (archive, issues, home), posted as a browser would. */
describe('the newsletter sign-up where people read', () => {
  let tmp: string;
  let running: RunningServer;
  let base: string;
  const db = () => running.store.db;
  const post = (p: string, params: URLSearchParams) =>
    raw(base + p, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base }, body: params.toString() });
  const contactOf = (email: string) => db().selectFrom('contacts').select(['id']).where('email', '=', email).executeTakeFirst();

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-signup-'));
    running = await startServer({ distDir, port: 0, host: '127.0.0.1', store: { sqliteFile: path.join(tmp, 'crm.sqlite') }, secret: SECRET, projectRoot: tmp });
    base = serverUrl(running.server);
  });
  afterAll(async () => {
    await running?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it.each(PAGES)('%s carries the /subscribe form cut down to the address and the main list, with its traps and consent wording', (page) => {
    const $ = built(page);
    const form = signup($);
    expect(form).toHaveLength(1);
    expect(form.find('input[name=email][type=email][required][autocomplete=email]')).toHaveLength(1);
    expect($(`label[for=${form.find('input[name=email]').attr('id')}]`).text()).toBe('E-mail address');
    // The main list only, ticked; the others are on /subscribe.
    const lists = form.find('input[name=lists][type=checkbox]');
    expect(lists.map((_, el) => $(el).attr('value')).get()).toEqual([config.crm.lists[0]!.id]);
    expect(lists.is('[checked]')).toBe(true);
    expect(form.find('input[name=name]')).toHaveLength(0);
    expect(form.find('a[href="/subscribe"]').text()).toBe('More lists and details');
    // Honeypot and the static page's time stamp, as RapportForm draws them.
    expect(form.find('input[name=homepage][tabindex="-1"]')).toHaveLength(1);
    expect(form.find('input[name=shown]').attr('value')).toBe('page');
    // The wording the consent ledger hashes, word for word.
    expect(form.find('p.consent').text().startsWith(subscribeForm(config).consent)).toBe(true);
    expect(form.find('p.consent a[href^="/privacy"]')).toHaveLength(1);
    // No JavaScript comes with it.
    expect(form.find('script')).toHaveLength(0);
    expect(form.find('[onsubmit], [onclick]')).toHaveLength(0);
    // Out of the search index: every issue would match "newsletter by e-mail".
    expect(form.closest('[data-pagefind-ignore]')).toHaveLength(1);
  });

  it.each(PAGES)(
    'a sign-up from %s is accepted: pending on the main list, a confirmation mail, then the consent recorded with the wording shown',
    async (page) => {
      const email = `reader${PAGES.indexOf(page)}@example.com`;
      const $ = built(page);
      const answer = await post('/subscribe', browserPost($, { email }));
      expect(answer.status).toBe(303);
      expect(answer.headers.location).toBe('/subscribe/check-your-inbox');
      const contact = await contactOf(email);
      expect(contact).toBeDefined();
      const subscriptions = await db().selectFrom('list_subscriptions').select(['list', 'status']).where('contact_id', '=', contact!.id).execute();
      expect(subscriptions).toEqual([{ list: config.crm.lists[0]!.id, status: 'pending' }]);
      const mails = await db().selectFrom('mail_outbox').select(['subject', 'text_body']).where('to_address', '=', email).execute();
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toBe(`Confirm your subscription to ${config.site.name}`);

      // The confirmation link's button, then the ledger: the hash of the words the page showed.
      const confirm = await post('/subscribe/confirm', new URLSearchParams({ token: tokenOf(mails[0]!.text_body, '/subscribe/confirm') }));
      expect(confirm.status).toBe(303);
      const ledger = await db().selectFrom('consent_ledger').selectAll().where('contact_id', '=', contact!.id).execute();
      expect(ledger).toHaveLength(1);
      expect(ledger[0]).toMatchObject({
        purpose: `newsletter:${config.crm.lists[0]!.id}`,
        action: 'granted',
        form_id: 'subscribe@1',
        source: 'web:/subscribe',
      });
      const shown = signup($).find('p.consent').contents().first().text().trim();
      expect(ledger[0]!.wording_hash).toBe(createHash('sha256').update(shown).digest('hex'));
    },
  );

  it('a mistake comes back on /subscribe with what was typed, the full form and a fresh time stamp', async () => {
    const answer = await post('/subscribe', browserPost(built('/newsletter/'), { email: 'not an address' }));
    expect(answer.status).toBe(422);
    const $ = load(answer.text);
    const form = signup($);
    expect(form.find('input[name=email]').attr('value')).toBe('not an address');
    expect(form.find('input[name=email]').attr('aria-invalid')).toBe('true');
    expect(form.find('input[name=lists]')).toHaveLength(config.crm.lists.length);
    expect(form.find('input[name=shown]').attr('value')).toMatch(/^\d+\.[\w-]{22}$/);
    expect(await contactOf('not an address')).toBeUndefined();
  });

  it('treats a filled honeypot as a bot, and takes the static stamp on no other form', async () => {
    const bot = browserPost(built('/'), { email: 'bot@example.com', homepage: 'https://spam.example' });
    const trapped = await post('/subscribe', bot);
    expect(trapped.status).toBe(303);
    expect(trapped.headers.location).toBe('/subscribe/check-your-inbox');
    expect(await contactOf('bot@example.com')).toBeUndefined();

    // Other forms are drawn per request only: "page" there is a forged stamp (the decoy, nothing stored).
    const forged = await post('/account/register', new URLSearchParams({ shown: 'page', homepage: '', name: 'Page Stamp', email: 'stamp@example.com' }));
    expect(forged.status).toBe(303);
    expect(await contactOf('stamp@example.com')).toBeUndefined();
    // And on /subscribe any other unsigned value still is.
    const other = browserPost(built('/'), { email: 'other-stamp@example.com', shown: 'static' });
    expect((await post('/subscribe', other)).status).toBe(303);
    expect(await contactOf('other-stamp@example.com')).toBeUndefined();
  });
});
