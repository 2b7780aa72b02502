import type { Kysely } from 'kysely';
import type { Person, PersonalData, RetentionRule } from '../../core/privacy/personal-data.ts';
import type { Database } from '../../core/store/schema.ts';
import { fieldMessage } from '../../i18n/translate.ts';
import { usedLinkKey } from './invitation.ts';

/** The used-link digests the after-sale e-mails of the person's orders would have left, for each survey that has some. */
async function linksOf(db: Kysely<Database>, person: Person): Promise<string[]> {
  const orders = await db.selectFrom('orders').select('id').where('contact_id', '=', person.contactId).execute();
  if (orders.length === 0) return [];
  const surveys = await db.selectFrom('survey_links_used').select('survey').distinct().execute();
  return surveys.flatMap(({ survey }) => orders.map((o) => usedLinkKey(survey, o.id)));
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
 * Survey answers name nobody and point at nothing. What refers to a person is the mark an
 * after-sale e-mail's link leaves once it has answered (that the customer of an order answered a
 * survey, not what): access lists the surveys so answered, erasure removes the marks.
 */
export const surveysData = (): PersonalData => ({
  tables: ['survey_links_used'],
  async export(db, person) {
    const links = await linksOf(db, person);
    return {
      survey_links_used: links.length ? await db.selectFrom('survey_links_used').select('survey').where('link', 'in', links).orderBy('survey').execute() : [],
    };
  },
  async erase(trx, person) {
    const links = await linksOf(trx, person);
    if (links.length > 0) await trx.deleteFrom('survey_links_used').where('link', 'in', links).execute();
  },
  keeps: [{ what: fieldMessage('privacy.keeps.survey-answers.what'), why: fieldMessage('privacy.keeps.survey-answers.why') }],
  retention: [surveyAnswersKept],
});
