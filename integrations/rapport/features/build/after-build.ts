import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AstroError } from 'astro/errors';
import type { AstroIntegrationLogger } from 'astro';
import type { RapportConfig } from '../../config/schema.ts';
import type { CardRenderer } from '../seo/og-image/card-renderer.ts';
import { generateOgImages } from '../seo/og-image/generate-og-images.ts';
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
}): Promise<void> {
  const { config, pages, logger, site } = options;
  const outDir = fileURLToPath(options.outDir);
  const cacheDir = fileURLToPath(options.cacheDir);

  if (config.features.ogImages) {
    const started = performance.now();
    const og = await generateOgImages({ pages, outDir, cacheDir: path.join(cacheDir, 'og'), site, accent: config.site.accentColor, renderer: options.cardRenderer });
    logger.info(`Open Graph images: ${og.rendered} rendered, ${og.reused} unchanged (${Math.round(performance.now() - started)} ms)`);
  }

  const sizes = await precompress({ outDir, cacheDir: path.join(cacheDir, 'compressed'), write: config.features.precompress });
  const weights = await measurePages(pages, sizes, outDir);
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
