import type { Services } from '../../core/services.ts';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { parse } from 'yaml';
import { siteLink } from '../../core/forms/endpoint.ts';
import { composeMail } from '../../core/mail/compose.ts';
import { mailFooter } from '../../core/mail/identity.ts';
import { enqueueMail } from '../../core/mail/outbox.ts';
import type { Database, QuestionStatus } from '../../core/store/schema.ts';
import type { ContentDrafts } from './drafts.ts';
import { localePath, type SiteLocales } from '../../config/locales.ts';
import { entryId } from '../../content/entry-id.ts';

/** What a build found about an entry that came from a visitor's question. */
export interface QuestionOutcome {
  slug: string;
  /** `faq_questions.id`, from the entry's `submission` field. */
  submission: string;
  status: 'pending_review' | 'published' | 'rejected' | 'merged';
  mergedInto: string | undefined;
  /** Plain text of the published answer. */
  answer: string | undefined;
}

/** Written next to the server bundle by the build; read by the server at start and every few minutes. */
export const OUTCOMES_FILE = 'faq-outcomes.json';

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---/;

/**
 * Build side: the FAQ folder's entries that carry a `submission` reference. `answerOf(slug)`
 * gives a published entry's answer as text (from the built page). On a site in several languages
 * the original (`x.md` or `x.en.md`) tells the asker; its translations (`x.fr.md`) do not again.
 */
export async function collectOutcomes(folder: string, answerOf: (slug: string) => Promise<string | undefined>, site: SiteLocales): Promise<QuestionOutcome[]> {
  const files = await readdir(folder).catch(() => [] as string[]);
  const outcomes: QuestionOutcome[] = [];
  const languages = site.locales.map(localePath);
  for (const file of files.filter((f) => f.endsWith('.md')).sort()) {
    const slug = entryId(file, languages, localePath(site.locale));
    if (slug.includes('/')) continue;
    const match = FRONT_MATTER.exec(await readFile(path.join(folder, file), 'utf8'));
    if (!match) continue;
    const data = (parse(match[1]!) ?? {}) as { submission?: unknown; status?: unknown; mergedInto?: unknown };
    if (typeof data.submission !== 'string') continue;
    const status = (typeof data.status === 'string' ? data.status : 'published') as QuestionOutcome['status'];
    outcomes.push({
      slug,
      submission: data.submission,
      status,
      mergedInto: typeof data.mergedInto === 'string' ? data.mergedInto : undefined,
      answer: status === 'published' ? await answerOf(slug) : undefined,
    });
  }
  return outcomes;
}

/**
 * Writes a draft entry for every stored question that has none yet. Runs just after each
 * accepted question and every few minutes, so a question stored while the disk or Git failed
 * still gets its draft.
 */
export async function syncDrafts(db: Kysely<Database>, drafts: ContentDrafts, clock: () => Date): Promise<number> {
  const waiting = await db
    .selectFrom('faq_questions')
    .select(['id', 'question', 'created_at'])
    .where('status', '=', 'received')
    .orderBy('created_at')
    .limit(50)
    .execute();
  for (const q of waiting) {
    const slug = await drafts.create({ question: q.question, submission: q.id, updated: new Date(q.created_at) });
    const now = clock().toISOString();
    await db.transaction().execute(async (trx) => {
      const drafted = await trx
        .updateTable('faq_questions')
        .set({ status: 'pending_review', entry_slug: slug, updated_at: now })
        .where('id', '=', q.id)
        .where('status', '=', 'received')
        .executeTakeFirst();
      // Another server's job drafted it meanwhile (the same file, written twice): its history has the step already.
      if (drafted.numUpdatedRows === 0n) return;
      await trx
        .insertInto('faq_question_events')
        .values({ id: crypto.randomUUID(), question_id: q.id, status: 'pending_review', note: `draft ${slug}`, created_at: now })
        .execute();
    });
  }
  return waiting.length;
}

/**
 * Writes a waiting question's draft entry again after it was deleted in the CMS (the question
 * itself stays in `faq_questions` whatever happens to its entry). Undefined when the question is
 * not one waiting for an answer; else the new entry's slug.
 */
export async function redraftQuestion(trx: Kysely<Database>, drafts: ContentDrafts, id: string, clock: () => Date): Promise<string | undefined> {
  const q = await trx.selectFrom('faq_questions').select(['id', 'question', 'created_at', 'status']).where('id', '=', id).executeTakeFirst();
  if (!q || q.status !== 'pending_review') return undefined;
  const slug = await drafts.create({ question: q.question, submission: q.id, updated: new Date(q.created_at) });
  const now = clock().toISOString();
  await trx.updateTable('faq_questions').set({ entry_slug: slug, updated_at: now }).where('id', '=', q.id).execute();
  await trx
    .insertInto('faq_question_events')
    .values({ id: crypto.randomUUID(), question_id: q.id, status: 'pending_review', note: `draft written again (${slug})`, created_at: now })
    .execute();
  return slug;
}

/**
 * Server side: moves each question on to what the build made of its entry, and tells the asker
 * once (published: the answer and its link; merged: the entry that answers it; rejected: that
 * it will not be published). The status change and the mail are one transaction, guarded by the
 * old status, so two servers reading the same build send one message.
 */
export async function applyOutcomes(s: Services, outcomes: readonly QuestionOutcome[]): Promise<number> {
  let told = 0;
  for (const outcome of outcomes) {
    const question = await s.db
      .selectFrom('faq_questions')
      .leftJoin('contacts', 'contacts.id', 'faq_questions.contact_id')
      .select(['faq_questions.id', 'faq_questions.status', 'faq_questions.question', 'faq_questions.notified_at', 'contacts.email', 'contacts.name'])
      .where('faq_questions.id', '=', outcome.submission)
      .executeTakeFirst();
    if (!question || question.status === outcome.status || question.status === 'received') continue;
    const now = s.clock().toISOString();
    const final = outcome.status !== 'pending_review';
    const tell = final && !question.notified_at && !!question.email;
    const sent = await s.db.transaction().execute(async (trx) => {
      const moved = await trx
        .updateTable('faq_questions')
        .set({ status: outcome.status, merged_into: outcome.mergedInto ?? null, updated_at: now, ...(tell ? { notified_at: now } : {}) })
        .where('id', '=', question.id)
        .where('status', '=', question.status as QuestionStatus)
        .executeTakeFirst();
      if (moved.numUpdatedRows !== 1n) return false;
      await trx
        .insertInto('faq_question_events')
        .values({
          id: crypto.randomUUID(),
          question_id: question.id,
          status: outcome.status,
          note: outcome.mergedInto ? `merged into ${outcome.mergedInto}` : null,
          created_at: now,
        })
        .execute();
      if (tell) await enqueueMail(trx, outcomeMail(s, outcome, { email: question.email!, name: question.name ?? '', question: question.question }), s.clock);
      return tell;
    });
    if (sent) told++;
  }
  return told;
}

function outcomeMail(s: Services, outcome: QuestionOutcome, asker: { email: string; name: string; question: string }) {
  const common = {
    to: asker.email,
    greeting: asker.name ? `Hello ${asker.name},` : 'Hello,',
    quote: asker.question,
    footer: mailFooter(s.config, 'You get this one message because you asked us a question on our website and left your address.'),
    accent: s.config.site.accentColor,
  };
  if (outcome.status === 'published') {
    const answer = (outcome.answer ?? '').slice(0, 1500);
    return composeMail({
      ...common,
      subject: 'Your question is answered',
      paragraphs: ['Thank you for your question. Our answer is now on our FAQ page, for you and everyone who wonders the same:'],
      after: [answer.length === 1500 ? `${answer} …` : answer].filter(Boolean),
      action: { label: 'Read the answer', url: siteLink(s, `/faq/${outcome.slug}/`) },
    });
  }
  if (outcome.status === 'merged' && outcome.mergedInto) {
    return composeMail({
      ...common,
      subject: 'Your question is answered on our FAQ page',
      paragraphs: ['Thank you for your question. An answer we already had covers it, and we have added your question to it:'],
      action: { label: 'Read the answer', url: siteLink(s, `/faq/${outcome.mergedInto}/`) },
    });
  }
  return composeMail({
    ...common,
    subject: 'About your question',
    paragraphs: [
      'Thank you for your question. We will not add it to our FAQ page, usually because it is about one order or one situation rather than something many people ask.',
      'If you still need an answer, write to us and we will answer you directly.',
    ],
    action: { label: 'Write to us', url: siteLink(s, s.config.crm.contactForm ? '/contact/message' : '/') },
  });
}

/** A person's questions for the account page, newest first. */
export function questionsOf(db: Kysely<Database>, contactId: string) {
  return db
    .selectFrom('faq_questions')
    .select(['question', 'status', 'entry_slug', 'merged_into', 'created_at', 'updated_at'])
    .where('contact_id', '=', contactId)
    .orderBy('created_at', 'desc')
    .limit(50)
    .execute();
}
