import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSite } from '../helpers/built-site.ts';

describe('page-weight budget', () => {
  it('fails the build naming the page and its weight', async () => {
    const root = path.resolve(import.meta.dirname, '../fixtures/basic');
    const error = await buildSite(root, { env: { FIXTURE_BUDGET_TEXT_KB: '4.2' } }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    // The product page (image markup, Product JSON-LD) is the only one over 4.2 KB.
    expect(error!.message).toMatch(/^1 page-weight budget exceeded:/);
    expect(error!.message).toMatch(/- \/products\/pea-seeds\/: HTML\+CSS\+JS is \d+\.\d KB compressed, over the 4.2 KB budget/);
    // Lighter pages stay under the budget and are not named.
    expect(error!.message).not.toMatch(/- \/about\/:/);
  });
});
