/**
 * What Settings shows about the app itself: its version, the state of updates, and the settings
 * the organisation presets through its policy file (electron/policy.ts).
 */

export type UpdateState =
  /** Turned off by the organisation's policy, or a copy that is not installed (development). */
  | { state: 'off'; reason: 'organisation' | 'development' }
  | { state: 'idle' }
  | { state: 'checking' }
  | { state: 'up-to-date'; checkedAt: string }
  | { state: 'downloading'; version: string; percent: number | null }
  /** Downloaded and verified; installs when the app quits, but not while a campaign is being sent. */
  | { state: 'ready'; version: string; waitingForSend: boolean }
  | { state: 'error'; message: string };

export interface UpdateStatus {
  currentVersion: string;
  channel: 'stable' | 'beta';
  channelSetBy: 'organisation' | 'default';
  update: UpdateState;
}

/** One value the organisation set, as Settings lists it. */
export interface OrganisationSetting {
  label: string;
  value: string;
}

export interface OrganisationPolicyView {
  state: 'none' | 'applied' | 'invalid';
  /** Where the policy file is looked for on this computer. */
  path: string;
  /** Why the file was not used, when it is invalid. */
  problem?: string;
  settings: OrganisationSetting[];
  /** Defaults for a new API profile. */
  apiUrl?: string;
  accountKey?: string;
  hideSandbox: boolean;
}

/** An open-source package the app ships, with its licence (generated at build: build/licences.mjs). */
export interface Licence {
  name: string;
  version: string;
  license: string;
  text: string;
}

export interface AboutInfo {
  name: string;
  version: string;
  /** Runtime versions, for support: Electron and Chromium in the app, Node everywhere. */
  runtimes: Record<string, string>;
  helpUrl: string;
  update: UpdateStatus;
  organisation: OrganisationPolicyView;
}

/** The update state in words, for Settings. */
export function describeUpdate(status: UpdateStatus): string {
  const u = status.update;
  switch (u.state) {
    case 'off':
      return u.reason === 'organisation'
        ? 'Updates are turned off by your organisation.'
        : 'Updates are off in this copy (not an installed app).';
    case 'idle':
      return 'Updates are checked automatically.';
    case 'checking':
      return 'Checking for updates…';
    case 'up-to-date':
      return 'You have the latest version.';
    case 'downloading':
      return `Downloading version ${u.version}${u.percent === null ? '' : ` (${u.percent}%)`} in the background.`;
    case 'ready':
      return u.waitingForSend
        ? `Version ${u.version} is ready. It will be installed when you quit the app after the current send has finished.`
        : `Version ${u.version} is ready and will be installed when you quit the app.`;
    case 'error':
      return u.message;
  }
}

/** Where Help and the About window's help link go. */
export const HELP_URL = 'https://help.omnigage.com/';
