import { readFile, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RapportConfig } from '../../config/schema.ts';
import { localePath } from '../../config/locales.ts';
import type { RapportFeature, SharedContent } from '../../core/feature.ts';
import type { Services } from '../../core/services.ts';
import { answerText } from './answer-text.ts';
import { askEndpoint } from './ask.ts';
import { liveDrafts, workingCopyDrafts } from './drafts.ts';
import { questionsPrivacy } from './privacy.ts';
import { applyOutcomes, collectOutcomes, OUTCOMES_FILE, syncDrafts, type QuestionOutcome } from './questions.ts';
import { questionResultPages } from './result-pages.ts';

const file = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));
const route = (name: string) => file(`routes/${name}`);

/** Whether visitors can ask questions: the one place this is decided (the FAQ must be on too). */
export const questionsOn = (config: RapportConfig) => config.features.faq && config.crm.questions.enabled;

/** The FAQ's pages and, with `crm.questions`, the question form and its way to a published answer. */
export const faqFeature: RapportFeature = {
  id: 'faq',
  enabled: ({ config }) => config.features.faq,
  siteMap: () => ({ entrypoint: fileURLToPath(new URL('./site-map.ts', import.meta.url)), order: 20 }),
  routes: ({ config }) => [
    // In each locale (`/fr/faq/…`); the index is a rest route so a locale without answers has no page.
    { pattern: '/faq/[...index]', entrypoint: route('index.astro'), localized: true },
    { pattern: '/faq/[slug]', entrypoint: route('[slug].astro'), localized: true },
    { pattern: '/faq/category/[category]/[...page]', entrypoint: route('category/[category]/[...page].astro'), localized: true },
    ...(questionsOn(config) ? [{ pattern: '/faq/ask', entrypoint: route('ask.astro'), private: true, localized: true }] : []),
  ],
  forms: ({ config }) => (questionsOn(config) ? [askEndpoint] : []),
  // Staff read the questions (and the private details) here; their status is the content manager's.
  console: ({ config }) =>
    questionsOn(config)
      ? [
          {
            id: 'questions',
            label: 'Questions',
            path: '/admin/crm/questions/',
            order: 40,
            permission: 'questions',
            pages: [
              { pattern: '/admin/crm/questions', entrypoint: file('console/questions.astro') },
              { pattern: '/admin/crm/questions/[id]', entrypoint: file('console/question.astro') },
            ],
            today: file('today.ts'),
          },
        ]
      : [],
  accountSections: () => [{ id: 'questions', entrypoint: fileURLToPath(new URL('./account/QuestionsSection.astro', import.meta.url)), order: 30 }],
  resultPages: ({ config }, say) => (questionsOn(config) ? questionResultPages(config, say) : {}),
  privacy: ({ config }) => (questionsOn(config) ? [questionsPrivacy(config)] : []),
  // What became of each visitor's question in this build (published, merged, rejected), for the server to tell them.
  async afterBuild({ config, serverDir, outDir, root }) {
    if (!serverDir || !questionsOn(config)) return;
    const folder = fileURLToPath(new URL(config.crm.questions.draftsDir.replace(/\/?$/, '/'), root));
    const outcomes = await collectOutcomes(
      folder,
      // The page in that locale, where it was built (a translation left out of a locale has none).
      async (slug, locale) => {
        const folder = locale === config.site.locale ? outDir : path.join(outDir, localePath(locale));
        const html = await readFile(path.join(folder, 'faq', slug, 'index.html'), 'utf8').catch(() => undefined);
        return html === undefined ? undefined : answerText(slug, html);
      },
      config.site,
    );
    await writeFile(path.join(serverDir, OUTCOMES_FILE), `${JSON.stringify(outcomes)}\n`);
  },
  runtime: async () => {
    let outcomes: QuestionOutcome[] = [];
    let projectRoot = '';
    let shared: SharedContent | undefined;
    // Where new questions become drafts: entries committed through the built-in CMS (in its queue),
    // else files in the FAQ folder. Chosen at the first run, once every feature has started (the
    // CMS backend among them).
    const draftsOf = (s: Services) =>
      (s.drafts ??= s.cmsBackend ? liveDrafts(s.cmsBackend) : workingCopyDrafts(path.resolve(projectRoot, s.config.crm.questions.draftsDir), s.log, shared));
    return {
      async start(s, env) {
        projectRoot = env.projectRoot;
        shared = env.shared;
        // Staff turn a content gap (a search that found nothing) into an entry to answer, in the same queue as visitors' questions.
        s.draftFaqEntry = (question) => draftsOf(s).create({ question, updated: s.clock() });
      },
      load(buildDir) {
        const file = path.join(buildDir, 'server', OUTCOMES_FILE);
        outcomes = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as QuestionOutcome[]) : [];
      },
      jobs: [
        {
          // New questions become drafts; the live build's outcomes are told to their askers.
          name: "visitors' questions",
          everyMs: 10 * 60_000,
          dev: true,
          async run(s) {
            if (!questionsOn(s.config)) return 0;
            await syncDrafts(s.db, draftsOf(s), s.clock);
            return outcomes.length > 0 ? applyOutcomes(s, outcomes) : 0;
          },
        },
      ],
      afterAccepted: (formPath) => (formPath === askEndpoint.path ? ["visitors' questions"] : []),
    };
  },
};
