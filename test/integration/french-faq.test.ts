import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { jsonLd, readPages, type BuiltPage } from '../helpers/built-site.ts';

/** The reference site's FAQ in French: /fr/faq/ and its answers and categories, beside the English FAQ. */
const SITE = 'https://www.chinookbulbfarm.ca';
const clientDir = path.join(inject('referenceBuild'), 'client');
const faqDir = path.resolve(import.meta.dirname, '../../content/faq');
const NBSP = '\u00a0';
let pages: BuiltPage[];

beforeAll(async () => {
  pages = await readPages(clientDir);
});

const page = (file: string) => {
  const found = pages.find((p) => p.file === path.join(...file.split('/')));
  if (!found) throw new Error(`${file} was not built`);
  return found;
};
const files = () => pages.map((p) => p.file.split(path.sep).join('/'));
const text = ({ $ }: BuiltPage, selector = 'main') => $(selector).text().replace(/\s+/g, ' ').trim();
const links = ({ $ }: BuiltPage, selector = 'main a') =>
  $(selector)
    .toArray()
    .map((a) => $(a).attr('href')!);
const alternates = ({ $ }: BuiltPage) =>
  Object.fromEntries(
    $('link[rel="alternate"][hreflang]')
      .toArray()
      .map((l) => [$(l).attr('hreflang'), $(l).attr('href')]),
  );

/** The content folder's published answers in one language (`fr`, or the originals). */
function publishedSlugs(language: 'fr' | 'original'): string[] {
  return readdirSync(faqDir)
    .filter((f) => (language === 'fr' ? f.endsWith('.fr.md') : f.endsWith('.md') && !f.endsWith('.fr.md')))
    .filter((f) => /^status: published$/m.test(readFileSync(path.join(faqDir, f), 'utf8')))
    .map((f) => f.replace(/(\.[a-z]{2})?\.md$/, ''))
    .sort();
}

describe('the FAQ in French', () => {
  it('has a page for each published French answer and none for an answer not translated', () => {
    const french = publishedSlugs('fr');
    expect(french.length).toBeGreaterThanOrEqual(10);
    const built = files()
      .filter((f) => /^fr\/faq\/[^/]+\/index\.html$/.test(f) && !f.startsWith('fr/faq/category/'))
      .map((f) => f.split('/')[2]!)
      .sort();
    expect(built).toEqual(french);
    const untranslated = publishedSlugs('original').filter((slug) => !french.includes(slug));
    expect(untranslated).toContain('deer-resistant-bulbs');
    for (const slug of untranslated) expect(existsSync(path.join(clientDir, 'fr', 'faq', slug)), slug).toBe(false);
  });

  it('lists the French answers under French categories on /fr/faq/, each linked in French', () => {
    const index = page('fr/faq/index.html');
    expect(index.$('html').attr('lang')).toBe('fr-CA');
    expect(index.$('h1').text()).toBe('Foire aux questions');
    expect(index.$('title').text()).toBe('Foire aux questions | Chinook Bulb Farm');
    expect(index.$('meta[name=description]').attr('content')).toBe(
      `Réponses à ${publishedSlugs('fr').length} questions fréquentes${NBSP}: À propos de la ferme, Commandes, Culture et entretien, Expédition, Plantation.`,
    );
    const headings = index
      .$('main section h2')
      .toArray()
      .map((h) => index.$(h).text());
    expect(headings).toEqual(['À propos de la ferme', 'Commandes', 'Culture et entretien', 'Expédition', 'Plantation']);
    const answers = links(index, 'main section li a');
    expect(answers).toHaveLength(publishedSlugs('fr').length);
    expect(answers.every((href) => /^\/fr\/faq\/[a-z0-9-]+\/$/.test(href))).toBe(true);
    expect(links(index, 'main .more a')).toContain('/fr/faq/category/plantation/');
    expect(index.$('main .more a').first().text()).toBe(`Toutes les réponses de la catégorie «${NBSP}À propos de la ferme${NBSP}» →`);
    // No English question or category on the French page.
    expect(text(index)).not.toMatch(/Planting|Shipping|Which bulbs are deer resistant|Read all answers/);
    const search = index.$('main form[role=search]');
    expect(search.find('label').text()).toBe('Trouver une réponse');
    expect(search.find('input[name=q]').attr('placeholder')).toBe(`Par exemple${NBSP}: expédition, tulipes, profondeur de plantation`);
    // The question form is another slice's page: the link follows wherever the site serves it.
    const ask = index.$('main p a[href*="/faq/ask"]');
    expect(ask.text()).toBe('Posez-la-nous');
    expect(ask.attr('href')).toMatch(/^(\/fr)?\/faq\/ask$/);
    expect(alternates(index)).toEqual({ 'en-CA': `${SITE}/faq/`, 'fr-CA': `${SITE}/fr/faq/`, 'x-default': `${SITE}/faq/` });
  });

  it('keeps the English FAQ in English, with no French answer and its wording unchanged', () => {
    const index = page('faq/index.html');
    expect(index.$('html').attr('lang')).toBe('en-CA');
    expect(index.$('h1').text()).toBe('Frequently asked questions');
    expect(index.$('meta[name=description]').attr('content')).toMatch(/^Answers to \d+ common questions about the farm, growing and care, /);
    expect(text(index)).toContain('No answer to your question? Ask us: we answer it here, for everyone.');
    expect(index.$('main .more a').first().text()).toBe('Read all answers about the farm →');
    expect(links(index).filter((href) => href.startsWith('/fr/'))).toEqual([]);
    expect(text(index)).not.toMatch(/Plantation|Expédition|Quand faut-il/);
    expect(links(index, 'main section li a')).toHaveLength(publishedSlugs('original').length);
  });

  it('answers in French, dated in French, with French links and structured data, and alternates both ways', () => {
    const answer = page('fr/faq/when-to-plant-tulips/index.html');
    expect(answer.$('html').attr('lang')).toBe('fr-CA');
    expect(answer.$('h1').text()).toBe('Quand faut-il planter les tulipes en Alberta et dans les Prairies?');
    expect(text(answer, 'main article .small')).toBe('Mis à jour le 2 mars 2026');
    expect(answer.$('main time').attr('datetime')).toBe('2026-03-02');
    expect(answer.$('#related').text()).toBe(`Autres questions${NBSP}: Plantation`);
    expect(links(answer, 'main section[aria-labelledby=related] a').every((href) => href.startsWith('/fr/faq/'))).toBe(true);
    expect(answer.$('main nav[data-pagefind-ignore] a').text()).toBe('← Toutes les questions');
    expect(links(answer, 'main nav[data-pagefind-ignore] a')).toEqual(['/fr/faq/']);
    expect(links(answer, '.breadcrumbs a')).toEqual(['/fr/', '/fr/faq/', '/fr/faq/category/plantation/']);
    expect(answer.$('meta[property="og:locale"]').attr('content')).toBe('fr_CA');
    expect(answer.$('[data-pagefind-filter^="category:"]').attr('data-pagefind-filter')).toBe('category:Plantation');
    const [faq, crumbs] = jsonLd(answer.$) as [Record<string, any>, Record<string, any>];
    expect(faq['@type']).toBe('FAQPage');
    expect(faq.inLanguage).toBe('fr-CA');
    expect(faq.mainEntity[0].name).toBe('Quand faut-il planter les tulipes en Alberta et dans les Prairies?');
    expect(faq.mainEntity[0].url).toBe(`${SITE}/fr/faq/when-to-plant-tulips/`);
    expect(faq.mainEntity[0].acceptedAnswer.text).toContain('Plantez les tulipes');
    expect(crumbs.itemListElement.map((c: { name: string }) => c.name)).toEqual([
      'Accueil',
      'FAQ',
      'Plantation',
      'Quand faut-il planter les tulipes en Alberta et dans les Prairies?',
    ]);
    const both = {
      'en-CA': `${SITE}/faq/when-to-plant-tulips/`,
      'fr-CA': `${SITE}/fr/faq/when-to-plant-tulips/`,
      'x-default': `${SITE}/faq/when-to-plant-tulips/`,
    };
    expect(alternates(answer)).toEqual(both);
    expect(alternates(page('faq/when-to-plant-tulips/index.html'))).toEqual(both);
  });

  it('gives an English answer without a translation no French alternate, and English words and dates', () => {
    const answer = page('faq/deer-resistant-bulbs/index.html');
    expect(alternates(answer)).toEqual({});
    expect(answer.$('meta[property="og:locale:alternate"]')).toHaveLength(0);
    expect(text(answer, 'main article .small')).toBe('Updated March 2, 2026');
    expect(answer.$('#related').text()).toBe('More about growing and care');
    const [faq] = jsonLd(answer.$) as [Record<string, any>];
    expect(faq.inLanguage).toBe('en-CA');
    expect(faq.mainEntity[0].url).toBe(`${SITE}/faq/deer-resistant-bulbs/`);
  });

  it('has a page per French category, at the French name’s slug, listing only its French answers', () => {
    const categories = files()
      .filter((f) => /^fr\/faq\/category\/[^/]+\/index\.html$/.test(f))
      .map((f) => f.split('/')[3])
      .sort();
    expect(categories).toEqual(['a-propos-de-la-ferme', 'commandes', 'culture-et-entretien', 'expedition', 'plantation']);
    const planting = page('fr/faq/category/plantation/index.html');
    expect(planting.$('html').attr('lang')).toBe('fr-CA');
    expect(planting.$('h1').text()).toBe('Plantation');
    expect(planting.$('title').text()).toBe(`Plantation${NBSP}: questions et réponses | Chinook Bulb Farm`);
    expect(planting.$('meta[name=description]').attr('content')).toMatch(
      new RegExp(`^5 réponses dans la catégorie «${NBSP}Plantation${NBSP}»${NBSP}: Quand faut-il planter les tulipes`),
    );
    const questions = links(planting, 'main article.qa h2 a');
    expect(questions).toHaveLength(5);
    expect(questions.every((href) => href.startsWith('/fr/faq/'))).toBe(true);
    expect(planting.$('main article.qa').first().attr('id')).toBe('when-to-plant-tulips');
    const [faq] = jsonLd(planting.$) as [Record<string, any>];
    expect(faq.inLanguage).toBe('fr-CA');
    expect(faq.mainEntity.map((q: { url: string }) => q.url).every((url: string) => url.startsWith(`${SITE}/fr/faq/`))).toBe(true);
    // Planting and Plantation are different addresses: neither claims the other as its translation.
    expect(alternates(planting)).toEqual({});
    expect(alternates(page('faq/category/planting/index.html'))).toEqual({});
    expect(files()).not.toContain('fr/faq/category/planting/index.html');
    expect(text(page('fr/faq/category/a-propos-de-la-ferme/index.html'))).toContain('← Toutes les questions');
    expect(page('faq/category/planting/index.html').$('title').text()).toBe('Planting: questions and answers | Chinook Bulb Farm');
  });

  it('lists the French answers in the French site map and the English ones in the English site map', () => {
    const english = page('sitemap/index.html');
    expect(text(english)).toContain('Questions and answers');
    expect(links(english).filter((href) => href.includes('/faq/'))).toContain('/faq/deer-resistant-bulbs/');
    expect(links(english).filter((href) => href.startsWith('/fr/faq/'))).toEqual([]);
    // The site map page in French is the site map's own slice; the FAQ's part of it is checked where it is served.
    if (!files().includes('fr/sitemap/index.html')) return;
    const french = page('fr/sitemap/index.html');
    expect(text(french)).toContain('Questions et réponses');
    const faqLinks = links(french).filter((href) => href.includes('/faq/'));
    expect(faqLinks).toContain('/fr/faq/');
    expect(faqLinks).toContain('/fr/faq/when-to-plant-tulips/');
    expect(faqLinks.filter((href) => !href.startsWith('/fr/faq/') && href !== '/faq/ask')).toEqual([]);
    expect(faqLinks).not.toContain('/fr/faq/deer-resistant-bulbs/');
  });
});
