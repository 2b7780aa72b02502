/** `/admin/status` as JSON (`server/status-page.ts`). */
export interface Status {
  state: 'idle' | 'scheduled' | 'building' | 'live' | 'failed';
  /** How long the last publish took from publish to live, for the estimate. */
  lastLiveSeconds?: number;
}

const STATUS_URL = '/admin/status';
const POLL_MS = 1_500;

/**
 * After "Entry published", Rapport's server still rebuilds the site before the change is live.
 * A small banner says so ("Publishing… live in about 20 s"), follows `/admin/status`, and says
 * "Live" when the new build is served (or that it failed, with a link to why). On a Git host's
 * backend there is no status to follow (the host's CI builds): the banner stays away.
 */
export function followPublishing(
  banner: Pick<HTMLElement, 'innerHTML' | 'hidden'>,
  { readStatus = fetchStatus, now = Date.now, wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)) } = {},
): () => Promise<void> {
  let run = 0;
  const show = (html: string) => {
    banner.innerHTML = html;
    banner.hidden = false;
  };
  return async () => {
    const mine = ++run;
    const started = now();
    show('Publishing… the site is being rebuilt with your change.');
    for (;;) {
      await wait(POLL_MS);
      if (mine !== run) return; // a newer publish took over the banner
      const status = await readStatus();
      if (!status || status.state === 'idle') return void (banner.hidden = true);
      if (status.state === 'live') {
        show(`Live: your change is on the site (${Math.round((now() - started) / 1000)} s). <a href="/">View the site</a>`);
        void wait(15_000).then(() => mine === run && (banner.hidden = true));
        return;
      }
      if (status.state === 'failed')
        return show('Publishing failed: the live site is unchanged. <a href="/admin/status">See why on the publishing status page</a>.');
      const left = status.lastLiveSeconds === undefined ? undefined : Math.max(1, Math.round(status.lastLiveSeconds - (now() - started) / 1000));
      show(left === undefined ? 'Publishing… the site is being rebuilt with your change.' : `Publishing… live in about ${left} s.`);
    }
  };
}

/** The status, or nothing when there is none to follow (no publishing on this server, signed out, offline). */
const fetchStatus = (): Promise<Status | undefined> =>
  fetch(STATUS_URL, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
    .then((r) => (r.ok ? (r.json() as Promise<Status>) : undefined))
    .catch(() => undefined);
