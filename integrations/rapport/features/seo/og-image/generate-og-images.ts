import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { FileCache } from '../../../internal/file-cache.ts';
import { mapLimit } from '../../../internal/walk.ts';
import type { PageFacts } from '../../build/scan-pages.ts';
import { CARD_TEMPLATE_VERSION, renderCard, type CardData } from './render-card.ts';

export interface OgImageStats {
  rendered: number;
  reused: number;
}

/**
 * Writes the `og:image` of every page that points into `/og/`, rendering only cards whose content
 * hash is not in the cache. Renders run concurrently: resvg and the PNG encoder work off the main thread.
 */
export async function generateOgImages(options: {
  pages: readonly PageFacts[];
  outDir: string;
  cacheDir: string;
  site: string;
  accent: string;
}): Promise<OgImageStats> {
  const { pages, outDir, site, accent } = options;
  const cache = new FileCache(options.cacheDir);
  const host = new URL(site).host.replace(/^www\./, '');
  const toRender = new Map<string, { card: CardData; targets: string[] }>();
  let reused = 0;
  for (const page of pages) {
    const image = page.og.image && new URL(page.og.image, site);
    if (!image || !image.pathname.startsWith('/og/')) continue;
    const card: CardData = { title: page.og.title, description: page.og.description, siteName: page.og.siteName, host, accent };
    const name = `${cardHash(card)}.png`;
    const target = path.join(outDir, decodeURIComponent(image.pathname));
    if (cache.has(name)) {
      cache.placeAt(name, target);
      reused++;
    } else {
      const job = toRender.get(name) ?? { card, targets: [] };
      job.targets.push(target);
      toRender.set(name, job);
    }
  }
  await mapLimit([...toRender], Math.max(2, availableParallelism() * 2), async ([name, { card, targets }]) => {
    cache.put(name, await renderCard(card));
    for (const target of targets) cache.placeAt(name, target);
  });
  return { rendered: toRender.size, reused };
}

export function cardHash(card: CardData): string {
  return createHash('sha256').update(JSON.stringify([CARD_TEMPLATE_VERSION, card])).digest('hex').slice(0, 32);
}
