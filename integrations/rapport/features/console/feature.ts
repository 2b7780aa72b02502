import { fileURLToPath } from 'node:url';
import type { ConsoleSection, RapportFeature } from '../../core/feature.ts';
import { consolePrivacy } from './privacy.ts';

// Its public entry for other features: the customer segments a campaign can be sent to.
export { SEGMENTS, segmentById, segmentMemberIds } from './segment-lists.ts';

const file = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));
const page = (pattern: string, route: string) => ({ pattern, entrypoint: file(`routes/${route}`) });

/**
 * The staff console at `/admin/crm/`: its frame (the Today page, the audit log) and the sections
 * about people as a whole (contacts, segments, outgoing mail). Orders, messages, questions and
 * staff accounts are drawn by the features that own them, through their own `console` sections.
 * It needs sign-in, so it exists when accounts do.
 */
export const consoleFeature: RapportFeature = {
  id: 'console',
  enabled: ({ config, server }) => server && config.crm.accounts,
  hostsConsole: true,
  privacy: () => [consolePrivacy()],
  console: (): ConsoleSection[] => [
    { id: 'today', label: 'Today', path: '/admin/crm/', order: 0, permission: 'console', pages: [page('/admin/crm', 'index.astro')], today: file('today.ts') },
    {
      id: 'contacts',
      label: 'Contacts',
      path: '/admin/crm/contacts/',
      order: 10,
      permission: 'contacts',
      pages: [
        page('/admin/crm/contacts', 'contacts/list.astro'),
        page('/admin/crm/contacts/export.csv', 'contacts/export-csv.astro'),
        page('/admin/crm/contacts/[id]', 'contacts/contact.astro'),
        // Admins only (the page checks 'import'); the report page sends the checked file back, so it takes bodies up to 2 MB (the server refuses more with 413).
        { ...page('/admin/crm/contacts/import', 'contacts/import.astro'), maxBodyBytes: 2 * 1024 * 1024 },
      ],
    },
    {
      id: 'segments',
      label: 'Segments',
      path: '/admin/crm/segments',
      order: 60,
      permission: 'segments',
      pages: [
        page('/admin/crm/segments', 'segments/index.astro'),
        page('/admin/crm/segments/[segment]', 'segments/segment.astro'),
        page('/admin/crm/segments/[segment]/export.csv', 'segments/export.astro'),
      ],
      today: file('segments-today.ts'),
    },
    { id: 'mail', label: 'Mail', path: '/admin/crm/mail', order: 70, permission: 'mail', pages: [page('/admin/crm/mail', 'mail.astro')] },
    { id: 'audit', label: 'Audit log', path: '/admin/crm/audit', order: 95, permission: 'audit', pages: [page('/admin/crm/audit', 'audit.astro')] },
  ],
};
