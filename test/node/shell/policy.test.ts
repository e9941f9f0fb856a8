import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { policyPath, readPolicy } from '../../../electron/policy';

const dir = mkdtempSync(join(tmpdir(), 'omnigage-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const write = (text: string) => {
  const path = join(dir, `policy-${++n}.json`);
  writeFileSync(path, text);
  return path;
};

describe("the organisation's policy file", () => {
  it('lives in a machine-wide folder on each system, or where OMNIGAGE_POLICY_FILE says', () => {
    expect(policyPath('win32', { ProgramData: 'D:\\ProgramData' })).toBe(
      join('D:\\ProgramData', 'Omnigage Campaigns', 'policy.json'),
    );
    expect(policyPath('darwin', {})).toBe(
      '/Library/Application Support/Omnigage Campaigns/policy.json',
    );
    expect(policyPath('linux', {})).toBe('/etc/omnigage-campaigns/policy.json');
    expect(policyPath('linux', { OMNIGAGE_POLICY_FILE: '/srv/policy.json' })).toBe(
      '/srv/policy.json',
    );
  });

  it('applies every setting it knows, a BOM written by Notepad included', () => {
    const path = write(
      '\uFEFF' +
        JSON.stringify({
          apiUrl: 'https://api.omnigage.io/api/v1/',
          accountKey: 'firstbank',
          updates: 'off',
          updateChannel: 'beta',
          updateUrl: 'https://updates.example.org/campaigns/',
          hideSandbox: true,
        }),
    );
    expect(readPolicy(path)).toEqual({
      state: 'applied',
      path,
      policy: {
        apiUrl: 'https://api.omnigage.io/api/v1/',
        accountKey: 'firstbank',
        updates: 'off',
        updateChannel: 'beta',
        updateUrl: 'https://updates.example.org/campaigns/',
        hideSandbox: true,
      },
    });
  });

  it('is simply absent on a laptop the organisation does not manage', () => {
    expect(readPolicy(join(dir, 'none.json'))).toEqual({
      state: 'none',
      path: join(dir, 'none.json'),
    });
  });

  it('refuses a file it cannot use as a whole, naming the file and the setting', () => {
    const cases: Array<[string, RegExp]> = [
      ['{ "updates": "off", ', /is not valid JSON/],
      [
        '{ "apiUrl": "http://api.omnigage.io/api/v1/" }',
        /"apiUrl" must be a full https:\/\/ address/,
      ],
      ['{ "updates": "never" }', /"updates"/],
      ['{ "hideSandbox": "yes" }', /"hideSandbox"/],
      ['{ "upates": "off" }', /does not know \(upates\)/],
      [`{ "accountKey": "${'x'.repeat(70_000)}" }`, /larger than a policy file can be/],
    ];
    for (const [text, message] of cases) {
      const path = write(text);
      const reading = readPolicy(path);
      expect(reading.state, text.slice(0, 40)).toBe('invalid');
      if (reading.state !== 'invalid') continue;
      expect(reading.problem).toContain(path);
      expect(reading.problem).toMatch(message);
    }
  });

  it('says a file it may not read is unreadable, rather than pretending there is none', () => {
    const reading = readPolicy('/etc/policy.json', () => {
      throw Object.assign(new Error('denied'), { code: 'EACCES' });
    });
    expect(reading).toEqual({
      state: 'invalid',
      path: '/etc/policy.json',
      problem: expect.stringMatching(/cannot be read \(EACCES\)/),
    });
  });
});
