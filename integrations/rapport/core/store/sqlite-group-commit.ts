import {
  CompiledQuery,
  createQueryId,
  IdentifierNode,
  RawNode,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';
import path from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';

/**
 * Group commit for the embedded store: the writes that arrive together share one transaction and
 * one fsync, and each caller is still answered only once its own writes are on disk.
 *
 * node:sqlite is one synchronous connection, so callers take turns (a strictly first-come,
 * first-served queue). Each turn (a Kysely "unit": one query, a `transaction().execute()`, a
 * `connection().execute()`) runs inside `SAVEPOINT u<n>` of the batch's `BEGIN IMMEDIATE`; a unit
 * that fails or rolls back undoes only its own savepoint, so one bad submission does not take the
 * others down. When a unit hands the connection on, its promise waits for the batch's COMMIT.
 * The batch commits once nobody is left to join it: at the end of the event-loop turn in which the
 * connection fell idle (so the requests read in that turn join too), or earlier when it holds
 * `maxUnits` or is `maxAgeMs` old (a steady stream cannot postpone durability). A COMMIT that
 * fails rejects every unit of the batch (nothing is claimed durable), and so does SQLite rolling
 * the whole transaction back by itself after an error (disk full, I/O error).
 */
export interface GroupCommitOptions {
  /** @default true; false commits every unit on its own (one fsync each), the plain behaviour. */
  grouping?: boolean | undefined;
  /** @default 200 */
  maxUnits?: number | undefined;
  /** @default 15 */
  maxAgeMs?: number | undefined;
  /** Batches holding only relaxed writes (counters) are committed after this long when nothing else comes. @default 20 */
  relaxedDelayMs?: number | undefined;
}

export interface GroupCommitStats {
  /** COMMITs issued (successful or not). */
  commits: number;
  /** Units run. */
  units: number;
  /** Units waiting for the connection now. */
  readonly waiting: number;
}

/** Statements SQLite refuses, or silently ignores, inside a transaction: a unit running one leaves the batch. */
const OUTSIDE_TRANSACTION = /^\s*(begin|commit|end|rollback(?!\s+to\b)|vacuum|attach|detach|pragma\s+[\w.]+\s*=)/i;

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

interface Batch {
  startedAt: number;
  units: number;
  /** Some unit wrote: a reader may have seen writes that are not yet durable. */
  dirty: boolean;
  waiters: Waiter[];
}

/** First come, first served: the connection is handed straight to the longest waiter, never left free for a newcomer to grab. */
class FifoMutex {
  #held = false;
  #queue: Array<() => void> = [];
  #head = 0;

  get waiting(): number {
    return this.#queue.length - this.#head;
  }

  get held(): boolean {
    return this.#held;
  }

  lock(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#queue.push(resolve));
  }

  unlock(): void {
    if (this.#head < this.#queue.length) {
      const next = this.#queue[this.#head]!;
      this.#queue[this.#head++] = undefined as never;
      if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      next();
    } else {
      this.#held = false;
    }
  }
}

/** The one connection, its turn queue and the open batch; shared by every Kysely instance over the same file. */
export class GroupCommitter {
  readonly #db: DatabaseSync;
  readonly #mutex = new FifoMutex();
  readonly #grouping: boolean;
  readonly #maxUnits: number;
  readonly #maxAgeMs: number;
  readonly #relaxedDelayMs: number;
  readonly #totalChanges: StatementSync;
  readonly #statements = new Map<string, StatementSync>();
  #batch: Batch | undefined;
  #scheduled: NodeJS.Immediate | undefined;
  #timer: NodeJS.Timeout | undefined;
  #nextUnit = 0;
  #closed = false;
  #refs = 1;
  #onClosed: (() => void) | undefined;
  readonly stats: GroupCommitStats;

  constructor(db: DatabaseSync, options: GroupCommitOptions = {}, onClosed?: () => void) {
    this.#db = db;
    this.#onClosed = onClosed;
    const mutex = this.#mutex;
    this.stats = {
      commits: 0,
      units: 0,
      get waiting() {
        return mutex.waiting;
      },
    };
    this.#grouping = options.grouping ?? true;
    this.#maxUnits = this.#grouping ? (options.maxUnits ?? 200) : 1;
    this.#maxAgeMs = options.maxAgeMs ?? 15;
    this.#relaxedDelayMs = options.relaxedDelayMs ?? 20;
    this.#totalChanges = db.prepare('select total_changes() as n');
  }

  /** Waits for the connection (in arrival order) and opens a unit in the batch. */
  async acquire(relaxed: boolean): Promise<UnitConnection> {
    if (this.#closed) throw new Error('The SQLite store is closed.');
    await this.#mutex.lock();
    const unit = new UnitConnection(this, ++this.#nextUnit, relaxed);
    try {
      this.#open(unit);
    } catch (error) {
      this.#mutex.unlock();
      throw error;
    }
    this.stats.units++;
    return unit;
  }

  #open(unit: UnitConnection): void {
    if (this.#batch && !this.#db.isTransaction) this.#lose(new Error('The SQLite transaction ended unexpectedly.'));
    if (!this.#batch) {
      this.#db.exec('BEGIN IMMEDIATE');
      this.#batch = { startedAt: performance.now(), units: 0, dirty: false, waiters: [] };
    }
    this.#batch.units++;
    this.#db.exec(`SAVEPOINT ${unit.savepoint}`);
    unit.changesBefore = this.#changes();
  }

  #changes(): number {
    return Number((this.#totalChanges.get() as { n: number | bigint }).n);
  }

  /** Runs one statement of a unit, keeping the batch honest when SQLite abandons the transaction. */
  run(unit: UnitConnection, compiled: CompiledQuery): QueryResult<unknown> {
    if (unit.released) throw new Error('This SQLite connection was already handed back.');
    if (unit.broken) throw unit.broken;
    if (unit.grouped && OUTSIDE_TRANSACTION.test(compiled.sql)) this.#leaveBatch(unit);
    try {
      return this.#execute(compiled);
    } catch (error) {
      this.#afterError(unit, error);
      throw error;
    }
  }

  *stream(unit: UnitConnection, compiled: CompiledQuery): Generator<QueryResult<unknown>> {
    if (unit.broken) throw unit.broken;
    if (!SelectQueryNode.is(compiled.query)) throw new Error('Sqlite driver only supports streaming of select queries');
    const args = Array.isArray(compiled.parameters) ? (compiled.parameters as never[]) : [];
    try {
      for (const row of this.#db.prepare(compiled.sql).iterate(...args)) yield { rows: [row] };
    } catch (error) {
      this.#afterError(unit, error);
      throw error;
    }
  }

  #execute(compiled: CompiledQuery): QueryResult<unknown> {
    const statement = this.#prepare(compiled.sql);
    const args = Array.isArray(compiled.parameters) ? (compiled.parameters as never[]) : [];
    if (statement.columns().length > 0) return { rows: statement.all(...args) };
    const result = statement.run(...args);
    return { numAffectedRows: BigInt(result.changes), insertId: BigInt(result.lastInsertRowid), rows: [] };
  }

  /** Prepared statements are kept (a form's few statements come back on every post); schema changes make SQLite re-prepare them itself. */
  #prepare(sqlText: string): StatementSync {
    let statement = this.#statements.get(sqlText);
    if (!statement) {
      statement = this.#db.prepare(sqlText);
      if (this.#statements.size >= 500) this.#statements.delete(this.#statements.keys().next().value!);
      this.#statements.set(sqlText, statement);
    }
    return statement;
  }

  /** A statement failed: if SQLite rolled the whole transaction back, every write of the batch is gone. */
  #afterError(unit: UnitConnection, cause: unknown): void {
    if (!unit.grouped || this.#db.isTransaction) return;
    // The unit whose statement failed keeps its own error (also when it caught it and went on).
    unit.broken = cause instanceof Error ? cause : new Error(String(cause));
    const reason = cause instanceof Error ? cause.message : String(cause);
    this.#lose(new Error(`SQLite rolled back the whole transaction after an error (${reason}); the writes of this batch were not stored.`, { cause }));
  }

  #lose(error: Error): void {
    const batch = this.#batch;
    this.#batch = undefined;
    this.#cancelSchedule();
    for (const waiter of batch?.waiters ?? []) waiter.reject(error);
  }

  /** The unit runs a statement that needs autocommit (a migration's own BEGIN, a PRAGMA switch): what it did so far is committed with the batch, and it goes on alone. */
  #leaveBatch(unit: UnitConnection): void {
    if (unit.inTransaction) throw new Error('Transaction control statements cannot run inside a Kysely transaction.');
    this.#db.exec(`RELEASE ${unit.savepoint}`);
    unit.grouped = false;
    const failed = this.#commit();
    if (failed) throw failed;
  }

  begin(unit: UnitConnection): void {
    if (!unit.grouped) this.run(unit, CompiledQuery.raw('begin'));
    // A unit that already wrote before its transaction (a `connection()` unit) keeps those
    // writes if the transaction rolls back: the transaction gets a savepoint of its own.
    else if (this.#changes() !== unit.changesBefore) {
      unit.transactionSavepoint = `t${unit.savepoint}`;
      this.run(unit, CompiledQuery.raw(`SAVEPOINT ${unit.transactionSavepoint}`));
    }
    unit.inTransaction = true;
  }

  commit(unit: UnitConnection): void {
    unit.inTransaction = false;
    if (!unit.grouped) this.run(unit, CompiledQuery.raw('commit'));
    else if (unit.transactionSavepoint) this.run(unit, CompiledQuery.raw(`RELEASE ${unit.transactionSavepoint}`));
    unit.transactionSavepoint = undefined;
  }

  rollback(unit: UnitConnection): void {
    unit.inTransaction = false;
    const nested = unit.transactionSavepoint;
    unit.transactionSavepoint = undefined;
    if (!unit.grouped) {
      this.run(unit, CompiledQuery.raw('rollback'));
      return;
    }
    if (unit.broken) return;
    this.run(unit, CompiledQuery.raw(`ROLLBACK TO ${nested ?? unit.savepoint}`));
    if (nested) this.run(unit, CompiledQuery.raw(`RELEASE ${nested}`));
    // What the unit wrote is undone: it has nothing to wait for unless it writes again.
    else unit.changesBefore = this.#changes();
  }

  /** Ends the unit, hands the connection to the next in line, and resolves once the unit's writes are durable. */
  release(unit: UnitConnection): Promise<void> | undefined {
    if (unit.released) return undefined;
    unit.released = true;
    try {
      if (!unit.grouped) {
        if (this.#db.isTransaction) {
          this.#db.exec('ROLLBACK');
          throw new Error('A transaction begun outside Kysely was left open; it was rolled back.');
        }
        return undefined;
      }
      if (unit.broken) throw unit.broken;
      try {
        this.#db.exec(`RELEASE ${unit.savepoint}`);
      } catch (error) {
        this.#afterError(unit, error);
        throw error;
      }
      const batch = this.#batch!;
      const wrote = this.#changes() !== unit.changesBefore;
      // A reader waits too when others' writes are pending: what it read must not vanish afterwards.
      const wait = !unit.relaxed && (wrote || batch.dirty);
      if (wrote) batch.dirty = true;
      const durable = wait ? new Promise<void>((resolve, reject) => batch.waiters.push({ resolve, reject })) : undefined;
      if (batch.units >= this.#maxUnits || performance.now() - batch.startedAt >= this.#maxAgeMs) this.#commit();
      else this.#schedule();
      return durable;
    } finally {
      this.#mutex.unlock();
    }
  }

  #schedule(): void {
    const batch = this.#batch;
    if (!batch || this.#scheduled) return;
    if (batch.waiters.length > 0 || !batch.dirty) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#scheduled = setImmediate(() => {
        this.#scheduled = undefined;
        this.#commitWhenIdle();
      });
    } else {
      // Only relaxed writes (counters) are pending: they ride with the next commit, or this timer's.
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#commitWhenIdle();
      }, this.#relaxedDelayMs);
    }
  }

  /** Nobody holds the connection: the batch is complete. Someone does: their release decides. */
  #commitWhenIdle(): void {
    if (!this.#mutex.held) this.#commit();
  }

  #cancelSchedule(): void {
    if (this.#scheduled) clearImmediate(this.#scheduled);
    if (this.#timer) clearTimeout(this.#timer);
    this.#scheduled = undefined;
    this.#timer = undefined;
  }

  /** Commits the open batch; answers every unit waiting for it. Returns the error when it failed. */
  #commit(): Error | undefined {
    const batch = this.#batch;
    this.#cancelSchedule();
    if (!batch) return undefined;
    this.#batch = undefined;
    this.stats.commits++;
    try {
      this.#db.exec('COMMIT');
    } catch (cause) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      const error = new Error(`Committing a batch of ${batch.units} writes to SQLite failed; none of them was stored.`, { cause });
      for (const waiter of batch.waiters) waiter.reject(error);
      return error;
    }
    for (const waiter of batch.waiters) waiter.resolve();
    return undefined;
  }

  /** One more store shares this connection; each calls `close` once. */
  retain(): this {
    this.#refs++;
    return this;
  }

  /** Commits what is pending and closes the file when the last store sharing it closes. */
  async close(): Promise<void> {
    if (this.#closed || --this.#refs > 0) return;
    this.#closed = true;
    this.#onClosed?.();
    await this.#mutex.lock();
    this.#commit();
    this.#statements.clear();
    this.#db.close();
  }
}

const open = new Map<string, GroupCommitter>();

/**
 * The file's one connection in this process, opened on first use. Two connections to one file in
 * one process would deadlock: the second's synchronous busy wait for the write lock blocks the
 * event loop, so the first can never reach the end of the turn where its batch commits.
 */
export function sharedCommitter(file: string, connect: () => DatabaseSync, options: GroupCommitOptions = {}): GroupCommitter {
  const key = path.resolve(file);
  const existing = open.get(key);
  if (existing) return existing.retain();
  const committer = new GroupCommitter(connect(), options, () => open.delete(key));
  open.set(key, committer);
  return committer;
}

/** One unit's view of the connection (Kysely gets a new one per acquire). */
class UnitConnection implements DatabaseConnection {
  readonly savepoint: string;
  changesBefore = 0;
  grouped = true;
  inTransaction = false;
  transactionSavepoint: string | undefined;
  released = false;
  broken: Error | undefined;

  readonly committer: GroupCommitter;
  readonly relaxed: boolean;

  constructor(committer: GroupCommitter, id: number, relaxed: boolean) {
    this.committer = committer;
    this.relaxed = relaxed;
    this.savepoint = `u${id}`;
  }

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return Promise.resolve(this.committer.run(this, compiled) as QueryResult<R>);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    yield* this.committer.stream(this, compiled) as Generator<QueryResult<R>>;
  }
}

class GroupCommitDriver implements Driver {
  readonly committer: GroupCommitter;
  readonly relaxed: boolean;

  constructor(committer: GroupCommitter, relaxed: boolean) {
    this.committer = committer;
    this.relaxed = relaxed;
  }

  async init(): Promise<void> {}

  acquireConnection(): Promise<DatabaseConnection> {
    return this.committer.acquire(this.relaxed);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    this.committer.begin(connection as UnitConnection);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    this.committer.commit(connection as UnitConnection);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    this.committer.rollback(connection as UnitConnection);
  }

  async savepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(compileQuery(savepointCommand('savepoint', name), createQueryId()));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(compileQuery(savepointCommand('rollback to', name), createQueryId()));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(compileQuery(savepointCommand('release', name), createQueryId()));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await this.committer.release(connection as UnitConnection);
  }

  async destroy(): Promise<void> {
    await this.committer.close();
  }
}

function savepointCommand(command: string, name: string): RawNode {
  return RawNode.createWithChildren([RawNode.createWithSql(`${command} `), IdentifierNode.create(name)]);
}

/**
 * Kysely's SQLite dialect over a shared `GroupCommitter`. `relaxed` units (rate-limit counters)
 * join the batch like any other but do not wait for its COMMIT: a lost counter after a crash lets
 * one more post through, and nobody is told it was stored.
 */
export class GroupCommitDialect implements Dialect {
  readonly committer: GroupCommitter;
  readonly relaxed: boolean;

  constructor(committer: GroupCommitter, options: { relaxed?: boolean } = {}) {
    this.committer = committer;
    this.relaxed = options.relaxed ?? false;
  }

  createDriver(): Driver {
    return new GroupCommitDriver(this.committer, this.relaxed);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
