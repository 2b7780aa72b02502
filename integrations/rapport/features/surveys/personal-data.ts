import type { Kysely } from 'kysely';
import type { Person, PersonalData, RetentionRule } from '../../core/privacy/personal-data.ts';
import type { Database } from '../../core/store/schema.ts';
import { fieldMessage } from '../../i18n/translate.ts';
import { respondentKey } from './invitation.ts';

/** The respondent keys an after-sale link of one of the person's orders would have left (answers from pages have none). */
async function keysOf(db: Kysely<Database>, person: Person): Promise<string[]> {
  const orders = await db.selectFrom('orders').select('id').where('contact_id', '=', person.contactId).execute();
  if (orders.length === 0) return [];
  const surveys = await db.selectFrom('survey_responses').select('survey').distinct().where('source', '=', 'order').execute();
  return surveys.flatMap(({ survey }) => orders.map((o) => respondentKey(survey, o.id)));
}

/** Survey answers older than the period: deleted, a thousand responses per statement. */
export const surveyAnswersKept: RetentionRule = {
  kind: 'surveys',
  categories: ['messages', 'technical'],
  from: fieldMessage('privacy.rule.surveys.from'),
  then: fieldMessage('privacy.rule.surveys.then'),
  async enforce(db, due) {
    let done = 0;
    for (;;) {
      const ids = (
        await db.selectFrom('survey_responses').select('id').where('created_at', '<', due.cutoff.toISOString()).orderBy('created_at').limit(1000).execute()
      ).map((r) => r.id);
      if (ids.length === 0) return done;
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('survey_answers').where('response_id', 'in', ids).execute();
        await trx.deleteFrom('survey_responses').where('id', 'in', ids).execute();
      });
      done += ids.length;
    }
  },
};

/**
 * Survey answers name nobody; one sent from an after-sale e-mail keeps a digest of the survey and
 * the order so the link answers once. A person's request finds those from their orders: access
 * hands over the answers, erasure removes the digest (the answers stay, linked to no one).
 */
export const surveysData = (): PersonalData => ({
  tables: ['survey_responses', 'survey_answers'],
  async export(db, person) {
    const keys = await keysOf(db, person);
    if (keys.length === 0) return { survey_responses: [], survey_answers: [] };
    const responses = await db.selectFrom('survey_responses').selectAll().where('respondent', 'in', keys).orderBy('created_at').execute();
    const ids = responses.map((r) => r.id);
    return {
      survey_responses: responses,
      survey_answers: ids.length
        ? await db.selectFrom('survey_answers').selectAll().where('response_id', 'in', ids).orderBy('response_id').orderBy('question').execute()
        : [],
    };
  },
  async erase(trx, person) {
    const keys = await keysOf(trx, person);
    if (keys.length > 0) await trx.updateTable('survey_responses').set({ respondent: null }).where('respondent', 'in', keys).execute();
  },
  keeps: [{ what: fieldMessage('privacy.keeps.survey-answers.what'), why: fieldMessage('privacy.keeps.survey-answers.why') }],
  retention: [surveyAnswersKept],
});
