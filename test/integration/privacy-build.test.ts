import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RapportConfig } from '../../integrations/rapport/config/schema.ts';
import { describeFields } from '../../integrations/rapport/core/forms/define-form.ts';
import { catalogOf } from '../../integrations/rapport/features/orders/catalog.ts';
import type { CatalogProduct } from '../../integrations/rapport/features/orders/pricing.ts';
import { statementLabel } from '../../integrations/rapport/features/privacy/build-statement.ts';
import { formEndpoints } from '../../integrations/rapport/features/declared.ts';
import { buildSite } from '../helpers/built-site.ts';

const repo = path.resolve(import.meta.dirname, '../..');

describe('the reference site’s privacy statement', () => {
  const dir = inject('referenceBuild');
  const page = (at = 'privacy') => load(readFileSync(path.join(dir, 'client', at, 'index.html'), 'utf8'));
  const built = JSON.parse(readFileSync(path.join(dir, 'server', 'rapport.json'), 'utf8')) as { config: RapportConfig; privacyVersion: string };

  it('lists every field of every form the server answers, under the purpose it is collected for', () => {
    const $ = page();
    const catalog = catalogOf((JSON.parse(readFileSync(path.join(dir, 'server', 'catalog.json'), 'utf8')) as { products: CatalogProduct[] }).products);
    let fields = 0;
    for (const endpoint of formEndpoints(built.config).values()) {
      const form = endpoint.form(built.config, { catalog });
      for (const field of describeFields(form)) {
        if (field.privacy?.category === 'none') continue;
        const section = $(`section[data-purpose="${field.privacy?.purpose ?? form.purpose}"]`);
        expect(section.find('dd').first().text(), `${form.id}.${field.name}`).toContain(statementLabel(field));
        fields++;
      }
    }
    expect(fields).toBeGreaterThan(40); // one quantity field per product among them
  });

  it('shows the version the server records, its history, and the recipients, retention, cookies and rights', () => {
    const $ = page();
    expect($('main').text()).toContain(`version ${built.privacyVersion}`);
    // The statement tells what this version changed, and links the page of every version, newest first.
    const anchor = `v${built.privacyVersion.replace(/[^\w-]/g, '-')}`;
    expect($('.privacy-latest').attr('id')).toBe(anchor);
    expect($('.privacy-latest li').length).toBeGreaterThan(0);
    const versions = page('privacy/changes');
    expect($('#changes ~ p a').attr('href')).toBe('/privacy/changes');
    const entries = versions('.privacy-history > li');
    expect(entries.length).toBeGreaterThan(1);
    expect(entries.first().attr('id')).toBe(anchor);
    expect(entries.first().find('li').text()).toBe($('.privacy-latest li').text());
    expect(entries.last().find('li').text()).toBe('First version of this statement.');
    expect(versions('h1').text()).toBe('Privacy statement: its versions');
    expect(
      $('main h2')
        .map((_, h) => $(h).text())
        .get(),
    ).toEqual([
      'In short',
      'On this page',
      'What we collect and why',
      'Who receives your information',
      'How long we keep it',
      'Cookies',
      'Your rights and how to use them',
      'The laws we follow',
      'Contact us',
      'Changes to this statement',
    ]);
    expect(
      $('#recipients + p + table tbody th')
        .map((_, th) => $(th).text())
        .get(),
    ).toEqual(['Prairie Data Centre Ltd.', 'Postmark (ActiveCampaign, LLC)', 'Canada Post', 'Purolator Inc.']);
    expect(
      $('#cookies ~ table code')
        .map((_, c) => $(c).text())
        .get(),
    ).toEqual(['rapport_cart', 'rapport_session', 'survey-…', 'rapport_privacy']);
    expect(
      $('section[data-jurisdiction]')
        .map((_, s) => $(s).attr('data-jurisdiction'))
        .get(),
    ).toEqual(['pipeda', 'alberta-pipa', 'casl']);
    expect($('main').text()).not.toContain('Legal basis'); // no jurisdiction here asks for one
    // Carriers receive order data, not the after-sale e-mail.
    expect($('section[data-purpose="after-sale"]').text()).not.toContain('Canada Post');
    expect($('section[data-purpose="orders"]').text()).toContain('Canada Post');
  });

  it('is linked from every page’s footer and the HTML site map', () => {
    const home = load(readFileSync(path.join(dir, 'client', 'index.html'), 'utf8'));
    expect(home('footer a[href="/privacy"]').text()).toBe('Privacy statement');
    const siteMap = load(readFileSync(path.join(dir, 'client', 'sitemap', 'index.html'), 'utf8'));
    expect(siteMap('main a[href="/privacy"]').text()).toBe('Privacy statement');
  });
});

describe('building a statement from the settings', () => {
  let site: string;
  const settingsFile = () => path.join(site, 'content', 'settings', 'privacy.md');
  const builds: Array<{ cleanup: () => Promise<void> }> = [];
  const failure = async (env: Record<string, string> = {}) => {
    try {
      builds.push(await buildSite(site, { env }));
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('expected the build to fail');
  };

  /** The settings without the retention entry for `kind` (an entry is its `- data:` line and the indented lines under it). */
  const withoutPeriod = (settings: string, kind: string) => settings.replace(new RegExp(`^  - data: ${kind}\\n(?:    .*\\n)*`, 'm'), '');

  beforeAll(async () => {
    await mkdir(path.join(repo, '.rapport', 'fixtures'), { recursive: true });
    site = await mkdtemp(path.join(repo, '.rapport', 'fixtures', 'privacy-'));
    await cp(path.join(repo, 'test/fixtures/questions'), site, { recursive: true, filter: (src) => !/[/\\](dist|\.astro|node_modules)$/.test(src) });
  });
  afterAll(async () => {
    for (const b of builds) await b.cleanup();
    await rm(site, { recursive: true, force: true });
  });

  it('adds what GDPR requires and leaves out the orders of a site that takes none', async () => {
    const original = await readFile(settingsFile(), 'utf8');
    // Without orders, a period for orders would be a promise nothing keeps: the editor removes it.
    await writeFile(settingsFile(), withoutPeriod(original, 'orders').replace('jurisdictions: [pipeda, casl]', 'jurisdictions: [pipeda, casl, gdpr]'));
    const build = await buildSite(site, { env: { FIXTURE_ORDERS: '0' } });
    builds.push(build);
    const $ = load(readFileSync(path.join(build.clientDir, 'privacy', 'index.html'), 'utf8'));
    expect(
      $('section[data-jurisdiction]')
        .map((_, s) => $(s).attr('data-jurisdiction'))
        .get(),
    ).toEqual(['pipeda', 'casl', 'gdpr']);
    expect(
      $('section[data-purpose="questions"] dt')
        .map((_, dt) => $(dt).text())
        .get(),
    ).toEqual(['What we collect', 'Legal basis', 'Who receives it', 'How long we keep it']);
    expect($('section[data-purpose="questions"]').text()).toContain('Your consent, which you can withdraw at any time.');
    expect(
      $('#rights ~ dl dt')
        .map((_, dt) => $(dt).text())
        .get(),
    ).toContain('Portability');
    expect(
      $('section[data-purpose]')
        .map((_, s) => $(s).attr('data-purpose'))
        .get(),
    ).toEqual(['newsletter', 'account', 'enquiries', 'questions', 'rights', 'security']);
    expect($('main').text()).not.toContain('Street address');
    // The build records the version it shows, for the server and in the history next to the settings.
    const version = (JSON.parse(readFileSync(path.join(build.outDir, 'server', 'rapport.json'), 'utf8')) as { privacyVersion: string }).privacyVersion;
    expect($('main').text()).toContain(`version ${version}`);
    const history = JSON.parse(await readFile(path.join(site, 'content', 'settings', 'privacy-history.json'), 'utf8')) as {
      versions: Array<{ version: string }>;
    };
    expect(history.versions.map((v) => v.version)).toEqual([version]);
    await writeFile(settingsFile(), original);
  });

  it('fails the build, saying what to add or remove, when the retention periods do not match what the site deletes', async () => {
    const original = await readFile(settingsFile(), 'utf8');
    await writeFile(settingsFile(), withoutPeriod(original, 'orders'));
    const missing = await failure();
    expect(missing).toContain('The privacy statement does not cover what this site collects:');
    expect(missing).toContain(
      'The orders feature deletes “orders, with their addresses and shipments” after the end of the tax year of the order, but the privacy settings do not say after how long. Add "orders" under Retention',
    );
    await writeFile(settingsFile(), original.replace(/(- data: orders\n\s+keep:) 6/, '$1 2'));
    expect(await failure()).toMatch(/is 2 years, shorter than 6 years: Canadian tax law/);
    await writeFile(settingsFile(), original);
  });

  it('fails the build of a site that collects information but has no privacy settings', async () => {
    await rm(settingsFile());
    const message = await failure();
    expect(message).toContain(
      'This site collects personal information (orders, wish lists and back-in-stock notices, newsletter sign-up, bounces and complaints, accounts, contact form, FAQ questions, care reminders, staff console, win-back notes, privacy requests, form server) but has no privacy statement settings',
    );
    expect(existsSync(settingsFile())).toBe(false);
  });
});
