import { z } from 'zod';

/** Where a campaign is in its life; only `draft` and `ready` can be edited. */
export const CAMPAIGN_STATUSES = [
  'draft',
  'ready',
  'queued',
  'sending',
  'scheduled',
  'completed',
  'failed',
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const EDITABLE_STATUSES: readonly CampaignStatus[] = ['draft', 'ready'];

export const CAMPAIGN_NAME_MAX = 120;

/** A campaign name as a person types it: trimmed, not empty, not absurdly long. */
export const campaignNameSchema = z
  .string()
  .trim()
  .min(1, 'Give the campaign a name.')
  .max(CAMPAIGN_NAME_MAX, `Keep the name under ${CAMPAIGN_NAME_MAX} characters.`);

export const campaignIdSchema = z.string().uuid('Not a campaign id.');

export interface CampaignSummary {
  id: string;
  name: string;
  status: CampaignStatus;
  recipientCount: number;
  createdAt: string;
  updatedAt: string;
}
