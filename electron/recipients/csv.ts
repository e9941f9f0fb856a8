/**
 * A streaming CSV parser (RFC 4180 plus the habits of real exports): fed text chunks of any
 * size, it calls back once per record. Quoted fields may hold delimiters, quotes ("") and line
 * breaks; CRLF, LF and lone CR all end a record. Nothing but the current record is kept.
 */
export type RecordHandler = (cells: string[], line: number) => void;

/** Caps checked as the text arrives (see limits.ts); a parser without them accepts anything. */
export interface CsvLimits {
  cellLength: number;
  cells: number;
  recordLength: number;
  records: number;
}

const UNLIMITED: CsvLimits = {
  cellLength: Infinity,
  cells: Infinity,
  recordLength: Infinity,
  records: Infinity,
};

const QUOTE = 34;
const LF = 10;
const CR = 13;

export class CsvParser {
  readonly #delimiter: number;
  readonly #onRecord: RecordHandler;
  readonly #limits: CsvLimits;
  #cells: string[] = [];
  /** Characters of the current record in earlier chunks. */
  #recordCarry = 0;
  #records = 0;
  #field = '';
  #inQuotes = false;
  #afterQuote = false;
  #skipLf = false;
  #line = 1;
  #recordLine = 1;
  #quoteLine = 0;

  constructor(delimiter: string, onRecord: RecordHandler, limits: Partial<CsvLimits> = {}) {
    this.#delimiter = delimiter.charCodeAt(0);
    this.#onRecord = onRecord;
    this.#limits = { ...UNLIMITED, ...limits };
  }

  /** The physical line the parser has reached (1-based). */
  get line(): number {
    return this.#line;
  }

  push(text: string): void {
    const delimiter = this.#delimiter;
    const n = text.length;
    let start = 0;
    let i = 0;
    if (this.#skipLf) {
      this.#skipLf = false;
      if (text.charCodeAt(0) === LF) i = start = 1;
    }
    let recordStart = start;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (this.#inQuotes) {
        if (c === QUOTE) {
          this.#field += text.slice(start, i);
          start = i + 1;
          this.#inQuotes = false;
          this.#afterQuote = true;
        } else if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) {
          this.#line++;
        }
        continue;
      }
      if (this.#afterQuote) {
        this.#afterQuote = false;
        if (c === QUOTE) {
          // "" inside a quoted field is one literal quote
          this.#field += '"';
          this.#inQuotes = true;
          start = i + 1;
          continue;
        }
      }
      if (c === delimiter) {
        this.#endField(text.slice(start, i));
        start = i + 1;
      } else if (c === LF || c === CR) {
        this.#endField(text.slice(start, i));
        this.#recordCarry += i - recordStart;
        this.#endRecord();
        if (c === CR) {
          if (i + 1 < n) {
            if (text.charCodeAt(i + 1) === LF) i++;
          } else {
            this.#skipLf = true;
          }
        }
        this.#line++;
        this.#recordLine = this.#line;
        start = recordStart = i + 1;
      } else if (c === QUOTE && start === i && this.#field === '') {
        this.#inQuotes = true;
        this.#quoteLine = this.#line;
        start = i + 1;
      }
    }
    if (start < n) {
      this.#field += text.slice(start);
      if (this.#field.length > this.#limits.cellLength) this.#tooLong();
    }
    this.#recordCarry += n - recordStart;
    if (this.#recordCarry > this.#limits.recordLength) {
      this.#refuse(
        `line ${this.#recordLine} is longer than ${this.#limits.recordLength / (1024 * 1024)} million characters`,
      );
    }
  }

  /** Ends the input; throws when a quoted value was never closed. */
  end(): void {
    if (this.#inQuotes) {
      throw new CsvSyntaxError(
        `a quoted value that starts on line ${this.#quoteLine} is never closed (a missing " makes the rest of the file one value)`,
        this.#quoteLine,
      );
    }
    if (this.#field !== '' || this.#cells.length > 0) {
      this.#endField('');
      this.#endRecord();
    }
  }

  #endField(tail: string): void {
    const value = this.#field === '' ? tail : this.#field + tail;
    if (value.length > this.#limits.cellLength) this.#tooLong();
    if (this.#cells.length >= this.#limits.cells) {
      this.#refuse(
        `line ${this.#recordLine} has more than ${this.#limits.cells.toLocaleString('en-US')} values (Excel's last column is XFD)`,
      );
    }
    this.#cells.push(value);
    this.#field = '';
  }

  #endRecord(): void {
    if (++this.#records > this.#limits.records) {
      this.#refuse(
        `the file has more than ${this.#limits.records.toLocaleString('en-US')} lines, Excel's last row`,
      );
    }
    if (this.#recordCarry > this.#limits.recordLength) {
      this.#refuse(
        `line ${this.#recordLine} is longer than ${this.#limits.recordLength / (1024 * 1024)} million characters`,
      );
    }
    this.#recordCarry = 0;
    const cells = this.#cells;
    this.#cells = [];
    this.#onRecord(cells, this.#recordLine);
  }

  #tooLong(): never {
    this.#refuse(
      `a value on line ${this.#recordLine} is longer than ${Math.round(this.#limits.cellLength / 1024)} KB`,
    );
  }

  #refuse(message: string): never {
    throw new CsvLimitError(message, this.#recordLine);
  }
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/** A record past one of the parser's limits. */
export class CsvLimitError extends CsvSyntaxError {
  constructor(message: string, line: number) {
    super(message, line);
    this.name = 'CsvLimitError';
  }
}

const CANDIDATES = [',', ';', '\t'] as const;

/**
 * The delimiter of a sample (the first chunk of the file): the candidate that splits the first
 * records into the same number of cells (more than one), most consistently and most often.
 */
export function detectDelimiter(sample: string): string {
  let best: string = ',';
  let bestScore = 0;
  // Drop a trailing partial line so a half-read record does not count against a candidate.
  const lastBreak = Math.max(sample.lastIndexOf('\n'), sample.lastIndexOf('\r'));
  const text = lastBreak > 0 ? sample.slice(0, lastBreak + 1) : sample;
  for (const candidate of CANDIDATES) {
    const widths: number[] = [];
    const parser = new CsvParser(candidate, (cells) => {
      if (widths.length < 50 && !(cells.length === 1 && cells[0] === '')) widths.push(cells.length);
    });
    try {
      parser.push(text);
    } catch {
      continue;
    }
    const first = widths[0] ?? 1;
    if (first < 2) continue;
    const consistent = widths.filter((w) => w === first).length;
    const score = consistent * 1000 + first;
    if (score > bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  return best;
}
