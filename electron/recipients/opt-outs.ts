import { AppError } from '../../shared/errors';
import { detectPhoneColumn, findColumn } from '../../shared/recipients/columns';
import type { OptOutChange, OptOutList } from '../../shared/recipients/types';
import type { Db } from '../db/open';
import type { Logger } from '../logging/logger';
import { PhoneValidator, describePhoneProblem } from './phone';
import { readTable } from './read-table';

export type { OptOutChange, OptOutList };

const MAX_REJECTED = 1000;

/**
 * The local do-not-call list of one API profile. Numbers are stored in E.164, so "(212) 555-0100"
 * and "+12125550100" are the same entry; campaigns check against it when they are validated and
 * again at send time.
 */
export class OptOutService {
  readonly #db: Db;
  readonly #log: Logger | undefined;
  readonly #clock: () => Date;

  constructor({ db, log, clock = () => new Date() }: { db: Db; log?: Logger; clock?: () => Date }) {
    this.#db = db;
    this.#log = log;
    this.#clock = clock;
  }

  #apply(
    profileId: string,
    values: Iterable<{ value: string; row?: number }>,
    defaultCountry: string,
    mode: 'add' | 'remove',
    source: string,
  ): OptOutChange {
    if (!profileId)
      throw new AppError('invalid_input', 'Choose an API profile for the opt-out list.');
    const validator = new PhoneValidator(defaultCountry);
    const now = this.#clock().toISOString();
    const statement =
      mode === 'add'
        ? this.#db.prepare(
            'INSERT OR IGNORE INTO opt_outs (profile_id, e164, source, added_at) VALUES (?, ?, ?, ?)',
          )
        : this.#db.prepare('DELETE FROM opt_outs WHERE profile_id = ? AND e164 = ?');
    const result: OptOutChange = { changed: 0, unchanged: 0, rejected: [] };
    for (const { value, row } of values) {
      const check = validator.check(value);
      if (!check.ok) {
        if (check.code === 'empty_phone' && row !== undefined) continue;
        if (result.rejected.length < MAX_REJECTED) {
          const message = describePhoneProblem(check.code, value, defaultCountry);
          result.rejected.push(row === undefined ? { value, message } : { value, row, message });
        }
        continue;
      }
      const info =
        mode === 'add'
          ? statement.run(profileId, check.e164, source, now)
          : statement.run(profileId, check.e164);
      if (info.changes > 0) result.changed++;
      else result.unchanged++;
    }
    return result;
  }

  add(profileId: string, numbers: readonly string[], defaultCountry = 'US'): OptOutChange {
    return this.#db.transaction(() =>
      this.#apply(
        profileId,
        numbers.map((value) => ({ value })),
        defaultCountry,
        'add',
        'manual',
      ),
    )();
  }

  remove(profileId: string, numbers: readonly string[], defaultCountry = 'US'): OptOutChange {
    return this.#db.transaction(() =>
      this.#apply(
        profileId,
        numbers.map((value) => ({ value })),
        defaultCountry,
        'remove',
        'manual',
      ),
    )();
  }

  /**
   * Adds every number in a CSV or Excel file. The phone column is found from the header (or
   * named); a file with a single column and no header is read as a plain list of numbers.
   */
  importFile(
    profileId: string,
    filePath: string,
    options: { phoneColumn?: string; defaultCountry?: string } = {},
  ): OptOutChange & { fileName: string } {
    const defaultCountry = options.defaultCountry ?? 'US';
    const values: Array<{ value: string; row?: number }> = [];
    let column = 0;
    const probe = new PhoneValidator(defaultCountry);
    let fileName = '';
    const run = this.#db.transaction(() => {
      const table = readTable(filePath, {
        onHeader: (headers, info) => {
          fileName = info.fileName;
          column = options.phoneColumn
            ? findColumn(headers, options.phoneColumn)
            : detectPhoneColumn(headers);
          if (column >= 0) return;
          // No phone header: a single column of numbers whose first line is itself a number.
          if (headers.length === 1 && probe.check(headers[0] ?? '').ok) {
            column = 0;
            values.push({ value: headers[0]!, row: 0 });
            return;
          }
          throw new AppError(
            'invalid_input',
            `${info.fileName}: no phone number column was found. The columns are: ${headers.map((h) => `"${h}"`).join(', ')}.`,
          );
        },
        onRow: (cells, row) => {
          values.push({ value: cells[column] ?? '', row });
          // Flush in slices so a large list is not held twice.
          if (values.length >= 10_000) flush();
        },
      });
      flush();
      fileName = table.info.fileName;
    });
    const total: OptOutChange = { changed: 0, unchanged: 0, rejected: [] };
    const flush = () => {
      const part = this.#apply(
        profileId,
        values.splice(0),
        defaultCountry,
        'add',
        `file:${fileName}`,
      );
      total.changed += part.changed;
      total.unchanged += part.unchanged;
      for (const r of part.rejected)
        if (total.rejected.length < MAX_REJECTED) total.rejected.push(r);
    };
    run();
    this.#log?.info('opt-outs imported', { profileId, fileName, added: total.changed });
    return { ...total, fileName };
  }

  list(
    profileId: string,
    options: { offset?: number; limit?: number; search?: string } = {},
  ): OptOutList {
    const search = options.search?.replace(/[^\d+]/g, '') ?? '';
    const like = `%${search}%`;
    const total = (
      this.#db
        .prepare('SELECT count(*) AS n FROM opt_outs WHERE profile_id = ? AND e164 LIKE ?')
        .get(profileId, like) as { n: number }
    ).n;
    const entries = (
      this.#db
        .prepare(
          'SELECT e164, source, added_at FROM opt_outs WHERE profile_id = ? AND e164 LIKE ? ORDER BY added_at DESC, e164 LIMIT ? OFFSET ?',
        )
        .all(
          profileId,
          like,
          Math.min(1000, options.limit ?? 100),
          Math.max(0, options.offset ?? 0),
        ) as Array<{
        e164: string;
        source: string;
        added_at: string;
      }>
    ).map((r) => ({ e164: r.e164, source: r.source, addedAt: r.added_at }));
    return { total, entries };
  }

  /** Whether a number (any format) is on the profile's list right now. */
  isOptedOut(profileId: string, number: string, defaultCountry = 'US'): boolean {
    const check = new PhoneValidator(defaultCountry).check(number);
    if (!check.ok) return false;
    return (
      this.#db
        .prepare('SELECT 1 FROM opt_outs WHERE profile_id = ? AND e164 = ?')
        .get(profileId, check.e164) !== undefined
    );
  }
}
