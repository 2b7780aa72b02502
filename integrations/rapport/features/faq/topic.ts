import { languageOf } from '../../i18n/catalogues.ts';

/**
 * A category as it reads inside an English sentence ("Planting" → "planting"). Other languages
 * keep the editor's name as written: their messages quote it rather than fit it to the grammar.
 */
export function categoryInSentence(category: string, locale: string): string {
  return languageOf(locale) === 'en' ? category.trim().toLowerCase() : category.trim();
}

/**
 * A category as the words after "about": "Planting" → "planting", and a category that already
 * says "about" ("About the farm") → "the farm", so no page reads "answers about about the farm".
 * In another language, the category as written (see `categoryInSentence`).
 */
export function aboutTopic(category: string, locale: string): string {
  const words = categoryInSentence(category, locale);
  return languageOf(locale) === 'en' ? words.replace(/^about\s+/, '') : words;
}
