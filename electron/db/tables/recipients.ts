import type { LineType, RecipientStatus } from '../../../shared/recipients/summary';
import type { Db } from '../open';
import { campaignsTable } from './campaigns';
import { onDoNotCallSql } from './do-not-call';
import { Prepared, perHandle } from './statements';

/**
 * THE sendable rule: a recipient row (`alias` of table recipients) that may be called is a valid
 * number not on the do-not-call list for the profile in `profile` (an SQL expression or
 * placeholder; it takes exactly that one parameter).
 */
export function sendableSql(alias: string, profile: string): string {
  return `(${alias}.status = 'valid' AND NOT ${onDoNotCallSql(`${alias}.e164`, profile)})`;
}

/**
 * The part of a number that decides its time zones: +1 and the area code, else "+" and six
 * digits. A send that leaves out recipients outside their calling hours records these, and
 * Results reads them back to say why a row got no call.
 */
export function zonePrefixSql(alias: string): string {
  return `CASE WHEN substr(${alias}.e164, 1, 2) = '+1' THEN substr(${alias}.e164, 1, 5) ELSE substr(${alias}.e164, 1, 7) END`;
}

/** A campaign's imported list as stored (recipient_lists). */
export interface ListRow {
  campaign_id: string;
  file_name: string;
  file_sha256: string;
  format: 'csv' | 'xlsx';
  encoding: string | null;
  delimiter: string | null;
  headers: string;
  merge_keys: string;
  phone_index: number;
  default_country: string;
  row_count: number;
  imported_at: string;
  /** The file's row of column names (null: the first non-blank row, for lists imported before it was kept). */
  header_row: number | null;
}

/** One recipient as the screens read it; opted_out is worked out against the do-not-call list. */
export interface RecipientRow {
  row: number;
  phone_raw: string;
  e164: string | null;
  status: RecipientStatus;
  problem: string | null;
  duplicate_of: number | null;
  line_type: LineType | null;
  fields: string;
  cell_problems?: string | null;
  opted_out?: number;
  /** NULL for lists imported before migration 0011. */
  source_line?: number | null;
  /** The source line of the row this one repeats (duplicates only). */
  duplicate_line?: number | null;
}

/** A row as the import writes it. */
export type NewRecipient = [
  campaignId: string,
  row: number,
  phoneRaw: string,
  e164: string | null,
  status: RecipientStatus,
  problem: string | null,
  duplicateOf: number | null,
  lineType: LineType | null,
  fields: string,
  cellProblems: string | null,
  /** The file's line (CSV) or sheet row (.xlsx) the row came from (see migration 0011). */
  sourceLine: number | null,
];

/** What the validation summary reads of a row (summaryBlock), as an array. */
export type SummaryRaw = [
  row: number,
  status: RecipientStatus,
  problem: string | null,
  phoneRaw: string,
  duplicateE164: string | null,
  duplicateOf: number | null,
  cellProblems: string | null,
  optedOutE164: string | null,
  fields: string | null,
  sourceLine: number | null,
  duplicateLine: number | null,
];

/** Which rows a page of the list shows. */
export type RowFilter = 'all' | 'problems' | 'sendable';

/** Rows to remove: named one by one, or a selection of the table (see RowSelection). */
export type RemovalTarget = { campaignId: string } & (
  | { filter: 'rows'; rows: readonly number[] }
  | {
      filter: RowFilter;
      ranges: ReadonlyArray<readonly [number, number | null]>;
      profileId: string | null;
    }
);

function removalParams(target: RemovalTarget): Record<string, unknown> {
  if (target.filter === 'rows')
    return { campaignId: target.campaignId, rows: JSON.stringify([...new Set(target.rows)]) };
  return {
    campaignId: target.campaignId,
    ranges: JSON.stringify(target.ranges),
    profileId: target.profileId,
  };
}

const COLUMNS =
  'row, phone_raw, e164, status, problem, duplicate_of, line_type, fields, cell_problems, source_line';
const INSERT_COLUMNS = `campaign_id, ${COLUMNS}`;
/** The source line of the row a duplicate (alias r) repeats. */
const DUPLICATE_LINE = `CASE WHEN r.duplicate_of IS NOT NULL THEN (SELECT d.source_line FROM recipients d
  WHERE d.campaign_id = r.campaign_id AND d.row = r.duplicate_of) END`;
const STAGED = 'temp.staged_recipients';

/**
 * The recipients of each campaign (recipients) and the file they came from (recipient_lists).
 * Every read or write of these two tables goes through here; the send journal reads them to
 * freeze a send's recipients.
 *
 * Each campaign's stored row count (campaigns.recipient_count, what the campaigns list shows) is
 * kept here too: every method that adds or removes rows adds its statement's change count in the
 * same transaction, except insert(), the import's row-at-a-time writer, whose rows recount()
 * counts once they are all in (a statement per row would cost as much again as the insert).
 */
class RecipientsTable {
  readonly #s: Prepared;
  readonly #campaigns: ReturnType<typeof campaignsTable>;

  constructor(db: Db) {
    this.#s = new Prepared(db);
    this.#campaigns = campaignsTable(db);
  }

  // ---- the list ---------------------------------------------------------------------------

  list(campaignId: string): ListRow | undefined {
    return this.#s.get('SELECT * FROM recipient_lists WHERE campaign_id = ?').get(campaignId) as
      ListRow | undefined;
  }

  /** Replaces the campaign's list record (file, hash, column mapping). */
  saveList(list: ListRow): void {
    this.#s
      .get(
        `INSERT INTO recipient_lists (campaign_id, file_name, file_sha256, format, encoding, delimiter, headers,
           merge_keys, phone_index, default_country, row_count, imported_at, header_row)
         VALUES (@campaign_id, @file_name, @file_sha256, @format, @encoding, @delimiter, @headers,
           @merge_keys, @phone_index, @default_country, @row_count, @imported_at, @header_row)
         ON CONFLICT (campaign_id) DO UPDATE SET file_name = excluded.file_name, file_sha256 = excluded.file_sha256,
           format = excluded.format, encoding = excluded.encoding, delimiter = excluded.delimiter,
           headers = excluded.headers, merge_keys = excluded.merge_keys, phone_index = excluded.phone_index,
           default_country = excluded.default_country, row_count = excluded.row_count, imported_at = excluded.imported_at,
           header_row = excluded.header_row`,
      )
      .run(list);
  }

  /** A copy of the list (duplicate): the list record, and every row or only `rows`. */
  copy(sourceId: string, copyId: string, rows?: readonly number[]): void {
    this.#s
      .get(
        `INSERT INTO recipient_lists (campaign_id, file_name, file_sha256, format, encoding, delimiter, headers,
           merge_keys, phone_index, default_country, row_count, imported_at, header_row)
         SELECT ?, file_name, file_sha256, format, encoding, delimiter, headers, merge_keys, phone_index,
           default_country, row_count, imported_at, header_row FROM recipient_lists WHERE campaign_id = ?`,
      )
      .run(copyId, sourceId);
    if (!rows) {
      const copied = this.#s
        .get(
          `INSERT INTO recipients (${INSERT_COLUMNS}) SELECT ?, ${COLUMNS} FROM recipients WHERE campaign_id = ? ORDER BY row`,
        )
        .run(copyId, sourceId).changes;
      this.#campaigns.addRecipients(copyId, copied);
      return;
    }
    const copyRow = this.#s.get(
      `INSERT INTO recipients (${INSERT_COLUMNS}) SELECT ?, ${COLUMNS} FROM recipients WHERE campaign_id = ? AND row = ?`,
    );
    let copied = 0;
    for (const row of rows) copied += copyRow.run(copyId, sourceId, row).changes;
    this.#campaigns.addRecipients(copyId, copied);
  }

  // ---- import -----------------------------------------------------------------------------

  /**
   * A temporary table of this connection to collect an import in: writing it locks nothing
   * other connections use. Replaces any left from an earlier import. Only the import worker
   * stages, on a connection of its own.
   */
  createStaging(): void {
    // Staged rows go to a temporary file, not this process's memory. (Changing this setting
    // drops the connection's temporary tables; the staging table is the only one.)
    this.#s.pragma('temp_store = FILE');
    this.#s.script(`DROP TABLE IF EXISTS ${STAGED};
      CREATE TEMP TABLE staged_recipients (campaign_id TEXT NOT NULL, row INTEGER NOT NULL, phone_raw TEXT NOT NULL,
        e164 TEXT, status TEXT NOT NULL, problem TEXT, duplicate_of INTEGER, line_type TEXT, fields TEXT NOT NULL,
        cell_problems TEXT, source_line INTEGER)`);
  }

  dropStaging(): void {
    this.#s.script(`DROP TABLE IF EXISTS ${STAGED}`);
  }

  /**
   * Writes one imported row, into the staging table or straight into the list. Rows written
   * straight into the list are not counted one by one: call recount() once they are all in.
   */
  insert(staged: boolean, values: NewRecipient): void {
    this.#s
      .get(
        `INSERT INTO ${staged ? STAGED : 'recipients'} (${INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(...values);
  }

  /** Copies the campaign's staged rows after `from` up to `to` (staging order) into its list. */
  copyStaged(campaignId: string, from: number, to: number): void {
    const copied = this.#s
      .get(
        `INSERT INTO recipients (${INSERT_COLUMNS}) SELECT ${INSERT_COLUMNS}
         FROM ${STAGED} WHERE rowid > ? AND rowid <= ? AND campaign_id = ? ORDER BY rowid`,
      )
      .run(from, to, campaignId).changes;
    this.#campaigns.addRecipients(campaignId, copied);
  }

  deleteAll(campaignId: string): void {
    this.#s.get('DELETE FROM recipients WHERE campaign_id = ?').run(campaignId);
    this.#campaigns.setRecipientCount(campaignId, 0);
  }

  /** Counts the campaign's rows into its stored count, after insert() wrote them straight in. */
  recount(campaignId: string): void {
    const rows = this.#s
      .get('SELECT count(*) FROM recipients WHERE campaign_id = ?', 'pluck')
      .get(campaignId) as number;
    this.#campaigns.setRecipientCount(campaignId, rows);
  }

  // ---- reading ----------------------------------------------------------------------------

  /** One row as the screens read it (not checked against the do-not-call list). */
  row(campaignId: string, row: number): RecipientRow | undefined {
    return this.#s
      .get(
        `SELECT ${COLUMNS}, ${DUPLICATE_LINE} AS duplicate_line, 0 AS opted_out FROM recipients r WHERE campaign_id = ? AND row = ?`,
      )
      .get(campaignId, row) as RecipientRow | undefined;
  }

  #where(filter: RowFilter): string {
    if (filter === 'problems')
      return `AND (r.status != 'valid' OR r.cell_problems IS NOT NULL OR ${onDoNotCallSql('r.e164', '@profileId')})`;
    if (filter === 'sendable') return `AND ${sendableSql('r', '@profileId')}`;
    return '';
  }

  /** How many rows a page filter keeps, checked against the profile's do-not-call list now. */
  count(campaignId: string, filter: RowFilter, profileId: string | null): number {
    return this.#s
      .get(
        `SELECT count(*) FROM recipients r WHERE r.campaign_id = @campaignId ${this.#where(filter)}`,
        'pluck',
      )
      .get({ campaignId, profileId }) as number;
  }

  /** One page of rows in row order, each marked when its number is on the do-not-call list. */
  page(
    campaignId: string,
    filter: RowFilter,
    profileId: string | null,
    limit: number,
    offset: number,
  ): RecipientRow[] {
    return this.#s
      .get(
        `SELECT r.row, r.phone_raw, r.e164, r.status, r.problem, r.duplicate_of, r.line_type, r.fields, r.cell_problems,
           r.source_line, ${DUPLICATE_LINE} AS duplicate_line,
           ${onDoNotCallSql('r.e164', '@profileId')} AS opted_out
         FROM recipients r WHERE r.campaign_id = @campaignId ${this.#where(filter)}
         ORDER BY r.row LIMIT @limit OFFSET @offset`,
      )
      .all({ campaignId, profileId, limit, offset }) as RecipientRow[];
  }

  /** How many rows are sendable (sendableSql) for the profile now. */
  sendableCount(campaignId: string, profileId: string | null): number {
    return this.#s
      .get(
        `SELECT count(*) FROM recipients r WHERE r.campaign_id = ? AND ${sendableSql('r', '?')}`,
        'pluck',
      )
      .get(campaignId, profileId) as number;
  }

  /** The first `limit` rows' cells (JSON), in row order. */
  firstFields(campaignId: string, limit: number): string[] {
    return this.#s
      .get('SELECT fields FROM recipients WHERE campaign_id = ? ORDER BY row LIMIT ?', 'pluck')
      .all(campaignId, limit) as string[];
  }

  /** Every row's cells (JSON) in row order, read as they are used. */
  allFields(campaignId: string): IterableIterator<string> {
    return this.#s
      .iterate('SELECT fields FROM recipients WHERE campaign_id = ? ORDER BY row', 'pluck')
      .iterate(campaignId) as IterableIterator<string>;
  }

  /**
   * Up to `limit` rows after row `after`, as the validation summary reads them (SummaryRaw):
   * only what a row has to report comes back, and its cells only when `withFields` (valid rows).
   */
  summaryBlock(
    campaignId: string,
    profileId: string | null,
    after: number,
    limit: number,
    withFields: boolean,
  ): SummaryRaw[] {
    return this.#s
      .get(
        `SELECT r.row, r.status,
           CASE WHEN r.status = 'invalid' THEN r.problem END,
           CASE WHEN r.status = 'invalid' THEN r.phone_raw END,
           CASE WHEN r.status = 'duplicate' THEN r.e164 END,
           r.duplicate_of, r.cell_problems,
           CASE WHEN r.status = 'valid' AND ${onDoNotCallSql('r.e164', '@profileId')} THEN r.e164 END,
           ${withFields ? `CASE WHEN r.status = 'valid' THEN r.fields END` : 'NULL'},
           r.source_line, ${DUPLICATE_LINE}
         FROM recipients r WHERE r.campaign_id = @campaignId AND r.row > @after ORDER BY r.row LIMIT @limit`,
        'raw',
      )
      .all({ campaignId, profileId, after, limit }) as SummaryRaw[];
  }

  /** The sendable rows (valid, not on the do-not-call list now) in row order. */
  sendable(
    campaignId: string,
    profileId: string | null,
  ): IterableIterator<{ row: number; e164: string; fields: string }> {
    return this.#s
      .iterate(
        `SELECT r.row, r.e164, r.fields FROM recipients r WHERE r.campaign_id = ? AND ${sendableSql('r', '?')} ORDER BY r.row`,
      )
      .iterate(campaignId, profileId) as IterableIterator<{
      row: number;
      e164: string;
      fields: string;
    }>;
  }

  /**
   * A row's cells, number and spreadsheet line: the given data row, the row on the given
   * spreadsheet line, or the first valid one when neither is given.
   */
  cells(
    campaignId: string,
    at: { row?: number; line?: number } = {},
  ): { row: number; fields: string; e164: string | null; line: number | null } | undefined {
    type Found = { row: number; fields: string; e164: string | null; line: number | null };
    const columns = 'row, fields, e164, source_line AS line';
    if (at.line !== undefined)
      return this.#s
        .get(`SELECT ${columns} FROM recipients WHERE campaign_id = ? AND source_line = ?`)
        .get(campaignId, at.line) as Found | undefined;
    if (at.row === undefined)
      return this.#s
        .get(
          `SELECT ${columns} FROM recipients WHERE campaign_id = ? AND status = 'valid' ORDER BY row LIMIT 1`,
        )
        .get(campaignId) as Found | undefined;
    return this.#s
      .get(`SELECT ${columns} FROM recipients WHERE campaign_id = ? AND row = ?`)
      .get(campaignId, at.row) as Found | undefined;
  }

  /** The sendable recipients counted by zone prefix (zonePrefixSql), with one number of each. */
  zonePrefixes(
    campaignId: string,
    profileId: string | null,
  ): Array<{ prefix: string; sample: string; n: number }> {
    return this.#s
      .get(
        `SELECT ${zonePrefixSql('r')} AS prefix, min(r.e164) AS sample, count(*) AS n
         FROM recipients r WHERE r.campaign_id = ? AND ${sendableSql('r', '?')}
         GROUP BY prefix`,
      )
      .all(campaignId, profileId) as Array<{ prefix: string; sample: string; n: number }>;
  }

  /** The row numbers of the sendable recipients whose zone prefix is one of `prefixes`. */
  rowsInZonePrefixes(
    campaignId: string,
    profileId: string | null,
    prefixes: readonly string[],
  ): number[] {
    return this.#s
      .get(
        `SELECT r.row FROM recipients r
         WHERE r.campaign_id = ? AND ${sendableSql('r', '?')}
           AND ${zonePrefixSql('r')} IN (SELECT value FROM json_each(?))
         ORDER BY r.row`,
        'pluck',
      )
      .all(campaignId, profileId, JSON.stringify(prefixes)) as number[];
  }

  // ---- editing ----------------------------------------------------------------------------

  /** Sets a row's number (a valid one) and cells; duplicates are the caller's to recompute. */
  setPhone(
    campaignId: string,
    row: number,
    values: {
      phoneRaw: string;
      e164: string;
      lineType: LineType | null;
      fields: string;
      cellProblems: string | null;
    },
  ): void {
    this.#s
      .get(
        `UPDATE recipients SET phone_raw = ?, e164 = ?, status = 'valid', problem = NULL, duplicate_of = NULL, line_type = ?, fields = ?,
           cell_problems = ?
         WHERE campaign_id = ? AND row = ?`,
      )
      .run(
        values.phoneRaw,
        values.e164,
        values.lineType,
        values.fields,
        values.cellProblems,
        campaignId,
        row,
      );
  }

  /**
   * The rows a removal names, as a condition on recipients' `row`: a list of row numbers (JSON
   * array in @rows), or a selection made in the table, the filter's rows within half-open
   * row-number ranges (JSON [[from, to|null], …] in @ranges). Each range is read along the primary
   * key, so "every row but two" of 100,000 costs three index ranges, not a scan per range.
   */
  #removalTarget(filter: RowFilter | 'rows'): string {
    if (filter === 'rows') return 'row IN (SELECT value FROM json_each(@rows))';
    return `row IN (SELECT r.row FROM json_each(@ranges) j JOIN recipients r
        ON r.campaign_id = @campaignId AND r.row >= json_extract(j.value, '$[0]')
        AND r.row < coalesce(json_extract(j.value, '$[1]'), 9223372036854775807)
      WHERE 1 ${this.#where(filter)})`;
  }

  /** How many rows a removal would take (see #removalTarget for the parameters). */
  countRemoval(target: RemovalTarget): number {
    return this.#s
      .get(
        `SELECT count(*) FROM recipients WHERE campaign_id = @campaignId AND ${this.#removalTarget(target.filter)}`,
        'pluck',
      )
      .get(removalParams(target)) as number;
  }

  /**
   * Takes the rows out of the list into this connection's undo table (replacing what an earlier
   * removal of the campaign left there); returns how many went. Held in a temporary table, not
   * in memory: a removal can be a whole 100,000-row list, and it lasts as long as the app does.
   */
  removeToUndo(target: RemovalTarget): number {
    this.#ensureUndo();
    const params = removalParams(target);
    this.#s.get('DELETE FROM temp.removed_recipients WHERE campaign_id = ?').run(target.campaignId);
    const where = `campaign_id = @campaignId AND ${this.#removalTarget(target.filter)}`;
    this.#s
      .get(`INSERT INTO temp.removed_recipients SELECT * FROM recipients WHERE ${where}`)
      .run(params);
    const removed = this.#s.get(`DELETE FROM recipients WHERE ${where}`).run(params).changes;
    this.#campaigns.addRecipients(target.campaignId, -removed);
    return removed;
  }

  /** Puts back the rows removeToUndo() took; `rows` names the first 1,000 of them. */
  restoreFromUndo(campaignId: string): { restored: number; rows: number[] } {
    this.#ensureUndo();
    const rows = this.#s
      .get(
        'SELECT row FROM temp.removed_recipients WHERE campaign_id = ? ORDER BY row LIMIT 1000',
        'pluck',
      )
      .all(campaignId) as number[];
    const restored = this.#s
      .get(
        'INSERT OR IGNORE INTO recipients SELECT * FROM temp.removed_recipients WHERE campaign_id = ?',
      )
      .run(campaignId).changes;
    this.#campaigns.addRecipients(campaignId, restored);
    this.forgetUndo(campaignId);
    return { restored, rows };
  }

  forgetUndo(campaignId: string): void {
    this.#ensureUndo();
    this.#s.get('DELETE FROM temp.removed_recipients WHERE campaign_id = ?').run(campaignId);
  }

  #ensureUndo(): void {
    // Same columns in the same order as recipients, so rows go back with SELECT *.
    this.#s.script(
      'CREATE TEMP TABLE IF NOT EXISTS removed_recipients AS SELECT * FROM main.recipients WHERE 0',
    );
  }

  /** Rows with a usable number (valid or duplicate) in row order, for working out duplicates again. */
  numbered(
    campaignId: string,
  ): Array<{ row: number; e164: string; status: RecipientStatus; duplicate_of: number | null }> {
    return this.#s
      .get(
        `SELECT row, e164, status, duplicate_of FROM recipients WHERE campaign_id = ? AND e164 IS NOT NULL AND status != 'invalid' ORDER BY row`,
      )
      .all(campaignId) as Array<{
      row: number;
      e164: string;
      status: RecipientStatus;
      duplicate_of: number | null;
    }>;
  }

  markValid(campaignId: string, row: number): void {
    this.#s
      .get(
        `UPDATE recipients SET status = 'valid', problem = NULL, duplicate_of = NULL WHERE campaign_id = ? AND row = ?`,
      )
      .run(campaignId, row);
  }

  markDuplicate(campaignId: string, row: number, of: number): void {
    this.#s
      .get(
        `UPDATE recipients SET status = 'duplicate', problem = 'duplicate', duplicate_of = ? WHERE campaign_id = ? AND row = ?`,
      )
      .run(of, campaignId, row);
  }
}

export const recipientsTable = perHandle((db) => new RecipientsTable(db));
