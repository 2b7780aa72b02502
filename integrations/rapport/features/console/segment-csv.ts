import type { SegmentInfo, SegmentRow } from './segment-lists.ts';

// A segment's CSV: the same people and figures as its page, one row each. Money as a plain
// decimal in the shop's currency (named in the header), dates as YYYY-MM-DD, shares in percent.

const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : '');
const amount = (cents: number | undefined) => (cents === undefined ? '' : (cents / 100).toFixed(2));
const pct = (share: number | undefined) => (share === undefined ? '' : (share * 100).toFixed(1));

export function segmentCsv(segment: SegmentInfo, rows: readonly SegmentRow[], currency: string): { header: string[]; rows: Array<Array<string | number>> } {
  const who = (r: SegmentRow) => [r.contact.name, r.contact.email, r.contact.organisation ?? ''];
  const sales = `Sales (${currency})`;
  switch (segment.type) {
    case 'best':
      return {
        header: ['Rank', 'Name', 'E-mail', 'Organisation', sales, 'Orders', 'Last order', 'Share of sales (%)', 'Cumulative share (%)'],
        rows: rows.map((r, i) => [
          i + 1,
          ...who(r),
          amount(r.buyer?.revenueCents),
          r.buyer?.orders ?? '',
          day(r.buyer?.lastOrderAt),
          pct(r.buyer?.share),
          pct(r.buyer?.cumulativeShare),
        ]),
      };
    case 'rfm':
      return {
        header: ['Name', 'E-mail', 'Organisation', sales, 'Orders', 'First order', 'Last order'],
        rows: rows.map((r) => [...who(r), amount(r.buyer?.revenueCents), r.buyer?.orders ?? '', day(r.buyer?.firstOrderAt), day(r.buyer?.lastOrderAt)]),
      };
    case 'lapsed':
      return {
        header: ['Name', 'E-mail', 'Organisation', sales, 'Orders', 'Last order', 'Usual interval (days)', 'Next order expected', 'Lapsed since'],
        rows: rows.map((r) => [
          ...who(r),
          amount(r.buyer?.revenueCents),
          r.buyer?.orders ?? '',
          day(r.buyer?.lastOrderAt),
          r.lapse?.usualIntervalDays ?? '',
          day(r.lapse?.expectedBy),
          day(r.lapse?.lapsedFrom),
        ]),
      };
    case 'kind':
      return {
        header: ['Name', 'E-mail', 'Organisation', 'Kind', 'Added'],
        rows: rows.map((r) => [...who(r), r.contact.kind, day(r.addedAt)]),
      };
  }
}
