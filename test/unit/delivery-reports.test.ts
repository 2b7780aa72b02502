import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDeliveryReport } from '../../integrations/rapport/core/mail/delivery-reports.ts';

const fixture = (name: string) => readFileSync(path.resolve(import.meta.dirname, '../fixtures/mail-reports', name));

describe('reading delivery reports from .eml files', () => {
  it('reads a Postfix DSN with 5.1.1 as a hard bounce for the original recipient, with the enclosed Message-ID', async () => {
    expect(await readDeliveryReport(fixture('postfix-5.1.1.eml'))).toEqual({
      type: 'dsn',
      events: [
        {
          email: 'gone.away@example.net',
          kind: 'hard-bounce',
          detail: '550 5.1.1 <gone.away@example.net>: Recipient address rejected: User unknown in virtual mailbox table',
        },
      ],
      originalMessageId: '<0b8e6c52-4f3d-4a61-9c27-5d8a1e2f7b10@rapport.example>',
    });
  });

  it('reads a "failed" DSN with 4.2.2 (mailbox full) as a soft bounce, finding the Message-ID in an enclosed message/rfc822', async () => {
    const report = await readDeliveryReport(fixture('mailbox-full-4.2.2.eml'));
    expect(report.events).toEqual([{ email: 'full.box@example.org', kind: 'soft-bounce', detail: '552 4.2.2 Mailbox full - quota exceeded' }]);
    expect(report.originalMessageId).toBe('<6f1d2a9e-83c4-4b5f-a0d7-2e9c4b7a1f35@rapport.example>');
  });

  it('records nothing for a "delayed" DSN: the server is still trying', async () => {
    const report = await readDeliveryReport(fixture('delayed.eml'));
    expect(report).toMatchObject({ type: 'dsn', events: [], note: 'a delay warning, not a bounce (the server is still trying)' });
  });

  it('reads an ARF abuse report (inline message/rfc822) as a complaint for Original-Rcpt-To', async () => {
    expect(await readDeliveryReport(fixture('arf-abuse.eml'))).toEqual({
      type: 'arf',
      events: [{ email: 'annoyed.reader@yahoo.example', kind: 'complaint', detail: 'feedback-type abuse from Yahoo!-Mail-Feedback/2.0' }],
      originalMessageId: '<9a3c7e21-5b6d-4f80-b1e4-7c2d9f0a8e46@rapport.example>',
    });
  });

  it("falls back to the enclosed headers' To when an ARF report has no Original-Rcpt-To", async () => {
    const report = await readDeliveryReport(fixture('arf-no-rcpt-to.eml'));
    expect(report.events).toEqual([{ email: 'reader@mail.example.com', kind: 'complaint', detail: 'feedback-type abuse from ExampleFBL/1.0' }]);
    expect(report.originalMessageId).toBe('<not-one-of-ours@elsewhere.example>');
  });

  it('is not fooled by an out-of-office reply that quotes DSN words in its text', async () => {
    expect(await readDeliveryReport(fixture('out-of-office.eml'))).toEqual({ type: 'none', events: [], note: 'not a bounce or complaint' });
  });

  it.each([
    ['a binary file', fixture('garbage.eml')],
    ['an empty file', ''],
    [
      'a lone header line',
      'Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n--x\r\nContent-Type: message/delivery-status\r\n\r\n',
    ],
  ])('answers "not a bounce or complaint" for %s, never throwing', async (_, raw) => {
    const report = await readDeliveryReport(raw);
    expect(report.events).toEqual([]);
    expect(report.note).toMatch(/not a bounce or complaint|no failed recipient/);
  });

  it('takes only complaint feedback types; "not-spam" and "auth-failure" reports are not complaints', async () => {
    const arf = (type: string) => fixture('arf-abuse.eml').toString('utf8').replace('Feedback-Type: abuse', `Feedback-Type: ${type}`);
    expect((await readDeliveryReport(arf('fraud'))).events).toHaveLength(1);
    expect(await readDeliveryReport(arf('not-spam'))).toMatchObject({ type: 'arf', events: [], note: 'feedback of type "not-spam", not a complaint' });
    expect((await readDeliveryReport(arf('auth-failure'))).events).toEqual([]);
  });

  it('reads one event per failed recipient of a multi-recipient DSN and skips delivered ones', async () => {
    const dsn = fixture('postfix-5.1.1.eml')
      .toString('utf8')
      .replace(
        'Final-Recipient: rfc822; gone.away@example.net',
        'Final-Recipient: rfc822; fine@example.net\nAction: delivered\nStatus: 2.0.0\n\nFinal-Recipient: rfc822; other@example.net\nAction: failed\nStatus: 4.4.7\n\nFinal-Recipient: rfc822; gone.away@example.net',
      );
    expect((await readDeliveryReport(dsn)).events.map((e) => [e.email, e.kind])).toEqual([
      ['other@example.net', 'soft-bounce'],
      ['gone.away@example.net', 'hard-bounce'],
    ]);
  });
});
