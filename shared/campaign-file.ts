import { z } from 'zod';
import { campaignNameSchema, deliverySchema, textMessageSchema } from './campaign';
import { headerRowSchema } from './recipients/header-row';
import {
  fallbacksSchema,
  readAsMapSchema,
  sendColumnsSchema,
  type MergeSettings,
} from './recipients/merge-settings';

/**
 * The campaign file: the CLI's JSON format (version 1). Paths inside it are relative to the
 * file. The app writes one on export (with its recipients CSV and any audio next to it) and
 * reads one on import.
 */
export const fileAudioMessageSchema = z.object({
  kind: z.literal('audio'),
  file: z.string().min(1).max(4096),
});
export const fileMessageSchema = z.discriminatedUnion('kind', [
  textMessageSchema,
  fileAudioMessageSchema,
]);

export const campaignFileSchema = z.object({
  version: z.literal(1, 'Only campaign files of version 1 can be read.'),
  name: campaignNameSchema,
  callerId: z.string().trim().max(100).nullable().optional(),
  human: fileMessageSchema,
  machine: fileMessageSchema.nullable().optional(),
  recipients: z.object({
    file: z.string().min(1).max(4096),
    phoneColumn: z.string().trim().min(1).max(200).optional(),
    defaultCountry: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{2}$/)
      .optional(),
    /** The row holding the column names (1 = the first); guessed when absent (a title may sit above). */
    headerRow: headerRowSchema.optional(),
  }),
  delivery: deliverySchema.default({ type: 'immediately' }),
  /** How merge columns are read out: `{ "appt-date": "date" }` (shared/recipients/read-as.ts). */
  readAs: readAsMapSchema.optional(),
  /** Words said when a field is empty: `{ "first-name": "there" }`. */
  fallbacks: fallbacksSchema.optional(),
  /** Columns sent to Omnigage although no message uses them (by default only used fields leave). */
  sendColumns: sendColumnsSchema.optional(),
});
export type CampaignFile = z.infer<typeof campaignFileSchema>;

/** The campaign's merge settings as the file states them (absent keys are defaults). */
export function fileMergeSettings(
  spec: Pick<CampaignFile, 'readAs' | 'fallbacks' | 'sendColumns'>,
): MergeSettings {
  return {
    readAs: spec.readAs ?? {},
    fallbacks: spec.fallbacks ?? {},
    sendColumns: spec.sendColumns ?? [],
  };
}
