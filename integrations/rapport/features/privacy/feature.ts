import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RapportFeature, SharedContent } from '../../core/feature.ts';
import { describeError } from '../../core/errors.ts';
import { commitIfRepository, noBuildNeeded } from '../../internal/git.ts';
import { readBuildInfo } from '../../core/build-info.ts';
import type { Period } from '../../core/privacy/personal-data.ts';
import { PRIVACY_HISTORY_FILE } from './history.ts';
import { personalDeclarations } from './personal-declarations.ts';
import { retentionJob } from './retention-job.ts';
import { deleteAccountEndpoint, detailsEndpoint } from './rights/account-forms.ts';
import { rightsPrivacy } from './rights/declaration.ts';
import { deleteByLinkEndpoint, openLinkEndpoint, requestEndpoint } from './rights/link-forms.ts';
import { rightsResultPages } from './rights/result-pages.ts';

// Its public entry for other features: the settings the CMS edits.
export { PRIVACY_SETTINGS_FILE, privacySettingsSchema } from './settings.ts';

const rights = (file: string) => fileURLToPath(new URL(`./rights/${file}`, import.meta.url));

/**
 * The privacy statement's builder. Always on: `/privacy` is drawn from what the other enabled
 * features declare (their `privacy()`), so the integration injects it once the statement is built.
 * With a server, it also takes the rights people use alone (`rights/`): a copy of their data,
 * corrections and erasure, from the account page or through a link mailed from `/privacy/request`.
 */
export const privacyFeature: RapportFeature = {
  id: 'privacy',
  enabled: () => true,
  routes: ({ config, server }) =>
    server
      ? [
          { pattern: '/privacy/request', entrypoint: rights('routes/request.astro'), private: true, localized: true },
          { pattern: '/privacy/my-data', entrypoint: rights('routes/my-data.astro'), private: true, localized: true },
          { pattern: '/privacy/my-data/download', entrypoint: rights('routes/link-download.astro'), private: true, localized: true },
          ...(config.crm.accounts
            ? [{ pattern: '/account/my-data', entrypoint: rights('routes/account-download.astro'), private: true, localized: true }]
            : []),
        ]
      : [],
  forms: ({ config, server }) =>
    server ? [requestEndpoint, openLinkEndpoint, deleteByLinkEndpoint, ...(config.crm.accounts ? [detailsEndpoint, deleteAccountEndpoint] : [])] : [],
  resultPages: ({ config, server }, say) => (server ? rightsResultPages(config, say) : {}),
  accountSections: ({ config }) => (config.crm.accounts ? [{ id: 'your-information', entrypoint: rights('account/YourInformation.astro'), order: 90 }] : []),
  // Requests people made, with their due dates; a contact's data as JSON, and erasure for admins, from their page.
  console: () => [
    {
      id: 'privacy',
      label: 'Privacy requests',
      path: '/admin/crm/privacy',
      order: 85,
      permission: 'contacts',
      pages: [
        { pattern: '/admin/crm/privacy', entrypoint: rights('console/requests.astro') },
        { pattern: '/admin/crm/privacy/contacts/[id]', entrypoint: rights('console/contact-data.astro') },
      ],
      today: rights('today.ts'),
    },
  ],
  privacy: (ctx) => (ctx.server ? [rightsPrivacy(ctx)] : []),
  runtime: async () => {
    let contentDir = '';
    let shared: SharedContent | undefined;
    // The live build's retention periods (the editor's settings as the statement prints them); a publish replaces them.
    let periods: Partial<Record<string, Period>> = {};
    return {
      load(buildDir) {
        periods = readBuildInfo(buildDir).retention ?? {};
      },
      jobs: [retentionJob(() => periods)],
      async start(s, env) {
        contentDir = path.join(env.projectRoot, s.config.contentDir);
        shared = env.shared;
        s.personalData = personalDeclarations(s.config);
      },
      // A published build may have added a version to the history (an editor changed the settings, or
      // a feature now collects more): commit it with the content, so it outlives this server's working copy.
      async published(_buildDir, s) {
        const file = path.join(contentDir, PRIVACY_HISTORY_FILE);
        if (!existsSync(file)) return;
        // The build that wrote it shows it already, as does every other server's build of the same content.
        const commit = () => commitIfRepository(path.dirname(file), path.basename(file), noBuildNeeded(`Privacy statement: version ${s.privacyVersion}`));
        // Every server builds the same commit: the first to push records the version, the others' identical commit is dropped.
        await (shared ? shared.write(commit) : commit()).catch((error: unknown) =>
          s.log(`The privacy statement's history could not be committed (it is kept in ${file}): ${describeError(error)}`),
        );
      },
    };
  },
};
