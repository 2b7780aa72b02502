import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Statement, StatementFacts } from './build-statement.ts';
import { JURISDICTION_TEXT } from './jurisdictions.ts';
import { CATEGORY_LABELS, PURPOSE_TITLES, RETENTION_LABELS, type DataCategory, type RetentionKind } from '../../core/privacy/vocabulary.ts';

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
export function withVersion(history: HistoryEntry[], statement: Statement, today: string): { history: HistoryEntry[]; added: HistoryEntry | undefined } {
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
  };
  return { history: [...history, added], added };
}

/** "What changed", in words a visitor understands: purposes, fields, things kept, periods, recipients, cookies, laws. */
export function describeChanges(before: Pick<HistoryEntry, 'facts' | 'labels'>, after: Pick<Statement, 'facts' | 'labels'>): string[] {
  const a = before.facts;
  const b = after.facts;
  const out: string[] = [];
  const purposes = (f: StatementFacts) => new Map(f.purposes.map((p) => [p.purpose, p]));
  const pa = purposes(a);
  const pb = purposes(b);
  for (const [id, p] of pb) {
    const old = pa.get(id);
    const title = PURPOSE_TITLES[id];
    if (!old) {
      out.push(`New: we now collect information for “${title}”.`);
      continue;
    }
    for (const key of Object.keys(p.fields)) if (!(key in old.fields)) out.push(`“${title}”: we now ask for ${after.labels[key] ?? key}.`);
    for (const key of Object.keys(old.fields)) if (!(key in p.fields)) out.push(`“${title}”: we no longer ask for ${before.labels[key] ?? key}.`);
    for (const key of Object.keys(p.fields))
      if (key in old.fields && old.fields[key] !== p.fields[key])
        out.push(`“${title}”: ${after.labels[key] ?? key} is now counted as ${CATEGORY_LABELS[p.fields[key]!].toLowerCase()}.`);
    const whats = (x: typeof p) => new Map(x.stores.map((s) => [s.what, s]));
    for (const [what, s] of whats(p)) {
      const was = whats(old).get(what);
      if (!was) out.push(`“${title}”: we now keep ${lower(what)}.`);
      // "we keep …" reads right whether the thing kept is one or many ("messages and questions").
      else if (was.kept !== s.kept) out.push(`“${title}”: we now keep ${lower(what)} ${s.kept ?? 'as stated under retention'}.`);
    }
    for (const what of whats(old).keys()) if (!whats(p).has(what)) out.push(`“${title}”: we no longer keep ${lower(what)}.`);
    if (old.description !== p.description) out.push(`“${title}”: the explanation of why we collect it was rewritten.`);
    if (old.legalBases.join() !== p.legalBases.join()) out.push(`“${title}”: the legal basis changed.`);
  }
  for (const id of pa.keys()) if (!pb.has(id)) out.push(`Removed: we no longer collect information for “${PURPOSE_TITLES[id]}”.`);
  for (const [category, period] of Object.entries(b.retention)) {
    const was = a.retention[category];
    if (was === undefined)
      out.push(`New: how long we keep ${lower(RETENTION_LABELS[category as RetentionKind] ?? CATEGORY_LABELS[category as DataCategory])}: ${period}`);
    else if (was !== period)
      out.push(
        `How long we keep ${lower(RETENTION_LABELS[category as RetentionKind] ?? CATEGORY_LABELS[category as DataCategory])} changed: ${period} (was: ${was}).`,
      );
  }
  const names = (f: StatementFacts) => new Map(f.processors.map((p) => [p.name, p]));
  for (const [name, p] of names(b)) {
    const was = names(a).get(name);
    if (!was) out.push(`New recipient: ${name} (${p.location}) receives ${lower(p.receives)}.`);
    else if (JSON.stringify(was) !== JSON.stringify(p))
      out.push(`${name}: what it receives, its role or its location changed (now: ${lower(p.receives)}, ${p.location}).`);
  }
  for (const name of names(a).keys()) if (!names(b).has(name)) out.push(`${name} no longer receives any of your information.`);
  const cookies = (f: StatementFacts) => new Map(f.cookies.map((c) => [c.name, c]));
  for (const [name, c] of cookies(b)) {
    const was = cookies(a).get(name);
    if (!was) out.push(`New cookie: ${name}.`);
    else if (JSON.stringify(was) !== JSON.stringify(c)) out.push(`The ${name} cookie: what it is for or how long it lasts changed (now: ${c.lasts}).`);
  }
  for (const name of cookies(a).keys()) if (!cookies(b).has(name)) out.push(`The ${name} cookie is no longer set.`);
  for (const j of b.jurisdictions) if (!a.jurisdictions.includes(j)) out.push(`Added: what ${JURISDICTION_TEXT[j].label} gives you.`);
  for (const j of a.jurisdictions) if (!b.jurisdictions.includes(j)) out.push(`Removed: the section on ${JURISDICTION_TEXT[j].label}.`);
  if (JSON.stringify(a.organisation) !== JSON.stringify(b.organisation) || JSON.stringify(a.contact) !== JSON.stringify(b.contact))
    out.push('Our contact details for privacy questions changed.');
  if (a.requests !== b.requests) out.push('How to make a request changed.');
  if (a.intro !== b.intro) out.push('The introduction was rewritten.');
  if (out.length > 0) return out;
  return [
    JSON.stringify(a) === JSON.stringify(b)
      ? 'Reviewed: no change in what we collect or why.'
      : 'Clarified how we describe what we collect; nothing new is collected.',
  ];
}

const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
