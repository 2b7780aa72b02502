import { createHash } from 'node:crypto';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { mapLimit } from '../../../internal/walk.ts';
import type { PageFacts } from '../../build/scan-pages.ts';
import { CARD_TEMPLATE_VERSION, renderCard, type CardData } from './render-card.ts';

export interface OgImageStats {
  rendered: number;
  reused: number;
}

/**
 * Writes the `og:image` of every page that points into `/og/`, rendering only cards whose content
 * hash is not in the cache. Renders run concurrently: resvg rasterises off the main thread.
 */
export async function generateOgImages(options: {
  pages: readonly PageFacts[];
  outDir: string;
  cacheDir: string;
  site: string;
  accent: string;
}): Promise<OgImageStats> {
  const { pages, outDir, cacheDir, site, accent } = options;
  const host = new URL(site).host.replace(/^www\./, '');
  const jobs = pages.flatMap((page) => {
    const image = page.og.image && new URL(page.og.image, site);
    if (!image || !image.pathname.startsWith('/og/')) return [];
    const card: CardData = { title: page.og.title, description: page.og.description, siteName: page.og.siteName, host, accent };
    return [{ card, target: path.join(outDir, decodeURIComponent(image.pathname)) }];
  });
  await mkdir(cacheDir, { recursive: true });
  const stats: OgImageStats = { rendered: 0, reused: 0 };
  await mapLimit(jobs, Math.max(2, availableParallelism() * 2), async ({ card, target }) => {
    const cached = path.join(cacheDir, `${cardHash(card)}.png`);
    await mkdir(path.dirname(target), { recursive: true });
    try {
      await copyFile(cached, target);
      stats.reused++;
      return;
    } catch {
      // not cached yet
    }
    const png = await renderCard(card);
    await writeFile(cached, png);
    await writeFile(target, png);
    stats.rendered++;
  });
  return stats;
}

export function cardHash(card: CardData): string {
  return createHash('sha256').update(JSON.stringify([CARD_TEMPLATE_VERSION, card])).digest('hex').slice(0, 32);
}
