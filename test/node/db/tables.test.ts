import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../../electron/db/open';
import { campaignsTable } from '../../../electron/db/tables/campaigns';
import { Prepared } from '../../../electron/db/tables/statements';
import { useTempDir } from '../../helpers/temp';

const tempDir = useTempDir();

describe('table modules prepare each statement once per database handle', () => {
  it('one module instance per handle, and a statement is prepared on first use only', () => {
    const dir = tempDir();
    const a = openDatabase(join(dir, 'a.sqlite'));
    const b = openDatabase(join(dir, 'b.sqlite'));
    try {
      expect(campaignsTable(a)).toBe(campaignsTable(a));
      expect(campaignsTable(a)).not.toBe(campaignsTable(b));
      const prepare = vi.spyOn(a, 'prepare');
      const table = campaignsTable(a);
      table.insert('c1', 'First', '2026-01-01T00:00:00.000Z');
      table.insert('c2', 'Second', '2026-01-01T00:00:00.000Z');
      table.rename('c1', 'Renamed', '2026-01-02T00:00:00.000Z');
      table.rename('c2', 'Renamed too', '2026-01-02T00:00:00.000Z');
      expect(table.nameAndStatus('c1')).toEqual({ name: 'Renamed', status: 'draft' });
      expect(table.nameAndStatus('c2')).toEqual({ name: 'Renamed too', status: 'draft' });
      // insert, rename and nameAndStatus: one statement each, whatever the number of calls.
      expect(prepare).toHaveBeenCalledTimes(3);
      prepare.mockRestore();
    } finally {
      a.close();
      b.close();
    }
  });

  it('an iteration that overlaps another over the same statement gets its own', () => {
    const db = openDatabase(join(tempDir(), 'db.sqlite'));
    try {
      const statements = new Prepared(db);
      const sql = "SELECT value FROM json_each('[1,2,3]') ORDER BY value";
      const outer = statements.iterate(sql, 'pluck').iterate() as IterableIterator<number>;
      const seen: Array<[number, number[]]> = [];
      for (const x of outer) {
        seen.push([x, [...(statements.iterate(sql, 'pluck').iterate() as Iterable<number>)]]);
      }
      expect(seen).toEqual([
        [1, [1, 2, 3]],
        [2, [1, 2, 3]],
        [3, [1, 2, 3]],
      ]);
      // Once the outer iteration is over, the kept statement serves again.
      expect(statements.iterate(sql, 'pluck')).toBe(statements.get(sql, 'pluck'));
    } finally {
      db.close();
    }
  });
});
