import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pgAdmin } from './pg-admin.ts';
import { openStore, type Store, type StoreOptions } from '../../integrations/rapport/core/store/open-store.ts';

/**
 * One contract for every store driver (like unstorage's testDriver): SQLite always, PostgreSQL
 * when DATABASE_URL is set (.ci/run sets it to this machine's server).
 */
export interface Driver {
  name: string;
  /** A new store on a fresh, empty database; the same `location` for every call within one test file. */
  open: () => Store;
  /** The options `open` uses, for code that opens the store itself (the server). */
  options: () => StoreOptions;
  setup: () => Promise<void>;
  teardown: () => Promise<void>;
}

function sqliteDriver(): Driver {
  let dir = '';
  return {
    name: 'sqlite',
    options: () => ({ sqliteFile: path.join(dir, 'crm.sqlite') }),
    open: () => openStore({ sqliteFile: path.join(dir, 'crm.sqlite') }),
    setup: async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'rapport-store-'));
    },
    teardown: () => rm(dir, { recursive: true, force: true }),
  };
}

function postgresDriver(url: string): Driver {
  const schema = `rapport_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = (statement: string) => pgAdmin(url, statement);
  return {
    name: 'postgres',
    options: () => ({ databaseUrl: url, schema }),
    open: () => openStore({ databaseUrl: url, schema }),
    setup: () => admin(`CREATE SCHEMA ${schema}`),
    teardown: () => admin(`DROP SCHEMA ${schema} CASCADE`),
  };
}

export const drivers = [sqliteDriver(), ...(process.env.DATABASE_URL ? [postgresDriver(process.env.DATABASE_URL)] : [])];
