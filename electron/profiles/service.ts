import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors';
import {
  SANDBOX_API_URL,
  SANDBOX_PROFILE_NAME,
  callerNumberKey,
  isLoopbackUrl,
  type CachedCallerId,
  type CallerIdCheck,
  type CallerIdList,
  type Profile,
  type ProfileInput,
} from '../../shared/profiles';
import { REHEARSAL_TOKEN_PREFIX } from '../../shared/rehearsal';
import type { Db } from '../db/open';
import { campaignsTable } from '../db/tables/campaigns';
import { profilesTable, type CallerIdRow, type ProfileRow } from '../db/tables/profiles';
import type { Logger } from '../logging/logger';
import { registerSecret, type SecretStore } from '../secrets/store';
import type { Clock } from '../clock';

const toProfile = (row: ProfileRow): Profile => ({
  id: row.id,
  name: row.name,
  apiUrl: row.api_url,
  accountKey: row.account_key,
  tokenKey: row.token_key,
  hasSecret: row.has_secret === 1,
  isActive: row.is_active === 1,
  isLocal: isLoopbackUrl(row.api_url),
  testedAt: row.caller_ids_fetched_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toCallerId = (row: CallerIdRow): CachedCallerId => ({
  id: row.id,
  phoneNumber: row.phone_number,
  label: row.label,
  fetchedAt: row.fetched_at,
});

/**
 * What the sandbox (`npm run sandbox`, electron/sandbox DEMO_CREDENTIALS) accepts. Not a secret: it
 * only opens a test server on this computer. A test keeps the two in step.
 */
export const SANDBOX_CREDENTIALS = {
  tokenKey: 'sandbox-token-key',
  tokenSecret: 'sandbox-token-secret',
  accountKey: 'sandbox',
} as const;

export interface ProfileServiceDeps {
  db: Db;
  secrets: SecretStore;
  log: Logger;
  clock: Clock;
  newId?: () => string;
}

/**
 * API profiles: where to send and with which token. Everything but the token secret is kept
 * in SQLite; the secret goes to the keychain under the profile's id, and the rest of the app
 * (and the window) only ever learns whether one is stored.
 */
export class ProfileService {
  readonly #db: Db;
  readonly #table: ReturnType<typeof profilesTable>;
  readonly #secrets: SecretStore;
  readonly #log: Logger;
  readonly #clock: () => Date;
  readonly #newId: () => string;

  constructor({ db, secrets, log, clock, newId = randomUUID }: ProfileServiceDeps) {
    this.#db = db;
    this.#secrets = secrets;
    this.#log = log;
    this.#clock = clock;
    this.#newId = newId;
    this.#table = profilesTable(db);
  }

  list(): Profile[] {
    return this.#table.all().map(toProfile);
  }

  get(id: string): Profile {
    return toProfile(this.#row(id));
  }

  /** The profile new work uses, or null when none has been set up. */
  active(): Profile | null {
    const row = this.#table.active();
    return row ? toProfile(row) : null;
  }

  /** The active profile, or a message saying to set one up. */
  requireActive(): Profile {
    const active = this.active();
    if (!active)
      throw new AppError('not_found', 'No API profile is set up yet. Add one in Settings.');
    return active;
  }

  /**
   * Adds or edits a profile. A secret, when given, is stored in the keychain first: if the
   * keychain refuses it, nothing is saved and the person sees why. The first profile becomes
   * the active one.
   *
   * A secret belongs to the server and token it was entered for. When an edit changes the API
   * address or the token key, the stored secret is not carried over (a connection test would
   * otherwise hand it to the new host): the same save must bring the secret again, and any old
   * keychain entry is replaced or removed.
   */
  async save(input: ProfileInput): Promise<Profile> {
    const { tokenSecret } = input;
    assertSandboxStaysLocal(input);
    if (tokenSecret) registerSecret(this.#log, input.tokenKey, tokenSecret);
    const now = this.#clock().toISOString();

    if (input.id) {
      const id = input.id;
      const before = this.#row(id);
      this.#assertNameFree(input.name, id);
      const secretBound = before.api_url !== input.apiUrl || before.token_key !== input.tokenKey;
      if (secretBound && !tokenSecret && before.has_secret === 1) {
        throw new AppError('invalid_input', secretNeededAgain(before, input));
      }
      if (tokenSecret) await this.#storeSecret(id, tokenSecret);
      // An entry the app did not know about (added outside it) must not follow the new address either.
      else if (secretBound) await this.#secrets.delete(id).catch(() => false);
      const endpointChanged = secretBound || before.account_key !== input.accountKey;
      // A new secret has not been tested: the profile is trusted again after a connection test.
      const untested = endpointChanged || Boolean(tokenSecret);
      this.#db.transaction(() => {
        this.#table.update(
          id,
          input,
          { secretStored: Boolean(tokenSecret), secretDropped: secretBound },
          now,
        );
        // Caller IDs belong to the account the old settings reached; they must be fetched again.
        if (untested) this.#forgetCallerIds(id);
      })();
      this.#log.info('profile updated', {
        profileId: id,
        endpointChanged,
        secretChanged: Boolean(tokenSecret),
      });
      return this.get(id);
    }

    this.#assertNameFree(input.name);
    const id = this.#newId();
    if (tokenSecret) await this.#storeSecret(id, tokenSecret);
    try {
      this.#db.transaction(() => {
        const first = this.#table.active() === undefined;
        this.#table.insert(id, input, { hasSecret: Boolean(tokenSecret), isActive: first }, now);
      })();
    } catch (error) {
      // Leave no orphan entry in the keychain for a profile that was not saved.
      if (tokenSecret) await this.#secrets.delete(id).catch(() => false);
      throw error;
    }
    this.#log.info('profile added', { profileId: id, hasSecret: Boolean(tokenSecret) });
    return this.get(id);
  }

  /** Stores (or replaces) the token secret; the secret is never returned. */
  async setSecret(id: string, tokenSecret: string): Promise<Profile> {
    const row = this.#row(id);
    registerSecret(this.#log, row.token_key, tokenSecret);
    await this.#storeSecret(id, tokenSecret);
    this.#db.transaction(() => {
      this.#table.setHasSecret(id, true, this.#clock().toISOString());
      // Untested until the next connection test (caller IDs are fetched again then).
      this.#forgetCallerIds(id);
    })();
    this.#log.info('profile secret stored', { profileId: id });
    return this.get(id);
  }

  /** Removes the profile, its keychain entry and its cached caller IDs. */
  async delete(id: string): Promise<void> {
    const row = this.#row(id);
    const busy = campaignsTable(this.#db).sendingWithProfile(id);
    if (busy !== undefined) {
      throw new AppError(
        'locked',
        `"${busy}" is being sent with "${row.name}". Wait for the send to finish or cancel it first.`,
      );
    }
    if (row.has_secret === 1) {
      // The keychain entry must go with the profile; if the keychain cannot be reached the
      // profile stays, so the secret is not left behind without anything pointing to it.
      await this.#secrets.delete(id);
    } else {
      await this.#secrets.delete(id).catch(() => false);
    }
    this.#db.transaction(() => {
      this.#table.delete(id);
      if (row.is_active === 1) {
        const next = this.#table.oldestId();
        if (next !== undefined) this.#table.activate(next);
      }
    })();
    this.#log.info('profile deleted', { profileId: id });
  }

  /**
   * Makes a profile the one new campaigns use. Existing campaigns that were following the
   * active profile keep the one they had: "Use for new campaigns" never moves a draft.
   */
  setActive(id: string): Profile {
    this.#row(id);
    this.#db.transaction(() => {
      campaignsTable(this.#db).pinActiveProfile();
      this.#table.activate(id);
    })();
    this.#log.info('active profile changed', { profileId: id });
    return this.get(id);
  }

  /**
   * The one-click profile for `npm run sandbox`: the local address and the sandbox's own
   * credentials. Made active, so a rehearsal cannot go to production by accident.
   */
  async addSandbox(apiUrl: string = SANDBOX_API_URL): Promise<Profile> {
    assertSandboxStaysLocal({ apiUrl, tokenKey: SANDBOX_CREDENTIALS.tokenKey });
    const existing = this.list().find((p) => p.isLocal && p.apiUrl === apiUrl);
    if (existing) {
      if (!existing.hasSecret) await this.setSecret(existing.id, SANDBOX_CREDENTIALS.tokenSecret);
      return this.setActive(existing.id);
    }
    let name = SANDBOX_PROFILE_NAME;
    for (let n = 2; this.#nameTaken(name); n++) name = `${SANDBOX_PROFILE_NAME} ${n}`;
    const created = await this.save({
      name,
      apiUrl,
      accountKey: SANDBOX_CREDENTIALS.accountKey,
      tokenKey: SANDBOX_CREDENTIALS.tokenKey,
      tokenSecret: SANDBOX_CREDENTIALS.tokenSecret,
    });
    return this.setActive(created.id);
  }

  /**
   * The secret from the keychain, for main-side code that talks to the API. Registered with
   * the logger so it is stripped from any record that might carry it.
   */
  async readSecret(id: string): Promise<string | null> {
    const row = this.#row(id);
    const secret = await this.#secrets.get(id);
    if (secret) registerSecret(this.#log, row.token_key, secret);
    if ((secret !== null) !== (row.has_secret === 1)) {
      // The keychain entry was added or removed outside the app: follow the keychain.
      this.#table.setHasSecret(id, secret !== null);
    }
    return secret;
  }

  // ---- caller IDs ----------------------------------------------------------------------

  callerIds(profileId: string): CallerIdList {
    const row = this.#row(profileId);
    const rows: CallerIdRow[] = this.#table.callerIds(profileId);
    return { profileId, callerIds: rows.map(toCallerId), fetchedAt: row.caller_ids_fetched_at };
  }

  /** Replaces the cached caller IDs with a fresh list from the account. */
  replaceCallerIds(
    profileId: string,
    list: ReadonlyArray<{ id: string; phoneNumber: string; label: string }>,
  ): CallerIdList {
    this.#row(profileId);
    const fetchedAt = this.#clock().toISOString();
    this.#db.transaction(() => {
      this.#table.replaceCallerIds(profileId, list, fetchedAt);
    })();
    return this.callerIds(profileId);
  }

  /**
   * Is a chosen caller ID one the account has verified (as of the last fetch)? `value` is a
   * cached caller ID's id or a phone number typed by hand. An unknown one is allowed, with a
   * warning, because the cache may be old or the number may have been verified since.
   */
  checkCallerId(profileId: string, value: string): CallerIdCheck {
    const { callerIds, fetchedAt } = this.callerIds(profileId);
    const typed = value.trim();
    const byId = callerIds.find((c) => c.id === typed);
    if (byId) return { status: 'verified', callerId: byId };
    if (/\d/.test(typed)) {
      const key = callerNumberKey(typed);
      const byNumber = callerIds.find((c) => callerNumberKey(c.phoneNumber) === key);
      if (byNumber) return { status: 'verified', callerId: byNumber };
    }
    const warning = fetchedAt
      ? `${typed} is not among the verified caller IDs fetched on ${fetchedAt.slice(0, 10)}. Calls may be refused unless it is verified in Omnigage; test the connection to refresh the list.`
      : `${typed} has not been checked: this profile's caller IDs have never been fetched. Test the connection to fetch the verified ones.`;
    return { status: 'unverified', value: typed, warning };
  }

  // ---- campaigns -----------------------------------------------------------------------

  /** Records which profile a campaign uses (null: follow the active profile). */
  useForCampaign(campaignId: string, profileId: string | null): void {
    if (profileId) this.#row(profileId);
    if (!campaignsTable(this.#db).setProfile(campaignId, profileId))
      throw new AppError('not_found', 'That campaign no longer exists. It may have been deleted.');
  }

  /** The profile a campaign uses: the one it remembers, else the active one. */
  forCampaign(campaignId: string): Profile | null {
    const profileId = campaignsTable(this.#db).profileId(campaignId);
    if (profileId === undefined)
      throw new AppError('not_found', 'That campaign no longer exists. It may have been deleted.');
    return profileId ? this.get(profileId) : this.active();
  }

  // ---- internals -----------------------------------------------------------------------

  #row(id: string): ProfileRow {
    const row = this.#table.find(id);
    if (!row)
      throw new AppError(
        'not_found',
        'That API profile no longer exists. It may have been deleted.',
      );
    return row;
  }

  #nameTaken(name: string, exceptId?: string): boolean {
    const id = this.#table.idByName(name);
    return id !== undefined && id !== exceptId;
  }

  #assertNameFree(name: string, exceptId?: string): void {
    if (this.#nameTaken(name, exceptId)) {
      throw new AppError(
        'conflict',
        `There is already a profile called "${name}". Choose another name.`,
      );
    }
  }

  async #storeSecret(id: string, secret: string): Promise<void> {
    await this.#secrets.set(id, secret);
  }

  #forgetCallerIds(id: string): void {
    this.#table.forgetCallerIds(id);
  }
}

/**
 * The sandbox profile is the one that holds the sandbox's demo token, or the token the app made
 * for its own rehearsal (electron/rehearsal.ts): no real account accepts either. It may only
 * point at this computer, so a rehearsal can never reach a real server (and real phones) by an
 * edited address.
 */
export function isSandboxProfile(profile: { tokenKey: string }): boolean {
  return (
    profile.tokenKey === SANDBOX_CREDENTIALS.tokenKey ||
    profile.tokenKey.startsWith(REHEARSAL_TOKEN_PREFIX)
  );
}

function assertSandboxStaysLocal(input: { apiUrl: string; tokenKey: string }): void {
  if (isSandboxProfile(input) && !isLoopbackUrl(input.apiUrl)) {
    throw new AppError(
      'invalid_input',
      "The sandbox profile works only with a sandbox on this computer: its address must be http://127.0.0.1:… or http://localhost:…. For a real Omnigage account, add a profile with that account's own token.",
    );
  }
}

function secretNeededAgain(before: ProfileRow, input: ProfileInput): string {
  const changed =
    before.api_url !== input.apiUrl && before.token_key !== input.tokenKey
      ? 'API address and token key'
      : before.api_url !== input.apiUrl
        ? 'API address'
        : 'token key';
  return `The ${changed} changed, so the stored token secret is not kept: a secret is only ever sent to the server it was entered for. Enter the token secret again to save.`;
}

/** A duplicated campaign keeps the profile its original used (a CampaignService duplicate hook). */
export function copyCampaignProfile(db: Db, sourceId: string, copyId: string): void {
  campaignsTable(db).copyProfile(sourceId, copyId);
}
