import { z } from 'zod';
import type { ColumnMapping } from './columns';
import type { ReadAs } from './read-as';
import type { LineType, RecipientCounts, RecipientStatus } from './summary';

/** Data the recipients screen and the CLI exchange with main. */
export type ListFormat = 'csv' | 'xlsx';
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface ImportResult {
  fileName: string;
  format: ListFormat;
  encoding: TextEncodingName | null;
  delimiter: string | null;
  /** SHA-256 of the file's bytes, for the audit trail. */
  sha256: string;
  headers: string[];
  phoneColumn: string;
  mergeFields: string[];
  defaultCountry: string;
  counts: Omit<RecipientCounts, 'optedOut'>;
  elapsedMs: number;
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
}

export interface RecipientView {
  row: number;
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
  /** Values that are not phone numbers, with the reason (at most 1000). */
  rejected: Array<{ value: string; row?: number; message: string }>;
}

export interface OptOutEntry {
  e164: string;
  source: string;
  addedAt: string;
}

export interface OptOutList {
  total: number;
  entries: OptOutEntry[];
}

/** Two-letter region code for numbers written without a country code. */
export const defaultCountrySchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2}$/, 'Use a two-letter country code such as US or CA.')
  .transform((s) => s.toUpperCase());

/** A message text to check or preview. */
export const messageTextSchema = z.string().max(20_000);
