import { simpleParser, type Attachment, type ParsedMail } from 'mailparser';
import type { MailEventKind } from '../store/schema.ts';

/** One address a report is about, and what happened to mail to it. */
export interface ReportedEvent {
  email: string;
  kind: MailEventKind;
  /** The reporting server's words (`550 5.1.1 User unknown`), or the feedback type. */
  detail: string;
}

/** What one raw message turned out to be. */
export interface DeliveryReport {
  /** `dsn`: a delivery status notification (RFC 3464); `arf`: an abuse report (RFC 5965); `none`: neither. */
  type: 'dsn' | 'arf' | 'none';
  events: ReportedEvent[];
  /** The Message-ID of the message the report is about (from its enclosed headers), with angle brackets. */
  originalMessageId?: string;
  /** For people: what was found when there is no event ("a delay warning, not a bounce"). */
  note?: string;
}

/**
 * Feedback types that mean a person (or their provider for them) called our mail unwanted.
 * `not-spam`, `auth-failure` and `virus` are about something else; `other` says nothing.
 */
const COMPLAINT_TYPES = new Set(['abuse', 'fraud']);

const NOT_A_REPORT = 'not a bounce or complaint';

/**
 * Reads a raw message and returns the delivery events it reports. A delivery status notification
 * yields one event per recipient whose delivery `failed`: a 5.x.x status is a hard bounce, a 4.x.x
 * one a soft bounce (the server gave up on a temporary condition, such as a full mailbox). A
 * `delayed` recipient yields nothing: the sending server is still retrying, and if it gives up a
 * `failed` notification follows, so counting the warning would count the same trouble twice. An
 * abuse report of type `abuse` or `fraud` yields a complaint for `Original-Rcpt-To`, else for the
 * enclosed message's single `To`. Anything else (an auto-reply, plain mail, a file that is not
 * mail at all) yields no event and a note; this never throws on what it is given.
 */
export async function readDeliveryReport(raw: Buffer | string): Promise<DeliveryReport> {
  let mail: ParsedMail;
  try {
    // Enclosed messages are kept whole (as attachments) whatever their disposition: their
    // headers are what we read, and an inline one would otherwise be spread into the text.
    mail = await simpleParser(raw, { keepDeliveryStatus: true, ignoreEmbedded: true, skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  } catch {
    return { type: 'none', events: [], note: `${NOT_A_REPORT} (not readable as mail)` };
  }
  const part = (...types: string[]) => mail.attachments.find((a) => types.includes(a.contentType.toLowerCase()));
  const original = await enclosedHeaders(part('message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers'));
  const withOriginal = (report: DeliveryReport): DeliveryReport => (original.messageId ? { ...report, originalMessageId: original.messageId } : report);

  const status = part('message/delivery-status', 'message/global-delivery-status');
  if (status) return withOriginal(readStatus(status.content.toString('utf8')));
  const feedback = part('message/feedback-report');
  if (feedback) return withOriginal(readFeedback(feedback.content.toString('utf8'), original.to));
  return { type: 'none', events: [], note: NOT_A_REPORT };
}

/** RFC 3464: a per-message block, then one block per recipient. */
function readStatus(body: string): DeliveryReport {
  const events: ReportedEvent[] = [];
  let delayed = 0;
  for (const fields of fieldBlocks(body)) {
    const action = fields.get('action')?.toLowerCase();
    if (!action) continue;
    if (action === 'delayed') delayed++;
    if (action !== 'failed') continue;
    // The address we sent to is the original one; the final one may be where it was forwarded.
    const email = address(fields.get('original-recipient')) ?? address(fields.get('final-recipient'));
    if (!email) continue;
    const diagnostic = fields.get('diagnostic-code')?.replace(/^[\w-]+\s*;\s*/, '');
    const code = /^([245])\.\d{1,3}\.\d{1,3}$/.exec(fields.get('status') ?? '')?.[1] ?? /\b([245])\.\d{1,3}\.\d{1,3}\b/.exec(diagnostic ?? '')?.[1];
    // A success class under `failed` contradicts itself; nothing to act on.
    if (code === '2') continue;
    // `failed` with no status at all still means the server gave up for good.
    events.push({ email, kind: code === '4' ? 'soft-bounce' : 'hard-bounce', detail: oneLine(diagnostic ?? fields.get('status') ?? 'failed') });
  }
  if (events.length > 0) return { type: 'dsn', events };
  return {
    type: 'dsn',
    events,
    note: delayed > 0 ? 'a delay warning, not a bounce (the server is still trying)' : 'a delivery report with no failed recipient',
  };
}

/** RFC 5965: one block of fields about the enclosed message. */
function readFeedback(body: string, enclosedTo: string | undefined): DeliveryReport {
  const fields = fieldBlocks(body)[0] ?? new Map<string, string>();
  const type = fields.get('feedback-type')?.toLowerCase() ?? '';
  if (!COMPLAINT_TYPES.has(type)) return { type: 'arf', events: [], note: `feedback of type "${type || 'none'}", not a complaint` };
  const email = address(fields.get('original-rcpt-to')) ?? enclosedTo;
  if (!email) return { type: 'arf', events: [], note: 'a complaint that names no recipient' };
  return {
    type: 'arf',
    events: [{ email, kind: 'complaint', detail: `feedback-type ${type}${fields.get('user-agent') ? ` from ${oneLine(fields.get('user-agent')!)}` : ''}` }],
  };
}

/** The Message-ID and the single `To` address of the enclosed original message (or its headers). */
async function enclosedHeaders(part: Attachment | undefined): Promise<{ messageId?: string; to?: string }> {
  if (!part) return {};
  try {
    const inner = await simpleParser(part.content, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, ignoreEmbedded: true });
    const to = (Array.isArray(inner.to) ? inner.to : inner.to ? [inner.to] : []).flatMap((a) => a.value.flatMap((v) => (v.address ? [v.address] : [])));
    const single = to.length === 1 ? address(to[0]) : undefined;
    return { ...(inner.messageId ? { messageId: inner.messageId } : {}), ...(single ? { to: single } : {}) };
  } catch {
    return {};
  }
}

/**
 * Header-style fields grouped by blank lines, names lower-cased, folded lines joined. The first
 * occurrence of a field in a block wins.
 */
function fieldBlocks(body: string): Array<Map<string, string>> {
  const blocks: Array<Map<string, string>> = [];
  for (const block of body.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const line of block.split('\n')) {
      if (/^[ \t]/.test(line) && last) {
        fields.set(last, `${fields.get(last)} ${line.trim()}`);
        continue;
      }
      const match = /^([\w-]+)\s*:\s*(.*)$/.exec(line);
      if (!match) continue;
      last = match[1]!.toLowerCase();
      if (fields.has(last)) last = undefined;
      else fields.set(last, match[2]!.trim());
    }
    if (fields.size > 0) blocks.push(fields);
  }
  return blocks;
}

/** `rfc822; Someone@Example.org`, `<someone@example.org>` or a bare address → the address, lower-cased; undefined when it is not one. */
function address(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const bare = value
    .replace(/^(rfc822|utf-8)\s*;/i, '')
    .trim()
    .replace(/^<(.*)>$/, '$1')
    .trim()
    .toLowerCase();
  return bare.length <= 254 && /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(bare) ? bare : undefined;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 500);
