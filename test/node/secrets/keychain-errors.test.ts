import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { describeKeychainFailure, keychainError } from '../../../electron/secrets/keychain-errors';

// The texts below are what keytar passes on from libsecret / Security.framework / the Windows
// credential API in each situation (the Linux ones were produced on this machine).
describe('describeKeychainFailure', () => {
  it('says what to install when Linux has no Secret Service or no D-Bus session', () => {
    for (const text of [
      'Cannot autolaunch D-Bus without X11 $DISPLAY',
      'The name org.freedesktop.secrets was not provided by any .service files',
      'Failed to connect to socket /nonexistent/bus: No such file or directory',
    ]) {
      const failure = describeKeychainFailure(new Error(text), 'linux');
      expect(failure.reason).toBe('not-installed');
      expect(failure.message).toMatch(/gnome-keyring/);
      expect(failure.message).toMatch(/libsecret/);
      expect(failure.message).toMatch(/never in a file/);
      expect(failure.message).toContain(text); // the original words, for support
    }
  });

  it('says to unlock the keyring when Linux has one but it is locked or has no login collection', () => {
    for (const text of [
      'Object does not exist at path “/org/freedesktop/secrets/collection/login”',
      'Cannot create an item in a locked collection',
    ]) {
      const failure = describeKeychainFailure(new Error(text), 'linux');
      expect(failure.reason).toBe('locked');
      expect(failure.message).toMatch(/Unlock your login keyring/);
    }
  });

  it('treats a dismissed unlock prompt as a refusal', () => {
    expect(describeKeychainFailure(new Error('Prompt dismissed'), 'linux').reason).toBe('denied');
    expect(
      describeKeychainFailure(new Error('User canceled the operation.'), 'darwin').reason,
    ).toBe('denied');
  });

  it('names the macOS login keychain and Windows Credential Manager on those systems', () => {
    const mac = describeKeychainFailure(new Error('User interaction is not allowed.'), 'darwin');
    expect(mac).toMatchObject({ reason: 'locked' });
    expect(mac.message).toMatch(/macOS login keychain is locked/);
    const macOther = describeKeychainFailure(
      new Error('The specified keychain could not be found.'),
      'darwin',
    );
    expect(macOther.message).toMatch(/Keychain Access/);
    const win = describeKeychainFailure(new Error('Element not found.'), 'win32');
    expect(win.message).toMatch(/Credential Manager/);
  });

  it('wraps anything else as keychain_unavailable, and lets an AppError through unchanged', () => {
    const wrapped = keychainError(new Error('odd failure'), 'linux');
    expect(wrapped).toBeInstanceOf(AppError);
    expect(wrapped.code).toBe('keychain_unavailable');
    expect(wrapped.message).toMatch(/odd failure/);
    const original = new AppError('timeout', 'slow');
    expect(keychainError(original)).toBe(original);
  });
});
