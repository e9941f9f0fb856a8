import { AppError } from '../../shared/errors';
import type { KeychainProblem } from '../../shared/profiles';

export interface KeychainFailure {
  reason: KeychainProblem;
  message: string;
}

// keytar passes on the platform's own words; these patterns pick out the cases a person can fix.
const LINUX_NOT_INSTALLED =
  /autolaunch|dbus-launch|DBUS_SESSION_BUS_ADDRESS|not provided by any \.service files|ServiceUnknown|org\.freedesktop\.DBus\.Error\.(NoServer|FileNotFound|Spawn)|Failed to connect to socket|Could not connect|libsecret|cannot open shared object|keytar\.node/i;
const LINUX_LOCKED = /locked|Object does not exist at path|No such object|collection|unlock/i;
const DENIED = /dismissed|cancel+ed|denied|not allowed to access|-128\b/i;
const MAC_LOCKED =
  /User interaction is not allowed|could not be unlocked|-25308|-25293|passphrase/i;

/**
 * Turns a keytar failure into words a person can act on: what is missing or locked, and what to
 * install or unlock on this operating system. The platform's original text is kept at the end
 * for support; it never contains a secret.
 */
export function describeKeychainFailure(
  error: unknown,
  platform: NodeJS.Platform = process.platform,
): KeychainFailure {
  const detail = (error instanceof Error ? error.message : String(error)).trim() || 'no details';
  const tail = ` (Details: ${detail})`;
  const never =
    'Omnigage Campaigns keeps API token secrets only in the system keychain and never in a file.';

  if (DENIED.test(detail)) {
    return {
      reason: 'denied',
      message: `Access to the keychain was refused. Allow Omnigage Campaigns to use the keychain when asked, then try again.${tail}`,
    };
  }
  if (platform === 'darwin') {
    if (MAC_LOCKED.test(detail)) {
      return {
        reason: 'locked',
        message: `The macOS login keychain is locked. Unlock it (open Keychain Access and unlock "login"), then try again.${tail}`,
      };
    }
    return {
      reason: 'failed',
      message: `The macOS keychain could not be used. Open Keychain Access, check that the "login" keychain exists and is unlocked, then try again. ${never}${tail}`,
    };
  }
  if (platform === 'win32') {
    return {
      reason: 'failed',
      message: `Windows Credential Manager could not be used. Check that you are signed in to your Windows account and that Credential Manager (Control Panel → Credential Manager) opens, then try again. ${never}${tail}`,
    };
  }
  if (LINUX_NOT_INSTALLED.test(detail)) {
    return {
      reason: 'not-installed',
      message: `No keychain is available on this computer. ${never} Install a Secret Service keyring (for example: sudo apt install gnome-keyring libsecret-1-0), sign in to a desktop session so your login keyring is unlocked, then try again. The command-line tool can instead take credentials from OMNIGAGE_API_KEY and OMNIGAGE_API_SECRET.${tail}`,
    };
  }
  if (LINUX_LOCKED.test(detail)) {
    return {
      reason: 'locked',
      message: `The keyring is locked or has no "login" collection. Unlock your login keyring (for example in Passwords and Keys), then try again.${tail}`,
    };
  }
  return {
    reason: 'failed',
    message: `The keychain could not be used. Check that gnome-keyring (or another Secret Service) is running and your login keyring is unlocked, then try again. ${never}${tail}`,
  };
}

export function keychainError(
  error: unknown,
  platform: NodeJS.Platform = process.platform,
): AppError {
  if (error instanceof AppError) return error;
  return new AppError('keychain_unavailable', describeKeychainFailure(error, platform).message, {
    cause: error,
  });
}
