import { createHash, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { load, type CheerioAPI } from 'cheerio';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { businessTimeZone, formatDateTime } from '../../integrations/rapport/config/time-zone.ts';
import { readBuildInfo } from '../../integrations/rapport/core/build-info.ts';
import type { BuildContext } from '../../integrations/rapport/core/feature.ts';
import type { Services } from '../../integrations/rapport/core/services.ts';
import { faqFeature } from '../../integrations/rapport/features/faq/feature.ts';
import { applyOutcomes, OUTCOMES_FILE, type QuestionOutcome } from '../../integrations/rapport/features/faq/questions.ts';
import type { RunningServer } from '../../integrations/rapport/server/serve.ts';
import type { formClient } from '../helpers/form-client.ts';
import { tokenOf } from '../helpers/form-client.ts';
import type { smtpSink } from '../helpers/smtp-sink.ts';
import { waitFor } from '../helpers/smtp-sink.ts';
import { servedWithMail } from '../helpers/mail-server.ts';
import { ENGLISH, englishAround } from '../helpers/english-words.ts';
import { orderRow } from '../helpers/orders.ts';
import { drivers } from '../helpers/store-drivers.ts';

const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const distDir = inject('referenceBuild');
const built = readBuildInfo(distDir);
const config = built.config;
const SITE_NAME = config.site.name;
const list = config.crm.lists[0]!;
const frenchList = list.translations?.['fr-CA'];

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** The consent wording a page shows above the button, as the ledger must hash it (without the statement link after it). */
const shownConsent = ($: CheerioAPI) => $('form[method=post] p.consent').contents().first().text().trim();
/** A field's label as read aloud: its text, the "(optional)" mark included. */
const labelOf = ($: CheerioAPI, name: string) => $(`label[for=${$(`form[method=post] [name=${name}]`).attr('id')}]`).text();

/**
 * The question form, the contact form, registering and signing in, in French, through the running
 * server, a real store and a real SMTP server: French page → post to /fr/… → French result page →
 * mail in the contact's language with links to French pages; the English forms as they were.
 */
describe.each(drivers)('questions, messages and accounts in French on $name', (driver) => {
  let running: RunningServer;
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let client: ReturnType<typeof formClient>;
  const db = () => running.store.db;
  const mailFor = (address: string, subject: string) =>
    waitFor(() => sink.received.find((m) => m.to.includes(address) && m.parsed.subject === subject), `“${subject}” to ${address}`);
  const contactOf = (email: string) => db().selectFrom('contacts').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
  const page = async (path: string, headers: Record<string, string> = {}) => {
    const answer = await client.get(path, headers);
    return { status: answer.status, $: load(answer.text) };
  };

  let served: Awaited<ReturnType<typeof servedWithMail>> | undefined;
  beforeAll(async () => {
    served = await servedWithMail(distDir, driver, SECRET, {
      perIp: { points: 10_000, duration: 600 },
      questionsPerIp: { points: 10_000, duration: 600 },
      mailPerAddress: { points: 100, duration: 600 },
      unsolicitedPerAddress: { points: 100, duration: 600 },
    });
    ({ running, sink, client } = served);
  });
  afterAll(() => served?.close());

  it('asks a question in French: the search step, the form, its mistakes, the result page, the ledger and the mail', async () => {
    const first = await page('/fr/faq/ask');
    expect(first.status).toBe(200);
    expect(first.$('html').attr('lang')).toBe('fr-CA');
    expect(first.$('h1').text()).toBe('Posez-nous une question');
    expect(first.$('.prose form.search').attr('action')).toBe('/fr/faq/ask');
    expect(first.$('label[for=ask-question]').text()).toBe('Votre question');
    expect(first.$('.prose form.search button').text()).toBe('Chercher une réponse');

    // The search step looks in the French answers.
    const checked = await page(`/fr/faq/ask?question=${encodeURIComponent('Quand planter les tulipes?')}`);
    expect(checked.$('#maybe-answered').text()).toBe('Ces réponses pourraient déjà vous aider');
    const found = checked
      .$('ol.results a')
      .map((_, a) => checked.$(a).attr('href'))
      .get();
    expect(found).toContain('/fr/faq/when-to-plant-tulips/');
    expect(found.every((href) => href.startsWith('/fr/faq/'))).toBe(true);
    const form = checked.$('form[method=post]');
    expect(form.attr('action')).toBe('/fr/faq/ask');
    expect(labelOf(checked.$, 'question')).toBe('Votre question');
    expect(labelOf(checked.$, 'details')).toBe('Plus de détails (facultatif)');
    expect(checked.$('#faq-ask-details-hint').text()).toBe('Jamais publiés\u00a0: nous seuls les lisons.');
    expect(form.find('button[type=submit]').text()).toBe('Envoyer ma question');
    const french = shownConsent(checked.$);
    expect(french).toMatch(/^Nous conservons votre question pour y répondre dans notre FAQ\./);

    const mistake = await client.post('/fr/faq/ask', { question: 'Quand?', email: 'ninon@exemple.ca' });
    expect(mistake.status).toBe(422);
    const again = load(mistake.text);
    expect(again('html').attr('lang')).toBe('fr-CA');
    expect(again('form[method=post]').attr('action')).toBe('/fr/faq/ask');
    expect(again('form .error').first().text()).toBe('Écrivez votre question en au moins 10 caractères.');

    const email = `ninon-${driver.name}@exemple.ca`;
    const asked = await client.post('/fr/faq/ask', { question: 'Peut-on planter des lis en pot sur un balcon?', name: 'Ninon', email });
    expect(asked.status).toBe(303);
    expect(asked.headers.location).toBe('/fr/faq/ask/sent');
    const sent = await page('/fr/faq/ask/sent');
    expect(sent.status).toBe(200);
    expect(sent.$('html').attr('lang')).toBe('fr-CA');
    expect(sent.$('h1').text()).toBe('Question reçue');
    expect(
      sent
        .$('.prose a')
        .map((_, a) => sent.$(a).attr('href'))
        .get(),
    ).toEqual(['/fr/faq/', '/fr/']);

    const contact = await contactOf(email);
    expect(contact.language).toBe('fr-CA');
    const consent = await db().selectFrom('consent_ledger').selectAll().where('contact_id', '=', contact.id).executeTakeFirstOrThrow();
    expect(consent).toMatchObject({ purpose: 'faq:answer-notice', form_id: 'faq-ask@1', language: 'fr-CA', wording_hash: sha256(french) });
    const mail = await mailFor(email, 'Nous avons reçu votre question');
    expect(mail.parsed.html).toContain('<html lang="fr-CA">');
    expect(mail.parsed.text).toMatch(/^Bonjour,/);
  });

  it('keeps the English question form as it was', async () => {
    const checked = await page(`/faq/ask?question=${encodeURIComponent('When should I plant tulips?')}`);
    expect(checked.$('html').attr('lang')).toBe('en-CA');
    expect(checked.$('h1').text()).toBe('Ask us a question');
    expect(checked.$('#maybe-answered').text()).toBe('These answers may already help');
    expect(
      checked
        .$('ol.results a')
        .map((_, a) => checked.$(a).attr('href'))
        .get(),
    ).toContain('/faq/when-to-plant-tulips/');
    expect(checked.$('form[method=post]').attr('action')).toBe('/faq/ask');
    expect(labelOf(checked.$, 'details')).toBe('More details (optional)');
    expect(checked.$('form[method=post] button[type=submit]').text()).toBe('Send my question');
    const english = shownConsent(checked.$);
    expect(english).toBe(
      'We keep your question to answer it on our FAQ page. Your name, address and details are never published; with an address, we write to you once when the answer is out.',
    );
    const email = `nina-${driver.name}@example.com`;
    const asked = await client.post('/faq/ask', { question: 'Can lilies grow in pots on a balcony?', email });
    expect(asked.headers.location).toBe('/faq/ask/sent');
    expect((await page('/faq/ask/sent')).$('h1').text()).toBe('Question received');
    const contact = await contactOf(email);
    expect(contact.language).toBe('en-CA');
    const consent = await db().selectFrom('consent_ledger').selectAll().where('contact_id', '=', contact.id).executeTakeFirstOrThrow();
    expect(consent).toMatchObject({ language: 'en-CA', wording_hash: sha256(english) });
    expect((await mailFor(email, 'We received your question')).parsed.text).toMatch(/^Hello,/);
  });

  it('tells askers what became of their question in their language: the French answer where it is translated, else the English page, said so', async () => {
    // Questions asked from the French and the English forms, each waiting for its answer (drafted).
    const ask = async (at: string, email: string, question: string) => {
      expect((await client.post(at, { question, email })).status).toBe(303);
      const contact = await contactOf(email);
      const { id } = await db().selectFrom('faq_questions').select('id').where('contact_id', '=', contact.id).executeTakeFirstOrThrow();
      await db().updateTable('faq_questions').set({ status: 'pending_review' }).where('id', '=', id).where('status', '=', 'received').execute();
      return id;
    };
    const to = {
      odile: `odile-${driver.name}@exemple.ca`,
      paul: `paul-${driver.name}@exemple.ca`,
      rose: `rose-${driver.name}@exemple.ca`,
      ivy: `ivy-${driver.name}@example.com`,
    };
    const asked = {
      odile: await ask('/fr/faq/ask', to.odile, 'Quand faut-il planter les tulipes en Alberta?'),
      paul: await ask('/fr/faq/ask', to.paul, 'Les chevreuils mangent-ils les narcisses?'),
      rose: await ask('/fr/faq/ask', to.rose, 'Où en est ma commande numéro 4411?'),
      ivy: await ask('/faq/ask', to.ivy, 'How deep do bulbs go in clay soil?'),
    };
    // What the build makes of entries carrying them, beside the reference build's pages (French ones
    // for when-to-plant-tulips and how-deep-to-plant-bulbs; deer-resistant-bulbs is English only).
    const root = await mkdtemp(path.join(os.tmpdir(), 'rapport-fr-outcomes-'));
    try {
      const entry = (front: string) => `---\nquestion: Asked\ncategory: Planting\n${front}\n---\n\nAnswer.\n`;
      await mkdir(path.join(root, 'content', 'faq'), { recursive: true });
      const files: Record<string, string> = {
        'when-to-plant-tulips.en.md': entry(`status: published\nsubmission: ${asked.odile}`),
        'deer-and-daffodils.en.md': entry(`status: merged\nmergedInto: deer-resistant-bulbs\nsubmission: ${asked.paul}`),
        'where-is-my-order.en.md': entry(`status: rejected\nsubmission: ${asked.rose}`),
        'how-deep-to-plant-bulbs.en.md': entry(`status: published\nsubmission: ${asked.ivy}`),
      };
      for (const [file, text] of Object.entries(files)) await writeFile(path.join(root, 'content', 'faq', file), text);
      await faqFeature.afterBuild!({
        config,
        serverDir: root,
        outDir: path.join(distDir, 'client'),
        root: pathToFileURL(`${root}/`),
      } as unknown as BuildContext);
      const outcomes = JSON.parse(await readFile(path.join(root, OUTCOMES_FILE), 'utf8')) as QuestionOutcome[];
      const tulips = outcomes.find((o) => o.slug === 'when-to-plant-tulips')!;
      expect(tulips.answer).toBeTruthy();
      expect(tulips.translations?.['fr-CA']).toBeTruthy();
      expect(tulips.translations?.['fr-CA']).not.toBe(tulips.answer);
      expect(outcomes.find((o) => o.slug === 'deer-and-daffodils')?.translations).toBeUndefined();

      const services = { db: db(), config, site: new URL(built.site), secret: SECRET, clock: () => new Date() } as unknown as Services;
      expect(await applyOutcomes(services, outcomes)).toBe(4);
      const link = (slug: string) => new RegExp(`^https?://[^/\\s]+${slug}$`, 'm');

      // Translated: the French answer, quoted and linked in French.
      const odile = await mailFor(to.odile, 'Votre question a sa réponse');
      expect(odile.parsed.html).toContain('<html lang="fr-CA">');
      expect(odile.parsed.text).toMatch(/^Bonjour,\n\nMerci de votre question\. Notre réponse est maintenant dans notre FAQ/);
      expect(odile.parsed.text).toMatch(link('/fr/faq/when-to-plant-tulips/'));
      expect(odile.parsed.text).toContain(tulips.translations!['fr-CA']!.slice(0, 80));
      expect(odile.parsed.text).not.toContain(tulips.answer!.slice(0, 80));
      expect(odile.parsed.text).not.toContain('anglais');
      expect(odile.parsed.text).toContain('Vous recevez ce seul message parce que vous nous avez posé une question');
      // Merged into an answer only in English: its English page, with a French sentence saying so.
      const paul = await mailFor(to.paul, 'Votre question a sa réponse dans notre FAQ');
      expect(paul.parsed.text).toContain('Notre réponse n’existe pour l’instant qu’en anglais.');
      expect(paul.parsed.text).toMatch(link('/faq/deer-resistant-bulbs/'));
      expect(paul.parsed.text).not.toContain('/fr/faq/');
      // Not published: in French, pointing to the French contact form.
      const rose = await mailFor(to.rose, 'À propos de votre question');
      expect(rose.parsed.text).toContain('Nous ne l’ajouterons pas à notre FAQ');
      expect(rose.parsed.text).toMatch(link('/fr/contact/message'));
      // The English asker: as before, the English answer and page, though a French one exists.
      const ivy = await mailFor(to.ivy, 'Your question is answered');
      expect(ivy.parsed.html).toContain('<html lang="en-CA">');
      expect(ivy.parsed.text).toMatch(/^Hello,\n\nThank you for your question\. Our answer is now on our FAQ page/);
      expect(ivy.parsed.text).toMatch(link('/faq/how-deep-to-plant-bulbs/'));
      expect(ivy.parsed.text).toContain(outcomes.find((o) => o.slug === 'how-deep-to-plant-bulbs')!.answer!.slice(0, 80));
      expect(ivy.parsed.text).not.toMatch(/\/fr\/|English/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('sends a message from the French contact form: French labels, result page, limit message and mail', async () => {
    const form = await page('/fr/contact/message');
    expect(form.status).toBe(200);
    expect(form.$('html').attr('lang')).toBe('fr-CA');
    expect(form.$('h1').text()).toBe('Écrivez-nous');
    expect(form.$('form[method=post]').attr('action')).toBe('/fr/contact/message');
    expect(labelOf(form.$, 'organisation')).toBe('Organisation (facultatif)');
    expect(labelOf(form.$, 'subject')).toBe('Objet (facultatif)');
    expect(labelOf(form.$, 'message')).toBe('Votre message');
    expect(form.$('form[method=post] button[type=submit]').text()).toBe('Envoyer mon message');
    expect(form.$('.prose > p').first().text()).toMatch(/^Nous répondons à chaque message, .* Vous pouvez aussi nous appeler au \+1/);

    const email = `jeanne-${driver.name}@exemple.ca`;
    const sent = await client.post('/fr/contact/message', { name: 'Jeanne', email, subject: 'Lis', message: 'Livrez-vous des lis en Gaspésie?' });
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe('/fr/contact/sent');
    const done = await page('/fr/contact/sent');
    expect(done.$('html').attr('lang')).toBe('fr-CA');
    expect(done.$('h1').text()).toBe('Message envoyé');
    expect(done.$('.prose a').attr('href')).toBe('/fr/');
    expect((await mailFor(email, 'Nous avons reçu votre message')).parsed.html).toContain('<html lang="fr-CA">');

    // The per-address limit says so in French, on the French page, with what was typed.
    let limited = sent;
    for (let i = 0; i < 6 && limited.status !== 429; i++)
      limited = await client.post('/fr/contact/message', { name: 'Jeanne', email, message: `Encore une question, la numéro ${i}.` });
    expect(limited.status).toBe(429);
    const $ = load(limited.text);
    expect($('html').attr('lang')).toBe('fr-CA');
    expect($('.form-message p').text()).toMatch(/^Vous nous avez envoyé plusieurs messages en peu de temps, .* attendez \d+\s+minutes?\.$/);

    // English as it was.
    const english = await page('/contact/message');
    expect(english.$('h1').text()).toBe('Send us a message');
    expect(labelOf(english.$, 'subject')).toBe('Subject (optional)');
    expect(labelOf(english.$, 'organisation')).toBe('Organisation (optional)');
    expect(english.$('form[method=post] button[type=submit]').text()).toBe('Send my message');
    const other = await client.post('/contact/message', { name: 'Jan', email: `jan-${driver.name}@example.com`, message: 'Do you ship lilies to Yukon?' });
    expect(other.headers.location).toBe('/contact/sent');
    expect((await page('/contact/sent')).$('h1').text()).toBe('Message sent');
  });

  it('registers and signs in from French pages: French results, mails in French linking the French sign-in page', async () => {
    const register = await page('/fr/account/register');
    expect(register.status).toBe(200);
    expect(register.$('html').attr('lang')).toBe('fr-CA');
    expect(register.$('h1').text()).toBe('Créer un compte');
    expect(register.$('form[method=post]').attr('action')).toBe('/fr/account/register');
    expect(register.$('form[method=post] button[type=submit]').text()).toBe('Créer mon compte');
    expect(register.$('.prose a[href="/fr/account/sign-in"]').text()).toBe('Connectez-vous');

    const email = `eloi-${driver.name}@exemple.ca`;
    const created = await client.post('/fr/account/register', { name: 'Éloi', email });
    expect(created.status).toBe(303);
    expect(created.headers.location).toBe('/fr/account/registered');
    const registered = await page('/fr/account/registered');
    expect(registered.$('html').attr('lang')).toBe('fr-CA');
    expect(registered.$('h1').text()).toBe('Consultez votre boîte de réception');
    expect(
      registered
        .$('.prose a')
        .map((_, a) => registered.$(a).attr('href'))
        .get(),
    ).toEqual(['/fr/account/sign-in', '/fr/']);
    expect((await contactOf(email)).language).toBe('fr-CA');

    const welcome = await mailFor(email, `Bienvenue chez ${SITE_NAME}`);
    expect(welcome.parsed.html).toContain('<html lang="fr-CA">');
    expect(welcome.parsed.html).toContain('>Me connecter à mon compte</a>');
    expect(welcome.parsed.text).toMatch(/^Bienvenue!/);
    const token = tokenOf(welcome.parsed.text!, '/fr/account/sign-in/confirm');

    const confirm = await page(`/fr/account/sign-in/confirm?token=${token}`);
    expect(confirm.status).toBe(200);
    expect(confirm.$('html').attr('lang')).toBe('fr-CA');
    expect(confirm.$('h1').text()).toBe('Connexion');
    expect(confirm.$('.prose form[method=post]').attr('action')).toBe('/fr/account/sign-in/confirm');
    expect(confirm.$('.prose form[method=post] button[type=submit]').text()).toBe('Me connecter');
    const signedIn = await client.post('/fr/account/sign-in/confirm', { token }, { traps: false });
    expect(signedIn.status).toBe(303);
    // A customer lands on the account page in the language they signed in from.
    expect(signedIn.headers.location).toBe('/fr/account/');
    expect(String(signedIn.headers['set-cookie'])).toMatch(/rapport_session=/);
    // The link worked once: the second try is refused in French, on the French page.
    const reused = await client.post('/fr/account/sign-in/confirm', { token }, { traps: false });
    expect(reused.status).toBe(400);
    expect(load(reused.text)('html').attr('lang')).toBe('fr-CA');
    expect(load(reused.text)('.form-message p').text()).toBe(
      'Ce lien est expiré ou a déjà servi. Les liens de nos courriels ne fonctionnent qu’une fois, et pour un temps limité. Demandez-en un nouveau ci-dessous.',
    );

    // Signing in later from the French sign-in page.
    const signIn = await page('/fr/account/sign-in');
    expect(signIn.$('h1').text()).toBe('Se connecter');
    expect(signIn.$('form[method=post]').attr('action')).toBe('/fr/account/sign-in');
    expect(signIn.$('form[method=post] button[type=submit]').text()).toBe('M’envoyer un lien de connexion');
    expect(signIn.$('.prose a[href="/fr/account/register"]').text()).toBe('Créez-en un');
    const asked = await client.post('/fr/account/sign-in', { email });
    expect(asked.headers.location).toBe('/fr/account/check-your-inbox');
    const inbox = await page('/fr/account/check-your-inbox');
    expect(inbox.$('html').attr('lang')).toBe('fr-CA');
    expect(inbox.$('h1').text()).toBe('Votre lien de connexion est en route');
    const link = await mailFor(email, `Connexion à ${SITE_NAME}`);
    // The address has used one of our links: the greeting names them.
    expect(link.parsed.text).toMatch(/^Bonjour Éloi,/);
    expect(link.parsed.text).toContain('Voici le lien de connexion que vous avez demandé.');
    tokenOf(link.parsed.text!, '/fr/account/sign-in/confirm');

    // Registering again with the same address, in French: the "you already have one" mail, in French.
    await client.post('/fr/account/register', { name: 'Éloi', email });
    const existing = await mailFor(email, `Votre compte chez ${SITE_NAME}`);
    expect(existing.parsed.text).toContain('mais vous en avez déjà un');
    tokenOf(existing.parsed.text!, '/fr/account/sign-in/confirm');

    // The English sign-in page makes English their language: the next link is English.
    const english = await page('/account/sign-in');
    expect(english.$('html').attr('lang')).toBe('en-CA');
    expect(english.$('h1').text()).toBe('Sign in');
    expect(english.$('form[method=post]').attr('action')).toBe('/account/sign-in');
    expect((await client.post('/account/sign-in', { email })).headers.location).toBe('/account/check-your-inbox');
    expect((await contactOf(email)).language).toBe('en-CA');
    const englishLink = await mailFor(email, `Sign in to ${SITE_NAME}`);
    expect(englishLink.parsed.text).toMatch(/^Hello Éloi,/);
    expect(englishLink.parsed.text).not.toContain('/fr/');
    tokenOf(englishLink.parsed.text!, '/account/sign-in/confirm');
  });

  it('shows the account page in French to a customer who signed in from the French page: its sections, forms and what they answer', async () => {
    const email = `margot-${driver.name}@exemple.ca`;
    expect((await client.post('/fr/account/register', { name: 'Margot', email, organisation: 'Club horticole de Lacombe' })).status).toBe(303);
    await mailFor(email, `Bienvenue chez ${SITE_NAME}`);
    expect((await client.post('/fr/account/sign-in', { email })).headers.location).toBe('/fr/account/check-your-inbox');
    const token = tokenOf((await mailFor(email, `Connexion à ${SITE_NAME}`)).parsed.text!, '/fr/account/sign-in/confirm');
    const signedIn = await client.post('/fr/account/sign-in/confirm', { token }, { traps: false });
    expect(signedIn.headers.location).toBe('/fr/account/');
    const cookie = String(signedIn.headers['set-cookie']).split(';')[0]!;
    const account = async (path = '/fr/account/') => {
      const answer = await client.get(path, { cookie });
      expect(answer.status, path).toBe(200);
      return load(answer.text);
    };

    // What the sections show: an order in French words and French money, a question answered in
    // French and one answered only in English (its English page, said so).
    const contact = await contactOf(email);
    const number = '261125-FRAC';
    await db()
      .insertInto('orders')
      .values(orderRow({ contactId: contact.id, number, status: 'shipped', at: '2026-11-25T23:13:00.000Z', subtotalCents: 1495 }))
      .execute();
    const asked = (question: string, status: 'published' | 'merged', slug: string, at: string) => ({
      id: randomUUID(),
      contact_id: contact.id,
      question,
      details: null,
      status,
      entry_slug: status === 'published' ? slug : null,
      merged_into: status === 'merged' ? slug : null,
      created_at: at,
      updated_at: at,
      notified_at: null,
    });
    await db()
      .insertInto('faq_questions')
      .values([
        asked('Quand planter les tulipes?', 'published', 'when-to-plant-tulips', '2026-10-02T15:00:00.000Z'),
        asked('Les chevreuils mangent-ils les narcisses?', 'merged', 'deer-resistant-bulbs', '2026-09-20T15:00:00.000Z'),
      ])
      .execute();

    const $ = await account();
    expect($('html').attr('lang')).toBe('fr-CA');
    expect($('title').text()).toMatch(/^Votre compte/);
    expect($('h1').text()).toBe('Bonjour, Margot');
    expect($('h1 + p').text()).toBe(`Connecté en tant que ${email}, pour Club horticole de Lacombe.`);
    expect(
      $('nav.breadcrumbs li')
        .map((_, li) => $(li).text())
        .get(),
    ).toEqual(['Accueil', 'Votre compte']);
    expect(
      $('.prose h2')
        .map((_, h) => $(h).text())
        .get(),
    ).toEqual([
      'Vos courriels',
      'Vos commandes',
      'Commander de nouveau',
      'Votre liste de souhaits',
      'Vos questions',
      'Vos rappels',
      'Vos renseignements',
      'Historique de vos consentements',
    ]);
    // Every form posts to its French address, so what it answers stays French.
    expect(
      $('.prose form[method=post]')
        .map((_, f) => $(f).attr('action'))
        .get(),
    ).toEqual([
      '/fr/account/subscriptions',
      '/fr/account/reorder-reminders',
      '/fr/account/my-data',
      '/fr/account/details',
      '/fr/account/delete',
      '/fr/account/sign-out',
    ]);
    expect($('form[action="/fr/account/sign-out"] button').text()).toBe('Me déconnecter');
    expect(labelOf($, 'organisation')).toBe('Organisation (facultatif)');
    expect($('form[action="/fr/account/details"] button[type=submit]').text()).toBe('Enregistrer mes renseignements');
    expect($('form[action="/fr/account/delete"] button[type=submit]').text()).toBe('Supprimer mon compte et mes données');
    expect($('form[action="/fr/account/my-data"] button').first().text()).not.toMatch(ENGLISH);
    const order = $('#account-orders + ul li');
    expect(order.find('a').attr('href')).toBe(`/fr/orders/${number}`);
    // As the French order pages write them: `25 nov. 2026, 16 h 13 HNR`, `14,95 $`.
    const frenchDate = (iso: string) => formatDateTime(iso, 'fr-CA', businessTimeZone(config.business));
    expect(frenchDate('2026-11-25T23:13:00.000Z')).toMatch(/^25 nov\. 2026, \d\d? h 13 H[A-Z]+$/);
    expect(order.text()).toBe(`Commande ${number} · ${frenchDate('2026-11-25T23:13:00.000Z')} · 14,95\u00a0$ · Expédiée`);
    const questions = $('#account-questions + ul li');
    expect(questions.first().text()).toBe(
      `«\u00a0Quand planter les tulipes?\u00a0»\u00a0: réponse publiée (posée le ${frenchDate('2026-10-02T15:00:00.000Z')}) · Lire la réponse`,
    );
    expect(questions.first().find('a').attr('href')).toBe('/fr/faq/when-to-plant-tulips/');
    expect(questions.last().find('a').attr('href')).toBe('/faq/deer-resistant-bulbs/');
    expect(questions.last().find('a').attr('hreflang')).toBe('en-CA');
    expect(questions.last().find('a').text()).toBe('Lire la réponse (en anglais)');
    expect($('#account-consent ~ p').text()).toBe('Vous n’avez encore consenti à rien.');
    // No English around the content, nor in it (a name, an address, a date and French list names).
    expect(englishAround([{ file: '/fr/account/', $ }])).toEqual([]);
    expect($('main').text()).not.toMatch(ENGLISH);

    // Choosing lists: back to the French page, the ledger hashes the French wording shown.
    const shown = $('form[action="/fr/account/subscriptions"] p.consent').contents().first().text().trim();
    expect(shown).toBe(`Je veux recevoir de ${SITE_NAME} les courriels cochés ci-dessus, et aucun autre.`);
    const chose = await client.post('/fr/account/subscriptions', { lists: 'reminders' }, { headers: { cookie }, traps: false });
    expect(chose.status).toBe(303);
    expect(chose.headers.location).toBe('/fr/account/?saved=lists');
    const saved = await account('/fr/account/?saved=lists');
    expect(saved('#account-lists ~ [role=status]').text()).toBe('Votre choix est enregistré.');
    expect(saved('input[name=lists][value=reminders]').attr('checked')).toBeDefined();
    const row = saved('#account-consent + table tbody tr');
    expect(row.find('td').eq(1).text()).toBe('Consentement donné\u00a0: Rappels de plantation');
    expect(row.find('td').eq(2).text()).toBe('page /account/');
    expect(row.find('a').attr('href')).toMatch(/^\/fr\/privacy\/changes#v/);
    expect(saved('#account-consent + table th').first().text()).toBe('Quand');
    const consent = await db().selectFrom('consent_ledger').selectAll().where('contact_id', '=', contact.id).executeTakeFirstOrThrow();
    expect(consent).toMatchObject({ purpose: 'newsletter:reminders', language: 'fr-CA', wording_hash: sha256(shown) });

    // Correcting details, and a refused deletion drawn again on the French page with French messages.
    const corrected = await client.post(
      '/fr/account/details',
      { name: 'Margot Lavoie', organisation: '', kind: 'customer' },
      { headers: { cookie }, traps: false },
    );
    expect(corrected.headers.location).toBe('/fr/account/?saved=details#your-information');
    expect((await account('/fr/account/?saved=details'))('#your-information [role=status]').text()).toBe('Vos renseignements sont enregistrés.');
    const wrong = await client.post('/fr/account/delete', { email: 'quelquun@exemple.ca', confirm: 'yes' }, { headers: { cookie }, traps: false });
    expect(wrong.status).toBe(422);
    const refused = load(wrong.text);
    expect(refused('html').attr('lang')).toBe('fr-CA');
    expect(refused('h1').text()).toBe('Bonjour, Margot Lavoie');
    expect(refused('form[action="/fr/account/delete"] .form-message p').text()).toBe(
      'Ce n’est pas l’adresse de ce compte, alors rien n’a été supprimé. Tapez l’adresse avec laquelle vous vous connectez.',
    );
    const unticked = load((await client.post('/fr/account/delete', { email }, { headers: { cookie }, traps: false })).text);
    expect(unticked('form[action="/fr/account/delete"] .error').text()).toContain('Cochez la case pour confirmer que vous voulez tout supprimer.');
    expect(await contactOf(email)).toMatchObject({ name: 'Margot Lavoie', erased_at: null });

    // Their data as a page, in French.
    const data = await client.post('/fr/account/my-data', { format: 'html' }, { headers: { cookie }, traps: false });
    expect(data.status).toBe(200);
    const view = load(data.text);
    expect(view('html').attr('lang')).toBe('fr-CA');
    expect(view('h1').text()).toBe('Vos renseignements');
    expect(view('.prose > p a').attr('href')).toBe('/fr/account/#your-information');

    // Signing out: the French result page; the account page then sends to the French sign-in page.
    const out = await client.post('/fr/account/sign-out', {}, { headers: { cookie }, traps: false });
    expect(out.headers.location).toBe('/fr/account/signed-out');
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    const signedOut = await page('/fr/account/signed-out');
    expect(signedOut.status).toBe(200);
    expect(signedOut.$('html').attr('lang')).toBe('fr-CA');
    expect(signedOut.$('h1').text()).toBe('Vous êtes déconnecté');
    expect(
      signedOut
        .$('.prose a')
        .map((_, a) => signedOut.$(a).attr('href'))
        .get(),
    ).toEqual(['/fr/account/sign-in', '/fr/']);
    expect(englishAround([{ file: '/fr/account/signed-out', $: signedOut.$ }])).toEqual([]);
    const gone = await client.get('/fr/account/', { cookie });
    expect([gone.status, gone.headers.location]).toEqual([303, '/fr/account/sign-in']);
  });

  it('keeps registering in English as it was', async () => {
    const register = await page('/account/register');
    expect(register.$('h1').text()).toBe('Create an account');
    expect(labelOf(register.$, 'organisation')).toBe('Organisation (optional)');
    expect(register.$('form[method=post] button[type=submit]').text()).toBe('Create my account');
    const email = `ed-${driver.name}@example.com`;
    const created = await client.post('/account/register', { name: 'Ed', email });
    expect(created.headers.location).toBe('/account/registered');
    expect((await page('/account/registered')).$('h1').text()).toBe('Check your inbox');
    const welcome = await mailFor(email, `Welcome to ${SITE_NAME}`);
    expect(welcome.parsed.text).toMatch(/^Welcome!/);
    expect(welcome.parsed.html).toContain('>Sign in to my account</a>');
    expect(welcome.parsed.text).not.toContain('/fr/');
    tokenOf(welcome.parsed.text!, '/account/sign-in/confirm');
  });

  it.runIf(frenchList)('names the lists in the page’s and the mail’s language', async () => {
    const french = await page('/fr/subscribe');
    expect(french.$('form[method=post] fieldset label strong').first().text()).toBe(frenchList!.label);
    expect(french.$('form[method=post] fieldset .hint').first().text().trim()).toBe(frenchList!.description);
    const english = await page('/subscribe');
    expect(english.$('form[method=post] fieldset label strong').first().text()).toBe(list.label);

    const email = `lise-${driver.name}@exemple.ca`;
    await client.post('/fr/subscribe', { email, lists: list.id });
    const mail = await mailFor(email, `Confirmez votre abonnement à ${SITE_NAME}`);
    expect(mail.parsed.text).toContain(`a demandé à recevoir ${frenchList!.label} de ${SITE_NAME}`);
    expect(mail.parsed.text).not.toContain(list.label);
    const token = tokenOf(mail.parsed.text!, '/fr/subscribe/confirm');
    await client.post('/fr/subscribe/confirm', { token }, { traps: false });
    const welcome = await mailFor(email, `Votre abonnement à ${frenchList!.label} est confirmé`);
    expect(welcome.parsed.text).toContain(`Vous recevrez ${frenchList!.label} de ${SITE_NAME}`);

    // The preferences page the welcome links to words its lists in French too.
    const preferences = await page(`/fr/subscribe/preferences?token=${tokenOf(welcome.parsed.text!, '/fr/subscribe/preferences')}`);
    expect(preferences.$('form[method=post] fieldset label strong').first().text()).toBe(frenchList!.label);
  });
});
