import type { Kysely } from 'kysely';
import type { ActionResult, Staff } from '../../../site/console/staff-page.ts';
import type { Database } from '../../../core/store/schema.ts';
import { CARRIERS } from '../carriers.ts';
import { AmbiguousTrackingError, type StaffServices } from '../fulfil.ts';
import { carrierName, NEXT_STATUSES, OrderError, STATUS_LABELS } from '../orders.ts';
import { ACTION_STATUS, runStaffAction, STAFF_ACTIONS, type StaffAction, type StaffActionInput } from '../staff-actions.ts';

export const NOTE_MAX = 1000;

/** What each action did, for the line the order's page shows after its redirect (`?done=`). */
export const DONE_NOTICES: Record<string, string> = {
  confirmed: 'Confirmed. The customer has been e-mailed that their order is confirmed.',
  shipped: 'Marked shipped. The customer has been e-mailed the tracking link.',
  'shipped-unlinked':
    'Marked shipped. No carrier recognises that tracking number, so it is stored without a link and the customer’s e-mail says so. Ship again with the carrier chosen to add a link.',
  delivered: 'Marked delivered.',
  cancelled: 'Cancelled. The customer has been e-mailed.',
  returned: 'Marked returned.',
};

/**
 * One action from an order's page, inside the console's transaction: the form read, the order's
 * current status checked (with a message staff can act on), then the same change the command
 * line makes. The order's history records `staff:<email>`. An `OrderError` (a change that lost a
 * race, a short tracking number) is returned as a refusal worded for the page, and the console
 * rolls back whatever the action had written.
 */
export async function orderAction(trx: Kysely<Database>, s: StaffServices, staff: Staff, number: string, form: FormData): Promise<ActionResult> {
  const intent = String(form.get('intent') ?? '');
  if (!(STAFF_ACTIONS as readonly string[]).includes(intent)) return { error: 'That action is not known. Reload the page and try again.', status: 400 };
  const action = intent as StaffAction;
  let input: StaffActionInput;
  if (action === 'ship') {
    const tracking = String(form.get('tracking') ?? '').trim();
    if (tracking === '') return { error: 'Enter the parcel’s tracking number.', status: 422 };
    if (tracking.length > 60) return { error: 'That tracking number is too long.', status: 422 };
    const carrier = String(form.get('carrier') ?? '');
    if (carrier !== '' && !CARRIERS.some((c) => c.id === carrier)) return { error: 'Choose a carrier from the list.', status: 422 };
    input = { action, tracking, carrier: carrier || undefined };
  } else {
    const note = action === 'cancel' ? String(form.get('note') ?? '').trim() : '';
    if (note.length > NOTE_MAX) return { error: `The note is too long: ${NOTE_MAX.toLocaleString('en-CA')} characters at most.`, status: 422 };
    input = { action, note: note || undefined };
  }
  const order = await trx.selectFrom('orders').select('status').where('number', '=', number).executeTakeFirst();
  if (!order) return { error: `There is no order ${number}.`, status: 404 };
  const target = ACTION_STATUS[action];
  if (!NEXT_STATUSES[order.status].includes(target)) {
    return {
      error: `This order is ${STATUS_LABELS[order.status].toLowerCase()}, so it cannot be marked ${STATUS_LABELS[target].toLowerCase()}. Nothing was changed.`,
      status: 409,
    };
  }
  let done;
  try {
    done = await runStaffAction(trx, s, number, input, `staff:${staff.email}`);
  } catch (error) {
    // Returned as a refusal, the console rolls back what the action had written.
    if (error instanceof OrderError) return orderRefusal(error);
    throw error;
  }
  const code = done.shipped && !done.shipped.url ? 'shipped-unlinked' : target;
  return { redirect: `/admin/crm/orders/${number}?done=${code}`, audit: done.audit };
}

/** An `OrderError` thrown by an action, as the page says it (the command line's wording names its options). */
export function orderRefusal(error: OrderError): { error: string; status: number } {
  if (error instanceof AmbiguousTrackingError) {
    return {
      error: `${error.number} could be a ${error.carriers.map((c) => carrierName(c)).join(' or a ')} tracking number. Choose the carrier and mark it shipped again. Nothing was changed.`,
      status: 409,
    };
  }
  return { error: `${error.message} Nothing was changed.`, status: error.status };
}
