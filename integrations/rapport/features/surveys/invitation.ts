import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Services } from '../../core/services.ts';
import { mailLink } from '../../core/mail/mail-language.ts';
import type { Translator } from '../../i18n/translate.ts';
import { wordsIn } from './survey.ts';

/** The after-sale e-mail's survey link carries the order's id and this signature: no token row, so it works as long as the survey is open. */
export const linkSignature = (secret: string, survey: string, orderId: string) =>
  createHmac('sha256', secret).update(`survey:${survey}:${orderId}`).digest('base64url').slice(0, 22);

export function linkIsGenuine(secret: string, survey: string, orderId: string, signature: string): boolean {
  const expected = Buffer.from(linkSignature(secret, survey, orderId));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * What the store keeps of a link that has answered, so it answers once: a digest of the survey and
 * the order, in a table of its own (`survey_links_used`) with nothing else, so it says at most
 * that an order's customer answered, never what. An erasure recomputes the person's and removes
 * them (personal-data.ts).
 */
export const usedLinkKey = (survey: string, orderId: string) => createHash('sha256').update(`survey-link-used\0${survey}\0${orderId}`).digest('base64url');

/** The survey page with the order's signed link: `/surveys/<slug>/?order=…&key=…` in the customer's language. */
export function surveyLink(s: Pick<Services, 'site' | 'secret' | 'config'>, say: Translator, survey: string, orderId: string): string {
  return mailLink(s, say, `/surveys/${survey}/`, { order: orderId, key: linkSignature(s.secret, survey, orderId) });
}

/**
 * The invitation the after-sale e-mail carries (orders/follow-up.ts asks through the services):
 * the survey marked "Ask after an order" that is open today, first by name when several are.
 */
export function afterSaleInvitation(s: Pick<Services, 'site' | 'secret' | 'config' | 'surveys'>, say: Translator, orderId: string, today: string) {
  const survey = (s.surveys ?? []).find((x) => x.afterOrder && (!x.closes || today <= x.closes));
  if (!survey) return undefined;
  return { slug: survey.slug, title: wordsIn(survey, say.locale, s.config.site.locale).title, url: surveyLink(s, say, survey.slug, orderId) };
}
