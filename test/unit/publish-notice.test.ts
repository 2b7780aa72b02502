import { describe, expect, it } from 'vitest';
import { followPublishing, type Status } from '../../integrations/rapport/features/cms/client/publish-notice.ts';

/** The content manager's banner after "Entry published", driven by a scripted `/admin/status`. */
function scripted(statuses: Array<Status | undefined>) {
  const banner = { innerHTML: '', hidden: true };
  const said: string[] = [];
  let clock = 0;
  const follow = followPublishing(banner, {
    readStatus: async () => statuses.shift(),
    now: () => clock,
    wait: async (ms) => {
      if (ms > 10_000) return new Promise<void>(() => undefined); // the "Live" line stays up for the assertions
      clock += ms;
      said.push(banner.innerHTML);
    },
  });
  return { banner, said, follow };
}

describe('the publishing banner', () => {
  it('counts down from the last publish’s time, then says Live', async () => {
    const { banner, said, follow } = scripted([
      { state: 'scheduled', lastLiveSeconds: 20 },
      { state: 'building', lastLiveSeconds: 20 },
      { state: 'live', lastLiveSeconds: 20 },
    ]);
    await follow();
    expect(said).toEqual(['Publishing… the site is being rebuilt with your change.', 'Publishing… live in about 19 s.', 'Publishing… live in about 17 s.']);
    expect(banner.innerHTML).toBe('Live: your change is on the site (5 s). <a href="/">View the site</a>');
    expect(banner.hidden).toBe(false);
  });

  it('says a failed build plainly, with the way to the log', async () => {
    const { banner, follow } = scripted([{ state: 'building' }, { state: 'failed' }]);
    await follow();
    expect(banner.innerHTML).toContain('Publishing failed: the live site is unchanged.');
    expect(banner.innerHTML).toContain('href="/admin/status"');
  });

  it('goes away when there is no status to follow (a Git host’s backend builds elsewhere)', async () => {
    const { banner, follow } = scripted([undefined]);
    await follow();
    expect(banner.hidden).toBe(true);
  });
});
