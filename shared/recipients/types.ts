import { z } from 'zod';
import type { ColumnMapping } from './columns';
import type { ReadAs } from './read-as';
import type { LineType, RecipientCounts, RecipientStatus } from './summary';

/** Data the recipients screen and the CLI exchange with main. */
export type ListFormat = 'csv' | 'xlsx';
export const TEXT_ENCODINGS = ['utf-8', 'windows-1252', 'utf-16le', 'utf-16be'] as const;
export type TextEncodingName = (typeof TEXT_ENCODINGS)[number];
/** An encoding a person chose for a CSV (the mapping step's "Read it as"). */
export const textEncodingSchema = z.enum(TEXT_ENCODINGS);

export interface ImportResult {
  fileName: string;
  format: ListFormat;
  encoding: TextEncodingName | null;
  delimiter: string | null;
  /** SHA-256 of the file's bytes, for the audit trail. */
  sha256: string;
  headers: string[];
  /** The row that held the column names, as the spreadsheet numbers it. */
  headerRow: number;
  /** Non-blank rows above the column names (a title), not imported. */
  skippedRows: number;
  phoneColumn: string;
  mergeFields: string[];
  defaultCountry: string;
  counts: Omit<RecipientCounts, 'optedOut'>;
  elapsedMs: number;
}

/** How far an import in the background has got (event `recipients:importProgress`). */
export interface ImportProgress {
  campaignId: string;
  /** reading: the file is read and checked; saving: the new list replaces the old one. */
  stage: 'reading' | 'saving';
  /** Data rows read so far. */
  rows: number;
  /** Share of the file read, 0–1, when it can be told (CSV); null for .xlsx. */
  fraction: number | null;
}

export interface RecipientList extends ColumnMapping {
  campaignId: string;
  fileName: string;
  sha256: string;
  format: ListFormat;
  encoding: TextEncodingName | null;
  delimiter: string | null;
  rowCount: number;
  importedAt: string;
  phoneColumn: string;
  mergeFields: string[];
  /** The file's row of column names; null for lists imported before it was kept (their first non-blank row). */
  headerRow: number | null;
}

export interface RecipientView {
  /** The data row (header excluded, blanks skipped): the key the channels take. */
  row: number;
  /**
   * The row as the spreadsheet numbers it, what the screens show and messages say: the CSV line
   * its record starts on, or the .xlsx row. null for lists imported before it was recorded.
   */
  line: number | null;
  phone: string;
  e164: string | null;
  status: RecipientStatus | 'opted-out';
  problem: string | null;
  lineType: LineType | null;
  /** Merge key → value as it will be said (read as, fallback applied), every column but the phone. */
  fields: Record<string, string>;
  /** Keys whose value is the fallback word (the cell is empty). */
  fallbacks?: string[];
}

/** A merge column for the "read as" settings: some values as written and a suggested kind. */
export interface MergeColumn {
  key: string;
  header: string;
  /** Up to 5 distinct non-empty values as written in the file. */
  samples: string[];
  suggested: ReadAs;
}

export const PAGE_FILTERS = ['all', 'problems', 'sendable'] as const;
export type PageFilter = (typeof PAGE_FILTERS)[number];

export interface RecipientPage {
  total: number;
  offset: number;
  rows: RecipientView[];
}

export interface Preview {
  row: number;
  /** The row as the spreadsheet numbers it (null for lists imported before it was kept). */
  line?: number | null;
  e164: string | null;
  text: string;
  /** Fields the text uses that are empty for this recipient. */
  emptyFields: string[];
  unknownFields: string[];
  /** Fields empty for this recipient whose fallback word is said instead. */
  fallbackFields?: string[];
}

export interface OptOutChange {
  /** Numbers newly added (or removed). */
  changed: number;
  /** Numbers that were already on the list (or, for remove, were not on it). */
  unchanged: number;
  /**
   * Values that are not phone numbers, with the reason (at most 1000); `row`, for a file, is
   * where a person finds it there: the CSV line or the .xlsx row.
   */
  rejected: Array<{ value: string; row?: number; message: string }>;
  /** What happened with the office's shared file, when one is used and something is worth saying. */
  shared?: string;
}

/**
 * Where a number on the do-not-call list came from: typed in (Settings, the CLI), imported from a
 * file, read from the office's shared file, or a call's result.
 */
export type OptOutSource = 'typed' | 'imported' | 'shared-file' | 'call-result';

export interface OptOutEntry {
  e164: string;
  source: OptOutSource;
  addedAt: string;
  /** The file it was imported from, or for a shared-file number how it was added there. */
  detail: string | null;
  /** The OS user and the computer that added it (null when not recorded, e.g. before 2026). */
  addedBy: string | null;
  addedOn: string | null;
  /** null: every profile; otherwise the one API profile this addition applies to. */
  profileId: string | null;
}

/** The office's shared do-not-call file, as this computer last saw it. */
export interface SharedDncStatus {
  path: string;
  /** A send refuses when the file cannot be read and the last copy read is older than this. */
  maxAgeDays: number;
  /** When the file was last read successfully here (null: never). */
  readAt: string | null;
  /** Numbers on the office's list as last read. */
  numbers: number;
  /** Lines of the file that are not phone numbers. */
  skipped: number;
  /** Why the last attempt to read or write it failed (null: it worked). */
  error: string | null;
  /** Numbers added on this computer that are not in the file yet. */
  pending: number;
}

export interface OptOutList {
  total: number;
  entries: OptOutEntry[];
  /** null when no shared file is used. */
  shared?: SharedDncStatus | null;
}

/** Two-letter region code for numbers written without a country code. */
export const defaultCountrySchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2}$/, 'Use a two-letter country code such as US or CA.')
  .transform((s) => s.toUpperCase());

/** A message text to check or preview. */
export const messageTextSchema = z.string().max(20_000);

/**
 * Rows chosen in the recipients table, sent to main as bounds rather than row numbers, so
 * "select all" of a 100,000-row list is a few numbers: the rows the filter shows whose row number
 * lies in one of the half-open ranges [from, to) (to null: to the end of the list). `count` is
 * how many rows the window counted; main refuses when the list now gives another number (an
 * opt-out added meanwhile changes what "Problems only" holds), so nobody is removed by surprise.
 */
export const rowSelectionSchema = z.object({
  filter: z.enum(PAGE_FILTERS),
  ranges: z
    .array(z.tuple([z.number().int().min(0), z.number().int().min(1).nullable()]))
    .min(1)
    .max(10_000),
  count: z.number().int().min(1),
});
export type RowSelection = z.infer<typeof rowSelectionSchema>;
