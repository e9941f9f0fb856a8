import { z } from 'zod';
import { READ_AS_KINDS, type ReadAs } from './read-as';

/**
 * A campaign's choices about its merge fields, by merge key (`appt-date`): how each column is
 * read out, the word said when a field is empty, and which columns go to Omnigage although no
 * message uses them. Stored with the campaign and written to the campaign file as top-level
 * `readAs`, `fallbacks` and `sendColumns`.
 */
const mergeKeySchema = z.string().trim().min(1).max(200);

export const FALLBACK_MAX = 100;

export const readAsMapSchema = z.record(mergeKeySchema, z.enum(READ_AS_KINDS));
export const fallbacksSchema = z.record(
  mergeKeySchema,
  z.string().trim().max(FALLBACK_MAX, `Keep a fallback under ${FALLBACK_MAX} characters.`),
);
export const sendColumnsSchema = z.array(mergeKeySchema).max(1000);

export const mergeSettingsSchema = z.object({
  readAs: readAsMapSchema.default({}),
  fallbacks: fallbacksSchema.default({}),
  sendColumns: sendColumnsSchema.default([]),
});
export type MergeSettings = z.infer<typeof mergeSettingsSchema>;

export const EMPTY_MERGE_SETTINGS: MergeSettings = { readAs: {}, fallbacks: {}, sendColumns: [] };

/** The kind a key is read as; "as written" unless the campaign says otherwise. */
export function readAsOf(settings: MergeSettings, key: string): ReadAs {
  return settings.readAs[key] ?? 'as-written';
}

/** Settings without the defaults (what a campaign file needs to say), or null when all are defaults. */
export function meaningfulSettings(settings: MergeSettings): Partial<MergeSettings> {
  const readAs = Object.fromEntries(
    Object.entries(settings.readAs).filter(([, kind]) => kind !== 'as-written'),
  );
  const fallbacks = Object.fromEntries(
    Object.entries(settings.fallbacks).filter(([, word]) => word.trim() !== ''),
  );
  return {
    ...(Object.keys(readAs).length > 0 ? { readAs } : {}),
    ...(Object.keys(fallbacks).length > 0 ? { fallbacks } : {}),
    ...(settings.sendColumns.length > 0 ? { sendColumns: settings.sendColumns } : {}),
  };
}
