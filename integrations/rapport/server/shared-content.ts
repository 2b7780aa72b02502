import { sql } from 'kysely';
import pg from 'pg';
import type { Store } from '../core/store/open-store.ts';
import { SharedRepo } from '../internal/shared-repo.ts';

/** Where servers sharing a content repository tell each other about a new live commit. @default 'rapport_content' */
export const CONTENT_CHANNEL = 'rapport_content';
/** The LISTEN connection's `application_name`, followed by the process id. */
export const LISTENER_NAME = 'rapport content listener';

export interface SharedContentOptions {
  /** The shared repository (`RAPPORT_CONTENT_REPO`): a path to a bare repository or a Git URL. */
  url: string;
  /** This server's working copy (`RAPPORT_CONTENT_DIR`), cloned when missing. @default the project root */
  dir?: string | undefined;
  /** How often to fetch, whatever the notices say (`RAPPORT_CONTENT_FETCH_SECONDS`). @default 60000 */
  fetchEveryMs?: number | undefined;
  /** Tell the other servers at once with PostgreSQL's NOTIFY and listen for theirs (PostgreSQL stores only). @default true */
  notify?: boolean | undefined;
  /** The NOTIFY channel. @default 'rapport_content' */
  channel?: string | undefined;
}

/**
 * Several servers, one content repository: this server's working copy of it, a fetch every
 * `fetchEveryMs`, and with PostgreSQL a NOTIFY on every live commit this server pushes and a
 * LISTEN (its own connection, reconnected after an outage) for the others'. A new live commit,
 * however it arrives, goes live through `onLive`, which builds it as a local publish does.
 */
export async function startSharedContent(
  options: SharedContentOptions & { projectRoot: string; branch: string },
  context: { store: Store; databaseUrl?: string | undefined; schema?: string | undefined; log: (message: string) => void; onLive: () => void },
) {
  const channel = options.channel ?? CONTENT_CHANNEL;
  const notifying = (options.notify ?? true) && context.store.dialect === 'postgres' && context.databaseUrl !== undefined;
  const { log } = context;
  const repo = await SharedRepo.open({
    url: options.url,
    dir: options.dir ?? options.projectRoot,
    branch: options.branch,
    log,
    onLive: () => context.onLive(),
    onPushed: (commit) => {
      if (!notifying) return;
      void sql`SELECT pg_notify(${channel}, ${commit})`
        .execute(context.store.db)
        .catch((error: unknown) => log(`Could not tell the other servers about commit ${commit} (they will fetch it within a minute): ${String(error)}`));
    },
  });
  // Once per outage in the log, not once a minute.
  let failing = false;
  const refresh = () =>
    repo.refresh().then(
      () => {
        if (failing) log('The shared content repository answers again.');
        failing = false;
      },
      (error: unknown) => {
        if (!failing) log(`Fetching the shared content repository failed (retrying): ${error instanceof Error ? error.message : String(error)}`);
        failing = true;
      },
    );
  const timer = setInterval(refresh, options.fetchEveryMs ?? 60_000);
  timer.unref();
  const listener = notifying ? listen(context.databaseUrl!, channel, refresh, log) : undefined;
  await listener?.ready;
  return {
    repo,
    async close() {
      clearInterval(timer);
      await listener?.close();
    },
  };
}

/**
 * LISTEN on a connection of its own (a pooled one would be handed back and lose it). When it
 * breaks, it is opened again after a pause that grows to 30 s, and `onNotice` runs once on
 * return: a notice sent meanwhile was lost.
 */
function listen(databaseUrl: string, channel: string, onNotice: () => void, log: (message: string) => void) {
  let client: pg.Client | undefined;
  let closed = false;
  let delay = 500;
  let retry: NodeJS.Timeout | undefined;
  let reported = false;
  const connect = async (): Promise<void> => {
    // Named, so an operator (or a test) can tell it from the pool's connections in pg_stat_activity.
    const next = new pg.Client({ connectionString: databaseUrl, application_name: `${LISTENER_NAME} ${process.pid}` });
    const lost = (error?: unknown) => {
      if (client !== next || closed) return;
      client = undefined;
      next.removeAllListeners();
      next.on('error', () => undefined);
      void next.end().catch(() => undefined);
      if (!reported) log(`Lost the database connection that hears about new content (${error instanceof Error ? error.message : 'closed'}); retrying.`);
      reported = true;
      retry = setTimeout(() => void connect().catch(() => undefined), delay);
      retry.unref();
      delay = Math.min(delay * 2, 30_000);
    };
    client = next;
    next.on('error', lost);
    next.on('end', () => lost());
    next.on('notification', (message) => {
      if (message.channel === channel) onNotice();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      lost(error);
      throw error;
    }
    if (reported) {
      log('The database connection that hears about new content is back.');
      onNotice();
    }
    reported = false;
    delay = 500;
  };
  // A first failure is reported by `lost`, which keeps retrying; the periodic fetch covers the gap.
  const ready = connect().catch(() => undefined);
  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(retry);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}

/**
 * The shared repository as the environment names it: `RAPPORT_CONTENT_REPO` (a bare repository's
 * path or a Git URL; unset: this server's project alone), `RAPPORT_CONTENT_DIR` (this server's
 * clone), `RAPPORT_CONTENT_FETCH_SECONDS` (60), `RAPPORT_CONTENT_NOTIFY=0` (fetch only).
 */
export function sharedContentFromEnv(env: NodeJS.ProcessEnv): SharedContentOptions | undefined {
  const url = env.RAPPORT_CONTENT_REPO?.trim();
  if (!url) return undefined;
  const seconds = env.RAPPORT_CONTENT_FETCH_SECONDS === undefined ? 60 : Number(env.RAPPORT_CONTENT_FETCH_SECONDS);
  if (!Number.isFinite(seconds) || seconds < 1)
    throw new Error(`RAPPORT_CONTENT_FETCH_SECONDS must be a number of seconds (1 or more), got "${env.RAPPORT_CONTENT_FETCH_SECONDS}".`);
  return {
    url,
    dir: env.RAPPORT_CONTENT_DIR?.trim() || undefined,
    fetchEveryMs: seconds * 1000,
    notify: env.RAPPORT_CONTENT_NOTIFY !== '0' && env.RAPPORT_CONTENT_NOTIFY !== 'false',
  };
}
