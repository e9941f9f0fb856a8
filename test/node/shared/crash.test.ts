import { describe, expect, it } from 'vitest';
import { crashDetails, scrubForSupport } from '../../../shared/crash';

describe('what a problem report may say', () => {
  it('keeps the error and the versions, drops credentials, numbers and e-mail addresses', () => {
    const text = crashDetails({
      where: 'the window',
      name: 'TypeError',
      message:
        'cannot read "first-name" of row for +1 (212) 555-0142, jane.doe@clinic.org, Authorization: Basic a2V5OnNlY3JldA==',
      stack: 'TypeError: x\n    at render (app://omnigage/assets/index-Bx1.js:1:2345)',
      at: '2026-12-02T04:00:00.000Z',
      versions: { app: '0.1.0', electron: '45.5.0' },
    });
    expect(text).toContain('Where: the window');
    expect(text).toContain('Versions: app 0.1.0, electron 45.5.0');
    expect(text).toContain('TypeError: cannot read "first-name"');
    expect(text).toContain('index-Bx1.js:1:2345');
    expect(text).not.toMatch(/555|0142|jane|clinic\.org|a2V5OnNlY3JldA/);
    expect(text).toContain('[number]');
    expect(text).toContain('[e-mail]');
    expect(text).toContain('Basic [redacted]');
  });

  it('leaves short numbers (a line, a count, a version) alone', () => {
    expect(scrubForSupport('row 12 of 1,204 at 4:30, version 45.5.0')).toBe(
      'row 12 of 1,204 at 4:30, version 45.5.0',
    );
    expect(scrubForSupport('call 212.555.0142 ext 4')).toBe('call [number] ext 4');
    expect(scrubForSupport('token sk_live_0123456789abcdefghijklmnopqrstuv')).toBe(
      'token [redacted]',
    );
  });
});
