import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { PageFacts } from '../../core/page-facts.ts';
import type { CompressedSizes } from './precompress.ts';

/** Transfer weight of one page, in bytes. */
export interface PageWeight {
  pathname: string;
  /** HTML + CSS + JS, gzip-compressed. */
  text: number;
  /** The same with Brotli, as modern browsers receive it. */
  textBrotli: number;
  /** Eagerly loaded images. */
  images: number;
  /** `text` + `images`. */
  total: number;
}

export interface Budgets {
  textKb: number;
  totalKb: number;
}

/** Adds up what each page makes a visitor download before it is usable. */
export async function measurePages(pages: readonly PageFacts[], sizes: ReadonlyMap<string, CompressedSizes>, outDir: string): Promise<PageWeight[]> {
  const imageBytes = new Map<string, number>();
  const sizeOfImage = async (url: string) => {
    if (!imageBytes.has(url)) {
      const file = path.join(outDir, decodeURIComponent(url.split('?')[0] ?? url));
      imageBytes.set(
        url,
        await stat(file).then(
          (s) => s.size,
          () => 0,
        ),
      );
    }
    return imageBytes.get(url) ?? 0;
  };
  const textOf = (key: string) => sizes.get(key.replace(/^\//, '').split('?')[0] ?? '') ?? { raw: 0, gzip: 0, brotli: 0 };
  return Promise.all(
    pages.map(async (page) => {
      const parts = [page.file, ...page.stylesheets, ...page.scripts].map(textOf);
      const text = parts.reduce((n, s) => n + s.gzip, 0);
      const textBrotli = parts.reduce((n, s) => n + s.brotli, 0);
      const images = (await Promise.all([...new Set(page.eagerImages)].map(sizeOfImage))).reduce((n, b) => n + b, 0);
      return { pathname: page.pathname, text, textBrotli, images, total: text + images };
    }),
  );
}

/** Pages over budget, each as one line naming the page, the figure and the limit. */
export function overBudget(weights: readonly PageWeight[], budgets: Budgets): string[] {
  return weights.flatMap((w) => {
    const problems: string[] = [];
    if (w.text > budgets.textKb * 1000) problems.push(`${w.pathname}: HTML+CSS+JS is ${kb(w.text)} compressed, over the ${budgets.textKb} KB budget`);
    if (w.total > budgets.totalKb * 1000) problems.push(`${w.pathname}: page with images is ${kb(w.total)}, over the ${budgets.totalKb} KB budget`);
    return problems;
  });
}

export const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

/** A fixed-width table for the build log (all pages when few, else the heaviest). */
export function formatWeightTable(weights: readonly PageWeight[], limit = 25): string {
  const rows = [...weights].sort((a, b) => b.total - a.total);
  const shown = rows.length > limit ? rows.slice(0, limit) : rows;
  const width = Math.min(60, Math.max(4, ...shown.map((r) => r.pathname.length)));
  const line = (cols: string[]) =>
    `${cols[0]!.padEnd(width)}  ${cols
      .slice(1)
      .map((c) => c.padStart(9))
      .join('  ')}`;
  const out = [
    line(['page', 'text gz', 'text br', 'images', 'total']),
    ...shown.map((r) => line([r.pathname.slice(0, width), kb(r.text), kb(r.textBrotli), kb(r.images), kb(r.total)])),
  ];
  if (shown.length < rows.length) out.push(`… and ${rows.length - shown.length} lighter pages (full report in .rapport/weight-report.json)`);
  return out.join('\n');
}
