import { fileURLToPath } from 'node:url';
import type { RapportConfig } from '../../config/schema.ts';
import type { ConsoleSection, RapportFeature } from '../../core/feature.ts';
import { winbackPrivacy } from './privacy.ts';

/**
 * Whether the site has personal notes (the console's lapsed list and contact pages link them when
 * it has): they need the console (accounts), orders, and the newsletter's one-click unsubscribe page;
 * and the after-sale mail, whose purpose (and its place in the privacy statement) they share.
 */
export const winbackOn = (config: RapportConfig): boolean =>
  config.crm.accounts && config.crm.orders.enabled && config.crm.orders.followUp.enabled && (config.features.newsletter || config.crm.subscribe);

const file = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

/**
 * Win-back (issue 23): staff write a short personal note to a good customer who stopped buying,
 * one at a time, from a template per language they edit, sent only within consent (consent.ts),
 * once per form (note.ts), with one-click unsubscribe. Staff-side only: its pages are in the
 * console, for the roles that may mail customers (`campaigns`: customer service and admins).
 */
export const winbackFeature: RapportFeature = {
  id: 'winback',
  enabled: ({ config, server }) => server && winbackOn(config),
  privacy: () => [winbackPrivacy()],
  console: (): ConsoleSection[] => [
    {
      id: 'winback',
      label: 'Personal notes',
      path: '/admin/crm/winback',
      order: 65,
      permission: 'campaigns',
      pages: [
        { pattern: '/admin/crm/winback', entrypoint: file('routes/templates.astro') },
        { pattern: '/admin/crm/winback/[id]', entrypoint: file('routes/note.astro') },
      ],
    },
  ],
};
