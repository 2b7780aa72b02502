import type { Kysely } from 'kysely';
import { exportPerson, personOf } from '../../../core/privacy/erasure.ts';
import type { Services } from '../../../core/services.ts';
import type { Database } from '../../../core/store/schema.ts';
import type { PersonalData } from '../../../core/privacy/personal-data.ts';

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

/** What each table holds, in the words of the readable page; a table a feature adds later reads by its name until given one. */
const TABLE_TITLES: Record<string, string> = {
  contacts: 'Your details',
  accounts: 'Your account',
  sessions: 'Browsers signed in to your account',
  activities: 'Your history with us',
  consent_ledger: 'Consents you gave and withdrew',
  list_subscriptions: 'E-mail lists',
  tokens: 'Links we e-mailed you',
  mail_outbox: 'E-mails we sent you',
  mail_events: 'Delivery reports about e-mails to you',
  mail_suppressions: 'Addresses we do not write to',
  rate_limits: 'Counters that limit how many forms one sender can send',
  audit_log: 'Changes our staff made to your record',
  privacy_requests: 'Your privacy requests',
  erased_addresses: 'Erased addresses',
  contact_tags: 'Tags our staff gave you',
  orders: 'Your orders',
  order_lines: 'What you ordered',
  order_events: 'What happened to your orders',
  shipments: 'Shipments',
  faq_questions: 'Questions you asked',
  faq_question_events: 'What became of your questions',
  message_handling: 'How your messages were handled',
  campaign_recipients: 'Newsletters we sent you',
  campaign_reader_events: 'Links you followed in our newsletters',
};

export const tableTitle = (table: string) => TABLE_TITLES[table] ?? table.replace(/_/g, ' ');

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
