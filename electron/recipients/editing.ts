import { assertEditable } from '../campaigns/service';
import { AppError } from '../../shared/errors';
import { detectPhoneColumn } from '../../shared/recipients/columns';
import type { SheetPeek } from '../../shared/workspace';
import type { Db } from '../db/open';
import { campaignsTable } from '../db/tables/campaigns';
import { recipientsTable } from '../db/tables/recipients';
import { PhoneValidator } from './phone';
import { readTable, type TextEncoding } from './read-table';
import { cellProblemsJson, type RowCellProblem } from './service';

/**
 * What the recipients screen does besides importing: show a file's first rows for the mapping
 * step, correct one number, and remove rows. Row numbers stay those of the file, so a problem
 * reported "row 12" still points at the spreadsheet line a person can find.
 */
export class RecipientEditor {
  readonly #db: Db;
  readonly #clock: () => Date;
  readonly #table: ReturnType<typeof recipientsTable>;

  constructor({ db, clock = () => new Date() }: { db: Db; clock?: () => Date }) {
    this.#db = db;
    this.#table = recipientsTable(db);
    this.#clock = clock;
  }

  /**
   * The header and first rows of a spreadsheet, without importing it. The whole file is read
   * (keeping only `limit` rows) so the mapping step can say which rows have characters the
   * encoding could not read, and that a file of column names only has no one to call.
   */
  peek(filePath: string, limit = 8, encoding?: TextEncoding): SheetPeek {
    let headers: string[] = [];
    const rows: string[][] = [];
    const table = readTable(
      filePath,
      {
        onHeader: (h) => {
          headers = h;
        },
        onRow: (cells) => {
          if (rows.length < limit) rows.push(cells.slice(0, Math.max(headers.length, 1)));
        },
      },
      encoding ? { encoding } : {},
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
   * were are kept in memory until the next removal, so the last one can be undone.
   */
  removeRows(campaignId: string, rows: readonly number[]): { removed: number } {
    this.#editable(campaignId);
    let removed = 0;
    const kept: Array<Record<string, unknown>> = [];
    this.#db.transaction(() => {
      for (const row of new Set(rows)) {
        const before = this.#table.wholeRow(campaignId, row);
        if (!before) continue;
        if (this.#table.deleteRow(campaignId, row)) removed++;
        kept.push(before);
      }
      if (removed > 0) {
        this.#recomputeDuplicates(campaignId);
        this.#touch(campaignId);
      }
    })();
    if (removed > 0)
      this.#lastRemoval.set(campaignId, { importedAt: this.#importedAt(campaignId), rows: kept });
    return { removed };
  }

  /** Puts back the rows of the last removal; refused once the list has been replaced since. */
  undoRemove(campaignId: string): { restored: number; rows: number[] } {
    this.#editable(campaignId);
    const last = this.#lastRemoval.get(campaignId);
    if (!last) throw new AppError('not_found', 'There is no removal to undo.');
    this.#lastRemoval.delete(campaignId);
    if (last.importedAt !== this.#importedAt(campaignId)) {
      throw new AppError(
        'conflict',
        'The list was replaced after those rows were removed, so they cannot be put back.',
      );
    }
    let restored = 0;
    this.#db.transaction(() => {
      for (const row of last.rows) if (this.#table.restoreRow(row)) restored++;
      this.#recomputeDuplicates(campaignId);
      this.#touch(campaignId);
    })();
    return { restored, rows: last.rows.map((r) => r.row as number) };
  }

  /** A new list was imported: the last removal belongs to the old one. */
  forgetRemoval(campaignId: string): void {
    this.#lastRemoval.delete(campaignId);
  }

  readonly #lastRemoval = new Map<
    string,
    { importedAt: string | null; rows: Array<Record<string, unknown>> }
  >();

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
