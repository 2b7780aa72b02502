import type { Job } from '../../../core/feature.ts';
import type { Services } from '../../../core/services.ts';
import { CAMPAIGN_TICK_MS, queueBatch } from './batches.ts';
import { startCampaign } from './start.ts';

/** Starts the campaigns that are due and hands each sending one its next batch. Returns the messages queued. */
export async function runCampaigns(s: Services): Promise<number> {
  const now = s.clock().toISOString();
  const due = await s.db.selectFrom('campaigns').selectAll().where('status', '=', 'scheduled').where('send_at', '<=', now).execute();
  for (const c of due) await startCampaign(s, c);
  const sending = await s.db.selectFrom('campaigns').selectAll().where('status', '=', 'sending').where('next_batch_at', '<=', now).execute();
  let queued = 0;
  for (const c of sending) queued += await queueBatch(s, c);
  return queued;
}

/** Every server runs it; the claims in `startCampaign` and `queueBatch` make each step happen once. */
export const campaignJob: Job = { name: 'campaigns', everyMs: CAMPAIGN_TICK_MS, dev: true, run: runCampaigns };
