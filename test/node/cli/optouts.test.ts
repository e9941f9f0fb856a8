import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../electron/logging/logger';
import { MemorySecretStore } from '../../../electron/secrets/memory-store';
import { createServices } from '../../../electron/services';
import { sandboxEnv } from '../send/helpers';
import { cliEnv, runCliProcess, writeCampaign, useCliSandbox } from './helpers';

const cli = useCliSandbox('cli-optouts');

let n = 0;
const fresh = () => join(cli.dir, `case-${++n}`);
const json = (stdout: string) => JSON.parse(stdout) as Record<string, unknown>;
/** Numbers the sandbox received as envelopes, over all engagements so far. */
const called = () =>
  new Set(cli.sandbox.state.envelopes.map((e) => String(e.attributes['phone-number'])));

describe('optouts: the contract', () => {
  it('add, list, remove and import, with the exit codes and JSON keys of issue 19', async () => {
    const folder = fresh();
    const env = cliEnv(null, join(folder, 'home'));

    const added = await runCliProcess(
      ['optouts', 'add', '(212) 736-5000', '+1 312 555 0142', '--json'],
      env,
    );
    expect(added.code, added.stderr).toBe(0);
    expect(json(added.stdout)).toEqual({ added: 2, already: 0 });
    const again = await runCliProcess(
      ['optouts', 'add', '212.736.5000', '4155550123', '--json'],
      env,
    );
    expect(json(again.stdout)).toEqual({ added: 1, already: 1 });

    // One invalid number: exit 2 and nothing added, not even the valid one.
    const refused = await runCliProcess(
      ['optouts', 'add', '6465550100', 'call me maybe', '--json'],
      env,
    );
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('"call me maybe"');
    expect(refused.stderr).toContain('Nothing was added.');

    const listed = await runCliProcess(['optouts', 'list', '--json'], env);
    expect(listed.code).toBe(0);
    const numbers = json(listed.stdout).numbers as Array<Record<string, unknown>>;
    expect(Object.keys(json(listed.stdout))).toEqual(['numbers']);
    expect(numbers.map((x) => Object.keys(x))).toEqual([
      ['e164', 'source', 'addedAt'],
      ['e164', 'source', 'addedAt'],
      ['e164', 'source', 'addedAt'],
    ]);
    expect(numbers.map((x) => x.e164).sort()).toEqual([
      '+12127365000',
      '+13125550142',
      '+14155550123',
    ]);
    expect(
      numbers.every(
        (x) =>
          x.source === 'typed' &&
          typeof x.addedAt === 'string' &&
          !Number.isNaN(Date.parse(x.addedAt as string)),
      ),
    ).toBe(true);

    const removed = await runCliProcess(
      ['optouts', 'remove', '312-555-0142', '6465550100', '--json'],
      env,
    );
    expect(removed.code).toBe(0);
    expect(json(removed.stdout)).toEqual({ removed: 1 });

    const csv = join(folder, 'dnc.csv');
    writeFileSync(
      csv,
      'Name,Mobile Phone\nAnn,212 736 5000\nBo,646-555-0100\nCy,n/a\nDi,\nEd,(718) 555-0123\n',
    );
    const imported = await runCliProcess(['optouts', 'import', csv, '--json'], env);
    expect(imported.code, imported.stderr).toBe(0);
    expect(json(imported.stdout)).toEqual({ added: 2, already: 1, invalid: 1 });
    const after = json((await runCliProcess(['optouts', 'list', '--json'], env)).stdout)
      .numbers as Array<{ e164: string; source: string }>;
    expect(after.map((x) => x.e164).sort()).toEqual([
      '+12127365000',
      '+14155550123',
      '+16465550100',
      '+17185550123',
    ]);
    expect(after.find((x) => x.e164 === '+17185550123')?.source).toBe('imported');

    // Without --json: words for a person on stdout.
    const text = await runCliProcess(['optouts', 'list'], env);
    expect(text.stdout).toMatch(/^\+1\d{10} +typed +\d{4}-/m);
  });

  it('refuses what it cannot use with exit 2, naming it', async () => {
    const env = cliEnv(null, join(fresh(), 'home'));
    const cases: Array<[string[], RegExp]> = [
      [['optouts'], /say what to do/],
      [['optouts', 'forget', '2127365000'], /unknown action "forget"/],
      [['optouts', 'add'], /give at least one number/],
      [['optouts', 'import'], /give one file/],
      [['optouts', 'import', join(cli.dir, 'nowhere.csv')], /nowhere\.csv/],
      [['optouts', 'list', 'extra'], /unknown argument "extra"/],
      [['optouts', 'add', '2127365000', '--to', '1'], /unknown option "--to"/],
    ];
    for (const [args, message] of cases) {
      const result = await runCliProcess(args, env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    const noColumn = join(cli.dir, 'names.csv');
    writeFileSync(noColumn, 'Name,Email\nAnn,a@b.c\n');
    const refused = await runCliProcess(['optouts', 'import', noColumn], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/names\.csv: no phone number column was found/);
    const help = await runCliProcess(['--help'], env);
    expect(help.stdout).toContain('optouts add <number>... [--json]');
    expect(help.stdout).toContain('OMNIGAGE_DNC_FILE');
  });
});

describe('an opted-out number never reaches the sandbox', () => {
  it('from the CLI: validate counts it in optedOut, send leaves it out', async () => {
    const folder = fresh();
    const env = cliEnv(cli.sandbox, join(folder, 'home'));
    const phones = ['+12025550161', '+12025550162', '+12025550163'];
    const file = writeCampaign(folder, {
      callerId: cli.sandbox.callerId.phoneNumber,
      rows: phones.map((p, i) => `${p},N${i},L${i}`),
    });
    expect((await runCliProcess(['optouts', 'add', '(202) 555-0162'], env)).code).toBe(0);
    const validated = await runCliProcess(['validate', file, '--json'], env);
    expect(validated.code).toBe(0);
    expect(json(validated.stdout).recipients).toEqual({
      total: 3,
      valid: 2,
      invalid: 0,
      duplicates: 0,
      optedOut: 1,
    });
    const sent = await runCliProcess(['send', file, '--json'], env);
    expect(sent.code, sent.stderr).toBe(0);
    const out = json(sent.stdout);
    expect(out).toMatchObject({ envelopes: 2, status: 'scheduled' });
    expect(
      cli.sandbox.state
        .envelopesOf(out.engagementId as string)
        .map((e) => e.attributes['phone-number'])
        .sort(),
    ).toEqual(['+12025550161', '+12025550163']);
    expect(called().has('+12025550162')).toBe(false);
  });

  it('from the app’s services and the CLI on one data folder: each honours what the other added', async () => {
    const folder = fresh();
    const home = join(folder, 'home');
    const env = cliEnv(cli.sandbox, home);
    // The CLI adds a number, the app's services (another profile: the sandbox one) hold it back.
    expect((await runCliProcess(['optouts', 'add', '202-555-0172'], env)).code).toBe(0);
    const services = createServices({
      dataDir: home,
      log: createMemoryLogger(),
      secrets: new MemorySecretStore(),
      env: sandboxEnv(cli.sandbox),
    });
    try {
      const profile = await services.profiles.addSandbox(cli.sandbox.baseUrl);
      services.optOuts.add(['+12025550173']);
      const c = services.campaigns.create('App campaign');
      services.campaigns.update(c.id, {
        callerId: cli.sandbox.callerId.id,
        human: { kind: 'text', body: 'Hello', voice: 'Polly-Joanna' },
      });
      const list = join(folder, 'app.csv');
      writeFileSync(list, 'Phone\n+12025550171\n+12025550172\n+12025550173\n');
      services.recipients.import({ campaignId: c.id, filePath: list });
      services.profiles.useForCampaign(c.id, profile.id);
      await services.send.start(c.id);
      const done = await services.send.settled(c.id);
      expect(done?.state).toBe('scheduled');
      expect(
        cli.sandbox.state.envelopesOf(done!.engagementId!).map((e) => e.attributes['phone-number']),
      ).toEqual(['+12025550171']);
      // Results say why the others were not called.
      const results = services.results.page(c.id, 0, 10);
      expect(results.rows.map((r) => r.outcome)).toEqual([
        null,
        'not called: opted out',
        'not called: opted out',
      ]);
    } finally {
      await services.send.stopOutbox();
      services.close();
    }
    // The app's number is on the CLI's list, which a CLI send honours.
    const listed = json((await runCliProcess(['optouts', 'list', '--json'], env)).stdout)
      .numbers as Array<{ e164: string }>;
    expect(listed.map((x) => x.e164).sort()).toEqual(['+12025550172', '+12025550173']);
    const file = writeCampaign(join(folder, 'cli'), {
      callerId: cli.sandbox.callerId.phoneNumber,
      rows: ['+12025550173,A,B', '+12025550174,C,D'],
    });
    const sent = await runCliProcess(['send', file, '--json'], env);
    expect(sent.code, sent.stderr).toBe(0);
    expect(json(sent.stdout)).toMatchObject({ envelopes: 1 });
    expect(called().has('+12025550172')).toBe(false);
    expect(called().has('+12025550173')).toBe(false);
  });
});

describe('the office’s shared file (OMNIGAGE_DNC_FILE)', () => {
  it('two data folders, two processes adding at once: both then see every number, and no line is torn', async () => {
    const folder = fresh();
    const shared = join(folder, 'office', 'do-not-call.csv');
    mkdirSync(join(folder, 'office'), { recursive: true });
    const envA = cliEnv(null, join(folder, 'laptop-a'), { OMNIGAGE_DNC_FILE: shared });
    const envB = cliEnv(null, join(folder, 'laptop-b'), { OMNIGAGE_DNC_FILE: shared });
    const numbersA = Array.from({ length: 40 }, (_, i) => `+1202555${String(1000 + i)}`);
    const numbersB = Array.from({ length: 40 }, (_, i) => `+1303555${String(2000 + i)}`);
    // Each data folder is opened once first (two processes creating one database at the same
    // moment is a separate matter: see the report), then each laptop runs several adds, all at
    // the same time as the other laptop's.
    for (const env of [envA, envB])
      expect((await runCliProcess(['optouts', 'list'], env)).code).toBe(0);
    const runs = [0, 1, 2, 3].flatMap((k) => [
      runCliProcess(['optouts', 'add', ...numbersA.slice(k * 10, k * 10 + 10), '--json'], envA),
      runCliProcess(['optouts', 'add', ...numbersB.slice(k * 10, k * 10 + 10), '--json'], envB),
    ]);
    for (const result of await Promise.all(runs)) expect(result.code, result.stderr).toBe(0);

    const every = [...numbersA, ...numbersB].sort();
    for (const env of [envA, envB]) {
      const listed = json((await runCliProcess(['optouts', 'list', '--json'], env)).stdout)
        .numbers as Array<{ e164: string }>;
      expect(listed.map((x) => x.e164).sort()).toEqual(every);
    }
    const lines = readFileSync(shared, 'utf8').split('\r\n');
    expect(lines[0]).toBe('number,action,source,detail,added_by,computer,added_at');
    expect(lines.at(-1)).toBe('');
    const body = lines.slice(1, -1);
    expect(body).toHaveLength(80);
    for (const line of body)
      expect(line).toMatch(/^\+1\d{10},add,typed,,[^,]*,[^,]*,\d{4}-\d\d-\d\dT[\d:.]+Z$/);
    expect(new Set(body.map((l) => l.split(',')[0])).size).toBe(80);

    // Laptop B takes one of A's numbers off: A no longer has it either.
    expect(
      json((await runCliProcess(['optouts', 'remove', numbersA[0]!, '--json'], envB)).stdout),
    ).toEqual({ removed: 1 });
    const listedA = json((await runCliProcess(['optouts', 'list', '--json'], envA)).stdout)
      .numbers as Array<{ e164: string }>;
    expect(listedA.map((x) => x.e164)).not.toContain(numbersA[0]);
    expect(listedA).toHaveLength(79);
  });

  it('a stale copy blocks a send, saying how old it is; a recent one lets it go with a warning', async () => {
    const folder = fresh();
    const office = join(folder, 'office');
    mkdirSync(office, { recursive: true });
    const shared = join(office, 'do-not-call.csv');
    writeFileSync(shared, 'number\n(202) 555-0182\n');
    const home = join(folder, 'home');
    const env = cliEnv(cli.sandbox, home, { OMNIGAGE_DNC_FILE: shared });
    const file = writeCampaign(folder, {
      callerId: cli.sandbox.callerId.phoneNumber,
      rows: ['+12025550181,A,B', '+12025550182,C,D'],
    });
    const validated = await runCliProcess(['validate', file, '--json'], env);
    expect(json(validated.stdout).recipients).toMatchObject({ valid: 1, optedOut: 1 });

    // The shared folder disconnects; the copy read here is made 8 days old.
    renameSync(office, join(folder, 'office-gone'));
    const db = new Database(join(home, 'campaigns.sqlite'));
    db.prepare('UPDATE do_not_call_shared_file SET read_at = ? WHERE id = 1').run(
      new Date(Date.now() - 8 * 24 * 3600_000).toISOString(),
    );
    db.close();
    const before = cli.sandbox.state.requests.length;
    const refused = await runCliProcess(['send', file, '--json'], env);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain("The office's do-not-call file cannot be read");
    expect(refused.stderr).toContain('The last copy read here is 8 days old');
    expect(refused.stderr).toContain('older than the 7-day limit, so nothing was sent');
    expect(cli.sandbox.state.requests.slice(before).filter((r) => r.method === 'POST')).toEqual([]);

    // The office allows 10 days: the send goes, with the age said, and the copy's number held back.
    const allowed = await runCliProcess(['send', file, '--json'], {
      ...env,
      OMNIGAGE_DNC_MAX_AGE_DAYS: '10',
    });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stderr).toMatch(
      /The last copy read here is 8 days old .*; numbers are checked against that copy \(the limit is 10 days\)/,
    );
    const out = json(allowed.stdout);
    expect(
      cli.sandbox.state
        .envelopesOf(out.engagementId as string)
        .map((e) => e.attributes['phone-number']),
    ).toEqual(['+12025550181']);
    expect(called().has('+12025550182')).toBe(false);
  });

  it('never read and not reachable: the send is refused, saying the numbers are not known', async () => {
    const folder = fresh();
    const env = cliEnv(cli.sandbox, join(folder, 'home'), {
      OMNIGAGE_DNC_FILE: join(folder, 'no such folder', 'dnc.csv'),
    });
    const file = writeCampaign(folder, {
      callerId: cli.sandbox.callerId.phoneNumber,
      rows: ['+12025550191,A,B'],
    });
    const refused = await runCliProcess(['send', file], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'It has never been read on this computer, so the numbers on it are not known and nothing was sent.',
    );
  });
});
