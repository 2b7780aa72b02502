import type { z } from 'astro/zod';
import { describeFields, type FormDefinition } from './define-form.ts';
import { HONEYPOT_FIELD, TIME_TRAP_FIELD } from '../security/spam-traps.ts';
import { DEFAULT_TRANSLATOR, type Translator } from '../../i18n/translate.ts';

export type FormValues = Record<string, string | string[]>;

/** A form to draw again: what the visitor typed, a message per field, and the HTTP status. */
export interface FormState {
  form: string;
  values: FormValues;
  errors: Record<string, string>;
  /** A message for the whole form (shown above the fields). */
  message?: string | undefined;
  status: number;
  /** What a form's page shows besides the fields (the order form's totals). */
  extra?: Record<string, unknown> | undefined;
  /** The time-trap value to draw the form with, instead of one issued now. */
  timeTrap?: string | undefined;
}

export type ReadResult<S extends z.ZodObject> = { ok: true; data: z.infer<S> } | { ok: false; state: FormState };

const MAX_ECHO = 10_000;
/** Names of foreign fields quoted in a message, at most. */
const MAX_NAMES_QUOTED = 5;

/** The posted values by name, in one pass (`getAll` per name would be quadratic in the field count). */
export function groupParams(params: URLSearchParams): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of params) {
    const values = grouped.get(name);
    if (values) values.push(value);
    else grouped.set(name, [value]);
  }
  return grouped;
}

/**
 * How many fields a post of this form may carry: one per field (one per option for checkboxes),
 * plus room for the traps and buttons. Checked before the body is parsed, so a post of thousands
 * of made-up names costs nothing.
 */
export function fieldAllowance(form: FormDefinition): number {
  return describeFields(form).reduce((n, f) => n + (f.widget === 'checkboxes' ? Math.max(f.options.length, 1) : 1), 0) + 16;
}

/**
 * Reads a posted form against its definition. Empty fields count as absent (browsers send
 * optional fields empty); a field sent twice that takes one value is refused, as is any field the
 * form does not have. The honeypot and time-trap fields are the caller's business and skipped here.
 * Messages are said by `say`, the translator of the request's locale (the default text without one).
 */
export function readForm<S extends z.ZodObject>(form: FormDefinition<S>, params: URLSearchParams, say: Translator = DEFAULT_TRANSLATOR): ReadResult<S> {
  const fields = describeFields(form);
  const multi = new Set(fields.filter((f) => f.widget === 'checkboxes').map((f) => f.name));
  const known = new Set(fields.map((f) => f.name));
  const input: Record<string, string | string[]> = {};
  const errors: Record<string, string> = {};
  for (const [name, values] of groupParams(params)) {
    if (name === HONEYPOT_FIELD || name === TIME_TRAP_FIELD) continue;
    const all = values.filter((v) => v !== '');
    if (multi.has(name)) input[name] = all;
    else if (all.length > 1) errors[name] = say('field.sent-twice');
    else if (all.length === 1) input[name] = all[0]!;
  }
  // Echo back only what the form has, so a re-rendered page never carries foreign fields.
  const values: FormValues = Object.fromEntries(
    Object.entries(input)
      .filter(([name]) => known.has(name))
      .map(([name, v]) => [name, Array.isArray(v) ? v.map((x) => x.slice(0, MAX_ECHO)) : v.slice(0, MAX_ECHO)]),
  );
  const parsed = form.schema.safeParse(input);
  let message: string | undefined;
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (issue.code === 'unrecognized_keys') {
        const quoted = issue.keys.slice(0, MAX_NAMES_QUOTED).map((k) => `“${k.slice(0, 40)}”`);
        if (issue.keys.length > MAX_NAMES_QUOTED) quoted.push(say('form.unknown-fields.more', { count: issue.keys.length - MAX_NAMES_QUOTED }));
        message = say('form.unknown-fields', { count: issue.keys.length, names: quoted.join(', ') });
      } else if (typeof field === 'string' && !(field in errors)) {
        errors[field] = say.text(
          issue.code === 'invalid_type' && input[field] === undefined ? missingMessage(form, field, multi.has(field), say) : issue.message,
        );
      }
    }
  }
  if (parsed.success && Object.keys(errors).length === 0) return { ok: true, data: parsed.data as z.infer<S> };
  return {
    ok: false,
    state: { form: form.id, values, errors, message: message ?? say('form.fix-fields'), status: 422 },
  };
}

/** A required field left empty gets the message its schema gives an empty value ("Enter your name."). */
function missingMessage(form: FormDefinition, field: string, multiple: boolean, say: Translator): string {
  const schema = (form.schema.shape as Record<string, z.ZodType | undefined>)[field];
  const empty = schema?.safeParse(multiple ? [] : '');
  return empty && !empty.success ? empty.error.issues[0]!.message : say('field.missing');
}
