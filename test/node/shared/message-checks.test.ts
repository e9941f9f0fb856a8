import { describe, expect, it } from 'vitest';
import { VOICEMAIL_LIMIT_MS, checkMessage, estimateSpokenMs } from '../../../shared/message-checks';
import { canonicalVoice, findVoice, voicesByLanguage } from '../../../shared/voices';

const codes = (text: string, voicemail = false) =>
  checkMessage({ text, voicemail }).map((c) => c.code);
const GOOD = 'Hello {{first-name}}, this is Maple Clinic. Please call us at (212) 555-0142.';

describe('message checks (warnings, never blocking)', () => {
  it('a message that names the caller and gives a number passes', () => {
    expect(codes(GOOD, true)).toEqual([]);
    expect(codes('')).toEqual([]);
  });

  it('asks who is calling and for a number to call back', () => {
    expect(codes('Your appointment is tomorrow.')).toEqual([
      'no_caller_name',
      'no_callback_number',
    ]);
    expect(codes('This is Riverside Bank. Call 555-0199.')).toEqual([]);
    // A merge field that holds a number counts as the callback number.
    expect(codes('This is Riverside Bank. Call {{branch-phone}}.')).toEqual([]);
  });

  it('warns when the voicemail needs a live listener, only for the voicemail', () => {
    const text = `${GOOD} Press 1 to confirm.`;
    expect(codes(text, true)).toEqual(['live_listener']);
    expect(codes(text, false)).toEqual([]);
    expect(
      checkMessage({ text: `${GOOD} Please stay on the line.`, voicemail: true })[0]?.message,
    ).toContain('stay on the line');
  });

  it('points out numbers speech engines misread, not money or real times', () => {
    const found = checkMessage({ text: `${GOOD} See you at 11.30 on 3/4.`, voicemail: false });
    expect(found.map((c) => c.code)).toEqual(['misread_number', 'misread_number']);
    expect(found[0]!.message).toContain('write 11:30');
    expect(found[1]!.message).toContain('“3/4”');
    expect(codes(`${GOOD} The fee is $11.30, due at 11:30 AM, rate 4.25%.`)).toEqual([]);
  });

  it('warns when a voicemail plays longer than a mailbox records', () => {
    const long = `${GOOD} ${'We look forward to seeing you at the clinic soon. '.repeat(20)}`;
    expect(estimateSpokenMs(long)).toBeGreaterThan(VOICEMAIL_LIMIT_MS);
    expect(codes(long, true)).toEqual(['too_long']);
    expect(codes(long, false)).toEqual([]);
    expect(estimateSpokenMs('one two three four five')).toBe(2000);
  });
});

describe('voices', () => {
  it('recognises a voice typed by its shown name, and keeps unknown ones as typed', () => {
    expect(findVoice('Lupe')?.id).toBe('Polly-Lupe');
    expect(canonicalVoice(' lupe ')).toBe('Polly-Lupe');
    expect(canonicalVoice('polly-joanna')).toBe('Polly-Joanna');
    expect(canonicalVoice('Polly-Newvoice')).toBe('Polly-Newvoice');
    expect(findVoice('')).toBeNull();
  });

  it('groups voices by language, US English first, each with gender and a description', () => {
    const groups = voicesByLanguage();
    expect(groups[0]!.language).toBe('English (US)');
    expect(groups.find((g) => g.language === 'Spanish (US)')?.voices.map((v) => v.name)).toContain(
      'Lupe',
    );
    for (const g of groups)
      for (const voice of g.voices) expect(voice.description.length).toBeGreaterThan(0);
  });
});
