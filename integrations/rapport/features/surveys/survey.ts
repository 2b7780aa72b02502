import type { SurveyData } from '../../content/schemas.ts';

/**
 * A survey as the server knows it (the build's `surveys.json`): its shape, the same in every
 * language, and its words in each. Answers are stored by position (question, option), so a French
 * answer and an English one to the same survey count together.
 */
export interface Survey {
  slug: string;
  afterOrder: boolean;
  /** A content page asks it ("Survey on this page"); a survey on no page takes answers only from the after-sale e-mail's links. */
  onPage: boolean;
  /** The last day answers are taken (`2027-06-30`, the business's calendar day), if any. */
  closes?: string | undefined;
  questions: Array<{ kind: SurveyData['questions'][number]['kind']; required: boolean; options: number }>;
  /** Its words by locale; the default locale's are always there. */
  words: Record<string, SurveyWords>;
}

export interface SurveyWords {
  title: string;
  questions: Array<{ question: string; options: string[]; low?: string | undefined; high?: string | undefined }>;
}

/** The build's file the server reads the surveys from (moved out of the public folder). */
export const SURVEYS_FILE = 'surveys/definitions.json';
export const SERVER_SURVEYS_FILE = 'surveys.json';

/** A scale's points: 1 to 5. */
export const SCALE = [1, 2, 3, 4, 5] as const;

/** The most characters a written answer keeps: a short answer, not a letter. */
export const MAX_TEXT_ANSWER = 1000;

/** A survey's slug as it may appear in a post, a link and a cookie's name (the CMS makes ASCII slugs: `cms/decap-config.ts`). */
export const SURVEY_SLUG = /^[a-z0-9][a-z0-9-]{0,99}$/;

/** A survey from its entry in the default locale and its translations (same questions, same order). */
export function surveyOf(slug: string, original: SurveyData, translations: Record<string, SurveyData>, defaultLocale: string, onPage: boolean): Survey {
  const words = (d: SurveyData): SurveyWords => ({
    title: d.title,
    questions: d.questions.map((q) => ({ question: q.question, options: q.options ?? [], low: q.low, high: q.high })),
  });
  const shape = original.questions.map((q) => ({ kind: q.kind, required: q.required, options: q.kind === 'choice' ? (q.options?.length ?? 0) : 0 }));
  // A translation whose questions differ in number or options would count answers under the wrong question: it is left out (and the default's words used).
  const fits = (d: SurveyData) =>
    d.questions.length === shape.length &&
    d.questions.every((q, i) => q.kind === shape[i]!.kind && (q.kind !== 'choice' || (q.options?.length ?? 0) === shape[i]!.options));
  return {
    slug,
    afterOrder: original.afterOrder,
    onPage,
    ...(original.closes ? { closes: original.closes.toISOString().slice(0, 10) } : {}),
    questions: shape,
    words: {
      ...Object.fromEntries(Object.entries(translations).flatMap(([locale, d]) => (fits(d) ? [[locale, words(d)]] : []))),
      [defaultLocale]: words(original),
    },
  };
}

/** Its words in `locale`, else in the default locale's. */
export const wordsIn = (survey: Survey, locale: string, defaultLocale: string): SurveyWords => survey.words[locale] ?? survey.words[defaultLocale]!;

/** Whether answers are still taken on `day` (`YYYY-MM-DD` in the business's time zone). */
export const isOpen = (survey: Pick<Survey, 'closes'>, day: string) => !survey.closes || day <= survey.closes;
