import { fileURLToPath } from 'node:url';
import type { AstroIntegrationLogger } from 'astro';
import { AstroError } from 'astro/errors';
import type { RapportConfig } from '../../config/schema.ts';
import { buildStatement, PrivacyDeclarationError, versionOf, type Statement } from './build-statement.ts';
import { enabledDeclarations } from '../declared.ts';
import { historyIn, PRIVACY_HISTORY_FILE, readHistory, withVersion, writeHistory, type HistoryEntry } from './history.ts';
import { loadPrivacySettings, PRIVACY_SETTINGS_FILE } from './settings.ts';
import { loadTranslatedSettings, translatedSettingsFile } from './translated-settings.ts';
import { translator } from '../../i18n/translate.ts';

export interface PreparedStatement {
  /** The statement in the site's default locale. */
  statement: Statement;
  /** The same statement in each of the site's other locales, with the same version. */
  translations: Statement[];
  /** The history as each other locale's page tells it, oldest first. */
  translatedHistory: Record<string, HistoryEntry[]>;
  history: HistoryEntry[];
  /** The version this build adds to the history (to be written when the build succeeds). */
  added: HistoryEntry | undefined;
  historyFile: string;
}

/**
 * Collects what the enabled features declare, reads the editor's settings and builds the
 * statement, or fails the build naming what is not covered. Undefined for a site that collects
 * nothing and has no settings.
 */
export function prepareStatement(config: RapportConfig, server: boolean, root: URL, today: string): PreparedStatement | undefined {
  const contentDir = new URL(`${config.contentDir.replace(/\/*$/, '/')}`, root);
  const settingsFile = fileURLToPath(new URL(PRIVACY_SETTINGS_FILE, contentDir));
  const features = enabledDeclarations(config, server);
  const loaded = loadPrivacySettings(settingsFile);
  if (!loaded) {
    // A feature that only says what it does not keep (visit counts) collects nothing.
    const collecting = features.filter((f) => f.forms.length + f.stores.length + f.cookies.length + f.processors.length > 0 || f.personal);
    if (collecting.length === 0) return undefined;
    throw new AstroError(
      `This site collects personal information (${collecting.map((f) => f.name).join(', ')}) but has no privacy statement settings (${settingsFile}).`,
      'Fill in Settings → Privacy statement in the CMS, or create the file: the README’s “Privacy statement” section shows one to start from.',
    );
  }
  let statement: Statement;
  try {
    statement = buildStatement({ ...loaded, features, say: translator(config.site) });
  } catch (error) {
    if (error instanceof PrivacyDeclarationError)
      throw new AstroError(error.message, 'The build stops here so that /privacy never says less than the site collects.');
    throw error;
  }
  // The other locales say the same declarations against the same settings (so they cannot fail where the default did not), in their words.
  let translations = config.site.locales
    .filter((locale) => locale !== config.site.locale)
    .map((locale) => {
      const own = loadTranslatedSettings(fileURLToPath(new URL(translatedSettingsFile(locale), contentDir)), locale, loaded);
      return buildStatement({ ...own, features, say: translator(config.site, locale), translation: { fallbacks: own.fallbacks } });
    });
  if (translations.length > 0) {
    // One version for every language: the default facts carry how each other locale says them.
    const facts = { ...statement.facts, translated: Object.fromEntries(translations.map((t) => [t.locale, t.facts])) };
    const version = versionOf(statement.effectiveDate, facts);
    statement = { ...statement, facts, version };
    translations = translations.map((t) => ({ ...t, version }));
  }
  const historyFile = fileURLToPath(new URL(PRIVACY_HISTORY_FILE, contentDir));
  const { history, added } = withVersion(readHistory(historyFile), statement, today, translations);
  const translatedHistory = Object.fromEntries(translations.map((t) => [t.locale, historyIn(history, translator(config.site, t.locale), config.site.locale)]));
  return { statement, translations, translatedHistory, history, added, historyFile };
}

/** Leaves out the facts and labels kept only to tell versions apart. */
const shown = <T extends { facts: unknown; labels: unknown }>(value: T): Omit<T, 'facts' | 'labels' | 'translatedLabels'> =>
  Object.fromEntries(Object.entries(value).filter(([key]) => !['facts', 'labels', 'translatedLabels'].includes(key))) as Omit<
    T,
    'facts' | 'labels' | 'translatedLabels'
  >;

/**
 * What `virtual:rapport/privacy` carries for `/privacy`, the footer and the forms: the statement and
 * its versions, newest first; and the same in each other locale (`/fr/privacy`), by locale.
 */
export function privacyModule(prepared: PreparedStatement | undefined) {
  if (!prepared) return null;
  const { statement, translations, history, translatedHistory } = prepared;
  return {
    statement: shown(statement),
    history: history.map(shown).reverse(),
    translations: Object.fromEntries(translations.map((t) => [t.locale, { statement: shown(t), history: translatedHistory[t.locale]!.map(shown).reverse() }])),
  };
}

/** After a successful build: a new version goes into the history file, and the build says so (warning when the effective date stayed). */
export function recordVersion(prepared: PreparedStatement, logger: Pick<AstroIntegrationLogger, 'info' | 'warn'>) {
  const { added, history, historyFile } = prepared;
  if (!added) return;
  writeHistory(historyFile, history);
  logger.info(`Privacy statement: new version ${added.version} (${added.changes.join(' ')}) recorded in ${historyFile}.`);
  const previous = history.at(-2);
  if (previous?.effectiveDate === added.effectiveDate) {
    logger.warn(
      `The privacy statement changed but its effective date is still ${previous.effectiveDate}. Set the new effective date in the CMS (Settings → Privacy statement).`,
    );
  }
}
