import { fileURLToPath } from 'node:url';
import type { RapportFeature } from '../../core/feature.ts';
import { contactEndpoint } from './message.ts';
import { contactPrivacy } from './privacy.ts';
import { contactResultPages } from './result-pages.ts';

const file = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

/** The contact form: enquiries on the contact's timeline, answered by staff with Reply, and the console's inbox of them. */
export const contactFeature: RapportFeature = {
  id: 'contact',
  enabled: ({ config }) => config.crm.contactForm,
  routes: () => [{ pattern: '/contact/message', entrypoint: file('routes/message.astro'), private: true, localized: true }],
  console: () => [
    {
      id: 'messages',
      label: 'Messages',
      path: '/admin/crm/messages/',
      order: 30,
      permission: 'messages',
      pages: [
        { pattern: '/admin/crm/messages', entrypoint: file('console/messages.astro') },
        { pattern: '/admin/crm/messages/[id]', entrypoint: file('console/message.astro') },
      ],
      today: file('today.ts'),
    },
  ],
  forms: () => [contactEndpoint],
  resultPages: ({ config }, say) => contactResultPages(config, say),
  privacy: () => [contactPrivacy()],
};
