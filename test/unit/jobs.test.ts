import { describe, expect, it } from 'vitest';
import type { Services } from '../../integrations/rapport/core/services.ts';
import { startJobs } from '../../integrations/rapport/server/jobs.ts';

// The job runner on its own, with real timers kept short: what a failed run leads to.
const services = (lines: string[]) => ({ log: (line: string) => lines.push(line) }) as unknown as Services;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('background jobs', () => {
  it('tries a failed run again soon, waiting twice as long after each failure, and stops retrying once it succeeds', async () => {
    const lines: string[] = [];
    const runs: number[] = [];
    const started = Date.now();
    const runner = startJobs(
      [
        {
          name: 'drafts',
          everyMs: 600_000,
          dev: false,
          run: async () => {
            runs.push(Date.now() - started);
            if (runs.length <= 2) throw new Error(`push refused (${runs.length})`);
            return 0;
          },
        },
      ],
      services(lines),
      { firstRetryMs: 40 },
    );
    await runner.run('drafts');
    await sleep(400);
    await runner.stop();
    // The first run, a retry 40 ms later, one 80 ms after that, and then nothing until the next round (ten minutes).
    expect(runs).toHaveLength(3);
    expect(runs[1]! - runs[0]!).toBeGreaterThanOrEqual(35);
    expect(runs[2]! - runs[1]!).toBeGreaterThanOrEqual(75);
    expect(lines).toEqual([
      expect.stringContaining('drafts: failed, kept and tried again in 40 ms: Error: push refused (1)'),
      expect.stringContaining('tried again in 80 ms: Error: push refused (2)'),
    ]);
  });

  it('never waits longer than the job’s own interval, and retries nothing after stopping', async () => {
    const lines: string[] = [];
    let runs = 0;
    const runner = startJobs(
      [
        {
          name: 'always failing',
          everyMs: 60,
          dev: false,
          run: async () => {
            runs++;
            throw new Error('store down');
          },
        },
      ],
      services(lines),
      { firstRetryMs: 1_000 },
    );
    await runner.run('always failing');
    await sleep(250);
    // A retry 1 s away is capped at the 60 ms interval: several runs in 250 ms, not one.
    expect(runs).toBeGreaterThanOrEqual(3);
    await runner.stop();
    const after = runs;
    await sleep(200);
    expect(runs).toBe(after);
  });
});
