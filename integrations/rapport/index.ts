import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sitemap from '@astrojs/sitemap';
import type { AstroIntegration } from 'astro';
import { AstroError } from 'astro/errors';
import { parseOptions } from './config/parse-options.ts';
import type { RapportConfig, RapportUserConfig } from './config/schema.ts';
import { afterBuild } from './site/build/after-build.ts';
import { scanPages, type PageFacts } from './site/build/scan-pages.ts';
import { CATALOG_FILE } from './features/orders/catalog.ts';
import { prepareStatement, privacyModule, recordVersion, type PreparedStatement } from './features/privacy/prepare-statement.ts';
import { resultPages } from './features/results/results.ts';
import { CardRenderer } from './site/seo/og-image/card-renderer.ts';
import { FileCache } from './internal/file-cache.ts';
import { projectInfo } from './internal/project.ts';
import { vitePluginRapportVirtual } from './internal/vite-plugin-virtual.ts';

export type { RapportConfig, RapportUserConfig } from './config/schema.ts';

const route = (path: string) => fileURLToPath(new URL(`./features/${path}`, import.meta.url));
const siteRoute = (path: string) => fileURLToPath(new URL(`./site/${path}`, import.meta.url));

/** Rapport: an SEO-complete, low-bandwidth small-business site and its customer machinery, from content. */
export default function rapport(userOptions: RapportUserConfig): AstroIntegration {
  const config = parseOptions(userOptions);
  let pages: PageFacts[] = [];
  let byPath = new Map<string, PageFacts>();
  // Form and account pages: on demand (so the sitemap integration cannot read their noindex) and never indexed.
  let crmPaths = new Set<string>();
  let serverSearch = false;
  let site = '';
  let cacheDir: URL;
  let reportFile: URL;
  let cardRenderer: CardRenderer | undefined;
  let serverDir: URL | undefined;
  let root: URL;
  let privacy: PreparedStatement | undefined;

  const afterBuildIntegration = (): AstroIntegration => ({
    name: 'rapport:after-build',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        try {
          await afterBuild({ config, pages, outDir: dir, cacheDir, reportFile, site, logger, cardRenderer, serverDir, root });
        } finally {
          await cardRenderer?.close();
          cardRenderer = undefined;
        }
      },
    },
  });

  return {
    name: 'rapport',
    hooks: {
      'astro:config:setup': ({ config: astro, updateConfig, injectRoute, addMiddleware, logger }) => {
        if (!astro.site) {
          throw new AstroError(
            'Rapport needs the `site` option in astro.config.mjs: canonical URLs, sitemaps and social cards are absolute.',
            'Add `site: process.env.SITE_URL ?? "https://www.example.com"` to defineConfig().',
          );
        }
        if (!astro.adapter && (config.crm.subscribe || config.crm.accounts || config.crm.contactForm || config.crm.questions.enabled || config.crm.orders.enabled)) {
          // Forms need a server; a purely static site gets every page but them (and no links to them).
          logger.warn('No adapter is set, so the site is static and Rapport leaves out its forms (subscribe, accounts, contact, questions) and the server-rendered /search. Add `adapter: node({ mode: "middleware" })` from @astrojs/node to get them.');
          config.crm = { ...config.crm, subscribe: false, accounts: false, contactForm: false, orders: { ...config.crm.orders, enabled: false }, questions: { ...config.crm.questions, enabled: false } };
        }
        serverSearch = !!astro.adapter && config.features.search;
        root = astro.root;
        const project = projectInfo(astro);
        site = project.site;
        cacheDir = new URL('rapport/', astro.cacheDir);
        reportFile = new URL('.rapport/weight-report.json', astro.root);

        for (const r of pageRoutes(config, astro.srcDir)) injectRoute(r);
        if (serverSearch) injectRoute({ pattern: '/search', entrypoint: route('search/routes/search.astro') });
        if (!astro.adapter && config.cms.backend.name === 'rapport') config.cms = { ...config.cms, enabled: false };
        // What the enabled features collect, against the editor's privacy settings: a gap fails here.
        privacy = prepareStatement(config, astro.root, new Date().toISOString().slice(0, 10));
        if (privacy) injectRoute({ pattern: '/privacy', entrypoint: route('privacy/routes/privacy.astro') });
        if (config.cms.enabled) {
          injectRoute({ pattern: '/admin', entrypoint: route('cms/routes/admin.astro') });
          injectRoute({ pattern: '/admin/config.yml', entrypoint: route('cms/routes/config.yml.ts') });
          injectRoute({ pattern: '/admin/preview.css', entrypoint: route('cms/routes/preview.css.ts') });
        }
        crmPaths = new Set([...crmRoutes(config).map((r) => r.pattern), ...(serverSearch ? ['/search'] : [])]);
        // Astro's checkOrigin cannot exempt the one-click unsubscribe route, so Rapport checks origins itself.
        addMiddleware({ order: 'pre', entrypoint: fileURLToPath(new URL('./core/security/origin-middleware.ts', import.meta.url)) });

        const hasSitemap = astro.integrations.some((i) => i.name === '@astrojs/sitemap');
        updateConfig({
          build: { inlineStylesheets: 'always' },
          security: { checkOrigin: false },
          vite: { plugins: [vitePluginRapportVirtual({ config, project, privacy: privacyModule(privacy) })] },
          integrations: [
            ...(hasSitemap ? [] : [sitemap({ serialize: (item) => sitemapItem(item, byPath, crmPaths) })]),
            // Runs after the sitemap integration, so its files are compressed too.
            afterBuildIntegration(),
          ],
        });
      },
      'astro:config:done': ({ injectTypes, config: astro, buildOutput }) => {
        serverDir = buildOutput === 'server' ? astro.build.server : undefined;
        injectTypes({ filename: 'virtual.d.ts', content: `/// <reference path=${JSON.stringify(fileURLToPath(new URL('./virtual.d.ts', import.meta.url)))} />\n` });
      },
      'astro:server:setup': async ({ server, logger }) => {
        // `astro dev`: forms, the CMS backend and Decap's files, as Rapport's server has them.
        if (!serverDir && !config.cms.enabled) return;
        const { devMiddleware } = await import('./server/dev-server.ts');
        const dev = await devMiddleware(config, site, fileURLToPath(root), privacy?.statement.version ?? 'none', (m) => logger.warn(m));
        server.middlewares.use(dev.middleware);
        server.httpServer?.once('close', () => void dev.close());
      },
      'astro:build:start': () => {
        // Social cards render in worker threads while Astro generates the pages (see announceCard).
        if (config.features.ogImages) {
          cardRenderer = new CardRenderer(new FileCache(fileURLToPath(new URL('og/', cacheDir))));
          cardRenderer.listen();
        }
      },
      'astro:build:done': async ({ dir, logger }) => {
        pages = await scanPages(fileURLToPath(dir));
        // Rapport's server reads the site URL (origin check, links in mail) and the options from here.
        if (serverDir) writeFileSync(new URL('rapport.json', serverDir), `${JSON.stringify({ site, config, privacyVersion: privacy?.statement.version })}\n`);
        if (privacy) recordVersion(privacy, logger);
        byPath = new Map(pages.map((p) => [p.pathname.replace(/\/$/, '') || '/', p]));
      },
    },
  };
}

/** The pages Rapport generates from content, by feature. */
function pageRoutes(config: RapportConfig, srcDir: URL) {
  const routes = [
    { pattern: '/[slug]', entrypoint: route('pages/routes/[slug].astro') },
    { pattern: '/robots.txt', entrypoint: siteRoute('seo/routes/robots.txt.ts') },
    { pattern: '/sitemap', entrypoint: siteRoute('seo/routes/sitemap.astro') },
  ];
  const ownNotFound = ['astro', 'md', 'mdx', 'html'].some((ext) => existsSync(new URL(`pages/404.${ext}`, srcDir)));
  if (!ownNotFound) routes.push({ pattern: '/404', entrypoint: siteRoute('seo/routes/404.astro') });
  if (config.features.products) {
    routes.push({ pattern: '/products', entrypoint: route('products/routes/index.astro') });
    routes.push({ pattern: '/products/[slug]', entrypoint: route('products/routes/[slug].astro') });
    routes.push({ pattern: '/products/category/[category]/[...page]', entrypoint: route('products/routes/category/[category]/[...page].astro') });
  }
  if (config.features.faq) {
    routes.push({ pattern: '/faq', entrypoint: route('faq/routes/index.astro') });
    routes.push({ pattern: '/faq/[slug]', entrypoint: route('faq/routes/[slug].astro') });
    routes.push({ pattern: '/faq/category/[category]/[...page]', entrypoint: route('faq/routes/category/[category]/[...page].astro') });
  }
  routes.push(...crmRoutes(config));
  if (config.features.newsletter) {
    routes.push({ pattern: '/newsletter', entrypoint: route('newsletter/routes/index.astro') });
    routes.push({ pattern: '/newsletter/[slug]', entrypoint: route('newsletter/routes/[slug].astro') });
    routes.push({ pattern: '/newsletter/rss.xml', entrypoint: route('newsletter/routes/rss.xml.ts') });
  }
  return routes;
}

/** The CRM's pages: forms and link pages rendered on demand, and their static result pages. None is indexed. */
function crmRoutes(config: RapportConfig) {
  const routes: Array<{ pattern: string; entrypoint: string }> = [];
  if (config.crm.subscribe) {
    routes.push({ pattern: '/subscribe', entrypoint: route('newsletter/routes/subscribe.astro') });
    routes.push({ pattern: '/subscribe/confirm', entrypoint: route('newsletter/routes/subscribe-confirm.astro') });
    routes.push({ pattern: '/subscribe/preferences', entrypoint: route('newsletter/routes/preferences.astro') });
    routes.push({ pattern: '/unsubscribe', entrypoint: route('newsletter/routes/unsubscribe.astro') });
  }
  if (config.crm.accounts) {
    routes.push({ pattern: '/account', entrypoint: route('accounts/routes/index.astro') });
    routes.push({ pattern: '/account/register', entrypoint: route('accounts/routes/register.astro') });
    routes.push({ pattern: '/account/sign-in', entrypoint: route('accounts/routes/sign-in.astro') });
    routes.push({ pattern: '/account/sign-in/confirm', entrypoint: route('accounts/routes/sign-in-confirm.astro') });
  }
  if (config.crm.contactForm) routes.push({ pattern: '/contact/message', entrypoint: route('contact/routes/message.astro') });
  if (config.features.faq && config.crm.questions.enabled) routes.push({ pattern: '/faq/ask', entrypoint: route('faq/routes/ask.astro') });
  if (config.crm.orders.enabled) {
    routes.push({ pattern: '/order', entrypoint: route('orders/routes/order.astro') });
    routes.push({ pattern: `/${CATALOG_FILE}`, entrypoint: route('orders/routes/catalog.json.ts') });
    routes.push({ pattern: '/orders/[number]', entrypoint: route('orders/routes/[number].astro') });
    routes.push({ pattern: '/track', entrypoint: route('orders/routes/track.astro') });
  }
  for (const pattern of Object.keys(resultPages(config))) routes.push({ pattern, entrypoint: route('results/routes/result.astro') });
  return routes;
}

/** Drops noindex pages from the XML sitemap and dates each entry from its content. */
function sitemapItem<T extends { url: string; lastmod?: string | undefined }>(item: T, byPath: ReadonlyMap<string, PageFacts>, crmPaths: ReadonlySet<string>): T | undefined {
  const path = new URL(item.url).pathname.replace(/\/$/, '') || '/';
  if (crmPaths.has(path) || path === '/admin' || path.startsWith('/admin/')) return undefined;
  const page = byPath.get(path);
  if (!page) return item;
  if (page.noindex) return undefined;
  return page.lastmod ? { ...item, lastmod: page.lastmod } : item;
}
