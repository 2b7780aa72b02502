import type { Kysely } from 'kysely';
import type { Database } from '../../core/store/schema.ts';
import { barChart } from '../../site/console/svg-chart.ts';
import { SCALE, type Survey, type SurveyWords } from './survey.ts';

/** How many answers each survey has, by slug. */
export async function responseCounts(db: Kysely<Database>): Promise<Map<string, { responses: number; last: string }>> {
  const rows = await db
    .selectFrom('survey_responses')
    .select((eb) => ['survey', eb.fn.countAll<number | string>().as('responses'), eb.fn.max('created_at').as('last')])
    .groupBy('survey')
    .execute();
  return new Map(rows.map((r) => [r.survey, { responses: Number(r.responses), last: r.last }]));
}

export interface QuestionResult {
  number: number;
  question: string;
  kind: Survey['questions'][number]['kind'];
  answered: number;
  /** Choices and scale points, in order, with how many chose each. */
  counts: Array<{ label: string; value: number }>;
  /** A scale's mean, when anyone answered. */
  mean?: number | undefined;
  /** The latest written answers (a text question). */
  latest: Array<{ text: string; at: string }>;
}

/** Each question's figures: the counts of a choice or a scale, the latest written answers. */
export async function surveyResults(db: Kysely<Database>, survey: Survey, words: SurveyWords, latest = 50) {
  const [responses] = await db
    .selectFrom('survey_responses')
    .select((eb) => [eb.fn.countAll<number | string>().as('n')])
    .where('survey', '=', survey.slug)
    .execute();
  const counted = await db
    .selectFrom('survey_answers')
    .select((eb) => ['question', 'value', eb.fn.countAll<number | string>().as('n')])
    .where('survey', '=', survey.slug)
    .where('question', 'in', survey.questions.flatMap((q, i) => (q.kind === 'text' ? [] : [i + 1])).concat([0]))
    .groupBy(['question', 'value'])
    .execute();
  const count = (question: number, value: string) => Number(counted.find((r) => r.question === question && r.value === value)?.n ?? 0);
  const questions: QuestionResult[] = [];
  for (const [i, q] of survey.questions.entries()) {
    const number = i + 1;
    const w = words.questions[i]!;
    if (q.kind === 'text') {
      const [answered] = await db
        .selectFrom('survey_answers')
        .select((eb) => [eb.fn.countAll<number | string>().as('n')])
        .where('survey', '=', survey.slug)
        .where('question', '=', number)
        .execute();
      const rows = await db
        .selectFrom('survey_answers')
        .innerJoin('survey_responses', 'survey_responses.id', 'survey_answers.response_id')
        .select(['survey_answers.value', 'survey_responses.created_at'])
        .where('survey_answers.survey', '=', survey.slug)
        .where('survey_answers.question', '=', number)
        .orderBy('survey_responses.created_at', 'desc')
        .orderBy('survey_responses.id')
        .limit(latest)
        .execute();
      questions.push({
        number,
        question: w.question,
        kind: q.kind,
        answered: Number(answered?.n ?? 0),
        counts: [],
        latest: rows.map((r) => ({ text: r.value, at: r.created_at })),
      });
      continue;
    }
    const counts =
      q.kind === 'choice'
        ? w.options.map((label, o) => ({ label, value: count(number, String(o + 1)) }))
        : SCALE.map((point) => ({ label: String(point), value: count(number, String(point)) }));
    const answered = counts.reduce((sum, c) => sum + c.value, 0);
    const mean = q.kind === 'scale' && answered > 0 ? SCALE.reduce((sum, p) => sum + p * count(number, String(p)), 0) / answered : undefined;
    questions.push({ number, question: w.question, kind: q.kind, answered, counts, mean, latest: [] });
  }
  return { responses: Number(responses?.n ?? 0), questions };
}

/** A question's answers as bars (a choice's options, or a scale's points). */
export const answersChart = (slug: string, q: QuestionResult): string =>
  barChart(
    // Numbered, so two long options that begin alike stay two bars.
    q.counts.map((c, i) => {
      const label = q.kind === 'choice' ? `${i + 1}. ${c.label}` : c.label;
      return { label: label.length > 38 ? `${label.slice(0, 37)}…` : label, value: c.value };
    }),
    {
      id: `survey-${slug}-q${q.number}`,
      title: `Answers to question ${q.number}: ${q.question}`,
      axis: 'Answers',
      marginLeft: q.kind === 'scale' ? 40 : 240,
      fill: '#2f6f3a',
      unit: (n) => `${n} ${n === 1 ? 'answer' : 'answers'}`,
    },
  );

/**
 * Every response as a row: when, in which language, from a page or an e-mail, then one column per
 * question (a choice's words, a scale's point, the text written). The CSV module escapes what a
 * spreadsheet would run as a formula.
 */
export async function answerRows(db: Kysely<Database>, survey: Survey, words: SurveyWords) {
  const responses = await db
    .selectFrom('survey_responses')
    .select(['id', 'created_at', 'locale', 'source'])
    .where('survey', '=', survey.slug)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const answers = await db.selectFrom('survey_answers').select(['response_id', 'question', 'value']).where('survey', '=', survey.slug).execute();
  const byResponse = new Map<string, Map<number, string>>();
  for (const a of answers) byResponse.set(a.response_id, (byResponse.get(a.response_id) ?? new Map()).set(a.question, a.value));
  const shown = (i: number, value: string | undefined) => {
    if (value === undefined) return '';
    const q = survey.questions[i]!;
    return q.kind === 'choice' ? (words.questions[i]!.options[Number(value) - 1] ?? value) : value;
  };
  return {
    header: ['Answered (UTC)', 'Language', 'From', ...words.questions.map((q, i) => `${i + 1}. ${q.question}`)],
    rows: responses.map((r) => [
      r.created_at,
      r.locale,
      r.source === 'order' ? 'after-sale e-mail' : 'page',
      ...survey.questions.map((_, i) => shown(i, byResponse.get(r.id)?.get(i + 1))),
    ]),
  };
}
