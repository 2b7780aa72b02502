import type { Kysely } from 'kysely';
import type { AuditEntry } from '../../core/store/audit.ts';
import type { Database, OrderStatus } from '../../core/store/schema.ts';
import { setOrderStatusIn, shipOrderIn, type ManualStatus, type StaffServices } from './fulfil.ts';
import { carrierName, NEXT_STATUSES, STATUS_LABELS, type TrackingChoice } from './orders.ts';

/** What staff can do to an order, from the console or the command line; each is one audit action (`order.<action>`). */
export const STAFF_ACTIONS = ['confirm', 'ship', 'deliver', 'cancel', 'return'] as const;
export type StaffAction = (typeof STAFF_ACTIONS)[number];

/** The status each action moves an order to. */
export const ACTION_STATUS: Record<StaffAction, OrderStatus> = {
  confirm: 'confirmed',
  ship: 'shipped',
  deliver: 'delivered',
  cancel: 'cancelled',
  return: 'returned',
};

/** The actions an order in this status can take, in the order a parcel's life goes. */
export const actionsFrom = (status: OrderStatus): StaffAction[] => STAFF_ACTIONS.filter((a) => NEXT_STATUSES[status].includes(ACTION_STATUS[a]));

export type StaffActionInput =
  { action: 'ship'; tracking: string; carrier?: string | undefined } | { action: Exclude<StaffAction, 'ship'>; note?: string | undefined };

export interface StaffActionDone {
  /** For the audit log, written by the caller in the same transaction. */
  audit: AuditEntry;
  /** Set when the action shipped the order. */
  shipped?: TrackingChoice;
}

/**
 * Does one staff action inside the caller's transaction and says what to record in the audit
 * log. `actor` is the order history's `staff:<who>`. Throws `OrderError` (409) when the order
 * cannot take it; the caller's transaction then rolls back, mail and all.
 */
export async function runStaffAction(
  trx: Kysely<Database>,
  s: StaffServices,
  number: string,
  input: StaffActionInput,
  actor: string,
): Promise<StaffActionDone> {
  const subject = { type: 'order', id: number };
  if (input.action === 'ship') {
    const shipped = await shipOrderIn(trx, s, number, input.tracking, { carrier: input.carrier, actor });
    const carrier = shipped.carrier ? carrierName(shipped.carrier) : 'no known carrier';
    return {
      shipped,
      audit: {
        action: 'order.ship',
        subject,
        summary: `Marked order ${number} shipped (${carrier}, tracking number ${shipped.number})`,
        data: { from: shipped.from, to: 'shipped', carrier: shipped.carrier, tracking: shipped.number, url: shipped.url, confidence: shipped.confidence },
      },
    };
  }
  const status = ACTION_STATUS[input.action] as ManualStatus;
  const note = input.note?.trim() || undefined;
  const { from } = await setOrderStatusIn(trx, s, number, status, { actor, note });
  return {
    audit: {
      action: `order.${input.action}`,
      subject,
      summary: `Marked order ${number} ${STATUS_LABELS[status].toLowerCase()} (was ${STATUS_LABELS[from].toLowerCase()})`,
      data: { from, to: status, ...(note ? { note } : {}) },
    },
  };
}
