import type { Kysely } from 'kysely';
import { exportPerson, personOf } from '../../../core/privacy/erasure.ts';
import type { Services } from '../../../core/services.ts';
import type { Database } from '../../../core/store/schema.ts';
import type { PersonalData } from '../../../core/privacy/personal-data.ts';
import { isMessageKey } from '../../../i18n/catalogues.ts';
import { DEFAULT_TRANSLATOR, type Translator } from '../../../i18n/translate.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Rapport {
    interface FeatureServices {
      /**
       * What the enabled features keep about a person (export, erasure), put here by the privacy
       * feature's runtime: the pages that download or erase read it here rather than loading every feature.
       */
      personalData?: PersonalData[] | undefined;
    }
  }
}

/** The declarations the server started with; a page drawn without Rapport's server has none. */
export function personalDataOf(s: Pick<Services, 'personalData'>): PersonalData[] {
  if (!s.personalData) throw new Error('The privacy feature’s runtime has not started: personal data cannot be read or erased without Rapport’s server.');
  return s.personalData;
}

/** What "download my data" hands over: who asked, when, and every row the store holds about them, by table. */
export interface MyData {
  site: string;
  exportedAt: string;
  person: { email: string; name: string; organisation: string | null };
  tables: Record<string, unknown[]>;
}

/** Everything the enabled features hold about one contact, or `undefined` when there is none (or they were erased). */
export async function myData(db: Kysely<Database>, s: Pick<Services, 'site' | 'clock' | 'personalData'>, contactId: string): Promise<MyData | undefined> {
  const person = await personOf(db, contactId);
  const tables = person && (await exportPerson(db, personalDataOf(s), contactId));
  if (!person || !tables) return undefined;
  return {
    site: s.site.origin,
    exportedAt: s.clock().toISOString(),
    person: { email: person.email, name: person.name, organisation: person.organisation },
    tables,
  };
}

/** `chinookbulbfarm.ca-my-data-2026-11-30.json`: the site's host (without `www.`) and the day. */
export const exportFilename = (site: URL, at: Date, who = 'my-data') =>
  `${site.hostname.replace(/^www\./, '')}-${who}-${at.toISOString().slice(0, 10)}.json`.replace(/[^\w.-]+/g, '-');

/** The JSON file, to be saved rather than shown; never cached, never indexed. */
export function jsonDownload(data: MyData, filename: string): Response {
  return new Response(`${JSON.stringify(data, null, 2)}\n`, {
    status: 200,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'private, no-store',
      'X-Robots-Tag': 'noindex',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

/**
 * What a table holds, in the words of the readable page (`privacy.link.table.<table>`, in `say`'s
 * language); a table a feature adds later reads by its name until given one.
 */
export function tableTitle(table: string, say: Translator = DEFAULT_TRANSLATOR): string {
  const key = `privacy.link.table.${table.replace(/_/g, '-')}`;
  return isMessageKey(key) ? say(key) : table.replace(/_/g, ' ');
}

/** A cell as text for the readable page: JSON kept in a column is shown as written, nothing is ever markup. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** The rows of a table, with the columns they have between them, in first-seen order. */
export function columnsOf(rows: readonly unknown[]): string[] {
  const columns = new Set<string>();
  for (const row of rows) if (row && typeof row === 'object') for (const key of Object.keys(row)) columns.add(key);
  return [...columns];
}
