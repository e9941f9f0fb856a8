import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readXlsx } from '../../../electron/recipients/xlsx';
import { cliEnv, runCliProcess, writeCampaign, useCliSandbox } from './helpers';

/** `results <campaign.json> --out <file> [--json]`: the EXACT contract of issue 14. */
const FIXTURES = fileURLToPath(new URL('../../fixtures/write-back/', import.meta.url));

const cli = useCliSandbox('cli-results');

let n = 0;
const fresh = () => join(cli.dir, `case-${++n}`);

/** Sends the campaign with the CLI and lets the sandbox make every call. */
async function sendAndCall(file: string, env: NodeJS.ProcessEnv): Promise<void> {
  const sent = await runCliProcess(['send', file, '--json'], env);
  expect(sent.stderr).not.toMatch(/went wrong/);
  expect(sent.code).toBe(0);
  cli.sandbox.dialer.runUntilIdle();
}

describe('results', () => {
  it('writes the copy, prints exactly { file, rows } and exits 0; the list is left as it was', async () => {
    const folder = fresh();
    const file = writeCampaign(folder, {
      callerId: cli.sandbox.callerId.id,
      rows: [
        '(202) 555-0101,Ann,Lee',
        '',
        'n/a,Cy,Ode',
        '202-555-0102,Bo,Ng',
        '2025550101,Ann,Again',
      ],
    });
    const env = cliEnv(cli.sandbox, join(folder, 'home'));
    const list = readFileSync(join(folder, 'list.csv'));

    // Not sent yet: exit 1, nothing written.
    const early = await runCliProcess(['results', file, '--out', 'out.csv', '--json'], { ...env });
    expect(early.code).toBe(1);
    expect(early.stdout).toBe('');
    expect(early.stderr).toMatch(/has not been sent/);
    expect(existsSync(join(folder, 'out.csv'))).toBe(false);

    await sendAndCall(file, env);
    const out = join(folder, 'with results.csv');
    const result = await runCliProcess(['results', file, '--out', out, '--json'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const printed = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(printed)).toEqual(['file', 'rows']);
    expect(printed).toEqual({ file: out, rows: 4 });

    const copy = readFileSync(out, 'utf8').split('\n');
    expect(copy[0]).toBe('Phone,First Name,Last Name,Number called,Call status,Outcome,Called at');
    expect(copy[1]).toMatch(
      /^\(202\) 555-0101,Ann,Lee,\+12025550101,[^,]+,(Answered by a person|Voicemail|No answer|Busy|Failed),\d{4}-\d\d-\d\d \d\d:\d\d$/,
    );
    expect(copy[2]).toBe('');
    expect(copy[3]).toBe('n/a,Cy,Ode,,Not called — invalid number,Not called — invalid number,');
    expect(copy[4]).toMatch(/^202-555-0102,Bo,Ng,\+12025550102,/);
    // Row 5 of the file repeats the number on row 2 (the header is row 1).
    expect(copy[5]).toBe(
      '2025550101,Ann,Again,,Not called — repeats row 2,Not called — repeats row 2,',
    );
    expect(readFileSync(join(folder, 'list.csv')).equals(list)).toBe(true);

    // Without --json: one sentence.
    const text = await runCliProcess(['results', file, '--out', out], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(`Wrote the results of 4 rows into ${out}.\n`);
  });

  it('exits 2 for unusable input: no --out, --out naming the list itself, the list changed since, another format', async () => {
    const folder = fresh();
    const file = writeCampaign(folder, {
      callerId: cli.sandbox.callerId.id,
      rows: ['(202) 555-0111,Ann,Lee'],
    });
    const env = cliEnv(cli.sandbox, join(folder, 'home'));
    await sendAndCall(file, env);
    const listPath = join(folder, 'list.csv');
    const list = readFileSync(listPath);

    const missing = await runCliProcess(['results', file, '--json'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--out/);
    const itself = await runCliProcess(['results', file, '--out', listPath, '--json'], env);
    expect(itself.code).toBe(2);
    expect(itself.stderr).toMatch(/is the recipient list itself/);
    expect(itself.stdout).toBe('');
    expect(readFileSync(listPath).equals(list)).toBe(true);
    // Written as --out=… too.
    const relative = await runCliProcess(['results', file, `--out=${listPath}`], env);
    expect(relative.code).toBe(2);
    const campaignFile = await runCliProcess(['results', file, '--out', file], env);
    expect(campaignFile.code).toBe(2);
    const workbook = await runCliProcess(
      ['results', file, '--out', join(folder, 'copy.xlsx')],
      env,
    );
    expect(workbook.code).toBe(2);
    expect(workbook.stderr).toMatch(/name it ending in \.csv/);
    // --out belongs to results: elsewhere it is an unknown argument, as before.
    const elsewhere = await runCliProcess(['status', file, '--out', 'x.csv'], env);
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toMatch(/unknown argument "--out"/);

    // The list was edited after sending: its rows may not be the ones called.
    writeFileSync(listPath, 'Phone,First Name,Last Name\n(202) 555-0199,Zed,Else\n');
    const changed = await runCliProcess(['results', file, '--out', join(folder, 'copy.csv')], env);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/is not the file this list was imported from/);
    expect(existsSync(join(folder, 'copy.csv'))).toBe(false);
  });

  it('keeps an Excel list an Excel workbook', async () => {
    const folder = fresh();
    const file = writeCampaign(folder, {
      callerId: cli.sandbox.callerId.id,
      rows: [],
      json: { recipients: { file: 'families.xlsx', defaultCountry: 'US' } },
    });
    copyFileSync(join(FIXTURES, 'libreoffice.xlsx'), join(folder, 'families.xlsx'));
    const env = cliEnv(cli.sandbox, join(folder, 'home'));
    await sendAndCall(file, env);
    const out = join(folder, 'families with results.xlsx');
    const result = await runCliProcess(['results', file, '--out', out, '--json'], env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ file: out, rows: 6 });
    const header: string[] = [];
    readXlsx(out, (cells, row) => row === 1 && header.push(...cells));
    expect(header).toEqual([
      'Phone',
      'First Name',
      'Balance',
      'Appointment',
      'Zip',
      'Notes',
      'Number called',
      'Call status',
      'Outcome',
      'Called at',
    ]);
  });
});
