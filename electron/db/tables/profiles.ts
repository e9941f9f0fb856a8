import type { Db } from '../open';
import { Prepared, perHandle } from './statements';

/** An API profile as stored; the token secret is in the OS keychain, never here. */
export interface ProfileRow {
  id: string;
  name: string;
  api_url: string;
  account_key: string;
  token_key: string;
  has_secret: number;
  is_active: number;
  caller_ids_fetched_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface CallerIdRow {
  id: string;
  phone_number: string;
  label: string;
  fetched_at: string;
}

/** A profile's settings as a save writes them. */
export interface ProfileSettings {
  name: string;
  apiUrl: string;
  accountKey: string;
  tokenKey: string;
}

/**
 * API profiles (profiles) and the caller IDs last fetched for each (caller_ids). Every read or
 * write of these two tables goes through here.
 */
class ProfilesTable {
  readonly #s: Prepared;

  constructor(db: Db) {
    this.#s = new Prepared(db);
  }

  all(): ProfileRow[] {
    return this.#s.get('SELECT * FROM profiles ORDER BY name COLLATE NOCASE').all() as ProfileRow[];
  }

  find(id: string): ProfileRow | undefined {
    return this.#s.get('SELECT * FROM profiles WHERE id = ?').get(id) as ProfileRow | undefined;
  }

  active(): ProfileRow | undefined {
    return this.#s.get('SELECT * FROM profiles WHERE is_active = 1').get() as
      ProfileRow | undefined;
  }

  /** The id of the profile with this name (names are unique regardless of case). */
  idByName(name: string): string | undefined {
    return this.#s
      .get('SELECT id FROM profiles WHERE name = ? COLLATE NOCASE', 'pluck')
      .get(name) as string | undefined;
  }

  /** The profile that has existed longest. */
  oldestId(): string | undefined {
    return this.#s.get('SELECT id FROM profiles ORDER BY created_at, id LIMIT 1', 'pluck').get() as
      string | undefined;
  }

  insert(
    id: string,
    settings: ProfileSettings,
    flags: { hasSecret: boolean; isActive: boolean },
    now: string,
  ): void {
    this.#s
      .get(
        `INSERT INTO profiles (id, name, api_url, account_key, token_key, has_secret, is_active, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        settings.name,
        settings.apiUrl,
        settings.accountKey,
        settings.tokenKey,
        flags.hasSecret ? 1 : 0,
        flags.isActive ? 1 : 0,
        now,
        now,
      );
  }

  /**
   * Saves an edit. has_secret becomes 1 when a secret came with it (`secretStored`), else 0
   * when the stored secret no longer applies (`secretDropped`), else stays.
   */
  update(
    id: string,
    settings: ProfileSettings,
    secret: { secretStored: boolean; secretDropped: boolean },
    now: string,
  ): void {
    this.#s
      .get(
        `UPDATE profiles SET name = ?, api_url = ?, account_key = ?, token_key = ?,
           has_secret = CASE WHEN ? THEN 1 WHEN ? THEN 0 ELSE has_secret END, updated_at = ? WHERE id = ?`,
      )
      .run(
        settings.name,
        settings.apiUrl,
        settings.accountKey,
        settings.tokenKey,
        secret.secretStored ? 1 : 0,
        secret.secretDropped ? 1 : 0,
        now,
        id,
      );
  }

  /** Records whether the keychain holds a secret for the profile (`now`: also marks it changed). */
  setHasSecret(id: string, hasSecret: boolean, now?: string): void {
    if (now === undefined)
      this.#s.get('UPDATE profiles SET has_secret = ? WHERE id = ?').run(hasSecret ? 1 : 0, id);
    else
      this.#s
        .get('UPDATE profiles SET has_secret = ?, updated_at = ? WHERE id = ?')
        .run(hasSecret ? 1 : 0, now, id);
  }

  /** Makes `id` the only active profile. */
  activate(id: string): void {
    this.#s.get('UPDATE profiles SET is_active = 0 WHERE is_active = 1').run();
    this.#s.get('UPDATE profiles SET is_active = 1 WHERE id = ?').run(id);
  }

  delete(id: string): void {
    this.#s.get('DELETE FROM profiles WHERE id = ?').run(id);
  }

  // ---- caller IDs -------------------------------------------------------------------------

  callerIds(profileId: string): CallerIdRow[] {
    return this.#s
      .get(
        'SELECT id, phone_number, label, fetched_at FROM caller_ids WHERE profile_id = ? ORDER BY label COLLATE NOCASE, phone_number',
      )
      .all(profileId) as CallerIdRow[];
  }

  /** Replaces the profile's caller IDs with `list`, fetched at `fetchedAt`. */
  replaceCallerIds(
    profileId: string,
    list: ReadonlyArray<{ id: string; phoneNumber: string; label: string }>,
    fetchedAt: string,
  ): void {
    this.#s.get('DELETE FROM caller_ids WHERE profile_id = ?').run(profileId);
    const insert = this.#s.get(
      'INSERT OR REPLACE INTO caller_ids (profile_id, id, phone_number, label, fetched_at) VALUES (?, ?, ?, ?, ?)',
    );
    for (const c of list) insert.run(profileId, c.id, c.phoneNumber, c.label, fetchedAt);
    this.#setFetchedAt(profileId, fetchedAt);
  }

  /** The caller IDs must be fetched again (the profile now reaches another account, or is untested). */
  forgetCallerIds(profileId: string): void {
    this.#s.get('DELETE FROM caller_ids WHERE profile_id = ?').run(profileId);
    this.#setFetchedAt(profileId, null);
  }

  #setFetchedAt(profileId: string, at: string | null): void {
    this.#s.get('UPDATE profiles SET caller_ids_fetched_at = ? WHERE id = ?').run(at, profileId);
  }
}

export const profilesTable = perHandle((db) => new ProfilesTable(db));
