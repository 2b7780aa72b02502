import { mkdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AstroError } from 'astro/errors';
import type { AstroIntegrationLogger } from 'astro';
import type { RapportConfig } from '../../config/schema.ts';
import type { CardRenderer } from '../seo/og-image/card-renderer.ts';
import { generateOgImages } from '../seo/og-image/generate-og-images.ts';
import { collectOutcomes, OUTCOMES_FILE } from '../../features/faq/questions.ts';
import { extractRecord } from '../../features/search/extract.ts';
import { copyDecap } from '../../features/cms/copy-decap.ts';
import { CATALOG_FILE, SERVER_CATALOG_FILE } from '../../features/orders/catalog.ts';
import { buildSearch } from '../../features/search/build-search.ts';
import { precompress } from './precompress.ts';
import type { PageFacts } from './scan-pages.ts';
import { formatWeightTable, kb, measurePages, overBudget } from './weight-report.ts';

/**
 * The build's last steps, after every file (sitemaps included) is written: social cards,
 * compressed copies, the page-weight report and the budget check.
 */
export async function afterBuild(options: {
  config: RapportConfig;
  pages: readonly PageFacts[];
  outDir: URL;
  cacheDir: URL;
  reportFile: URL;
  site: string;
  logger: AstroIntegrationLogger;
  /** Started at build start so cards render while pages are generated. */
  cardRenderer?: CardRenderer | undefined;
  /** The server bundle's folder (sites with an adapter): the search index and FAQ outcomes go there. */
  serverDir?: URL | undefined;
  /** The project root, where `crm.questions.draftsDir` is. */
  root: URL;
}): Promise<void> {
  const { config, pages, logger, site } = options;
  const outDir = fileURLToPath(options.outDir);
  const cacheDir = fileURLToPath(options.cacheDir);
  const serverDir = options.serverDir && fileURLToPath(options.serverDir);

  if (config.features.search) {
    const started = performance.now();
    const search = await buildSearch({ pages, outDir, serverDir });
    logger.info(
      `Search: ${search.records} pages indexed (${Math.round(performance.now() - started)} ms); Pagefind ${kb(search.pagefindBytes)} in /pagefind/${serverDir ? `, server index ${kb(search.serverIndexBytes)}` : ' (no server: /search?q= needs an adapter)'}`,
    );
  }
  if (serverDir && config.features.faq && config.crm.questions.enabled) {
    const folder = fileURLToPath(new URL(config.crm.questions.draftsDir.replace(/\/?$/, '/'), options.root));
    const outcomes = await collectOutcomes(folder, async (slug) => {
      const html = await readFile(path.join(outDir, 'faq', slug, 'index.html'), 'utf8').catch(() => undefined);
      const record = html === undefined ? undefined : extractRecord(`/faq/${slug}/`, html);
      return record && record.text.startsWith(record.title) ? record.text.slice(record.title.length).trim() : record?.text;
    });
    await writeFile(path.join(serverDir, OUTCOMES_FILE), `${JSON.stringify(outcomes)}\n`);
  }

  // The catalogue the server prices orders from is not for visitors: out of the public folder.
  const catalog = path.join(outDir, CATALOG_FILE);
  if (serverDir && config.crm.orders.enabled) await rename(catalog, path.join(serverDir, SERVER_CATALOG_FILE));
  else await rm(catalog, { force: true });
  await rmdir(path.dirname(catalog)).catch(() => undefined); // when nothing else is in it

  if (config.features.ogImages) {
    const started = performance.now();
    const og = await generateOgImages({ pages, outDir, cacheDir: path.join(cacheDir, 'og'), site, accent: config.site.accentColor, renderer: options.cardRenderer });
    logger.info(`Open Graph images: ${og.rendered} rendered, ${og.reused} unchanged (${Math.round(performance.now() - started)} ms)`);
  }

  if (config.cms.enabled) await copyDecap(outDir);

  const sizes = await precompress({ outDir, cacheDir: path.join(cacheDir, 'compressed'), write: config.features.precompress });
  // The CMS is for editors at their desks, not for visitors: its pages are not held to the budgets.
  const weights = await measurePages(pages.filter((p) => !p.pathname.startsWith('/admin/')), sizes, outDir);
  logger.info(`Page weight (transfer bytes; budget ${config.budgets.textKb} KB text, ${config.budgets.totalKb} KB with images):\n${formatWeightTable(weights)}`);
  const reportPath = fileURLToPath(options.reportFile);
  await mkdir(path.dirname(reportPath), { recursive: true });
  await writeFile(reportPath, `${JSON.stringify({ budgets: config.budgets, pages: weights }, null, 2)}\n`);

  const problems = overBudget(weights, config.budgets);
  if (problems.length === 0) return;
  const message = `${problems.length} page-weight budget${problems.length > 1 ? 's' : ''} exceeded:\n${problems.map((p) => `- ${p}`).join('\n')}`;
  if (!config.budgets.enforce) {
    logger.warn(message);
    return;
  }
  throw new AstroError(
    message,
    `Make the page lighter (smaller or lazy-loaded images, less inline CSS or script), or raise \`budgets.textKb\` / \`budgets.totalKb\` in the rapport() options. Heaviest page: ${kb(Math.max(...weights.map((w) => w.total)))}.`,
  );
}
