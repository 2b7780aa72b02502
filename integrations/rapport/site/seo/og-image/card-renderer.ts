import { createHash } from 'node:crypto';
import type { FileCache } from '../../../internal/file-cache.ts';
import { ANNOUNCE, type Announce } from './announce-card.ts';
import { CardPool } from './card-pool.ts';
import { CARD_TEMPLATE_VERSION, type CardData, type CardTimings } from './render-card.ts';

export function cardFileName(card: CardData): string {
  return `${createHash('sha256')
    .update(JSON.stringify([CARD_TEMPLATE_VERSION, card]))
    .digest('hex')
    .slice(0, 32)}.png`;
}

/** Renders each distinct card once into the cache, in worker threads. */
export class CardRenderer {
  readonly cache: FileCache;
  private readonly pool = new CardPool();
  private readonly inFlight = new Map<string, Promise<void>>();
  rendered = 0;
  /** Thread CPU milliseconds of the cards rendered so far, per step (divide by `rendered` for one card). */
  readonly cpu: CardTimings = { layout: 0, raster: 0, encode: 0 };

  constructor(cache: FileCache) {
    this.cache = cache;
  }

  /** Starts rendering `card` unless it is cached or already under way; resolves when it is in the cache. */
  request(card: CardData): Promise<void> {
    const name = cardFileName(card);
    if (this.cache.has(name)) return Promise.resolve();
    let job = this.inFlight.get(name);
    if (!job) {
      job = this.pool.render(card).then(({ png, timings }) => {
        this.cache.put(name, png);
        this.rendered++;
        this.cpu.layout += timings.layout;
        this.cpu.raster += timings.raster;
        this.cpu.encode += timings.encode;
      });
      this.inFlight.set(name, job);
    }
    return job;
  }

  /** Renders cards announced by pages from now on (errors surface when the build requests them again). */
  listen(): void {
    (globalThis as { [ANNOUNCE]?: Announce })[ANNOUNCE] = (card) => void this.request(card).catch(() => this.inFlight.delete(cardFileName(card)));
  }

  async close(): Promise<void> {
    delete (globalThis as { [ANNOUNCE]?: Announce })[ANNOUNCE];
    await Promise.allSettled(this.inFlight.values());
    await this.pool.close();
  }
}
