import { assertEditable } from '../campaigns/service';
import { AppError } from '../../shared/errors';
import { detectPhoneColumn } from '../../shared/recipients/columns';
import type { RowSelection } from '../../shared/recipients/types';
import { HEADER_SEARCH_ROWS } from '../../shared/recipients/header-row';
import type { SheetPeek } from '../../shared/workspace';
import type { Db } from '../db/open';
import { campaignsTable } from '../db/tables/campaigns';
import { recipientsTable, type RemovalTarget } from '../db/tables/recipients';
import { PhoneValidator } from './phone';
import { readTable, type TextEncoding } from './read-table';
import { cellProblemsJson, type RowCellProblem } from './service';
import type { Clock } from '../clock';

/** Of each of the first rows, the cells and characters the choice of the names' row shows. */
const GLIMPSE_CELLS = 8;
const GLIMPSE_CHARS = 60;

/**
 * What the recipients screen does besides importing: show a file's first rows for the mapping
 * step, correct one number, and remove rows. Row numbers stay those of the file, so a problem
 * reported "row 12" still points at the spreadsheet line a person can find.
 */
export class RecipientEditor {
  readonly #db: Db;
  readonly #clock: () => Date;
  readonly #table: ReturnType<typeof recipientsTable>;

  constructor({ db, clock }: { db: Db; clock: Clock }) {
    this.#db = db;
    this.#table = recipientsTable(db);
    this.#clock = clock;
  }

  /**
   * The header and first rows of a spreadsheet, without importing it. The whole file is read
   * (keeping only `limit` rows) so the mapping step can say which rows have characters the
   * encoding could not read, and that a file of column names only has no one to call. The
   * column names are read from `headerRow` when a person chose it, else from the row the app
   * guesses (a title may sit above them).
   */
  peek(filePath: string, limit = 8, encoding?: TextEncoding, headerRow?: number): SheetPeek {
    let headers: string[] = [];
    const rows: string[][] = [];
    const firstRows: SheetPeek['firstRows'] = [];
    // What a person needs to recognise a row in the choice of the names' row, not all of it.
    const glimpse = (cells: readonly string[], sheetRow: number) => {
      if (sheetRow <= HEADER_SEARCH_ROWS)
        firstRows.push({
          row: sheetRow,
          cells: cells.slice(0, GLIMPSE_CELLS).map((cell) => cell.slice(0, GLIMPSE_CHARS)),
        });
    };
    const table = readTable(
      filePath,
      {
        onAbove: glimpse,
        onHeader: (h, _info, sheetRow) => {
          headers = h;
          glimpse(h, sheetRow);
        },
        onRow: (cells, _row, _problems, sheetRow) => {
          if (rows.length < limit) rows.push(cells.slice(0, Math.max(headers.length, 1)));
          glimpse(cells, sheetRow);
        },
      },
      { ...(encoding ? { encoding } : {}), headerRow: headerRow ?? 'guess' },
    );
    const phoneIndex = detectPhoneColumn(headers);
    return {
      fileName: table.info.fileName,
      format: table.info.format,
      headers,
      rows,
      detectedPhoneColumn: phoneIndex >= 0 ? (headers[phoneIndex] ?? null) : null,
      encoding: table.info.encoding,
      encodingDoubt: table.encodingDoubt,
      totalRows: table.rows,
      headerRow: table.headerRow,
      headerRowGuessed: headerRow === undefined,
      firstRows,
    };
  }

  #editable(campaignId: string): { defaultCountry: string; phoneIndex: number } {
    const campaign = campaignsTable(this.#db).nameAndStatus(campaignId);
    if (!campaign)
      throw new AppError('not_found', 'That campaign no longer exists. It may have been deleted.');
    assertEditable(campaign, 'recipients');
    const list = this.#table.list(campaignId);
    if (!list)
      throw new AppError(
        'not_found',
        'This campaign has no recipients yet. Import a CSV or Excel file first.',
      );
    return { defaultCountry: list.default_country, phoneIndex: list.phone_index };
  }

  /** Corrects one recipient's number; duplicates are worked out again for the whole list. */
  setPhone(
    campaignId: string,
    row: number,
    phone: string,
  ): { row: number; e164: string | null; status: string } {
    const { defaultCountry, phoneIndex } = this.#editable(campaignId);
    const current = this.#table.row(campaignId, row);
    if (!current) throw new AppError('not_found', `There is no row ${row} in the recipient list.`);
    const check = new PhoneValidator(defaultCountry).check(phone);
    if (!check.ok) {
      throw new AppError(
        'invalid_input',
        `"${phone}" is not a phone number the app can call. Type it with its area code, for example (212) 555-0142.`,
      );
    }
    const cells = JSON.parse(current.fields) as string[];
    cells[phoneIndex] = phone.trim();
    // The old number's extension goes with it; the new one's (if any) is reported the same way.
    const otherProblems = current.cell_problems
      ? (JSON.parse(current.cell_problems) as RowCellProblem[]).filter(
          (p) => p.code !== 'phone_extension',
        )
      : undefined;
    const cellProblems = cellProblemsJson(otherProblems, phoneIndex, check.extension);
    this.#db.transaction(() => {
      this.#table.setPhone(campaignId, row, {
        phoneRaw: phone.trim(),
        e164: check.e164,
        lineType: check.lineType,
        fields: JSON.stringify(cells),
        cellProblems,
      });
      this.#recomputeDuplicates(campaignId);
      this.#touch(campaignId);
    })();
    const after = this.#table.row(campaignId, row)!;
    return { row: after.row, e164: after.e164, status: after.status };
  }

  /**
   * Removes rows from the list (not from the file); returns how many went. The rows as they
   * were are kept until the next removal, so the last one can be undone.
   */
  removeRows(campaignId: string, rows: readonly number[]): { removed: number } {
    return this.#remove({ campaignId, filter: 'rows', rows });
  }

  /**
   * Removes the rows a person selected in the table (see RowSelection): the filter's rows within
   * the ranges, worked out here so "select all" never sends 100,000 row numbers. Refused, with
   * nothing removed, when the list no longer holds as many of them as the window counted.
   */
  removeSelection(
    campaignId: string,
    selection: RowSelection,
    profileId: string | null,
  ): { removed: number } {
    return this.#remove(
      { campaignId, filter: selection.filter, ranges: selection.ranges, profileId },
      selection.count,
    );
  }

  /** One transaction: the count check (for a selection), the rows to the undo table, duplicates again. */
  #remove(target: RemovalTarget, expected?: number): { removed: number } {
    const { campaignId } = target;
    this.#editable(campaignId);
    let removed = 0;
    this.#db.transaction(() => {
      if (expected !== undefined) {
        const matching = this.#table.countRemoval(target);
        if (matching !== expected)
          throw new AppError(
            'conflict',
            `The list changed after those rows were selected: ${expected.toLocaleString('en-US')} were selected and ${matching.toLocaleString('en-US')} match now. Nothing was removed; check the list and select again.`,
          );
      }
      removed = this.#table.removeToUndo(target);
      if (removed > 0) {
        this.#recomputeDuplicates(campaignId);
        this.#touch(campaignId);
      }
    })();
    if (removed > 0) this.#lastRemoval.set(campaignId, this.#importedAt(campaignId));
    return { removed };
  }

  /**
   * Puts back the rows of the last removal; refused once the list has been replaced since.
   * `rows` names the first 1,000 of them, for the message.
   */
  undoRemove(campaignId: string): { restored: number; rows: number[] } {
    this.#editable(campaignId);
    if (!this.#lastRemoval.has(campaignId))
      throw new AppError('not_found', 'There is no removal to undo.');
    const importedAt = this.#lastRemoval.get(campaignId);
    this.#lastRemoval.delete(campaignId);
    if (importedAt !== this.#importedAt(campaignId)) {
      this.#table.forgetUndo(campaignId);
      throw new AppError(
        'conflict',
        'The list was replaced after those rows were removed, so they cannot be put back.',
      );
    }
    let result = { restored: 0, rows: [] as number[] };
    this.#db.transaction(() => {
      result = this.#table.restoreFromUndo(campaignId);
      this.#recomputeDuplicates(campaignId);
      this.#touch(campaignId);
    })();
    return result;
  }

  /** A new list was imported: the last removal belongs to the old one. */
  forgetRemoval(campaignId: string): void {
    this.#lastRemoval.delete(campaignId);
    this.#table.forgetUndo(campaignId);
  }

  /** Campaign → the import its last removal was taken from (a removal from an older list is not undone). */
  readonly #lastRemoval = new Map<string, string | null>();

  #importedAt(campaignId: string): string | null {
    return this.#table.list(campaignId)?.imported_at ?? null;
  }

  /** The first row with a number is the one called; later rows with the same number are duplicates of it. */
  #recomputeDuplicates(campaignId: string): void {
    const first = new Map<string, number>();
    for (const r of this.#table.numbered(campaignId)) {
      const original = first.get(r.e164);
      if (original === undefined) {
        first.set(r.e164, r.row);
        if (r.status !== 'valid') this.#table.markValid(campaignId, r.row);
      } else if (r.status !== 'duplicate' || r.duplicate_of !== original) {
        this.#table.markDuplicate(campaignId, r.row, original);
      }
    }
  }

  #touch(campaignId: string): void {
    campaignsTable(this.#db).touch(campaignId, this.#clock().toISOString());
  }
}
