import type { RapportConfig } from '../../config/schema.ts';

/**
 * Reminders need Rapport's server, the store and mail, and pages with care dates: on with the
 * product catalogue or the FAQ, wherever the site takes sign-ups (`crm.subscribe`, the switch the
 * other double opt-in forms go by; it reads as off on a static site).
 */
export const careRemindersOn = (config: RapportConfig) => config.crm.subscribe && (config.features.products || config.features.faq);
