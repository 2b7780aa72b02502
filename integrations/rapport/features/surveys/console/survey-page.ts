import type { AstroGlobal } from 'astro';
import config from 'virtual:rapport/config';
import { consolePage, refusal, type ConsoleContext } from '../../../site/console/staff-page.ts';
import { surveysFromCollection } from '../definitions.ts';
import { wordsIn, type Survey, type SurveyWords } from '../survey.ts';

/** A console page about one survey (`/admin/crm/surveys/<slug>…`): the staff check, the survey, its words in the site's language; or the refusal. */
export async function consoleSurvey(astro: AstroGlobal): Promise<(ConsoleContext & { survey: Survey; words: SurveyWords }) | Response> {
  const ctx = await consolePage(astro, 'console');
  if (ctx instanceof Response) return ctx;
  const survey = (await surveysFromCollection()).find((s) => s.slug === astro.params.slug);
  if (!survey) return refusal(404, 'There is no such survey.');
  return { ...ctx, survey, words: wordsIn(survey, config.site.locale, config.site.locale) };
}
