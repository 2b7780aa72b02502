import type { Kysely } from 'kysely';
import type { Translator } from '../../i18n/translate.ts';
import type { Database } from '../../core/store/schema.ts';
import type { ActionResult } from '../../site/console/staff-page.ts';

export const SUBJECT_MAX = 150;
export const BODY_MAX = 5000;

/** What staff may write in a template or a note; each is replaced when the note is drawn for one customer. */
export const PLACEHOLDERS = [
  { name: '{name}', means: 'the customer’s name (their address when the store has no name)' },
  { name: '{last order date}', means: 'the day of their last order, written in their language' },
  { name: '{shop}', means: 'the shop’s name' },
] as const;

export interface NoteTemplate {
  subject: string;
  body: string;
  /** Whether staff saved it (otherwise it is Rapport’s wording for the language). */
  saved: boolean;
  updatedAt?: string | undefined;
  updatedBy?: string | undefined;
}

/** Rapport’s wording of the note in `say`’s language, its placeholders left for staff to see. */
export function defaultTemplate(say: Translator): NoteTemplate {
  const vars = { name: '{name}', lastOrder: '{last order date}', shop: '{shop}' };
  return { subject: say('winback.template.subject', vars), body: say('winback.template.body', vars), saved: false };
}

/** The template for one language: the one staff saved, else Rapport’s wording. */
export async function readTemplate(db: Kysely<Database>, say: Translator): Promise<NoteTemplate> {
  const row = await db.selectFrom('winback_templates').selectAll().where('language', '=', say.locale).executeTakeFirst();
  return row ? { subject: row.subject, body: row.body, saved: true, updatedAt: row.updated_at, updatedBy: row.updated_by } : defaultTemplate(say);
}

/** Puts one customer's facts in place of the placeholders (any other braces stay as written). */
export function fillPlaceholders(text: string, facts: { name: string; lastOrderDate: string; shop: string }): string {
  return text.replace(/\{\s*(name|last order date|shop)\s*\}/gi, (_, which: string) => {
    const key = which.toLowerCase();
    return key === 'name' ? facts.name : key === 'shop' ? facts.shop : facts.lastOrderDate;
  });
}

/** A text field from a form: one kind of line break, no control characters (PostgreSQL refuses NUL), trimmed. */
export const formText = (form: FormData, name: string): string => {
  const value = form.get(name);
  return (typeof value === 'string' ? value : '')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '') // eslint-disable-line no-control-regex
    .trim();
};

/** Checks a subject and text staff wrote; the message to show, or undefined when both are fine. */
export function textProblem(subject: string, body: string): string | undefined {
  if (!subject) return 'Write a subject.';
  if (subject.includes('\n')) return 'Keep the subject on one line.';
  if (subject.length > SUBJECT_MAX) return `Keep the subject under ${SUBJECT_MAX} characters.`;
  if (!body) return 'Write the note.';
  if (body.length > BODY_MAX) return `Keep the note under ${BODY_MAX.toLocaleString('en-CA')} characters.`;
  return undefined;
}

/**
 * Saves the template of one language of the site (the templates page's form), recording in the
 * audit log what it was and what it became. Saving the same words again changes nothing.
 */
export async function saveTemplate(trx: Kysely<Database>, staffEmail: string, locales: readonly string[], form: FormData, now: Date): Promise<ActionResult> {
  const language = formText(form, 'language');
  if (!locales.includes(language)) return { error: 'Choose one of the site’s languages.' };
  const subject = formText(form, 'subject');
  const body = formText(form, 'body');
  const problem = textProblem(subject, body);
  if (problem) return { error: problem };
  const old = await trx.selectFrom('winback_templates').select(['subject', 'body']).where('language', '=', language).executeTakeFirst();
  if (old && old.subject === subject && old.body === body) return { redirect: `/admin/crm/winback?done=unchanged`, audit: [] };
  const row = { subject, body, updated_at: now.toISOString(), updated_by: staffEmail };
  await trx
    .insertInto('winback_templates')
    .values({ language, ...row })
    .onConflict((oc) => oc.column('language').doUpdateSet(row))
    .execute();
  return {
    redirect: `/admin/crm/winback?done=saved`,
    audit: {
      action: 'winback.template',
      summary: `Changed the personal note’s template (${language})`,
      data: { language, old: old ?? null, new: { subject, body } },
    },
  };
}
