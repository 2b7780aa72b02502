import { z } from 'astro/zod';
import { AstroError } from 'astro/errors';
import { languageName, localePath } from '../../config/locales.ts';
import { PRIVACY_SETTINGS_FILE, privacySettingsSchema, readSettings, type PrivacySettings } from './settings.ts';

const shape = privacySettingsSchema.shape;

/**
 * The settings in another language (`privacy.fr.md`, Decap's "Privacy statement (Français)"): the
 * same fields, any of them left out. Only its texts are used; its dates, numbers, choices and
 * addresses must be the default settings' (checked), so both languages state the same facts.
 */
const translatedSettingsSchema = z.strictObject({
  effectiveDate: shape.effectiveDate.optional(),
  organisation: shape.organisation.partial().optional(),
  contact: shape.contact.partial().optional(),
  jurisdictions: shape.jurisdictions.optional(),
  purposes: z.array(shape.purposes.element.partial({ description: true })).optional(),
  retention: z.array(shape.retention.element.partial({ keep: true, unit: true, note: true })).optional(),
  processors: z.array(shape.processors.element.partial()).optional(),
  requests: shape.requests.optional(),
});

/** `settings/privacy.md` in a locale: `settings/privacy.fr.md`. */
export const translatedSettingsFile = (locale: string) => PRIVACY_SETTINGS_FILE.replace(/\.md$/, `.${localePath(locale)}.md`);

export interface TranslatedSettings {
  /** The default settings with this locale's texts put in. */
  settings: PrivacySettings;
  intro: string;
  /** The default settings' texts it keeps, for want of one in this locale (the page marks their language). */
  fallbacks: string[];
}

/**
 * The default settings as `locale` words them: each text from `file` where it has one, else the
 * default's (all of them when there is no file). Fails the build, naming each, when the file
 * states a fact (a date, a period, a law, an address, a processor's role) other than the default
 * settings do: both languages must say the same thing, and the default settings decide it.
 */
export function loadTranslatedSettings(file: string, locale: string, base: { settings: PrivacySettings; intro: string }): TranslatedSettings {
  const place = `Settings → Privacy statement (${languageName(locale)})`;
  // Without a file of its own, every text is the default settings' (and marked so on the page).
  const read = readSettings(file, translatedSettingsSchema, place) ?? { settings: {}, intro: '' };
  const own: z.infer<typeof translatedSettingsSchema> = read.settings;
  const b = base.settings;
  const fallbacks: string[] = [];
  const text = <T extends string | undefined>(mine: string | undefined, theirs: T): T | string => {
    if (mine !== undefined) return mine;
    if (theirs !== undefined) fallbacks.push(theirs);
    return theirs;
  };
  const differences: string[] = [];
  const same = (what: string, mine: unknown, theirs: unknown) => {
    if (mine !== undefined && JSON.stringify(mine) !== JSON.stringify(theirs))
      differences.push(`${what}: ${JSON.stringify(mine)} here, ${JSON.stringify(theirs)} in ${PRIVACY_SETTINGS_FILE}`);
  };
  same('effectiveDate', own.effectiveDate?.toISOString().slice(0, 10), b.effectiveDate.toISOString().slice(0, 10));
  same('contact.email', own.contact?.email, b.contact.email);
  same('contact.phone', own.contact?.phone, b.contact.phone);
  same('jurisdictions', own.jurisdictions && [...own.jurisdictions].sort(), [...b.jurisdictions].sort());
  for (const p of own.purposes ?? [])
    if (!b.purposes.some((x) => x.purpose === p.purpose)) differences.push(`purposes: "${p.purpose}" is explained here but not in ${PRIVACY_SETTINGS_FILE}`);
  for (const r of own.retention ?? []) {
    const theirs = b.retention.find((x) => x.data === r.data);
    if (!theirs) differences.push(`retention: "${r.data}" has a period here but not in ${PRIVACY_SETTINGS_FILE}`);
    else
      same(
        `retention "${r.data}"`,
        r.keep === undefined && r.unit === undefined ? undefined : `${r.keep ?? theirs.keep} ${r.unit ?? theirs.unit}`,
        `${theirs.keep} ${theirs.unit}`,
      );
  }
  (own.processors ?? []).forEach((x, i) => {
    const theirs = b.processors[i];
    if (!theirs) differences.push(`processors: number ${i + 1} (${x.name ?? '?'}) is not in ${PRIVACY_SETTINGS_FILE}, which lists ${b.processors.length}`);
    else same(`processors: role of number ${i + 1} (${x.name ?? theirs.name})`, x.role, theirs.role);
  });
  if (differences.length > 0)
    throw new AstroError(
      `The privacy settings in ${file} state other facts than ${PRIVACY_SETTINGS_FILE}:\n${differences.map((d) => `- ${d}`).join('\n')}`,
      `Both languages must say the same thing: set the same values in both (the dates, periods, laws, e-mail, phone and the order of the companies come from ${PRIVACY_SETTINGS_FILE}; ${place} translates its words).`,
    );
  const settings: PrivacySettings = {
    ...b,
    organisation: { name: text(own.organisation?.name, b.organisation.name), address: text(own.organisation?.address, b.organisation.address) },
    contact: { ...b.contact, name: text(own.contact?.name, b.contact.name) },
    purposes: b.purposes.map((p) => ({ ...p, description: text(own.purposes?.find((x) => x.purpose === p.purpose)?.description, p.description) })),
    retention: b.retention.map(({ note, ...r }) => {
      const mine = text(own.retention?.find((x) => x.data === r.data)?.note, note);
      return mine === undefined ? r : { ...r, note: mine };
    }),
    processors: b.processors.map((p, i) => {
      const mine = own.processors?.[i];
      return { ...p, name: text(mine?.name, p.name), receives: text(mine?.receives, p.receives), location: text(mine?.location, p.location) };
    }),
    requests: text(own.requests, b.requests),
  };
  const intro = read.intro || text(undefined, base.intro || undefined) || '';
  return { settings, intro, fallbacks };
}
