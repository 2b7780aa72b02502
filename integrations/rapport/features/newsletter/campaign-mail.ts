import { convert } from 'html-to-text';
import juice from 'juice';
import type { OutgoingMail } from '../../core/mail/outbox.ts';
import type { Services } from '../../core/services.ts';
import { listIn } from '../../config/crm.ts';
import { localizedPath } from '../../config/locales.ts';
import { translator } from '../../i18n/translate.ts';
import { absoluteUrls } from './absolute-urls.ts';
import { campaignLayout } from './campaign-layout.ts';
import { issueIn, type NewsletterIssue } from './issue-file.ts';

/**
 * Gmail shows only the first 102 KB of a message's HTML and hides the rest (the footer with the
 * unsubscribe link among it) behind "[Message clipped]".
 */
export const GMAIL_CLIP_BYTES = 102 * 1024;

/** Who one campaign message is for: the address, the list they are on, and their own list links (`listMailLinks`). */
export interface CampaignRecipient {
  email: string;
  /** The list id this message is sent on. */
  list: string;
  links: { unsubscribe: string; preferences: string };
}

/** How a campaign's links are counted: `track` swaps a link's destination for its `/r/` address; `openImage` is the counting image's address. */
export interface CampaignTracking {
  track: (url: string) => string;
  openImage?: string | undefined;
}

/** An issue too big to arrive whole: staff are told to shorten it, nothing is sent. */
export class CampaignTooLargeError extends Error {
  readonly bytes: number;
  constructor(issue: string, bytes: number) {
    super(
      `“${issue}” is too long to send by e-mail: the message would be ${Math.ceil(bytes / 1024)} KB and Gmail cuts messages off after ${GMAIL_CLIP_BYTES / 1024} KB, hiding the unsubscribe link. Shorten the issue (or move part of it to a page on the site) and try again.`,
    );
    this.name = 'CampaignTooLargeError';
    this.bytes = bytes;
  }
}

/** `List-Id` (RFC 2919): the list's name as a phrase (quoted when it needs to be) and `<list>.<site host>`. */
export function listId(label: string, list: string, site: URL): string {
  const phrase = /^[\w !#$%&'*+\-/=?^`{|}~]*$/.test(label) ? label : `"${label.replace(/["\\]/g, '\\$&')}"`;
  return `${phrase} <${list}.${site.hostname}>`;
}

/** The text part: the HTML's words, links kept as `text [url]`, headings as written. */
const textOf = (html: string) =>
  convert(html, {
    wordwrap: 78,
    selectors: [
      { selector: '.preheader', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
      { selector: 'img', format: 'skip' },
      ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
    ],
  });

/**
 * The languages a campaign of this issue is written in: the site's default, then each other
 * locale of the site the issue is translated into. A reader of any other language gets the default.
 */
export const campaignLanguages = (issue: NewsletterIssue, s: Pick<Services, 'config'>): string[] => [
  s.config.site.locale,
  ...s.config.site.locales.filter((code) => code !== s.config.site.locale && issue.translations?.[code] !== undefined),
];

/**
 * One campaign message: the issue's body (as its archive page shows it) in a one-column layout,
 * its style sheet inlined, every URL absolute on the site; a plain-text part made from it; the
 * list headers mail clients use for their own unsubscribe button (RFC 2369, 8058, 2919).
 * Written in `locale` where the issue has a translation in it (its words, page and footer), else
 * in the default language. Throws `CampaignTooLargeError` when Gmail would clip it.
 */
export function composeCampaign(
  original: NewsletterIssue,
  recipient: CampaignRecipient,
  s: Pick<Services, 'config' | 'site'>,
  tracking?: CampaignTracking,
  locale?: string,
): OutgoingMail {
  const track = tracking?.track ?? ((url: string) => url);
  const { config } = s;
  const written = issueIn(original, locale ?? config.site.locale);
  const issue = written.issue;
  const say = translator(config.site, written.locale ?? config.site.locale);
  const configured = config.crm.lists.find((l) => l.id === recipient.list);
  if (!configured) throw new Error(`There is no mailing list “${recipient.list}” in the site's options.`);
  const list = listIn(configured, say.locale);
  const archive = new URL(issue.path, s.site);
  const a = config.business.address;
  const html = juice(
    campaignLayout({
      subject: issue.title,
      preheader: issue.description,
      accent: config.site.accentColor,
      archiveUrl: track(archive.href),
      title: issue.title,
      dateText: new Date(`${issue.date}T00:00:00Z`).toLocaleDateString(say.locale, { dateStyle: 'long', timeZone: 'UTC' }),
      bodyHtml: absoluteUrls(issue.html, archive, track),
      siteName: config.site.name,
      siteUrl: track(new URL(localizedPath(config.site, say.locale, '/'), s.site).href),
      reason: say('campaign.reason', { list: list.label, host: s.site.hostname }),
      words: { lang: say.locale, browser: say('campaign.browser'), preferences: say('campaign.preferences'), unsubscribe: say('mail.unsubscribe') },
      legalName: config.business.legalName,
      postalAddress: `${a.streetAddress}, ${a.locality} ${a.region} ${a.postalCode}, ${a.country}`,
      preferencesUrl: recipient.links.preferences,
      unsubscribeUrl: recipient.links.unsubscribe,
      openImageUrl: tracking?.openImage,
    }),
    // The table keeps its 600 px width attribute for Outlook; the inlined max-width does the rest.
    { applyWidthAttributes: false, applyHeightAttributes: false, preserveMediaQueries: false },
  );
  const bytes = Buffer.byteLength(html, 'utf8');
  if (bytes >= GMAIL_CLIP_BYTES) throw new CampaignTooLargeError(issue.title, bytes);
  return {
    to: recipient.email,
    subject: issue.title,
    html,
    text: textOf(html),
    headers: {
      // The list's name as the site's options give it, whatever the reader's language.
      'List-Id': listId(configured.label, list.id, s.site),
      'List-Unsubscribe': `<${recipient.links.unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Archive': `<${new URL(localizedPath(config.site, say.locale, '/newsletter/'), s.site).href}>`,
    },
  };
}
