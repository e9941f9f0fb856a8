import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/db/open';
import { OptOutService } from '../../../electron/recipients/opt-outs';
import { useTempDir } from '../../helpers/temp';

const tempDir = useTempDir();

function setup() {
  const dir = tempDir();
  const db = openDatabase(join(dir, 'db.sqlite'));
  const optOuts = new OptOutService({ db, clock: () => new Date('2026-07-01T12:00:00Z') });
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  return { db, optOuts, file };
}

describe('OptOutService', () => {
  it('adds and removes numbers in any format as one E.164 entry per profile', () => {
    const { optOuts } = setup();
    expect(optOuts.add('p1', ['(212) 736-5000', '+1 212 736 5000', '07911 123456'])).toMatchObject({
      changed: 1,
      unchanged: 1,
      rejected: [{ value: '07911 123456' }],
    });
    expect(optOuts.add('p1', ['07911 123456'], 'GB').changed).toBe(1);
    expect(optOuts.isOptedOut('p1', '212.736.5000')).toBe(true);
    expect(optOuts.isOptedOut('p2', '212.736.5000')).toBe(false);
    expect(optOuts.list('p1')).toMatchObject({ total: 2 });
    expect(optOuts.list('p1', { search: '7911' }).entries.map((e) => e.e164)).toEqual(['+447911123456']);
    expect(optOuts.remove('p1', ['2127365000', '3125550142'])).toMatchObject({ changed: 1, unchanged: 1 });
    expect(optOuts.isOptedOut('p1', '+12127365000')).toBe(false);
  });

  it('imports a file with a phone header, or a bare column of numbers', () => {
    const { optOuts, file } = setup();
    const withHeader = optOuts.importFile('p1', file('dnc.csv', 'Name;Cell\nAnn;212-736-5000\nBob;bad\n;\nCy;312 555 0142\n'));
    expect(withHeader).toMatchObject({ fileName: 'dnc.csv', changed: 2, rejected: [{ value: 'bad', row: 2 }] });
    const bare = optOuts.importFile('p1', file('bare.csv', '4155550123\n2127365000\n'));
    expect(bare).toMatchObject({ changed: 1, unchanged: 1 });
    expect(optOuts.list('p1').entries.find((e) => e.e164 === '+14155550123')).toMatchObject({ source: 'file:bare.csv' });
  });

  it('refuses a file without a phone column and keeps the list as it was', () => {
    const { optOuts, file } = setup();
    optOuts.add('p1', ['2127365000']);
    expect(() => optOuts.importFile('p1', file('names.csv', 'Name,Email\nAnn,a@b.c\n'))).toThrow(
      /^names\.csv: no phone number column was found/,
    );
    expect(() => optOuts.importFile('p1', file('broken.csv', 'Phone\n3125550142\n"4155550123\n'))).toThrow(/broken\.csv/);
    expect(optOuts.list('p1').entries.map((e) => e.e164)).toEqual(['+12127365000']);
  });
});
