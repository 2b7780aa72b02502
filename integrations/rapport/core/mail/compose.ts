import escapeHtml from 'escape-html';
import { DEFAULT_TRANSLATOR, type Translator } from '../../i18n/translate.ts';
import type { OutgoingMail } from './outbox.ts';

/** One message, written once; `composeMail` turns it into matching plain-text and HTML parts. */
export interface MailContent {
  to: string;
  subject: string;
  /** First line, e.g. "Hello Ada,". */
  greeting?: string | undefined;
  paragraphs: string[];
  /** The one thing to do: a button in HTML, a bare link in text. */
  action?: { label: string; url: string } | undefined;
  /** Paragraphs after the action. */
  after?: string[] | undefined;
  /** Quoted text the person wrote (shown as text, never as markup). */
  quote?: string | undefined;
  /** Small print: who sends this and why. */
  footer: string[];
  /** List mail: adds `List-Unsubscribe` (RFC 2369) and one-click `List-Unsubscribe-Post` (RFC 8058). */
  unsubscribeUrl?: string | undefined;
  /** Where replies go, e.g. the visitor for a staff notification. */
  replyTo?: string | undefined;
  accent?: string | undefined;
}

/**
 * Builds both parts from one content object. Every piece of text is HTML-escaped in the HTML
 * part, so a name like `<script>` arrives as text. Links are absolute URLs the caller built from
 * the configured site URL. `say` is the language the content is written in (the recipient's):
 * the words composing adds (the link to copy, unsubscribe) and the HTML part's `lang`.
 */
export function composeMail(content: MailContent, say: Translator = DEFAULT_TRANSLATOR): OutgoingMail {
  const accent = content.accent ?? '#2f6b3b';
  const text = [
    content.greeting,
    ...content.paragraphs,
    content.action && `${content.action.label}:\n${content.action.url}`,
    content.quote &&
      content.quote
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n'),
    ...(content.after ?? []),
    '-- ',
    ...content.footer,
    content.unsubscribeUrl && say('mail.unsubscribe.text', { url: content.unsubscribeUrl }),
  ]
    .filter((part): part is string => Boolean(part))
    .join('\n\n');

  const p = (s: string) => `<p style="margin:0 0 16px">${escapeHtml(s).replaceAll('\n', '<br>')}</p>`;
  const html = `<!doctype html>
<html lang="${escapeHtml(say.locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(content.subject)}</title></head>
<body style="margin:0;padding:24px;background:#f6f5f1;font:16px/1.5 system-ui,sans-serif;color:#1d1d1b">
<div style="max-width:560px;margin:0 auto;background:#fff;padding:24px;border-radius:6px">
${content.greeting ? p(content.greeting) : ''}${content.paragraphs.map(p).join('')}${
    content.action
      ? `<p style="margin:24px 0"><a href="${escapeHtml(content.action.url)}" style="background:${escapeHtml(accent)};color:#fff;padding:12px 20px;border-radius:4px;text-decoration:none;display:inline-block">${escapeHtml(content.action.label)}</a></p><p style="margin:0 0 16px;font-size:14px;color:#555">${escapeHtml(say('mail.copy-link', { url: content.action.url }))}</p>`
      : ''
  }${content.quote ? `<blockquote style="margin:0 0 16px;padding:8px 16px;border-left:4px solid #ccc;white-space:pre-wrap">${escapeHtml(content.quote)}</blockquote>` : ''}${(content.after ?? []).map(p).join('')}
<hr style="border:0;border-top:1px solid #ddd;margin:24px 0">
<div style="font-size:13px;color:#555">${content.footer.map(p).join('')}${
    content.unsubscribeUrl ? `<p style="margin:0"><a href="${escapeHtml(content.unsubscribeUrl)}">${escapeHtml(say('mail.unsubscribe'))}</a></p>` : ''
  }</div>
</div></body></html>`;

  const headers: Record<string, string> = {};
  if (content.unsubscribeUrl) {
    headers['List-Unsubscribe'] = `<${content.unsubscribeUrl}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  if (content.replyTo) headers['Reply-To'] = content.replyTo;
  return { to: content.to, subject: content.subject, text, html, ...(Object.keys(headers).length ? { headers } : {}) };
}
