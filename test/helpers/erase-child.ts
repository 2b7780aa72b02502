// Runs an erasure in its own process, for the test that kills it halfway (SIGKILL).
// Input: RAPPORT_TEST_ERASE (JSON: store options, the contact id, a marker file). Once the
// erasure has changed rows inside its transaction it writes the marker, then waits forever.
import { writeFileSync } from 'node:fs';
import { coreData } from '../../integrations/rapport/core/privacy/core-data.ts';
import { erasePerson } from '../../integrations/rapport/core/privacy/erasure.ts';
import type { PersonalData } from '../../integrations/rapport/core/privacy/personal-data.ts';
import { openStore, type StoreOptions } from '../../integrations/rapport/core/store/open-store.ts';
import { newsletterData } from '../../integrations/rapport/features/newsletter/personal-data.ts';

const input = JSON.parse(process.env.RAPPORT_TEST_ERASE!) as { store: StoreOptions; contactId: string; marker: string };

/** A feature whose erasure deletes the person's mail, says so, and never finishes. */
const stuck: PersonalData = {
  tables: [],
  export: async () => ({}),
  async erase(trx, person) {
    await trx.deleteFrom('mail_outbox').where('to_address', '=', person.email).execute();
    writeFileSync(input.marker, 'changed rows, not committed');
    // A timer keeps the process alive (SQLite's driver holds no handle that would).
    await new Promise(() => setInterval(() => {}, 60_000));
  },
};

const store = openStore(input.store);
// Erased in reverse order: the newsletter's rows first, then the stuck one; the store's own never.
await erasePerson(store.db, [stuck, newsletterData(), coreData()], input.contactId, { at: new Date(), remember: { secret: 'x'.repeat(40) } });
