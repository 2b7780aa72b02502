import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sitemap from '@astrojs/sitemap';
import type { AstroIntegration } from 'astro';
import { AstroError } from 'astro/errors';
import { wantsServer } from './config/effective-config.ts';
import { astroI18n } from './config/locales.ts';
import { parseOptions } from './config/parse-options.ts';
import { writeBuildInfo } from './core/build-info.ts';
import type { FeatureContext, FeatureRoute } from './core/feature.ts';
import type { RapportUserConfig } from './config/schema.ts';
import { afterBuild } from './site/build/after-build.ts';
import { clearOutput } from './site/build/clear-output.ts';
import { scanPages } from './site/build/scan-pages.ts';
import { routeLocales, routesInEveryLocale } from './site/locale-routes.ts';
import type { PageFacts } from './core/page-facts.ts';
import { prepareStatement, privacyModule, recordVersion, type PreparedStatement } from './features/privacy/prepare-statement.ts';
import {
  accountSections,
  activeFeatures,
  consoleSections,
  featureContext,
  featureRoutes,
  formEndpoints,
  resultPages,
  resultPagesInEveryLocale,
  siteMapParts,
} from './features/declared.ts';
import { CardRenderer } from './site/seo/og-image/card-renderer.ts';
import { FileCache } from './internal/file-cache.ts';
import { headCommit } from './internal/git.ts';
import { projectInfo, type ProjectInfo } from './internal/project.ts';
import { ModuleList, vitePluginRapportVirtual } from './internal/vite-plugin-virtual.ts';

export type { RapportConfig, RapportUserConfig } from './config/schema.ts';

const route = (path: string) => fileURLToPath(new URL(`./features/${path}`, import.meta.url));
const siteRoute = (path: string) => fileURLToPath(new URL(`./site/${path}`, import.meta.url));

/** Rapport: an SEO-complete, low-bandwidth small-business site and its customer machinery, from content. */
export default function rapport(userOptions: RapportUserConfig): AstroIntegration {
  const userConfig = parseOptions(userOptions);
  // The options as the site can use them (set in config:setup, once it is known whether there is an adapter).
  let ctx: FeatureContext = featureContext(userConfig, true);
  let config = ctx.config;
  let pages: PageFacts[] = [];
  let byPath = new Map<string, PageFacts>();
  let privatePaths = new Set<string>();
  let command: 'dev' | 'build' | 'preview' | 'sync' = 'build';
  let site = '';
  let cacheDir: URL;
  let reportFile: URL;
  let cardRenderer: CardRenderer | undefined;
  let serverDir: URL | undefined;
  let root: URL;
  let commit: string | undefined;
  let privacy: PreparedStatement | undefined;
  /** The output folder Astro empties at each build (unset when the site keeps it: `vite.build.emptyOutDir: false`). */
  let outDir: URL | undefined;
  let clearing: Promise<void> = Promise.resolve();

  const afterBuildIntegration = (): AstroIntegration => ({
    name: 'rapport:after-build',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        try {
          await afterBuild({ ctx, features: activeFeatures(ctx), pages, outDir: dir, cacheDir, reportFile, site, logger, cardRenderer, serverDir, root });
        } finally {
          await cardRenderer?.close();
          cardRenderer = undefined;
          await clearing;
        }
      },
    },
  });

  return {
    name: 'rapport',
    hooks: {
      'astro:config:setup': ({ config: astro, command: astroCommand, updateConfig, injectRoute, addMiddleware, logger }) => {
        command = astroCommand;
        if (!astro.site) {
          throw new AstroError(
            'Rapport needs the `site` option in astro.config.mjs: canonical URLs, sitemaps and social cards are absolute.',
            'Add `site: process.env.SITE_URL ?? "https://www.example.com"` to defineConfig().',
          );
        }
        if (!astro.adapter && wantsServer(userConfig)) {
          // Forms need a server; a purely static site gets every page but them (and no links to them).
          logger.warn(
            'No adapter is set, so the site is static and Rapport leaves out its forms (subscribe, accounts, contact, questions) and the server-rendered /search. Add `adapter: node({ mode: "middleware" })` from @astrojs/node to get them.',
          );
        }
        ctx = featureContext(userConfig, !!astro.adapter);
        config = ctx.config;
        root = astro.root;
        // The site's locales are Rapport's option, the one place they are decided: Astro's i18n is set from it.
        const i18n = astroI18n(config.site);
        // (An `i18n` equal to Rapport's own is what a second setup of the same config sees.)
        if (astro.i18n && JSON.stringify([astro.i18n.defaultLocale, astro.i18n.locales]) !== JSON.stringify([i18n?.defaultLocale, i18n?.locales])) {
          throw new AstroError(
            "Rapport sets Astro's `i18n` routing from its own `site.locales` option, and this project sets `i18n` in defineConfig() too.",
            'Remove `i18n` from defineConfig() and list the languages in rapport({ site: { locales: ["en-CA", "fr-CA"] } }), the default first.',
          );
        }
        const project = projectInfo(astro, i18n);
        site = project.site;
        cacheDir = new URL('rapport/', astro.cacheDir);
        reportFile = new URL('.rapport/weight-report.json', astro.root);

        // What the enabled features collect, against the editor's privacy settings: a gap fails here.
        privacy = prepareStatement(userConfig, ctx.server, astro.root, new Date().toISOString().slice(0, 10));
        const results = resultPages(ctx);
        const declared = [
          ...siteRoutes(astro.srcDir, privacy !== undefined),
          ...featureRoutes(ctx),
          ...Object.entries(results).map(([pattern, page]) => ({
            pattern,
            entrypoint: siteRoute('routes/result.astro'),
            private: true,
            localized: page.localized === true,
          })),
        ];
        project.routes = routeLocales(declared, config.site, astro.srcDir, [...formEndpoints(userConfig, ctx.server).values()]);
        const routes = routesInEveryLocale(declared, config.site);
        for (const { pattern, entrypoint } of routes) injectRoute({ pattern, entrypoint });
        // Pages per request or per person are never indexed; the sitemap integration cannot read their noindex.
        privatePaths = new Set(routes.filter((r) => r.private).map((r) => r.pattern));
        // Astro's checkOrigin cannot exempt the one-click unsubscribe route, so Rapport checks origins itself.
        addMiddleware({ order: 'pre', entrypoint: fileURLToPath(new URL('./core/security/origin-middleware.ts', import.meta.url)) });

        const hasSitemap = astro.integrations.some((i) => i.name === '@astrojs/sitemap');
        updateConfig({
          ...(i18n ? { i18n } : {}),
          build: { inlineStylesheets: 'always' },
          security: { checkOrigin: false },
          vite: {
            plugins: [
              vitePluginRapportVirtual({
                config,
                project,
                privacy: privacyModule(privacy),
                results: resultPagesInEveryLocale(ctx),
                'account-sections': new ModuleList(accountSections(ctx).map((s) => s.entrypoint)),
                'site-map-sections': new ModuleList(siteMapParts(ctx)),
                'console-sections': consoleSections(ctx).map(({ id, label, path, order, permission }) => ({ id, label, path, order, permission })),
                'console-today': new ModuleList(consoleSections(ctx).flatMap((s) => (s.today ? [s.today] : []))),
              }),
            ],
          },
          integrations: [
            ...(hasSitemap ? [] : [sitemap({ ...sitemapI18n(project), serialize: (item) => sitemapItem(item, byPath, privatePaths) })]),
            // Runs after the sitemap integration, so its files are compressed too.
            afterBuildIntegration(),
          ],
        });
      },
      'astro:config:done': ({ injectTypes, config: astro, buildOutput }) => {
        serverDir = buildOutput === 'server' ? astro.build.server : undefined;
        outDir = astro.vite.build?.emptyOutDir === false ? undefined : astro.outDir;
        injectTypes({
          filename: 'virtual.d.ts',
          content: `/// <reference path=${JSON.stringify(fileURLToPath(new URL('./virtual.d.ts', import.meta.url)))} />\n`,
        });
      },
      'astro:server:setup': async ({ server, logger }) => {
        // `astro dev`: forms, the CMS backend and Decap's files, as Rapport's server has them. Astro also
        // starts a Vite server during `astro build` (to sync content): that one must not open the store.
        if (command !== 'dev' || (!serverDir && !config.cms.enabled)) return;
        const { devMiddleware } = await import('./server/dev-server.ts');
        const dev = await devMiddleware(config, site, fileURLToPath(root), privacy?.statement.version ?? 'none', (m) => logger.warn(m));
        server.middlewares.use(dev.middleware);
        server.httpServer?.once('close', () => void dev.close());
      },
      'astro:build:start': () => {
        // What the content was when the build started (a server sharing content compares it with its copy).
        commit = headCommit(fileURLToPath(root));
        // The last build's files are deleted alongside this build rather than before it (see clearOutput).
        if (outDir) clearing = clearOutput(fileURLToPath(outDir));
        // Social cards render in worker threads while Astro generates the pages (see announceCard).
        if (config.features.ogImages) {
          cardRenderer = new CardRenderer(new FileCache(fileURLToPath(new URL('og/', cacheDir))));
          cardRenderer.listen();
        }
      },
      'astro:build:done': async ({ dir, logger }) => {
        // Facts of unchanged pages come from the previous build's scan (see scanPages).
        pages = await scanPages(fileURLToPath(dir), fileURLToPath(new URL('page-facts.json', cacheDir)));
        // Rapport's server reads the site URL (origin check, links in mail) and the options from here.
        if (serverDir) writeBuildInfo(serverDir, { site, config, privacyVersion: privacy?.statement.version, retention: privacy?.statement.periods, commit });
        if (privacy) recordVersion(privacy, logger);
        byPath = new Map(pages.map((p) => [p.pathname.replace(/\/$/, '') || '/', p]));
      },
    },
  };
}

/** The always-on pages: robots.txt, the HTML site map, a 404 unless the site has its own, the privacy statement. */
function siteRoutes(srcDir: URL, hasStatement: boolean): FeatureRoute[] {
  const routes: FeatureRoute[] = [
    { pattern: '/robots.txt', entrypoint: siteRoute('seo/routes/robots.txt.ts') },
    { pattern: '/sitemap', entrypoint: siteRoute('seo/routes/sitemap.astro'), localized: true },
  ];
  const ownNotFound = ['astro', 'md', 'mdx', 'html'].some((ext) => existsSync(new URL(`pages/404.${ext}`, srcDir)));
  // `/fr/404` is Astro's 404 for the addresses under `/fr/` (and Rapport's server's, see server/not-found.ts).
  if (!ownNotFound) routes.push({ pattern: '/404', entrypoint: siteRoute('seo/routes/404.astro'), localized: true });
  // One statement per locale, the same declarations and version in each (features/privacy/prepare-statement.ts).
  if (hasStatement) {
    routes.push({ pattern: '/privacy', entrypoint: route('privacy/routes/privacy.astro'), localized: true });
    // Every version and what it changed: a page of its own, so the statement does not grow with its history.
    routes.push({ pattern: '/privacy/changes', entrypoint: route('privacy/routes/changes.astro'), localized: true });
  }
  return routes;
}

/** The sitemap's alternate links between a page's languages (`xhtml:link`), on a site in several. */
function sitemapI18n(project: ProjectInfo) {
  if (!project.defaultLocale || project.locales.length < 2) return {};
  return { i18n: { defaultLocale: project.defaultLocale, locales: Object.fromEntries(project.locales.map((l) => [l.path, l.code])) } };
}

/** Drops noindex pages from the XML sitemap and dates each entry from its content. */
function sitemapItem<T extends { url: string; lastmod?: string | undefined }>(
  item: T,
  byPath: ReadonlyMap<string, PageFacts>,
  privatePaths: ReadonlySet<string>,
): T | undefined {
  const path = new URL(item.url).pathname.replace(/\/$/, '') || '/';
  if (privatePaths.has(path)) return undefined;
  const page = byPath.get(path);
  if (!page) return item;
  if (page.noindex) return undefined;
  return page.lastmod ? { ...item, lastmod: page.lastmod } : item;
}
