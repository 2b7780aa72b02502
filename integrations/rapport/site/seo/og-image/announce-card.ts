import type { CardData } from './render-card.ts';

/** The global hook a listening build installs (see `CardRenderer.listen`). */
export const ANNOUNCE = Symbol.for('rapport:og-card');
export type Announce = (card: CardData) => void;

/**
 * Called by the `<Seo>` component while a page is prerendered: when a build is listening, the
 * card starts rendering in a worker at once, alongside the rest of page generation. Kept apart
 * from the renderer so pages bundle nothing but this function.
 */
export function announceCard(card: CardData): void {
  (globalThis as { [ANNOUNCE]?: Announce })[ANNOUNCE]?.(card);
}
