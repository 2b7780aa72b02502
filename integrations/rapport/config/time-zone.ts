/**
 * The business's time zone: the one every time shown to people is written in (order pages,
 * accounts, the staff console, mail), unless `business.timeZone` names another.
 *
 * The default comes from the business address: a Canadian province or territory, or a US state,
 * gives the zone most of its people live in (Alberta → America/Edmonton, Ontario and Quebec →
 * America/Toronto, Indiana → America/Indiana/Indianapolis, Texas → America/Chicago). Where a
 * region spans two zones (north-west Ontario, the Florida panhandle, eastern Oregon) or keeps no
 * daylight saving in part (Saskatchewan's Lloydminster), set `business.timeZone`. Any other
 * country has no default: times are in UTC until the option is set.
 */
export const REGION_TIME_ZONES: Record<string, Record<string, string>> = {
  CA: {
    AB: 'America/Edmonton',
    BC: 'America/Vancouver',
    MB: 'America/Winnipeg',
    NB: 'America/Moncton',
    NL: 'America/St_Johns',
    NS: 'America/Halifax',
    NT: 'America/Yellowknife',
    NU: 'America/Iqaluit',
    ON: 'America/Toronto',
    PE: 'America/Halifax',
    QC: 'America/Toronto',
    SK: 'America/Regina',
    YT: 'America/Whitehorse',
  },
  US: {
    ...Object.fromEntries(
      ['CT', 'DE', 'DC', 'FL', 'GA', 'KY', 'ME', 'MD', 'MA', 'NH', 'NJ', 'NY', 'NC', 'OH', 'PA', 'RI', 'SC', 'VT', 'VA', 'WV'].map((s) => [
        s,
        'America/New_York',
      ]),
    ),
    ...Object.fromEntries(['AL', 'AR', 'IL', 'IA', 'KS', 'LA', 'MN', 'MS', 'MO', 'NE', 'ND', 'OK', 'SD', 'TN', 'TX', 'WI'].map((s) => [s, 'America/Chicago'])),
    ...Object.fromEntries(['CO', 'MT', 'NM', 'UT', 'WY'].map((s) => [s, 'America/Denver'])),
    ...Object.fromEntries(['CA', 'NV', 'OR', 'WA'].map((s) => [s, 'America/Los_Angeles'])),
    AK: 'America/Anchorage',
    AZ: 'America/Phoenix',
    HI: 'Pacific/Honolulu',
    ID: 'America/Boise',
    IN: 'America/Indiana/Indianapolis',
    MI: 'America/Detroit',
  },
};

/** Whether the platform knows this IANA zone name (`Intl` throws a RangeError for others). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The zone for an address's country and region code, or `UTC` when there is no rule for it. */
export const timeZoneOfAddress = (address: { country: string; region: string }): string =>
  REGION_TIME_ZONES[address.country]?.[address.region.toUpperCase()] ?? 'UTC';

/** The business's time zone: the option when set, else the one its address implies. */
export const businessTimeZone = (business: { timeZone?: string | undefined; address: { country: string; region: string } }): string =>
  business.timeZone ?? timeZoneOfAddress(business.address);

const formats = new Map<string, Intl.DateTimeFormat>();
const formatter = (locale: string, timeZone: string, dateOnly: boolean) => {
  const key = `${locale}|${timeZone}|${dateOnly}`;
  let format = formats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions = dateOnly ? { dateStyle: 'medium', timeZone } : { dateStyle: 'medium', timeStyle: 'short', timeZone };
    formats.set(key, (format = new Intl.DateTimeFormat(locale, options)));
  }
  return format;
};

/** "Nov 25, 2026, 6:13 p.m. EST": a moment for people, in `timeZone`, with the zone's short name. */
export function formatDateTime(iso: string | Date, locale: string, timeZone: string): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  const zone = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' }).formatToParts(date).find((p) => p.type === 'timeZoneName')?.value;
  return `${formatter(locale, timeZone, false).format(date)}${zone ? ` ${zone}` : ''}`;
}

/**
 * "Mountain Time (America/Edmonton)": a zone as people say it, with the name the option takes for
 * whoever set it; "UTC" as such (Intl would call it "GMT+00:00").
 */
export function timeZoneLabel(timeZone: string, locale: string): string {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 'UTC';
  const said = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'longGeneric' })
    .formatToParts(new Date())
    .find((p) => p.type === 'timeZoneName')?.value;
  return said && !/^(GMT|UTC)([+-]|$)/.test(said) ? `${said} (${timeZone})` : timeZone.replace(/_/g, ' ');
}

/** "Nov 25, 2026": the day a moment falls on in `timeZone`. */
export const formatDate = (iso: string | Date, locale: string, timeZone: string): string =>
  formatter(locale, timeZone, true).format(typeof iso === 'string' ? new Date(iso) : iso);

/**
 * The moment a `datetime-local` value ("2026-12-01T09:30") names in `timeZone`, or `undefined`
 * when it is not one. A wall time skipped by a clock change is read as the moment after the gap.
 */
export function zonedLocalTime(value: string, timeZone: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  // The zone's offset at that moment; asked twice so a wall time near a clock change settles on the right side.
  let guess = wall - offsetMs(wall, timeZone);
  guess = wall - offsetMs(guess, timeZone);
  return new Date(guess);
}

/** How far `timeZone` is ahead of UTC at instant `ms`, in milliseconds. */
function offsetMs(ms: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

const isoDays = new Map<string, Intl.DateTimeFormat>();
/** `2026-11-25`: the calendar day a moment falls on in `timeZone`, assembled from its parts (no locale's date order is relied on). */
export function isoDay(at: Date, timeZone: string): string {
  let format = isoDays.get(timeZone);
  if (!format) isoDays.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  const parts = format.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}
