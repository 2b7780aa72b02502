import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { load } from 'cheerio';
import { FileSystemConfigLoader, HtmlValidate, type Report } from 'html-validate';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { jsonLd } from '../helpers/built-site.ts';
import { formClient, raw } from '../helpers/form-client.ts';
import { wellFormednessErrors } from '../helpers/xml.ts';

const distDir = inject('referenceBuild');
const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const client = path.join(distDir, 'client');
const htmlFiles = readdirSync(client, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.html'))
  .sort();
// The repository's .htmlvalidate.json: html-validate's recommended preset.
const validator = new HtmlValidate(new FileSystemConfigLoader());
const messages = (report: Report) => report.results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`));

describe('valid output of the reference site', () => {
  let running: RunningServer;
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-valid-'));
    running = await startServer({ distDir, port: 0, host: '127.0.0.1', store: { sqliteFile: path.join(tmp, 'crm.sqlite') }, secret: SECRET, projectRoot: tmp });
  });
  afterAll(async () => {
    await running?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('passes html-validate (recommended preset) on every built page', async () => {
    expect(htmlFiles.length).toBeGreaterThan(40);
    const problems: string[] = [];
    for (const file of htmlFiles) problems.push(...messages(await validator.validateFile(path.join(client, file))));
    expect(problems).toEqual([]);
  });

  it('passes html-validate on the pages the server renders: search, forms, their error states', async () => {
    const base = serverUrl(running.server);
    const pages = [
      '/search?q=deer',
      '/search?q=zeppelin',
      '/subscribe',
      '/account/register',
      '/account/sign-in',
      '/contact/message',
      '/faq/ask',
      '/faq/ask?question=How+deep%3F',
      '/unsubscribe?token=x',
      '/track?number=1Z999AA10123456784',
      '/track?number=nonsense',
      '/order?add=LIL-MAR-3',
      '/orders/261125-ZZZZZZ',
    ];
    const problems: string[] = [];
    for (const page of pages) problems.push(...messages(await validator.validateString((await raw(base + page)).text, page)));
    const invalid = await formClient(base, SECRET).post('/subscribe', { email: 'nope' });
    expect(invalid.status).toBe(422);
    problems.push(...messages(await validator.validateString(invalid.text, 'POST /subscribe (invalid)')));
    expect(problems).toEqual([]);
  });

  it('publishes a valid RSS 2.0 feed', async () => {
    const xml = readFileSync(path.join(client, 'newsletter', 'rss.xml'), 'utf8');
    expect(await wellFormednessErrors(xml)).toEqual([]);
    const $ = load(xml, { xml: true });
    expect($('rss').attr('version')).toBe('2.0');
    const channel = $('rss > channel');
    for (const required of ['title', 'link', 'description']) expect(channel.children(required).text().trim(), `channel ${required}`).not.toBe('');
    expect(new URL(channel.children('link').text()).protocol).toBe('https:');
    const items = channel.children('item');
    expect(items.length).toBeGreaterThan(0);
    items.each((_, item) => {
      const $item = $(item);
      expect($item.children('title').text() || $item.children('description').text(), 'an item has a title or description').not.toBe('');
      expect(new URL($item.children('link').text()).protocol).toBe('https:');
      expect($item.children('guid').text()).not.toBe('');
      // RFC 822 dates, as RSS 2.0 requires.
      expect($item.children('pubDate').text()).toMatch(
        /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} (GMT|[+-]\d{4})$/,
      );
    });
  });

  it('gives every JSON-LD block the properties search engines require for its type', () => {
    const problems: string[] = [];
    const need = (file: string, type: string, ok: boolean, what: string) => ok || problems.push(`${file}: ${type} needs ${what}`);
    const url = (value: unknown) => typeof value === 'string' && /^https:\/\//.test(value);
    const images = (value: unknown) => (Array.isArray(value) ? value.length > 0 && value.every(url) : url(value));
    for (const file of htmlFiles) {
      for (const block of jsonLd(load(readFileSync(path.join(client, file), 'utf8')))) {
        const type = String(block['@type']);
        const b = block as Record<string, any>;
        switch (type) {
          case 'Product':
            need(file, type, !!b.name && images(b.image), 'name and absolute image URLs');
            need(
              file,
              type,
              !!b.offers && Number(b.offers.price) >= 0 && /^[A-Z]{3}$/.test(b.offers.priceCurrency) && /^https:\/\/schema\.org\//.test(b.offers.availability),
              'offers with price, priceCurrency and availability',
            );
            break;
          case 'FAQPage':
            need(
              file,
              type,
              Array.isArray(b.mainEntity) &&
                b.mainEntity.length > 0 &&
                b.mainEntity.every((q: any) => q['@type'] === 'Question' && q.name && q.acceptedAnswer?.text),
              'mainEntity Questions with name and acceptedAnswer.text',
            );
            break;
          case 'Article':
            need(
              file,
              type,
              !!b.headline && !Number.isNaN(Date.parse(b.datePublished)) && !!b.author?.name && (b.image === undefined || images(b.image)),
              'headline, datePublished, author',
            );
            break;
          case 'BreadcrumbList':
            need(
              file,
              type,
              Array.isArray(b.itemListElement) &&
                b.itemListElement.length > 0 &&
                b.itemListElement.every((e: any, i: number) => e.position === i + 1 && e.name && (url(e.item) || i === b.itemListElement.length - 1)),
              'itemListElement with position, name and item',
            );
            break;
          case 'WebSite':
            need(file, type, url(b.url) && !!b.name, 'name and url');
            need(
              file,
              type,
              String(b.potentialAction?.target?.urlTemplate ?? b.potentialAction?.target ?? '').includes('{search_term_string}') &&
                String(b.potentialAction?.['query-input']).includes('search_term_string'),
              'a SearchAction with {search_term_string}',
            );
            break;
          default:
            // Organization or a LocalBusiness subtype.
            need(file, type, !!b.name && url(b.url), 'name and url');
            if (type !== 'Organization')
              need(file, type, !!b.address?.streetAddress && !!b.address?.addressLocality && !!b.address?.addressCountry, 'a postal address');
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
