import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { DataCategory, RetentionKind } from './vocabulary.ts';

/** The person a request is about, as the store knew them before anything was erased. */
export interface Person {
  contactId: string;
  /** Lower-cased. */
  email: string;
  name: string;
  organisation: string | null;
}

/** A length of time an editor sets in the privacy settings. */
export interface Period {
  amount: number;
  unit: PeriodUnit;
}

export const PERIOD_UNITS = ['hours', 'days', 'months', 'years'] as const;
export type PeriodUnit = (typeof PERIOD_UNITS)[number];

/** `at` moved back by `period`, by the calendar (a month back from 31 March is the last day of February). */
export function before(at: Date, period: Period): Date {
  const d = new Date(at.getTime());
  if (period.unit === 'hours') return new Date(d.getTime() - period.amount * 3_600_000);
  if (period.unit === 'days') return new Date(d.getTime() - period.amount * 86_400_000);
  const months = period.unit === 'years' ? period.amount * 12 : period.amount;
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}

/** Whether `a` is at least as long as `b` (months count as 28 days, years as 365, to compare across units). */
export function atLeast(a: Period, b: Period): boolean {
  const approx = (p: Period) => p.amount * { hours: 1, days: 24, months: 28 * 24, years: 365 * 24 }[p.unit];
  return approx(a) >= approx(b);
}

/** "2 years", "1 month". */
export function describePeriod(p: Period): string {
  const unit = p.amount === 1 ? p.unit.slice(0, -1) : p.unit;
  return `${p.amount} ${unit}`;
}

/** What a retention job is given: now, and the moment before which the period has passed. */
export interface RetentionDue {
  now: Date;
  period: Period;
  /** `now` less the period: what is older than this (from the rule's starting point) is due. */
  cutoff: Date;
  /** Erases one person entirely, the way a request would, without remembering their address (they did not ask never to be written to). */
  erase(contactId: string): Promise<void>;
}

/**
 * One retention period a feature enforces. The editor sets its length (Settings → Privacy
 * statement → Retention); the statement prints it with `from` and `then`; the server's retention
 * job calls `enforce` with the same length. A period set in the settings that no enabled rule
 * enforces fails the build, as does a rule without a period.
 */
export interface RetentionRule {
  kind: RetentionKind;
  /** The categories of data it ends (the statement checks each collected category has a period). */
  categories: DataCategory[];
  /** When the period starts, worded to follow it: "after our last reply". */
  from: string;
  /** What happens when it ends: "deleted", "the name and address are removed from the order". */
  then: string;
  /** A floor the law sets; a shorter setting fails the build with `why`. */
  minimum?: { period: Period; why: string } | undefined;
  /** Deletes or anonymises what is due; returns how many records it changed. Idempotent; safe on several servers at once. */
  enforce(db: Kysely<Database>, due: RetentionDue): Promise<number>;
}

/**
 * What a feature keeps about a person in the store, next to the tables that hold it: how to hand
 * it over (access, portability) and how to erase it. Every table that refers to a person is
 * declared by exactly one feature (a test holds it), so a new table cannot be forgotten by a
 * download or an erasure.
 */
export interface PersonalData {
  /** The tables it answers for. */
  tables: readonly string[];
  /** Every row of its tables that refers to the person, by table; plain JSON values. */
  export(db: Kysely<Database>, person: Person): Promise<Record<string, unknown[]>>;
  /**
   * Removes or anonymises it. Runs inside the erasure's one transaction; features run in reverse
   * list order and the contact row itself last, so rows that point at others go first.
   */
  erase(trx: Kysely<Database>, person: Person, at: Date): Promise<void>;
  /** What erasure keeps, in what form, and why: the statement prints these. */
  keeps?: Array<{ what: string; why: string }> | undefined;
  /** The retention periods it enforces. */
  retention?: RetentionRule[] | undefined;
}
