#!/usr/bin/env node
// `npx rapport <group> <command>`: chores on the CRM store the server uses (DATABASE_URL, else
// var/rapport.sqlite in the current folder). The groups come from core (mail) and from the
// features' runtimes (`commands`), so a feature adds its own without touching this file.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findBuildInfo } from '../core/build-info.ts';
import type { CliCommand, CliEnv } from '../core/feature.ts';
import { migrateToLatest } from '../core/store/migrate.ts';
import { openStore } from '../core/store/open-store.ts';
import { FEATURES } from '../features/index.ts';
import { createServices } from '../server/services.ts';
import { mailCommand } from './mail-commands.ts';
import { storeCommand } from './store-commands.ts';

const FOOTER = `The store is DATABASE_URL, else var/rapport.sqlite. Links in mail start with SITE_URL, else the built site's URL;
the sign-in link \`users add\` prints starts with SITE_URL, else the address \`npm start\` is listening on.`;

/** Every group: the features' (whether or not the last build enabled them: a chore may concern old data), then core's. */
async function commandGroups(): Promise<CliCommand[]> {
  const fromFeatures = await Promise.all(FEATURES.map(async (f) => (await f.runtime?.())?.commands ?? []));
  return [...fromFeatures.flat(), mailCommand, storeCommand];
}

const builtInfo = () => findBuildInfo(path.resolve('dist'));

function siteUrl(): URL {
  if (process.env.SITE_URL) return new URL(process.env.SITE_URL);
  const built = builtInfo();
  if (built) return new URL(built.site);
  throw new Error('Set SITE_URL, or build the site first (npm run build), so links in mail have the right address.');
}

/**
 * Where the person at this terminal can open a link now: SITE_URL, else the address the local
 * server (`npm start`, which writes `var/server.json`) is listening on, else the built site's URL.
 */
function reachableUrl(): URL {
  if (process.env.SITE_URL) return new URL(process.env.SITE_URL);
  const file = path.resolve('var/server.json');
  if (existsSync(file)) {
    const running = JSON.parse(readFileSync(file, 'utf8')) as { url?: string; pid?: number };
    if (running.url && running.pid && isAlive(running.pid)) return new URL(running.url);
  }
  return siteUrl();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function main(argv: string[]): Promise<number> {
  const groups = await commandGroups();
  const usage = `Usage:\n${groups.map((g) => g.usage).join('\n')}\n\n${FOOTER}`;
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: Object.assign({ help: { type: 'boolean', short: 'h' } }, ...groups.map((g) => g.options ?? {})) as Record<
      string,
      { type: 'string' | 'boolean'; short?: string }
    >,
  });
  const [name, command, ...args] = positionals;
  const group = groups.find((g) => g.group === name);
  if (values.help || !group || !command) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  const store = openStore({ databaseUrl: process.env.DATABASE_URL, sqliteFile: path.resolve('var/rapport.sqlite') });
  try {
    await migrateToLatest(store);
    const built = builtInfo();
    const env: CliEnv = {
      db: store.db,
      store,
      built,
      siteUrl,
      reachableUrl,
      // The same composition root as the server's, so a command sends the mail the server would.
      services: () => {
        if (!built) throw new Error('Build the site first (npm run build): this command needs its options (mail wording, follow-up).');
        return createServices(store, {
          config: built.config,
          site: siteUrl().href,
          secret: process.env.RAPPORT_SECRET,
          secretFile: path.resolve('var/rapport-secret'),
          privacyVersion: built.privacyVersion ?? 'none',
        });
      },
      usage,
    };
    return await group.run(command, args, values, env);
  } finally {
    await store.close();
  }
}

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  return 1;
});
