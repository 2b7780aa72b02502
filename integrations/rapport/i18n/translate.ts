import { IntlMessageFormat } from 'intl-messageformat';
import { CATALOGUES, catalogueFor, SOURCE_LOCALE, type Catalogue, type MessageKey } from './catalogues.ts';

/** Values put into a message's `{placeholders}`. */
export type MessageVars = Readonly<Record<string, string | number>>;

/** A project's own wording, by locale then key (`site.messages` in the options). */
export type MessageOverrides = Readonly<Record<string, Readonly<Partial<Record<MessageKey, string>>>>>;

/** What a translator needs from the options: the default locale and the project's own wording. */
export interface TranslationSite {
  locale: string;
  messages?: MessageOverrides | undefined;
}

/** Says a message in one locale: `say('form.expired')`, `say('field.line.too-long', { max: 120 })`. */
export interface Translator {
  (key: MessageKey, vars?: MessageVars): string;
  readonly locale: string;
  /** A text from a field's schema (see `fieldMessage`) in this locale; any other text as it is. */
  text(message: string): string;
}

const compiled = new Map<string, IntlMessageFormat>();

/** Formats one ICU message; each (locale, text) is parsed once. */
function format(locale: string, text: string, vars: MessageVars | undefined): string {
  const id = `${locale}\u0000${text}`;
  let message = compiled.get(id);
  if (!message) compiled.set(id, (message = new IntlMessageFormat(text, locale)));
  return String(message.format(vars as Record<string, string | number> | undefined));
}

const translators = new WeakMap<TranslationSite, Map<string, Translator>>();

/**
 * The translator for a locale of this site. A key is looked up in the project's wording for the
 * locale, then Rapport's catalogue for it, then the same two for the site's default locale, and
 * last in the source catalogue (en-CA), which has every key: a missing translation shows the
 * default text rather than a key.
 */
export function translator(site: TranslationSite, locale: string = site.locale): Translator {
  let bySite = translators.get(site);
  if (!bySite) translators.set(site, (bySite = new Map()));
  let say = bySite.get(locale);
  if (say) return say;
  const sources: { locale: string; messages: Partial<Catalogue> }[] = [];
  for (const code of new Set([locale, site.locale])) {
    const own = site.messages?.[code];
    if (own) sources.push({ locale: code, messages: own });
    const shipped = catalogueFor(code);
    if (shipped) sources.push(shipped);
  }
  sources.push({ locale: SOURCE_LOCALE, messages: CATALOGUES[SOURCE_LOCALE]! });
  const translate = (key: MessageKey, vars?: MessageVars): string => {
    const source = sources.find((s) => s.messages[key] !== undefined)!;
    return format(source.locale, source.messages[key]!, vars);
  };
  say = Object.assign(translate, {
    locale,
    text: (message: string) => {
      const known = fieldTexts.get(message);
      return known ? translate(known.key, known.vars) : message;
    },
  });
  bySite.set(locale, say);
  return say;
}

/** Field texts by their default wording, so a form drawn or read in another locale can say them in it. */
const fieldTexts = new Map<string, { key: MessageKey; vars: MessageVars | undefined }>();

/**
 * A text a field's zod schema carries (a validation message, a label, an option's label): the
 * default (source) text, which anything outside a form (the CLI, the staff console, the privacy
 * statement) shows as it is, remembered with its key and values so `Translator.text` says it in
 * the visitor's locale.
 */
export function fieldMessage(key: MessageKey, vars?: MessageVars): string {
  const text = format(SOURCE_LOCALE, CATALOGUES[SOURCE_LOCALE]![key], vars);
  if (!fieldTexts.has(text)) fieldTexts.set(text, { key, vars });
  return text;
}

/** Whether a text is a catalogue text a translator says in its own locale (see `fieldMessage`), rather than words written in code. */
export const isCatalogueText = (message: string): boolean => fieldTexts.has(message);

/** The names of the values a message takes (`{max, number}` → `max`), for checking translations against the source. */
export function variablesOf(text: string): Set<string> {
  const names = new Set<string>();
  const walk = (elements: readonly unknown[]) => {
    for (const element of elements as { value?: unknown; options?: Record<string, { value: unknown[] }>; children?: unknown[]; type: number }[]) {
      // Argument, number, date, time, select and plural elements name a value (types 1 to 6).
      if (element.type >= 1 && element.type <= 6 && typeof element.value === 'string') names.add(element.value);
      for (const option of Object.values(element.options ?? {})) walk(option.value);
      if (element.children) walk(element.children);
    }
  };
  walk(new IntlMessageFormat(text, SOURCE_LOCALE).getAst());
  return names;
}

/** Rapport's default texts (en-CA), for code that has no site or request at hand. */
export const DEFAULT_TRANSLATOR: Translator = translator({ locale: SOURCE_LOCALE });
