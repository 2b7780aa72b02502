import { existsSync, readFileSync } from 'node:fs';
import { rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RapportFeature } from '../../core/feature.ts';
import { CARE_DATES_FILE, careDatesOf, SERVER_CARE_DATES_FILE, type CareSubject } from './care-dates.ts';
import { carePrivacy } from './privacy.ts';
import { careConfirmEndpoint, careEndpoint, careRemoveEndpoint } from './requests.ts';
import { careResultPages } from './result-pages.ts';
import { careRemindersOn } from './switch.ts';

const route = (file: string) => fileURLToPath(new URL(`./routes/${file}`, import.meta.url));

/**
 * Reminders a customer sets (issue 23): on a product or FAQ answer with care dates, "Remind me" by
 * e-mail on that date for their province or state, every year until removed.
 */
export const careRemindersFeature: RapportFeature = {
  id: 'care-reminders',
  enabled: ({ config }) => careRemindersOn(config),
  routes: ({ server }) => [
    // In each locale: the form again when a post needs a word, and the pages a confirmation or removal link opens.
    { pattern: '/care-reminders', entrypoint: route('ask.astro'), private: true, localized: true },
    { pattern: '/care-reminders/confirm', entrypoint: route('confirm.astro'), private: true, localized: true },
    { pattern: '/care-reminders/remove', entrypoint: route('remove.astro'), private: true, localized: true },
    // The care dates for the server: written by the build, then moved out of the public folder.
    ...(server ? [{ pattern: `/${CARE_DATES_FILE}`, entrypoint: route('care-dates.json.ts'), private: true }] : []),
  ],
  forms: () => [careEndpoint, careConfirmEndpoint, careRemoveEndpoint],
  resultPages: ({ config }, say) => careResultPages(config, say),
  accountSections: () => [{ id: 'care-reminders', entrypoint: fileURLToPath(new URL('./account/RemindersSection.astro', import.meta.url)), order: 40 }],
  privacy: ({ config }) => [carePrivacy(config)],
  async afterBuild({ outDir, serverDir }) {
    const file = path.join(outDir, CARE_DATES_FILE);
    if (!existsSync(file)) return;
    if (serverDir) await rename(file, path.join(serverDir, SERVER_CARE_DATES_FILE));
    else await rm(file, { force: true });
    await rmdir(path.dirname(file)).catch(() => undefined); // when nothing else is in it
  },
  runtime: async () => {
    const { careReminderJob } = await import('./send.ts');
    return {
      load(buildDir, s) {
        const file = path.join(buildDir, 'server', SERVER_CARE_DATES_FILE);
        s.careDates = existsSync(file) ? careDatesOf((JSON.parse(readFileSync(file, 'utf8')) as { subjects: CareSubject[] }).subjects) : undefined;
      },
      // Under `astro dev` the care dates are the dev server's own, current file.
      async devRefresh(_formPath, devOrigin, s) {
        const res = await fetch(`${devOrigin}/${CARE_DATES_FILE}`).catch(() => undefined);
        if (res?.ok) s.careDates = careDatesOf(((await res.json()) as { subjects: CareSubject[] }).subjects);
      },
      jobs: [careReminderJob],
    };
  },
};
