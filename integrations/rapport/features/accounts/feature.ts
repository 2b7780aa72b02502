import { fileURLToPath } from 'node:url';
import type { RapportFeature } from '../../core/feature.ts';
import { accountsPrivacy } from './privacy.ts';
import { registerEndpoint } from './register.ts';
import { accountResultPages } from './result-pages.ts';
import { accountListsEndpoint, signInConfirmEndpoint, signInEndpoint, signOutEndpoint } from './sign-in.ts';

const route = (file: string) => fileURLToPath(new URL(`./routes/${file}`, import.meta.url));

/** Accounts without passwords: registration, sign-in by e-mailed link, the account page. */
export const accountsFeature: RapportFeature = {
  id: 'accounts',
  enabled: ({ config }) => config.crm.accounts,
  routes: () => [
    // Registering, signing in and the account page (drawn by several features' sections), in each locale (`/fr/account/`).
    { pattern: '/account', entrypoint: route('index.astro'), private: true, localized: true },
    { pattern: '/account/register', entrypoint: route('register.astro'), private: true, localized: true },
    { pattern: '/account/sign-in', entrypoint: route('sign-in.astro'), private: true, localized: true },
    { pattern: '/account/sign-in/confirm', entrypoint: route('sign-in-confirm.astro'), private: true, localized: true },
  ],
  console: () => [
    {
      id: 'staff',
      label: 'Staff',
      path: '/admin/crm/staff',
      order: 90,
      permission: 'staff',
      pages: [{ pattern: '/admin/crm/staff', entrypoint: fileURLToPath(new URL('./console/staff.astro', import.meta.url)) }],
    },
  ],
  forms: () => [registerEndpoint, signInEndpoint, signInConfirmEndpoint, signOutEndpoint, accountListsEndpoint],
  resultPages: ({ config }, say) => accountResultPages(config, say),
  privacy: ({ config }) => [accountsPrivacy(config)],
  runtime: async () => ({ commands: [(await import('./commands.ts')).usersCommand] }),
};
