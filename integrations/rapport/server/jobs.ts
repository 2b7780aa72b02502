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

/**
 * The server's background work: each job on its own interval, never overlapping itself, its
 * failures logged (the work is kept and retried next round), and `onWork` told when a run
 * reports work done (a positive number: mail was queued, so the mail worker can start at once).
 */
export function startJobs(jobs: readonly Job[], services: Services, options: { onWork?: () => void } = {}): JobRunner {
  const flights = new Map(
    jobs.map((job) => [
      job.name,
      singleFlight(async () => {
        try {
          const done = await job.run(services);
          if (typeof done === 'number' && done > 0) options.onWork?.();
        } catch (error) {
          services.log(`${job.name}: failed, kept and retried next round: ${describeError(error)}`);
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
      for (const timer of timers) clearInterval(timer);
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
