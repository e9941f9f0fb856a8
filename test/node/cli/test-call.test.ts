import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cliEnv, runCliProcess, writeCampaign, useCliSandbox } from './helpers';

// Each case runs the CLI as a real process, several times: a loaded machine needs more than the default.
/** `test-call <campaign.json> --to <number> [--row N] [--json]`: the EXACT contract of issue 13. */
const cli = useCliSandbox('cli-test-call');

let n = 0;
const fresh = () => join(cli.dir, `case-${++n}`);
const ROWS = ['n/a,Zed,Nobody', '(202) 555-0101,Ann,Lee', '202-555-0102,Bo,Ng'];

describe('test-call', () => {
  it("schedules one call to --to with row N's values, prints { engagementId, to, row }; a later send sends the campaign in full", async () => {
    const folder = fresh();
    const file = writeCampaign(folder, {
      name: 'Snow day',
      callerId: cli.sandbox.callerId.id,
      rows: ROWS,
    });
    const env = cliEnv(cli.sandbox, join(folder, 'home'));
    const result = await runCliProcess(
      ['test-call', file, '--to', '(303) 555-0199', '--row', '3', '--json'],
      env,
    );
    expect(result.stderr).not.toMatch(/went wrong/);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['engagementId', 'to', 'row']);
    expect(out).toMatchObject({ to: '+13035550199', row: 3 });
    const engagementId = out.engagementId as string;
    expect(cli.sandbox.state.get('engagements', engagementId)?.attributes.name).toBe(
      'Snow day — test call',
    );
    const envelopes = cli.sandbox.state.envelopesOf(engagementId);
    expect(envelopes.map((e) => [e.attributes['phone-number'], e.attributes.meta])).toEqual([
      // Only the field the message uses goes (Last Name stays local), as in the campaign's own envelopes.
      ['+13035550199', { 'first-name': 'Bo' }],
    ]);
    expect(cli.sandbox.state.schedulePatchCount(engagementId)).toBe(1);

    // The campaign was not sent, not even linked: status says so.
    const status = await runCliProcess(['status', file, '--json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ campaignId: null, state: 'not-sent' });

    // The audit trail has it.
    const db = new Database(join(folder, 'home', 'campaigns.sqlite'), { readonly: true });
    const audit = db
      .prepare("SELECT campaign_name, remote_id, outcome FROM audit_log WHERE action = 'test-call'")
      .all();
    db.close();
    expect(audit).toEqual([{ campaign_name: 'Snow day', remote_id: engagementId, outcome: 'ok' }]);

    const send = await runCliProcess(['send', file, '--json'], env);
    expect(send.code).toBe(0);
    const sent = JSON.parse(send.stdout) as { engagementId: string; envelopes: number };
    expect(sent.engagementId).not.toBe(engagementId);
    expect(sent.envelopes).toBe(2);
    expect(cli.sandbox.state.envelopesOf(sent.engagementId)).toHaveLength(2);

    // A test call of a sent campaign is still only a test call.
    const again = await runCliProcess(['test-call', file, '--to=+13035550198'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /^Test call scheduled: engagement \S+ calls \+13035550198 with the values of row 2\./,
    );
    expect(cli.sandbox.state.envelopesOf(sent.engagementId)).toHaveLength(2);
  }, 120_000);

  it('defaults to the first valid row', async () => {
    const folder = fresh();
    const file = writeCampaign(folder, { callerId: cli.sandbox.callerId.id, rows: ROWS });
    const result = await runCliProcess(
      ['test-call', file, '--json', '--to', '3035550197'],
      cliEnv(cli.sandbox, join(folder, 'home')),
    );
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { engagementId: string; to: string; row: number };
    expect(out).toMatchObject({ to: '+13035550197', row: 2 });
    expect(cli.sandbox.state.envelopesOf(out.engagementId)[0]!.attributes.meta).toEqual({
      'first-name': 'Ann',
    });
  }, 120_000);

  it('exits 2 for unusable input, before any request', async () => {
    const folder = fresh();
    const file = writeCampaign(folder, { callerId: cli.sandbox.callerId.id, rows: ROWS });
    const env = cliEnv(cli.sandbox, join(folder, 'home'));
    const before = cli.sandbox.state.requests.length;
    const cases: Array<[string[], RegExp]> = [
      [['test-call', file], /--to/],
      [['test-call', file, '--to'], /--to/],
      [['test-call', file, '--to', '12'], /Your number/],
      [
        ['test-call', file, '--to', '3035550197', '--row', '9'],
        /There is no row 9 in the recipient list \(it has 3 rows\)/,
      ],
      [
        ['test-call', file, '--to', '3035550197', '--row', '0'],
        /--row takes the number of a data row/,
      ],
      [['test-call', file, '--to', '3035550197', '--row', 'two'], /--row takes/],
      [['test-call', join(folder, 'missing.json'), '--to', '3035550197'], /does not exist/],
      // --to means nothing to the other commands: refused as any unknown option.
      [['validate', file, '--to', '3035550197'], /unknown argument "--to"/],
    ];
    for (const [args, message] of cases) {
      const result = await runCliProcess(args, env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
    }
    expect(cli.sandbox.state.requests.length).toBe(before);
  }, 120_000);

  it('exits 1 when the call could not be placed', async () => {
    const folder = fresh();
    const file = writeCampaign(folder, { callerId: cli.sandbox.callerId.id, rows: ROWS });
    const env = cliEnv(cli.sandbox, join(folder, 'home'), { OMNIGAGE_API_SECRET: 'wrong' });
    const result = await runCliProcess(['test-call', file, '--to', '3035550197', '--json'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/The test call was not placed/);
  }, 120_000);
});
