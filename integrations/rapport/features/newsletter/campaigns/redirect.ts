import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sql } from 'kysely';
import type { HandlerContext, RequestHandler } from '../../../core/feature.ts';
import { LINK_ID, OPEN_POSITION, READER_REF } from './links.ts';

/** The smallest transparent GIF: what the tracking image answers. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const PATH = /^\/r\/([^/]+)(?:\/([^/]+))?\/?$/;

/**
 * `/r/<link id>[/<reader>]`: counts the click and sends the reader on to the link's stored
 * destination. An unknown or malformed id is a 404, never a redirect: the destination is only
 * ever one a campaign stored, so the path cannot be used to send people elsewhere. A reader
 * reference is recorded only for a campaign sent with per-person tracking, and only when it
 * belongs to that campaign; a tampered one still reaches the link, counted anonymously.
 */
export const redirectHandler: RequestHandler = {
  method: 'GET',
  path: /^\/r\//,
  async handle(req, res, ctx) {
    const s = ctx.services;
    // The server has already reduced the target to a path (and refused a malformed one).
    const { pathname } = new URL(req.url ?? '/', s.site.origin);
    const [, id = '', reader] = PATH.exec(pathname) ?? [];
    if (!LINK_ID.test(id)) return notFound(req, res);
    const link = await s.db
      .selectFrom('campaign_links')
      .innerJoin('campaigns', 'campaigns.id', 'campaign_links.campaign_id')
      .select(['campaign_links.id', 'campaign_links.url', 'campaign_links.position', 'campaign_links.campaign_id', 'campaigns.per_person'])
      .where('campaign_links.id', '=', id)
      .executeTakeFirst();
    if (!link) return notFound(req, res);
    // A HEAD (a link checker, a mail scanner asking what is there) is answered without counting.
    if (req.method === 'GET') await count(ctx, link, reader);
    if (link.position === OPEN_POSITION) {
      res.writeHead(200, { 'Content-Type': 'image/gif', 'Content-Length': PIXEL.length, 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex' });
      return void res.end(req.method === 'HEAD' ? undefined : PIXEL);
    }
    res.writeHead(302, { Location: link.url, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' });
    res.end();
  },
};

async function count(ctx: HandlerContext, link: { id: string; campaign_id: string; per_person: number; position: number }, reader: string | undefined) {
  const s = ctx.services;
  await s.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('campaign_links')
      .set({ clicks: sql`clicks + 1` })
      .where('id', '=', link.id)
      .execute();
    if (!link.per_person || !reader || !READER_REF.test(reader)) return;
    const known = await trx
      .selectFrom('campaign_recipients')
      .select('ref')
      .where('ref', '=', reader)
      .where('campaign_id', '=', link.campaign_id)
      .executeTakeFirst();
    if (!known) return;
    await trx
      .insertInto('campaign_reader_events')
      .values({
        id: randomUUID(),
        campaign_id: link.campaign_id,
        ref: reader,
        link_id: link.position === OPEN_POSITION ? null : link.id,
        created_at: s.clock().toISOString(),
      })
      .execute();
  });
}

function notFound(req: IncomingMessage, res: ServerResponse) {
  const body =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>Link not found</title></head><body style="font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem"><h1>Link not found</h1><p>This link is not one of ours, or it was copied incompletely. The newsletter is also on <a href="/newsletter/">our site</a>.</p></body></html>';
  res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex' });
  res.end(req.method === 'HEAD' ? undefined : body);
}
