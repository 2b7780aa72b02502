import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOptions } from '../../integrations/rapport/config/parse-options.ts';
import { migrateToLatest } from '../../integrations/rapport/core/store/migrate.ts';
import type { Store } from '../../integrations/rapport/core/store/open-store.ts';
import { personalDeclarations } from '../../integrations/rapport/features/privacy/personal-declarations.ts';
import { storeTables, type TableShape } from '../helpers/store-schema.ts';
import { drivers } from '../helpers/store-drivers.ts';
import { TEST_OPTIONS } from '../helpers/test-options.ts';

/** Columns that name a person by themselves. */
const PERSONAL_COLUMNS = ['contact_id', 'email', 'to_address'];

/**
 * Tables that hold nothing about a person, each with the reason. A new table goes either in a
 * feature's `personal.tables` (export and erasure then reach it) or here, with its reason.
 */
const NOT_PERSONAL: Record<string, string> = {
  campaigns: 'a newsletter send: the issue, the lists, its pace and totals; the staff member who asked for it is staff, whom erasure refuses',
  campaign_links: 'the links of a campaign and how many times each was clicked, without who clicked',
  mail_templates: 'the shared body of a campaign; what is merged in for each recipient is on their mail_outbox row',
  winback_templates: 'staff’s wording of the win-back note, one per language, and which staff member saved it last (like the audit log, about staff)',
  survey_responses: 'a survey answered: which survey, in which language, from a page or an e-mail, and the hour; nothing says who (features/surveys)',
  survey_answers: 'the answers of a survey_responses row, by question position: nobody is named or pointed at',
  visit_counts: 'totals of page views per day by page, referring domain and kind of device: no row stands for a visit or a visitor (features/visits)',
  append_only_permits: 'an empty table but for a moment inside a transaction: the permit to change the consent ledger or the audit log',
  kysely_migration: 'which schema migrations ran',
  kysely_migration_lock: 'the lock that lets one server migrate at a time',
};

/** Every feature on, as the reference site has them, and the recording campaigns can do. */
const everything = parseOptions({
  ...TEST_OPTIONS,
  crm: { campaigns: { clicks: 'per-person', opens: true }, orders: { reorder: { enabled: true } }, surveys: { enabled: true } },
});

/** The tables that refer to a person: by a column that names one, or by pointing at a table that does (transitively). */
function personalTables(tables: TableShape[]): Set<string> {
  const personal = new Set(tables.filter((t) => t.columns.some((c) => PERSONAL_COLUMNS.includes(c.name))).map((t) => t.name));
  for (let grew = true; grew;) {
    grew = false;
    for (const t of tables) {
      if (!personal.has(t.name) && t.references.some((r) => personal.has(r.table))) {
        personal.add(t.name);
        grew = true;
      }
    }
  }
  return personal;
}

/** What is wrong with the declarations for these tables, in words; none when every table is accounted for. */
function coverageProblems(tables: TableShape[]): string[] {
  const declared = new Map<string, number>();
  for (const d of personalDeclarations(everything)) for (const t of d.tables) declared.set(t, (declared.get(t) ?? 0) + 1);
  const personal = personalTables(tables);
  const problems: string[] = [];
  for (const table of tables) {
    const count = declared.get(table.name) ?? 0;
    if (count > 1) problems.push(`${table.name} is declared by ${count} features; one must own it`);
    if (personal.has(table.name) && count === 0) {
      const why = table.columns.some((c) => PERSONAL_COLUMNS.includes(c.name))
        ? `has ${table.columns
            .filter((c) => PERSONAL_COLUMNS.includes(c.name))
            .map((c) => c.name)
            .join(', ')}`
        : `points at ${[...new Set(table.references.map((r) => r.table))].join(', ')}`;
      problems.push(`${table.name} ${why} but no feature declares it in \`personal.tables\` (its privacy declaration): a download or an erasure would miss it`);
    }
    if (!personal.has(table.name) && count === 0 && !(table.name in NOT_PERSONAL)) {
      problems.push(`${table.name} is neither declared by a feature nor listed in NOT_PERSONAL with a reason`);
    }
    if (personal.has(table.name) && table.name in NOT_PERSONAL) problems.push(`${table.name} is in NOT_PERSONAL but refers to a person`);
  }
  for (const name of declared.keys()) if (!tables.some((t) => t.name === name)) problems.push(`a feature declares ${name}, which the store does not have`);
  for (const name of Object.keys(NOT_PERSONAL))
    if (!tables.some((t) => t.name === name)) problems.push(`NOT_PERSONAL lists ${name}, which the store does not have`);
  return problems;
}

describe.each(drivers)('what the store keeps about people, on $name', (driver) => {
  let store: Store;
  let tables: TableShape[];
  beforeAll(async () => {
    await driver.setup();
    store = driver.open();
    await migrateToLatest(store);
    tables = await storeTables(store, driver.options());
  });
  afterAll(async () => {
    await store?.close();
    await driver.teardown();
  });

  it('is declared, table by table, by exactly one enabled feature, or said to be about nobody and why', () => {
    // The rule finds what it should (a check on the check: these all refer to a person).
    expect([...personalTables(tables)]).toEqual(
      expect.arrayContaining([
        'contacts',
        'sessions',
        'order_lines',
        'shipments',
        'message_handling',
        'faq_question_events',
        'campaign_recipients',
        'mail_events',
      ]),
    );
    expect(coverageProblems(tables)).toEqual([]);
  });

  it('notices a table added without a declaration', async () => {
    await store.db.schema
      .createTable('loyalty_points')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('contact_id', 'text', (c) => c.references('contacts.id'))
      .execute();
    await store.db.schema
      .createTable('loyalty_redemptions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('points_id', 'text', (c) => c.references('loyalty_points.id'))
      .execute();
    try {
      // Only a reference leads from the redemptions to a person.
      expect(coverageProblems(await storeTables(store, driver.options()))).toEqual([
        'loyalty_points has contact_id but no feature declares it in `personal.tables` (its privacy declaration): a download or an erasure would miss it',
        'loyalty_redemptions points at loyalty_points but no feature declares it in `personal.tables` (its privacy declaration): a download or an erasure would miss it',
      ]);
    } finally {
      await store.db.schema.dropTable('loyalty_redemptions').execute();
      await store.db.schema.dropTable('loyalty_points').execute();
    }
  });
});
