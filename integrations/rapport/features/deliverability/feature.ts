import type { RapportFeature } from '../../core/feature.ts';
import { deliverabilityPrivacy } from './privacy.ts';

/**
 * Bounces and complaints reported by sending services' webhooks (Mailgun, SendGrid), recorded as
 * delivery events: they keep list mail away from addresses that refuse it. On wherever lists are
 * (`crm.subscribe`). Reports saved as `.eml` files are read by `npx rapport mail bounces` (core).
 */
export const deliverabilityFeature: RapportFeature = {
  id: 'deliverability',
  enabled: ({ config }) => config.crm.subscribe,
  privacy: () => [deliverabilityPrivacy()],
  runtime: async () => (await import('./runtime.ts')).deliverabilityRuntime(),
};
