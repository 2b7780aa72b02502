import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { parseHTML } from 'linkedom';
import { place } from '../../../core/mail/merge.ts';
import type { Services } from '../../../core/services.ts';
import type { Database } from '../../../core/store/schema.ts';
import type { CampaignTracking } from '../campaign-mail.ts';

/** Where counted links live: `/r/<link id>` (and `/r/<link id>/<reader>` with per-person tracking). */
export const REDIRECT_PREFIX = '/r/';
/** A link id: 12 URL-safe characters (72 random bits), so ids cannot be guessed or walked. */
export const LINK_ID = /^[A-Za-z0-9_-]{12}$/;
/** A reader's reference (`campaign_recipients.ref`). */
export const READER_REF = /^[a-f0-9]{24,32}$/;
/** The tracking image's row in `campaign_links`. */
export const OPEN_POSITION = -1;

const newLinkId = () => randomBytes(9).toString('base64url');

/**
 * The web links of a composed message, each once, in order of appearance. Links that hold a
 * merge place (the reader's own unsubscribe and preferences links) are not counted: they must
 * reach the site directly, and one-click unsubscribe must never pass through a redirect.
 */
export function linksIn(html: string): string[] {
  const { document } = parseHTML(html);
  const seen = new Set<string>();
  for (const a of document.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href') ?? '';
    if (!/^https?:\/\//i.test(href) || href.includes('{{rapport.')) continue;
    seen.add(href);
  }
  return [...seen];
}

/**
 * Stores the campaign's links (and the tracking image when opens are counted) and returns what
 * `composeCampaign` needs to write them as `/r/` links. `urls` are the links as composed; the
 * destinations are only ever these stored ones, so `/r/` cannot be made to send anyone elsewhere.
 */
export async function trackCampaignLinks(
  trx: Kysely<Database>,
  s: Pick<Services, 'site'>,
  campaign: { id: string; perPerson: boolean; opens: boolean },
  urls: readonly string[],
): Promise<CampaignTracking> {
  const reader = campaign.perPerson ? `/${place('reader')}` : '';
  const rows = urls.map((url, position) => ({ id: newLinkId(), campaign_id: campaign.id, position, url }));
  const open = campaign.opens ? { id: newLinkId(), campaign_id: campaign.id, position: OPEN_POSITION, url: '' } : undefined;
  const all = open ? [...rows, open] : rows;
  // In slices: SQLite takes at most 32 766 bound values per statement.
  for (let i = 0; i < all.length; i += 500)
    await trx
      .insertInto('campaign_links')
      .values(all.slice(i, i + 500))
      .execute();
  const byUrl = new Map(rows.map((r) => [r.url, new URL(`${REDIRECT_PREFIX}${r.id}`, s.site).href + reader]));
  return {
    track: (url) => byUrl.get(url) ?? url,
    openImage: open ? new URL(`${REDIRECT_PREFIX}${open.id}`, s.site).href + reader : undefined,
  };
}
