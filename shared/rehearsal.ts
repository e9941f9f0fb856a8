/**
 * "Rehearse without calling anyone": the sandbox (a pretend Omnigage) run by the app itself on
 * this computer, and the profile that points at it (electron/rehearsal.ts).
 */

export interface RehearsalStatus {
  state: 'off' | 'running';
  /** The organisation's policy removes rehearsals (policy.json `hideSandbox`). */
  hidden: boolean;
  /** The rehearsal profile, once one has been made (it stays between rehearsals). */
  profileId: string | null;
  profileName: string | null;
  /** `http://127.0.0.1:<port>/api/v1/` while running. */
  apiUrl: string | null;
  startedAt: string | null;
  /** The profile new campaigns used before the rehearsal: they use it again when it stops. */
  returnsTo: string | null;
}

/** The token keys of rehearsal profiles start with this (they are made by the app, never typed). */
export const REHEARSAL_TOKEN_PREFIX = 'rehearsal-';
export const REHEARSAL_PROFILE_NAME = 'Rehearsal (this computer)';
