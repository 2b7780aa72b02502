import { renderAsync } from '@resvg/resvg-js';
import satori, { type Font } from 'satori';
import { CARD_FONT_FAMILY, cardFonts, type CardFont } from './card-fonts.ts';
import { encodePng } from './encode-png.ts';

/** Bump when the card's look changes, so cached images are rendered again. */
export const CARD_TEMPLATE_VERSION = 2;

export interface CardData {
  title: string;
  description: string;
  siteName: string;
  host: string;
  accent: string;
}

/**
 * Milliseconds one card took in each step: CPU of the worker's thread for layout and encoding;
 * for rasterising, which runs in libuv's thread pool, the time the worker waited for it.
 */
export interface CardTimings {
  layout: number;
  raster: number;
  encode: number;
}

let fonts: { satori: Font[]; files: string[] } | undefined;

/** The card fonts, read and converted once per process (re-parsing per image costs ~5× the render). */
function loadFonts() {
  fonts ??= ((all: CardFont[]) => ({
    satori: all.map((f) => ({ name: CARD_FONT_FAMILY, data: f.woff, weight: f.weight, style: 'normal' as const })),
    files: all.map((f) => f.ttfFile),
  }))(cardFonts());
  return fonts;
}

type Node = { type: string; props: { style?: Record<string, unknown>; children?: Node | Node[] | string | undefined } };
const h = (type: string, style: Record<string, unknown>, children?: Node['props']['children']): Node => ({ type, props: { style, children } });

const clamp = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1).replace(/\s+\S*$/, '')}…` : text);
const cpuMs = () => {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
};

/** Renders one 1200×630 social card as PNG (CPU-bound: call it from a worker thread). */
export async function renderCard(card: CardData): Promise<{ png: Buffer; timings: CardTimings }> {
  const started = cpuMs();
  const title = clamp(card.title, 90);
  const tree = h('div', { width: '100%', height: '100%', display: 'flex', background: '#fffdf8', fontFamily: CARD_FONT_FAMILY }, [
    h('div', { width: 28, height: '100%', background: card.accent }),
    h('div', { display: 'flex', flexDirection: 'column', justifyContent: 'space-between', padding: '64px 72px', flex: 1 }, [
      h('div', { fontSize: 34, fontWeight: 700, color: card.accent }, card.siteName),
      h('div', { display: 'flex', flexDirection: 'column' }, [
        h('div', { fontSize: title.length > 50 ? 60 : 72, fontWeight: 700, color: '#1d1d1b', lineHeight: 1.1 }, title),
        h('div', { fontSize: 32, color: '#575750', marginTop: 28, lineHeight: 1.35 }, clamp(card.description, 150)),
      ]),
      h('div', { fontSize: 28, color: '#575750' }, card.host),
    ]),
  ]);
  const { satori: satoriFonts, files } = loadFonts();
  // Layout only: words come out as positioned <text>, which resvg draws from the same font in
  // native code; letting satori turn every glyph into an SVG path cost more than the whole raster.
  const svg = await satori(tree as unknown as Parameters<typeof satori>[0], { width: 1200, height: 630, fonts: satoriFonts, embedFont: false });
  const laidOut = cpuMs();
  // At the final size. The asynchronous call, because resvg-js's synchronous render() keeps each
  // card's pixels (~6 MB) after they are read: thousands of cards took gigabytes.
  const rasterStarted = performance.now();
  const image = await renderAsync(svg, {
    fitTo: { mode: 'original' },
    font: { loadSystemFonts: false, fontFiles: files, defaultFontFamily: CARD_FONT_FAMILY },
  });
  const pixels = image.pixels;
  const raster = performance.now() - rasterStarted;
  const encodeStarted = cpuMs();
  const png = encodePng(pixels, image.width, image.height);
  return { png, timings: { layout: laidOut - started, raster, encode: cpuMs() - encodeStarted } };
}
