import type { Kysely } from 'kysely';
import type { AuditEntry } from '../../../core/store/audit.ts';
import type { Database } from '../../../core/store/schema.ts';
import type { Campaign } from './start.ts';

export const CAMPAIGN_ACTIONS = ['pause', 'resume', 'cancel'] as const;
export type CampaignAction = (typeof CAMPAIGN_ACTIONS)[number];

/**
 * Takes back queued campaign messages the outbox has not started on (`pending`, never tried):
 * deleted, their recipients marked skipped with `reason`. A message already being handed to the
 * mail server cannot be called back.
 */
async function recallQueued(trx: Kysely<Database>, where: { campaignId?: string; contactId?: string; list?: string }, reason: string) {
  let queued = trx
    .selectFrom('campaign_recipients as cr')
    .innerJoin('mail_outbox as o', 'o.id', 'cr.outbox_id')
    .select(['cr.campaign_id', 'cr.contact_id', 'o.id as outbox_id'])
    .where('cr.status', '=', 'queued')
    .where('o.status', '=', 'pending')
    .where('o.attempts', '=', 0);
  if (where.campaignId) queued = queued.where('cr.campaign_id', '=', where.campaignId);
  if (where.contactId) queued = queued.where('cr.contact_id', '=', where.contactId);
  if (where.list) queued = queued.where('cr.list', '=', where.list);
  const rows = await queued.execute();
  for (const r of rows) {
    const gone = await trx.deleteFrom('mail_outbox').where('id', '=', r.outbox_id).where('status', '=', 'pending').where('attempts', '=', 0).executeTakeFirst();
    if (gone.numDeletedRows === 0n) continue; // the worker claimed it just now
    await trx
      .updateTable('campaign_recipients')
      .set({ status: 'skipped', skip_reason: reason, outbox_id: null })
      .where('campaign_id', '=', r.campaign_id)
      .where('contact_id', '=', r.contact_id)
      .execute();
  }
  return rows.length;
}

/**
 * Someone left a list: campaign mail queued for them on it and not yet handed to the mail server
 * is taken back, so nothing reaches them after the click. (Recipients still pending are skipped
 * when their batch comes.)
 */
export const recallForUnsubscribe = (trx: Kysely<Database>, contactId: string, list: string) => recallQueued(trx, { contactId, list }, 'unsubscribed');

/** Pause, resume or cancel, from the states where it means something; a refusal says why. */
export async function controlCampaign(
  trx: Kysely<Database>,
  campaign: Campaign,
  action: CampaignAction,
  now: Date,
): Promise<{ audit: AuditEntry } | { error: string; status: number }> {
  const from: Record<CampaignAction, Campaign['status'][]> = {
    pause: ['scheduled', 'sending'],
    resume: ['paused'],
    cancel: ['scheduled', 'sending', 'paused'],
  };
  if (!from[action].includes(campaign.status)) {
    return {
      error: `This campaign is ${campaign.status}; it cannot be ${action === 'pause' ? 'paused' : action === 'resume' ? 'resumed' : 'cancelled'} now.`,
      status: 409,
    };
  }
  const stamp = now.toISOString();
  const at = trx.updateTable('campaigns').where('id', '=', campaign.id).where('status', '=', campaign.status);
  let changed;
  if (action === 'pause') changed = await at.set({ status: 'paused', note: null }).executeTakeFirst();
  else if (action === 'resume')
    // Not started yet (it was paused before its time, or held because the issue was missing): start again.
    changed = await at.set({ status: campaign.started_at ? 'sending' : 'scheduled', next_batch_at: stamp, note: null }).executeTakeFirst();
  else changed = await at.set({ status: 'cancelled', finished_at: stamp, note: null }).executeTakeFirst();
  if (changed.numUpdatedRows === 0n) return { error: 'Someone changed this campaign at the same moment. Look again and retry.', status: 409 };
  let recalled = 0;
  if (action === 'cancel') {
    recalled = await recallQueued(trx, { campaignId: campaign.id }, 'cancelled');
    await trx
      .updateTable('campaign_recipients')
      .set({ status: 'skipped', skip_reason: 'cancelled' })
      .where('campaign_id', '=', campaign.id)
      .where('status', '=', 'pending')
      .execute();
  }
  const verb = { pause: 'Paused', resume: 'Resumed', cancel: 'Cancelled' }[action];
  return {
    audit: {
      action: `campaign.${action}`,
      subject: { type: 'campaign', id: campaign.id },
      summary: `${verb} the campaign “${campaign.subject}”${recalled ? ` (${recalled} queued message${recalled === 1 ? '' : 's'} taken back)` : ''}`,
      data: { from: campaign.status },
    },
  };
}
