import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CardData } from './render-card.ts';

type Pending = { resolve: (png: Buffer) => void; reject: (error: Error) => void };

/**
 * Worker threads that render social cards. satori's layout is synchronous JavaScript, so cards
 * rendered on the main thread would stall Astro's page generation; in workers they use the
 * other cores while pages are still being generated.
 */
export class CardPool {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private readonly size: number;

  constructor(size = availableParallelism()) {
    this.size = Math.max(1, size);
  }

  /** Workers start with the first card, so a build whose cards are all cached starts none. */
  private start(): void {
    for (let i = 0; i < this.size; i++) {
      const worker = new Worker(new URL('./card-worker.ts', import.meta.url));
      const slot = { worker, busy: 0 };
      worker.on('message', ({ id, png, error }: { id: number; png?: Uint8Array; error?: string }) => {
        // An idle worker must not keep the process alive (a failed build never calls close()).
        if (--slot.busy === 0) worker.unref();
        const job = this.pending.get(id);
        this.pending.delete(id);
        if (!job) return;
        if (png) job.resolve(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
        else job.reject(new Error(`Rendering a social card failed: ${error}`));
      });
      worker.on('error', (error) => {
        for (const job of this.pending.values()) job.reject(error);
        this.pending.clear();
      });
      worker.unref();
      this.workers.push(slot);
    }
  }

  /** Renders one card on the least busy worker. */
  render(card: CardData): Promise<Buffer> {
    if (this.workers.length === 0) this.start();
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    if (slot.busy++ === 0) slot.worker.ref();
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, card });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
  }
}
