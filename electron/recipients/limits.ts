/**
 * How much of a spreadsheet the reader accepts. Every limit is checked while the bytes arrive,
 * so a hostile file (a zip bomb, a cell far past Excel's last column, a line of millions of
 * commas) is refused after a few megabytes of work instead of after it has filled memory.
 * Each value is far beyond anything Excel itself writes, so real lists never meet them.
 */
export const LIMITS = {
  /** Excel's last column is XFD: 16,384 columns; also the most cells one row may hold. */
  columns: 16_384,
  /** Excel's last row: 1,048,576. Counts every record or <row>, blank ones included. */
  rows: 1_048_576,
  /** Longest cell, in characters (Excel's own limit is 32,767). */
  cellLength: 1024 * 1024,
  /** Longest row or CSV record, in characters, all its cells together. */
  recordLength: 8 * 1024 * 1024,
  /** Largest .xlsx part once decompressed. */
  partBytes: 256 * 1024 * 1024,
  /** Most a part may expand over its compressed size (real sheets: 5–30×, zip bombs: ~1000×)… */
  ratio: 200,
  /** …checked once this many bytes have come out, so tiny parts are never judged by ratio. */
  ratioGrace: 1024 * 1024,
  /** Longest run of XML between two '<' (a text node or a tag with its attributes), in characters:
   *  room for the longest cell with its escapes. */
  xmlToken: 2 * 1024 * 1024,
  /** All shared strings of a workbook together, in characters (they are held in memory). */
  sharedStringChars: 64 * 1024 * 1024,
} as const;

/** A file that goes past one of the limits; the message says which, in words. */
export class TableLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TableLimitError';
  }
}

export const megabytes = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;
