import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../integrations/rapport/core/store/migrate.ts';
import { openStore } from '../../integrations/rapport/core/store/open-store.ts';
import type { OrderStatus } from '../../integrations/rapport/core/store/schema.ts';
import { readOrderFacts } from '../../integrations/rapport/features/console/segment-data.ts';
import { orderRow } from '../helpers/orders.ts';
import {
  buyersFrom,
  lapseOf,
  paretoHeadline,
  paretoOf,
  paretoSteps,
  periodStart,
  rfmGroupOf,
  rfmGroups,
  rfmScore,
  type Buyer,
} from '../../integrations/rapport/features/console/segments.ts';

const at = (iso: string) => new Date(iso);
const buyer = (contactId: string, revenueCents: number, orders = 1, lastOrderAt = '2026-01-10T00:00:00.000Z'): Buyer => ({
  contactId,
  revenueCents,
  orders,
  firstOrderAt: lastOrderAt,
  lastOrderAt,
});

describe('lapsed customers: each customer measured against their own rhythm', () => {
  // Every October for three years: a fall-bulb customer.
  const october = ['2022-10-15T15:00:00Z', '2023-10-12T15:00:00Z', '2024-10-18T15:00:00Z'];

  it('does not count an every-October customer as lapsed in January, in summer, or in the weeks after October', () => {
    for (const now of ['2025-01-15', '2025-07-01', '2025-10-25', '2025-12-01']) expect(lapseOf(october, at(now)).lapsed, now).toBe(false);
    const l = lapseOf(october, at('2025-01-15'));
    expect(l.yearly).toBe(true);
    expect(l.usualIntervalDays).toBeGreaterThanOrEqual(365);
    expect(l.expectedBy!.slice(0, 7)).toBe('2025-10');
  });

  it('counts them as lapsed in the December of the fall they skipped, 60 days past the expected order', () => {
    const l = lapseOf(october, at('2025-12-31'));
    expect(l.lapsed).toBe(true);
    // Expected in late October 2025, lapsed 60 days later (mid-December).
    expect(l.lapsedFrom.slice(0, 7)).toBe('2025-12');
    expect(Date.parse(l.lapsedFrom) - Date.parse(l.expectedBy!)).toBe(60 * 86_400_000);
  });

  it('floors the interval at a year for yearly buyers who ordered a little early once', () => {
    const l = lapseOf(['2023-10-01T00:00:00Z', '2024-08-20T00:00:00Z'], at('2025-01-01'));
    expect(l.yearly).toBe(true);
    expect(l.usualIntervalDays).toBe(365);
  });

  it('takes a September order and an October top-up as one fall, not a 30-day rhythm', () => {
    const dates = ['2023-09-01T00:00:00Z', '2023-10-05T00:00:00Z', '2024-09-03T00:00:00Z', '2024-10-02T00:00:00Z'];
    expect(lapseOf(dates, at('2025-06-01')).lapsed).toBe(false);
    expect(lapseOf(dates, at('2025-09-20')).lapsed).toBe(false);
    expect(lapseOf(dates, at('2025-12-15')).lapsed).toBe(true);
  });

  it('counts a monthly buyer as lapsed about two months after their last order', () => {
    const monthly = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2025, i, 1)).toISOString());
    const l = lapseOf(monthly, at('2026-01-20'));
    expect(l.yearly).toBe(false);
    expect(l.usualIntervalDays).toBe(31);
    expect(l.lapsed).toBe(false); // 50 days
    expect(lapseOf(monthly, at('2026-02-05')).lapsed).toBe(true); // 66 days
    expect(l.lapsedFrom.slice(0, 10)).toBe('2026-01-30');
  });

  it('counts a customer with one order as lapsed 18 months after it (a season skipped)', () => {
    const once = ['2024-03-10T12:00:00Z'];
    expect(lapseOf(once, at('2025-09-01')).lapsed).toBe(false);
    expect(lapseOf(once, at('2025-09-11')).lapsed).toBe(true);
    expect(lapseOf(once, at('2025-09-11'))).toMatchObject({ usualIntervalDays: null, expectedBy: null, lapsedFrom: '2025-09-10T12:00:00.000Z' });
    // Two orders in one spring are still one season: no rhythm yet.
    expect(lapseOf(['2024-03-10T12:00:00Z', '2024-04-02T12:00:00Z'], at('2025-09-20')).lapsed).toBe(false);
    expect(lapseOf(['2024-03-10T12:00:00Z', '2024-04-02T12:00:00Z'], at('2025-10-03')).lapsed).toBe(true);
  });

  it('reads dates in any order', () => {
    expect(lapseOf([...october].reverse(), at('2025-12-31'))).toEqual(lapseOf(october, at('2025-12-31')));
  });
});

describe('best customers: the smallest group that made 80 % of sales', () => {
  it('finds the 2 of 10 customers who made 80 %', () => {
    const buyers = [...Array.from({ length: 8 }, (_, i) => buyer(`small-${i}`, 250, 1)), buyer('big-a', 4000, 3), buyer('big-b', 4000, 2)];
    const p = paretoOf(buyers);
    expect(p.totalCents).toBe(10_000);
    expect(p.topCount).toBe(2);
    expect(p.ranked.filter((b) => b.top).map((b) => b.contactId)).toEqual(['big-a', 'big-b']); // tie broken by more orders
    expect(p.topShareOfBuyers).toBe(0.2);
    expect(p.topShareOfRevenue).toBe(0.8);
    expect(p.ranked.map((b) => b.cumulativeShare)).toEqual([0.4, 0.8, 0.825, 0.85, 0.875, 0.9, 0.925, 0.95, 0.975, 1]);
    expect(p.ranked[0]!.share).toBe(0.4);
    expect(paretoHeadline(p)).toBe('2 customers (20 % of buyers) made 80 % of sales');
  });

  it('takes the customer who crosses 80 % into the group, and nobody after', () => {
    expect(paretoOf([buyer('a', 5000), buyer('b', 2900), buyer('c', 2100)]).topCount).toBe(3);
    expect(paretoOf([buyer('a', 5000), buyer('b', 3100), buyer('c', 1900)]).topCount).toBe(2);
    expect(paretoOf([buyer('a', 100)]).topCount).toBe(1);
    expect(paretoHeadline(paretoOf([buyer('a', 100)]))).toBe('1 customer (100 % of buyers) made 80 % of sales');
  });

  it('says so when nobody bought', () => {
    const p = paretoOf([]);
    expect(p.topCount).toBe(0);
    expect(paretoHeadline(p)).toBe('No sales in this period yet.');
    expect(paretoSteps(p)).toEqual([]);
  });

  it('sums the best tenth, fifth… for the table beside the curve', () => {
    const buyers = [...Array.from({ length: 8 }, (_, i) => buyer(`small-${i}`, 250)), buyer('big-a', 4000), buyer('big-b', 4000)];
    const steps = paretoSteps(paretoOf(buyers));
    expect(steps[0]).toEqual({ customersPercent: 10, customers: 1, revenueCents: 4000, share: 0.4 });
    expect(steps[1]).toEqual({ customersPercent: 20, customers: 2, revenueCents: 8000, share: 0.8 });
    expect(steps.at(-1)).toEqual({ customersPercent: 100, customers: 10, revenueCents: 10_000, share: 1 });
  });

  it('starts a period so many calendar months back', () => {
    expect(periodStart('12', at('2026-03-15T10:00:00Z'))).toBe('2025-03-15T10:00:00.000Z');
    expect(periodStart('36', at('2026-03-15T10:00:00Z'))).toBe('2023-03-15T10:00:00.000Z');
    expect(periodStart('all', at('2026-03-15T10:00:00Z'))).toBeUndefined();
  });
});

describe('customer groups by recency, frequency and spend', () => {
  const now = at('2026-06-01T00:00:00Z');
  it('scores on fixed thresholds: 12 and 24 months, 1 / 2–3 / 4+ orders, the median spend', () => {
    expect(rfmScore(buyer('x', 500, 4, '2025-06-02T00:00:00Z'), now, 500)).toEqual({ r: 3, f: 3, m: 'high' });
    expect(rfmScore(buyer('x', 499, 3, '2025-05-31T00:00:00Z'), now, 500)).toEqual({ r: 2, f: 2, m: 'low' });
    expect(rfmScore(buyer('x', 499, 1, '2024-05-31T00:00:00Z'), now, 500)).toEqual({ r: 1, f: 1, m: 'low' });
  });

  it('names each score with the first rule that fits', () => {
    expect(rfmGroupOf({ r: 3, f: 3, m: 'high' })).toBe('champions');
    expect(rfmGroupOf({ r: 3, f: 3, m: 'low' })).toBe('loyal');
    expect(rfmGroupOf({ r: 3, f: 2, m: 'high' })).toBe('loyal');
    expect(rfmGroupOf({ r: 3, f: 1, m: 'high' })).toBe('new');
    expect(rfmGroupOf({ r: 2, f: 2, m: 'low' })).toBe('at-risk');
    expect(rfmGroupOf({ r: 2, f: 1, m: 'high' })).toBe('at-risk');
    expect(rfmGroupOf({ r: 2, f: 1, m: 'low' })).toBe('occasional');
    expect(rfmGroupOf({ r: 1, f: 3, m: 'high' })).toBe('lost');
  });

  it('puts every buyer in exactly one group and sums them', () => {
    const buyers = [
      buyer('champ', 90_000, 6, '2026-04-01T00:00:00Z'),
      buyer('loyal', 3_000, 2, '2026-01-01T00:00:00Z'),
      buyer('new', 8_000, 1, '2026-05-01T00:00:00Z'),
      buyer('risk', 20_000, 3, '2025-01-01T00:00:00Z'),
      buyer('occasional', 1_000, 1, '2025-02-01T00:00:00Z'),
      buyer('lost', 50_000, 9, '2023-01-01T00:00:00Z'),
    ];
    const rfm = rfmGroups(buyers, now);
    expect(rfm.medianCents).toBe(14_000);
    expect(Object.fromEntries(rfm.groupOf)).toEqual({
      champ: 'champions',
      loyal: 'loyal',
      new: 'new',
      risk: 'at-risk',
      occasional: 'occasional',
      lost: 'lost',
    });
    expect(rfm.groups.reduce((n, g) => n + g.customers, 0)).toBe(6);
    expect(rfm.groups.find((g) => g.group === 'lost')).toEqual({ group: 'lost', customers: 1, revenueCents: 50_000 });
  });
});

describe('the sums read from the store', () => {
  it('count only orders that brought money: cancelled and returned orders are left out', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rapport-segments-'));
    const store = openStore({ sqliteFile: path.join(dir, 'crm.sqlite') });
    try {
      await migrateToLatest(store);
      const now = '2026-01-01T00:00:00.000Z';
      await store.db
        .insertInto('contacts')
        .values(
          ['a', 'b'].map((id) => ({
            id,
            email: `${id}@example.com`,
            name: id,
            organisation: null,
            kind: 'customer' as const,
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
      const orders: Array<[string, OrderStatus, number, string]> = [
        ['a', 'delivered', 1000, '2025-03-01T00:00:00.000Z'],
        ['a', 'cancelled', 99_000, '2025-04-01T00:00:00.000Z'],
        ['a', 'shipped', 2000, '2025-09-01T00:00:00.000Z'],
        ['b', 'returned', 50_000, '2025-05-01T00:00:00.000Z'],
        ['b', 'received', 700, '2025-10-01T00:00:00.000Z'],
      ];
      await store.db
        .insertInto('orders')
        .values(
          orders.map(([contact, status, cents, created], n) =>
            orderRow({ id: `o${n}`, number: `N${n}`, contactId: contact, status, subtotalCents: cents, at: created, paymentMethod: 'invoice' }),
          ),
        )
        .execute();
      const facts = await readOrderFacts(store.db);
      expect(facts.complete).toBe(true);
      expect(Object.fromEntries(facts.byContact)).toEqual({
        a: { dates: ['2025-03-01T00:00:00.000Z', '2025-09-01T00:00:00.000Z'], cents: [1000, 2000] },
        b: { dates: ['2025-10-01T00:00:00.000Z'], cents: [700] },
      });
      const buyers = buyersFrom(facts.byContact).sort((x, y) => x.contactId.localeCompare(y.contactId));
      expect(buyers).toEqual([
        { contactId: 'a', revenueCents: 3000, orders: 2, firstOrderAt: '2025-03-01T00:00:00.000Z', lastOrderAt: '2025-09-01T00:00:00.000Z' },
        { contactId: 'b', revenueCents: 700, orders: 1, firstOrderAt: '2025-10-01T00:00:00.000Z', lastOrderAt: '2025-10-01T00:00:00.000Z' },
      ]);
      // A period counts only its own orders; the last order stays the last ever.
      expect(buyersFrom(facts.byContact, '2025-06-01T00:00:00.000Z').find((b) => b.contactId === 'a')).toMatchObject({ revenueCents: 2000, orders: 1 });
      expect(buyersFrom(facts.byContact, '2025-09-15T00:00:00.000Z').map((b) => b.contactId)).toEqual(['b']);
      // Past the bound, the newest orders are read and the figures say they are incomplete.
      const cut = await readOrderFacts(store.db, 2);
      expect(cut.complete).toBe(false);
      expect(Object.fromEntries([...cut.byContact].map(([id, h]) => [id, h.dates]))).toEqual({
        a: ['2025-09-01T00:00:00.000Z'],
        b: ['2025-10-01T00:00:00.000Z'],
      });
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
