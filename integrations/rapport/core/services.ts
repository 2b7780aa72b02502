import type { Kysely } from 'kysely';
import type { RapportConfig } from '../config/schema.ts';
import type { Limiters } from './security/rate-limit.ts';
import type { Clock } from './store/contacts.ts';
import type { Dialect } from './store/open-store.ts';
import type { Database } from './store/schema.ts';

declare global {
  // Features add what they put on the services here, next to their own code (the way Starlight's
  // `StarlightApp` and h3's `H3EventContext` are extended), so core never names a feature.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Rapport {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface FeatureServices {}
  }
}

/**
 * What every form handler, job and server-rendered page is given: the store and its companions,
 * plus what enabled features contribute (`Rapport.FeatureServices`). Built once per process by
 * the server's composition root.
 */
export interface Services extends Rapport.FeatureServices {
  db: Kysely<Database>;
  dialect: Dialect;
  clock: Clock;
  config: RapportConfig;
  /** The configured site URL; every absolute link in mail is built from it, never from headers. */
  site: URL;
  /** Signing key (`RAPPORT_SECRET`). */
  secret: string;
  /** The privacy statement's version this build shows (recorded with every consent). */
  privacyVersion: string;
  limits: Limiters;
  log: (message: string) => void;
}
