import type { RapportConfig } from '../config/schema.ts';
import { effectiveConfig } from '../config/effective-config.ts';
import {
  enabledFeatures,
  type AccountSection,
  type ConsoleSection,
  type FeatureContext,
  type FeatureRoute,
  type RapportFeature,
  type ResultPage,
} from '../core/feature.ts';
import type { FormEndpoint } from '../core/forms/endpoint.ts';
import type { FeaturePrivacy } from '../core/privacy/declaration.ts';
import { serverPrivacy } from '../core/security/privacy.ts';
import { localizedPath } from '../config/locales.ts';
import { translator } from '../i18n/translate.ts';
import { FEATURES } from './index.ts';

// What the enabled features declare, gathered for the integration, the server, the dev server
// and the CLI. Each reads the list through these and never names a feature.

/** The context features are asked in: the options as this site can use them. */
export const featureContext = (config: RapportConfig, server: boolean): FeatureContext => ({ config: effectiveConfig(config, server), server });

/** The enabled features, in list order. */
export const activeFeatures = (ctx: FeatureContext, features: readonly RapportFeature[] = FEATURES) => enabledFeatures(features, ctx);

/** Every route of the enabled features, their console pages included (private). */
export const featureRoutes = (ctx: FeatureContext): FeatureRoute[] => [
  ...activeFeatures(ctx).flatMap((f) => f.routes?.(ctx) ?? []),
  ...consoleSections(ctx).flatMap((s) => s.pages.map(({ pattern, entrypoint }) => ({ pattern, entrypoint, private: true }))),
];

/** Pages that take bigger bodies than a form (a CSV upload), by path. */
export const bodyLimits = (ctx: FeatureContext): Map<string, number> =>
  new Map(consoleSections(ctx).flatMap((s) => s.pages.flatMap((p) => (p.maxBodyBytes ? [[p.pattern, p.maxBodyBytes] as const] : []))));

/** The staff console's sections, in menu order; none unless an enabled feature hosts the console. */
export function consoleSections(ctx: FeatureContext): ConsoleSection[] {
  const features = activeFeatures(ctx);
  if (!features.some((f) => f.hostsConsole)) return [];
  return features.flatMap((f) => f.console?.(ctx) ?? []).sort((a, b) => a.order - b.order);
}

/** Every form the site answers, by the path it posts to. The server is the one asking, so `server` defaults to true. */
export function formEndpoints(config: RapportConfig, server = true): Map<string, FormEndpoint> {
  const ctx = featureContext(config, server);
  return new Map(
    activeFeatures(ctx)
      .flatMap((f) => f.forms?.(ctx) ?? [])
      .map((e) => [e.path, e]),
  );
}

/** The blocks of the account page, in page order. */
export const accountSections = (ctx: FeatureContext): AccountSection[] =>
  activeFeatures(ctx)
    .flatMap((f) => f.accountSections?.(ctx) ?? [])
    .sort((a, b) => a.order - b.order);

/** The enabled features' parts of the HTML site map (module files), in page order. */
export const siteMapParts = (ctx: FeatureContext): string[] =>
  activeFeatures(ctx)
    .flatMap((f) => (f.siteMap ? [f.siteMap(ctx)] : []))
    .sort((a, b) => a.order - b.order)
    .map((p) => p.entrypoint);

/** The pages forms send their visitors to, by path, in one locale (the site's default unless told). */
export function resultPages(ctx: FeatureContext, locale: string = ctx.config.site.locale): Record<string, ResultPage> {
  const say = translator(ctx.config.site, locale);
  return Object.assign({}, ...activeFeatures(ctx).map((f) => f.resultPages?.(ctx, say) ?? {})) as Record<string, ResultPage>;
}

/** Every result page by the path it is served at: the default locale's, then each localized one in each other locale (`/fr/…`). */
export function resultPagesInEveryLocale(ctx: FeatureContext): Record<string, ResultPage> {
  const site = ctx.config.site;
  const pages = { ...resultPages(ctx) };
  for (const locale of site.locales.filter((code) => code !== site.locale)) {
    for (const [path, page] of Object.entries(resultPages(ctx, locale))) if (page.localized) pages[localizedPath(site, locale, path)] = page;
  }
  return pages;
}

/**
 * What the enabled features declare for the privacy statement, and the form server's own
 * declaration (rate limits, outbox, error logs) whenever a feature takes forms.
 */
export function enabledDeclarations(config: RapportConfig, server = true): FeaturePrivacy[] {
  const ctx = featureContext(config, server);
  const declarations = activeFeatures(ctx).flatMap((f) => f.privacy?.(ctx) ?? []);
  const takesForms = activeFeatures(ctx).some((f) => (f.forms?.(ctx) ?? []).length > 0);
  return takesForms ? [...declarations, serverPrivacy()] : declarations;
}
