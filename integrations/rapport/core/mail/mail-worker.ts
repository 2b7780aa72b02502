import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { deliverDue, type MailTransport, type OutboxOptions } from './outbox.ts';

/**
 * Polls the outbox and sends what is due, one round at a time (never overlapping itself); within a
 * round a few messages are in flight at once (`outbox.concurrency`). Every server runs one; the
 * outbox's claim step keeps them from sending a message twice, and its lease hands a message whose
 * server died mid-send to the next round (see `deliverDue`).
 */
export function startMailWorker(options: {
  db: Kysely<Database>;
  transport: MailTransport;
  from: string;
  intervalMs?: number;
  outbox?: OutboxOptions;
  /** Recorded with a consent withdrawn because of a complaint. */
  privacyVersion?: string;
  log?: (line: string) => void;
}): { stop(): Promise<void>; runNow(): Promise<void>; nudge(): void } {
  const { db, transport, from, intervalMs = 2_000, log = (l: string) => console.error(l) } = options;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  // At most one round waits behind the one in progress, however often the worker is nudged.
  let waiting = false;
  const round = () => {
    waiting = true;
    running = running.then(async () => {
      waiting = false;
      if (stopped) return;
      try {
        const report = await deliverDue(db, transport, from, {
          ...options.outbox,
          ...(options.privacyVersion ? { privacyVersion: options.privacyVersion } : {}),
        });
        if (report.retrying || report.failed) log(`Mail: ${report.sent} sent, ${report.retrying} to retry, ${report.failed} failed (npx rapport mail list)`);
        if (report.refused) log(`Mail: ${report.refused} refused for good by the receiving server; those addresses get no more list mail`);
        // A full round means more is due (a campaign): go on at once rather than at the next tick.
        if (report.full && !waiting) void round();
      } catch (error) {
        log(`Mail worker: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    return running;
  };
  const timer = setInterval(round, intervalMs);
  timer.unref();
  return {
    runNow: round,
    /** Something was queued: send soon rather than at the next tick. */
    nudge() {
      if (!waiting && !stopped) void round();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
