import type { CampaignStatus } from '../../shared/campaign';
import { assertEditable } from '../campaigns/service';
import { AppError } from '../../shared/errors';
import {
  detectPhoneColumn,
  findColumn,
  mergeFieldKeys,
  mergeKeysFor,
  type ColumnMapping,
} from '../../shared/recipients/columns';
import {
  describeUnknownField,
  extractMergeFields,
  unknownMergeFields,
} from '../../shared/recipients/merge';
import {
  mergedMessage,
  mergedValue,
  metaFields,
  unknownSendColumns,
} from '../../shared/recipients/envelope-meta';
import {
  EMPTY_MERGE_SETTINGS,
  mergeSettingsSchema,
  readAsOf,
  type MergeSettings,
} from '../../shared/recipients/merge-settings';
import { READ_AS_LABELS, suggestReadAs } from '../../shared/recipients/read-as';
import {
  callingHoursReport,
  nextOpening,
  outsideCallingHours,
  zonesForNumber,
  type CallingWindow,
  type QuietHoursReport,
  type ZoneGroup,
} from '../../shared/recipients/quiet-hours';
import type { Problem, ValidationSummary } from '../../shared/recipients/summary';
import type {
  ImportProgress,
  ImportResult,
  PageFilter,
  Preview,
  RecipientList,
  RecipientPage,
  RecipientView,
  MergeColumn,
} from '../../shared/recipients/types';
import type { Db } from '../db/open';
import { campaignsTable } from '../db/tables/campaigns';
import {
  recipientsTable,
  type NewRecipient,
  type RecipientRow,
  type RowFilter,
} from '../db/tables/recipients';
import type { Logger } from '../logging/logger';
import { FirstRows } from './first-rows';
import { PhoneValidator, countryOf, describePhoneProblem, isSupportedCountry } from './phone';
import { columnLetters } from './xlsx';
import {
  importError,
  readTable,
  type CellProblem,
  type TableInfo,
  type TextEncoding,
  type TableResult,
} from './read-table';
import { monotonicMs, systemClock } from '../clock';

export type { ImportResult, PageFilter, Preview, RecipientList, RecipientPage, RecipientView };

/** What a caller running an import in the background can watch and stop. */
export interface ImportControl {
  /** Told how far the import has got, every few thousand rows and at each stage. */
  onProgress?: (progress: Omit<ImportProgress, 'campaignId'>) => void;
  /** Asked as rows arrive: true stops the import, and the stored list stays as it was. */
  cancelled?: () => boolean;
  /**
   * Collect the rows in a temporary table of this connection first, and replace the stored
   * list with them in one short transaction at the end: the database file is not locked while
   * the file is read (another connection, the app's main process, keeps writing). The default
   * (one transaction around everything) is for callers inside their own transaction (the CLI).
   */
  staged?: boolean;
}

/** Rows between two progress reports (and cancellation checks). */
const PROGRESS_EVERY = 5000;
/** Rows copied from the staging table per statement when a staged import is stored. */
const COPY_BLOCK = 50_000;

export interface ImportOptions {
  campaignId: string;
  filePath: string;
  /** Header of the phone column; detected from the headers when omitted. */
  phoneColumn?: string;
  /** ISO region for numbers without a country code; the campaign's current one (US at first) when omitted. */
  defaultCountry?: string;
  /** A CSV's encoding as the person chose it; guessed from the bytes when omitted. */
  encoding?: TextEncoding;
  /**
   * The row of the column names as the spreadsheet numbers it, or 'guess' (a title may sit
   * above them); the first non-blank row when omitted.
   */
  headerRow?: number | 'guess';
}

/** A sendable recipient as the send engine needs it. */
export interface SendableRecipient {
  row: number;
  e164: string;
  fields: Record<string, string>;
}

export interface RecipientServiceDeps {
  db: Db;
  log?: Logger;
  clock?: () => Date;
}

/**
 * A blank cell (empty or only what String.prototype.trim removes) in a row's stored JSON array
 * of strings. A quote right after "[" or "," always opens a cell (inside a value every quote is
 * escaped), and JSON.stringify writes the whitespace either as itself (\s is exactly trim's set)
 * or as \t \n \f \r \u000b.
 */
const BLANK_CELL = /[[,]"(?:\s|\\[tnfr]|\\u000b)*"[,\]]/;

/** Rows the summary reads at a time: one pass in blocks, so its memory does not grow with the list. */
const SUMMARY_BLOCK = 2000;

/** E.164 as a number: exact (at most 15 digits) and far cheaper than a string key in a big Map. */
const e164Key = (e164: string) => Number(e164.slice(1));

/**
 * What a row's cell_problems column holds: the reader's cell problems, an extension the call
 * cannot dial, and values in columns that have no name (past the last named column), which are
 * not imported.
 */
export type RowCellProblem =
  | CellProblem
  | { column: number; code: 'phone_extension'; extension: string }
  | { column: number; code: 'unnamed_cell'; value: string };

/** Unnamed cells said per row: enough to find them, bounded whatever a row holds. */
const UNNAMED_PER_ROW = 3;

/**
 * Values past the last named column (a note typed beside the table, say): the import keeps a
 * row as wide as its names, so they are said rather than dropped silently.
 */
function unnamedCells(cells: readonly string[], width: number): RowCellProblem[] | undefined {
  let found: RowCellProblem[] | undefined;
  for (let column = width; column < cells.length; column++) {
    const value = cells[column]!.trim();
    if (value === '') continue;
    (found ??= []).push({
      column,
      code: 'unnamed_cell',
      value: value.length > 40 ? `${value.slice(0, 39)}…` : value,
    });
    if (found.length === UNNAMED_PER_ROW) break;
  }
  return found;
}

/** A row's cell_problems as stored (null when none): `cell` problems, plus the phone's extension if any. */
export function cellProblemsJson(
  cell: readonly RowCellProblem[] | undefined,
  phoneIndex: number,
  extension: string | undefined,
): string | null {
  const all: RowCellProblem[] = cell ? [...cell] : [];
  if (extension) all.push({ column: phoneIndex, code: 'phone_extension', extension });
  return all.length > 0 ? JSON.stringify(all) : null;
}

/** What a person reads about a cell the import had to leave empty or could not use. */
function describeCellProblem(problem: RowCellProblem, column: string, row: number): string {
  if (problem.code === 'unnamed_cell') {
    return `Row ${row} has "${problem.value}" in ${column}, which has no name in the row of column names, so it is not imported and no message can use it. To use it, give the column a name in the file and import it again.`;
  }
  if (problem.code === 'cell_error') {
    return `Excel shows ${problem.shown} in column "${column}" on row ${row}, so that value is left empty. Correct it in the spreadsheet and import the file again.`;
  }
  if (problem.code === 'phone_extension') {
    return `The number in "${column}" on row ${row} has an extension (ext. ${problem.extension}) that a call cannot dial: the call goes to the main number. If that will not reach this person, fix the number or remove the row.`;
  }
  return `Column "${column}" on row ${row} holds a formula whose result was not saved in the file, so that value is left empty. Open the file in Excel, save it, and import it again.`;
}

/**
 * A campaign's recipient list: import (one transaction, replacing the previous list only when
 * the whole file has been read), paging for the UI, previews, and the validation summary that
 * the send engine and the CLI's `validate` report.
 */
export class RecipientService {
  readonly #db: Db;
  readonly #log: Logger | undefined;
  readonly #clock: () => Date;
  readonly #table: ReturnType<typeof recipientsTable>;

  constructor({ db, log, clock = systemClock }: RecipientServiceDeps) {
    this.#db = db;
    this.#table = recipientsTable(db);
    this.#log = log;
    this.#clock = clock;
  }

  /**
   * For CampaignService.duplicateHooks: copies the list and its rows (only `rows` when given, by
   * their numbers in the file, which they keep) inside duplicate()'s transaction.
   */
  readonly duplicateHook = (
    db: Db,
    sourceId: string,
    copyId: string,
    options: { rows?: readonly number[] } = {},
  ): void => {
    recipientsTable(db).copy(sourceId, copyId, options.rows);
  };

  #campaign(campaignId: string): { name: string; status: CampaignStatus } {
    const campaign = campaignsTable(this.#db).nameAndStatus(campaignId);
    if (!campaign)
      throw new AppError('not_found', 'That campaign no longer exists. It may have been deleted.');
    return campaign;
  }

  /**
   * Reads the file and replaces the campaign's list with it, all in one transaction: a file that
   * is refused part-way leaves the previous list exactly as it was.
   */
  import(options: ImportOptions, control: ImportControl = {}): ImportResult {
    const started = monotonicMs();
    const campaign = this.#campaign(options.campaignId);
    assertEditable(campaign, 'recipients');
    const previous = this.getList(options.campaignId);
    const defaultCountry = (
      options.defaultCountry ??
      previous?.defaultCountry ??
      'US'
    ).toUpperCase();
    if (!isSupportedCountry(defaultCountry)) {
      throw new AppError(
        'invalid_input',
        `"${defaultCountry}" is not a country code the phone metadata knows (use e.g. US, CA, GB).`,
      );
    }
    const validator = new PhoneValidator(defaultCountry);
    const staged = control.staged === true;
    const stored = this.#table;
    if (staged) stored.createStaging();
    const insert = (...values: NewRecipient) => stored.insert(staged, values);
    const cancelled = () => {
      if (control.cancelled?.()) {
        throw new AppError(
          'cancelled',
          'The import was cancelled. The recipient list is as it was before.',
        );
      }
    };
    let fraction: number | null = null;
    const campaignId = options.campaignId;
    const seen = new FirstRows();
    const counts = { total: 0, valid: 0, invalid: 0, duplicates: 0 };
    let mapping: ColumnMapping | null = null;
    let phoneIndex = -1;
    let width = 0;

    const read = () => {
      const table = readTable(
        options.filePath,
        {
          onBytes: (done, size) => {
            fraction = size > 0 ? Math.min(1, done / size) : null;
          },
          onHeader: (headers, info, sheetRow) => {
            phoneIndex = options.phoneColumn
              ? findColumn(headers, options.phoneColumn)
              : detectPhoneColumn(headers);
            if (phoneIndex < 0) {
              const list = headers.map((h) => `"${h}"`).join(', ');
              const numberAsHeader = options.phoneColumn
                ? undefined
                : headers.find((h) => validator.check(h).ok);
              if (numberAsHeader !== undefined) {
                throw importError(
                  info.fileName,
                  typeof options.headerRow === 'number'
                    ? `row ${sheetRow}, chosen as the column names, holds a phone number ("${numberAsHeader}"). Choose the row that holds the column names, such as "Phone" and "First Name".`
                    : `the first row holds a phone number ("${numberAsHeader}") instead of column names. Add a header row, such as "Phone,First Name", and import again.`,
                );
              }
              throw importError(
                info.fileName,
                options.phoneColumn
                  ? `there is no column named "${options.phoneColumn}". The columns are: ${list}.`
                  : `no phone number column was found. The columns are: ${list}. Choose which one holds the phone numbers.`,
              );
            }
            width = headers.length;
            mapping = { headers, phoneIndex, keys: mergeKeysFor(headers), defaultCountry };
          },
          onRow: (cells, row, problems, _sheetRow, line) => {
            // Keep every row the same width as the header, so fields line up with merge keys.
            const unnamed = cells.length > width ? unnamedCells(cells, width) : undefined;
            if (cells.length !== width) {
              if (cells.length > width) cells.length = width;
              else while (cells.length < width) cells.push('');
            }
            const raw = cells[phoneIndex]!;
            const check = validator.check(raw);
            if (++counts.total % PROGRESS_EVERY === 0) {
              cancelled();
              control.onProgress?.({ stage: 'reading', rows: counts.total, fraction });
            }
            const fields = JSON.stringify(cells);
            const kept: RowCellProblem[] | undefined = problems?.filter((p) => p.column < width);
            const cellProblems = cellProblemsJson(
              unnamed ? [...(kept ?? []), ...unnamed] : kept,
              phoneIndex,
              check.ok ? check.extension : undefined,
            );
            if (!check.ok) {
              counts.invalid++;
              insert(
                campaignId,
                row,
                raw,
                null,
                'invalid',
                check.code,
                null,
                null,
                fields,
                cellProblems,
                line,
              );
              return;
            }
            const first = seen.firstOrAdd(e164Key(check.e164), row);
            if (first >= 0) {
              counts.duplicates++;
              insert(
                campaignId,
                row,
                raw,
                check.e164,
                'duplicate',
                'duplicate',
                first,
                check.lineType,
                fields,
                cellProblems,
                line,
              );
              return;
            }
            counts.valid++;
            insert(
              campaignId,
              row,
              raw,
              check.e164,
              'valid',
              null,
              null,
              check.lineType,
              fields,
              cellProblems,
              line,
            );
          },
        },
        {
          ...(options.encoding ? { encoding: options.encoding } : {}),
          ...(options.headerRow !== undefined ? { headerRow: options.headerRow } : {}),
        },
      );
      if (table.rows === 0) {
        throw importError(
          table.info.fileName,
          'the file has a header row but no recipients below it.',
        );
      }
      const map = mapping as ColumnMapping | null;
      if (!map) throw importError(table.info.fileName, 'the file has no header row.');
      return { table, map };
    };

    // Replaces the stored list: its rows (when staged, copied from the temporary table in
    // blocks, so a Cancel is still heard) and its file and column mapping.
    const store = (table: TableResult, map: ColumnMapping) => {
      if (staged) {
        // The campaign may have been sent or deleted while the file was read.
        assertEditable(this.#campaign(campaignId), 'recipients');
        this.#table.deleteAll(campaignId);
        for (let done = 0; done < counts.total; done += COPY_BLOCK) {
          cancelled();
          this.#table.copyStaged(campaignId, done, done + COPY_BLOCK);
          const copied = Math.min(counts.total, done + COPY_BLOCK);
          control.onProgress?.({ stage: 'saving', rows: copied, fraction: copied / counts.total });
        }
      }
      const now = this.#clock().toISOString();
      this.#table.saveList({
        campaign_id: campaignId,
        file_name: table.info.fileName,
        file_sha256: table.sha256,
        format: table.info.format,
        encoding: table.info.encoding ?? null,
        delimiter: table.info.delimiter ?? null,
        headers: JSON.stringify(map.headers),
        merge_keys: JSON.stringify(map.keys),
        phone_index: map.phoneIndex,
        default_country: defaultCountry,
        row_count: table.rows,
        imported_at: now,
        header_row: table.headerRow,
      });
      campaignsTable(this.#db).touch(campaignId, now);
    };

    let table: TableResult;
    let map: ColumnMapping;
    if (!staged) {
      ({ table, map } = this.#db.transaction(() => {
        this.#table.deleteAll(campaignId);
        const done = read();
        this.#table.recount(campaignId);
        store(done.table, done.map);
        return done;
      })());
    } else {
      try {
        // Reading writes only the temporary table, so it is deferred: it must not hold the
        // database's write lock for the seconds a large file takes (the window's writes would
        // wait). The swap takes the write lock at once (IMMEDIATE, the default: db/open.ts).
        ({ table, map } = this.#db.transaction(read).deferred());
        cancelled();
        control.onProgress?.({ stage: 'saving', rows: 0, fraction: 0 });
        this.#db.transaction(() => store(table, map))();
      } finally {
        this.#table.dropStaging();
      }
    }
    const result: ImportResult = {
      fileName: table.info.fileName,
      format: table.info.format,
      encoding: table.info.encoding,
      delimiter: table.info.delimiter,
      sha256: table.sha256,
      headers: map.headers,
      headerRow: table.headerRow,
      skippedRows: table.skippedRows,
      phoneColumn: map.headers[map.phoneIndex] ?? '',
      mergeFields: mergeFieldKeys(map),
      defaultCountry,
      counts,
      elapsedMs: Math.round(monotonicMs() - started),
    };
    this.#log?.info('recipients imported', {
      campaignId,
      fileName: result.fileName,
      format: result.format,
      rows: counts.total,
      valid: counts.valid,
      elapsedMs: result.elapsedMs,
    });
    return result;
  }

  /** The imported list's file and column mapping, or null before any import. */
  getList(campaignId: string): RecipientList | null {
    const row = this.#table.list(campaignId);
    if (!row) return null;
    const headers = JSON.parse(row.headers) as string[];
    const keys = JSON.parse(row.merge_keys) as string[];
    return {
      campaignId: row.campaign_id,
      fileName: row.file_name,
      sha256: row.file_sha256,
      format: row.format,
      encoding: row.encoding as TableInfo['encoding'],
      delimiter: row.delimiter,
      headers,
      keys,
      phoneIndex: row.phone_index,
      phoneColumn: headers[row.phone_index] ?? '',
      mergeFields: mergeFieldKeys({ keys, phoneIndex: row.phone_index }),
      defaultCountry: row.default_country,
      rowCount: row.row_count,
      importedAt: row.imported_at,
      headerRow: row.header_row,
    };
  }

  #requireList(campaignId: string): RecipientList {
    this.#campaign(campaignId);
    const list = this.getList(campaignId);
    if (!list)
      throw new AppError(
        'not_found',
        'This campaign has no recipients yet. Import a CSV or Excel file first.',
      );
    return list;
  }

  /** The campaign's merge settings (read as, fallbacks, columns sent); defaults when unreadable. */
  #mergeSettings(campaignId: string): MergeSettings {
    const text = campaignsTable(this.#db).mergeSettings(campaignId);
    try {
      const parsed = mergeSettingsSchema.safeParse(JSON.parse(text ?? '{}'));
      return parsed.success ? parsed.data : EMPTY_MERGE_SETTINGS;
    } catch {
      return EMPTY_MERGE_SETTINGS;
    }
  }

  /** A row for the table: each field as it will be said (read as, fallback), the words the envelope would carry. */
  #view(
    list: RecipientList,
    row: RecipientRow,
    settings: MergeSettings = EMPTY_MERGE_SETTINGS,
  ): RecipientView {
    const cells = JSON.parse(row.fields) as string[];
    const fields: Record<string, string> = {};
    const fallbacks: string[] = [];
    list.keys.forEach((key, index) => {
      if (index === list.phoneIndex) return;
      const value = mergedValue(
        { readAs: readAsOf(settings, key), fallback: (settings.fallbacks[key] ?? '').trim() },
        cells[index] ?? '',
      );
      fields[key] = value.text;
      if (value.fallback) fallbacks.push(key);
    });
    let status: RecipientView['status'] = row.status;
    let problem: string | null = null;
    if (row.status === 'invalid')
      problem = describePhoneProblem(
        row.problem ?? 'invalid_phone',
        row.phone_raw,
        list.defaultCountry,
      );
    else if (row.status === 'duplicate')
      problem = `${row.e164} repeats row ${row.duplicate_line ?? row.duplicate_of}.`;
    else if (row.opted_out) {
      status = 'opted-out';
      problem = `${row.e164} is on the opt-out list.`;
    }
    if (row.cell_problems) {
      const cellText = (JSON.parse(row.cell_problems) as RowCellProblem[])
        .map((p) =>
          describeCellProblem(
            p,
            list.headers[p.column] ?? `column ${p.column + 1}`,
            row.source_line ?? row.row,
          ),
        )
        .join(' ');
      problem = problem ? `${problem} ${cellText}` : cellText;
    }
    return {
      row: row.row,
      line: row.source_line ?? null,
      phone: row.phone_raw,
      e164: row.e164,
      status,
      problem,
      lineType: row.line_type,
      fields,
      fallbacks,
    };
  }

  /**
   * One page of the list for the UI. `problems` shows rows that will not be sent (invalid,
   * duplicate, opted out); opt-outs are checked against the profile's list as it is now.
   */
  page(
    campaignId: string,
    options: {
      offset?: number;
      limit?: number;
      filter?: PageFilter;
      profileId?: string | null;
    } = {},
  ): RecipientPage {
    const list = this.#requireList(campaignId);
    const offset = Math.max(0, Math.floor(options.offset ?? 0));
    const limit = Math.min(1000, Math.max(1, Math.floor(options.limit ?? 100)));
    const profileId = options.profileId ?? null;
    const filter: RowFilter =
      options.filter === 'problems' || options.filter === 'sendable' ? options.filter : 'all';
    // Every row: the stored count (migration 0014), not a count(*) that reads a 1,000,000-row
    // list again for each page shown. A filter's rows depend on the do-not-call list now.
    const total =
      filter === 'all'
        ? campaignsTable(this.#db).recipientCount(campaignId)
        : this.#table.count(campaignId, filter, profileId);
    const rows = this.#table.page(campaignId, filter, profileId, limit, offset);
    const settings = this.#mergeSettings(campaignId);
    return { total, offset, rows: rows.map((row) => this.#view(list, row, settings)) };
  }

  /** Merge columns with values as written (the first 200 rows) and the suggested "read as" for each. */
  mergeColumns(campaignId: string): MergeColumn[] {
    const list = this.#requireList(campaignId);
    const rows = this.#table.firstFields(campaignId, 200);
    const cells = rows.map((r) => JSON.parse(r) as string[]);
    return list.keys.flatMap((key, index) => {
      if (index === list.phoneIndex) return [];
      const values = cells.map((c) => c[index] ?? '');
      const samples = [...new Set(values.map((v) => v.trim()).filter((v) => v !== ''))].slice(0, 5);
      return [
        { key, header: list.headers[index] ?? key, samples, suggested: suggestReadAs(key, values) },
      ];
    });
  }

  /** The message as this recipient will hear it. */
  preview(campaignId: string, row: number, text: string): Preview {
    const list = this.#requireList(campaignId);
    const found = this.#table.row(campaignId, row);
    if (!found)
      throw new AppError(
        'not_found',
        `There is no row ${row} in the recipient list (it has ${list.rowCount} rows).`,
      );
    const settings = this.#mergeSettings(campaignId);
    const view = this.#view(list, found, settings);
    const used = extractMergeFields(text);
    const unknown = unknownMergeFields(used, list.mergeFields).map((u) => u.field);
    const emptyFields = used.filter(
      (field) => !unknown.includes(field) && (view.fields[field] ?? '').trim() === '',
    );
    // Merged exactly as the envelope's meta will be (envelope-meta.ts), so the preview is what is said.
    const merged = mergedMessage(
      text,
      metaFields([text], settings, list),
      JSON.parse(found.fields) as string[],
    );
    const fallbackFields = used.filter((field) => view.fallbacks?.includes(field));
    return {
      row,
      line: view.line,
      e164: view.e164,
      text: merged,
      emptyFields,
      unknownFields: unknown,
      ...(fallbackFields.length > 0 ? { fallbackFields } : {}),
    };
  }

  /**
   * The validation summary (what `validate --json` prints), with opt-outs checked against the
   * profile's list as it is now: call it again at send time. `texts` are the campaign's text
   * message bodies (audio messages have no merge fields).
   */
  summary(
    campaignId: string,
    options: { profileId?: string | null; texts?: readonly string[] } = {},
  ): ValidationSummary {
    this.#campaign(campaignId);
    const list = this.getList(campaignId);
    const used: string[] = [];
    for (const text of options.texts ?? [])
      for (const f of extractMergeFields(text)) if (!used.includes(f)) used.push(f);
    if (!list) {
      return {
        ok: false,
        recipients: { total: 0, valid: 0, invalid: 0, duplicates: 0, optedOut: 0 },
        problems: [
          {
            row: 0,
            code: 'no_recipient_list',
            message: 'This campaign has no recipients yet. Import a CSV or Excel file first.',
            blocking: true,
          },
        ],
        mergeFields: { used, missing: [] },
      };
    }
    const profileId = options.profileId ?? null;
    const phoneColumn = list.phoneColumn;
    const settings = this.#mergeSettings(campaignId);

    // Problems about the whole list or message (row 0) come first, in this order.
    const general: Problem[] = [];
    for (const unknown of unknownMergeFields(used, list.mergeFields)) {
      general.push({
        row: 0,
        code: 'unknown_merge_field',
        message: describeUnknownField(unknown),
        blocking: true,
      });
    }
    for (const name of unknownSendColumns(settings, list)) {
      general.push({
        row: 0,
        code: 'unknown_merge_field',
        message: `The campaign asks to also send the column "${name}", which the recipient list does not have; nothing is sent for it.`,
        blocking: false,
      });
    }

    // Each used field read as the envelope will carry it (envelope-meta.ts).
    const known = used.filter((field) => list.mergeFields.includes(field));
    const positions = known.map((field) => list.keys.indexOf(field));
    const readers = metaFields(options.texts ?? [], settings, list);
    const reader = known.map((field) => readers.find((f) => f.key === field)!);
    const columns = known.map((field, i) => list.headers[positions[i]!] ?? field);
    const kinds = reader.map((r) => READ_AS_LABELS[r.readAs].toLowerCase());
    const emptyRows = known.map(() => [] as number[]);
    const fallbackRows = known.map(() => 0);

    // One pass over the list in row order, a block of rows at a time (bounded memory at any
    // size): each row's problems come out in the order a person reads them, so no sort is needed.
    const rows: Problem[] = [];
    let total = 0;
    let invalid = 0;
    let duplicates = 0;
    let optedOut = 0;
    // A cell read as written has something to report only when it is blank (a gap, or its
    // fallback word): a row whose stored JSON has no blank cell at all is skipped unparsed.
    // A field read as a date, time, amount… is checked in every row.
    const blanksOnly = reader.every((r) => r.readAs === 'as-written');
    // Most rows are valid and need nothing but their merge cells: other columns come back only
    // for rows that have something to say (every value handed to JavaScript costs time).
    for (let after = 0; ;) {
      const found = this.#table.summaryBlock(
        campaignId,
        profileId,
        after,
        SUMMARY_BLOCK,
        known.length > 0,
      );
      for (const [
        row,
        status,
        problem,
        phoneRaw,
        duplicateE164,
        duplicateOf,
        cellProblems,
        optedOutE164,
        fields,
        sourceLine,
        duplicateLine,
      ] of found) {
        total++;
        // Where a person finds the row; the data row for lists imported before lines were kept.
        const at = sourceLine ?? row;
        const line = sourceLine !== null ? { line: sourceLine } : {};
        let sendable = false;
        if (status === 'invalid') {
          invalid++;
          rows.push({
            row,
            ...line,
            column: phoneColumn,
            code:
              problem === 'empty_phone' || problem === 'scientific_notation'
                ? problem
                : 'invalid_phone',
            message: describePhoneProblem(
              problem ?? 'invalid_phone',
              phoneRaw,
              list.defaultCountry,
            ),
            blocking: false,
          });
        } else if (status === 'duplicate') {
          duplicates++;
          rows.push({
            row,
            ...line,
            column: phoneColumn,
            code: 'duplicate',
            message: `${duplicateE164} repeats row ${duplicateLine ?? duplicateOf}; it will be called once.`,
            blocking: false,
          });
        } else if (optedOutE164 !== null) {
          optedOut++;
          rows.push({
            row,
            ...line,
            column: phoneColumn,
            code: 'opted_out',
            message: `${optedOutE164} is on the opt-out list and will not be called.`,
            blocking: false,
          });
        } else {
          sendable = true;
        }
        // Cells the import left empty (Excel shows an error there, or saved no formula result) or
        // could not use (no column name), and a phone extension a call cannot dial.
        if (cellProblems !== null) {
          for (const p of JSON.parse(cellProblems) as RowCellProblem[]) {
            const column =
              p.code === 'unnamed_cell'
                ? `column ${columnLetters(p.column)}`
                : (list.headers[p.column] ?? `column ${p.column + 1}`);
            rows.push({
              row,
              ...line,
              column,
              code: p.code,
              message: describeCellProblem(p, column, at),
              blocking: false,
            });
          }
        }
        if (!sendable || fields === null || (blanksOnly && !BLANK_CELL.test(fields))) continue;
        const cells = JSON.parse(fields) as string[];
        let empty: boolean[] | null = null;
        for (let i = 0; i < known.length; i++) {
          const value = mergedValue(reader[i]!, cells[positions[i]!] ?? '');
          if (value.fallback) fallbackRows[i]!++;
          else if (value.text.trim() === '') (empty ??= [])[i] = true;
          else if (value.unreadable) {
            rows.push({
              row,
              column: columns[i],
              code: 'unreadable_merge_value',
              message: `{{${known[i]}}} is "${value.text}", which cannot be read as a ${kinds[i]}; it will be said as written.`,
              blocking: false,
            });
          }
        }
        if (empty) {
          for (let i = 0; i < known.length; i++) {
            if (!empty[i]) continue;
            emptyRows[i]!.push(row);
            rows.push({
              row,
              column: columns[i],
              code: 'empty_merge_field',
              message: `{{${known[i]}}} is empty for this recipient, so the message will have a gap there.`,
              blocking: false,
            });
          }
        }
      }
      if (found.length < SUMMARY_BLOCK) break;
      after = found[found.length - 1]![0];
    }
    const valid = total - invalid - duplicates - optedOut;
    const missing: Array<{ field: string; rows: number[] }> = [];
    const fallbackUse: Array<{ field: string; fallback: string; rows: number }> = [];
    known.forEach((field, i) => {
      if (fallbackRows[i]! > 0)
        fallbackUse.push({ field, fallback: reader[i]!.fallback, rows: fallbackRows[i]! });
      if (emptyRows[i]!.length > 0) missing.push({ field, rows: emptyRows[i]! });
    });
    const problems = general;
    if (valid === 0) {
      problems.push({
        row: 0,
        code: 'no_recipients',
        message: 'No recipient can be called: every row is invalid, a duplicate or opted out.',
        blocking: true,
      });
    }
    for (const problem of rows) problems.push(problem);
    return {
      ok: !problems.some((p) => p.blocking),
      recipients: { total, valid, invalid, duplicates, optedOut },
      problems,
      mergeFields: { used, missing, ...(fallbackUse.length > 0 ? { fallbacks: fallbackUse } : {}) },
    };
  }

  /** Sendable recipients (valid, not opted out now), in row order, for the send engine. */
  *sendable(campaignId: string, profileId: string | null): Generator<SendableRecipient> {
    const list = this.#requireList(campaignId);
    for (const r of this.#table.sendable(campaignId, profileId)) {
      const cells = JSON.parse(r.fields) as string[];
      const fields: Record<string, string> = {};
      list.keys.forEach((key, index) => {
        if (index !== list.phoneIndex) fields[key] = cells[index] ?? '';
      });
      yield { row: r.row, e164: r.e164, fields };
    }
  }

  /**
   * One row's cells (as stored, JSON) for a test call's merge values: the given 1-based data
   * row, else the first valid one. Throws invalid_input naming the row when there is none.
   */
  rowCells(
    campaignId: string,
    row?: number,
    line?: number,
  ): { row: number; cells: string; e164: string | null; line: number | null } {
    const list = this.#requireList(campaignId);
    const found = this.#table.cells(campaignId, { row, line });
    if (!found) {
      const rows = `it has ${list.rowCount.toLocaleString('en-US')} row${list.rowCount === 1 ? '' : 's'}`;
      throw new AppError(
        'invalid_input',
        line !== undefined
          ? `No recipient is on row ${line} of the spreadsheet (row ${list.headerRow ?? 1} holds the column names; blank rows hold nobody).`
          : row === undefined
            ? 'No row of the recipient list has a valid number, so there are no values to merge. Choose a row.'
            : `There is no row ${row} in the recipient list (${rows}).`,
      );
    }
    return { row: found.row, cells: found.fields, e164: found.e164, line: found.line };
  }

  /** Calling hours for the sendable recipients at `now` (default: the clock), every number checked. */
  quietHours(
    campaignId: string,
    profileId: string | null,
    now: Date = this.#clock(),
    window?: CallingWindow,
  ): QuietHoursReport {
    return callingHoursReport(now, this.zoneGroups(campaignId, profileId), window);
  }

  /**
   * The sendable recipients grouped by the time zones their numbers may be in. Numbers are
   * grouped in SQL by a prefix that decides their place (+1 and the area code; otherwise "+"
   * and six digits, beyond any country code and the leading digits that split a shared code
   * such as +44 or +7 between countries); libphonenumber-js names the country of one number
   * per prefix, so a 100,000-row list costs a few hundred lookups.
   */
  zoneGroups(campaignId: string, profileId: string | null): ZoneGroup[] {
    const groups = new Map<string, ZoneGroup>();
    for (const { zones, n } of this.#prefixZones(campaignId, profileId)) {
      const key = zones.join(' ');
      const group = groups.get(key);
      if (group) group.recipients += n;
      else groups.set(key, { zones, recipients: n });
    }
    return [...groups.values()];
  }

  /**
   * The zone prefixes (zonePrefixSql) of the sendable recipients outside the calling window at
   * `at`, and how many recipients they hold: those a "leave out" send gives no call. `sendable`
   * counts every sendable recipient, from the same query.
   */
  outsideWindow(
    campaignId: string,
    profileId: string | null,
    at: Date,
    window: CallingWindow,
  ): { prefixes: string[]; recipients: number; sendable: number } {
    const prefixes: string[] = [];
    let recipients = 0;
    let sendable = 0;
    for (const { prefix, zones, n } of this.#prefixZones(campaignId, profileId)) {
      sendable += n;
      if (!outsideCallingHours(at, zones, window)) continue;
      prefixes.push(prefix);
      recipients += n;
    }
    return { prefixes, recipients, sendable };
  }

  /**
   * Those outside the window at `at` (as outsideWindow), grouped by the moment their hours next
   * open (nextOpening, within a week), with their row numbers: what a "hold" send moves into
   * follow-up campaigns. A group whose hours do not open within a week has `opensAt` null.
   */
  heldGroups(
    campaignId: string,
    profileId: string | null,
    at: Date,
    window: CallingWindow,
  ): Array<{ opensAt: Date | null; prefixes: string[]; zones: string[]; rows: number[] }> {
    const groups = new Map<
      string,
      { opensAt: Date | null; prefixes: string[]; zones: Set<string> }
    >();
    for (const { prefix, zones, n } of this.#prefixZones(campaignId, profileId)) {
      if (!outsideCallingHours(at, zones, window)) continue;
      const opensAt = nextOpening(at, [{ zones, recipients: n }], window, 7);
      const key = opensAt ? String(opensAt.getTime()) : 'never';
      const group = groups.get(key) ?? { opensAt, prefixes: [], zones: new Set<string>() };
      group.prefixes.push(prefix);
      for (const zone of zones) group.zones.add(zone);
      groups.set(key, group);
    }
    return [...groups.values()]
      .sort((a, b) => (a.opensAt?.getTime() ?? Infinity) - (b.opensAt?.getTime() ?? Infinity))
      .map((g) => ({
        opensAt: g.opensAt,
        prefixes: g.prefixes,
        zones: [...g.zones].sort(),
        rows: this.#table.rowsInZonePrefixes(campaignId, profileId, g.prefixes),
      }));
  }

  #prefixZones(
    campaignId: string,
    profileId: string | null,
  ): Array<{ prefix: string; zones: readonly string[]; n: number }> {
    this.#campaign(campaignId);
    const rows = this.#table.zonePrefixes(campaignId, profileId);
    return rows.map(({ prefix, sample, n }) => ({
      prefix,
      zones: zonesForNumber(sample, countryOf(sample)),
      n,
    }));
  }
}
