import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { renderAsync } from '@resvg/resvg-js';
import satori, { type Font } from 'satori';
import sharp from 'sharp';

/** Bump when the card's look changes, so cached images are rendered again. */
export const CARD_TEMPLATE_VERSION = 1;

export interface CardData {
  title: string;
  description: string;
  siteName: string;
  host: string;
  accent: string;
}

let fonts: Promise<Font[]> | undefined;

/** The card fonts, read and parsed once per process (re-parsing per image costs ~5× the render). */
function loadFonts(): Promise<Font[]> {
  fonts ??= (async () => {
    const require = createRequire(import.meta.url);
    const file = (weight: number) => require.resolve(`@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-${weight}-normal.woff`);
    const [regular, bold] = await Promise.all([readFile(file(400)), readFile(file(700))]);
    return [
      { name: 'Atkinson Hyperlegible', data: regular, weight: 400, style: 'normal' },
      { name: 'Atkinson Hyperlegible', data: bold, weight: 700, style: 'normal' },
    ];
  })();
  return fonts;
}

type Node = { type: string; props: { style?: Record<string, unknown>; children?: Node | Node[] | string | undefined } };
const h = (type: string, style: Record<string, unknown>, children?: Node['props']['children']): Node => ({ type, props: { style, children } });

const clamp = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1).replace(/\s+\S*$/, '')}…` : text);

/** Renders one 1200×630 social card as PNG (CPU-bound: call it from a worker thread). */
export async function renderCard(card: CardData): Promise<Buffer> {
  const title = clamp(card.title, 90);
  const tree = h('div', { width: '100%', height: '100%', display: 'flex', background: '#fffdf8', fontFamily: 'Atkinson Hyperlegible' }, [
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
  // satori takes React-like elements; with @types/react installed (Decap brings it) its type is ReactNode.
  const svg = await satori(tree as unknown as Parameters<typeof satori>[0], { width: 1200, height: 630, fonts: await loadFonts() });
  // resvg rasterises in libuv's thread pool, so a worker lays out its next card meanwhile.
  const image = await renderAsync(svg, { fitTo: { mode: 'original' }, font: { loadSystemFonts: false } });
  // sharp encodes the PNG about twice as fast as resvg's own encoder.
  return sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 4 } })
    .removeAlpha()
    .png({ compressionLevel: 6, adaptiveFiltering: false })
    .toBuffer();
}
