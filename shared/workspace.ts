import { z } from 'zod';
import { DEFAULT_VOICE } from './campaign';
import { defaultCountrySchema, type TextEncodingName } from './recipients/types';

/**
 * Types for what the campaign workspace asks of main beyond the campaign itself: app-wide
 * defaults, files chosen in native dialogs or dropped on the window, a spreadsheet's first
 * rows for the mapping step, and audio files kept for messages.
 */

export const DEFAULT_BATCH_SIZE = 100;

/** Per API profile: the person's own number for "Call me first", and what a minute of calls costs. */
export const profilePreferencesSchema = z.object({
  /** E.164, saved after a test call was placed to it. */
  testNumber: z.string().max(40).optional(),
  /** Price of one minute of calls, in the account's currency (optional; used for the cost estimate). */
  ratePerMinute: z
    .number()
    .min(0, 'The rate cannot be negative.')
    .max(100, 'Enter the rate per minute, e.g. 0.02.')
    .optional(),
});

export const settingsSchema = z.object({
  defaultCountry: defaultCountrySchema,
  defaultVoice: z.string().trim().min(1, 'Choose a voice.').max(80),
  batchSize: z
    .number()
    .int()
    .min(1, 'Send at least one envelope per request.')
    .max(1000, 'At most 1,000 envelopes per request.'),
  /** What the person keeps per API profile (by profile id): see ProfilePreferences. */
  profilePreferences: z.record(z.string().max(64), profilePreferencesSchema),
});
export type Settings = z.infer<typeof settingsSchema>;
export const settingsPatchSchema = settingsSchema.partial();

export const DEFAULT_SETTINGS: Settings = {
  defaultCountry: 'US',
  defaultVoice: DEFAULT_VOICE,
  batchSize: DEFAULT_BATCH_SIZE,
  profilePreferences: {},
};

/**
 * A file the person chose in a native dialog or dropped on the window. Main keeps the path; the
 * window holds only an opaque handle main issued, which is all a file-reading channel accepts.
 */
export interface ChosenFile {
  handle: string;
  fileName: string;
  size: number;
}

/** What the window sends to name a file: a handle from `dialog:openFile` or `files:stageDropped`, never a path. */
export const fileHandleSchema = z
  .string({ error: 'Choose the file again.' })
  .regex(
    /^[A-Za-z0-9_-]{16,64}$/,
    'Choose the file again: the app reads only files chosen or dropped in this window.',
  );

/** The first rows of a spreadsheet, for the mapping step before the import. */
export interface SheetPeek {
  fileName: string;
  format: 'csv' | 'xlsx';
  headers: string[];
  rows: string[][];
  /** The header that looks like the phone column, or null when none does. */
  detectedPhoneColumn: string | null;
  /** The CSV's encoding as read (the one asked for, else the guess); null for .xlsx. */
  encoding: TextEncodingName | null;
  /**
   * Rows (as the spreadsheet numbers them, header = 1) with characters that could not be read,
   * shown as U+FFFD; null when there are none.
   */
  encodingDoubt: { sheetRows: number[]; count: number } | null;
  /** Data rows in the whole file (blank ones not counted); 0 for a file of column names only. */
  totalRows: number;
  /** The row the column names were read from, as the spreadsheet numbers it. */
  headerRow: number;
  /** The app guessed headerRow (none was asked for); false once a person chose it. */
  headerRowGuessed: boolean;
  /**
   * The non-blank rows among the file's first ones (HEADER_SEARCH_ROWS), as the spreadsheet
   * numbers them, with their first cells: the rows the column names may be chosen from; those
   * above headerRow are not imported.
   */
  firstRows: Array<{ row: number; cells: string[] }>;
}

export const AUDIO_FORMATS = ['wav', 'mp3'] as const;
export type AudioFormat = (typeof AUDIO_FORMATS)[number];

/** An audio file copied into the data folder, checked, with its length. */
export interface StoredAudio {
  file: string;
  fileName: string;
  format: AudioFormat;
  mimeType: string;
  durationMs: number;
  size: number;
}

/** Largest file that may be dropped on the window (its bytes cross IPC once). */
export const MAX_DROPPED_BYTES = 60 * 1024 * 1024;
/** Largest audio message accepted. */
export const MAX_AUDIO_BYTES = 20 * 1024 * 1024;

export const droppedFileSchema = z.object({
  fileName: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .refine((name) => !/[\\/]/.test(name) && name !== '.' && name !== '..', 'Not a file name.'),
  /** The file's bytes, Base64 (the browser transport speaks JSON). */
  base64: z
    .string()
    .max(
      Math.ceil((MAX_DROPPED_BYTES * 4) / 3) + 8,
      'The file is too large to drop here; use "Choose a file".',
    ),
});

export const fileKindSchema = z.enum(['recipients', 'audio']);

/** What a saved campaign file or results export wrote. */
export interface SavedFiles {
  path: string;
  files: string[];
}
