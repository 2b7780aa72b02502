import path from 'node:path';
import { FileCache } from '../../../internal/file-cache.ts';
import type { PageFacts } from '../../../core/page-facts.ts';
import { CardRenderer, cardFileName } from './card-renderer.ts';
import type { CardData, CardTimings } from './render-card.ts';

export interface OgImageStats {
  /** Cards rendered during this build (while pages were generated, or now). */
  rendered: number;
  /** Pages whose card came unchanged from an earlier build. */
  reused: number;
  /** Thread CPU milliseconds per rendered card, per step (zeros when none was rendered). */
  cpuPerCard: CardTimings;
}

/**
 * Writes the `og:image` of every page that points into `/og/`. Cards are cached by content hash:
 * an unchanged page's card is linked from the cache, others are rendered in worker threads
 * (most of them already started while Astro generated the pages, see `announceCard`).
 */
export async function generateOgImages(options: {
  pages: readonly PageFacts[];
  outDir: string;
  cacheDir: string;
  site: string;
  accent: string;
  /** The renderer the build started early; one is made (and closed) here when absent. */
  renderer?: CardRenderer | undefined;
}): Promise<OgImageStats> {
  const { pages, outDir, site, accent } = options;
  const renderer = options.renderer ?? new CardRenderer(new FileCache(options.cacheDir));
  const host = new URL(site).host.replace(/^www\./, '');
  let reused = 0;
  try {
    const jobs = pages.flatMap((page) => {
      const image = page.og.image && new URL(page.og.image, site);
      if (!image || !image.pathname.startsWith('/og/')) return [];
      const card: CardData = { title: page.og.title, description: page.og.description, siteName: page.og.siteName, host, accent };
      return [{ name: cardFileName(card), card, target: path.join(outDir, decodeURIComponent(image.pathname)) }];
    });
    await Promise.all(jobs.map((j) => renderer.request(j.card)));
    for (const job of jobs) {
      if (renderer.cache.hadAtStart(job.name)) reused++;
      renderer.cache.placeAt(job.name, job.target);
    }
  } finally {
    if (!options.renderer) await renderer.close();
  }
  const per = (ms: number) => (renderer.rendered ? Number((ms / renderer.rendered).toFixed(1)) : 0);
  return {
    rendered: renderer.rendered,
    reused,
    cpuPerCard: { layout: per(renderer.cpu.layout), raster: per(renderer.cpu.raster), encode: per(renderer.cpu.encode) },
  };
}
