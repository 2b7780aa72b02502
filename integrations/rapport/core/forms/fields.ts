import { z } from 'astro/zod';
import type { DataCategory, FieldPrivacy } from '../privacy/vocabulary.ts';
import { CONTACT_KINDS } from '../store/schema.ts';

/** The privacy marking of a field (see `FieldPrivacy`); the statement lists the field under it. */
export const collects = (category: DataCategory | 'none', more: Omit<FieldPrivacy, 'category'> = {}): { privacy: FieldPrivacy } => ({
  privacy: { category, ...more },
});

// Control characters (line breaks included) never belong in a one-line field: in a name or an
// address they are how header injection starts.
export const ONE_LINE = /^[^\p{Cc}]*$/u;
// Multi-line text keeps line breaks and tabs, nothing else from the control range.
const MULTI_LINE = /^[^\p{Cc}]*(?:[\n\r\t]+[^\p{Cc}]*)*$/u;

/** A person's name as they write it; stored and shown as text, whatever it contains. */
export const personName = () =>
  z
    .string()
    .trim()
    .min(1, 'Enter your name.')
    .max(100, 'Use at most 100 characters for your name.')
    .regex(ONE_LINE, 'Write your name on one line.')
    .meta({ title: 'Your name', autocomplete: 'name', ...collects('identity') });

/**
 * An e-mail address, checked strictly before nodemailer ever sees it: zod's address pattern
 * (ASCII local part and domain, a top-level domain, no spaces or line breaks), at most 254 characters.
 */
export const emailAddress = () =>
  z
    .email({ message: 'Enter an e-mail address like name@example.com.' })
    .max(254, 'That address is too long.')
    .meta({ title: 'E-mail address', autocomplete: 'email', ...collects('contact') });

/** An optional one-line text field, collecting `category`. */
export const optionalLine = (title: string, max: number, category: DataCategory, autocomplete?: string) =>
  z
    .string()
    .trim()
    .max(max, `Use at most ${max} characters.`)
    .regex(ONE_LINE, 'Keep this on one line.')
    .meta({ title, ...(autocomplete ? { autocomplete } : {}), ...collects(category) })
    .optional();

/** Free text over several lines, e.g. a message (the 'messages' category). */
export const message = (title: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min, min > 1 ? `Write at least ${min} characters.` : 'Write your message.')
    .max(max, `Use at most ${max.toLocaleString('en')} characters (shorten it, or send two messages).`)
    .regex(MULTI_LINE, 'Remove the unusual control characters from the text.')
    .meta({ title, widget: 'textarea', ...collects('messages') });

/** Who someone is to the business; the labels read as an answer to "I am…". */
export const KIND_LABELS: Record<(typeof CONTACT_KINDS)[number], string> = {
  customer: 'A customer or gardener',
  prospect: 'Just looking',
  supplier: 'A supplier',
  partner: 'A partner (garden centre, club, reseller)',
  investor: 'An investor',
};

export const contactKind = () =>
  z
    .enum(CONTACT_KINDS, { message: 'Choose one of the options.' })
    .meta({ title: 'I am', ...collects('preferences', { as: 'Who you are to us (customer, supplier, partner…)' }) })
    .optional();

/** The single-use token carried by a link's button page. */
export const tokenField = () =>
  z
    .string()
    .max(100)
    .meta({ widget: 'hidden', ...collects('none') });
