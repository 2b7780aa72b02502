import type { AstroGlobal } from 'astro';
import { z } from 'astro/zod';
import type { FormDefinition } from '../../../core/forms/define-form.ts';
import { collects } from '../../../core/forms/fields.ts';
import { readForm } from '../../../core/forms/read-form.ts';
import type { Services } from '../../../core/services.ts';
import { localizedPath, requestLocale } from '../../../config/locales.ts';
import { DEFAULT_TRANSLATOR, fieldMessage, translator, type Translator } from '../../../i18n/translate.ts';
import { exportFilename, jsonDownload, myData, type MyData } from './my-data.ts';
import { recordRequest, type RequestVia } from './requests.ts';

/** The two buttons of "Download my data": the JSON file, or the same as a page to read. */
export const downloadForm = (action: string) =>
  ({
    id: 'my-data',
    version: 1,
    action,
    purpose: 'security',
    schema: z.strictObject({ format: z.enum(['json', 'html'], { message: fieldMessage('privacy.link.download.choose') }).meta(collects('none')) }),
    submit: fieldMessage('privacy.link.download.json'),
    traps: false,
  }) satisfies FormDefinition;

type Page = Pick<AstroGlobal, 'locals' | 'request' | 'response' | 'url'>;

/**
 * A "download my data" post, start to end: only POST (a link followed by a mail scanner or a
 * prefetch must not record a request), the person the session names, the strict form, then the
 * JSON file, or the data for the page to draw. Each download is recorded as an answered access request.
 * A refusal is said in the page's language (`/fr/…` is French).
 */
export async function answerDownload(
  astro: Page,
  options: { action: string; via: RequestVia; contactOf(s: Services): Promise<string | undefined>; refused(): Response },
): Promise<Response | { data: MyData }> {
  astro.response.headers.set('Cache-Control', 'private, no-store');
  astro.response.headers.set('X-Robots-Tag', 'noindex');
  const s = astro.locals.rapport?.services;
  if (!s) return plainPage(503, DEFAULT_TRANSLATOR('privacy.link.plain.unavailable'), DEFAULT_TRANSLATOR('privacy.link.plain.unavailable.text'));
  const say = translator(s.config.site, requestLocale(s.config.site, astro.url.pathname).locale);
  const statement = { href: localizedPath(s.config.site, say.locale, '/privacy'), label: say('privacy.link.plain.statement') };
  const page = (status: number, title: string, message: string, headers: Record<string, string> = {}) =>
    plainPage(status, title, message, headers, statement, say);
  if (astro.request.method !== 'POST') {
    return page(405, say('privacy.link.plain.use-button'), say('privacy.link.plain.use-button.text'), { Allow: 'POST' });
  }
  const contactId = await options.contactOf(s);
  if (!contactId) return options.refused();
  let params: URLSearchParams;
  try {
    const form = await astro.request.formData();
    params = new URLSearchParams();
    for (const [name, value] of form) {
      if (typeof value !== 'string') return page(415, say('privacy.link.plain.not-accepted'), say('privacy.link.plain.no-files'));
      params.append(name, value);
    }
  } catch {
    return page(415, say('privacy.link.plain.not-accepted'), say('privacy.link.plain.encoding'));
  }
  const read = readForm(downloadForm(options.action), params, say);
  if (!read.ok) return page(422, say('privacy.link.plain.not-accepted'), [read.state.message, ...Object.values(read.state.errors)].filter(Boolean).join(' '));
  const data = await myData(s.db, s, contactId);
  if (!data) return options.refused();
  await recordRequest(s.db, { contactId, kind: 'access', via: options.via, status: 'done', at: s.clock() });
  if (read.data.format === 'json') return jsonDownload(data, exportFilename(s.site, new Date(data.exportedAt)));
  return { data };
}

/** A short page for a refused request, in `say`'s language, with a way back (the privacy statement unless told). */
export function plainPage(
  status: number,
  title: string,
  message: string,
  headers: Record<string, string> = {},
  link?: { href: string; label: string },
  say: Translator = DEFAULT_TRANSLATOR,
): Response {
  link ??= { href: '/privacy', label: say('privacy.link.plain.statement') };
  const body = `<!doctype html><html lang="${escape(say.locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escape(title)}</title></head><body style="font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem"><h1>${escape(title)}</h1><p>${escape(message)}</p><p><a href="${escape(link.href)}">${escape(link.label)}</a></p></body></html>`;
  return new Response(body, {
    status,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'private, no-store', 'X-Robots-Tag': 'noindex', ...headers },
  });
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
