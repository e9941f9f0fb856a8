import { describe, expect, it } from 'vitest';
import type { Profile } from '../../shared/profiles';
import type { ValidationSummary } from '../../shared/recipients/summary';
import { buildChecklist, type ChecklistInput } from '../../renderer/lib/checklist';
import {
  estimateSpokenMs,
  formatClock,
  insertField,
  isKnownVoice,
} from '../../renderer/lib/message';
import { parseHash, toHash } from '../../renderer/lib/navigation.svelte';
import { outcomeLabel, statusLabel } from '../../renderer/lib/results.svelte';
import { sendFraction, timeLeft } from '../../renderer/lib/send.svelte';
import { profileForCampaign } from '../../renderer/lib/settings.svelte';

const profile: Profile = {
  id: 'p',
  name: 'Riverside',
  apiUrl: 'https://api.omnigage.io/api/v1/',
  accountKey: '',
  tokenKey: 'k',
  hasSecret: true,
  isActive: true,
  isLocal: false,
  testedAt: '2024-05-01T10:00:00.000Z',
  createdAt: '',
  updatedAt: '',
};

const summary = (
  over: Partial<ValidationSummary['recipients']> = {},
  extra: Partial<ValidationSummary> = {},
): ValidationSummary => ({
  ok: true,
  recipients: { total: 10, valid: 10, invalid: 0, duplicates: 0, optedOut: 0, ...over },
  problems: [],
  mergeFields: { used: [], missing: [] },
  ...extra,
});

const ready: ChecklistInput = {
  profile,
  keychain: { available: true, backend: 'test' },
  callerId: 'cid',
  callerIdCheck: {
    status: 'verified',
    callerId: { id: 'cid', phoneNumber: '+15555550100', label: 'Main', fetchedAt: '' },
  },
  human: { kind: 'text', body: 'Hello', voice: 'Polly-Joanna' },
  separateVoicemail: false,
  machine: null,
  summary: summary(),
  quietHours: {
    checkedAt: '',
    outside: 0,
    inside: 10,
    unknown: 0,
    zones: [],
    warning: null,
    groups: [{ zones: ['America/New_York'], recipients: 10 }],
  },
  // 12:00 in New York.
  now: new Date('2031-03-04T17:00:00Z'),
};

const states = (input: ChecklistInput) =>
  Object.fromEntries(buildChecklist(input).map((c) => [c.id, c.state]));

describe('review checklist', () => {
  it('is all green for a complete campaign', () => {
    expect(states(ready)).toEqual({
      profile: 'ok',
      'caller-id': 'ok',
      messages: 'ok',
      recipients: 'ok',
      'merge-fields': 'ok',
      'quiet-hours': 'ok',
    });
  });

  it('separates what blocks the send from what only warns', () => {
    const checks = buildChecklist({
      ...ready,
      profile: { ...profile, hasSecret: false },
      callerIdCheck: { status: 'unverified', value: '+1 212 555 0100', warning: 'Not verified.' },
      human: { kind: 'text', body: '   ', voice: 'Polly-Joanna' },
      summary: summary(
        { valid: 7, invalid: 2, duplicates: 1 },
        { mergeFields: { used: ['first-name'], missing: [{ field: 'first-name', rows: [3, 4] }] } },
      ),
      // 04:00 in Los Angeles, 07:00 in New York.
      now: new Date('2031-03-04T12:00:00Z'),
      quietHours: {
        checkedAt: '',
        outside: 4,
        inside: 3,
        unknown: 0,
        zones: [],
        warning: null,
        groups: [
          { zones: ['America/Los_Angeles'], recipients: 4 },
          { zones: ['Europe/Berlin'], recipients: 3 },
        ],
      },
    });
    const by = Object.fromEntries(checks.map((c) => [c.id, c]));
    expect(by.profile!.state).toBe('blocking');
    expect(by.messages!.state).toBe('blocking');
    expect(by['caller-id']!.state).toBe('warning');
    expect(by.recipients).toMatchObject({
      state: 'warning',
      detail: '7 recipients will be called; 2 invalid numbers, 1 duplicate will not.',
    });
    expect(by['merge-fields']).toMatchObject({
      state: 'warning',
      detail: '{{first-name}} is empty for 2 recipients. They will hear a gap.',
    });
    expect(by['quiet-hours']).toMatchObject({
      state: 'warning',
      detail: expect.stringContaining('outside 08:00–21:00'),
    });
    expect(by.recipients!.fix).toEqual({ tab: 'recipients' });
    expect(by.profile!.fix).toEqual({ settings: true });
  });

  it('says how many numbers have an extension a call cannot dial', () => {
    const extension = (row: number) => ({
      row,
      column: 'Phone',
      code: 'phone_extension' as const,
      message: `The number on row ${row} has an extension.`,
      blocking: false,
    });
    const one = buildChecklist({
      ...ready,
      summary: summary({}, { problems: [extension(3)] }),
    }).find((c) => c.id === 'recipients');
    expect(one).toMatchObject({
      state: 'warning',
      detail:
        '10 recipients will be called. 1 number has an extension a call cannot dial: the main number is called.',
      fix: { tab: 'recipients' },
    });
    const withHeld = buildChecklist({
      ...ready,
      summary: summary({ valid: 9, invalid: 1 }, { problems: [extension(3), extension(5)] }),
    }).find((c) => c.id === 'recipients');
    expect(withHeld!.detail).toBe(
      '9 recipients will be called; 1 invalid number will not. 2 numbers have extensions a call cannot dial: the main number is called.',
    );
  });

  it('checks calling hours at the send time when there is one', () => {
    const groups = [
      { zones: ['America/New_York'], recipients: 6 },
      { zones: ['America/Los_Angeles'], recipients: 4 },
    ];
    const quietHours = {
      checkedAt: '',
      outside: 0,
      inside: 10,
      unknown: 0,
      zones: [],
      warning: null,
      groups,
    };
    // 2031-03-04 13:00 UTC: 08:00 in New York, 05:00 in Los Angeles.
    const early = buildChecklist({
      ...ready,
      quietHours,
      now: new Date('2031-03-01T12:00:00Z'),
      sendAt: new Date('2031-03-04T13:00:00Z'),
    }).find((c) => c.id === 'quiet-hours')!;
    expect(early.state).toBe('warning');
    expect(early.detail).toBe(
      'At the send time it is outside 08:00–21:00 for 4 recipients: America/Los_Angeles (05:00, 4 recipients).',
    );
    const noon = buildChecklist({
      ...ready,
      quietHours,
      now: new Date('2031-03-01T12:00:00Z'),
      sendAt: new Date('2031-03-04T20:00:00Z'),
    }).find((c) => c.id === 'quiet-hours')!;
    expect(noon.state).toBe('ok');
  });

  it('blocks on a missing list, an unknown merge field, no keychain and a voicemail without its recording', () => {
    const noList = summary(
      { total: 0, valid: 0 },
      { problems: [{ row: 0, code: 'no_recipient_list', message: 'x', blocking: true }] },
    );
    expect(states({ ...ready, summary: noList }).recipients).toBe('blocking');
    const unknown = summary(
      {},
      {
        problems: [
          {
            row: 0,
            code: 'unknown_merge_field',
            message: 'The message uses {{frist}}.',
            blocking: true,
          },
        ],
      },
    );
    expect(states({ ...ready, summary: unknown })['merge-fields']).toBe('blocking');
    expect(
      states({ ...ready, keychain: { available: false, reason: 'not-installed', message: 'none' } })
        .profile,
    ).toBe('blocking');
    expect(states({ ...ready, separateVoicemail: true, machine: null }).messages).toBe('blocking');
    expect(states({ ...ready, profile: null }).profile).toBe('blocking');
    expect(states({ ...ready, callerId: ' ' })['caller-id']).toBe('blocking');
  });

  it('trusts a profile only after a connection test, and says how to add one in plain words', () => {
    const untested = buildChecklist({ ...ready, profile: { ...profile, testedAt: null } }).find(
      (c) => c.id === 'profile',
    )!;
    expect(untested).toMatchObject({
      state: 'warning',
      action: 'Test the connection in Settings',
      fix: { settings: true },
    });
    expect(untested.detail).toBe(
      '"Riverside" has not passed a connection test, so its token is not known to work. Test the connection in Settings.',
    );
    const none = buildChecklist({ ...ready, profile: null }).find((c) => c.id === 'profile')!;
    expect(none).toMatchObject({ label: 'Omnigage account', action: 'Add your Omnigage account' });
    expect(none.detail).toMatch(/^Add your Omnigage account in Settings/);
    expect(none.detail).not.toMatch(/offline|OMNIGAGE_/i);
  });

  it('names every fix button for what it fixes, so no two read the same', () => {
    const checks = buildChecklist({
      ...ready,
      callerId: '',
      human: null,
      summary: summary({ valid: 7, invalid: 3 }),
    });
    const names = checks.filter((c) => c.fix).map((c) => c.action);
    expect(names).toEqual(['Fix the caller ID', 'Fix the messages', 'Fix the recipients']);
  });
});

describe('message helpers', () => {
  it('estimates spoken length from words, merge fields and sentence pauses', () => {
    expect(estimateSpokenMs('')).toBe(0);
    // 10 words at 2.5 words a second, one sentence end.
    expect(estimateSpokenMs('one two three four five six seven eight nine ten.')).toBe(4000 + 350);
    // A merge field counts as two words.
    expect(estimateSpokenMs('Hello {{first-name}}')).toBe(Math.round((3 / 2.5) * 1000));
    expect(formatClock(65_000)).toBe('1:05');
  });

  it('inserts a merge field at the cursor with the spaces the text needs', () => {
    expect(insertField('Hello, welcome', 'first-name', 5, 5)).toEqual({
      text: 'Hello {{first-name}}, welcome',
      cursor: 20,
    });
    expect(insertField('Hi ', 'name', 3, 3)).toEqual({ text: 'Hi {{name}}', cursor: 11 });
    expect(insertField('Dear X!', 'name', 5, 6)).toEqual({ text: 'Dear {{name}}!', cursor: 13 });
    expect(isKnownVoice('Polly-Joanna')).toBe(true);
    expect(isKnownVoice('Polly-Nobody')).toBe(false);
  });

  it('round-trips views through the address fragment', () => {
    const id = '0b6f3f0e-6c55-4f0e-9a8a-1d2c3b4a5f60';
    expect(parseHash(toHash({ name: 'campaign', id, tab: 'recipients' }))).toEqual({
      name: 'campaign',
      id,
      tab: 'recipients',
    });
    expect(parseHash('#/campaign/not-an-id/review')).toEqual({ name: 'campaigns' });
    expect(parseHash(`#/campaign/${id}/nonsense`)).toEqual({
      name: 'campaign',
      id,
      tab: 'message',
    });
    expect(parseHash('#/settings')).toEqual({ name: 'settings' });
  });

  it('words send progress and results for people', () => {
    const base = {
      state: 'sending',
      envelopesSent: 25,
      envelopesTotal: 100,
      etaSeconds: 130,
    } as const;
    expect(sendFraction(base as never)).toBe(0.25);
    expect(sendFraction({ ...base, state: 'scheduled' } as never)).toBe(1);
    expect(timeLeft(base as never)).toBe('about 2 minutes left');
    expect(timeLeft({ ...base, state: 'paused' } as never)).toBeNull();
    expect(outcomeLabel('no-answer')).toBe('No answer');
    expect(outcomeLabel('not sent: invalid')).toBe('Not sent: invalid');
    expect(statusLabel('completed')).toBe('Call finished');
  });
});

describe('profileForCampaign', () => {
  const other: Profile = { ...profile, id: 'q', name: 'Rehearsal', isActive: false };
  it("is the campaign's own profile, else the one new campaigns use", () => {
    expect(profileForCampaign([profile, other], 'q')?.name).toBe('Rehearsal');
    expect(profileForCampaign([profile, other], null)?.name).toBe('Riverside');
    // A campaign whose profile was deleted is sent with the active one, as main decides.
    expect(profileForCampaign([profile, other], 'deleted')?.name).toBe('Riverside');
    expect(profileForCampaign([other], null)).toBeNull();
  });
});
