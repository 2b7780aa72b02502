import type { RapportConfig } from '../config/schema.ts';
import type { Services } from '../core/services.ts';
import { createLimiters, type RateLimitSettings } from '../core/security/rate-limit.ts';
import { loadSecret } from '../core/security/secret.ts';
import { systemClock, type Clock } from '../core/store/contacts.ts';
import type { Store } from '../core/store/open-store.ts';

/**
 * The one composition root: the services every handler, job and page is given, built the same
 * way by the server, the dev server and the CLI. Features add theirs when their runtime starts.
 */
export function createServices(
  store: Store,
  options: {
    config: RapportConfig;
    /** Absolute links in mail start with this (`SITE_URL`, else the built site's URL). */
    site: string;
    secret: string | undefined;
    secretFile: string;
    privacyVersion: string;
    rateLimits?: Partial<RateLimitSettings> | undefined;
    log?: ((message: string) => void) | undefined;
    /** What time it is; a test or a demo runs the server at a chosen time. @default the system clock */
    clock?: Clock | undefined;
  },
): Services {
  return {
    db: store.db,
    dialect: store.dialect,
    clock: options.clock ?? systemClock,
    config: options.config,
    site: new URL(options.site),
    secret: loadSecret({ env: options.secret, file: options.secretFile }),
    privacyVersion: options.privacyVersion,
    limits: createLimiters(store.db, options.rateLimits),
    log: options.log ?? ((message) => console.error(message)),
  };
}
