import { fileURLToPath } from 'node:url';
import type { RapportFeature } from '../../core/feature.ts';
import { ISSUES_ROUTE_FILE, readIssues, writeIssuesForServer } from './issue-file.ts';
import { newsletterPrivacy } from './privacy.ts';
import { preferencesEndpoint } from './preferences.ts';
import { newsletterResultPages } from './result-pages.ts';
import { confirmEndpoint, subscribeEndpoint } from './subscribe.ts';
import { unsubscribeEndpoint } from './unsubscribe.ts';

// Its public entry for other features: the list choice on the account page, and the unsubscribe
// and preferences links every mail to a list member carries.
export { accountListsForm, applyListChoice } from './preferences.ts';
export { listMailLinks } from './list-links.ts';

const route = (file: string) => fileURLToPath(new URL(`./routes/${file}`, import.meta.url));
const consoleRoute = (file: string) => fileURLToPath(new URL(`./console/${file}`, import.meta.url));

/** The newsletter's archive and feed (`features.newsletter`) and its double opt-in lists (`crm.subscribe`). */
export const newsletterFeature: RapportFeature = {
  id: 'newsletter',
  enabled: ({ config }) => config.features.newsletter || config.crm.subscribe,
  routes: ({ config, server }) => [
    ...(config.crm.subscribe
      ? [
          // In each locale: a French page posts to `/fr/subscribe`, and the answer, the mail's links and the pages after stay French.
          { pattern: '/subscribe', entrypoint: route('subscribe.astro'), private: true, localized: true },
          { pattern: '/subscribe/confirm', entrypoint: route('subscribe-confirm.astro'), private: true, localized: true },
          { pattern: '/subscribe/preferences', entrypoint: route('preferences.astro'), private: true, localized: true },
          { pattern: '/unsubscribe', entrypoint: route('unsubscribe.astro'), private: true, localized: true },
        ]
      : []),
    ...(config.features.newsletter
      ? [
          // In each locale: the issues written in it, and a feed of them (`/fr/newsletter/rss.xml`).
          { pattern: '/newsletter', entrypoint: route('index.astro'), localized: true },
          { pattern: '/newsletter/[slug]', entrypoint: route('[slug].astro'), localized: true },
          { pattern: '/newsletter/rss.xml', entrypoint: route('rss.xml.ts'), localized: true },
        ]
      : []),
    // The issues for the server to send as campaigns: written by the build, then moved out of the public folder.
    ...(config.features.newsletter && server ? [{ pattern: `/${ISSUES_ROUTE_FILE}`, entrypoint: route('issues.json.ts'), private: true }] : []),
  ],
  // Campaigns in the staff console: the issues, a preview of the e-mail, a test to oneself, sending and its progress.
  console: () => [
    {
      id: 'campaigns',
      label: 'Campaigns',
      path: '/admin/crm/campaigns',
      order: 50,
      permission: 'campaigns',
      pages: [
        { pattern: '/admin/crm/campaigns', entrypoint: consoleRoute('campaigns.astro') },
        { pattern: '/admin/crm/campaigns/[slug]', entrypoint: consoleRoute('campaign.astro') },
        { pattern: '/admin/crm/campaigns/[slug]/mail', entrypoint: consoleRoute('campaign-mail.astro') },
        { pattern: '/admin/crm/campaigns/[slug]/sends/[id]', entrypoint: consoleRoute('campaign-send.astro') },
      ],
    },
  ],
  siteMap: () => ({ entrypoint: fileURLToPath(new URL('./site-map.ts', import.meta.url)), order: 30 }),
  accountSections: () => [{ id: 'lists', entrypoint: fileURLToPath(new URL('./account/ListsSection.astro', import.meta.url)), order: 10 }],
  forms: ({ config }) => (config.crm.subscribe ? [subscribeEndpoint, confirmEndpoint, preferencesEndpoint, unsubscribeEndpoint] : []),
  resultPages: ({ config }, say) => (config.crm.subscribe ? newsletterResultPages(config, say) : {}),
  privacy: ({ config }) => (config.crm.subscribe ? [newsletterPrivacy(config)] : []),
  async afterBuild({ outDir, serverDir, logger }) {
    const count = await writeIssuesForServer(outDir, serverDir);
    if (count) logger.info(`Newsletter: ${count} issue${count === 1 ? '' : 's'} ready to send by e-mail`);
  },
  runtime: async () => {
    const [{ campaignJob }, { redirectHandler }] = await Promise.all([import('./campaigns/job.ts'), import('./campaigns/redirect.ts')]);
    return {
      load(buildDir, s) {
        s.newsletterIssues = readIssues(buildDir);
      },
      // Sending campaigns needs the issues and the lists; the job finds nothing to do until one is scheduled.
      jobs: [campaignJob],
      handlers: [redirectHandler],
    };
  },
};
