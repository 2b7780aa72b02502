import { createHash } from 'node:crypto';
import { z } from 'astro/zod';
import type { FieldPrivacy, Purpose } from '../privacy/vocabulary.ts';
import { SOURCE_LOCALE } from '../../i18n/catalogues.ts';
import { DEFAULT_TRANSLATOR, isCatalogueText, type Translator } from '../../i18n/translate.ts';

export interface FieldOption {
  value: string;
  label: string;
  description?: string | undefined;
  /** Options with a group are drawn in an `<optgroup>` of that label. */
  group?: string | undefined;
}

/**
 * One form: its fields (a strict zod object, so unknown fields are refused), the words on its
 * button and, when it asks for consent, the exact wording shown. The same definition renders
 * the form (`<RapportForm>`) and validates the post.
 */
export interface FormDefinition<S extends z.ZodObject = z.ZodObject> {
  /** Stable id, recorded in the consent ledger with `version`. */
  id: string;
  /** Bump when the fields or wording change meaningfully. */
  version: number;
  /** Where the form posts. */
  action: string;
  /** Why it collects what it does; each field says what it collects (`collects()`), and may name another purpose. */
  purpose: Purpose;
  schema: S;
  submit: string;
  /** Consent wording shown above the button; its SHA-256 goes in the consent ledger. */
  consent?: string | undefined;
  /** Labels of choice fields (enums, arrays of enums), by field name. */
  options?: Record<string, FieldOption[]> | undefined;
  /** Values a blank form starts with. */
  defaults?: Record<string, string | string[]> | undefined;
  /** Honeypot and time trap (off for buttons behind a session or a token). @default true */
  traps?: boolean | undefined;
  /** How the privacy statement names the form ("back-in-stock request form"): a catalogue text (`fieldMessage`). */
  title?: string | undefined;
}

/** `subscribe@1`: what the ledger records as the form a consent came from. */
export const formKey = (form: FormDefinition) => `${form.id}@${form.version}`;

/**
 * The exact wording a visitor agrees to (the consent text, else the button) as the form shows it
 * in `say`'s locale: a catalogue text (`fieldMessage`) in that language, any other text as written.
 */
export const shownWording = (form: FormDefinition, say: Translator = DEFAULT_TRANSLATOR) => say.text(form.consent ?? form.submit);

/** The language that wording was shown in: `say`'s for a catalogue text, else the one Rapport's code is written in (en-CA). */
export const wordingLanguage = (form: FormDefinition, say: Translator = DEFAULT_TRANSLATOR) =>
  isCatalogueText(form.consent ?? form.submit) ? say.locale : SOURCE_LOCALE;

/** SHA-256 of the exact wording a visitor agreed to, in the language it was shown in. */
export const wordingHash = (form: FormDefinition, say: Translator = DEFAULT_TRANSLATOR) => createHash('sha256').update(shownWording(form, say)).digest('hex');

export interface FieldView {
  name: string;
  label: string;
  hint?: string | undefined;
  /** `custom`: validated here, drawn by the page (e.g. the order form's quantities). */
  widget: 'text' | 'email' | 'tel' | 'textarea' | 'select' | 'checkboxes' | 'checkbox' | 'hidden' | 'custom';
  required: boolean;
  minLength?: number | undefined;
  maxLength?: number | undefined;
  autocomplete?: string | undefined;
  options: FieldOption[];
  /** What the field collects, for the privacy statement; absent when the schema does not say. */
  privacy?: FieldPrivacy | undefined;
}

interface JsonField {
  type?: string;
  title?: string;
  description?: string;
  widget?: string;
  autocomplete?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  enum?: string[];
  const?: string;
  items?: { enum?: string[] };
  privacy?: FieldPrivacy;
}

const described = new WeakMap<FormDefinition, FieldView[]>();

/** What the form component needs to draw each field, read from the schema (JSON Schema of its input). */
export function describeFields(form: FormDefinition): FieldView[] {
  let fields = described.get(form);
  if (!fields) described.set(form, (fields = describeFieldsOnce(form)));
  return fields;
}

function describeFieldsOnce(form: FormDefinition): FieldView[] {
  const json = z.toJSONSchema(form.schema, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, JsonField>; required?: string[] };
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties).map(([name, f]) => {
    const choices = f.enum ?? f.items?.enum;
    const labelled = form.options?.[name];
    const options = labelled ?? (choices ?? []).map((value) => ({ value, label: value }));
    const widget: FieldView['widget'] =
      f.widget === 'hidden' || f.widget === 'textarea' || f.widget === 'custom' || f.widget === 'tel' || f.widget === 'select'
        ? f.widget
        : f.type === 'array'
          ? 'checkboxes'
          : f.const !== undefined
            ? 'checkbox'
            : choices
              ? 'select'
              : f.format === 'email'
                ? 'email'
                : 'text';
    return {
      name,
      label: f.title ?? name,
      hint: f.description,
      widget,
      required: required.has(name),
      minLength: f.minLength,
      maxLength: f.maxLength,
      autocomplete: f.autocomplete,
      options: f.const !== undefined ? [{ value: f.const, label: f.title ?? name }] : options,
      privacy: f.privacy,
    };
  });
}
