import { existsSync, readFileSync } from 'node:fs';
import { rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RapportConfig } from '../../config/schema.ts';
import type { RapportFeature } from '../../core/feature.ts';
import type { Translator } from '../../i18n/translate.ts';
import { ANSWER_PATH, surveyEndpoint } from './answer.ts';
import { afterSaleInvitation } from './invitation.ts';
import { surveysPrivacy } from './privacy.ts';
import { surveyResultPages } from './result-pages.ts';
import { SERVER_SURVEYS_FILE, SURVEYS_FILE, type Survey } from './survey.ts';

const file = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

/** Whether surveys can be answered: the one place this is decided (a page's survey is drawn only then). */
export const surveysOn = (config: RapportConfig) => config.crm.surveys.enabled;

/** The survey a content page asks, when surveys are on (which page route draws it: features/pages or this feature's). */
export const pageSurvey = (config: RapportConfig, page: { survey?: string | undefined }) => (surveysOn(config) ? page.survey : undefined);

/**
 * Short surveys editors write in the CMS (Surveys): asked on a page ("Survey on this page") or in
 * the after-sale e-mail ("Ask after an order"), answered without JavaScript or an account, and
 * read in the console with charts and a CSV download. Answers are kept without who gave them.
 */
export const surveysFeature: RapportFeature = {
  id: 'surveys',
  enabled: ({ config }) => surveysOn(config),
  routes: () => [
    // Content pages that ask a survey (the pages feature's route leaves them out); the rest parameter ranks it below `/[slug]`.
    { pattern: '/[...page]', entrypoint: file('routes/page.astro'), localized: true },
    // A survey on its own page: where the after-sale e-mail's link leads, and where a form sent with a mistake is drawn again.
    { pattern: '/surveys/[slug]', entrypoint: file('routes/survey.astro'), private: true, localized: true },
    // The surveys as the server checks answers: written by the build, then moved out of the public folder.
    { pattern: `/${SURVEYS_FILE}`, entrypoint: file('routes/definitions.json.ts'), private: true },
  ],
  forms: () => [surveyEndpoint],
  resultPages: ({ config }, say) => surveyResultPages(config, say),
  console: ({ config }) =>
    config.crm.accounts
      ? [
          {
            id: 'surveys',
            label: 'Surveys',
            path: '/admin/crm/surveys',
            order: 57,
            permission: 'console',
            pages: [
              { pattern: '/admin/crm/surveys', entrypoint: file('console/surveys.astro') },
              { pattern: '/admin/crm/surveys/[slug]', entrypoint: file('console/results.astro') },
              { pattern: '/admin/crm/surveys/[slug]/answers.csv', entrypoint: file('console/answers-csv.astro') },
            ],
            today: file('today.ts'),
          },
        ]
      : [],
  privacy: () => [surveysPrivacy()],
  async afterBuild({ outDir, serverDir }) {
    const built = path.join(outDir, SURVEYS_FILE);
    if (serverDir) await rename(built, path.join(serverDir, SERVER_SURVEYS_FILE));
    else await rm(built, { force: true });
    await rmdir(path.dirname(built)).catch(() => undefined); // when nothing else is in it
  },
  runtime: async () => ({
    start(s) {
      // The after-sale e-mail (features/orders) asks for its invitation here.
      s.afterSaleSurvey = (say, orderId, today) => afterSaleInvitation(s, say, orderId, today);
      return Promise.resolve();
    },
    load(buildDir, s) {
      const built = path.join(buildDir, 'server', SERVER_SURVEYS_FILE);
      s.surveys = existsSync(built) ? (JSON.parse(readFileSync(built, 'utf8')) as { surveys: Survey[] }).surveys : [];
    },
    // Under `astro dev` the surveys are the dev server's own, current ones.
    async devRefresh(formPath, devOrigin, s) {
      if (formPath !== ANSWER_PATH) return;
      const res = await fetch(`${devOrigin}/${SURVEYS_FILE}`).catch(() => undefined);
      if (res?.ok) s.surveys = ((await res.json()) as { surveys: Survey[] }).surveys;
    },
  }),
};

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Rapport {
    interface FeatureServices {
      /** The surveys of the live build (features/surveys). */
      surveys?: Survey[] | undefined;
      /** The survey the after-sale e-mail invites to, with the order's own link, if one is open (features/surveys). */
      afterSaleSurvey?: ((say: Translator, orderId: string, today: string) => { slug: string; title: string; url: string } | undefined) | undefined;
    }
  }
}
