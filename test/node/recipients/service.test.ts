import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CampaignService } from '../../../electron/campaigns/service';
import { openDatabase } from '../../../electron/db/open';
import { OptOutService } from '../../../electron/recipients/opt-outs';
import { RecipientService } from '../../../electron/recipients/service';
import { AppError } from '../../../shared/errors';
import { useTempDir } from '../../helpers/temp';
import { writeXlsx } from './fixtures';

const tempDir = useTempDir();

function setup() {
  const dir = tempDir();
  const db = openDatabase(join(dir, 'db.sqlite'));
  const clock = () => new Date('2026-07-01T17:00:00Z');
  const recipients = new RecipientService({ db, clock });
  const campaigns = new CampaignService({ db, clock, duplicateHooks: [recipients.duplicateHook] });
  const optOuts = new OptOutService({ db, clock });
  const campaign = campaigns.create('Weekly specials');
  const file = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  return { db, dir, campaigns, recipients, optOuts, campaign, file };
}

const LIST = [
  'Phone,First Name,Last Name,City',
  '(212) 736-5000,Ann,Smith,New York', // row 1
  '',
  'n/a,Bob,Jones,Boston', // row 2
  '212.736.5000,Ann,Again,New York', // row 3: repeats row 1
  '2.12736E+09,Cy,Lee,Chicago', // row 4
  ',Dee,Ray,Denver', // row 5
  '+1 312 555 0142,,Okafor,Chicago', // row 6: first name empty
  '+44 7911 123456,Élodie,Martin,London', // row 7
  '',
].join('\r\n');

describe('RecipientService import', () => {
  it('turns a spreadsheet into an E.164 list with every problem named by row', () => {
    const { recipients, campaigns, campaign, file } = setup();
    const result = recipients.import({ campaignId: campaign.id, filePath: file('list.csv', LIST) });
    expect(result).toMatchObject({
      fileName: 'list.csv',
      phoneColumn: 'Phone',
      mergeFields: ['first-name', 'last-name', 'city'],
      defaultCountry: 'US',
      counts: { total: 7, valid: 3, invalid: 3, duplicates: 1 },
    });
    expect(campaigns.get(campaign.id).recipientCount).toBe(7);

    const summary = recipients.summary(campaign.id, {
      texts: ['Hello {{first-name}} in {{ city }}'],
    });
    expect(summary.recipients).toEqual({
      total: 7,
      valid: 3,
      invalid: 3,
      duplicates: 1,
      optedOut: 0,
    });
    const r = summary.recipients;
    expect(r.total).toBe(r.valid + r.invalid + r.duplicates + r.optedOut);
    expect(summary.problems.map((p) => [p.row, p.code, p.column, p.blocking])).toEqual([
      [2, 'invalid_phone', 'Phone', false],
      [3, 'duplicate', 'Phone', false],
      [4, 'scientific_notation', 'Phone', false],
      [5, 'empty_phone', 'Phone', false],
      [6, 'empty_merge_field', 'First Name', false],
    ]);
    expect(summary.problems[1]!.message).toBe(
      // Named by the spreadsheet's row: the first data row is row 2 (the column names are row 1).
      '+12127365000 repeats row 2; it will be called once.',
    );
    expect(summary.problems[2]!.message).toMatch(/scientific notation/);
    expect(summary.mergeFields).toEqual({
      used: ['first-name', 'city'],
      missing: [{ field: 'first-name', rows: [6] }],
    });
    expect(summary.ok).toBe(true);
    // The JSON the CLI prints has exactly these keys.
    expect(Object.keys(summary).sort()).toEqual(['mergeFields', 'ok', 'problems', 'recipients']);
  });

  it('finds merge cells that are blank however they are blank, across blocks of rows', () => {
    const { recipients, campaign, file } = setup();
    // Blank in ways a spreadsheet can hold (space, tab, no-break space, vertical tab, BOM),
    // non-blank cells that merely contain quotes, commas or backslashes, and enough rows that
    // the summary's one pass reads several blocks.
    const blanks = [' ', '\t', '\u00a0', '\u000b', '\ufeff', '  \u3000 ', ' \n '];
    const odd = ['"', '""', ',""', 'a\\', '\\', '\u0008', '\u001c'];
    const lines = ['Phone,First Name,Note'];
    const expectedEmpty: number[] = [];
    for (let row = 1; row <= 4500; row++) {
      const phone = `(212) 736-${String(row).padStart(4, '0')}`;
      let first = `Name${row}`;
      if (row % 700 === 3) {
        first = blanks[(row / 700) | 0]!;
        expectedEmpty.push(row);
      } else if (row % 700 === 5) first = odd[(row / 700) | 0]!;
      const quoted = `"${first.replace(/"/g, '""')}"`;
      lines.push(`${phone},${quoted},${row % 2 && row % 700 !== 3 ? '' : 'x'}`);
    }
    recipients.import({
      campaignId: campaign.id,
      filePath: file('blanks.csv', `${lines.join('\n')}\n`),
    });
    const summary = recipients.summary(campaign.id, { texts: ['Hello {{first-name}}'] });
    expect(summary.recipients).toMatchObject({ total: 4500, valid: 4500 });
    expect(summary.mergeFields.missing).toEqual([{ field: 'first-name', rows: expectedEmpty }]);
    expect(summary.problems.map((p) => [p.row, p.code])).toEqual(
      expectedEmpty.map((row) => [row, 'empty_merge_field']),
    );
  });

  it('blocks sending on a merge field that is not a column', () => {
    const { recipients, campaign, file } = setup();
    recipients.import({ campaignId: campaign.id, filePath: file('list.csv', LIST) });
    const summary = recipients.summary(campaign.id, {
      texts: ['Hi {{First Name}}', 'Bye {{nickname}}'],
    });
    expect(summary.ok).toBe(false);
    const blocking = summary.problems.filter((p) => p.blocking);
    expect(blocking.map((p) => [p.row, p.code])).toEqual([
      [0, 'unknown_merge_field'],
      [0, 'unknown_merge_field'],
    ]);
    expect(blocking[0]!.message).toContain('Did you mean {{first-name}}?');
    expect(summary.mergeFields.used).toEqual(['First Name', 'nickname']);
  });

  it('holds back opted-out recipients, checked against the list as it is when asked', async () => {
    const { recipients, optOuts, campaign, file } = setup();
    recipients.import({ campaignId: campaign.id, filePath: file('list.csv', LIST) });
    expect(recipients.summary(campaign.id, { profileId: 'p1' }).recipients.optedOut).toBe(0);
    expect(optOuts.add(['212-736-5000', 'garbage'])).toMatchObject({
      changed: 1,
      rejected: [{ value: 'garbage' }],
    });
    const now = recipients.summary(campaign.id, { profileId: 'p1' });
    expect(now.recipients).toEqual({ total: 7, valid: 2, invalid: 3, duplicates: 1, optedOut: 1 });
    expect(now.problems.find((p) => p.code === 'opted_out')).toMatchObject({
      row: 1,
      blocking: false,
    });
    // One list for every profile, and for a campaign without one (the CLI's environment token).
    expect(recipients.summary(campaign.id, { profileId: 'p2' }).recipients.optedOut).toBe(1);
    expect(recipients.summary(campaign.id, { profileId: null }).recipients.optedOut).toBe(1);
    // A profile's own addition holds for that profile only.
    optOuts.add(['+13125550142'], { profileId: 'p1' });
    expect([...recipients.sendable(campaign.id, 'p1')].map((s) => s.e164)).toEqual([
      '+447911123456',
    ]);
    expect([...recipients.sendable(campaign.id, 'p2')].map((s) => s.e164)).toEqual([
      '+13125550142',
      '+447911123456',
    ]);
    await optOuts.remove(['+12127365000']);
    expect([...recipients.sendable(campaign.id, 'p2')]).toHaveLength(3);
    expect([...recipients.sendable(campaign.id, 'p1')]).toHaveLength(2);
  });

  it('says when nobody can be called', () => {
    const { recipients, campaign, file } = setup();
    recipients.import({
      campaignId: campaign.id,
      filePath: file('bad.csv', 'Phone,Name\nnope,Ann\n'),
    });
    const summary = recipients.summary(campaign.id);
    expect(summary.ok).toBe(false);
    expect(summary.problems.at(0)).toMatchObject({ row: 0, code: 'no_recipients', blocking: true });
  });

  it('reports a campaign with no list as not sendable', () => {
    const { recipients, campaign } = setup();
    expect(recipients.summary(campaign.id)).toMatchObject({
      ok: false,
      recipients: { total: 0 },
      problems: [{ code: 'no_recipient_list', blocking: true }],
    });
  });

  it('pages through the list and filters to problems', () => {
    const { recipients, campaign, file } = setup();
    recipients.import({ campaignId: campaign.id, filePath: file('list.csv', LIST) });
    const first = recipients.page(campaign.id, { offset: 0, limit: 2 });
    expect(first.total).toBe(7);
    expect(first.rows.map((r) => r.row)).toEqual([1, 2]);
    expect(first.rows[0]).toMatchObject({
      e164: '+12127365000',
      status: 'valid',
      lineType: 'landline-or-mobile',
      fields: { 'first-name': 'Ann', 'last-name': 'Smith', city: 'New York' },
    });
    const problems = recipients.page(campaign.id, { filter: 'problems', limit: 10 });
    expect(problems.rows.map((r) => [r.row, r.status])).toEqual([
      [2, 'invalid'],
      [3, 'duplicate'],
      [4, 'invalid'],
      [5, 'invalid'],
    ]);
    expect(recipients.page(campaign.id, { filter: 'sendable' }).total).toBe(3);
  });

  it('previews the message for any recipient', () => {
    const { recipients, campaign, file } = setup();
    recipients.import({ campaignId: campaign.id, filePath: file('list.csv', LIST) });
    expect(
      recipients.preview(campaign.id, 7, 'Bonjour {{first-name}} {{last-name}} ({{city}})'),
    ).toEqual({
      row: 7,
      line: 9, // header on line 1 and a blank line 3 above it
      e164: '+447911123456',
      text: 'Bonjour Élodie Martin (London)',
      emptyFields: [],
      unknownFields: [],
    });
    expect(recipients.preview(campaign.id, 6, 'Hi {{first-name}}{{x}}')).toMatchObject({
      text: 'Hi ',
      emptyFields: ['first-name'],
      unknownFields: ['x'],
    });
    expect(() => recipients.preview(campaign.id, 99, 'x')).toThrow(/no row 99/);
  });

  it('keeps the column mapping with the campaign and honours a chosen phone column and country', () => {
    const { recipients, campaign, file } = setup();
    const csv = 'Home Phone,Name,Cell\n020 7946 0958,Ann,07911 123456\n';
    recipients.import({
      campaignId: campaign.id,
      filePath: file('gb.csv', csv),
      phoneColumn: 'home phone',
      defaultCountry: 'gb',
    });
    expect(recipients.getList(campaign.id)).toMatchObject({
      headers: ['Home Phone', 'Name', 'Cell'],
      keys: ['home-phone', 'name', 'cell'],
      phoneColumn: 'Home Phone',
      mergeFields: ['name', 'cell'],
      defaultCountry: 'GB',
    });
    expect(recipients.page(campaign.id).rows[0]).toMatchObject({
      e164: '+442079460958',
      lineType: 'landline',
      fields: { cell: '07911 123456' },
    });
    // Re-importing without a country keeps the campaign's.
    recipients.import({
      campaignId: campaign.id,
      filePath: file('gb2.csv', 'Mobile\n07911 123456\n'),
    });
    expect(recipients.getList(campaign.id)?.defaultCountry).toBe('GB');
  });

  it('imports Excel workbooks', () => {
    const { recipients, campaign, dir } = setup();
    const path = join(dir, 'list.xlsx');
    writeXlsx(path, [
      ['Name', 'Mobile Number'],
      ['Ann', 2127365000],
      ['Bob', '0212 736 5000'],
    ]);
    const result = recipients.import({ campaignId: campaign.id, filePath: path });
    expect(result).toMatchObject({
      format: 'xlsx',
      phoneColumn: 'Mobile Number',
      counts: { valid: 1, invalid: 1 },
    });
  });
});

describe('RecipientService rows named as the spreadsheet numbers them', () => {
  it('keeps the CSV line each record starts on: header, blank lines and multi-line cells counted', () => {
    const { recipients, campaign, file } = setup();
    const path = file(
      'lines.csv',
      [
        'Phone,First Name,Note', // line 1
        '2125550100,Ann,"two', // line 2 (its note runs onto line 3)
        'lines"',
        '', // line 4: blank, not a row
        'nope,Bo,x', // line 5
        '2125550100,Cy,"a\r\nb\r\nc"', // line 6 (to line 8)
        '3125550199,Di,y', // line 9
      ].join('\n'),
    );
    recipients.import({ campaignId: campaign.id, filePath: path });
    const rows = recipients.page(campaign.id, { filter: 'all' }).rows;
    expect(rows.map((r) => [r.row, r.line])).toEqual([
      [1, 2],
      [2, 5],
      [3, 6],
      [4, 9],
    ]);
    expect(rows[2]!.problem).toBe('+12125550100 repeats row 2.');
    const summary = recipients.summary(campaign.id);
    expect(summary.problems.map((p) => [p.row, p.line, p.code])).toEqual([
      [2, 5, 'invalid_phone'],
      [3, 6, 'duplicate'],
    ]);
    expect(summary.problems[1]!.message).toBe(
      '+12125550100 repeats row 2; it will be called once.',
    );
  });

  it('keeps an .xlsx row its own number (r), across blank rows', () => {
    const { recipients, campaign, dir } = setup();
    const path = join(dir, 'rows.xlsx');
    writeXlsx(path, [
      ['Phone', 'First Name'],
      ['2125550100', 'Ann'],
      [null, null],
      [null, null],
      ['bad', 'Bo'],
    ]);
    recipients.import({ campaignId: campaign.id, filePath: path });
    const rows = recipients.page(campaign.id, { filter: 'all' }).rows;
    expect(rows.map((r) => [r.row, r.line])).toEqual([
      [1, 2],
      [2, 5],
    ]);
    expect(recipients.summary(campaign.id).problems[0]).toMatchObject({ row: 2, line: 5 });
  });

  it('a list imported before lines were kept still reads, numbered by data row', () => {
    const { db, recipients, campaign, file } = setup();
    recipients.import({
      campaignId: campaign.id,
      filePath: file('old.csv', 'Phone,Name\n2125550100,Ann\n2125550100,Bo\n'),
    });
    // As a database migrated from version 10 holds it: no line recorded.
    db.prepare('UPDATE recipients SET source_line = NULL').run();
    const rows = recipients.page(campaign.id, { filter: 'all' }).rows;
    expect(rows.map((r) => [r.row, r.line])).toEqual([
      [1, null],
      [2, null],
    ]);
    expect(rows[1]!.problem).toBe('+12125550100 repeats row 1.');
    const problem = recipients.summary(campaign.id).problems[0]!;
    expect(problem).toMatchObject({ row: 2, code: 'duplicate' });
    expect('line' in problem).toBe(false);
  });
});

describe('RecipientService bad input keeps what is stored', () => {
  function withStoredList() {
    const s = setup();
    s.recipients.import({ campaignId: s.campaign.id, filePath: s.file('good.csv', LIST) });
    const before = s.recipients.page(s.campaign.id, { limit: 100 });
    const listBefore = s.recipients.getList(s.campaign.id);
    const refuse = (
      name: string,
      content: string | Buffer,
      options: { phoneColumn?: string } = {},
    ): string => {
      try {
        s.recipients.import({
          campaignId: s.campaign.id,
          filePath: s.file(name, content),
          ...options,
        });
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        expect(s.recipients.page(s.campaign.id, { limit: 100 })).toEqual(before);
        expect(s.recipients.getList(s.campaign.id)).toEqual(listBefore);
        return (error as AppError).message;
      }
      throw new Error('expected the import to be refused');
    };
    return { ...s, refuse };
  }

  it('a missing phone column names the file and lists the columns', () => {
    const { refuse } = withStoredList();
    expect(refuse('nophone.csv', 'Name,Email\nAnn,a@example.com\n')).toBe(
      'nophone.csv: no phone number column was found. The columns are: "Name", "Email". Choose which one holds the phone numbers.',
    );
    expect(refuse('other.csv', 'Name,Phone\nAnn,2125550100\n', { phoneColumn: 'Mobile' })).toMatch(
      /^other\.csv: there is no column named "Mobile"\. The columns are: "Name", "Phone"\.$/,
    );
  });

  it('a file without a header row says so', () => {
    const { refuse } = withStoredList();
    expect(refuse('noheader.csv', '2127365000,Ann\n3125550142,Bob\n')).toBe(
      'noheader.csv: the first row holds a phone number ("2127365000") instead of column names. Add a header row, such as "Phone,First Name", and import again.',
    );
  });

  it('an empty, header-only, binary or broken file is refused by name', () => {
    const { refuse } = withStoredList();
    expect(refuse('empty.csv', '')).toBe('empty.csv: the file is empty.');
    expect(refuse('header.csv', 'Phone,Name\r\n\r\n')).toBe(
      'header.csv: the file has a header row but no recipients below it.',
    );
    const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131) % 256));
    expect(refuse('image.csv', binary)).toMatch(/^image\.csv: .*binary file/);
    // The failure comes after thousands of rows were already written inside the transaction.
    const rows = Array.from(
      { length: 5000 },
      (_, i) => `21255${String(i).padStart(5, '0')},x`,
    ).join('\n');
    expect(refuse('late.csv', `Phone,Name\n${rows}\n2125550100,"never closed\n`)).toMatch(
      /^late\.csv: a quoted value that starts on line 5002/,
    );
  });

  it('re-import replaces the list atomically', () => {
    const { recipients, campaign, file } = withStoredList();
    recipients.import({
      campaignId: campaign.id,
      filePath: file('new.csv', 'Phone\n3125550142\n'),
    });
    const page = recipients.page(campaign.id);
    expect(page.total).toBe(1);
    expect(page.rows[0]).toMatchObject({ row: 1, e164: '+13125550142' });
    expect(recipients.getList(campaign.id)).toMatchObject({ fileName: 'new.csv', rowCount: 1 });
  });
});

describe('RecipientService and the campaign lifecycle', () => {
  it('duplicate() copies the list; delete() removes it', () => {
    const { db, recipients, campaigns, campaign, file } = setup();
    recipients.import({ campaignId: campaign.id, filePath: file('list.csv', LIST) });
    const copy = campaigns.duplicate(campaign.id);
    expect(copy.recipientCount).toBe(7);
    expect(recipients.page(copy.id, { limit: 100 }).rows).toEqual(
      recipients.page(campaign.id, { limit: 100 }).rows,
    );
    expect(recipients.getList(copy.id)).toMatchObject({
      fileName: 'list.csv',
      phoneColumn: 'Phone',
    });
    campaigns.delete(campaign.id);
    expect(
      (
        db
          .prepare('SELECT count(*) AS n FROM recipients WHERE campaign_id = ?')
          .get(campaign.id) as { n: number }
      ).n,
    ).toBe(0);
    expect(recipients.getList(campaign.id)).toBeNull();
    expect(recipients.page(copy.id).total).toBe(7);
  });

  it('refuses to change the recipients of a campaign that has been sent', () => {
    const { db, recipients, campaign, file } = setup();
    db.prepare("UPDATE campaigns SET status = 'scheduled' WHERE id = ?").run(campaign.id);
    expect(() =>
      recipients.import({ campaignId: campaign.id, filePath: file('list.csv', LIST) }),
    ).toThrow(/Duplicate it/);
  });

  it('refuses an unknown campaign and an unknown country', () => {
    const { recipients, campaign, file } = setup();
    expect(() =>
      recipients.import({
        campaignId: '00000000-0000-4000-8000-000000000000',
        filePath: file('a.csv', LIST),
      }),
    ).toThrow(/no longer exists/);
    expect(() =>
      recipients.import({
        campaignId: campaign.id,
        filePath: file('a.csv', LIST),
        defaultCountry: 'XX',
      }),
    ).toThrow(/"XX"/);
  });

  it('reports quiet hours for the sendable recipients', () => {
    const { recipients, campaign, file } = setup();
    recipients.import({ campaignId: campaign.id, filePath: file('list.csv', LIST) });
    // 12:30 UTC in July: 08:30 New York, 07:30 Chicago, 13:30 in Guernsey, where libphonenumber-js places +44 7911
    // (the +44 number is checked too, in its own zone).
    const report = recipients.quietHours(campaign.id, null, new Date('2026-07-01T12:30:00Z'));
    expect(report).toMatchObject({ outside: 1, inside: 2, unknown: 0 });
    expect(report.zones.find((z) => z.zone === 'Europe/Guernsey')).toMatchObject({
      allowed: true,
      localTime: '13:30',
      recipients: 1,
    });
    // At 00:38 there it is outside as well.
    expect(
      recipients
        .quietHours(campaign.id, null, new Date('2026-07-01T23:38:00Z'))
        .zones.find((z) => z.zone === 'Europe/Guernsey'),
    ).toMatchObject({
      allowed: false,
      localTime: '00:38',
    });
    expect(report.warning).toMatch(
      /^1 recipient would be called outside 08:00–21:00 local time: America\/Chicago/,
    );
  });
});
