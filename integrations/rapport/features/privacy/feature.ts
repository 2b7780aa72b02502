import type { RapportFeature } from '../../core/feature.ts';

/**
 * The privacy statement's builder. Always on: `/privacy` is drawn from what the other enabled
 * features declare (their `privacy()`), so the integration injects it once the statement is built.
 */
export const privacyFeature: RapportFeature = {
  id: 'privacy',
  enabled: () => true,
};
