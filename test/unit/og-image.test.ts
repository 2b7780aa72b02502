import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { imageSize } from 'image-size';
import { afterEach, describe, expect, it } from 'vitest';
import type { PageFacts } from '../../integrations/rapport/core/page-facts.ts';
import { generateOgImages } from '../../integrations/rapport/site/seo/og-image/generate-og-images.ts';

const page = (pathname: string, title: string): PageFacts => ({
  file: `${pathname.slice(1)}index.html`,
  pathname,
  title,
  description: `About ${title}`,
  canonical: undefined,
  noindex: false,
  lastmod: undefined,
  og: {
    title,
    description: `All about ${title}, in a sentence.`,
    siteName: 'Shop',
    image: `https://shop.example/og${pathname.replace(/\/$/, '') || '/index'}.png`,
  },
  stylesheets: [],
  scripts: [],
  eagerImages: [],
});

let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});
const tmp = async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rapport-og-'));
  dirs.push(dir);
  return dir;
};

describe('Open Graph images', () => {
  it('renders a 1200×630 PNG per page and reuses unchanged cards from the cache', async () => {
    const [outDir, cacheDir] = [await tmp(), await tmp()];
    const pages = [page('/a/', 'Tulips'), page('/b/', 'Daffodils')];
    const options = { outDir, cacheDir, site: 'https://shop.example', accent: '#2f6b3b' };

    const first = await generateOgImages({ ...options, pages });
    expect(first).toMatchObject({ rendered: 2, reused: 0 });
    // Each step of a card is measured, so the build log can say where a cold build's time goes.
    for (const ms of Object.values(first.cpuPerCard)) expect(ms).toBeGreaterThan(0);
    const size = imageSize(new Uint8Array(await import('node:fs/promises').then((fs) => fs.readFile(path.join(outDir, 'og/a.png')))));
    expect([size.width, size.height]).toEqual([1200, 630]);

    // Same content: nothing rendered. One changed title: only that card is rendered again.
    expect(await generateOgImages({ ...options, pages })).toEqual({ rendered: 0, reused: 2, cpuPerCard: { layout: 0, raster: 0, encode: 0 } });
    const changed = [page('/a/', 'Tulips'), page('/b/', 'Daffodils and narcissus')];
    expect(await generateOgImages({ ...options, pages: changed })).toMatchObject({ rendered: 1, reused: 1 });
    expect((await readdir(cacheDir)).filter((f) => f.endsWith('.png'))).toHaveLength(3);
    expect((await stat(path.join(outDir, 'og/b.png'))).size).toBeGreaterThan(5_000);
  });

  it('skips pages whose og:image is not a generated card', async () => {
    const outDir = await tmp();
    const custom = { ...page('/c/', 'Custom'), og: { ...page('/c/', 'Custom').og, image: 'https://shop.example/photo.jpg' } };
    expect(await generateOgImages({ pages: [custom], outDir, cacheDir: await tmp(), site: 'https://shop.example', accent: '#000000' })).toMatchObject({
      rendered: 0,
      reused: 0,
    });
  });
});
