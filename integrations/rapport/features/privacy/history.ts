import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Statement, StatementFacts } from './build-statement.ts';
import { jurisdictionText } from './jurisdictions.ts';
import { localePath } from '../../config/locales.ts';
import { DEFAULT_TRANSLATOR, type Translator } from '../../i18n/translate.ts';
import { RETENTION_KINDS, vocabularyKey, type DataCategory, type Purpose, type RetentionKind } from '../../core/privacy/vocabulary.ts';

/** Where the builds keep the statement's versions, next to the settings (commit it with them). */
export const PRIVACY_HISTORY_FILE = 'settings/privacy-history.json';

export interface HistoryEntry {
  version: string;
  effectiveDate: string;
  /** The day the build first produced this version. */
  recorded: string;
  changes: string[];
  /** What this version stated, to tell what the next one changes. */
  facts: StatementFacts;
  labels: Record<string, string>;
  /** The labels as each other locale's statement words them, for saying in it what changed (builds before 2026-12 have none). */
  translatedLabels?: Record<string, Record<string, string>> | undefined;
}

/** The versions recorded so far, oldest first (none when the file does not exist yet). */
export function readHistory(file: string): HistoryEntry[] {
  if (!existsSync(file)) return [];
  const data = JSON.parse(readFileSync(file, 'utf8')) as { versions?: HistoryEntry[] };
  return Array.isArray(data.versions) ? data.versions : [];
}

export function writeHistory(file: string, history: HistoryEntry[]) {
  writeFileSync(file, `${JSON.stringify({ versions: history }, null, 2)}\n`);
}

/**
 * The history with `statement` as its latest version: unchanged when the latest recorded version
 * is this one, else with a new entry listing what changed since the previous version.
 */
export function withVersion(
  history: HistoryEntry[],
  statement: Statement,
  today: string,
  translations: readonly Pick<Statement, 'locale' | 'labels'>[] = [],
): { history: HistoryEntry[]; added: HistoryEntry | undefined } {
  const last = history.at(-1);
  if (last?.version === statement.version) return { history, added: undefined };
  const changes = last ? describeChanges(last, statement) : ['First version of this statement.'];
  const added: HistoryEntry = {
    version: statement.version,
    effectiveDate: statement.effectiveDate,
    recorded: today,
    changes,
    facts: statement.facts,
    labels: statement.labels,
    ...(translations.length > 0 ? { translatedLabels: Object.fromEntries(translations.map((t) => [t.locale, t.labels])) } : {}),
  };
  return { history: [...history, added], added };
}

/**
 * The history as `say`'s locale tells it (a site in several): each version's changes described
 * again from its facts as that locale's statement worded them, the other languages' rewordings
 * named as such. A version from before the locale had a statement keeps its changes in the default
 * locale's words (`changesIn`), as they were recorded.
 */
export function historyIn(history: readonly HistoryEntry[], say: Translator, defaultLocale: string): Array<HistoryEntry & { changesIn?: string }> {
  const view = (h: HistoryEntry): Pick<HistoryEntry, 'facts' | 'labels'> => {
    const own = h.facts.translated?.[say.locale];
    if (!own) return h;
    const { translated = {}, ...base } = h.facts;
    const others = Object.fromEntries(Object.entries(translated).filter(([locale]) => locale !== say.locale));
    return { facts: { ...own, translated: { [defaultLocale]: base, ...others } }, labels: h.translatedLabels?.[say.locale] ?? h.labels };
  };
  return history.map((h, i) => {
    const before = history[i - 1];
    if (!before) return { ...h, changes: [say('privacy.changes.first')] };
    // A version from before this locale had a statement: its facts are in the default words only, so are its changes.
    if (!h.facts.translated?.[say.locale]) return { ...h, changesIn: defaultLocale };
    // The version that first speaks this locale: what changed besides is told from the default facts.
    if (!before.facts.translated?.[say.locale]) return { ...h, changes: describeChanges(before, h, say) };
    return { ...h, changes: describeChanges(view(before), view(h), say) };
  });
}

/** "What changed", in words a visitor understands: purposes, fields, things kept, periods, recipients, cookies, laws. */
export function describeChanges(
  before: Pick<HistoryEntry, 'facts' | 'labels'>,
  after: Pick<Statement, 'facts' | 'labels'>,
  say: Translator = DEFAULT_TRANSLATOR,
): string[] {
  const a = before.facts;
  const b = after.facts;
  const out: string[] = [];
  const purposeTitle = (id: Purpose) => say(vocabularyKey('privacy.purpose', id));
  const purposes = (f: StatementFacts) => new Map(f.purposes.map((p) => [p.purpose, p]));
  const pa = purposes(a);
  const pb = purposes(b);
  for (const [id, p] of pb) {
    const old = pa.get(id);
    const title = purposeTitle(id);
    if (!old) {
      out.push(say('privacy.changes.new-purpose', { title }));
      continue;
    }
    for (const key of Object.keys(p.fields)) if (!(key in old.fields)) out.push(say('privacy.changes.asks', { title, field: after.labels[key] ?? key }));
    for (const key of Object.keys(old.fields))
      if (!(key in p.fields)) out.push(say('privacy.changes.no-longer-asks', { title, field: before.labels[key] ?? key }));
    for (const key of Object.keys(p.fields))
      if (key in old.fields && old.fields[key] !== p.fields[key])
        out.push(
          say('privacy.changes.recounted', {
            title,
            field: after.labels[key] ?? key,
            category: say(vocabularyKey('privacy.category', p.fields[key]!)).toLocaleLowerCase(say.locale),
          }),
        );
    // Matched by their words, typographic and typed apostrophes alike (the wording moved to the catalogues, which have only ’).
    const whats = (x: typeof p) => new Map(x.stores.map((s) => [s.what.replace(/'/g, '’'), s]));
    for (const [what, s] of whats(p)) {
      const was = whats(old).get(what);
      if (!was) out.push(say('privacy.changes.keeps', { title, what: lower(s.what) }));
      // "we keep …" reads right whether the thing kept is one or many ("messages and questions").
      else if (was.kept !== s.kept)
        out.push(say('privacy.changes.keeps-for', { title, what: lower(s.what), kept: s.kept ?? say('privacy.changes.keeps-for.retention') }));
    }
    for (const [what, s] of whats(old)) if (!whats(p).has(what)) out.push(say('privacy.changes.no-longer-keeps', { title, what: lower(s.what) }));
    if (old.description !== p.description) out.push(say('privacy.changes.explanation', { title }));
    if (old.legalBases.join() !== p.legalBases.join()) out.push(say('privacy.changes.basis', { title }));
  }
  for (const id of pa.keys()) if (!pb.has(id)) out.push(say('privacy.changes.removed-purpose', { title: purposeTitle(id) }));
  const kindLabel = (kind: string) =>
    lower(
      say(
        (RETENTION_KINDS as readonly string[]).includes(kind)
          ? vocabularyKey('privacy.retention', kind as RetentionKind)
          : vocabularyKey('privacy.category', kind as DataCategory),
      ),
    );
  for (const [kind, period] of Object.entries(b.retention)) {
    const was = a.retention[kind];
    if (was === undefined) out.push(say('privacy.changes.period-new', { what: kindLabel(kind), period }));
    else if (was !== period) out.push(say('privacy.changes.period-changed', { what: kindLabel(kind), period, was }));
  }
  const names = (f: StatementFacts) => new Map(f.processors.map((p) => [p.name, p]));
  for (const [name, p] of names(b)) {
    const was = names(a).get(name);
    if (!was) out.push(say('privacy.changes.recipient-new', { name, location: p.location, receives: lower(p.receives) }));
    else if (JSON.stringify(was) !== JSON.stringify(p))
      out.push(say('privacy.changes.recipient-changed', { name, receives: lower(p.receives), location: p.location }));
  }
  for (const name of names(a).keys()) if (!names(b).has(name)) out.push(say('privacy.changes.recipient-removed', { name }));
  const cookies = (f: StatementFacts) => new Map(f.cookies.map((c) => [c.name, c]));
  for (const [name, c] of cookies(b)) {
    const was = cookies(a).get(name);
    if (!was) out.push(say('privacy.changes.cookie-new', { name }));
    else if (JSON.stringify(was) !== JSON.stringify(c)) out.push(say('privacy.changes.cookie-changed', { name, lasts: c.lasts }));
  }
  for (const name of cookies(a).keys()) if (!cookies(b).has(name)) out.push(say('privacy.changes.cookie-removed', { name }));
  for (const j of b.jurisdictions) if (!a.jurisdictions.includes(j)) out.push(say('privacy.changes.law-added', { law: jurisdictionText(j, say).label }));
  for (const j of a.jurisdictions) if (!b.jurisdictions.includes(j)) out.push(say('privacy.changes.law-removed', { law: jurisdictionText(j, say).label }));
  if (JSON.stringify(a.organisation) !== JSON.stringify(b.organisation) || JSON.stringify(a.contact) !== JSON.stringify(b.contact))
    out.push(say('privacy.changes.contact'));
  if (a.requests !== b.requests) out.push(say('privacy.changes.requests'));
  if (a.intro !== b.intro) out.push(say('privacy.changes.intro'));
  // Another language's statement: new, or reworded (said only when nothing above explains the new version).
  const language = (locale: string) => new Intl.DisplayNames([say.locale], { type: 'language' }).of(localePath(locale)) ?? locale;
  const rewritten: string[] = [];
  for (const [locale, facts] of Object.entries(b.translated ?? {})) {
    const was = a.translated?.[locale];
    if (!was) out.push(say('privacy.changes.translation-added', { language: language(locale) }));
    else if (JSON.stringify(was) !== JSON.stringify(facts)) rewritten.push(say('privacy.changes.translation-rewritten', { language: language(locale) }));
  }
  if (out.length === 0) out.push(...rewritten);
  if (out.length > 0) return out;
  return [say(JSON.stringify(a) === JSON.stringify(b) ? 'privacy.changes.reviewed' : 'privacy.changes.clarified')];
}

const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
