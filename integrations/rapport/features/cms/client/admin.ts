import { decap, type DecapCms, type LocalePhrases } from './decap.ts';
import { previewTemplates } from './previews.ts';
import { followPublishing } from './publish-notice.ts';

/** What `admin.astro` writes into `#rapport-admin`'s data attributes. */
interface AdminOptions {
  /** `rapport` (the site's own backend, staff sessions) or a Git host's. */
  backend: string;
  locale: string;
  availability: Record<string, string>;
}

/**
 * Starts Decap on `/admin/` (the page sets `CMS_MANUAL_INIT`, so nothing runs before this):
 * checks the staff session, registers the previews and the publishing banner, and points
 * "View Live" and the site link at the server being edited rather than the build's `site`.
 */
export async function startEditor(root: HTMLElement): Promise<void> {
  const options: AdminOptions = {
    backend: root.dataset.backend ?? 'rapport',
    locale: root.dataset.locale ?? 'en',
    availability: JSON.parse(root.dataset.availability ?? '{}') as Record<string, string>,
  };
  const cms = decap();
  if (!cms) return; // the script did not load; the page's <noscript>-like text stays
  if (options.backend === 'rapport' && !(await signedInAsStaff())) return location.replace('/account/sign-in');
  plainNewButton(cms);
  cms.registerPreviewStyle('/admin/preview.css');
  for (const [collection, template] of Object.entries(previewTemplates(options))) cms.registerPreviewTemplate(collection, template);
  const banner = root.querySelector<HTMLElement>('[data-publishing]');
  if (banner) {
    const follow = followPublishing(banner);
    cms.registerEventListener({ name: 'postPublish', handler: () => void follow() });
    cms.registerEventListener({ name: 'postUnpublish', handler: () => void follow() });
  }
  cms.init({ config: { site_url: location.origin, display_url: location.origin } });
}

/**
 * The staff session is what the built-in backend checks on every request, so Decap's own "Login"
 * step (the proxy backend's login page, one button that checks nothing) is skipped: Decap finds
 * its user in localStorage and restores it (`restoreUser`, which for `proxy` asks nothing).
 */
async function signedInAsStaff(): Promise<boolean> {
  const r = await fetch('/admin/api/v1', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"action":"info"}' }).catch(() => undefined);
  if (r?.status === 401) return false;
  localStorage.setItem('decap-cms-user', JSON.stringify({ backendName: 'proxy' }));
  return true;
}

/**
 * Decap's English "New" button reads "＋ Page" with a full-width plus (U+FF0B), which the
 * system fonts of many Linux and older Windows desktops lack: a box showed instead. Words need no glyph hunt.
 */
function plainNewButton(cms: DecapCms) {
  const top = cms.getLocale('en')?.collection;
  const collectionTop = typeof top === 'object' ? (top as LocalePhrases).collectionTop : undefined;
  if (typeof collectionTop === 'object') collectionTop.newButton = 'New %{collectionLabel}';
}
