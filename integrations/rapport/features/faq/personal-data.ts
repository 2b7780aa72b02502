import type { Kysely } from 'kysely';
import type { PersonalData, RetentionRule } from '../../core/privacy/personal-data.ts';
import { likeEscaped, likeLiteral } from '../../core/store/like.ts';
import type { Database } from '../../core/store/schema.ts';
import { STAFF_QUESTION_SUBJECT } from './ask.ts';
import { fieldMessage } from '../../i18n/translate.ts';

/** Published questions are on the FAQ page for everyone: their wording stays, without who asked or what they added privately. */
const UNLINKED = { contact_id: null, details: null } as const;

async function deleteQuestions(trx: Kysely<Database>, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await trx.deleteFrom('faq_question_events').where('question_id', 'in', ids).execute();
  await trx.deleteFrom('faq_questions').where('id', 'in', ids).execute();
}

/**
 * Questions answered (published), declined (rejected) or answered by another entry (merged)
 * longer than the period ago: a published one keeps only its wording, the others go. A question
 * still waiting for an answer is not due.
 */
export const answeredQuestions: RetentionRule = {
  kind: 'questions',
  categories: ['messages'],
  from: fieldMessage('privacy.rule.questions.from'),
  then: fieldMessage('privacy.rule.questions.then'),
  async enforce(db, due) {
    const cutoff = due.cutoff.toISOString();
    return db.transaction().execute(async (trx) => {
      const published = await trx
        .updateTable('faq_questions')
        .set(UNLINKED)
        .where('status', '=', 'published')
        .where('updated_at', '<', cutoff)
        .where((eb) => eb.or([eb('contact_id', 'is not', null), eb('details', 'is not', null)]))
        .executeTakeFirst();
      const ended = await trx
        .selectFrom('faq_questions')
        .select('id')
        .where('status', 'in', ['rejected', 'merged'])
        .where('updated_at', '<', cutoff)
        .limit(1000)
        .execute();
      await deleteQuestions(
        trx,
        ended.map((q) => q.id),
      );
      return Number(published.numUpdatedRows) + ended.length;
    });
  },
};

/** Visitors' questions and each change of their status. */
export const questionsData = (): PersonalData => ({
  tables: ['faq_questions', 'faq_question_events'],
  async export(db, person) {
    const mine = db.selectFrom('faq_questions').select('id').where('contact_id', '=', person.contactId);
    return {
      faq_questions: await db.selectFrom('faq_questions').selectAll().where('contact_id', '=', person.contactId).orderBy('created_at').execute(),
      faq_question_events: await db
        .selectFrom('faq_question_events')
        .selectAll()
        .where('question_id', 'in', mine)
        .orderBy('created_at')
        .orderBy('id')
        .execute(),
    };
  },
  async erase(trx, person) {
    // Staff's copy of a question carries the private details (not the address, which the store's own erasure looks for).
    const detailed = await trx
      .selectFrom('faq_questions')
      .select('details')
      .where('contact_id', '=', person.contactId)
      .where('details', 'is not', null)
      .execute();
    for (const { details } of detailed) {
      await trx
        .deleteFrom('mail_outbox')
        .where((eb) => likeEscaped(eb.ref('subject'), `${likeLiteral(STAFF_QUESTION_SUBJECT)}%`))
        .where((eb) => likeEscaped(eb.ref('text_body'), `%${likeLiteral(details!)}%`))
        .execute();
    }
    await trx.updateTable('faq_questions').set(UNLINKED).where('contact_id', '=', person.contactId).where('status', '=', 'published').execute();
    const others = await trx.selectFrom('faq_questions').select('id').where('contact_id', '=', person.contactId).execute();
    await deleteQuestions(
      trx,
      others.map((q) => q.id),
    );
  },
  keeps: [
    {
      what: fieldMessage('privacy.keeps.questions.what'),
      why: fieldMessage('privacy.keeps.questions.why'),
    },
  ],
  retention: [answeredQuestions],
});
