/**
 * The validation summary of a campaign's recipient list. Its JSON form is exactly what the
 * CLI's `validate --json` prints: total = valid + invalid + duplicates + optedOut, blank lines
 * are not counted, and `row` is the 1-based data row (header excluded, blank lines skipped).
 */
export type ProblemCode =
  | 'empty_phone'
  | 'invalid_phone'
  | 'scientific_notation'
  | 'duplicate'
  | 'opted_out'
  | 'empty_merge_field'
  /** A value its column's "read as" cannot read (a date column holding "next week"); said as written. */
  | 'unreadable_merge_value'
  /** An .xlsx cell shows an error (#N/A, #DIV/0!, …); its value is left empty. */
  | 'cell_error'
  /** An .xlsx cell holds a formula saved without its result (open and save the file in Excel). */
  | 'formula_without_value'
  /** The phone number has an extension ("ext 4") that a call cannot dial; the main number is called. */
  | 'phone_extension'
  /** A value in a column with no name (past the last named one): not imported, said so. */
  | 'unnamed_cell'
  | 'unknown_merge_field'
  | 'no_recipients'
  | 'no_recipient_list';

export interface Problem {
  /** 1-based data row; 0 for a problem about the whole list or message. */
  row: number;
  /**
   * The row as the spreadsheet numbers it (the CSV line its record starts on, the .xlsx row);
   * absent for problems about the whole list and for lists imported before it was recorded.
   * Messages name rows by it.
   */
  line?: number;
  column?: string;
  code: ProblemCode;
  message: string;
  /** True when the campaign cannot be sent until this is fixed. */
  blocking: boolean;
}

export interface RecipientCounts {
  total: number;
  valid: number;
  invalid: number;
  duplicates: number;
  optedOut: number;
}

export interface MergeFieldReport {
  /** Every field the messages use, in order of first use. */
  used: string[];
  /** Fields that are empty for some sendable recipients, with those rows. */
  missing: Array<{ field: string; rows: number[] }>;
  /** Fields whose fallback word stands in for an empty value, with how many sendable rows use it (absent when none). */
  fallbacks?: Array<{ field: string; fallback: string; rows: number }>;
}

export interface ValidationSummary {
  ok: boolean;
  recipients: RecipientCounts;
  problems: Problem[];
  mergeFields: MergeFieldReport;
}

/** A stored recipient's state from the import (opt-outs are checked when asked). */
export type RecipientStatus = 'valid' | 'invalid' | 'duplicate';

/** "mobile", "landline", … as the phone metadata names the number's type. */
export type LineType =
  | 'mobile'
  | 'landline'
  | 'landline-or-mobile'
  | 'toll-free'
  | 'premium-rate'
  | 'shared-cost'
  | 'voip'
  | 'personal'
  | 'pager'
  | 'uan'
  | 'voicemail';
