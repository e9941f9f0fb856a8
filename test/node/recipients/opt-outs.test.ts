import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { migrate } from '../../../electron/db/migrate';
import { migrations } from '../../../electron/db/migrations/index';
import { openDatabase } from '../../../electron/db/open';
import { OptOutService, type Who } from '../../../electron/recipients/opt-outs';
import { PhoneValidator } from '../../../electron/recipients/phone';
import { parseSharedText } from '../../../electron/recipients/shared-dnc-file';
import { useTempDir } from '../../helpers/temp';

const tempDir = useTempDir();
const ALICE: Who = { user: 'alice', computer: 'FRONT-DESK' };

function setup(options: { dir?: string; sharedFile?: string; who?: Who; clock?: () => Date } = {}) {
  const dir = options.dir ?? tempDir();
  const db = openDatabase(join(dir, 'db.sqlite'));
  const optOuts = new OptOutService({
    db,
    clock: options.clock ?? (() => new Date('2026-07-01T12:00:00Z')),
    who: options.who ?? ALICE,
    sharedFile: options.sharedFile,
  });
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  return { dir, db, optOuts, file };
}

describe('OptOutService: one list for the data folder', () => {
  it('adds and removes numbers in any format as one E.164 entry, for every profile', async () => {
    const { optOuts } = setup();
    expect(optOuts.add(['(212) 736-5000', '+1 212 736 5000', '07911 123456'])).toMatchObject({
      changed: 1,
      unchanged: 1,
      rejected: [{ value: '07911 123456' }],
    });
    expect(optOuts.add(['07911 123456'], { defaultCountry: 'GB' }).changed).toBe(1);
    expect(optOuts.isOptedOut('212.736.5000', 'p1')).toBe(true);
    expect(optOuts.isOptedOut('212.736.5000', 'p2')).toBe(true);
    expect(optOuts.isOptedOut('212.736.5000', null)).toBe(true);
    expect(optOuts.list()).toMatchObject({ total: 2, shared: null });
    expect(optOuts.list({ search: '7911' }).entries.map((e) => e.e164)).toEqual(['+447911123456']);
    expect(await optOuts.remove(['2127365000', '3125550142'])).toMatchObject({
      changed: 1,
      unchanged: 1,
    });
    expect(optOuts.isOptedOut('+12127365000')).toBe(false);
  });

  it('reads each number once, with a validator kept between calls', () => {
    const { optOuts } = setup();
    const check = vi.spyOn(PhoneValidator.prototype, 'check');
    try {
      expect(optOuts.add(['2127365000', '3125550142'], { all: true }).changed).toBe(2);
      // One check per number: `all` decides with the same reading that adds them.
      expect(check).toHaveBeenCalledTimes(2);
      expect(optOuts.add(['2127365000', 'not a number'], { all: true })).toMatchObject({
        changed: 0,
        rejected: [{ value: 'not a number' }],
      });
      expect(optOuts.isOptedOut('+13125550142')).toBe(true);
      expect(optOuts.isOptedOut('+13125550142')).toBe(true);
      // Every call went to the same validator (its cache stays warm).
      expect(new Set(check.mock.contexts).size).toBe(1);
    } finally {
      check.mockRestore();
    }
  });

  it('records who added a number, on which computer, when and how', () => {
    const { optOuts, file } = setup();
    optOuts.add(['2127365000']);
    optOuts.importFile(file('dnc.csv', 'Phone\n3125550142\n'));
    expect(optOuts.list().entries).toEqual([
      {
        e164: '+12127365000',
        source: 'typed',
        addedAt: '2026-07-01T12:00:00.000Z',
        detail: null,
        addedBy: 'alice',
        addedOn: 'FRONT-DESK',
        profileId: null,
      },
      {
        e164: '+13125550142',
        source: 'imported',
        addedAt: '2026-07-01T12:00:00.000Z',
        detail: 'dnc.csv',
        addedBy: 'alice',
        addedOn: 'FRONT-DESK',
        profileId: null,
      },
    ]);
  });

  it('keeps a profile’s own additions apart: they hold for that profile only', async () => {
    const { optOuts } = setup();
    optOuts.add(['2127365000'], { profileId: 'p1' });
    expect(optOuts.isOptedOut('2127365000', 'p1')).toBe(true);
    expect(optOuts.isOptedOut('2127365000', 'p2')).toBe(false);
    expect(optOuts.isOptedOut('2127365000', null)).toBe(false);
    expect(optOuts.list().total).toBe(0);
    expect(optOuts.list({ profileId: 'p1' }).entries).toMatchObject([
      { e164: '+12127365000', profileId: 'p1' },
    ]);
    expect([...optOuts.everyone()]).toEqual([]);
    // Removing it for everyone does not touch the profile's addition.
    expect(await optOuts.remove(['2127365000'])).toMatchObject({ changed: 0 });
    expect(await optOuts.remove(['2127365000'], { profileId: 'p1' })).toMatchObject({ changed: 1 });
    expect(optOuts.isOptedOut('2127365000', 'p1')).toBe(false);
  });

  it('adds nothing when asked for all-or-nothing and a value is not a number', () => {
    const { optOuts } = setup();
    expect(optOuts.add(['2127365000', 'nope'], { all: true })).toMatchObject({
      changed: 0,
      rejected: [{ value: 'nope' }],
    });
    expect(optOuts.list().total).toBe(0);
  });

  it('imports a file with a phone header, or a bare column of numbers, counting what is not a number', () => {
    const { optOuts, file } = setup();
    const withHeader = optOuts.importFile(
      file('dnc.csv', 'Name;Cell\nAnn;212-736-5000\nBob;bad\n;\nCy;312 555 0142\n'),
    );
    expect(withHeader).toMatchObject({
      fileName: 'dnc.csv',
      changed: 2,
      invalid: 1,
      // Named by the file's line (the header is line 1), as the CLI prints it.
      rejected: [{ value: 'bad', row: 3 }],
    });
    const bare = optOuts.importFile(file('bare.csv', '4155550123\n2127365000\n'));
    expect(bare).toMatchObject({ changed: 1, unchanged: 1, invalid: 0 });
    expect(optOuts.list().entries.find((e) => e.e164 === '+14155550123')).toMatchObject({
      source: 'imported',
      detail: 'bare.csv',
    });
  });

  it('refuses a file without a phone column and keeps the list as it was', () => {
    const { optOuts, file } = setup();
    optOuts.add(['2127365000']);
    expect(() => optOuts.importFile(file('names.csv', 'Name,Email\nAnn,a@b.c\n'))).toThrow(
      /^names\.csv: no phone number column was found/,
    );
    expect(() =>
      optOuts.importFile(file('broken.csv', 'Phone\n3125550142\n"4155550123\n')),
    ).toThrow(/broken\.csv/);
    expect(optOuts.list().entries.map((e) => e.e164)).toEqual(['+12127365000']);
  });

  it('exports every number with where it came from, and every removal, through the one CSV writer', async () => {
    const { optOuts } = setup();
    optOuts.add(['2127365000', '=1+2']);
    optOuts.add(['3125550142'], { profileId: 'p1' });
    optOuts.add(['4155550123']);
    await optOuts.remove(['4155550123']);
    const lines = [...optOuts.csv((id) => (id === 'p1' ? 'Sandbox' : id))];
    expect(lines[0]).toBe(
      'Number,Applies to,Source,Details,Added by,Computer,Added at,Written to the office file at,Removed by,Removed on computer,Removed at\r\n',
    );
    expect(lines.slice(1)).toEqual([
      '+12127365000,Every profile,Typed in,,alice,FRONT-DESK,2026-07-01T12:00:00.000Z,,,,\r\n',
      '+13125550142,"Only ""Sandbox""",Typed in,,alice,FRONT-DESK,2026-07-01T12:00:00.000Z,,,,\r\n',
      '+14155550123,Every profile,Typed in,Removed from the list,,,2026-07-01T12:00:00.000Z,,alice,FRONT-DESK,2026-07-01T12:00:00.000Z\r\n',
    ]);
  });
});

describe('migration 0010: the per-profile lists become one', () => {
  it('keeps every number, with the earliest date and its source, and notes the profile', () => {
    const file = join(tempDir(), 'db.sqlite');
    const raw = new Database(file);
    migrate(raw, migrations.slice(0, 9));
    raw
      .prepare(
        "INSERT INTO profiles (id, name, api_url, token_key, created_at, updated_at) VALUES ('live', 'Live', 'u', 'k', 'x', 'x'), ('sbx', 'Sandbox', 'u', 'k', 'x', 'x')",
      )
      .run();
    const add = raw.prepare(
      'INSERT INTO opt_outs (profile_id, e164, source, added_at) VALUES (?, ?, ?, ?)',
    );
    add.run('sbx', '+12127365000', 'manual', '2026-05-01T00:00:00.000Z');
    add.run('live', '+12127365000', 'file:later.csv', '2026-06-01T00:00:00.000Z');
    add.run('live', '+13125550142', 'file:dnc.xlsx', '2026-05-02T00:00:00.000Z');
    add.run('gone', '+14155550123', 'manual', '2026-05-03T00:00:00.000Z');
    raw.close();

    const db = openDatabase(file);
    expect(
      db
        .prepare(
          'SELECT e164, profile_id, source, detail, added_by, added_on, added_at FROM do_not_call ORDER BY e164',
        )
        .all(),
    ).toEqual([
      {
        e164: '+12127365000',
        profile_id: '',
        source: 'typed',
        detail: 'on the list of profile "Sandbox" before the lists were merged',
        added_by: null,
        added_on: null,
        added_at: '2026-05-01T00:00:00.000Z',
      },
      {
        e164: '+13125550142',
        profile_id: '',
        source: 'imported',
        detail: 'dnc.xlsx; on the list of profile "Live" before the lists were merged',
        added_by: null,
        added_on: null,
        added_at: '2026-05-02T00:00:00.000Z',
      },
      {
        e164: '+14155550123',
        profile_id: '',
        source: 'typed',
        detail: 'on the list of profile "gone" before the lists were merged',
        added_by: null,
        added_on: null,
        added_at: '2026-05-03T00:00:00.000Z',
      },
    ]);
    // The sandbox's number now holds for the live profile, and for a CLI run with no profile.
    const optOuts = new OptOutService({ db });
    expect(optOuts.isOptedOut('+12127365000', 'live')).toBe(true);
    expect(optOuts.isOptedOut('+14155550123', null)).toBe(true);
    db.close();
  });
});

describe('the office’s shared file, within one process', () => {
  it('parses the log: last line wins, hand-written numbers, bad lines counted', () => {
    const text = [
      'Number,Action,Source,Detail,Added_by,Computer,Added_at',
      '+12127365000,add,typed,,alice,A,2026-07-01T00:00:00Z',
      '(312) 555-0142',
      'not a number,add',
      '+12127365000,remove,typed,,bob,B,2026-07-02T00:00:00Z',
      '3125550142,remove',
      '3125550142,add,imported,list.xlsx,carol,C,2026-07-03T00:00:00Z',
      '+14155550123,delete',
      '',
    ].join('\n');
    const read = parseSharedText(text, 'dnc.csv', 'US');
    expect([...read.entries.keys()]).toEqual(['+13125550142']);
    expect(read.entries.get('+13125550142')).toMatchObject({
      source: 'imported',
      detail: 'list.xlsx',
      addedBy: 'carol',
      line: 7,
    });
    expect([...read.removed.keys()]).toEqual(['+12127365000']);
    expect(read.skipped).toBe(2);
    expect(read.problems[0]).toMatch(/^dnc\.csv line 4: /);
    expect(read.problems[1]).toMatch(/^dnc\.csv line 8: the action is "delete"/);
    expect(() => parseSharedText('Name,Email\nx,y\n', 'dnc.csv', 'US')).toThrow(
      /one called "number"/,
    );
  });

  it('two data folders share numbers both ways, and a removal on one reaches the other', async () => {
    const shared = join(tempDir(), 'office dnc.csv');
    const a = setup({ sharedFile: shared });
    const b = setup({ sharedFile: shared, who: { user: 'bob', computer: 'OFFICE-2' } });
    a.optOuts.add(['2127365000']);
    expect(await a.optOuts.refresh()).toEqual({ configured: true, read: true, error: null });
    expect(readFileSync(shared, 'utf8')).toBe(
      'number,action,source,detail,added_by,computer,added_at\r\n+12127365000,add,typed,,alice,FRONT-DESK,2026-07-01T12:00:00.000Z\r\n',
    );
    expect(a.optOuts.sharedStatus()).toMatchObject({
      path: shared,
      pending: 0,
      numbers: 1,
      error: null,
      maxAgeDays: 7,
    });

    b.optOuts.add(['3125550142']);
    await b.optOuts.refresh();
    expect(b.optOuts.isOptedOut('2127365000')).toBe(true);
    expect(b.optOuts.list().entries.find((e) => e.e164 === '+12127365000')).toMatchObject({
      source: 'shared-file',
      addedBy: 'alice',
      addedOn: 'FRONT-DESK',
    });
    await a.optOuts.refresh();
    expect(a.optOuts.isOptedOut('3125550142')).toBe(true);

    // Bob takes Alice's number off the office's list: it is gone on Alice's computer too.
    expect(await b.optOuts.remove(['212-736-5000'])).toMatchObject({ changed: 1 });
    expect(b.optOuts.isOptedOut('2127365000')).toBe(false);
    await a.optOuts.refresh();
    expect(a.optOuts.isOptedOut('2127365000')).toBe(false);
    expect([...a.optOuts.csv()].at(-1)).toContain(',bob,OFFICE-2,');
    // Added again later, it counts again everywhere.
    a.optOuts.add(['2127365000']);
    await a.optOuts.refresh();
    await b.optOuts.refresh();
    expect(b.optOuts.isOptedOut('2127365000')).toBe(true);
  });

  it('skips a last line still being written, and never glues a new line to it', async () => {
    const shared = join(tempDir(), 'dnc.csv');
    writeFileSync(shared, 'number\n2127365000\n31255');
    const { optOuts } = setup({ sharedFile: shared, clock: () => new Date() });
    await optOuts.refresh();
    expect(optOuts.sharedStatus()).toMatchObject({ numbers: 1, skipped: 0 });
    optOuts.add(['4155550123']);
    await optOuts.refresh();
    const lines = readFileSync(shared, 'utf8').split(/\r?\n/);
    expect(lines.slice(0, 3)).toEqual(['number', '2127365000', '31255']);
    expect(lines[3]).toMatch(/^\+14155550123,add,typed,,alice,FRONT-DESK,/);
    // Once complete, the cut line is read like any other: not a number, so counted and skipped.
    await optOuts.refresh();
    expect(optOuts.sharedStatus()).toMatchObject({ numbers: 2, skipped: 1, pending: 0 });
  });

  it('keeps working from its last copy when the file goes away, and never mistakes that for an empty list', async () => {
    const dir = tempDir();
    const shared = join(dir, 'dnc.csv');
    writeFileSync(shared, 'number\n2127365000\n');
    let now = new Date('2026-07-01T12:00:00Z');
    const { optOuts } = setup({ sharedFile: shared, clock: () => now });
    expect(await optOuts.beforeSend()).toBeNull();
    writeFileSync(shared, 'number\n'); // the office emptied it: that is the office's list now
    await optOuts.refresh();
    expect(optOuts.isOptedOut('2127365000')).toBe(false);
    writeFileSync(shared, 'number\n2127365000\n');
    await optOuts.refresh();
    // The folder disconnects: the copy read stays in use, with its age said.
    rmSync(shared);
    now = new Date('2026-07-01T15:00:00Z');
    const warning = await optOuts.beforeSend();
    expect(warning).toEqual({
      blocking: false,
      message: expect.stringContaining('The last copy read here is 3 hours old'),
    });
    expect(warning!.message).toContain('was not found');
    expect(optOuts.isOptedOut('2127365000')).toBe(true);
    now = new Date('2026-07-09T12:00:00Z');
    const refusal = await optOuts.beforeSend();
    expect(refusal).toEqual({ blocking: true, message: expect.stringContaining('is 8 days old') });
    expect(refusal!.message).toContain('older than the 7-day limit, so nothing was sent');
    optOuts.setMaxAgeDays(10);
    expect((await optOuts.beforeSend())?.blocking).toBe(false);
  });

  it('refuses a removal it cannot write to the office’s file, and removes nothing', async () => {
    const dir = tempDir();
    const shared = join(dir, 'missing folder', 'dnc.csv');
    const { optOuts } = setup({ sharedFile: shared });
    optOuts.add(['2127365000']);
    expect(await optOuts.refresh()).toMatchObject({ configured: true, read: false });
    await expect(optOuts.remove(['2127365000'])).rejects.toThrow(
      /^Nothing was removed: the office's do-not-call file cannot be written/,
    );
    expect(optOuts.isOptedOut('2127365000')).toBe(true);
    expect(optOuts.sharedStatus()).toMatchObject({ pending: 1, readAt: null });
  });

  it('keeps the numbers of a file it stops reading', async () => {
    const shared = join(tempDir(), 'dnc.csv');
    writeFileSync(shared, 'number\n2127365000\n');
    const { db } = setup();
    const optOuts = new OptOutService({ db, who: ALICE });
    await optOuts.useSharedFile(shared);
    expect(optOuts.isOptedOut('2127365000')).toBe(true);
    expect(await optOuts.useSharedFile(null)).toBeNull();
    expect(optOuts.list().entries).toMatchObject([
      { e164: '+12127365000', source: 'shared-file', detail: `kept from ${shared}` },
    ]);
  });
});
