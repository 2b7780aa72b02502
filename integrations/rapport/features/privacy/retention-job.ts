import type { Job } from '../../core/feature.ts';
import { erasePerson } from '../../core/privacy/erasure.ts';
import { before, type Period } from '../../core/privacy/personal-data.ts';
import type { RetentionKind } from '../../core/privacy/vocabulary.ts';
import type { Services } from '../../core/services.ts';
import { describeError } from '../../core/errors.ts';
import { personalDeclarations } from './personal-declarations.ts';

/** What one run did, by kind: records deleted or anonymised. */
export type RetentionReport = Partial<Record<RetentionKind, number>>;

/**
 * Ends what has passed its period: each enabled feature's retention rules, with the lengths the
 * editor set in the privacy settings (the ones the statement prints, read from the live build).
 * A rule that fails is logged and the others still run; the next run tries again.
 */
export async function enforceRetention(s: Services, periods: Partial<Record<string, Period>>): Promise<RetentionReport> {
  const now = s.clock();
  const declarations = personalDeclarations(s.config);
  const report: RetentionReport = {};
  for (const rule of declarations.flatMap((d) => d.retention ?? [])) {
    const period = periods[rule.kind];
    if (!period) continue;
    try {
      report[rule.kind] = await rule.enforce(s.db, {
        now,
        period,
        cutoff: before(now, period),
        erase: async (contactId) => void (await erasePerson(s.db, declarations, contactId, { at: now })),
      });
    } catch (error) {
      s.log(`Retention (${rule.kind}) failed; the next run tries again: ${describeError(error)}`);
    }
  }
  return report;
}

/** The server's retention job: hourly on every server; each rule's deletes are idempotent, so two servers at once do no harm. */
export const retentionJob = (periods: () => Partial<Record<string, Period>>): Job => ({
  name: 'retention periods',
  everyMs: 60 * 60_000,
  dev: false,
  run: (s) => enforceRetention(s, periods()),
});
