import { fileURLToPath } from 'node:url';
import type { AstroIntegrationLogger } from 'astro';
import { AstroError } from 'astro/errors';
import type { RapportConfig } from '../../config/schema.ts';
import { buildStatement, PrivacyDeclarationError, type Statement } from './build-statement.ts';
import { enabledDeclarations } from '../declared.ts';
import { PRIVACY_HISTORY_FILE, readHistory, withVersion, writeHistory, type HistoryEntry } from './history.ts';
import { loadPrivacySettings, PRIVACY_SETTINGS_FILE } from './settings.ts';

export interface PreparedStatement {
  statement: Statement;
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
    if (features.length === 0) return undefined;
    throw new AstroError(
      `This site collects personal information (${features.map((f) => f.name).join(', ')}) but has no privacy statement settings (${settingsFile}).`,
      'Fill in Settings → Privacy statement in the CMS, or create the file: the README’s “Privacy statement” section shows one to start from.',
    );
  }
  let statement: Statement;
  try {
    statement = buildStatement({ ...loaded, features });
  } catch (error) {
    if (error instanceof PrivacyDeclarationError)
      throw new AstroError(error.message, 'The build stops here so that /privacy never says less than the site collects.');
    throw error;
  }
  const historyFile = fileURLToPath(new URL(PRIVACY_HISTORY_FILE, contentDir));
  return { statement, historyFile, ...withVersion(readHistory(historyFile), statement, today) };
}

/** Leaves out the facts and labels kept only to tell versions apart. */
const shown = <T extends { facts: unknown; labels: unknown }>(value: T): Omit<T, 'facts' | 'labels'> =>
  Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'facts' && key !== 'labels')) as Omit<T, 'facts' | 'labels'>;

/** What `virtual:rapport/privacy` carries for `/privacy`, the footer and the forms: the statement and its versions, newest first. */
export function privacyModule(prepared: PreparedStatement | undefined) {
  if (!prepared) return null;
  return { statement: shown(prepared.statement), history: prepared.history.map(shown).reverse() };
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
