import type { Services } from '../../core/services.ts';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { parse } from 'yaml';
import { siteLink } from '../../core/forms/endpoint.ts';
import { composeMail } from '../../core/mail/compose.ts';
import { mailFooter } from '../../core/mail/identity.ts';
import { mailLink, mailTranslator } from '../../core/mail/mail-language.ts';
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
  /**
   * The site's other locales the answering entry (this one, or the one it was merged into) has a
   * page in, each with that page's answer as text when this entry is the published one (empty else).
   * Absent in files written before it: the answer is then in the default locale only.
   */
  translations?: Record<string, string> | undefined;
}

/** Written next to the server bundle by the build; read by the server at start and every few minutes. */
export const OUTCOMES_FILE = 'faq-outcomes.json';

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---/;

/**
 * Build side: the FAQ folder's entries that carry a `submission` reference. `answerOf(slug, locale)`
 * gives a published entry's answer as text (from the built page in that locale; undefined when
 * there is none). On a site in several languages the original (`x.md` or `x.en.md`) tells the
 * asker; its translations (`x.fr.md`) do not again, but the asker is sent to the one in their
 * language where it was built.
 */
export async function collectOutcomes(
  folder: string,
  answerOf: (slug: string, locale: string) => Promise<string | undefined>,
  site: SiteLocales,
): Promise<QuestionOutcome[]> {
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
    const mergedInto = typeof data.mergedInto === 'string' ? data.mergedInto : undefined;
    const answering = status === 'published' ? slug : status === 'merged' ? mergedInto : undefined;
    const translations: Record<string, string> = {};
    if (answering) {
      for (const locale of site.locales.filter((l) => l !== site.locale)) {
        const text = await answerOf(answering, locale);
        if (text !== undefined) translations[locale] = status === 'published' ? text : '';
      }
    }
    outcomes.push({
      slug,
      submission: data.submission,
      status,
      mergedInto,
      answer: status === 'published' ? await answerOf(slug, site.locale) : undefined,
      ...(Object.keys(translations).length ? { translations } : {}),
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
      .select([
        'faq_questions.id',
        'faq_questions.status',
        'faq_questions.question',
        'faq_questions.notified_at',
        'contacts.email',
        'contacts.name',
        'contacts.language',
      ])
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
      if (tell)
        await enqueueMail(
          trx,
          outcomeMail(s, outcome, { email: question.email!, name: question.name ?? '', question: question.question, language: question.language }),
          s.clock,
        );
      return tell;
    });
    if (sent) told++;
  }
  return told;
}

/**
 * The mail that tells the asker, in their language (the contact's; else the site's default). The
 * answer is linked, and quoted, in that language where it was translated; else the default
 * language's page, with a sentence saying the answer is in that language.
 */
function outcomeMail(s: Services, outcome: QuestionOutcome, asker: { email: string; name: string; question: string; language: string | null }) {
  const say = mailTranslator(s.config.site, asker);
  const common = {
    to: asker.email,
    greeting: asker.name ? say('mail.greeting.named', { name: asker.name }) : say('mail.greeting.plain'),
    quote: asker.question,
    footer: mailFooter(s.config, say('mail.faq-outcome.why')),
    accent: s.config.site.accentColor,
  };
  const translated = say.locale !== s.config.site.locale && outcome.translations?.[say.locale] !== undefined;
  // Their language's page where the answer has one; else the default language's, said so.
  const answerLink = (slug: string) => (translated ? mailLink(s, say, `/faq/${slug}/`) : siteLink(s, `/faq/${slug}/`));
  const untranslated =
    say.locale === s.config.site.locale || translated
      ? []
      : [
          say('mail.faq-outcome.untranslated', {
            language: new Intl.DisplayNames([say.locale], { type: 'language' }).of(localePath(s.config.site.locale)) ?? s.config.site.locale,
          }),
        ];
  if (outcome.status === 'published') {
    const answer = ((translated ? outcome.translations?.[say.locale] : outcome.answer) ?? '').slice(0, 1500);
    return composeMail(
      {
        ...common,
        subject: say('mail.faq-outcome.published.subject'),
        paragraphs: [say('mail.faq-outcome.published.text'), ...untranslated],
        after: [answer.length === 1500 ? `${answer} …` : answer].filter(Boolean),
        action: { label: say('mail.faq-outcome.read'), url: answerLink(outcome.slug) },
      },
      say,
    );
  }
  if (outcome.status === 'merged' && outcome.mergedInto) {
    return composeMail(
      {
        ...common,
        subject: say('mail.faq-outcome.merged.subject'),
        paragraphs: [say('mail.faq-outcome.merged.text'), ...untranslated],
        action: { label: say('mail.faq-outcome.read'), url: answerLink(outcome.mergedInto) },
      },
      say,
    );
  }
  return composeMail(
    {
      ...common,
      subject: say('mail.faq-outcome.rejected.subject'),
      paragraphs: [say('mail.faq-outcome.rejected.text'), say('mail.faq-outcome.rejected.write')],
      action: { label: say('mail.faq-outcome.write'), url: s.config.crm.contactForm ? mailLink(s, say, '/contact/message') : mailLink(s, say, '/') },
    },
    say,
  );
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
