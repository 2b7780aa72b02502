import { stringifySetCookie } from 'cookie';
import { z } from 'astro/zod';
import type { FormDefinition } from '../../core/forms/define-form.ts';
import { echoValues, limitedOutcome, waitText, type FormEndpoint, type FormOutcome } from '../../core/forms/endpoint.ts';
import { collects, MULTI_LINE } from '../../core/forms/fields.ts';
import type { CookieUse } from '../../core/privacy/declaration.ts';
import { take } from '../../core/security/rate-limit.ts';
import { businessTimeZone, isoDay } from '../../config/time-zone.ts';
import { MAX_SURVEY_QUESTIONS } from '../../content/schemas.ts';
import { fieldMessage, translator, type Translator } from '../../i18n/translate.ts';
import { linkIsGenuine, usedLinkKey } from './invitation.ts';
import { isOpen, MAX_TEXT_ANSWER, SCALE, SURVEY_SLUG, type Survey } from './survey.ts';

export const SURVEY_FORM_ID = 'survey';
/** Where every survey posts; the survey it answers is a hidden field. */
export const ANSWER_PATH = '/surveys/answer';
export const THANKS_PATH = '/surveys/thanks';
export const ALREADY_PATH = '/surveys/already-answered';

/** The field of the question at `index` (from 0): `q1`, `q2`… */
export const questionField = (index: number) => `q${index + 1}`;

/** The cookie that says this browser answered a survey on a page: its value is `1`, nothing else. */
export const answeredCookie = (slug: string) => `survey-${slug}`;
export const ANSWERED_DAYS = 365;

export const answeredCookieUse: CookieUse = {
  name: answeredCookie('…'),
  why: fieldMessage('privacy.cookie.survey.why'),
  lasts: fieldMessage('privacy.cookie.survey.lasts', { days: ANSWERED_DAYS }),
  necessary: true,
};

// One field per question position. What a question accepts (an option, a point of the scale, up to
// 1,000 characters of text) depends on the survey, so the handler checks it; the schema only keeps
// out what no survey takes: more than the longest answer, and control characters other than line breaks.
const answerField = () =>
  z
    .string()
    .trim()
    .max(MAX_TEXT_ANSWER, fieldMessage('survey.answer.too-long', { max: MAX_TEXT_ANSWER }))
    .regex(MULTI_LINE, fieldMessage('field.text.control-characters'))
    .meta({ widget: 'custom', ...collects('messages', { as: fieldMessage('privacy.field.survey-answers') }) })
    .optional();

const hidden = (pattern: RegExp) =>
  z
    .string()
    .max(100)
    .regex(pattern)
    .meta({ widget: 'hidden', ...collects('none') });

export const surveyForm = () =>
  ({
    id: SURVEY_FORM_ID,
    version: 1,
    action: ANSWER_PATH,
    purpose: 'surveys',
    title: fieldMessage('survey.form.title'),
    schema: z.strictObject({
      survey: hidden(SURVEY_SLUG),
      // The after-sale e-mail's link: the order's id and its signature.
      order: hidden(/^[0-9a-f-]{36}$/).optional(),
      key: hidden(/^[\w-]{22}$/).optional(),
      ...Object.fromEntries(Array.from({ length: MAX_SURVEY_QUESTIONS }, (_, i) => [questionField(i), answerField()])),
    }) as z.ZodObject<{
      survey: z.ZodString;
      order: z.ZodOptional<z.ZodString>;
      key: z.ZodOptional<z.ZodString>;
      [field: `q${number}`]: z.ZodOptional<z.ZodString>;
    }>,
    submit: fieldMessage('survey.submit'),
  }) satisfies FormDefinition;

type AnswerData = z.infer<ReturnType<typeof surveyForm>['schema']>;

/** Each answer checked against its question: the stored values by position, or a message per field. */
export function readAnswers(survey: Survey, data: Record<string, unknown>, say: Translator) {
  const answers: Array<{ question: number; value: string }> = [];
  const errors: Record<string, string> = {};
  survey.questions.forEach((q, i) => {
    const field = questionField(i);
    const raw = data[field];
    const value = typeof raw === 'string' ? raw : '';
    if (value === '') {
      if (q.required) errors[field] = say('survey.answer.required');
      return;
    }
    const point = /^\d{1,2}$/.test(value) ? Number(value) : NaN;
    if (q.kind === 'choice' && !(point >= 1 && point <= q.options)) errors[field] = say('survey.answer.choice');
    else if (q.kind === 'scale' && !(SCALE as readonly number[]).includes(point)) errors[field] = say('survey.answer.scale');
    else answers.push({ question: i + 1, value: q.kind === 'text' ? value : String(point) });
  });
  if (answers.length === 0 && Object.keys(errors).length === 0) errors[questionField(0)] = say('survey.answer.empty');
  return { answers, errors };
}

/**
 * `/surveys/answer`: one person's answers to one survey, stored without who they are. From a page,
 * one answer per browser (a cookie that says only that it answered) and at most 20 an hour per
 * network address; from the after-sale e-mail's link, one answer per order (the link is checked,
 * and its used-link mark, kept apart from the answers, is unique). A survey on no page takes
 * answers only from such links. Drawn on static pages too, so the time trap cannot apply there;
 * the honeypot, the limits and the cookie do. Times are kept to the hour.
 */
export const surveyEndpoint: FormEndpoint<ReturnType<typeof surveyForm>['schema']> = {
  path: ANSWER_PATH,
  decoy: THANKS_PATH,
  localized: true,
  drawnOnStaticPages: true,
  form: surveyForm,
  async handle(data: AnswerData, s, request) {
    const say = translator(s.config.site, request.locale);
    const state = (message: string, status: number, errors: Record<string, string> = {}): FormOutcome => ({
      kind: 'invalid',
      state: { form: SURVEY_FORM_ID, values: echoValues(data), errors, message, status },
    });
    const survey = s.surveys?.find((x) => x.slug === data.survey);
    if (!survey) return state(say('survey.unknown'), 404);
    if (!isOpen(survey, isoDay(s.clock(), businessTimeZone(s.config.business)))) return state(say('survey.closed'), 410);
    let link: string | undefined;
    if (data.order !== undefined || data.key !== undefined) {
      if (!data.order || !data.key || !linkIsGenuine(s.secret, survey.slug, data.order, data.key)) return state(say('survey.link.refused'), 400);
      link = usedLinkKey(survey.slug, data.order);
    } else if (!survey.onPage) {
      return state(say('survey.link.needed'), 403);
    } else if (request.cookies[answeredCookie(survey.slug)]) {
      return { kind: 'redirect', location: ALREADY_PATH };
    }
    const { answers, errors } = readAnswers(survey, data, say);
    if (Object.keys(errors).length > 0) return state(say('form.fix-fields'), 422, errors);
    const hour = new Date(s.clock());
    hour.setUTCMinutes(0, 0, 0);
    const now = hour.toISOString();
    const outcome = await s.db.transaction().execute(async (trx) => {
      const wait = await take(s.limits.surveyAnswersPerIp, request.ip, trx);
      if (wait > 0) return wait;
      if (link) {
        const marked = await trx
          .insertInto('survey_links_used')
          .values({ survey: survey.slug, link })
          .onConflict((oc) => oc.columns(['survey', 'link']).doNothing())
          .executeTakeFirst();
        if (Number(marked.numInsertedOrUpdatedRows ?? 0) === 0) return 'already';
      }
      const id = crypto.randomUUID();
      await trx
        .insertInto('survey_responses')
        .values({ id, survey: survey.slug, source: link ? 'order' : 'page', locale: say.locale, created_at: now })
        .execute();
      await trx
        .insertInto('survey_answers')
        .values(answers.map((a) => ({ response_id: id, survey: survey.slug, question: a.question, value: a.value })))
        .execute();
      return 'stored';
    });
    if (outcome === 'already') return { kind: 'redirect', location: ALREADY_PATH };
    if (typeof outcome === 'number') return limitedOutcome(SURVEY_FORM_ID, data, say('survey.too-many', { wait: waitText(outcome, say) }));
    return {
      kind: 'redirect',
      location: THANKS_PATH,
      // A link answers once by itself; a page answer is remembered by this browser.
      cookies: link
        ? undefined
        : [
            stringifySetCookie({
              name: answeredCookie(survey.slug),
              value: '1',
              httpOnly: true,
              sameSite: 'lax',
              secure: request.secure,
              path: '/',
              maxAge: ANSWERED_DAYS * 86_400,
            }),
          ],
    };
  },
};
