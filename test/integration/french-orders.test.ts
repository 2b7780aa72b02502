import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { load } from 'cheerio';
import { parseHTML } from 'linkedom';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { readBuildInfo } from '../../integrations/rapport/core/build-info.ts';
import { deliverDue } from '../../integrations/rapport/core/mail/outbox.ts';
import type { Services } from '../../integrations/rapport/core/services.ts';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { migrateToLatest } from '../../integrations/rapport/core/store/migrate.ts';
import type { Store } from '../../integrations/rapport/core/store/open-store.ts';
import { catalogOf } from '../../integrations/rapport/features/orders/catalog.ts';
import type { CatalogProduct } from '../../integrations/rapport/features/orders/pricing.ts';
import { runCampaigns } from '../../integrations/rapport/features/newsletter/campaigns/job.ts';
import { scheduleCampaign } from '../../integrations/rapport/features/newsletter/campaigns/create.ts';
import { readIssues } from '../../integrations/rapport/features/newsletter/issue-file.ts';
import { sendDueFollowUps } from '../../integrations/rapport/features/orders/follow-up.ts';
import { setOrderStatus, shipOrder } from '../../integrations/rapport/features/orders/fulfil.ts';
import type { RunningServer } from '../../integrations/rapport/server/serve.ts';
import { createServices } from '../../integrations/rapport/server/services.ts';
import type { formClient } from '../helpers/form-client.ts';
import { type Answer } from '../helpers/form-client.ts';
import { smtpSink, waitFor, type ReceivedMail } from '../helpers/smtp-sink.ts';
import { servedWithMail } from '../helpers/mail-server.ts';
import { drivers } from '../helpers/store-drivers.ts';

const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const distDir = inject('referenceBuild');
const built = readBuildInfo(distDir);
const config = built.config;
const DAY = 86_400_000;
const catalog = catalogOf((JSON.parse(readFileSync(path.join(distDir, 'server', 'catalog.json'), 'utf8')) as { products: CatalogProduct[] }).products);
/** A French price as fr-CA writes it: `14,95 $` (a no-break space before the sign). */
const frMoney = (text: string) => text.replace(' ', '\u00a0');

let keys = 0;
const formKey = () => `test-fr-order-key-${Date.now().toString(36)}-${keys++}`.padEnd(24, 'x');
/** The `rapport_cart=…` pair of a cart answer, to send back as a browser would. */
const cartCookieOf = (answer: Answer) => /rapport_cart=[^;]*/.exec(String(answer.headers['set-cookie']))![0];

const quebec = {
  name: 'Élise Tremblay',
  street: '1200, rue Sherbrooke',
  city: 'Montréal',
  region: 'CA-QC',
  postal: 'h3a 1g1',
  shipping: 'standard',
  payment: 'e-transfer',
};

/**
 * Orders in French through the running reference server, a real store and a real SMTP server:
 * the French cart names the products from their French entries (same SKU and price), the French
 * order form posts to /fr/order and lands on the order's French page, and every mail about the
 * order (received, shipped, the after-sale one) is French with links to the French pages. The
 * English pages and mail are as they were.
 */
describe.each(drivers)('orders in French on $name', (driver) => {
  let running: RunningServer;
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let client: ReturnType<typeof formClient>;
  const db = () => running.store.db;
  const page = async (at: string, cookie?: string) => {
    const answer = await client.get(at, cookie ? { cookie } : {});
    return { status: answer.status, $: load(answer.text) };
  };
  const mailFor = (address: string, subject: string): Promise<ReceivedMail> =>
    waitFor(() => sink.received.find((m) => m.to.includes(address) && m.parsed.subject === subject), `“${subject}” to ${address}`);
  const staff = (clock = () => new Date()) => ({ db: db(), config, site: new URL(built.site), secret: SECRET, clock, catalog });

  let served: Awaited<ReturnType<typeof servedWithMail>> | undefined;
  beforeAll(async () => {
    served = await servedWithMail(distDir, driver, SECRET, { perIp: { points: 10_000, duration: 600 }, messagesPerAddress: { points: 100, duration: 3600 } });
    ({ running, sink, client } = served);
  });
  afterAll(() => served?.close());

  it('fills the cart from a French page: French names and pages where the product has them, English ones where not', async () => {
    const empty = await page('/fr/cart');
    expect(empty.status).toBe(200);
    expect(empty.$('html').attr('lang')).toBe('fr-CA');
    expect(empty.$('h1').text()).toBe('Votre panier');
    expect(empty.$('main').text()).toContain('Votre panier est vide.');
    expect(empty.$('main a[href="/fr/products/"]').length).toBeGreaterThan(0);

    const added = await client.post('/fr/cart', { add: 'TUL-QON-10', quantity: '2' }, { traps: false });
    expect(added.status).toBe(303);
    expect(added.headers.location).toBe('/fr/cart');
    const more = await client.post('/fr/cart', { add: 'LIL-MAR-3' }, { traps: false, headers: { cookie: cartCookieOf(added) } });
    const cookie = cartCookieOf(more);
    const { $ } = await page('/fr/cart', cookie);
    const names = $('.cart-what > a')
      .map((_, a) => `${$(a).text()} → ${$(a).attr('href')}`)
      .get();
    expect(names).toEqual(["Tulipe 'Queen of Night' → /fr/products/tulip-queen-of-night/", 'Martagon Lily, mixed colours → /products/lily-martagon/']);
    expect($('.cart-what .small').first().text()).toBe(` sac de 10 bulbes · ${frMoney('14,95 $')} l’unité`);
    expect($('main').text()).toContain(`3 articles, ${frMoney('51,85 $')} avant la livraison et les taxes`);
    expect($('form.cart-remove').first().attr('action')).toBe('/fr/cart');
    expect($('form.cart-remove button').first().attr('aria-label')).toBe("Retirer Tulipe 'Queen of Night' du panier");

    // On to the French order form, from the French cart.
    const onward = await client.post('/fr/cart', { go: 'order', 'qty_TUL-QON-10': '2', 'qty_LIL-MAR-3': '1' }, { traps: false, headers: { cookie } });
    expect(onward.headers.location).toBe('/fr/order');

    // The same cart on the English page: English names, English pages.
    const english = await page('/cart', cookie);
    expect(english.$('.cart-what > a').first().text()).toBe("Tulip 'Queen of Night'");
    expect(english.$('.cart-what > a').first().attr('href')).toBe('/products/tulip-queen-of-night/');
    expect(english.$('main').text()).toContain('3 items, $51.85 before shipping and taxes');
  });

  it('says a refused cart change in French', async () => {
    const refused = await client.post('/fr/cart', { add: 'NOPE-123' }, { traps: false });
    expect(refused.status).toBe(422);
    const $ = load(refused.text);
    expect($('html').attr('lang')).toBe('fr-CA');
    expect($('.form-message p').first().text()).toBe(
      'Nous n’avons pas (ou plus) le produit «\u00a0NOPE-123\u00a0». Retournez au catalogue et choisissez de nouveau.',
    );
  });

  it('draws /fr/order in French, posting to /fr/order, and the English form as it was', async () => {
    const cookie = cartCookieOf(await client.post('/fr/cart', { add: 'TUL-QON-10' }, { traps: false }));
    const { status, $ } = await page('/fr/order', cookie);
    expect(status).toBe(200);
    expect($('html').attr('lang')).toBe('fr-CA');
    expect($('h1').text()).toBe('Commander');
    expect($('.order-facts li').first().text()).toBe('Nous livrons au Canada et aux États-Unis (sauf Alaska et Hawaï).');
    const form = $('form[method=post]').first();
    expect(form.attr('action')).toBe('/fr/order');
    expect(form.find('legend').first().text()).toBe('Dans votre commande');
    expect(form.find('.order-line a').text()).toBe("Tulipe 'Queen of Night'");
    expect(form.find('.order-line a').attr('href')).toBe('/fr/products/tulip-queen-of-night/');
    expect($(`label[for=${form.find('[name=street]').attr('id')}]`).text()).toBe('Adresse');
    // An optional field says so once, in French.
    expect($(`label[for=${form.find('[name=phone]').attr('id')}]`).text()).toBe('Téléphone (facultatif)');
    expect($(`label[for=${form.find('[name=note]').attr('id')}]`).text()).toBe('Remarques à notre intention (facultatif)');
    expect(form.find('select[name=region] option[value=CA-QC]').text()).toBe('Québec, Canada');
    expect(
      form
        .find('select[name=region] optgroup')
        .map((_, g) => $(g).attr('label'))
        .get(),
    ).toEqual(['Canada', 'États-Unis']);
    expect(form.find('button[value=place]').text()).toBe('Passer ma commande');
    // The shipping options in the page's language (the reference site gives them French words).
    const shipping = form
      .find('select[name=shipping] option')
      .map((_, o) => $(o).text())
      .get();
    expect(shipping).toHaveLength(2);
    expect(shipping[0]).toMatch(/^Colis standard/);
    expect(shipping[1]).toMatch(/^Express/);
    expect(shipping.join(' ')).not.toContain('Standard parcel');
    expect(form.find('button[value=review]').text()).toBe('Mettre à jour les totaux');
    expect($('#order-totals h2').text()).toBe('Totaux');
    // The script prices in French too: its words and the rules' messages come with the data.
    const data = JSON.parse($('#order-data').text()) as {
      rules: { locale: string; shipping: Array<{ label: string; description: string }>; words: { messages: Record<string, string> } };
      totals: { goods: string };
    };
    expect(data.rules.locale).toBe('fr-CA');
    expect(data.rules.shipping.map((o) => [o.label, o.description])).toEqual([
      ['Colis standard', 'Postes Canada, suivi\u00a0: de 2 à 8 jours ouvrables.'],
      ['Express', 'Purolator, le jour ouvrable suivant dans la plupart du Canada.'],
    ]);
    expect(data.totals.goods).toBe('Marchandises');
    expect(data.rules.words.messages['sold-out']).toBe('{name} est épuisé et ne peut donc pas être commandé pour le moment.');

    const english = await page('/order', cookie);
    expect(english.$('html').attr('lang')).toBe('en-CA');
    expect(english.$('form[method=post]').first().attr('action')).toBe('/order');
    expect(english.$('.order-facts li').first().text()).toBe('We ship to Canada and the United States (except Alaska and Hawaii).');
    expect(english.$('button[value=place]').text()).toBe('Place my order');
    expect(english.$('select[name=region] option[value=CA-QC]').text()).toBe('Quebec, Canada');
    expect(english.$('select[name=shipping] option').first().text()).toMatch(/^Standard parcel/);
  });

  it('works out the totals in French, and says what is wrong in French', async () => {
    const review = await client.post('/fr/order', { ...quebec, 'qty_TUL-QON-10': '2', order_key: formKey(), step: 'review' }, { traps: false });
    expect(review.status).toBe(200);
    const $ = load(review.text);
    const rows = $('#order-totals tr')
      .map((_, tr) => `${$(tr).find('th').text()}: ${$(tr).find('td').text()}`)
      .get();
    expect(rows).toEqual([
      `Marchandises: ${frMoney('29,90 $')}`,
      `Livraison (Colis standard): ${frMoney('14,00 $')}`,
      `TPS 5\u00a0%: ${frMoney('2,20 $')}`,
      `Total: ${frMoney('46,10 $')}`,
    ]);
    expect($('.totals-note').text()).toBe('Taxes et livraison telles qu’elles seront facturées.');

    const wrong = await client.post('/fr/order', {
      ...quebec,
      postal: '90210',
      email: 'elise@exemple.ca',
      'qty_TUL-QON-10': '1',
      order_key: formKey(),
      step: 'place',
    });
    expect(wrong.status).toBe(422);
    const w = load(wrong.text);
    expect(w('html').attr('lang')).toBe('fr-CA');
    expect(w('.form-message p').first().text()).toBe('Veuillez corriger les champs indiqués ci-dessous.');
    expect(w('#order-postal-error').text()).toBe('Entrez un code postal comme T4L 2N3.');
    const alaska = await client.post(
      '/fr/order',
      { ...quebec, region: 'US-AK', 'qty_TUL-QON-10': '1', order_key: formKey(), step: 'review' },
      { traps: false },
    );
    expect(load(alaska.text)('#order-region-error').text()).toBe(
      'Désolés, nous ne livrons pas dans cette région (Alaska). Nous livrons au Canada et aux États-Unis (sauf Alaska et Hawaï).',
    );
  });

  it('places a French order: its French page, French mail with French links; staff keep the English names', async () => {
    const email = `elise-${driver.name}@exemple.ca`;
    const placed = await client.post('/fr/order', { ...quebec, email, 'qty_TUL-QON-10': '2', 'qty_DAH-CAL-1': '1', order_key: formKey(), step: 'place' });
    expect(placed.status).toBe(303);
    const location = String(placed.headers.location);
    const [, number] = /^\/fr\/orders\/([\w-]+)\?key=[\w-]{32}&placed=1$/.exec(location) ?? [];
    expect(number).toBeTruthy();
    const contact = await db().selectFrom('contacts').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
    expect(contact.language).toBe('fr-CA');
    const order = await db().selectFrom('orders').selectAll().where('number', '=', number!).executeTakeFirstOrThrow();
    const stored = await db().selectFrom('order_lines').select(['name', 'unit']).where('order_id', '=', order.id).orderBy('position').execute();
    expect(stored).toEqual([
      { name: "Dahlia 'Café au Lait'", unit: '1 tuber' },
      { name: "Tulip 'Queen of Night'", unit: 'bag of 10 bulbs' },
    ]);

    const { $ } = await page(location);
    expect($('html').attr('lang')).toBe('fr-CA');
    expect($('h1').text()).toBe(`Commande ${number}`);
    expect($('.notice').text()).toBe(
      `Merci, Élise Tremblay. Nous avons reçu votre commande, et une confirmation est en route vers ${email}. Conservez-la\u00a0: son lien vous ramène ici.`,
    );
    expect($('.badge').text()).toBe('Reçue');
    const rows = $('.order-lines tbody tr')
      .map((_, tr) =>
        $(tr)
          .find('th, td')
          .map((__, cell) => $(cell).text())
          .get()
          .join(' | '),
      )
      .get();
    expect(rows).toEqual([
      `Dahlia 'Café au Lait' 1 tubercule | 1 | ${frMoney('8,95 $')} | ${frMoney('8,95 $')}`,
      `Tulipe 'Queen of Night' sac de 10 bulbes | 2 | ${frMoney('14,95 $')} | ${frMoney('29,90 $')}`,
    ]);
    expect($('#order-delivery').parent().text()).toContain('Paiement\u00a0: Virement Interac.');
    expect($('#order-totals tr').last().text()).toMatch(/^Total.*\u00a0\$$/);
    expect($('#order-totals').text()).toContain('Livraison (Colis standard)');

    const ack = await mailFor(email, `Commande ${number} reçue`);
    expect(ack.parsed.html).toContain('<html lang="fr-CA">');
    const text = ack.parsed.text!;
    expect(text).toMatch(/^Bonjour,/);
    expect(text).toContain(`2 × Tulipe 'Queen of Night' (sac de 10 bulbes) à ${frMoney('14,95 $')}\u00a0: ${frMoney('29,90 $')}`);
    expect(text).toContain("1 × Dahlia 'Café au Lait' (1 tubercule)");
    expect(text).toContain('TPS 5\u00a0%\u00a0: ');
    expect(text).toContain('Livraison (Colis standard)');
    expect(text).not.toContain('Standard parcel');
    expect(text).toContain('Veuillez envoyer un virement Interac de ');
    expect(text).toMatch(new RegExp(`https?://[^/\\s]+/fr/orders/${number}\\?key=[\\w-]{32}`));
    expect(text).not.toMatch(/Order|Thank you/);
    // Staff's copy stays English, with the names staff know.
    const staffCopy = await waitFor(() => sink.received.find((m) => m.parsed.subject?.startsWith(`New order ${number} from`)), 'the staff copy');
    expect(staffCopy.parsed.text).toContain("2 × Tulip 'Queen of Night' (bag of 10 bulbs) at $14.95: $29.90");
    expect(staffCopy.parsed.text).toContain('Standard parcel');
    expect(staffCopy.parsed.text).not.toContain('Colis standard');

    // Shipped, then delivered: the customer hears in French; a month later, the after-sale mail in French.
    await setOrderStatus(staff(), number!, 'confirmed', { actor: 'staff:test' });
    await mailFor(email, `Commande ${number} confirmée`);
    await shipOrder(staff(), number!, '1Z999AA10123456784', { actor: 'staff:test' });
    const shipped = await mailFor(email, `La commande ${number} a été expédiée`);
    expect(shipped.parsed.text).toMatch(
      new RegExp(`La page de votre commande en montre les articles et l’historique\u00a0: https?://[^/\\s]+/fr/orders/${number}\\?key=`),
    );
    await setOrderStatus(staff(), number!, 'delivered', { actor: 'staff:test' });
    // Its after-sale mail comes due (as if the weeks had passed).
    await db()
      .updateTable('orders')
      .set({ follow_up_due_at: new Date(Date.now() - DAY).toISOString() })
      .where('number', '=', number!)
      .execute();
    expect(await sendDueFollowUps(staff())).toBeGreaterThanOrEqual(1);
    const followUp = await mailFor(email, 'Comment se portent vos bulbes?');
    expect(followUp.parsed.text).toContain(`votre commande ${number} vous est parvenue\u00a0: Dahlia 'Café au Lait', Tulipe 'Queen of Night'.`);
    expect(followUp.parsed.text).toMatch(/Se désabonner\u00a0: https?:\/\/[^/\s]+\/fr\/unsubscribe\?token=/);
    expect(followUp.parsed.html).toMatch(/href="https?:\/\/[^/"]+\/fr\/order"/);
  });

  it('names the carrier and a foreign country in French: Postes Canada, ÉTATS-UNIS, on the page and in the mail', async () => {
    const email = `gaston-${driver.name}@exemple.ca`;
    const washington = { ...quebec, name: 'Gaston Roy', street: '1 Pine St', city: 'Spokane', region: 'US-WA', postal: '99201' };
    // An address that has confirmed itself before gets the delivery address in its acknowledgement.
    const known = await upsertContact(db(), { email, name: 'Gaston Roy', language: 'fr-CA' });
    await db().updateTable('contacts').set({ email_confirmed_at: new Date().toISOString() }).where('id', '=', known.id).execute();
    const placed = await client.post('/fr/order', { ...washington, email, 'qty_TUL-QON-10': '1', order_key: formKey(), step: 'place' });
    expect(placed.status, placed.text.slice(0, 300)).toBe(303);
    const location = String(placed.headers.location);
    const [, number] = /^\/fr\/orders\/([\w-]+)\?key=/.exec(location) ?? [];
    expect(number).toBeTruthy();
    // The acknowledgement writes the address as the post does, the country last, in French.
    const ack = await mailFor(email, `Commande ${number} reçue`);
    expect(ack.parsed.text).toMatch(/Spokane, WA 99201\s+ÉTATS-UNIS/);
    expect(ack.parsed.text).not.toContain('UNITED STATES');

    await setOrderStatus(staff(), number!, 'confirmed', { actor: 'staff:test' });
    await shipOrder(staff(), number!, 'RA123456785CA', { actor: 'staff:test' });
    const shipped = await mailFor(email, `La commande ${number} a été expédiée`);
    expect(shipped.parsed.text).toContain(`Votre commande ${number} est en route avec Postes Canada. Le numéro de suivi est RA123456785CA.`);
    expect(shipped.parsed.text).toContain('La suivre chez Postes Canada');
    expect(shipped.parsed.text).not.toContain('Canada Post');

    const { $ } = await page(location.replace('&placed=1', ''));
    expect($('#order-shipments ~ ul a').text()).toBe('Suivre le colis RA123456785CA chez Postes Canada');
    expect($('#order-delivery').parent().find('p').first().text()).toBe('Gaston Roy1 Pine StSpokane, WA 99201ÉTATS-UNIS');
    // The tracking page finds it in French too.
    expect((await page('/fr/track?number=RA123456785CA')).$('#track-result ~ ul a').first().text()).toBe('Suivre RA123456785CA chez Postes Canada');
    // The same order in English, and staff's side: Canada Post, UNITED STATES.
    const english = await page(location.replace('/fr/', '/').replace('&placed=1', ''));
    expect(english.$('#order-shipments ~ ul a').text()).toBe('Track parcel RA123456785CA with Canada Post');
    expect(english.$('#order-delivery').parent().find('p').first().text()).toBe('Gaston Roy1 Pine StSpokane, WA 99201UNITED STATES');
    expect((await page('/track?number=RA123456785CA')).$('#track-result ~ ul a').first().text()).toBe('Track RA123456785CA with Canada Post');
  });

  it('keeps an English order as it was', async () => {
    const email = `ada-${driver.name}@example.com`;
    const placed = await client.post('/order', { ...quebec, name: 'Ada Lovelace', email, 'qty_TUL-QON-10': '1', order_key: formKey(), step: 'place' });
    const [, number] = /^\/orders\/([\w-]+)\?key=/.exec(String(placed.headers.location)) ?? [];
    expect(number).toBeTruthy();
    const ack = await mailFor(email, `Order ${number} received`);
    expect(ack.parsed.html).toContain('<html lang="en-CA">');
    expect(ack.parsed.text).toContain("1 × Tulip 'Queen of Night' (bag of 10 bulbs) at $14.95: $14.95");
    expect(ack.parsed.text).toContain('GST 5 %: ');
    expect(ack.parsed.text).toContain('Standard parcel');
    expect(ack.parsed.text).not.toContain('/fr/');
    const { $ } = await page(String(placed.headers.location));
    expect($('h1').text()).toBe(`Order ${number}`);
    expect($('#order-totals').text()).toContain('Standard parcel');
    expect($('.badge').text()).toBe('Received');
  });

  it('finds a carrier on /fr/track, in French', async () => {
    const { $ } = await page('/fr/track?number=nothing-like-it');
    expect($('html').attr('lang')).toBe('fr-CA');
    expect($('h1').text()).toBe('Suivre une livraison');
    expect($('main form.search').attr('action')).toBe('/fr/track');
    expect($('.notice').text()).toMatch(/^«\u00a0NOTHINGLIKEIT\u00a0» ne ressemble pas à un numéro de suivi des transporteurs que nous utilisons/);
    expect((await page('/track')).$('h1').text()).toBe('Track a delivery');
  });

  it('answers an order it will not show with the French “not found”', async () => {
    const { status, $ } = await page('/fr/orders/000000-AAAAAA?key=nope');
    expect(status).toBe(404);
    expect($('html').attr('lang')).toBe('fr-CA');
    expect($('h1').text()).toBe('Commande introuvable');
  });
});

/**
 * A campaign sends each reader the issue in their language where it is written in it: the French
 * issue (title, body, footer, links to the French pages) to French readers, the English one to the
 * others; an issue without a French translation goes to everyone in English.
 */
describe.each(drivers)('a campaign in each reader’s language on $name', (driver) => {
  const issues = readIssues(distDir);
  const translated = issues.find((i) => i.translations?.['fr-CA'])!;
  const english = issues.find((i) => !i.translations?.['fr-CA'])!;
  let store: Store;
  let tmp: string;
  let now = new Date('2026-12-01T09:00:00.000Z');
  const clock = () => now;
  const services = (): Services => {
    const s = createServices(store, {
      config: { ...config, crm: { ...config.crm, campaigns: { ...config.crm.campaigns, ratePerMinute: 0, clicks: 'off', opens: false } } },
      site: built.site,
      secret: 'x'.repeat(40),
      secretFile: path.join(tmp, 'secret'),
      privacyVersion: 'test',
      clock,
      log: () => {},
    });
    s.newsletterIssues = issues;
    return s;
  };
  const subscribe = async (email: string, language: string | undefined) => {
    const contact = await upsertContact(store.db, { email, name: 'Reader', ...(language ? { language } : {}) }, clock);
    const at = now.toISOString();
    await store.db
      .insertInto('list_subscriptions')
      .values({ contact_id: contact.id, list: 'news', status: 'confirmed', created_at: at, confirmed_at: at, updated_at: at })
      .execute();
  };
  const send = async (issue: typeof translated) => {
    const s = services();
    const made = await store.db
      .transaction()
      .execute((trx) =>
        scheduleCampaign(
          trx,
          s,
          { accountId: 'acct-1', email: 'owner@chinookbulbfarm.ca' },
          { issue, lists: ['news'], formKey: `key-${Math.random().toString(36).slice(2)}-000000` },
        ),
      );
    if ('error' in made) throw new Error(made.error);
    await runCampaigns(s);
    const sink = await smtpSink();
    try {
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true });
      await deliverDue(store.db, transport, 'Chinook Bulb Farm <hello@chinookbulbfarm.ca>', { clock });
      return sink.received.slice();
    } finally {
      await sink.close();
    }
  };
  const to = (mails: ReceivedMail[], address: string) => mails.find((m) => m.to.includes(address))!;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-fr-campaign-'));
    await driver.setup();
  });
  beforeEach(async () => {
    if (store) await store.close();
    await driver.teardown();
    await driver.setup();
    store = driver.open();
    await migrateToLatest(store);
    now = new Date('2026-12-01T09:00:00.000Z');
  });
  afterAll(async () => {
    await store?.close();
    await driver.teardown();
    await rm(tmp, { recursive: true, force: true });
  });

  it('has each issue’s French page in the server artefact, with its own body', () => {
    const fr = translated.translations!['fr-CA']!;
    expect(fr.path).toBe(`/fr/newsletter/${translated.slug}/`);
    expect(fr.title).toBe('La ferme se prépare pour l’hiver');
    expect(fr.html).toMatch(/^<p>/);
    expect(fr.html).not.toBe(translated.html);
    expect(english.translations).toBeUndefined();
  });

  it('sends the French issue to French readers and the English one to the others, each footer and link in its language', async () => {
    await subscribe('zoe@exemple.ca', 'fr-CA');
    await subscribe('ann@example.com', 'en-CA');
    await subscribe('old@example.com', undefined);
    const mails = await send(translated);
    expect(mails).toHaveLength(3);

    const zoe = to(mails, 'zoe@exemple.ca');
    expect(zoe.parsed.subject).toBe('La ferme se prépare pour l’hiver');
    const { document } = parseHTML(String(zoe.parsed.html));
    expect(document.documentElement.getAttribute('lang')).toBe('fr-CA');
    expect(document.querySelector('.browser a, td a')?.textContent).toBe('Voir dans votre navigateur');
    const hrefs = [...document.querySelectorAll('a[href]')].map((a) => `${a.textContent} ${a.getAttribute('href')}`);
    expect(hrefs.some((h) => /^Choisir ce que vous recevez https?:\/\/[^/]+\/fr\/subscribe\/preferences\?token=/.test(h))).toBe(true);
    expect(hrefs.some((h) => /^Se désabonner https?:\/\/[^/]+\/fr\/unsubscribe\?token=/.test(h))).toBe(true);
    expect(String(zoe.parsed.text).replace(/\s+/g, ' ')).toContain('Vous recevez ce message parce que vous êtes abonné à L’infolettre Chinook sur ');
    expect(String(zoe.parsed.text)).toContain(translated.translations!['fr-CA']!.url.replace(/^https?:\/\/[^/]+/, ''));
    expect(zoe.raw).toMatch(/^List-Unsubscribe:\s*<https?:\/\/[^/]+\/fr\/unsubscribe\?token=/im);
    // The list's name in List-Id is the options' own.
    expect(zoe.raw).toMatch(/^List-Id: The Chinook newsletter <news\./im);

    for (const address of ['ann@example.com', 'old@example.com']) {
      const mail = to(mails, address);
      expect(mail.parsed.subject).toBe(translated.title);
      expect(String(mail.parsed.html)).toContain('<html lang="en-CA">');
      expect(String(mail.parsed.text).replace(/\s+/g, ' ')).toContain('You get this because you subscribed to The Chinook newsletter on ');
      expect(mail.raw).toMatch(/^List-Unsubscribe:\s*<https?:\/\/[^/]+\/unsubscribe\?token=/im);
      expect(String(mail.parsed.html)).not.toContain('/fr/');
    }
  });

  it('sends an issue without a French translation to French readers in English, footer included', async () => {
    await subscribe('zoe@exemple.ca', 'fr-CA');
    const [mail] = await send(english);
    expect(mail!.parsed.subject).toBe(english.title);
    expect(String(mail!.parsed.html)).toContain('<html lang="en-CA">');
    expect(String(mail!.parsed.text)).toContain('Unsubscribe');
    expect(mail!.raw).toMatch(/^List-Unsubscribe:\s*<https?:\/\/[^/]+\/unsubscribe\?token=/im);
  });
});
