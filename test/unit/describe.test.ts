import { describe, expect, it } from 'vitest';
import { clampText } from '../../integrations/rapport/site/seo/describe.ts';

describe('clampText', () => {
  it('leaves short text alone, apart from extra spaces', () => {
    expect(clampText('Tulips  and\n daffodils.')).toBe('Tulips and daffodils.');
  });

  it('cuts long text at a word boundary and marks the cut', () => {
    const text = 'Plant tulip bulbs in late September or early October, once the soil has cooled, about fifteen centimetres deep.';
    expect(clampText(text, 60)).toBe('Plant tulip bulbs in late September or early October, once…');
    expect(clampText(text, 60).length).toBeLessThanOrEqual(60);
  });

  it('keeps no-break spaces (French typography) and never cuts at one', () => {
    expect(clampText('Réponses\u00a0:  plantation,\nexpédition.')).toBe('Réponses\u00a0: plantation, expédition.');
    expect(clampText('Toutes les réponses de la catégorie «\u00a0Plantation\u00a0»', 44)).toBe('Toutes les réponses de la catégorie…');
  });
});
