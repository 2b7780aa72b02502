import { existsSync } from 'node:fs';
import path from 'node:path';
import type { RapportFeature } from '../../core/feature.ts';
import { describeError } from '../../core/errors.ts';
import { commitIfRepository } from '../../internal/git.ts';
import { readBuildInfo } from '../../core/build-info.ts';
import type { Period } from '../../core/privacy/personal-data.ts';
import { PRIVACY_HISTORY_FILE } from './history.ts';
import { retentionJob } from './retention-job.ts';

// Its public entry for other features: the settings the CMS edits.
export { PRIVACY_SETTINGS_FILE, privacySettingsSchema } from './settings.ts';

/**
 * The privacy statement's builder. Always on: `/privacy` is drawn from what the other enabled
 * features declare (their `privacy()`), so the integration injects it once the statement is built.
 */
export const privacyFeature: RapportFeature = {
  id: 'privacy',
  enabled: () => true,
  runtime: async () => {
    let contentDir = '';
    // The live build's retention periods (the editor's settings as the statement prints them); a publish replaces them.
    let periods: Partial<Record<string, Period>> = {};
    return {
      load(buildDir) {
        periods = readBuildInfo(buildDir).retention ?? {};
      },
      jobs: [retentionJob(() => periods)],
      async start(s, env) {
        contentDir = path.join(env.projectRoot, s.config.contentDir);
      },
      // A published build may have added a version to the history (an editor changed the settings, or
      // a feature now collects more): commit it with the content, so it outlives this server's working copy.
      async published(_buildDir, s) {
        const file = path.join(contentDir, PRIVACY_HISTORY_FILE);
        if (!existsSync(file)) return;
        await commitIfRepository(path.dirname(file), path.basename(file), `Privacy statement: version ${s.privacyVersion}`).catch((error: unknown) =>
          s.log(`The privacy statement's history could not be committed (it is kept in ${file}): ${describeError(error)}`),
        );
      },
    };
  },
};
