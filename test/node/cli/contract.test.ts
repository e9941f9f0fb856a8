import { execFile } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { writeZipBomb } from '../../helpers/hostile';
import { ROOT, cliEnv, runCliProcess, writeCampaign, useCliSandbox } from './helpers';

const exec = promisify(execFile);

const cli = useCliSandbox('cli');

let n = 0;
const fresh = () => join(cli.dir, `case-${++n}`);

describe('validate', () => {
  it('prints exactly the summary object and exits 0 when sendable', async () => {
    const folder = fresh();
    const file = writeCampaign(folder, {
      callerId: cli.sandbox.callerId.id,
      rows: [
        '(202) 555-0101,Ann,Lee',
        '',
        '202-555-0102,Bo,Ng',
        '2025550101,Ann,Again',
        'n/a,Cy,Ode',
        '   ',
      ],
    });
    const result = await runCliProcess(
      ['validate', file, '--json'],
      cliEnv(null, join(folder, 'home')),
    );
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0]!);
    expect(Object.keys(summary)).toEqual(['ok', 'recipients', 'problems', 'mergeFields']);
    // Blank lines are not counted; rows are 1-based data rows (blank lines skipped).
    expect(summary.recipients).toEqual({
      total: 4,
      valid: 2,
      invalid: 1,
      duplicates: 1,
      optedOut: 0,
    });
    const { total, valid, invalid, duplicates, optedOut } = summary.recipients;
    expect(total).toBe(valid + invalid + duplicates + optedOut);
    expect(summary.ok).toBe(true);
    expect(
      summary.problems.map(
        (p: { row: number; code: string; blocking: boolean; column?: string }) => [
          p.row,
          p.code,
          p.blocking,
          p.column,
        ],
      ),
    ).toEqual([
      [3, 'duplicate', false, 'Phone'],
      [4, 'invalid_phone', false, 'Phone'],
    ]);
    for (const p of summary.problems) expect(typeof p.message).toBe('string');
    expect(summary.mergeFields).toEqual({ used: ['first-name'], missing: [] });
  });

  it('exits 1 when not sendable: merge fields from headers in kebab-case, missing values by row', async () => {
    const folder = fresh();
    const file = writeCampaign(folder, {
      callerId: cli.sandbox.callerId.id,
      header: 'Mobile Number,First Name,Branch City',
      rows: ['+12025550111,Ann,Denver', '+12025550112,,Boulder'],
      json: {
        human: {
          kind: 'text',
          body: 'Hi {{first-name}} from {{branch-city}} and {{zip}}',
          voice: 'Polly-Joanna',
        },
      },
    });
    const result = await runCliProcess(
      ['validate', file, '--json'],
      cliEnv(null, join(folder, 'home')),
    );
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.ok).toBe(false);
    expect(summary.mergeFields).toEqual({
      used: ['first-name', 'branch-city', 'zip'],
      missing: [{ field: 'first-name', rows: [2] }],
    });
    expect(
      summary.problems.find((p: { code: string }) => p.code === 'unknown_merge_field'),
    ).toMatchObject({ row: 0, blocking: true });
    // phoneColumn omitted: detected from the header.
    expect(summary.recipients.valid).toBe(2);
  });

  it('validating changes nothing stored: status still says not sent', async () => {
    const folder = fresh();
    const file = writeCampaign(folder, {
      callerId: cli.sandbox.callerId.id,
      rows: ['+12025550121,Ann,Lee'],
    });
    const env = cliEnv(null, join(folder, 'home'));
    expect((await runCliProcess(['validate', file], env)).code).toBe(0);
    const status = await runCliProcess(['status', file, '--json'], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      campaignId: null,
      state: 'not-sent',
      envelopes: { sent: 0, total: 0 },
    });
  });

  describe('unusable input exits 2 with a message on stderr and nothing on stdout', () => {
    const cases: Array<[string, (folder: string) => string, RegExp]> = [
      ['a missing campaign file', (folder) => join(folder, 'nope.json'), /does not exist/],
      [
        'bad JSON',
        (folder) => {
          writeCampaign(folder, { callerId: 'x', rows: [] });
          writeFileSync(join(folder, 'bad.json'), '{ "version": 1, ');
          return join(folder, 'bad.json');
        },
        /not valid JSON/,
      ],
      [
        'a file that is not a campaign',
        (folder) => {
          writeCampaign(folder, {
            callerId: 'x',
            rows: [],
            fileName: 'c.json',
            json: { version: 2 },
          });
          return join(folder, 'c.json');
        },
        /not a campaign file: version/,
      ],
      [
        'a missing recipients file',
        (folder) =>
          writeCampaign(folder, {
            callerId: 'x',
            rows: [],
            json: { recipients: { file: 'gone.csv' } },
          }),
        /recipients file .*gone\.csv does not exist/,
      ],
      [
        // A folder where the file should be: unreadable even for root, unlike a chmod 000 file.
        'an unreadable campaign file',
        (folder) => {
          mkdirSync(join(folder, 'folder.json'), { recursive: true });
          return join(folder, 'folder.json');
        },
        /cannot be read \(EISDIR\)/,
      ],
      [
        'a recipients path that leads out of the campaign file’s folder',
        (folder) => {
          writeFileSync(join(folder, '..', `outside-${n}.csv`), 'Phone\n2125550142\n');
          return writeCampaign(folder, {
            callerId: 'x',
            rows: [],
            json: { recipients: { file: `../outside-${n}.csv` } },
          });
        },
        /names "\.\.\/outside-\d+\.csv" as its recipients file, but it leads out of that folder/,
      ],
      [
        'a recipients file that is a link to a file outside the folder',
        (folder) => {
          const path = writeCampaign(folder, {
            callerId: 'x',
            rows: [],
            json: { recipients: { file: 'linked.csv' } },
          });
          writeFileSync(join(cli.dir, `secret-${n}.csv`), 'Phone\n2125550142\n');
          symlinkSync(join(cli.dir, `secret-${n}.csv`), join(folder, 'linked.csv'));
          return path;
        },
        /names "linked\.csv" as its recipients file, but it is a link to .*secret-\d+\.csv, outside that folder/,
      ],
      [
        'a zip bomb as the recipients file',
        (folder) => {
          mkdirSync(folder, { recursive: true });
          writeZipBomb(join(folder, 'bomb.xlsx'), 256);
          return writeCampaign(folder, {
            callerId: 'x',
            rows: [],
            json: { recipients: { file: 'bomb.xlsx' } },
          });
        },
        /bomb\.xlsx: the app stopped reading this file because .*"zip bomb"/,
      ],
      [
        'a recipients file without a phone column',
        (folder) =>
          writeCampaign(folder, { callerId: 'x', header: 'Name,City', rows: ['Ann,Denver'] }),
        /no phone number column/,
      ],
    ];
    for (const [name, make, message] of cases) {
      it(name, async () => {
        const folder = fresh();
        const path = make(folder);
        for (const command of ['validate', 'send', 'status']) {
          const result = await runCliProcess(
            [command, path, '--json'],
            cliEnv(cli.sandbox, join(folder, 'home')),
          );
          expect(result.code, `${command}: ${result.stderr}`).toBe(2);
          expect(result.stdout).toBe('');
          expect(result.stderr).toMatch(message);
          if (command === 'validate' && name.includes('phone column')) break;
          // status reads no recipients file, so it has nothing to refuse there.
          if (command === 'send' && name.includes('zip bomb')) break;
        }
      });
    }

    it('no command, an unknown command or no file', async () => {
      const env = cliEnv(null, join(fresh(), 'home'));
      for (const args of [[], ['launch', 'x.json'], ['validate']]) {
        const result = await runCliProcess(args, env);
        expect(result.code).toBe(2);
        expect(result.stdout).toBe('');
        expect(result.stderr.length).toBeGreaterThan(10);
      }
    });
  });
});

describe('send and status', () => {
  it('sends, prints the JSON result, then a second send is a no-op without any request', async () => {
    const folder = fresh();
    const phones = ['+12025550141', '+12025550142', '+12025550143', '+12025550144', '+12025550145'];
    const file = writeCampaign(folder, {
      callerId: cli.sandbox.callerId.phoneNumber,
      rows: [...phones.map((p, i) => `${p},N${i},L${i}`), 'nope,Bad,Row'],
    });
    const env = cliEnv(cli.sandbox, join(folder, 'home'), { OMNIGAGE_BATCH_SIZE: '2' });
    const first = await runCliProcess(['send', file, '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    const out = JSON.parse(first.stdout);
    expect(out).toEqual({ engagementId: expect.any(String), envelopes: 5, status: 'scheduled' });
    const envelopes = cli.sandbox.state.envelopesOf(out.engagementId);
    expect(envelopes.map((e) => e.attributes['phone-number']).sort()).toEqual(phones);
    expect(
      cli.sandbox.state
        .requestsTo('POST', 'envelopes')
        .filter(
          (r) =>
            (r.body as { data: Array<{ relationships: { engagement: { data: { id: string } } } }> })
              .data[0]?.relationships.engagement.data.id === out.engagementId,
        ),
    ).toHaveLength(3);
    expect(cli.sandbox.state.schedulePatchCount(out.engagementId)).toBe(1);

    const before = cli.sandbox.state.requests.length;
    const second = await runCliProcess(['send', file, '--json'], env);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual(out);
    expect(cli.sandbox.state.requests.length).toBe(before);

    const status = await runCliProcess(['status', file, '--json'], env);
    expect(status.code).toBe(0);
    const shown = JSON.parse(status.stdout);
    expect(shown).toMatchObject({
      state: 'scheduled',
      engagementId: out.engagementId,
      envelopes: { sent: 5, total: 5 },
    });
    expect(shown.journal.map((s: { step: string }) => s.step)).toEqual(
      expect.arrayContaining([
        'template:human',
        'engagement',
        'activity',
        'trigger:voice-human',
        'trigger:voice-machine',
        'schedule',
      ]),
    );
    expect(shown.remote).toMatchObject({ status: 'scheduled' });
    // Only reads for status.
    expect(cli.sandbox.state.requests.slice(before).every((r) => r.method === 'GET')).toBe(true);
  });

  it('a file whose campaign was scheduled and then deleted in the app is not sent again', async () => {
    const folder = fresh();
    const file = writeCampaign(folder, {
      callerId: cli.sandbox.callerId.id,
      rows: ['+12025550181,Ann,Lee', '+12025550182,Bo,Ng'],
    });
    const env = cliEnv(cli.sandbox, join(folder, 'home'));
    const first = await runCliProcess(['send', file, '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    const { engagementId } = JSON.parse(first.stdout);
    // Deleting the campaign in the app drops its journal and the file's link with it.
    const db = new Database(join(folder, 'home', 'campaigns.sqlite'));
    db.pragma('foreign_keys = ON');
    db.prepare('DELETE FROM campaigns').run();
    db.close();
    const before = cli.sandbox.state.requests.length;
    const again = await runCliProcess(['send', file, '--json'], env);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain(engagementId);
    expect(cli.sandbox.state.requests.length).toBe(before);
  });

  it('works through npm run -s cli with nothing but the output on stdout', async () => {
    const folder = fresh();
    const file = writeCampaign(folder, {
      callerId: cli.sandbox.callerId.id,
      rows: ['+12025550151,Ann,Lee'],
    });
    const { stdout } = await exec('npm', ['run', '-s', 'cli', '--', 'send', file, '--json'], {
      cwd: ROOT,
      env: { ...process.env, ...cliEnv(cli.sandbox, join(folder, 'home')) },
    });
    expect(JSON.parse(stdout)).toMatchObject({ envelopes: 1, status: 'scheduled' });
    expect(stdout.trim().split('\n')).toHaveLength(1);
  });

  it('a send that cannot start says why on stderr and exits 1 (unverified caller ID)', async () => {
    const folder = fresh();
    const file = writeCampaign(folder, {
      callerId: '+15555550101',
      rows: ['+12025550161,Ann,Lee'],
    });
    const before = cli.sandbox.state.requestsTo('POST', 'engagements').length;
    const result = await runCliProcess(
      ['send', file, '--json'],
      cliEnv(cli.sandbox, join(folder, 'home')),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/not verified/);
    expect(cli.sandbox.state.requestsTo('POST', 'engagements').length).toBe(before);
  });

  it('bad credentials stop the send with exit 1', async () => {
    const folder = fresh();
    const file = writeCampaign(folder, {
      callerId: cli.sandbox.callerId.id,
      rows: ['+12025550171,Ann,Lee'],
    });
    const result = await runCliProcess(
      ['send', file],
      cliEnv(cli.sandbox, join(folder, 'home'), { OMNIGAGE_API_SECRET: 'wrong' }),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/token/i);
  });
});
