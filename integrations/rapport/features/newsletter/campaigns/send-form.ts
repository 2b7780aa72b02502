import { zonedLocalTime } from '../../../config/time-zone.ts';
import { FORM_KEY } from './create.ts';

/** What the send form asked for, or why it cannot be read; `echo` redraws the form as it was. */
export type SendFormResult = (
  | { value: { lists: string[]; sendAt: Date | undefined; formKey: string; segment: string | undefined }; error?: undefined }
  | { error: string; status: number; value?: undefined }
) & { echo: { lists: string[]; at: string; later: boolean; segment: string } };

/** `datetime-local` as browsers send it: minutes, maybe seconds (fractions dropped). */
const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.\d{1,3})?$/;

/**
 * Reads the console's send form: the lists ticked, now or a time, the confirmation, the form key.
 * The time is read in `timeZone`, the one the console shows times in (the business's).
 */
export function readSendForm(form: FormData, now: Date, timeZone: string): SendFormResult {
  const lists = form
    .getAll('lists')
    .filter((v): v is string => typeof v === 'string')
    .slice(0, 50);
  const at = String(form.get('at') ?? '').slice(0, 40);
  const later = form.get('when') === 'later';
  // A customer segment's id (checked against the segments by the page), or '' for everyone on the lists.
  const segment = String(form.get('segment') ?? '').slice(0, 40);
  const echo = { lists, at, later, segment };
  const key = String(form.get('key') ?? '');
  if (!FORM_KEY.test(key)) return { error: 'This form is missing its key. Reload the page and try again.', status: 400, echo };
  if (form.get('confirm') !== 'yes') return { error: 'Tick the box to confirm you have checked the preview, then send again.', status: 422, echo };
  if (lists.length === 0) return { error: 'Choose at least one list.', status: 422, echo };
  let sendAt: Date | undefined;
  if (later) {
    const m = LOCAL_TIME.exec(at);
    sendAt = m ? zonedLocalTime(m[1]!, timeZone) : undefined;
    if (!sendAt || Number.isNaN(sendAt.getTime())) return { error: 'Give the date and time to send at, or choose “Now”.', status: 422, echo };
    if (sendAt.getTime() < now.getTime() - 60_000) return { error: 'That time has passed. Choose a later time, or “Now”.', status: 422, echo };
  }
  return { value: { lists, sendAt, formKey: key, segment: segment || undefined }, echo };
}
