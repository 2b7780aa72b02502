import { parentPort } from 'node:worker_threads';
import { renderCard, type CardData } from './render-card.ts';

/** Renders social cards off the main thread; fonts are parsed once per worker. */
parentPort?.on('message', async ({ id, card }: { id: number; card: CardData }) => {
  try {
    const { png, timings } = await renderCard(card);
    const bytes = new Uint8Array(png.buffer, png.byteOffset, png.byteLength).slice();
    parentPort?.postMessage({ id, png: bytes, timings }, [bytes.buffer]);
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
