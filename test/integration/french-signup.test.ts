import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load, type CheerioAPI } from 'cheerio';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readBuildInfo } from '../../integrations/rapport/core/build-info.ts';
import type { RunningServer } from '../../integrations/rapport/server/serve.ts';
import type { formClient } from '../helpers/form-client.ts';
import { tokenOf } from '../helpers/form-client.ts';
import type { smtpSink } from '../helpers/smtp-sink.ts';
import { waitFor, type ReceivedMail } from '../helpers/smtp-sink.ts';
import { servedWithMail } from '../helpers/mail-server.ts';
import { drivers } from '../helpers/store-drivers.ts';

const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const distDir = inject('referenceBuild');
const config = readBuildInfo(distDir).config;
const SITE_NAME = config.site.name;
const main = config.crm.lists[0]!.id;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** The consent wording a page shows above the button, as the ledger must hash it (without the statement link after it). */
const shownConsent = ($: CheerioAPI) => $('form p.consent').contents().first().text().trim();

/**
 * The newsletter sign-up in French, through the running server, a real store and a real SMTP
 * server: the French page posts to /fr/subscribe, the person's language and the French wording's
 * hash are stored, the confirmation mail is French and links to the French confirmation page.
 */
describe.each(drivers)('the sign-up in French on $name', (driver) => {
  let running: RunningServer;
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let client: ReturnType<typeof formClient>;
  const db = () => running.store.db;
  const mailFor = (address: string, subject: string) =>
    waitFor(() => sink.received.find((m) => m.to.includes(address) && m.parsed.subject === subject), `“${subject}” to ${address}`);
  const contactOf = (email: string) => db().selectFrom('contacts').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
  const ledgerOf = (contactId: string) => db().selectFrom('consent_ledger').selectAll().where('contact_id', '=', contactId).orderBy('created_at').execute();
  const page = async (path: string) => {
    const answer = await client.get(path);
    return { status: answer.status, $: load(answer.text) };
  };

  let served: Awaited<ReturnType<typeof servedWithMail>> | undefined;
  beforeAll(async () => {
    served = await servedWithMail(distDir, driver, SECRET, { perIp: { points: 10_000, duration: 600 } });
    ({ running, sink, client } = served);
  });
  afterAll(() => served?.close());

  it('draws /fr/subscribe in French, posting to /fr/subscribe, with the French consent wording', async () => {
    const { status, $ } = await page('/fr/subscribe');
    expect(status).toBe(200);
    expect($('html').attr('lang')).toBe('fr-CA');
    expect($('h1').text()).toBe('S’abonner par courriel');
    const form = $('form[method=post]');
    expect(form.attr('action')).toBe('/fr/subscribe');
    expect($(`label[for=${form.find('input[name=email]').attr('id')}]`).text()).toBe('Adresse courriel');
    expect(form.find('fieldset legend').text()).toBe('Envoyez-moi');
    expect(form.find('button[type=submit]').text()).toBe('M’abonner');
    expect(shownConsent($)).toBe(
      `J’accepte de recevoir de ${SITE_NAME} les courriels cochés ci-dessus. Chaque message contient un lien de désabonnement en un clic. La façon dont nous traitons votre adresse est décrite dans notre politique de confidentialité.`,
    );
    // The English page is as it was.
    const english = await page('/subscribe');
    expect(english.$('html').attr('lang')).toBe('en-CA');
    expect(english.$('form[method=post]').attr('action')).toBe('/subscribe');
    expect(shownConsent(english.$)).toMatch(/^I agree to receive the e-mails ticked above from /);
  });

  it('answers a mistake in French, on the French page', async () => {
    const answer = await client.post('/fr/subscribe', { email: 'pas une adresse', lists: main });
    expect(answer.status).toBe(422);
    const $ = load(answer.text);
    expect($('html').attr('lang')).toBe('fr-CA');
    expect($('form[method=post]').attr('action')).toBe('/fr/subscribe');
    expect($('.form-message p').text()).toBe('Veuillez corriger les champs indiqués ci-dessous.');
    expect($('form .error').first().text()).toBe('Entrez une adresse courriel comme nom@exemple.ca.');
  });

  it('stores fr-CA and the French wording’s hash, mails the confirmation in French, and confirms on French pages', async () => {
    const email = `zoe-${driver.name}@exemple.ca`;
    const french = shownConsent((await page('/fr/subscribe')).$);
    const english = shownConsent((await page('/subscribe')).$);

    const answer = await client.post('/fr/subscribe', { email, name: 'Zoé', lists: main });
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe('/fr/subscribe/check-your-inbox');
    const inbox = await page('/fr/subscribe/check-your-inbox');
    expect(inbox.status).toBe(200);
    expect(inbox.$('html').attr('lang')).toBe('fr-CA');
    expect(inbox.$('h1').text()).toBe('Vérifiez votre boîte de réception pour confirmer');
    expect(inbox.$('.prose a').attr('href')).toBe('/fr/');
    expect((await contactOf(email)).language).toBe('fr-CA');

    const mail = await mailFor(email, `Confirmez votre abonnement à ${SITE_NAME}`);
    expect(mail.parsed.text).toContain('Quelqu’un, sans doute vous, a demandé à recevoir');
    expect(mail.parsed.html).toContain('<html lang="fr-CA">');
    expect(mail.parsed.html).toContain('>Confirmer mon abonnement</a>');
    expect(mail.parsed.html).not.toContain('Or copy this link');
    const token = tokenOf(mail.parsed.text!, '/fr/subscribe/confirm');

    const confirmPage = await page(`/fr/subscribe/confirm?token=${token}`);
    expect(confirmPage.status).toBe(200);
    expect(confirmPage.$('html').attr('lang')).toBe('fr-CA');
    expect(confirmPage.$('h1').text()).toBe('Confirmez votre abonnement');
    expect(confirmPage.$('.prose form[method=post]').attr('action')).toBe('/fr/subscribe/confirm');
    expect(confirmPage.$('.prose form[method=post] button[type=submit]').text()).toBe('Confirmer mon abonnement');

    const confirmed = await client.post('/fr/subscribe/confirm', { token }, { traps: false });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.location).toBe('/fr/subscribe/confirmed');
    const done = await page('/fr/subscribe/confirmed');
    expect(done.$('html').attr('lang')).toBe('fr-CA');
    expect(done.$('h1').text()).toBe('Votre abonnement est confirmé');

    const contact = await contactOf(email);
    const ledger = await ledgerOf(contact.id);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ purpose: `newsletter:${main}`, action: 'granted', form_id: 'subscribe@1', source: 'web:/subscribe', language: 'fr-CA' });
    expect(ledger[0]!.wording_hash).toBe(sha256(french));
    expect(ledger[0]!.wording_hash).not.toBe(sha256(english));

    // The welcome is French too (the list named in French), its list links to the French pages.
    const welcome = await mailFor(
      email,
      `Votre abonnement à ${config.crm.lists[0]!.translations?.['fr-CA']?.label ?? config.crm.lists[0]!.label} est confirmé`,
    );
    expect(welcome.parsed.text).toMatch(/Se désabonner\u00a0: https?:\/\/[^/]+\/fr\/unsubscribe\?token=/);
    const header = welcome.parsed.headerLines.find((h) => h.key === 'list-unsubscribe')?.line.replace(/\r?\n\s+/g, ' ');
    expect(header).toMatch(/^List-Unsubscribe: <https?:\/\/[^/]+\/fr\/unsubscribe\?token=[\w-]+>$/);
    const unsubscribeToken = tokenOf(welcome.parsed.text!, '/fr/unsubscribe');
    tokenOf(welcome.parsed.text!, '/fr/subscribe/preferences');

    // Unsubscribing from the French page: French page, French result, the French button's hash.
    const unsubscribePage = await page(`/fr/unsubscribe?token=${unsubscribeToken}`);
    expect(unsubscribePage.$('h1').text()).toBe('Se désabonner');
    expect(unsubscribePage.$('.prose form[method=post]').attr('action')).toBe('/fr/unsubscribe');
    const left = await client.post('/fr/unsubscribe', { token: unsubscribeToken }, { traps: false });
    expect(left.headers.location).toBe('/fr/unsubscribe/done');
    expect((await page('/fr/unsubscribe/done')).$('h1').text()).toBe('Vous êtes désabonné');
    const withdrawn = (await ledgerOf(contact.id)).find((row) => row.action === 'withdrawn');
    expect(withdrawn).toMatchObject({ language: 'fr-CA', wording_hash: sha256('Me désabonner') });
  });

  it('keeps the English sign-up as it was, and takes a later form’s language as the person’s latest choice', async () => {
    const email = `ann-${driver.name}@example.com`;
    const english = shownConsent((await page('/subscribe')).$);
    const answer = await client.post('/subscribe', { email, lists: main });
    expect(answer.headers.location).toBe('/subscribe/check-your-inbox');
    expect((await contactOf(email)).language).toBe('en-CA');
    const mail: ReceivedMail = await mailFor(email, `Confirm your subscription to ${SITE_NAME}`);
    expect(mail.parsed.text).toContain('Someone, probably you, asked to receive');
    expect(mail.parsed.html).toContain('<html lang="en-CA">');
    expect(mail.parsed.html).toContain('Or copy this link: ');
    const token = tokenOf(mail.parsed.text!, '/subscribe/confirm');
    expect(mail.parsed.text).not.toContain('/fr/');
    const confirmed = await client.post('/subscribe/confirm', { token }, { traps: false });
    expect(confirmed.headers.location).toBe('/subscribe/confirmed');
    const contact = await contactOf(email);
    const [row] = await ledgerOf(contact.id);
    expect(row).toMatchObject({ language: 'en-CA', wording_hash: sha256(english) });

    // The same person later asks a question from the French FAQ form: their mail is French from now on.
    const asked = await client.post('/fr/faq/ask', { question: 'Quand planter les tulipes en Alberta?', email });
    expect(asked.status).toBe(303);
    expect((await contactOf(email)).language).toBe('fr-CA');
    const received = await mailFor(email, 'Nous avons reçu votre question');
    expect(received.parsed.text).toContain('Quand planter les tulipes en Alberta?');
    expect(received.parsed.text).toMatch(/^Bonjour,/);
  });

  it('sends the French contact form’s acknowledgement in French', async () => {
    const email = `luc-${driver.name}@exemple.ca`;
    const sent = await client.post('/fr/contact/message', { name: 'Luc', email, message: 'Avez-vous des bulbes de lis en vrac?' });
    expect(sent.status).toBe(303);
    expect((await contactOf(email)).language).toBe('fr-CA');
    const ack = await mailFor(email, 'Nous avons reçu votre message');
    expect(ack.parsed.text).toContain(`Merci d’avoir écrit à ${SITE_NAME}.`);
  });
});

/** The short sign-up on French static pages posts to the French form. */
describe('the short sign-up on the French home page', () => {
  it('posts to /fr/subscribe and links the French sign-up page, in French', () => {
    const $ = load(readFileSync(path.join(distDir, 'client', 'fr', 'index.html'), 'utf8'));
    const form = $('section.signup form[method=post]');
    expect(form.attr('action')).toBe('/fr/subscribe');
    expect(form.find('button[type=submit]').text()).toBe('M’abonner');
    expect(form.find('a[href="/fr/subscribe"]').text()).toBe('Autres listes et détails');
    expect($('section.signup p').first().text()).toBe('Nous vous envoyons d’abord un lien pour confirmer; rien n’est envoyé avant.');
  });
});
