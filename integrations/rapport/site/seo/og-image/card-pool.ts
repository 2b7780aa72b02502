import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CardData, CardTimings } from './render-card.ts';

interface Job {
  card: CardData;
  resolve: (result: { png: Buffer; timings: CardTimings }) => void;
  reject: (error: Error) => void;
}
interface Slot {
  worker: Worker;
  /** Jobs sent to this worker and not answered yet. */
  running: Map<number, Job>;
}

/**
 * Cards a worker has in hand at once. One: a worker rasterises in libuv's thread pool, which
 * Astro's file writes share, so a second card in hand would take a second pool thread and page
 * generation would wait behind the cards. The rest wait here: every card holds a 3 MB bitmap, so
 * handing a worker thousands at once would exhaust memory on a large site.
 */
const PER_WORKER = 1;

/**
 * Worker threads that render social cards. satori's layout is synchronous JavaScript, so cards
 * rendered on the main thread would stall Astro's page generation; in workers they use the
 * other cores while pages are still being generated.
 */
export class CardPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly size: number;
  private nextId = 0;

  constructor(size = availableParallelism()) {
    this.size = Math.max(1, size);
  }

  /** Renders one card on a worker as soon as one has room. */
  render(card: CardData): Promise<{ png: Buffer; timings: CardTimings }> {
    if (this.slots.length === 0) this.start();
    return new Promise((resolve, reject) => {
      this.queue.push({ card, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map(({ worker }) => worker.terminate()));
  }

  /** Workers start with the first card, so a build whose cards are all cached starts none. */
  private start(): void {
    for (let i = 0; i < this.size; i++) {
      const slot: Slot = { worker: new Worker(new URL('./card-worker.ts', import.meta.url)), running: new Map() };
      slot.worker.on('message', ({ id, png, timings, error }: { id: number; png?: Uint8Array; timings?: CardTimings; error?: string }) => {
        const job = slot.running.get(id);
        slot.running.delete(id);
        if (job && png && timings) job.resolve({ png: Buffer.from(png.buffer, png.byteOffset, png.byteLength), timings });
        else job?.reject(new Error(`Rendering a social card failed: ${error}`));
        this.dispatch();
      });
      slot.worker.on('error', (error) => {
        for (const job of [...slot.running.values(), ...this.queue.splice(0)]) job.reject(error);
        slot.running.clear();
      });
      slot.worker.unref();
      this.slots.push(slot);
    }
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      while (slot.running.size < PER_WORKER && this.queue.length > 0) {
        const job = this.queue.shift() as Job;
        const id = this.nextId++;
        slot.running.set(id, job);
        slot.worker.postMessage({ id, card: job.card });
      }
      // An idle worker must not keep the process alive (a failed build never calls close()).
      if (slot.running.size > 0) slot.worker.ref();
      else slot.worker.unref();
    }
  }
}
