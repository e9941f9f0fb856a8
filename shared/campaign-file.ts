import { z } from 'zod';
import { campaignNameSchema, deliverySchema, textMessageSchema } from './campaign';

/**
 * The campaign file: the CLI's JSON format (version 1). Paths inside it are relative to the
 * file. The app writes one on export (with its recipients CSV and any audio next to it) and
 * reads one on import.
 */
export const fileAudioMessageSchema = z.object({
  kind: z.literal('audio'),
  file: z.string().min(1).max(4096),
});
export const fileMessageSchema = z.discriminatedUnion('kind', [textMessageSchema, fileAudioMessageSchema]);

export const campaignFileSchema = z.object({
  version: z.literal(1, 'Only campaign files of version 1 can be read.'),
  name: campaignNameSchema,
  callerId: z.string().trim().max(100).nullable().optional(),
  human: fileMessageSchema,
  machine: fileMessageSchema.nullable().optional(),
  recipients: z.object({
    file: z.string().min(1).max(4096),
    phoneColumn: z.string().trim().min(1).max(200).optional(),
    defaultCountry: z.string().trim().regex(/^[A-Za-z]{2}$/).optional(),
  }),
  delivery: deliverySchema.default({ type: 'immediately' }),
});
export type CampaignFile = z.infer<typeof campaignFileSchema>;
