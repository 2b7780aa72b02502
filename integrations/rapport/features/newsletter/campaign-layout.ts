import escapeHtml from 'escape-html';

/** What the campaign layout is filled with; every URL absolute, the body already safe to place. */
export interface CampaignPage {
  subject: string;
  /** The line inbox lists show after the subject (hidden in the message itself). */
  preheader: string;
  accent: string;
  archiveUrl: string;
  title: string;
  /** e.g. "March 12, 2026". */
  dateText: string;
  bodyHtml: string;
  siteName: string;
  siteUrl: string;
  /** Why this person gets it (CASL, CAN-SPAM). */
  reason: string;
  legalName: string;
  postalAddress: string;
  preferencesUrl: string;
  unsubscribeUrl: string;
  /** The 1-pixel image that counts opens, only when the site turns it on. */
  openImageUrl?: string | undefined;
  /** The layout's own words and the message's language (the issue's: a translation's, or the default). */
  words?: { lang: string; browser: string; preferences: string; unsubscribe: string } | undefined;
}

const ENGLISH = { lang: 'en', browser: 'View in your browser', preferences: 'Choose what you get', unsubscribe: 'Unsubscribe' };

/**
 * The look, written once as a style sheet; `juice` copies it onto each element, since many mail
 * clients drop `<style>`. One column of at most 600 px, system fonts, links in the site's accent.
 */
const css = (accent: string) => `
body { margin: 0; padding: 0; background: #f6f5f1; }
.outer { width: 100%; background: #f6f5f1; }
.frame { width: 100%; max-width: 600px; background: #ffffff; }
.browser { padding: 16px 24px 0; font: 13px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; color: #555555; text-align: right; }
.content { padding: 8px 24px 24px; font: 16px/1.6 system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; color: #1d1d1b; }
.footer { padding: 16px 24px 24px; border-top: 4px solid ${accent}; font: 13px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; color: #555555; }
a { color: ${accent}; }
h1 { margin: 0 0 4px; font-size: 26px; line-height: 1.25; color: #1d1d1b; }
h2 { margin: 28px 0 8px; font-size: 20px; line-height: 1.3; color: #1d1d1b; }
h3, h4, h5, h6 { margin: 24px 0 8px; font-size: 17px; line-height: 1.3; color: #1d1d1b; }
p, ul, ol, blockquote, figure, pre { margin: 0 0 16px; }
li { margin: 0 0 6px; }
.date { margin: 0 0 24px; font-size: 14px; color: #555555; }
img { max-width: 100%; height: auto; border: 0; }
blockquote { padding: 4px 16px; border-left: 4px solid ${accent}; color: #444444; }
pre, code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 14px; }
pre { white-space: pre-wrap; }
hr { border: 0; border-top: 1px solid #dddddd; margin: 24px 0; }
.footer p { margin: 0 0 8px; }
.preheader { display: none; max-height: 0; overflow: hidden; opacity: 0; color: transparent; font-size: 1px; line-height: 1px; }
`;

/** The campaign message's HTML, before its style sheet is inlined. */
export function campaignLayout(page: CampaignPage): string {
  const e = escapeHtml;
  const words = page.words ?? ENGLISH;
  return `<!doctype html>
<html lang="${e(words.lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(page.subject)}</title>
<style>${css(page.accent)}</style></head>
<body>
<div class="preheader">${e(page.preheader)}</div>
<table role="presentation" class="outer" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td align="center" style="padding:24px 8px">
<table role="presentation" class="frame" width="600" cellpadding="0" cellspacing="0" border="0">
<tr><td class="browser"><a href="${e(page.archiveUrl)}">${e(words.browser)}</a></td></tr>
<tr><td class="content">
<h1>${e(page.title)}</h1>
<p class="date">${e(page.dateText)}</p>
${page.bodyHtml}
</td></tr>
<tr><td class="footer">
<p>${e(page.reason)}</p>
<p><a href="${e(page.preferencesUrl)}">${e(words.preferences)}</a> · <a href="${e(page.unsubscribeUrl)}">${e(words.unsubscribe)}</a></p>
<p>${e(page.legalName)}<br>${e(page.postalAddress)}<br><a href="${e(page.siteUrl)}">${e(page.siteName)}</a></p>${page.openImageUrl ? `\n<img src="${e(page.openImageUrl)}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px">` : ''}
</td></tr>
</table>
</td></tr></table>
</body></html>`;
}
