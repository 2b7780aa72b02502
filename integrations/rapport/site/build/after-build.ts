import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AstroError } from 'astro/errors';
import type { AstroIntegrationLogger } from 'astro';
import type { FeatureContext, RapportFeature } from '../../core/feature.ts';
import type { CardRenderer } from '../seo/og-image/card-renderer.ts';
import { generateOgImages } from '../seo/og-image/generate-og-images.ts';
import { precompress } from './precompress.ts';
import type { PageFacts } from '../../core/page-facts.ts';
import { formatWeightTable, kb, measurePages, overBudget } from './weight-report.ts';

/**
 * The build's last steps, after every file (sitemaps included) is written: social cards,
 * compressed copies, the page-weight report and the budget check.
 */
export async function afterBuild(options: {
  ctx: FeatureContext;
  /** The enabled features: their after-build steps run first, so what they write is compressed and weighed too. */
  features: readonly RapportFeature[];
  pages: readonly PageFacts[];
  outDir: URL;
  cacheDir: URL;
  reportFile: URL;
  site: string;
  logger: AstroIntegrationLogger;
  /** Started at build start so cards render while pages are generated. */
  cardRenderer?: CardRenderer | undefined;
  /** The server bundle's folder (sites with an adapter): features put their artefacts for the server there. */
  serverDir?: URL | undefined;
  /** The project root. */
  root: URL;
}): Promise<void> {
  const { ctx, pages, logger, site } = options;
  const { config } = ctx;
  const outDir = fileURLToPath(options.outDir);
  const cacheDir = fileURLToPath(options.cacheDir);
  const serverDir = options.serverDir && fileURLToPath(options.serverDir);

  for (const feature of options.features) await feature.afterBuild?.({ ...ctx, outDir, serverDir, cacheDir, root: options.root, pages, logger });

  if (config.features.ogImages) {
    const started = performance.now();
    const og = await generateOgImages({
      pages,
      outDir,
      cacheDir: path.join(cacheDir, 'og'),
      site,
      accent: config.site.accentColor,
      renderer: options.cardRenderer,
    });
    const { layout, raster, encode } = og.cpuPerCard;
    const cpu = og.rendered ? `; CPU per card: layout ${layout} ms, raster ${raster} ms, encode ${encode} ms` : '';
    logger.info(`Open Graph images: ${og.rendered} rendered, ${og.reused} unchanged (${Math.round(performance.now() - started)} ms${cpu})`);
  }

  const sizes = await precompress({ outDir, cacheDir: path.join(cacheDir, 'compressed'), write: config.features.precompress });
  // The CMS is for editors at their desks, not for visitors: its pages are not held to the budgets.
  const weights = await measurePages(
    pages.filter((p) => !p.pathname.startsWith('/admin/')),
    sizes,
    outDir,
  );
  logger.info(
    `Page weight (transfer bytes; budget ${config.budgets.textKb} KB text, ${config.budgets.totalKb} KB with images):\n${formatWeightTable(weights)}`,
  );
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
