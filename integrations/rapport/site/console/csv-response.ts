import { stringify } from 'csv-stringify/sync';

/**
 * A CSV download. Cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR
 * at the start) are escaped by csv-stringify's `escape_formulas` (a leading `'`); negative numbers
 * stay numbers. A byte-order mark makes Excel read the file as UTF-8.
 */
export function csvResponse(filename: string, header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>): Response {
  const body = stringify([header as string[], ...(rows as Array<Array<string | number | null | undefined>>)], {
    escape_formulas: true,
    bom: true,
    record_delimiter: 'windows',
    cast: { number: (n) => String(n) },
  });
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename.replace(/[^\w.-]+/g, '-')}"`,
      'Cache-Control': 'private, no-store',
      'X-Robots-Tag': 'noindex',
    },
  });
}
