import config from 'virtual:rapport/config';
import { entriesIn, slugOf } from '../../content/translations.ts';
import type { SurveyData } from '../../content/schemas.ts';
import { surveyOf, type Survey } from './survey.ts';

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
  return originals
    .map((entry) => surveyOf(slugOf(entry), entry.data, translations.get(slugOf(entry)) ?? {}, config.site.locale))
    .sort((a, b) => a.slug.localeCompare(b.slug));
}
