import { describe, expect, it } from 'vitest';
import { callerNumberKey, isLoopbackUrl, normalizeApiUrl } from '../../../shared/profiles';

describe('normalizeApiUrl', () => {
  it('accepts https anywhere and plain http only on this computer, always ending in a slash', () => {
    expect(normalizeApiUrl(' https://api.omnigage.io/api/v1 ')).toEqual({
      ok: true,
      url: 'https://api.omnigage.io/api/v1/',
    });
    expect(normalizeApiUrl('http://127.0.0.1:4010/api/v1/')).toEqual({
      ok: true,
      url: 'http://127.0.0.1:4010/api/v1/',
    });
    expect(normalizeApiUrl('http://localhost:4010/api/v1')).toEqual({
      ok: true,
      url: 'http://localhost:4010/api/v1/',
    });
    expect(normalizeApiUrl('http://[::1]:4010/api/v1')).toEqual({
      ok: true,
      url: 'http://[::1]:4010/api/v1/',
    });
  });

  it('refuses what would leak the token or could not be an API address', () => {
    const refused = (raw: string) => {
      const result = normalizeApiUrl(raw);
      return result.ok ? 'accepted' : result.message;
    };
    expect(refused('http://api.omnigage.io/api/v1/')).toMatch(
      /plain http:\/\/ is allowed only for a sandbox/,
    );
    // A look-alike host is not this computer.
    expect(refused('http://127.0.0.1.example.com/api/v1/')).toMatch(/https/);
    expect(refused('ftp://api.omnigage.io/')).toMatch(/must start with https/);
    expect(refused('https://key:secret@api.omnigage.io/api/v1/')).toMatch(
      /Leave user names and passwords out/,
    );
    expect(refused('https://api.omnigage.io/api/v1/?x=1')).toMatch(/"\?"/);
    expect(refused('api.omnigage.io')).toMatch(/full API address/);
  });

  it('knows which addresses are local', () => {
    expect(isLoopbackUrl('http://127.0.0.1:4010/api/v1/')).toBe(true);
    expect(isLoopbackUrl('https://api.omnigage.io/api/v1/')).toBe(false);
    expect(isLoopbackUrl('not a url')).toBe(false);
  });
});

describe('callerNumberKey', () => {
  it('compares hand-typed numbers by their digits', () => {
    expect(callerNumberKey('+1 (212) 555-0100')).toBe('+12125550100');
    expect(callerNumberKey('212.555.0100')).toBe('+12125550100');
    expect(callerNumberKey('+44 20 7946 0018')).toBe('+442079460018');
  });
});
