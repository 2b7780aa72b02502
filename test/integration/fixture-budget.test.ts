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
    // The heavier pages (the product page's image markup and Product JSON-LD; newsletter pages with their sign-up form) go over 4.2 KB.
    const named = error!.message.split('\n').filter((line) => line.startsWith('- '));
    expect(error!.message).toMatch(new RegExp(`^${named.length} page-weight budgets? exceeded:`));
    expect(error!.message).toMatch(/- \/products\/pea-seeds\/: HTML\+CSS\+JS is \d+\.\d KB compressed, over the 4.2 KB budget/);
    // Lighter pages stay under the budget and are not named.
    expect(error!.message).not.toMatch(/- \/about\/:/);
  });
});
