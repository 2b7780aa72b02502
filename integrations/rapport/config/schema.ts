import { z } from 'astro/zod';
import { BusinessSchema } from './business.ts';
import { CmsSchema } from './cms.ts';
import { CrmSchema } from './crm.ts';
import { BudgetsSchema, FeaturesSchema } from './features.ts';
import { SiteSchema } from './site.ts';
import { SocialSchema } from './social.ts';

/** The options of `rapport()`, composed of one schema per area. */
export const RapportOptionsSchema = z.strictObject({
  site: SiteSchema,
  business: BusinessSchema,
  social: SocialSchema,
  features: FeaturesSchema,
  budgets: BudgetsSchema,
  crm: CrmSchema,
  cms: CmsSchema,
  /**
   * Folder (relative to the project root) holding the content collections.
   * @default 'content'
   */
  contentDir: z.string().min(1).default('content'),
});

/** What a user writes in `astro.config.mjs`. */
export type RapportUserConfig = z.input<typeof RapportOptionsSchema>;
/** The options after defaults are applied. */
export type RapportConfig = z.infer<typeof RapportOptionsSchema>;
