import type { Kysely } from 'kysely';
import type { Database, QuestionStatus } from '../../core/store/schema.ts';

// Visitors' questions as the staff console shows them. Read only: an entry's status is the
// content manager's (the build reports it back), so nothing here changes a question.

export const QUESTIONS_PAGE_SIZE = 50;

export const QUESTION_STATUS_LABELS: Record<QuestionStatus, string> = {
  received: 'Received, draft not written yet',
  pending_review: 'Draft waiting for an answer',
  published: 'Published',
  rejected: 'Not published',
  merged: 'Merged into another answer',
};

/** What waits for an editor: questions without a published, rejected or merged entry. */
export const WAITING: readonly QuestionStatus[] = ['received', 'pending_review'];

export type QuestionFilter = 'waiting' | QuestionStatus | 'all';

/** One page of questions, newest first, with the asker's address when they left one. */
export async function listQuestions(db: Kysely<Database>, filter: { status: QuestionFilter; page: number }) {
  let query = db
    .selectFrom('faq_questions as q')
    .leftJoin('contacts as c', 'c.id', 'q.contact_id')
    .select(['q.id', 'q.question', 'q.status', 'q.entry_slug', 'q.merged_into', 'q.created_at', 'c.id as contactId', 'c.email']);
  if (filter.status === 'waiting') query = query.where('q.status', 'in', [...WAITING]);
  else if (filter.status !== 'all') query = query.where('q.status', '=', filter.status);
  const rows = await query
    .orderBy('q.created_at', 'desc')
    .orderBy('q.id', 'desc')
    .limit(QUESTIONS_PAGE_SIZE + 1)
    .offset((filter.page - 1) * QUESTIONS_PAGE_SIZE)
    .execute();
  return { rows: rows.slice(0, QUESTIONS_PAGE_SIZE), more: rows.length > QUESTIONS_PAGE_SIZE };
}

/** One question with its asker, its private details and what happened to it; undefined for an unknown id. */
export async function readQuestion(db: Kysely<Database>, id: string) {
  const question = await db
    .selectFrom('faq_questions as q')
    .leftJoin('contacts as c', 'c.id', 'q.contact_id')
    .select([
      'q.id',
      'q.question',
      'q.details',
      'q.status',
      'q.entry_slug',
      'q.merged_into',
      'q.created_at',
      'q.notified_at',
      'c.id as contactId',
      'c.email',
      'c.name',
    ])
    .where('q.id', '=', id)
    .executeTakeFirst();
  if (!question) return undefined;
  const events = await db
    .selectFrom('faq_question_events')
    .select(['status', 'note', 'created_at'])
    .where('question_id', '=', id)
    .orderBy('created_at')
    .orderBy('id')
    .limit(100)
    .execute();
  return { ...question, events };
}

/** How many questions wait for an answer. */
export async function countWaitingQuestions(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('faq_questions')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('status', 'in', [...WAITING])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
