import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load, type CheerioAPI } from 'cheerio';
import { describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { readBuildInfo } from '../../integrations/rapport/core/build-info.ts';

/**
 * The privacy statement in French on the reference site (issue 22): /fr/privacy says the same
 * declarations as /privacy in French, with the editor's texts from content/settings/privacy.fr.md,
 * the same anchors and the same version.
 */
const distDir = inject('referenceBuild');
const client = path.join(distDir, 'client');
const SITE = 'https://www.chinookbulbfarm.ca';
const repo = path.resolve(import.meta.dirname, '../..');

const page = (pathname: string): CheerioAPI => load(readFileSync(path.join(client, pathname, 'index.html'), 'utf8'));
const french = page('fr/privacy');
const english = page('privacy');
/** The French settings as the editor wrote them. */
const settings = parse(readFileSync(path.join(repo, 'content/settings/privacy.fr.md'), 'utf8').split(/^---$/m)[1]!) as {
  purposes: Array<{ purpose: string; description: string }>;
  processors: Array<{ name: string; receives: string }>;
};
const words = (text: string) => text.replace(/\s+/g, ' ').trim();
const ids = ($: CheerioAPI) =>
  $('article [id]')
    .map((_, e) => $(e).attr('id'))
    .get();
const hreflangs = ($: CheerioAPI) =>
  Object.fromEntries(
    $('link[rel=alternate][hreflang]')
      .map((_, l) => [[$(l).attr('hreflang'), $(l).attr('href')]])
      .get() as Array<[string, string]>,
  );

describe('the privacy statement in French', () => {
  it('is a French page: its language, headings, and Rapport’s words for what is collected, kept and why', () => {
    expect(french('html').attr('lang')).toBe('fr-CA');
    expect(french('h1').text()).toBe('Politique de confidentialité');
    expect(french('title').text()).toMatch(/^Politique de confidentialité \| /);
    expect(french('#collected').text()).toBe('Ce que nous recueillons et pourquoi');
    expect(french('#recipients').text()).toBe('Communication à des tiers');
    expect(french('#retention').text()).toBe('Durée de conservation');
    expect(french('#purpose-orders').text()).toBe('Traiter vos commandes');
    expect(words(french('#retention ~ table').first().text())).toContain('6 ans après la fin de l’année d’imposition de la commande, puis tout est supprimé.');
    expect(words(french('article').text())).toContain('responsable de la protection des renseignements personnels');
    // Nothing of Rapport's English wording is left in what it writes, outside what is marked as English.
    const unmarked = load(french('article').html()!);
    unmarked('[lang]').remove();
    for (const english of [
      'What we collect and why',
      'How long we keep it',
      'Who receives it',
      'Your rights and how to use them',
      'years after',
      'Privacy questions',
    ]) {
      expect(unmarked.text()).not.toContain(english);
    }
  });

  it('says each purpose and company in the editor’s French words from privacy.fr.md', () => {
    for (const { purpose, description } of settings.purposes) {
      expect(words(french(`section[data-purpose="${purpose}"] > p`).text()), purpose).toBe(words(description));
      expect(french(`section[data-purpose="${purpose}"] > p`).attr('lang'), purpose).toBeUndefined();
    }
    const rows = french('#recipients ~ table tbody tr')
      .map((_, r) => words(french(r).text()))
      .get();
    for (const { name, receives } of settings.processors)
      expect(
        rows.some((r) => r.includes(name) && r.includes(words(receives))),
        name,
      ).toBe(true);
  });

  it('says every label and text in French, so nothing is marked as English', () => {
    const marked = french('article [lang]')
      .map((_, e) => ({ lang: french(e).attr('lang'), text: words(french(e).text()) }))
      .get();
    // Every form label is a catalogue text, so none is left in English (the history recorded before the French statement is on /fr/privacy/changes).
    expect(marked).toEqual([]);
    expect(words(french('#purpose-orders').parent().text())).toContain('Téléphone');
    expect(words(french('#purpose-orders').parent().text())).toContain('Appartement, bureau, route rurale');
  });

  it('has the English page’s anchors, so a link to a purpose works in both languages', () => {
    expect(ids(french)).toEqual(ids(english));
    expect(ids(french)).toEqual(expect.arrayContaining(['purpose-newsletter', 'purpose-orders', 'collected', 'retention', 'changes']));
  });

  it('shows the version the server records with every consent, the same on both pages', () => {
    const version = readBuildInfo(distDir).privacyVersion;
    expect(version).toMatch(/^\d{4}-\d{2}-\d{2}\+[0-9a-f]{8}$/);
    expect(french('p.small code').first().text()).toBe(version);
    expect(english('p.small code').first().text()).toBe(version);
    expect(words(french('.privacy-latest').text())).toContain(`Version ${version}, en vigueur le`);
    expect(words(english('.privacy-latest').text())).toContain(`Version ${version}, effective`);
    // Every version on a page of its own, in the page's language, the same versions in both.
    const versions = { french: page('fr/privacy/changes'), english: page('privacy/changes') };
    expect(versions.french('html').attr('lang')).toBe('fr-CA');
    expect(versions.french('h1').text()).toBe('Politique de confidentialité\u00a0: ses versions');
    expect(french('#changes ~ p a').attr('href')).toBe('/fr/privacy/changes');
    const ids = (v: typeof french) =>
      v('.privacy-history > li')
        .map((_, li) => v(li).attr('id'))
        .get();
    expect(ids(versions.french)).toEqual(ids(versions.english));
    expect(ids(versions.french)[0]).toBe(`v${version!.replace(/[^\w-]/g, '-')}`);
    expect(words(versions.french('.privacy-history > li').last().text())).toContain('Première version de la présente politique.');
  });

  it('links the two statements to each other, and French pages and forms link the French one', () => {
    const alternates = { 'en-CA': `${SITE}/privacy/`, 'fr-CA': `${SITE}/fr/privacy/`, 'x-default': `${SITE}/privacy/` };
    expect(hreflangs(french)).toMatchObject(alternates);
    expect(hreflangs(english)).toMatchObject(alternates);
    const frenchHome = page('fr');
    expect(frenchHome('footer a[href="/fr/privacy"]').length).toBe(1);
    // The sign-up form on the home page: its consent links the purpose's section in the page's language.
    expect(frenchHome('a[href="/fr/privacy#purpose-newsletter"]').length).toBeGreaterThan(0);
    expect(frenchHome('a[href^="/privacy"]').length).toBe(0);
    expect(page('')('a[href="/privacy#purpose-newsletter"]').length).toBeGreaterThan(0);
  });
});
