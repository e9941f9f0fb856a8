import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, runCliProcess, useCliSandbox } from './helpers';

const cli = useCliSandbox('cli-encoding');

let n = 0;
/**
 * A campaign whose list was saved by an old Windows program behind a UTF-8 BOM (the file of
 * issue 18, item 8): "Téléphone" and "José Núñez" in Windows-1252 bytes. Its phone column is
 * named in the campaign file, so read as UTF-8 the column is not found at all.
 */
function windows1252Campaign(callerId: string): { folder: string; file: string } {
  const folder = join(cli.dir, `case-${++n}`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, 'list.csv'),
    Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(
        'Téléphone,First Name\r\n+12025550171,José Núñez\r\n+12025550172,Zoë\r\n',
        'latin1',
      ),
    ]),
  );
  const file = join(folder, 'campaign.json');
  writeFileSync(
    file,
    JSON.stringify({
      version: 1,
      name: 'Accents',
      callerId,
      human: { kind: 'text', body: 'Hola {{first-name}}.', voice: 'Polly-Brian' },
      recipients: { file: 'list.csv', phoneColumn: 'Téléphone', defaultCountry: 'US' },
      delivery: { type: 'immediately' },
    }),
  );
  return { folder, file };
}

describe('--encoding', () => {
  it('validate reads the list in the encoding chosen; without it the guess fails and says so', async () => {
    const { folder, file } = windows1252Campaign(cli.sandbox.callerId.phoneNumber);
    const env = cliEnv(null, join(folder, 'home'));
    const guessed = await runCliProcess(['validate', file, '--json'], env);
    expect(guessed.code).toBe(2);
    expect(guessed.stderr).toMatch(/there is no column named "Téléphone"/);

    const chosen = await runCliProcess(
      ['validate', file, '--encoding', 'windows-1252', '--json'],
      env,
    );
    expect(chosen.code, chosen.stderr).toBe(0);
    const summary = JSON.parse(chosen.stdout);
    expect(summary.recipients).toEqual({
      total: 2,
      valid: 2,
      invalid: 0,
      duplicates: 0,
      optedOut: 0,
    });
    // The exact contract is unchanged: the same four keys.
    expect(Object.keys(summary)).toEqual(['ok', 'recipients', 'problems', 'mergeFields']);
    expect(summary.mergeFields).toEqual({ used: ['first-name'], missing: [] });
  });

  it('send hands Omnigage the names as written (--encoding=windows-1252)', async () => {
    const { folder, file } = windows1252Campaign(cli.sandbox.callerId.phoneNumber);
    const env = cliEnv(cli.sandbox, join(folder, 'home'));
    const sent = await runCliProcess(['send', file, '--encoding=Windows-1252', '--json'], env);
    expect(sent.code, sent.stderr).toBe(0);
    const { engagementId } = JSON.parse(sent.stdout);
    const names = cli.sandbox.state
      .envelopesOf(engagementId)
      .map((e) => (e.attributes.meta as Record<string, string>)['first-name'])
      .sort();
    expect(names).toEqual(['José Núñez', 'Zoë']);
  });

  it('optouts import reads the file in the encoding named, not the one guessed', async () => {
    const folder = join(cli.dir, `case-${++n}`);
    mkdirSync(folder, { recursive: true });
    const list = join(folder, 'dnc.csv');
    // UTF-16 (little-endian) without a BOM: the guess finds it, a wrong choice is obeyed and fails.
    writeFileSync(list, Buffer.from('Phone\r\n2025550181\r\n2025550182\r\n', 'utf16le'));
    const env = cliEnv(null, join(folder, 'home'));
    const wrong = await runCliProcess(
      ['optouts', 'import', list, '--encoding', 'utf-16be', '--json'],
      env,
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/optouts import: dnc\.csv: no phone number column was found/);
    const right = await runCliProcess(
      ['optouts', 'import', list, '--encoding', 'utf-16le', '--json'],
      env,
    );
    expect(right.code, right.stderr).toBe(0);
    expect(JSON.parse(right.stdout)).toMatchObject({ added: 2, invalid: 0 });
  });

  it('refuses an encoding it does not read, a missing value, and the option where no list is read', async () => {
    const { folder, file } = windows1252Campaign('x');
    const env = cliEnv(null, join(folder, 'home'));
    const unknown = await runCliProcess(['validate', file, '--encoding', 'latin-9'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /"latin-9" is not an encoding the app reads\. Use one of utf-8, windows-1252, utf-16le, utf-16be/,
    );
    const missing = await runCliProcess(['validate', file, '--encoding'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--encoding takes the encoding the CSV was saved in/);
    const status = await runCliProcess(['status', file, '--encoding', 'utf-8'], env);
    expect(status.code).toBe(2);
    expect(status.stderr).toMatch(/unknown argument "--encoding"/);
  });
});
