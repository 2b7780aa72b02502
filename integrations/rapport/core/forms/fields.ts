import { z } from 'astro/zod';
import type { DataCategory, FieldPrivacy } from '../privacy/vocabulary.ts';
import { CONTACT_KINDS } from '../store/schema.ts';
import { fieldMessage } from '../../i18n/translate.ts';

/** The privacy marking of a field (see `FieldPrivacy`); the statement lists the field under it. */
export const collects = (category: DataCategory | 'none', more: Omit<FieldPrivacy, 'category'> = {}): { privacy: FieldPrivacy } => ({
  privacy: { category, ...more },
});

// Labels and validation messages are catalogue texts (i18n/en-CA.ts): `fieldMessage` gives zod the
// default wording, and a form drawn or read for a page in another language says it in that
// language (RapportForm, readForm).

// Control characters (line breaks included) never belong in a one-line field: in a name or an
// address they are how header injection starts.
export const ONE_LINE = /^[^\p{Cc}]*$/u;
// Multi-line text keeps line breaks and tabs, nothing else from the control range.
export const MULTI_LINE = /^[^\p{Cc}]*(?:[\n\r\t]+[^\p{Cc}]*)*$/u;

/** A person's name as they write it; stored and shown as text, whatever it contains. */
export const personName = () =>
  z
    .string()
    .trim()
    .min(1, fieldMessage('field.name.missing'))
    .max(100, fieldMessage('field.name.too-long', { max: 100 }))
    .regex(ONE_LINE, fieldMessage('field.name.one-line'))
    .meta({ title: fieldMessage('field.name.label'), autocomplete: 'name', ...collects('identity') });

/**
 * An e-mail address, checked strictly before nodemailer ever sees it: zod's address pattern
 * (ASCII local part and domain, a top-level domain, no spaces or line breaks), at most 254 characters.
 */
export const emailAddress = () =>
  z
    .email({ message: fieldMessage('field.email.invalid') })
    .max(254, fieldMessage('field.email.too-long'))
    .meta({ title: fieldMessage('field.email.label'), autocomplete: 'email', ...collects('contact') });

/** An optional one-line text field, collecting `category`. */
export const optionalLine = (title: string, max: number, category: DataCategory, autocomplete?: string) =>
  z
    .string()
    .trim()
    .max(max, fieldMessage('field.line.too-long', { max }))
    .regex(ONE_LINE, fieldMessage('field.line.one-line'))
    .meta({ title, ...(autocomplete ? { autocomplete } : {}), ...collects(category) })
    .optional();

/** Free text over several lines, e.g. a message (the 'messages' category). */
export const message = (title: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min, min > 1 ? fieldMessage('field.text.too-short', { min }) : fieldMessage('field.text.missing'))
    .max(max, fieldMessage('field.text.too-long', { max }))
    .regex(MULTI_LINE, fieldMessage('field.text.control-characters'))
    .meta({ title, widget: 'textarea', ...collects('messages') });

/** Who someone is to the business; the labels read as an answer to "I am…". */
export const KIND_LABELS: Record<(typeof CONTACT_KINDS)[number], string> = {
  customer: fieldMessage('field.kind.customer'),
  prospect: fieldMessage('field.kind.prospect'),
  supplier: fieldMessage('field.kind.supplier'),
  partner: fieldMessage('field.kind.partner'),
  investor: fieldMessage('field.kind.investor'),
};

export const contactKind = () =>
  z
    .enum(CONTACT_KINDS, { message: fieldMessage('field.choice.invalid') })
    .meta({ title: fieldMessage('field.kind.label'), ...collects('preferences', { as: fieldMessage('privacy.field.kind') }) })
    .optional();

/** The single-use token carried by a link's button page. */
export const tokenField = () =>
  z
    .string()
    .max(100)
    .meta({ widget: 'hidden', ...collects('none') });

/**
 * A page of this site to come back to after a detour (`/account/sign-in?next=/products/…/`): a
 * path on this site only, never another site's address (`//elsewhere`, `/\elsewhere`), so a link
 * cannot use the site to send someone away.
 */
export const LOCAL_PATH = /^\/(?![/\\])[^\s\\<>"'`]{0,299}$/;

export const isLocalPath = (value: string | null | undefined): value is string => typeof value === 'string' && LOCAL_PATH.test(value);

/** A hidden field holding such a path. */
export const localPathField = () =>
  z
    .string()
    .regex(LOCAL_PATH, fieldMessage('link.refused'))
    .meta({ widget: 'hidden', ...collects('none') })
    .optional();
