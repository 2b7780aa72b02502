import { fileURLToPath } from 'node:url';
import type { RapportFeature } from '../../core/feature.ts';
import { visitsPrivacy } from './privacy.ts';

/** How often a server writes its counts: the most a page view waits before the console shows it. */
const FLUSH_MS = 5_000;

const file = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

/**
 * Visit counts without cookies or personal data (count.ts): the server adds each page it sends
 * to per-day totals, and the console's Visits page shows them with charts. On with the server
 * unless `crm.visits.enabled` is false; its page is in the console, so it needs accounts.
 */
export const visitsFeature: RapportFeature = {
  id: 'visits',
  enabled: ({ config, server }) => server && config.crm.visits.enabled,
  console: ({ config }) =>
    config.crm.accounts
      ? [
          {
            id: 'visits',
            label: 'Visits',
            path: '/admin/crm/visits',
            order: 55,
            permission: 'console',
            pages: [{ pattern: '/admin/crm/visits', entrypoint: file('routes/visits.astro') }],
          },
          {
            id: 'gaps',
            label: 'Content gaps',
            path: '/admin/crm/gaps',
            order: 56,
            permission: 'console',
            pages: [{ pattern: '/admin/crm/gaps', entrypoint: file('routes/gaps.astro') }],
          },
        ]
      : [],
  privacy: () => [visitsPrivacy()],
  runtime: async () => {
    const { VisitCounter } = await import('./count.ts');
    // One per server: what it counted since it last wrote, added to the store's totals every few seconds.
    let counter: InstanceType<typeof VisitCounter> | undefined;
    return {
      async start(s, env) {
        if (env.dev) return;
        const mine = new VisitCounter({ ownHost: s.site.hostname, perAddressPerMinute: s.config.crm.visits.perAddressPerMinute });
        counter = mine;
        // The search page tells it about searches that found nothing (what visitors did not find).
        s.searchMissed = (query, userAgent) => void mine.searchMissed(query, userAgent, s.clock());
      },
      viewed: (view, s) => void counter?.record(view, s.clock()),
      jobs: [{ name: 'visit counts', everyMs: FLUSH_MS, dev: false, run: (s) => counter?.flush(s.db) ?? Promise.resolve(0) }],
      // What the last seconds counted is written before the store closes.
      stop: async (s) => void (await counter?.flush(s.db)),
    };
  },
};

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Rapport {
    interface FeatureServices {
      /** A search on the site found nothing (the search page calls it; visit counts keep the words, tidied, per day). */
      searchMissed?: ((query: string, userAgent: string | undefined) => void) | undefined;
    }
  }
}
