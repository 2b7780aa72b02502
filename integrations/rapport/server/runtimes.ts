import type { FeatureContext, FeatureRuntime, Job, PageView, RequestHandler, RuntimeEnv } from '../core/feature.ts';
import type { Services } from '../core/services.ts';
import { pruneExpired } from '../core/store/prune.ts';
import { activeFeatures } from '../features/declared.ts';

/** Sign-ups nobody confirmed, expired tokens and rate-limit counters: core's own recurring work. */
const PRUNE: Job = { name: 'expired sign-ups', everyMs: 10 * 60_000, dev: false, run: (s) => pruneExpired(s.db, s.config.crm.signupExpiryHours) };

/** The server side of every enabled feature, started in list order, and what they add up to. */
export interface Runtimes {
  jobs: Job[];
  handlers: RequestHandler[];
  /** Reads each feature's artefacts from a build (at start and on every publish). */
  load(buildDir: string): Promise<void>;
  /** After a publish made `buildDir` live. */
  published(buildDir: string): Promise<void>;
  /** Some feature commits content that goes live by rebuilding the site. */
  publishes: boolean;
  /** The jobs to run at once after a post to `formPath` was accepted. */
  afterAccepted(formPath: string): string[];
  devRefresh(formPath: string, devOrigin: string): Promise<void>;
  /** Hands an answer sent to the features that watch the traffic; undefined when none does (nothing to collect). */
  viewed: ((view: PageView) => void) | undefined;
  /** Lets each feature write what it holds, before the store closes. */
  stop(): Promise<void>;
}

export async function startRuntimes(ctx: FeatureContext, services: Services, env: RuntimeEnv, without: readonly string[] = []): Promise<Runtimes> {
  const runtimes: FeatureRuntime[] = [];
  for (const feature of activeFeatures(ctx).filter((f) => !without.includes(f.id))) {
    const runtime = await feature.runtime?.();
    if (!runtime) continue;
    await runtime.start?.(services, env);
    runtimes.push(runtime);
  }
  const jobs = [PRUNE, ...runtimes.flatMap((r) => r.jobs ?? [])].filter((j) => !env.dev || j.dev);
  const watchers = runtimes.filter((r) => r.viewed);
  return {
    jobs,
    handlers: runtimes.flatMap((r) => r.handlers ?? []).filter((h) => env.dev || !h.devOnly),
    async load(buildDir) {
      for (const r of runtimes) await r.load?.(buildDir, services);
    },
    async published(buildDir) {
      for (const r of runtimes) await r.published?.(buildDir, services);
    },
    publishes: runtimes.some((r) => r.publishes?.(services) ?? false),
    afterAccepted: (formPath) => runtimes.flatMap((r) => r.afterAccepted?.(formPath) ?? []),
    async devRefresh(formPath, devOrigin) {
      for (const r of runtimes) await r.devRefresh?.(formPath, devOrigin, services);
    },
    viewed: watchers.length
      ? (view) => {
          for (const r of watchers) r.viewed!(view, services);
        }
      : undefined,
    async stop() {
      for (const r of runtimes) await r.stop?.(services).catch((error: unknown) => services.log(`A feature could not finish stopping: ${String(error)}`));
    },
  };
}

/** The handler for a request, if a feature answers it. */
export function findHandler(handlers: readonly RequestHandler[], method: string, pathname: string): RequestHandler | undefined {
  return handlers.find(
    (h) => (h.method === method || (h.method === 'GET' && method === 'HEAD')) && (typeof h.path === 'string' ? h.path === pathname : h.path.test(pathname)),
  );
}

/** Whether any handler answers this path, whatever the method (so other methods get 405). */
export const handlesPath = (handlers: readonly RequestHandler[], pathname: string) =>
  handlers.some((h) => (typeof h.path === 'string' ? h.path === pathname : h.path.test(pathname)));
