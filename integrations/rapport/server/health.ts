import type http from 'node:http';
import { sql } from 'kysely';
import { readBuildInfo } from '../core/build-info.ts';
import { HttpError } from '../core/errors.ts';
import { sendJson } from '../core/http-io.ts';
import type { Store } from '../core/store/open-store.ts';

/** Where a load balancer (HAProxy's `option httpchk GET /health`) asks whether this server can take traffic. */
export const HEALTH_PATH = '/health';

/** Longer than this, the store counts as down: a load balancer polls every second or two and must not wait. @default 2000 */
const STORE_TIMEOUT_MS = 2_000;

interface StoreHealth {
  dialect: Store['dialect'];
  ok: boolean;
  /** How long the trivial query took (or how long we waited for it). */
  ms: number;
  /** Why the store counts as down: no address, password or personal data, only what kind of failure. */
  reason?: string;
}

/**
 * `GET /health`: 200 when the store answers a trivial query in time, 503 (with the reason) when it
 * does not, with the live build's id, time and content commit either way, so an operator sees that
 * every server of a cluster serves the same content (after a publish, the same commit). It carries
 * nothing personal and sets no cookie. Polled every second or so by each balancer: requests that
 * arrive while a query is out share it.
 */
export function healthCheck(store: Store, liveDir: () => string, { timeoutMs = STORE_TIMEOUT_MS } = {}) {
  let inFlight: Promise<StoreHealth> | undefined;
  const probe = () => (inFlight ??= queryStore(store, timeoutMs).finally(() => (inFlight = undefined)));
  const builds = new Map<string, { id: string | null; builtAt: string | null; commit: string | null }>();
  const build = (dir: string) => {
    let facts = builds.get(dir);
    if (!facts) {
      const info = readBuildInfo(dir);
      facts = { id: info.id ?? null, builtAt: info.builtAt ?? null, commit: info.commit ?? null };
      builds.clear(); // only the live build is ever asked for
      builds.set(dir, facts);
    }
    return facts;
  };
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      throw new HttpError(405, `The health check answers GET and HEAD, not ${String(req.method).slice(0, 20)}.`, { headers: { Allow: 'GET, HEAD' } });
    const health = await probe();
    sendJson(res, health.ok ? 200 : 503, { status: health.ok ? 'ok' : 'unavailable', store: health, build: build(liveDir()) });
  };
}

async function queryStore(store: Store, timeoutMs: number): Promise<StoreHealth> {
  const started = performance.now();
  const ms = () => Math.round((performance.now() - started) * 10) / 10;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
  try {
    const answer = await Promise.race([sql`select 1`.execute(store.db), late]);
    if (answer === 'late') return { dialect: store.dialect, ok: false, ms: ms(), reason: `The store did not answer within ${timeoutMs} ms.` };
    return { dialect: store.dialect, ok: true, ms: ms() };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const kind = typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? ` (${code})` : '';
    return { dialect: store.dialect, ok: false, ms: ms(), reason: `The store refused a query${kind}.` };
  } finally {
    clearTimeout(timer);
  }
}
