import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../helpers/temp';
import { cliEnv, runCliProcess } from './helpers';

const tempDir = useTempDir();
const TITLED = fileURLToPath(new URL('../../fixtures/header-row/titled.csv', import.meta.url));

/** A campaign file beside its list; `recipients` adds to the file's recipients section. */
function campaign(list: { name: string; from?: string; text?: string }, recipients = {}) {
  const folder = join(tempDir(), 'campaign');
  mkdirSync(folder, { recursive: true });
  if (list.from) copyFileSync(list.from, join(folder, list.name));
  else writeFileSync(join(folder, list.name), list.text ?? '');
  const file = join(folder, 'campaign.json');
  writeFileSync(
    file,
    JSON.stringify({
      version: 1,
      name: 'Fall term',
      human: { kind: 'text', body: 'Hello {{first-name}}.', voice: 'Polly-Brian' },
      recipients: { file: list.name, defaultCountry: 'US', ...recipients },
    }),
  );
  return { file, env: cliEnv(null, join(folder, 'home')) };
}

const NOTE =
  'Note (parents.csv): Rows 1–2 look like a title; the column names are on row 3. To read them from another row, set "headerRow" under "recipients" in the campaign file.\n';

describe('the campaign file’s recipients.headerRow', () => {
  it('without it, validate takes the names under the title and says so in one line on stderr only', async () => {
    const { file, env } = campaign({ name: 'parents.csv', from: TITLED });
    const run = await runCliProcess(['validate', file, '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe(NOTE);
    const summary = JSON.parse(run.stdout);
    // The JSON contract is the same four keys; four people under the names.
    expect(Object.keys(summary)).toEqual(['ok', 'recipients', 'problems', 'mergeFields']);
    expect(summary.recipients).toMatchObject({ total: 4, valid: 4, invalid: 0 });
    expect(summary.mergeFields).toEqual({ used: ['first-name'], missing: [] });
  });

  it('the text output names a problem row as the spreadsheet does, under a title too', async () => {
    const { file, env } = campaign({
      name: 'parents.csv',
      text: 'Parent contacts,,\r\n,,\r\nPhone,First Name,Last Name\r\n2125550101,Ann,Lee\r\nnot a number,Bo,Park\r\n2125550101,Cy,Diaz\r\n',
    });
    const run = await runCliProcess(['validate', file], env);
    expect(run.code, run.stderr).toBe(0);
    // Data rows 2 and 3 are the sheet's rows 5 and 6: the prefix and the message agree.
    expect(run.stdout).toContain('  row 5 (Phone): "not a number" is not a valid phone number');
    expect(run.stdout).toContain('  row 6 (Phone): +12125550101 repeats row 4;');
  });

  it('with it, reads the names from that row and says nothing', async () => {
    const { file, env } = campaign({ name: 'parents.csv', from: TITLED }, { headerRow: 3 });
    const run = await runCliProcess(['validate', file, '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout).recipients).toMatchObject({ total: 4, valid: 4 });
  });

  it('an ordinary list is read from row 1 without a note, and problems name its lines', async () => {
    const { file, env } = campaign({
      name: 'parents.csv',
      text: 'Phone,First Name\r\n2125550101,Ann\r\n555,Bo\r\n',
    });
    const run = await runCliProcess(['validate', file, '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const summary = JSON.parse(run.stdout);
    expect(summary.problems).toContainEqual(
      expect.objectContaining({ row: 2, line: 3, code: 'invalid_phone' }),
    );
  });

  it('problems under a title name the spreadsheet’s own rows', async () => {
    const { file, env } = campaign({
      name: 'parents.csv',
      text: 'Parent contacts,,\r\n,,\r\nPhone,First Name,Last Name\r\n2125550101,Ann,Lee\r\n555,Bo,Park\r\n',
    });
    const run = await runCliProcess(['validate', file, '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe(NOTE);
    const summary = JSON.parse(run.stdout);
    expect(summary.problems).toContainEqual(
      expect.objectContaining({ row: 2, line: 5, code: 'invalid_phone' }),
    );
  });

  it('refuses a row that is blank or not a row number, saying which (exit 2)', async () => {
    const blank = campaign({ name: 'parents.csv', from: TITLED }, { headerRow: 2 });
    const run = await runCliProcess(['validate', blank.file, '--json'], blank.env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/parents\.csv: row 2 was to hold the column names, but it is blank/);

    const zero = campaign({ name: 'parents.csv', from: TITLED }, { headerRow: 0 });
    const refused = await runCliProcess(['validate', zero.file, '--json'], zero.env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/not a campaign file: .*numbered from 1/);
  });
});
