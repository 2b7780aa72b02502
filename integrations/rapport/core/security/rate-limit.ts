import { sql, type Kysely } from 'kysely';
import { RateLimiterRes } from 'rate-limiter-flexible';
import RateLimiterStoreAbstract from 'rate-limiter-flexible/lib/RateLimiterStoreAbstract.js';
import { writeRelaxed } from '../store/open-store.ts';
import type { Database } from '../store/schema.ts';

interface StoreRow {
  points: number;
  expire: number | null;
}

interface Waiting {
  key: string;
  points: number;
  msDuration: number;
  resolve(row: StoreRow): void;
  reject(error: unknown): void;
}

/**
 * rate-limiter-flexible's limiter (fixed window, blocking, rewards) with its counters in the CRM
 * store, so limits hold across several servers sharing one database. The storage is one portable
 * upsert through Kysely; pass `{ db: trx }` as the options of `consume` to count inside a
 * submission's transaction.
 */
export class StoreRateLimiter extends RateLimiterStoreAbstract {
  readonly #db: Kysely<Database>;
  /** Relaxed counts waiting for this turn's statement (see #flush). */
  #waiting: Waiting[] = [];

  constructor(db: Kysely<Database>, options: { keyPrefix: string; points: number; duration: number }) {
    super({ ...options, storeClient: db });
    this.#db = db;
  }

  async _upsert(key: string, points: number, msDuration: number, forceExpire = false, options: { db?: Kysely<Database> } = {}): Promise<StoreRow> {
    // Inside a submission's transaction the count commits with it.
    if (options.db) return this.#write(options.db, [{ key, points }], msDuration, forceExpire).then((rows) => rows.get(key)!);
    // On its own it is a relaxed write, made durable by the submission's commit that follows (one
    // fsync per submission); block/set (forceExpire) are rare and go alone.
    if (forceExpire) return writeRelaxed(this.#db, (db) => this.#write(db, [{ key, points }], msDuration, true)).then((rows) => rows.get(key)!);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ key, points, msDuration, resolve, reject });
      if (this.#waiting.length === 1) setImmediate(() => this.#flush());
    });
  }

  /**
   * Writes the counts taken during one turn of the event loop in one statement: a flood from one
   * address (or many visitors at once) costs one round trip per turn, not one per post. Each
   * caller gets the count as if the writes had been made one after another in arrival order.
   * One limiter has one window length, so the batch's first is everyone's.
   */
  #flush(): void {
    const batch = this.#waiting.splice(0);
    const msDuration = batch[0]!.msDuration;
    const sums = new Map<string, number>();
    for (const w of batch) sums.set(w.key, (sums.get(w.key) ?? 0) + w.points);
    writeRelaxed(this.#db, (db) =>
      this.#write(
        db,
        [...sums].map(([key, points]) => ({ key, points })),
        msDuration,
        false,
      ),
    ).then(
      (rows) => {
        // The last caller of a key sees the final count; each earlier one, the count before the later ones.
        const after = new Map<string, number>();
        for (let i = batch.length - 1; i >= 0; i--) {
          const w = batch[i]!;
          const row = rows.get(w.key)!;
          const later = after.get(w.key) ?? 0;
          w.resolve({ points: row.points - later, expire: row.expire });
          after.set(w.key, later + w.points);
        }
      },
      (error: unknown) => {
        for (const w of batch) w.reject(error);
      },
    );
  }

  async #write(db: Kysely<Database>, counts: { key: string; points: number }[], msDuration: number, forceExpire: boolean): Promise<Map<string, StoreRow>> {
    const now = Date.now();
    const expire = msDuration > 0 ? now + msDuration : null;
    // An expired window starts again; forceExpire (block/set) overwrites.
    const stale = sql`(rate_limits.expire is not null and rate_limits.expire <= ${now})`;
    const force = forceExpire ? sql`true` : stale;
    const rows = new Map<string, StoreRow>();
    // 300 keys (900 parameters) per statement, well within SQLite's and PostgreSQL's limits.
    for (let start = 0; start < counts.length; start += 300) {
      const values = counts.slice(start, start + 300).map(({ key, points }) => sql`(${key}, ${points}, ${expire})`);
      const result = await sql<StoreRow & { key: string }>`
        insert into rate_limits (key, points, expire) values ${sql.join(values)}
        on conflict (key) do update set
          points = case when ${force} then excluded.points else rate_limits.points + excluded.points end,
          expire = case when ${force} then excluded.expire else rate_limits.expire end
        returning key, points, expire`.execute(db);
      for (const row of result.rows) rows.set(row.key, { points: Number(row.points), expire: row.expire === null ? null : Number(row.expire) });
    }
    return rows;
  }

  async _get(key: string): Promise<StoreRow | null> {
    const row = await this.#db
      .selectFrom('rate_limits')
      .select(['points', 'expire'])
      .where('key', '=', key)
      .where((eb) => eb.or([eb('expire', 'is', null), eb('expire', '>', Date.now())]))
      .executeTakeFirst();
    return row ? { points: Number(row.points), expire: row.expire === null ? null : Number(row.expire) } : null;
  }

  async _delete(key: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('rate_limits').where('key', '=', key).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  _getRateLimiterRes(_key: string, changedPoints: number, row: StoreRow): RateLimiterRes {
    const first = changedPoints === row.points;
    const consumed = first ? changedPoints : row.points;
    return new RateLimiterRes(Math.max(this.points - consumed, 0), row.expire ? Math.max(row.expire - Date.now(), 0) : -1, consumed, first);
  }
}

export interface LimitSpec {
  points: number;
  /** Window in seconds. */
  duration: number;
}

/** The limits Rapport's forms apply. Override them in the server options (benchmarks do). */
export interface RateLimitSettings {
  /** Form posts from one IP address (all forms together; rural providers put many people behind one address). @default 60 per 10 minutes */
  perIp: LimitSpec;
  /** Confirmation or sign-in mails to one address. @default 1 per 10 minutes */
  mailPerAddress: LimitSpec;
  /** Contact-form messages from one address. @default 5 per hour */
  messagesPerAddress: LimitSpec;
  /** Questions for the FAQ from one IP address, with or without an e-mail address. @default 10 per hour */
  questionsPerIp: LimitSpec;
  /** Survey answers from one IP address, all surveys together. @default 20 per hour */
  surveyAnswersPerIp: LimitSpec;
  /**
   * Mails the forms send to one address that has confirmed nothing, all forms together
   * (confirmations, sign-in links, acknowledgements). @default 3 per 24 hours
   */
  unsolicitedPerAddress: LimitSpec;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  perIp: { points: 60, duration: 600 },
  mailPerAddress: { points: 1, duration: 600 },
  messagesPerAddress: { points: 5, duration: 3600 },
  questionsPerIp: { points: 10, duration: 3600 },
  surveyAnswersPerIp: { points: 20, duration: 3600 },
  unsolicitedPerAddress: { points: 3, duration: 86_400 },
};

export type Limiters = Record<keyof RateLimitSettings, StoreRateLimiter>;

export function createLimiters(db: Kysely<Database>, settings: Partial<RateLimitSettings> = {}): Limiters {
  const s = { ...DEFAULT_RATE_LIMITS, ...settings };
  return {
    perIp: new StoreRateLimiter(db, { keyPrefix: 'ip', ...s.perIp }),
    mailPerAddress: new StoreRateLimiter(db, { keyPrefix: 'mail', ...s.mailPerAddress }),
    messagesPerAddress: new StoreRateLimiter(db, { keyPrefix: 'msg', ...s.messagesPerAddress }),
    questionsPerIp: new StoreRateLimiter(db, { keyPrefix: 'ask', ...s.questionsPerIp }),
    surveyAnswersPerIp: new StoreRateLimiter(db, { keyPrefix: 'survey', ...s.surveyAnswersPerIp }),
    unsolicitedPerAddress: new StoreRateLimiter(db, { keyPrefix: 'unsolicited', ...s.unsolicitedPerAddress }),
  };
}

/**
 * Takes one point. Resolves with the seconds to wait when the limit is reached, `0` when within
 * it; a database error still rejects (rate-limiter-flexible rejects with either).
 */
export async function take(limiter: StoreRateLimiter, key: string, db?: Kysely<Database>): Promise<number> {
  try {
    await limiter.consume(key, 1, db ? { db } : {});
    return 0;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    throw rejection;
  }
}
