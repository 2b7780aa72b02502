import type { z } from 'astro/zod';
import type { RapportConfig } from '../../config/schema.ts';
import type { Services } from '../services.ts';
import type { FormDefinition } from './define-form.ts';
import type { FormState } from './read-form.ts';
import { DEFAULT_TRANSLATOR, type Translator } from '../../i18n/translate.ts';

/** The parts of an HTTP request a form handler may look at. */
export interface FormRequest {
  ip: string;
  cookies: Record<string, string | undefined>;
  /** The request came over HTTPS (directly or through a trusted proxy). */
  secure: boolean;
  query: URLSearchParams;
  /** The locale the form was sent from (`requestLocale`: its path's prefix); the site's default when absent. */
  locale?: string | undefined;
}

export type FormOutcome =
  /** Success: 303 See Other to a result page. */
  | { kind: 'redirect'; location: string; cookies?: string[] | undefined }
  /** Draw the form again with messages. */
  | { kind: 'invalid'; state: FormState }
  /** A plain answer without a page (RFC 8058 one-click unsubscribe). */
  | { kind: 'text'; status: number; body: string };

/** A form's server side. `page` is where the form is drawn (defaults to `path`). */
export interface FormEndpoint<S extends z.ZodObject = z.ZodObject> {
  path: string;
  page?: string | undefined;
  form(config: RapportConfig, services?: Partial<Services>): FormDefinition<S>;
  /** What else than the options the form is built from (the order form: the live catalogue); a new value makes a new form. */
  dependsOn?(services: Services): object | undefined;
  /** Where a bot caught by the honeypot or time trap is sent, as if it had succeeded. */
  decoy: string;
  /**
   * Posts need no Origin or `Sec-Fetch-Site`: the form checks a single-use token itself (RFC 8058
   * one-click unsubscribe arrives from mail clients that send neither).
   */
  originExempt?: boolean | undefined;
  /**
   * The form is also drawn on static pages (the newsletter sign-up on the archive, issues and home
   * page), whose time trap reads `STATIC_PAGE_STAMP`: such a post skips the time check (the time it
   * was shown is unknown) and keeps the honeypot, the per-IP limit and the endpoint's own limits.
   * Only for forms whose handler does nothing a bot could abuse without a confirmation (double opt-in).
   */
  drawnOnStaticPages?: boolean | undefined;
  /**
   * Its form page and result pages are served in each of the site's locales (`localized` routes and
   * result pages): a post to `/fr/<path>` is sent on to the French result page (decoy included).
   */
  localized?: boolean | undefined;
  /** Looks at the raw post before the form is read; answers it alone when it returns an outcome. */
  intercept?(params: URLSearchParams, services: Services, request: FormRequest): Promise<FormOutcome | undefined>;
  handle(data: z.infer<S>, services: Services, request: FormRequest): Promise<FormOutcome>;
}

const NO_DEPENDENCY = {};
const builtForms = new WeakMap<RapportConfig, WeakMap<FormEndpoint, WeakMap<object, FormDefinition>>>();

/**
 * The endpoint's form for these options and catalogue, built once: a form's description (its JSON
 * Schema) is cached per definition, so a definition made anew for every post would be described
 * anew for every post. A new `dependsOn` value (a publish's catalogue) makes a new form.
 */
export function endpointForm<S extends z.ZodObject>(endpoint: FormEndpoint<S>, services: Services): FormDefinition<S> {
  let byEndpoint = builtForms.get(services.config);
  if (!byEndpoint) builtForms.set(services.config, (byEndpoint = new WeakMap()));
  let byCatalog = byEndpoint.get(endpoint as unknown as FormEndpoint);
  if (!byCatalog) byEndpoint.set(endpoint as unknown as FormEndpoint, (byCatalog = new WeakMap()));
  const key = endpoint.dependsOn?.(services) ?? NO_DEPENDENCY;
  let form = byCatalog.get(key) as FormDefinition<S> | undefined;
  if (!form) byCatalog.set(key, (form = endpoint.form(services.config, services)));
  return form;
}

/** Builds an absolute link on the configured site. */
export function siteLink(services: Pick<Services, 'site'>, path: string, query?: Record<string, string>): string {
  const url = new URL(path, services.site);
  for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
  return url.href;
}

/** A wait in words: "40 seconds", "3 minutes" (in `say`'s locale). */
export const waitText = (seconds: number, say: Translator = DEFAULT_TRANSLATOR) =>
  seconds < 90 ? say('form.wait.seconds', { seconds }) : say('form.wait.minutes', { minutes: Math.ceil(seconds / 60) });

/** What a handler received, as values to draw the form again with (numbers as typed). */
export const echoValues = (data: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(data).flatMap(([k, v]) => (typeof v === 'string' || typeof v === 'number' ? [[k, String(v)]] : [])));

/** A valid post turned away by a per-address limit: the form again, as sent, with `message` (429). */
export const limitedOutcome = (form: string, data: Record<string, unknown>, message: string): FormOutcome => ({
  kind: 'invalid',
  state: { form, values: echoValues(data), errors: {}, message, status: 429 },
});

export const invalid = (form: string, errors: Record<string, string>, message?: string, status = 422): FormOutcome => ({
  kind: 'invalid',
  state: { form, values: {}, errors, message, status },
});
