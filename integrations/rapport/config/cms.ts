import { z } from 'astro/zod';

/** Decap's Git-host backends, for sites whose content lives on a Git platform. */
const GitHostBackend = z.strictObject({
  name: z.enum(['github', 'gitlab', 'gitea']),
  /** `owner/name` of the repository. */
  repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'use "owner/name"'),
  /** The Git host's API root, for self-hosted GitLab or Gitea. */
  api_root: z.url().optional(),
  /** Where the OAuth flow starts (an OAuth relay the site runs or trusts). */
  base_url: z.url().optional(),
});

/** The CMS at `/admin/`: Decap, with its configuration generated from the content schemas. */
export const CmsSchema = z
  .strictObject({
    /** Serve Decap CMS at `/admin/` (needs a server for the built-in backend). @default true */
    enabled: z.boolean().default(true),
    /**
     * Where Decap reads and writes content. `{ name: 'rapport' }` (default): Rapport's own backend at
     * `/admin/api/v1`, staff sign-in, commits in the local repository. Or a Git host:
     * `{ name: 'github', repo: 'owner/site' }` (also `gitlab`, `gitea`), signed in through the host.
     */
    backend: z.union([z.strictObject({ name: z.literal('rapport') }), GitHostBackend]).default({ name: 'rapport' }),
    /** The branch that is live. @default 'main' */
    branch: z.string().min(1).default('main'),
    /** Largest media upload, in megabytes. @default 5 */
    maxUploadMb: z.number().positive().max(50).default(5),
  })
  .prefault({});
