import { describeError } from '../core/errors.ts';
import type { Job } from '../core/feature.ts';
import type { Services } from '../core/services.ts';

export interface JobRunner {
  /** Runs a job now (waits for a run in progress, then runs once more; calls in between share that run). */
  run(name: string): Promise<void>;
  /** Runs every job once, in order (at start and after a publish). */
  runAll(): Promise<void>;
  /** Stops the timers and waits for runs in progress. */
  stop(): Promise<void>;
}

/** The first retry of a failed run; each failure after it doubles the wait, up to the job's own interval. */
export const FIRST_RETRY_MS = 2_000;

/**
 * The server's background work: each job on its own interval, never overlapping itself, its
 * failures logged and its work kept, and `onWork` told when a run reports work done (a positive
 * number: mail was queued, so the mail worker can start at once). A failed run is tried again
 * soon (2 s, 4 s, 8 s… never later than its next round): a job every ten minutes that lost a
 * race with another server's push should not leave a visitor's question waiting ten minutes.
 */
export function startJobs(jobs: readonly Job[], services: Services, options: { onWork?: () => void; firstRetryMs?: number } = {}): JobRunner {
  const firstRetry = options.firstRetryMs ?? FIRST_RETRY_MS;
  const retries = new Map<string, { failures: number; timer?: NodeJS.Timeout | undefined }>();
  let stopped = false;
  const flights = new Map(
    jobs.map((job) => [
      job.name,
      singleFlight(async () => {
        const retry = retries.get(job.name) ?? { failures: 0 };
        retries.set(job.name, retry);
        clearTimeout(retry.timer);
        retry.timer = undefined;
        try {
          const done = await job.run(services);
          retry.failures = 0;
          if (typeof done === 'number' && done > 0) options.onWork?.();
        } catch (error) {
          retry.failures++;
          const wait = Math.min(job.everyMs, firstRetry * 2 ** (retry.failures - 1));
          services.log(`${job.name}: failed, kept and tried again in ${wait < 1000 ? `${wait} ms` : `${Math.round(wait / 1000)} s`}: ${describeError(error)}`);
          if (!stopped) retry.timer = setTimeout(() => void flights.get(job.name)!(), wait).unref();
        }
      }),
    ]),
  );
  const timers = jobs.map((job) => setInterval(() => void flights.get(job.name)!(), job.everyMs).unref());
  return {
    run: (name) => flights.get(name)?.() ?? Promise.resolve(),
    async runAll() {
      for (const flight of flights.values()) await flight();
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      for (const retry of retries.values()) clearTimeout(retry.timer);
      await Promise.all([...flights.values()].map((flight) => flight.idle()));
    },
  };
}

/** Runs `task` at most once at a time; a call during a run waits for the next run, and calls coalesce. */
function singleFlight(task: () => Promise<void>): (() => Promise<void>) & { idle(): Promise<void> } {
  let running: Promise<void> | undefined;
  let again: Promise<void> | undefined;
  const start = (): Promise<void> => (running = task().finally(() => (running = undefined)));
  const call = () => {
    if (!running) return start();
    again ??= running.then(() => {
      again = undefined;
      return start();
    });
    return again;
  };
  return Object.assign(call, { idle: async () => void (await (again ?? running)) });
}
