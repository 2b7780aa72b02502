import { fileURLToPath } from 'node:url';
import type { RapportFeature } from '../../core/feature.ts';
import { contactEndpoint } from './message.ts';
import { contactPrivacy } from './privacy.ts';
import { contactResultPages } from './result-pages.ts';

/** The contact form: enquiries on the contact's timeline, answered by staff with Reply. */
export const contactFeature: RapportFeature = {
  id: 'contact',
  enabled: ({ config }) => config.crm.contactForm,
  routes: () => [{ pattern: '/contact/message', entrypoint: fileURLToPath(new URL('./routes/message.astro', import.meta.url)), private: true }],
  forms: () => [contactEndpoint],
  resultPages: ({ config }) => contactResultPages(config),
  privacy: () => [contactPrivacy()],
};
