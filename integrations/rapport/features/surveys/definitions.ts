import { getCollection } from 'astro:content';
import { AstroError } from 'astro/errors';
import config from 'virtual:rapport/config';
import { entriesIn, slugOf } from '../../content/translations.ts';
import type { SurveyData } from '../../content/schemas.ts';
import { pageSurvey } from './feature.ts';
import { SURVEY_SLUG, surveyOf, type Survey } from './survey.ts';

/**
 * The surveys from the content collection, for Astro's side (the build's `surveys.json`, the
 * survey page and the console). Rapport's server reads the file the build wrote.
 */
export async function surveysFromCollection(): Promise<Survey[]> {
  const originals = await entriesIn('surveys', config.site.locale);
  const translations = new Map<string, Record<string, SurveyData>>();
  for (const locale of config.site.locales.filter((code) => code !== config.site.locale)) {
    for (const entry of await entriesIn('surveys', locale)) translations.set(slugOf(entry), { ...translations.get(slugOf(entry)), [locale]: entry.data });
  }
  // Which surveys a page asks, in any language.
  const asked = new Set((await getCollection('pages')).flatMap((page) => pageSurvey(config, page.data) ?? []));
  return originals
    .map((entry) => surveyOf(slugOf(entry), entry.data, translations.get(slugOf(entry)) ?? {}, config.site.locale, asked.has(slugOf(entry))))
    .sort((a, b) => a.slug.localeCompare(b.slug));
}

/**
 * The same, for the build: a survey whose file name could not travel in a form, a link or a cookie
 * (accents, capitals, over 100 characters) stops it, saying what to rename, rather than leaving a
 * survey nobody can answer.
 */
export async function checkedSurveys(): Promise<Survey[]> {
  const surveys = await surveysFromCollection();
  const bad = surveys.filter((s) => !SURVEY_SLUG.test(s.slug));
  if (bad.length > 0) {
    throw new AstroError(
      `A survey's file name cannot be used in its links: ${bad.map((s) => `"${s.slug}"`).join(', ')}.`,
      'Rename the file in content/surveys/ (and its translations) to lower-case letters, digits and dashes only, at most 100 characters, for example "garden-survey-2027.md".',
    );
  }
  return surveys;
}
