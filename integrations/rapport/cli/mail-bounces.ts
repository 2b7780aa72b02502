import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { readDeliveryReport } from '../core/mail/delivery-reports.ts';
import { recordDeliveryEvent } from '../core/mail/delivery-events.ts';
import { outboxIdOf } from '../core/mail/report-outbox.ts';
import type { Database } from '../core/store/schema.ts';

/** Larger than any bounce or abuse report (they enclose at most the original message). */
const MAX_FILE_BYTES = 25 * 1024 * 1024;

const KIND_WORDS = { 'hard-bounce': 'hard bounce', 'soft-bounce': 'soft bounce', complaint: 'complaint' } as const;
const REASON_WORDS = { bounced: 'bounced', 'soft-bounces': 'repeated soft bounces', complained: 'complained', erased: 'erased' } as const;

/**
 * `npx rapport mail bounces <file-or-folder>…`: reads each `.eml` (a folder: its `*.eml` files),
 * records what it reports in one transaction per file, prints a line per file and a summary.
 * Resolves with 0 when every path could be read, 1 otherwise.
 */
export async function readBounceFiles(db: Kysely<Database>, paths: string[], options: { privacyVersion: string }): Promise<number> {
  const totals = { files: 0, events: 0, duplicates: 0, suppressed: new Set<string>(), nothing: 0, unreadable: 0 };
  for (const given of paths) {
    let files: string[];
    try {
      files = await emlFiles(given);
    } catch (error) {
      console.error(`${given}: cannot be read (${reason(error)}).`);
      totals.unreadable++;
      continue;
    }
    if (files.length === 0) console.log(`${given}: no .eml files in this folder.`);
    for (const file of files) {
      let raw: Buffer;
      try {
        if ((await stat(file)).size > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES / 1024 / 1024} MB, not a report`);
        raw = await readFile(file);
      } catch (error) {
        console.error(`${file}: cannot be read (${reason(error)}).`);
        totals.unreadable++;
        continue;
      }
      totals.files++;
      const report = await readDeliveryReport(raw);
      if (report.events.length === 0) {
        totals.nothing++;
        console.log(`${file}: ${report.note ?? 'not a bounce or complaint'}; nothing recorded.`);
        continue;
      }
      const source = report.type === 'arf' ? 'arf' : 'dsn';
      // One file, one transaction: a report is recorded whole or not at all.
      const lines = await db.transaction().execute(async (trx) => {
        const out: string[] = [];
        for (const event of report.events) {
          const outboxId = await outboxIdOf(trx, report.originalMessageId, event.email);
          const result = await recordDeliveryEvent(trx, { ...event, source, outboxId }, { privacyVersion: options.privacyVersion });
          const about = `${KIND_WORDS[event.kind]} for ${event.email}${outboxId ? ` (message ${outboxId})` : ''}`;
          if (!result.recorded) {
            totals.duplicates++;
            out.push(`${about}: already recorded`);
            continue;
          }
          totals.events++;
          if (result.suppressed) totals.suppressed.add(event.email);
          out.push(`${about}${result.suppressed ? `; suppressed (${REASON_WORDS[result.suppressed]})` : ''}: ${event.detail}`);
        }
        return out;
      });
      console.log(`${file}: ${report.type === 'arf' ? 'abuse report' : 'delivery status notification'}: ${lines.join('; ')}`);
    }
  }
  const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;
  console.log(
    `${plural(totals.files, 'file')} read: ${plural(totals.events, 'event')} recorded${totals.duplicates ? ` (${totals.duplicates} already known)` : ''}, ` +
      `${plural(totals.suppressed.size, 'address', 'addresses')} suppressed${totals.suppressed.size ? ` (${[...totals.suppressed].join(', ')})` : ''}, ` +
      `${totals.nothing} not a bounce or complaint${totals.unreadable ? `; ${plural(totals.unreadable, 'path')} could not be read` : ''}.`,
  );
  return totals.unreadable > 0 ? 1 : 0;
}

/** A file as given; a folder's `*.eml` files (not its subfolders), sorted. */
async function emlFiles(given: string): Promise<string[]> {
  const info = await stat(given);
  if (!info.isDirectory()) return [given];
  const entries = await readdir(given, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.eml'))
    .map((e) => path.join(given, e.name))
    .sort();
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'a folder';
  return error instanceof Error ? error.message : String(error);
}
