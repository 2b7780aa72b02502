import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildSite } from './helpers/built-site.ts';
import { buildQuestionsWithCms } from './helpers/questions-site.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Output folder of one build of the reference site, shared by the suites that serve it. */
    referenceBuild: string;
    /**
     * One build of test/fixtures/questions with the CMS on (outDir, read only) and the copy it was
     * built from (seed, read only: copy it with copyOfSeed), shared by the suites that publish on it.
     */
    questionsCmsBuild: { outDir: string; seed: string };
  }
}

/** Builds the sites several suites serve once for all of them (a build takes ~30 s here). */
export default async function setup(project: TestProject) {
  delete process.env.SITE_URL;
  const site = await buildSite(path.resolve(import.meta.dirname, '..'));
  project.provide('referenceBuild', site.outDir);
  const questions = await buildQuestionsWithCms().catch(async (error: unknown) => {
    await site.cleanup();
    throw error;
  });
  project.provide('questionsCmsBuild', { outDir: questions.outDir, seed: questions.seed });
  return async () => {
    await site.cleanup();
    await questions.cleanup();
  };
}
