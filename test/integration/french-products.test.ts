import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { CheerioAPI } from 'cheerio';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { jsonLd, readPages, sitemapUrls, type BuiltPage } from '../helpers/built-site.ts';

const SITE = 'https://www.chinookbulbfarm.ca';
const repo = path.resolve(import.meta.dirname, '../..');
const clientDir = path.join(inject('referenceBuild'), 'client');
let pages: BuiltPage[];

/** The slugs of the products translated into French in the reference content (`<slug>.fr.md`). */
const translated = readdirSync(path.join(repo, 'content/products'))
  .filter((f) => f.endsWith('.fr.md'))
  .map((f) => f.slice(0, -'.fr.md'.length))
  .sort();

const page = (file: string): CheerioAPI => {
  const found = pages.find((p) => p.file === file);
  if (!found) throw new Error(`${file} is not in the build`);
  return found.$;
};
const has = (file: string) => pages.some((p) => p.file === file);
const text = ($: CheerioAPI, selector: string) => $(selector).first().text().trim();
/** The product pages a list links to (its cards' headings), as paths. */
const cardLinks = ($: CheerioAPI) =>
  $('main .card :is(h2, h3) a')
    .toArray()
    .map((a) => $(a).attr('href')!)
    .sort();
const hreflangs = ($: CheerioAPI) =>
  Object.fromEntries(
    $('link[rel="alternate"][hreflang]')
      .toArray()
      .map((l) => [$(l).attr('hreflang'), $(l).attr('href')]),
  );
const product = ($: CheerioAPI) => jsonLd($).find((d) => d['@type'] === 'Product') as Record<string, any>;

beforeAll(async () => {
  pages = await readPages(clientDir);
});

describe('the product catalogue in French', () => {
  it('has five translated products in the reference content', () => {
    expect(translated).toHaveLength(5);
  });

  it('draws a product page in French: name, price the Canadian French way, availability and facts', () => {
    const $ = page('fr/products/tulip-queen-of-night/index.html');
    expect($('html').attr('lang')).toBe('fr-CA');
    expect(text($, 'h1')).toBe("Tulipe 'Queen of Night'");
    // Canadian French: comma for decimals, the sign after a no-break space.
    expect(text($, 'main .price')).toBe('14,95\u00a0$');
    expect(text($, 'main .badge')).toBe('En stock');
    expect(
      $('main dl.facts dt')
        .toArray()
        .map((d) => $(d).text()),
    ).toEqual(['Code de produit', 'Catégorie', 'Poids à l’expédition']);
    expect(
      $('main dl.facts dd')
        .toArray()
        .map((d) => $(d).text()),
    ).toEqual(['TUL-QON-10', 'Tulipes', '0,3 kg']);
    expect($('link[rel="canonical"]').attr('href')).toBe(`${SITE}/fr/products/tulip-queen-of-night/`);
    expect(hreflangs($)).toEqual({
      'en-CA': `${SITE}/products/tulip-queen-of-night/`,
      'fr-CA': `${SITE}/fr/products/tulip-queen-of-night/`,
      'x-default': `${SITE}/products/tulip-queen-of-night/`,
    });
    // Breadcrumbs and the links back stay in French.
    expect(
      $('nav.breadcrumbs a')
        .toArray()
        .map((a) => $(a).attr('href')),
    ).toEqual(['/fr/', '/fr/products/', '/fr/products/category/tulipes/']);
    expect(
      $('main > p a, main [data-pagefind-body] > p a')
        .toArray()
        .map((a) => [$(a).attr('href'), $(a).text()]),
    ).toEqual([
      ['/fr/products/category/tulipes/', '← Retour aux tulipes'],
      ['/fr/products/', 'Tout le catalogue de bulbes'],
    ]);
    // Other availabilities are said in French too.
    expect(text(page('fr/products/dahlia-cafe-au-lait/index.html'), 'main .badge')).toBe('Précommande\u00a0: expédition en saison');
    expect(text(page('fr/products/dahlia-cafe-au-lait/index.html'), 'main .price')).toBe('8,95\u00a0$');
  });

  it('adds the same product to the same order from a French page, through the French cart', () => {
    const fr = page('fr/products/tulip-queen-of-night/index.html');
    const en = page('products/tulip-queen-of-night/index.html');
    const form = fr('form.add-to-order');
    expect(form.attr('action')).toBe('/fr/cart');
    expect(en('form.add-to-order').attr('action')).toBe('/cart');
    expect(form.find('input[name="add"]').val()).toBe(en('form.add-to-order input[name="add"]').val());
    expect(form.find('label').text()).toBe('Quantité');
    expect(form.find('button').text()).toBe('Ajouter à la commande');
  });

  it('describes a French product in French structured data, at its French address, with the same offer', () => {
    const fr = product(page('fr/products/daffodil-dutch-master/index.html'));
    const en = product(page('products/daffodil-dutch-master/index.html'));
    expect(fr.name).toBe("Narcisse 'Dutch Master'");
    expect(fr.description).toMatch(/^Le narcisse à trompette/);
    expect(fr.category).toBe('Narcisses');
    expect(fr.url).toBe(`${SITE}/fr/products/daffodil-dutch-master/`);
    expect(fr.offers.url).toBe(fr.url);
    expect(en.name).toBe("Daffodil 'Dutch Master'");
    expect(en.url).toBe(`${SITE}/products/daffodil-dutch-master/`);
    for (const key of ['sku', 'image', 'weight', 'brand']) expect(fr[key], key).toEqual(en[key]);
    // The offer is the same but for its address.
    expect({ ...fr.offers, url: en.offers.url }).toEqual(en.offers);
    expect(fr.offers.price).toBe('13.95');
  });

  it('lists exactly the translated products in the French catalogue, at their French addresses', () => {
    const $ = page('fr/products/index.html');
    expect($('html').attr('lang')).toBe('fr-CA');
    expect(text($, 'h1')).toBe('Nos bulbes');
    expect($('title').text()).toBe('Tout notre catalogue de bulbes | Chinook Bulb Farm');
    expect(cardLinks($)).toEqual(translated.map((slug) => `/fr/products/${slug}/`));
    expect(
      $('main .card .price')
        .toArray()
        .every((p) => /^\d+,\d\d\u00a0\$$/.test($(p).text())),
    ).toBe(true);
    expect($('main .card form button').first().text()).toBe('Ajouter à la commande');
    // No page for a product without a translation.
    const frProducts = pages.filter((p) => /^fr\/products\/[^/]+\/index\.html$/.test(p.file) && !p.file.startsWith('fr/products/category/'));
    expect(frProducts.map((p) => p.file.split('/')[2]).sort()).toEqual(translated);
    expect(has('fr/products/tulip-ballerina/index.html')).toBe(false);
  });

  it('keeps the English catalogue as it was, with none of the French entries', () => {
    const $ = page('products/index.html');
    expect($('html').attr('lang')).toBe('en-CA');
    expect(text($, 'h1')).toBe('Our bulbs');
    expect($('title').text()).toBe('All our bulbs | Chinook Bulb Farm');
    const links = cardLinks($);
    expect(links.length).toBeGreaterThanOrEqual(12);
    expect(
      links.every((href) => /^\/products\/[a-z0-9-]+\/$/.test(href)),
      links.join(),
    ).toBe(true);
    expect(links).toEqual(expect.arrayContaining(translated.map((slug) => `/products/${slug}/`)));
    expect($('main').text()).not.toMatch(/Narcisse|Tulipe|Ajouter|En stock|\d,\d\d\u00a0\$/);
    expect(text($, 'main .price')).toMatch(/^\$\d+\.\d\d$/);
    expect($('main .card form button').first().text()).toBe('Add to order');
    // An English product without a translation declares no French page.
    expect(hreflangs(page('products/tulip-ballerina/index.html'))).toEqual({});
    expect(hreflangs(page('products/tulip-queen-of-night/index.html'))['fr-CA']).toBe(`${SITE}/fr/products/tulip-queen-of-night/`);
    expect(text(page('products/daffodil-thalia/index.html'), 'main .badge')).toBe('Backorder: ships when restocked');
  });

  it('has a category page per locale, each listing that locale’s products, linked across only where both exist', () => {
    const frCategories = pages
      .filter((p) => p.file.startsWith('fr/products/category/'))
      .map((p) => p.file.split('/')[3])
      .sort();
    expect(frCategories).toEqual(['alliums', 'dahlias', 'lis', 'narcisses', 'tulipes']);
    const narcisses = page('fr/products/category/narcisses/index.html');
    expect(narcisses('html').attr('lang')).toBe('fr-CA');
    expect(text(narcisses, 'h1')).toBe('Narcisses');
    expect(cardLinks(narcisses)).toEqual(['/fr/products/daffodil-dutch-master/']);
    expect(narcisses('meta[name="description"]').attr('content')).toMatch(
      /^1 produit \(narcisses\)[\s\u00a0]: Narcisse 'Dutch Master'\. Prix et disponibilité\.$/,
    );
    // No English page at /products/category/narcisses/, so no alternate to one.
    expect(hreflangs(narcisses)).toEqual({});
    expect(has('products/category/narcisses/index.html')).toBe(false);
    expect(has('fr/products/category/daffodils/index.html')).toBe(false);
    // Alliums is spelled alike in both languages: two pages, each with its own products, linked both ways.
    const frAlliums = page('fr/products/category/alliums/index.html');
    const enAlliums = page('products/category/alliums/index.html');
    expect(cardLinks(frAlliums)).toEqual(['/fr/products/allium-purple-sensation/']);
    expect(cardLinks(enAlliums)).toEqual(['/products/allium-giganteum/', '/products/allium-purple-sensation/']);
    expect(hreflangs(frAlliums)['en-CA']).toBe(`${SITE}/products/category/alliums/`);
    expect(hreflangs(enAlliums)['fr-CA']).toBe(`${SITE}/fr/products/category/alliums/`);
    expect(frAlliums('main > p a, main [data-pagefind-body] > p a').last().text()).toBe('← Tout le catalogue de bulbes');
    expect(enAlliums('main p a').last().text()).toBe('← All bulbs');
    expect(text(enAlliums, 'main .badge')).toBe('In stock');
  });

  it('links French product cards to French product pages everywhere, and never to /products/fr/', () => {
    const home = page('fr/index.html');
    const featured = cardLinks(home).filter((href) => href.includes('/products/'));
    expect(featured.length).toBeGreaterThan(0);
    expect(
      featured.every((href) => translated.some((slug) => href === `/fr/products/${slug}/`)),
      featured.join(),
    ).toBe(true);
    const broken = pages.filter((p) => p.$('a[href*="/products/fr/"]').length > 0).map((p) => p.file);
    expect(broken).toEqual([]);
    // From a French page, a product link goes to English only where the product has no French page (the language switch aside).
    const toEnglish = pages
      .filter((p) => p.file.startsWith('fr/'))
      .flatMap((p) =>
        p
          .$('a[href^="/products/"]:not([hreflang])')
          .toArray()
          .map((a) => `${p.file} → ${p.$(a).attr('href')}`),
      );
    expect(toEnglish.length).toBeGreaterThan(0);
    expect(toEnglish.filter((link) => translated.some((slug) => link.endsWith(`→ /products/${slug}/`)))).toEqual([]);
  });

  it('lists the French product pages in the XML sitemap, and no French page that does not exist', () => {
    const urls = sitemapUrls(clientDir);
    for (const slug of translated) expect(urls).toContain(`${SITE}/fr/products/${slug}/`);
    expect(urls).toContain(`${SITE}/fr/products/`);
    expect(urls).toContain(`${SITE}/fr/products/category/narcisses/`);
    expect(urls).not.toContain(`${SITE}/fr/products/tulip-ballerina/`);
    expect(urls).not.toContain(`${SITE}/fr/products/category/daffodils/`);
  });

  it('keeps French entries out of the English site map page', () => {
    const $ = page('sitemap/index.html');
    const productLinks = $('main a[href*="/products/"]')
      .toArray()
      .map((a) => $(a).attr('href')!);
    expect(productLinks).toContain('/products/tulip-queen-of-night/');
    expect(productLinks.filter((href) => !href.startsWith('/products/'))).toEqual([]);
    expect($('main').text()).not.toMatch(/Narcisse|Tulipe '/);
  });
});
