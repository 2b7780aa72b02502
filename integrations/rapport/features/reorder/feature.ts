import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RapportFeature } from '../../core/feature.ts';
import { reorderConsentEndpoint } from './consent.ts';
import { reorderPrivacy } from './privacy.ts';
import type { OrderingWindow } from './seasons.ts';
import { loadOrderingWindows, ORDERING_WINDOWS_FILE, SERVER_WINDOWS_FILE } from './settings.ts';

// Its public entry for other features: the settings the CMS edits.
export { ORDERING_WINDOWS_FILE, orderingWindowsSchema } from './settings.ts';

/**
 * Reorder reminders (one mail per customer and season, before the season's ordering window
 * closes, with a link that fills the cart again) and "Order again" on the account page. On when
 * orders are, and the options turn it on (`crm.orders.reorder`).
 */
export const reorderFeature: RapportFeature = {
  id: 'reorder',
  enabled: ({ config }) => config.crm.orders.enabled && config.crm.orders.reorder.enabled,
  routes: () => [
    // The page a reminder's link or an "order again" button opens: `/reorder?items=…`, `/fr/reorder?items=…`.
    { pattern: '/reorder', entrypoint: fileURLToPath(new URL('./routes/reorder.astro', import.meta.url)), private: true, localized: true },
  ],
  // The account page's reminder choice (express consent, or a refusal): accounts only.
  forms: ({ config }) => (config.crm.accounts ? [reorderConsentEndpoint] : []),
  accountSections: () => [{ id: 'reorder', entrypoint: fileURLToPath(new URL('./account/OrderAgainSection.astro', import.meta.url)), order: 25 }],
  privacy: ({ config }) => [reorderPrivacy(config)],
  // The editor's windows, checked once at build time and handed to the server with the build.
  async afterBuild({ config, root, serverDir }) {
    const file = fileURLToPath(new URL(ORDERING_WINDOWS_FILE, new URL(`${config.contentDir.replace(/\/*$/, '/')}`, root)));
    const windows = loadOrderingWindows(file);
    if (serverDir) await writeFile(path.join(serverDir, SERVER_WINDOWS_FILE), JSON.stringify({ windows }));
  },
  runtime: async () => {
    const { sendDueReorderReminders, forgetOldReminders } = await import('./reminders.ts');
    return {
      load(buildDir, s) {
        const file = path.join(buildDir, 'server', SERVER_WINDOWS_FILE);
        s.orderingWindows = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { windows: OrderingWindow[] }).windows : [];
      },
      jobs: [
        // Daily work, run hourly: a restart or a server that was down loses no day.
        { name: 'reorder reminders', everyMs: 60 * 60_000, dev: false, run: (s) => sendDueReorderReminders(s) },
        { name: 'old reorder reminders', everyMs: 24 * 60 * 60_000, dev: false, run: (s) => forgetOldReminders(s) },
      ],
    };
  },
};
