import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseHTML } from 'linkedom';
import { dkimVerify } from 'mailauth';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readBuildInfo } from '../../integrations/rapport/core/build-info.ts';
import { dkimFromEnv } from '../../integrations/rapport/core/mail/dkim.ts';
import { deliverDue, enqueueMail } from '../../integrations/rapport/core/mail/outbox.ts';
import { createMailTransport } from '../../integrations/rapport/core/mail/transport.ts';
import type { Services } from '../../integrations/rapport/core/services.ts';
import { systemClock, upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { migrateToLatest } from '../../integrations/rapport/core/store/migrate.ts';
import { openStore, type Store } from '../../integrations/rapport/core/store/open-store.ts';
import { CampaignTooLargeError, composeCampaign, type CampaignRecipient } from '../../integrations/rapport/features/newsletter/campaign-mail.ts';
import { newsletterFeature } from '../../integrations/rapport/features/newsletter/feature.ts';
import { listMailLinks } from '../../integrations/rapport/features/newsletter/list-links.ts';
import type { NewsletterIssue } from '../../integrations/rapport/features/newsletter/issue-file.ts';
import { smtpSink, waitFor } from '../helpers/smtp-sink.ts';

const distDir = inject('referenceBuild');
const FROM = 'Chinook Bulb Farm <hello@chinookbulbfarm.ca>';
const ROOT = path.resolve(import.meta.dirname, '../..');

/** The `href`s and `src`s of a message, as a mail client reads them. */
function urlsOf(html: string) {
  const { document } = parseHTML(html);
  return {
    hrefs: [...document.querySelectorAll('[href]')].map((el) => el.getAttribute('href')!),
    srcs: [...document.querySelectorAll('[src]')].map((el) => el.getAttribute('src')!),
    srcsets: [...document.querySelectorAll('[srcset]')].map((el) => el.getAttribute('srcset')!),
  };
}

/** Newsletter issues as campaign e-mail: the build's artefact, the composed message, DKIM signing. */
describe('campaign e-mail for a newsletter issue', () => {
  let tmp: string;
  let store: Store;
  let s: Services;
  let issues: NewsletterIssue[];
  let recipient: CampaignRecipient;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-campaign-'));
    store = openStore({ sqliteFile: path.join(tmp, 'crm.sqlite') });
    await migrateToLatest(store);
    const built = readBuildInfo(distDir);
    // Only what composing and the list links read; the runtime's `load` fills in the issues.
    s = { db: store.db, clock: systemClock, config: built.config, site: new URL('https://mail.chinook.test') } as Services;
    const runtime = await newsletterFeature.runtime!();
    await runtime.load!(distDir, s);
    issues = s.newsletterIssues!;
    const contact = await upsertContact(store.db, { email: 'reader@example.com', name: 'Rae Reader' });
    recipient = { email: 'reader@example.com', list: 'news', links: await listMailLinks(store.db, s, contact.id, 'news') };
  });
  afterAll(async () => {
    await store?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('has every issue of content/newsletter in the server artefact, with its page body, and none in the public folder', async () => {
    // The originals (`x.en.md`); their translations (`x.fr.md`) are the same issues in French.
    const slugs = readdirSync(path.join(ROOT, 'content', 'newsletter'))
      .filter((f) => f.endsWith('.md') && !f.endsWith('.fr.md'))
      .map((f) => f.replace(/(\.en)?\.md$/, ''));
    expect(slugs.length).toBeGreaterThan(1);
    expect(issues.map((i) => i.slug).sort()).toEqual(slugs.sort());
    expect(existsSync(path.join(distDir, 'client', 'newsletter-issues.json'))).toBe(false);
    const built = readBuildInfo(distDir);
    for (const issue of issues) {
      expect(issue.path).toBe(`/newsletter/${issue.slug}/`);
      expect(issue.url).toBe(`${built.site.replace(/\/$/, '')}${issue.path}`);
      expect(issue.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(issue.title.length).toBeGreaterThan(5);
      expect(issue.description.length).toBeGreaterThan(20);
      // The body below the title and date line, exactly as on the page.
      expect(issue.html).toMatch(/^<p>/);
      expect(issue.html).not.toContain('<h1');
      expect(issue.html).not.toContain('<time');
      const page = await readFile(path.join(distDir, 'client', 'newsletter', issue.slug, 'index.html'), 'utf8');
      expect(page).toContain(issue.html);
    }
    // Newest first, as the archive lists them.
    expect(issues.map((i) => i.date)).toEqual(
      issues
        .map((i) => i.date)
        .sort()
        .reverse(),
    );
  });

  it('composes a real issue: styles inlined, every URL absolute on the site, archive link, footer, list headers, text part', async () => {
    const issue = issues.find((i) => i.slug === '2026-03-the-snow-is-going')!;
    const mail = composeCampaign(issue, recipient, s);
    const html = mail.html!;
    expect(mail.to).toBe('reader@example.com');
    expect(mail.subject).toBe(issue.title);

    // The look travels on the elements themselves; no style sheet is left to be dropped.
    expect(html).not.toContain('<style');
    const { document } = parseHTML(html);
    for (const el of document.querySelectorAll('body, table, td, p, h1, h2, a')) expect(el.getAttribute('style'), el.outerHTML.slice(0, 80)).toBeTruthy();
    expect(document.querySelector('a')!.getAttribute('style')).toContain(`color: ${s.config.site.accentColor}`);
    expect(document.querySelector('h2')!.getAttribute('style')).toMatch(/font-size: 20px/);
    expect(document.querySelector('table.frame')!.getAttribute('style')).toContain('max-width: 600px');
    expect(document.querySelector('td.content')!.getAttribute('style')).toContain('system-ui');

    const { hrefs, srcs } = urlsOf(html);
    expect(hrefs.length).toBeGreaterThan(4);
    for (const url of [...hrefs, ...srcs]) expect(new URL(url).origin).toBe('https://mail.chinook.test');
    // The issue's own link to a product, made absolute.
    expect(hrefs).toContain('https://mail.chinook.test/products/lily-landini/');
    const browser = [...document.querySelectorAll('a')].find((a) => a.textContent === 'View in your browser');
    expect(browser?.getAttribute('href')).toBe(`https://mail.chinook.test${issue.path}`);
    expect(hrefs).toContain(recipient.links.unsubscribe);
    expect(hrefs).toContain(recipient.links.preferences);
    expect(recipient.links.unsubscribe).toMatch(/^https:\/\/mail\.chinook\.test\/unsubscribe\?token=[\w-]{43}$/);

    // The footer: who sends it, where they are, why this person gets it.
    const footer = document.querySelector('td.footer')!.textContent!;
    expect(footer).toContain('Chinook Bulb Farm Ltd.');
    expect(footer).toContain('41025 Range Road 265, Lacombe AB T4L 2N3, CA');
    expect(footer).toContain('You get this because you subscribed to The Chinook newsletter on mail.chinook.test.');

    expect(mail.headers).toEqual({
      'List-Id': 'The Chinook newsletter <news.mail.chinook.test>',
      'List-Unsubscribe': `<${recipient.links.unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Archive': '<https://mail.chinook.test/newsletter/>',
    });

    // Plain text: no markup, the words and the links kept as `text [url]`.
    expect(mail.text).not.toMatch(/<\/?[a-z][^>]*>/i);
    expect(mail.text).toContain('Asiatic Lily ‘Landini’ [https://mail.chinook.test/products/lily-landini/]');
    expect(mail.text).toContain(`[${recipient.links.unsubscribe}]`);
    expect(mail.text).toContain(`View in your browser\n[https://mail.chinook.test${issue.path}]`);
    expect(mail.text).toContain('41025 Range Road 265, Lacombe AB T4L 2N3, CA');
    expect(mail.text).not.toContain(issue.description); // the hidden inbox preview is not in the text part

    expect(Buffer.byteLength(html)).toBeLessThan(102 * 1024);
  });

  it('makes relative, root and in-page URLs absolute (images and srcset too) and drops scripts and forms', () => {
    const issue: NewsletterIssue = {
      ...issues[0]!,
      html: `<p><a href="#coming-up">Below</a> <a href="../">Archive</a> <a href="mailto:hello@chinookbulbfarm.ca">Write</a></p>
<p><img src="/_astro/tulip.abc.webp" srcset="/_astro/tulip.400.webp 400w, /_astro/tulip.800.webp 800w" alt="Tulips"></p>
<script>alert(1)</script><form action="/x"><input name="q"></form>`,
    };
    const mail = composeCampaign(issue, recipient, s);
    const { hrefs, srcs, srcsets } = urlsOf(mail.html!);
    expect(hrefs).toContain(`https://mail.chinook.test${issue.path}#coming-up`);
    expect(hrefs).toContain('https://mail.chinook.test/newsletter/');
    expect(hrefs).toContain('mailto:hello@chinookbulbfarm.ca');
    expect(srcs).toEqual(['https://mail.chinook.test/_astro/tulip.abc.webp']);
    expect(srcsets).toEqual(['https://mail.chinook.test/_astro/tulip.400.webp 400w, https://mail.chinook.test/_astro/tulip.800.webp 800w']);
    expect(mail.html).toMatch(/<img [^>]*style="[^"]*max-width: 100%/);
    expect(mail.html).not.toContain('<script');
    expect(mail.html).not.toContain('<form');
  });

  it('refuses an issue Gmail would clip, saying so', () => {
    const huge: NewsletterIssue = { ...issues[0]!, title: 'Everything we grow', html: '<p>Tulips and daffodils and lilies and more.</p>\n'.repeat(2500) };
    expect(() => composeCampaign(huge, recipient, s)).toThrow(CampaignTooLargeError);
    expect(() => composeCampaign(huge, recipient, s)).toThrow(
      /“Everything we grow” is too long to send by e-mail: the message would be \d+ KB and Gmail cuts messages off after 102 KB/,
    );
    // The same issue, shorter, is fine.
    expect(composeCampaign({ ...huge, html: '<p>Tulips.</p>' }, recipient, s).subject).toBe('Everything we grow');
  });

  it('refuses a list the site does not have', () => {
    expect(() => composeCampaign(issues[0]!, { ...recipient, list: 'nope' }, s)).toThrow('There is no mailing list “nope”');
  });

  describe('DKIM', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const dnsKey = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
    const lookups: string[] = [];
    const resolver = async (name: string, type: string) => {
      lookups.push(`${type} ${name}`);
      if (type === 'TXT' && name === 'rapport2026._domainkey.chinookbulbfarm.ca') return [[dnsKey]];
      throw Object.assign(new Error(`no ${type} for ${name}`), { code: 'ENOTFOUND' });
    };
    // Strict: RFC 6376 exactly (a body that does not match its hash is a "fail", not mailauth's lenient "neutral").
    const verify = async (raw: string) =>
      (await dkimVerify(raw, { resolver, strict: true })).results.map((r) => ({ result: r.status.result, domain: r.signingDomain }));

    it('reads its settings from DKIM_* and refuses a partial setting', async () => {
      expect(dkimFromEnv({})).toBeUndefined();
      expect(() => dkimFromEnv({ DKIM_DOMAIN: 'chinookbulbfarm.ca' })).toThrow('missing: DKIM_SELECTOR, DKIM_PRIVATE_KEY or DKIM_PRIVATE_KEY_FILE');
      expect(() => dkimFromEnv({ DKIM_DOMAIN: 'chinookbulbfarm.ca', DKIM_SELECTOR: 's', DKIM_PRIVATE_KEY: 'not a key' })).toThrow('not a PEM private key');
      expect(() => dkimFromEnv({ DKIM_DOMAIN: 'chinookbulbfarm.ca', DKIM_SELECTOR: 's', DKIM_PRIVATE_KEY_FILE: path.join(tmp, 'absent.pem') })).toThrow(
        'Cannot read the DKIM private key file',
      );
      // A key pasted on one line, its line breaks written as \n.
      expect(dkimFromEnv({ DKIM_DOMAIN: 'chinookbulbfarm.ca', DKIM_SELECTOR: 's', DKIM_PRIVATE_KEY: pem.replaceAll('\n', '\\n') })?.privateKey).toBe(
        pem.trim(),
      );
    });

    it('signs a campaign sent through the outbox to a real SMTP server: the signature verifies, a changed byte fails it', async () => {
      const keyFile = path.join(tmp, 'dkim.pem');
      await writeFile(keyFile, pem);
      const dkim = dkimFromEnv({ DKIM_DOMAIN: 'chinookbulbfarm.ca', DKIM_SELECTOR: 'rapport2026', DKIM_PRIVATE_KEY_FILE: keyFile });
      const sink = await smtpSink();
      try {
        const mail = composeCampaign(issues[0]!, recipient, s);
        await enqueueMail(store.db, mail);
        const report = await deliverDue(store.db, createMailTransport({ smtpUrl: `smtp://127.0.0.1:${sink.port}`, mailDir: '', dkim }), FROM);
        expect(report.sent).toBe(1);
        const received = await waitFor(() => sink.received.find((m) => m.to.includes('reader@example.com')), 'the campaign message');
        expect(received.raw).toMatch(/^DKIM-Signature: /m);
        // The list headers survive the outbox and the transport.
        const header = (name: string) => received.parsed.headerLines.find((h) => h.key === name)?.line.replace(/\r?\n/g, '');
        expect(header('list-id')).toBe('List-ID: The Chinook newsletter <news.mail.chinook.test>');
        expect(header('list-unsubscribe')).toBe(`List-Unsubscribe: <${recipient.links.unsubscribe}>`);
        expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');

        expect(await verify(received.raw)).toEqual([{ result: 'pass', domain: 'chinookbulbfarm.ca' }]);
        expect(lookups).toContain('TXT rapport2026._domainkey.chinookbulbfarm.ca');

        const bodyStart = received.raw.search(/\r?\n\r?\n/);
        const at = received.raw.indexOf('farm', bodyStart);
        expect(at).toBeGreaterThan(bodyStart);
        const tampered = `${received.raw.slice(0, at)}fArm${received.raw.slice(at + 4)}`;
        expect((await verify(tampered))[0]!.result).toBe('fail');
        const subject = received.raw.replace(/^Subject: .*/m, 'Subject: Something else');
        expect(subject).not.toBe(received.raw);
        expect((await verify(subject))[0]!.result).toBe('fail');
      } finally {
        await sink.close();
      }
    });

    it('signs the .eml files written without a mail server too', async () => {
      const mailDir = path.join(tmp, 'mail');
      const dkim = { domainName: 'chinookbulbfarm.ca', keySelector: 'rapport2026', privateKey: pem };
      const transport = createMailTransport({ mailDir, dkim, log: () => undefined });
      const mail = composeCampaign(issues[1]!, recipient, s);
      await transport.sendMail({ from: FROM, ...mail, html: mail.html!, headers: mail.headers! });
      const [file] = readdirSync(mailDir);
      const raw = (await readFile(path.join(mailDir, file!), 'utf8')).replaceAll('\n', '\r\n');
      expect(await verify(raw)).toEqual([{ result: 'pass', domain: 'chinookbulbfarm.ca' }]);
    });
  });
});
