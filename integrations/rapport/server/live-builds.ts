import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface BuildStatus {
  state: 'idle' | 'scheduled' | 'building' | 'live' | 'failed';
  /** The build folder now served. */
  live: string;
  startedAt?: string | undefined;
  finishedAt?: string | undefined;
  /** Seconds from the publish that triggered it to the switch (or the failure). */
  seconds?: number | undefined;
  /** The end of the failed build's output. */
  log?: string | undefined;
  /** Seconds the last successful publish took; kept while the next one builds, so editors get an estimate. */
  lastLiveSeconds?: number | undefined;
}

/**
 * Publishing to live: each publish schedules a build of the project into a fresh folder
 * (debounced, one at a time); when it succeeds the server switches to it in one step, so a
 * visitor never sees a half-built site. A failed build leaves the live site as it was.
 */
export function liveBuilds(options: {
  root: string;
  buildsDir: string;
  initial: string;
  debounceMs?: number;
  /** Loads the new build and makes it live; throws if it cannot. */
  switchTo: (dir: string) => Promise<void>;
  log: (message: string) => void;
}) {
  // The project's own Astro; else the one Rapport runs with (resolved when a build starts).
  const astroBin = () => {
    const from = (base: string) => path.join(path.dirname(createRequire(base).resolve('astro/package.json')), 'bin', 'astro.mjs');
    try {
      return from(path.join(options.root, 'package.json'));
    } catch {
      return from(import.meta.url);
    }
  };
  const status: BuildStatus = { state: 'idle', live: options.initial };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let requestedAt = 0;

  async function build(): Promise<void> {
    const started = requestedAt;
    const dir = path.join(options.buildsDir, new Date().toISOString().replace(/[:.]/g, '-'));
    await mkdir(options.buildsDir, { recursive: true });
    Object.assign(status, { state: 'building', startedAt: new Date().toISOString(), finishedAt: undefined, seconds: undefined, log: undefined });
    const logFile = `${dir}.log`;
    const code = await new Promise<number | null>((resolve) => {
      const out = createWriteStream(logFile);
      const child = spawn(process.execPath, [astroBin(), 'build', '--outDir', dir], { cwd: options.root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.pipe(out, { end: false });
      child.stderr.pipe(out, { end: false });
      child.on('error', () => resolve(null));
      child.on('close', (c) => out.end(() => resolve(c)));
    });
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    if (code !== 0) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      Object.assign(status, { state: 'failed', finishedAt: new Date().toISOString(), seconds, log: log.slice(-8_000) });
      options.log(`Publishing failed: the build exited with ${code}; the live site is unchanged. Log: ${logFile}`);
      await rm(dir, { recursive: true, force: true });
      return;
    }
    try {
      await options.switchTo(dir);
    } catch (error) {
      Object.assign(status, { state: 'failed', finishedAt: new Date().toISOString(), seconds, log: String(error) });
      return;
    }
    const previous = status.live;
    Object.assign(status, { state: 'live', live: dir, finishedAt: new Date().toISOString(), seconds, lastLiveSeconds: seconds });
    options.log(`Published: the new build is live (${seconds} s from publish to live).`);
    await prune(options.buildsDir, [dir, previous]);
  }

  function run() {
    running = build()
      .catch((error: unknown) => options.log(`Publishing failed: ${String(error)}`))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        }
      });
  }

  return {
    status,
    /** A publish happened: build soon. Publishes in quick succession make one build. */
    schedule() {
      if (!requestedAt || status.state !== 'scheduled') requestedAt = Date.now();
      if (status.state !== 'building') status.state = 'scheduled';
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (running) again = true;
        else run();
      }, options.debounceMs ?? 1_500);
      timer.unref();
    },
    /** Waits for the scheduled and running builds (tests, shutdown). */
    async settled(): Promise<void> {
      while (status.state === 'scheduled' || status.state === 'building' || running) await (running ?? new Promise((r) => setTimeout(r, 50)));
    },
    /** Cancels a scheduled build (a running one finishes; `settled` waits for it). */
    stop() {
      clearTimeout(timer);
      again = false;
      if (status.state === 'scheduled') status.state = running ? 'building' : 'idle';
    },
  };
}

/** Keeps the live and the previous build; removes older ones. */
async function prune(dir: string, keep: string[]) {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names
      .map((n) => path.join(dir, n))
      .filter((p) => !keep.some((k) => p === k || p === `${k}.log`))
      .map((p) => rm(p, { recursive: true, force: true })),
  );
}
