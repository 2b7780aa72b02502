import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildSite } from './helpers/built-site.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Output folder of one build of the reference site, shared by the suites that serve it. */
    referenceBuild: string;
  }
}

/** Builds the reference site once for every suite that needs it (a build takes ~30 s here). */
export default async function setup(project: TestProject) {
  delete process.env.SITE_URL;
  const site = await buildSite(path.resolve(import.meta.dirname, '..'));
  project.provide('referenceBuild', site.outDir);
  return () => site.cleanup();
}
