import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, readPages, type BuiltPage } from '../helpers/built-site.ts';

/**
 * The fixture shop built with `site.locales: ['en-CA', 'fr-CA']`: Astro takes the i18n routing
 * Rapport derives from the option, and the default language's pages stay where they were.
 * (French pages come with the content slice of issue 22; until then there are none.)
 */
describe('a site in two languages', () => {
  let site: Awaited<ReturnType<typeof buildSite>>;
  let pages: BuiltPage[];

  beforeAll(async () => {
    site = await buildSite(path.resolve(import.meta.dirname, '../fixtures/basic'), { env: { FIXTURE_LOCALES: 'en-CA,fr-CA' } });
    pages = await readPages(site.clientDir);
  }, 180_000);
  afterAll(() => site?.cleanup());

  it('builds, with the default language at / and no page of its own under /fr/ yet', () => {
    const files = pages.map((p) => p.file);
    expect(files).toContain('index.html');
    expect(files).toContain(path.join('about', 'index.html'));
    expect(files.filter((f) => f.startsWith(`fr${path.sep}`))).toEqual([]);
  });

  it('links each page to its French address and back, with x-default on the default language', () => {
    const about = pages.find((p) => p.file === path.join('about', 'index.html'))!;
    const links = about
      .$('link[rel="alternate"][hreflang]')
      .toArray()
      .map((l) => [about.$(l).attr('hreflang'), about.$(l).attr('href')]);
    expect(links).toEqual([
      ['en-CA', 'https://fixture.example/about/'],
      ['fr-CA', 'https://fixture.example/fr/about/'],
      ['x-default', 'https://fixture.example/about/'],
    ]);
  });
});
