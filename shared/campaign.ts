import { z } from 'zod';
import { mergeSettingsSchema, type MergeSettings } from './recipients/merge-settings';

/** Where a campaign is in its life as stored (the CHECK of migration 0001); only `draft` and `ready` can be edited. */
export type StoredCampaignStatus =
  'draft' | 'ready' | 'queued' | 'sending' | 'scheduled' | 'completed' | 'failed';

/**
 * Where a campaign is in its life as the screens show it: the stored status, except that a
 * campaign whose send the person cancelled reads `cancelled` (stored as `failed`, which would
 * tell them something went wrong). CampaignService derives it from the send's own record.
 */
export type CampaignStatus = StoredCampaignStatus | 'cancelled';

const EDITABLE_STATUSES: readonly CampaignStatus[] = ['draft', 'ready'];

/**
 * THE rule for what may still change: a campaign that has started sending is locked. The
 * screens ask it to show a campaign read-only; the services refuse edits with it
 * (electron/campaigns/service.ts assertEditable).
 */
export const isEditable = (status: CampaignStatus): boolean => EDITABLE_STATUSES.includes(status);

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

/**
 * What a campaign says. A text message is read by text-to-speech with a voice; an audio message
 * is a file the app keeps a copy of in its data folder (`file` is that stored path).
 */
export const textMessageSchema = z.object({
  kind: z.literal('text'),
  body: z.string().max(5000, 'Keep the message under 5,000 characters.'),
  voice: z.string().trim().min(1).max(80),
});
export const audioMessageSchema = z.object({
  kind: z.literal('audio'),
  file: z.string().min(1).max(4096),
  fileName: z.string().max(255).optional(),
  durationMs: z.number().int().nonnegative().optional(),
});
export const messageSchema = z.discriminatedUnion('kind', [textMessageSchema, audioMessageSchema]);
export type Message = z.infer<typeof messageSchema>;

/**
 * The campaign's calling window in each recipient's local time (shared/recipients/quiet-hours.ts)
 * and what Send does with recipients outside it at the moment the calls start: `warn` (the
 * default: Review warns and Send asks in words at an odd hour), `leave-out` (they get no call,
 * counted in Review and Results), `hold` (they are moved into a follow-up campaign per moment
 * their hours open, sent at once and scheduled for that moment: electron/send/hold.ts) or
 * `refuse` (Send is refused until the window or time fits).
 */
export const callingWindowSchema = z
  .object({
    startMinute: z.number().int().min(0).max(1439),
    endMinute: z.number().int().min(1).max(1440),
    days: z.array(z.number().int().min(0).max(6)).min(1, 'Choose at least one day.').max(7),
    outside: z.enum(['warn', 'leave-out', 'hold', 'refuse']),
  })
  .refine((w) => w.endMinute > w.startMinute, {
    message: 'The calling window must end after it starts.',
  })
  .refine((w) => new Set(w.days).size === w.days.length, { message: 'A day is listed twice.' });
export type CampaignCallingWindow = z.infer<typeof callingWindowSchema>;

/** Only "immediately" is known to the API; a send-at time is kept by the app itself. */
export const deliverySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('immediately'), window: callingWindowSchema.optional() }),
  z.object({
    type: z.literal('at'),
    at: z.string().datetime({ offset: true }),
    window: callingWindowSchema.optional(),
  }),
]);
export type Delivery = z.infer<typeof deliverySchema>;

export const DEFAULT_VOICE = 'Polly-Joanna';

/** The editable content of a campaign. `machine: null` means the human message serves both. */
export interface CampaignContent {
  callerId: string | null;
  human: Message | null;
  machine: Message | null;
  delivery: Delivery;
  /** How merge fields are read out, their fallbacks, and extra columns sent (envelope-meta.ts). */
  merge: MergeSettings;
}

export interface CampaignDetail extends CampaignSummary, CampaignContent {
  profileId: string | null;
}

/** A partial update from the editor (autosave sends only what changed). */
export const campaignContentPatchSchema = z
  .object({
    callerId: z.string().trim().max(100).nullable(),
    human: messageSchema.nullable(),
    machine: messageSchema.nullable(),
    delivery: deliverySchema,
    merge: mergeSettingsSchema,
  })
  .partial();
export type CampaignContentPatch = z.infer<typeof campaignContentPatchSchema>;
