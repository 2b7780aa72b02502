import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Services } from '../../integrations/rapport/core/services.ts';
import { searchFeature } from '../../integrations/rapport/features/search/feature.ts';
import { searchLanguage } from '../../integrations/rapport/features/search/search-languages.ts';
import { buildSearchIndex, SEARCH_INDEX_FILE, SiteSearch, type SearchIndexFile } from '../../integrations/rapport/features/search/site-search.ts';
import type { SearchRecord } from '../../integrations/rapport/site/build/extract.ts';

const page = (url: string, lang: string | undefined, title: string, text: string, section = 'Pages'): SearchRecord => ({
  url,
  title,
  section,
  category: undefined,
  text: `${title} ${text}`,
  lang,
});

const RECORDS: SearchRecord[] = [
  page('/peonies/', 'en-CA', 'Peonies', 'Plant peonies in autumn, two inches deep. They bloom in June for decades.', 'Products'),
  page('/dahlia-cafe-au-lait/', 'en-CA', 'Dahlia Café au Lait', 'Blush blooms the size of a dinner plate: a feeling of déjà vu every August.', 'Products'),
  page('/tulips/', 'en-CA', 'Planting tulips', 'Plant the tulips in October, six inches deep, before the ground freezes.', 'FAQ'),
  page('/fr/pivoines/', 'fr-CA', 'Pivoines', 'Plantez les pivoines à l’automne, à cinq centimètres de profondeur. Elles fleurissent en juin.', 'Produits'),
  page('/fr/crocus/', 'fr-CA', 'Crocus printaniers', 'Les crocus sont déjà en fleurs en mars dans la zone 5, même sous la neige.', 'Produits'),
  page('/fr/tulipes/', 'fr-CA', 'Planter les tulipes', 'Plantez les tulipes en octobre, avant le gel : l’hiver les protège.', 'FAQ'),
  // Written without its accents, as visitors and some editors type.
  page('/fr/livraison/', 'fr', 'Livraison', 'Expedition partout au Canada de la fin septembre a la mi-octobre.', 'FAQ'),
];

const search = new SiteSearch(JSON.parse(JSON.stringify(buildSearchIndex(RECORDS))) as SearchIndexFile);
const urls = (q: string, lang: string | undefined, options: { match?: 'all' | 'any' } = {}) => search.search(q, { lang, ...options }).hits.map((h) => h.url);
const first = (q: string, lang: string | undefined) => search.search(q, { lang }).hits[0];

describe('the language a tag asks for', () => {
  it('reads fr, fr-CA and fr_FR as French, and anything else (or nothing) as English', () => {
    expect(['fr', 'fr-CA', 'FR-ca', 'fr_FR', ' fr-CA '].map(searchLanguage)).toEqual(['fr', 'fr', 'fr', 'fr', 'fr']);
    expect(['en-CA', 'en', 'de', 'fra', 'french', '', undefined, null, '<script>'].map(searchLanguage)).toEqual(Array(9).fill('en'));
  });
});

describe('server search in English and French', () => {
  it('keeps each language to its own pages', () => {
    expect(urls('tulips', 'en-CA')).toEqual(['/tulips/']);
    expect(urls('tulipes', 'fr-CA')).toEqual(['/fr/tulipes/']);
    // A French page is not found from an English one, nor the other way round.
    expect(urls('pivoines', 'en-CA')).toEqual([]);
    expect(urls('peonies', 'fr-CA')).toEqual([]);
    expect(search.sections('fr-CA')).toEqual(['FAQ', 'Produits']);
    expect(search.sections('en-CA')).toEqual(['FAQ', 'Products']);
  });

  it('stems French words as French: pivoine finds pivoines, planter finds plantez', () => {
    expect(urls('pivoine', 'fr-CA')).toEqual(['/fr/pivoines/']);
    expect(urls('pivoines', 'fr-CA')).toEqual(['/fr/pivoines/']);
    expect(urls('fleurir', 'fr-CA').sort()).toEqual(['/fr/crocus/', '/fr/pivoines/']);
    expect(urls('planter tulipe', 'fr-CA')).toEqual(['/fr/tulipes/']);
    // The elided article does not hide its word: "l’hiver" is found by "hiver".
    expect(urls('hiver', 'fr-CA')).toEqual(['/fr/tulipes/']);
    // Numbers stay searchable (lunr.fr's own trimmer drops them).
    expect(urls('zone 5', 'fr-CA')[0]).toBe('/fr/crocus/');
  });

  it('leaves French stop words out: le, la, les, de match nothing, and do not widen a search to every page', () => {
    expect(search.search('le la les de', { lang: 'fr-CA' })).toEqual({ hits: [], total: 0 });
    // In "any word" mode every page has "les" or "de": only pivoines may count.
    expect(urls('les pivoines de la ferme', 'fr-CA', { match: 'any' })).toEqual(['/fr/pivoines/']);
    const fr = buildSearchIndex(RECORDS).languages.fr!.index as { invertedIndex: Array<[string, unknown]> };
    const terms = fr.invertedIndex.map(([term]) => term);
    for (const stop of ['le', 'la', 'les', 'de', 'l', 'en', 'à']) expect(terms, stop).not.toContain(stop);
    expect(terms).toContain('pivoin');
  });

  it('finds words with or without their accents, both ways, and marks the page’s own accented text', () => {
    const deja = first('deja', 'fr-CA');
    expect(deja?.url).toBe('/fr/crocus/');
    expect(deja?.excerpt).toContain('<mark>déjà</mark>');
    expect(first('déjà', 'fr-CA')?.url).toBe('/fr/crocus/');
    expect(urls('protege', 'fr-CA')).toEqual(['/fr/tulipes/']);
    // An accented query finds text written without accents.
    expect(urls('expédition', 'fr-CA')).toEqual(['/fr/livraison/']);
    expect(urls('expedition', 'fr-CA')).toEqual(['/fr/livraison/']);
    // English pages fold accents too (lunr's trimmer alone would index "café" as "caf").
    expect(first('cafe', 'en-CA')?.url).toBe('/dahlia-cafe-au-lait/');
    expect(first('cafe', 'en-CA')?.excerpt).toContain('<mark>Café</mark>');
    expect(first('deja', 'en-CA')?.url).toBe('/dahlia-cafe-au-lait/');
    expect(first('déjà', 'en-CA')?.url).toBe('/dahlia-cafe-au-lait/');
  });

  it('forgives one typo per word in each language, accents aside', () => {
    expect(urls('peone', 'en-CA')).toEqual(['/peonies/']);
    expect(urls('pivione', 'fr-CA')).toEqual(['/fr/pivoines/']);
    expect(urls('pivoinnes', 'fr-CA')).toEqual(['/fr/pivoines/']);
    expect(urls('tulipps', 'fr-CA')).toEqual(['/fr/tulipes/']);
    expect(urls('profondeurr', 'fr-CA')).toEqual(['/fr/pivoines/']);
  });

  it('reads English as before: its stop words, its stemmer, one typo', () => {
    expect(search.search('the and of', { lang: 'en-CA' }).total).toBe(0);
    expect(urls('planting', 'en-CA')).toEqual(['/tulips/', '/peonies/']);
    expect(urls('tullips', 'en-CA')).toEqual(['/tulips/']);
    expect(first('peonies', 'en-CA')?.excerpt).toContain('<mark>Peonies</mark>');
  });

  it('searches the site’s main language when a query names none, or one without pages', () => {
    expect(urls('tulips', undefined)).toEqual(['/tulips/']);
    expect(urls('tulips', 'de-DE')).toEqual(['/tulips/']);
    const frenchOnly = new SiteSearch(buildSearchIndex(RECORDS.filter((r) => r.lang?.startsWith('fr'))));
    expect(frenchOnly.search('pivoine', { lang: 'en-CA' }).hits.map((h) => h.url)).toEqual(['/fr/pivoines/']);
    expect(frenchOnly.search('pivoine', {}).hits.map((h) => h.url)).toEqual(['/fr/pivoines/']);
  });
});

describe('the server loading a build’s index', () => {
  it('reads this version’s index, and leaves one from an older build unread (its words were indexed otherwise)', async () => {
    const buildDir = await mkdtemp(path.join(os.tmpdir(), 'rapport-search-load-'));
    try {
      await mkdir(path.join(buildDir, 'server'));
      const runtime = await searchFeature.runtime!();
      const services = {} as Services;
      await writeFile(path.join(buildDir, 'server', SEARCH_INDEX_FILE), JSON.stringify(buildSearchIndex(RECORDS)));
      await runtime.load!(buildDir, services);
      expect(services.search?.search('deja', { lang: 'fr-CA' }).hits[0]?.url).toBe('/fr/crocus/');
      await writeFile(path.join(buildDir, 'server', SEARCH_INDEX_FILE), JSON.stringify({ version: 1, index: {}, docs: {} }));
      await runtime.load!(buildDir, services);
      expect(services.search).toBeUndefined();
    } finally {
      await rm(buildDir, { recursive: true, force: true });
    }
  });
});
