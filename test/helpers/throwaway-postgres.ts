// A PostgreSQL cluster of a test's own, in a temporary folder on a free port, that the test may
// stop and start at will (the machine's shared server on 5432 is never touched).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';

export interface ThrowawayPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  port: number;
  /** `pg_ctl stop -m fast`: open connections get "terminating connection due to administrator command". */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the cluster (if running) and removes its folder; safe to call more than once. */
  destroy(): Promise<void>;
}

/** The newest installed PostgreSQL's `bin/` folder; throws (never skips) when there is none. */
function binDir(): string {
  const versions = existsSync(PG_ROOT)
    ? readdirSync(PG_ROOT)
        .filter((v) => existsSync(path.join(PG_ROOT, v, 'bin', 'pg_ctl')) && existsSync(path.join(PG_ROOT, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0]) {
    throw new Error(
      `No PostgreSQL server binaries under ${PG_ROOT}/<version>/bin (initdb, pg_ctl): this test runs its own throwaway cluster. Install them with \`apt-get install postgresql\`.`,
    );
  }
  return path.join(PG_ROOT, versions[0], 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Creates (initdb) and starts a cluster; as root, its programs run as the `postgres` user (they refuse root). */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rapport-pg-'));
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']).catch(() => {
      throw new Error('Tests run as root, and PostgreSQL refuses root: a `postgres` user is needed to run the throwaway cluster.');
    });
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pg = (program: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, program), ...args]) : run(path.join(bin, program), args);
  const port = await freePort();
  const serverOptions = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c full_page_writes=off',
    '-c synchronous_commit=off',
  ].join(' ');
  let running = false;
  const withLog = async (what: string, step: () => Promise<unknown>) => {
    try {
      await step();
    } catch (error) {
      const log = await readFile(logFile, 'utf8').catch(() => '(no server log)');
      throw new Error(`${what} the throwaway PostgreSQL failed: ${error instanceof Error ? error.message : String(error)}\n${log}`, { cause: error });
    }
  };
  const start = () =>
    withLog('Starting', async () => {
      await pg('pg_ctl', ['start', '-w', '-t', '30', '-D', data, '-l', logFile, '-o', serverOptions]);
      running = true;
    });
  const stop = () =>
    withLog('Stopping', async () => {
      await pg('pg_ctl', ['stop', '-w', '-t', '30', '-D', data, '-m', 'fast']);
      running = false;
    });
  try {
    await withLog('Creating', () => pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync', '--no-instructions']));
    await start();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop,
    start,
    destroy: async () => {
      if (running) await pg('pg_ctl', ['stop', '-w', '-t', '30', '-D', data, '-m', 'immediate']).catch(() => undefined);
      running = false;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
