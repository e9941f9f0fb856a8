import type { StoredCampaignStatus } from '../../../shared/campaign';
import type { SendState } from '../../../shared/send';
import type { Db } from '../open';
import { Prepared, perHandle } from './statements';

/** A campaign as the list shows it. */
export interface CampaignRow {
  id: string;
  name: string;
  status: StoredCampaignStatus;
  /** Its send's state (the `sends` row), null before it is sent: the service reads a cancel from it. */
  send_state: SendState | null;
  created_at: string;
  updated_at: string;
  recipient_count: number;
}

/** What a campaign says and from where (JSON documents as stored; parsed by the service). */
export interface CampaignContentRow {
  caller_id: string | null;
  human_message: string | null;
  machine_message: string | null;
  delivery: string;
  merge_settings: string;
  profile_id: string | null;
}

/** The content columns a patch may set (values as stored: JSON text or null). */
export type CampaignContentColumn =
  'caller_id' | 'human_message' | 'machine_message' | 'delivery' | 'merge_settings';

const CONTENT_COLUMNS: readonly CampaignContentColumn[] = [
  'caller_id',
  'human_message',
  'machine_message',
  'delivery',
  'merge_settings',
];

/**
 * The campaigns table: the list, a campaign's content and its lifecycle columns. Every read or
 * write of `campaigns` goes through here.
 */
class CampaignsTable {
  readonly #s: Prepared;

  constructor(db: Db) {
    this.#s = new Prepared(db);
  }

  // recipient_count is stored (migration 0014), kept by the recipients table module as rows come
  // and go: counting a 1,000,000-row list here read every row each time the list was shown.
  #select(where: string): string {
    return `SELECT c.id, c.name, c.status, c.created_at, c.updated_at, c.recipient_count,
                   (SELECT s.state FROM sends s WHERE s.campaign_id = c.id) AS send_state
            FROM campaigns c ${where}`;
  }

  /** Every campaign, or those whose name contains `term`, most recently changed first. */
  list(term?: string): CampaignRow[] {
    if (term) {
      const escaped = term.replace(/[\\%_]/g, (ch) => `\\${ch}`);
      return this.#s
        .get(
          `${this.#select("WHERE c.name LIKE ? ESCAPE '\\'")} ORDER BY c.updated_at DESC, c.name`,
        )
        .all(`%${escaped}%`) as CampaignRow[];
    }
    return this.#s
      .get(`${this.#select('')} ORDER BY c.updated_at DESC, c.name`)
      .all() as CampaignRow[];
  }

  find(id: string): CampaignRow | undefined {
    return this.#s.get(this.#select('WHERE c.id = ?')).get(id) as CampaignRow | undefined;
  }

  /** How many recipient rows the campaign has (the stored count; 0 for no such campaign). */
  recipientCount(id: string): number {
    return (this.#s.get('SELECT recipient_count FROM campaigns WHERE id = ?', 'pluck').get(id) ??
      0) as number;
  }

  /**
   * The recipients table module's side of the stored count: `delta` rows added (negative:
   * removed) by one of its statements. Nothing else writes recipient_count.
   */
  addRecipients(id: string, delta: number): void {
    if (delta === 0) return;
    this.#s
      .get('UPDATE campaigns SET recipient_count = recipient_count + ? WHERE id = ?')
      .run(delta, id);
  }

  /** Sets the stored count to rows the recipients table module counted itself. */
  setRecipientCount(id: string, count: number): void {
    this.#s.get('UPDATE campaigns SET recipient_count = ? WHERE id = ?').run(count, id);
  }

  /** Name and status only: what the editable check needs. */
  nameAndStatus(id: string): { name: string; status: StoredCampaignStatus } | undefined {
    return this.#s.get('SELECT name, status FROM campaigns WHERE id = ?').get(id) as
      { name: string; status: StoredCampaignStatus } | undefined;
  }

  content(id: string): CampaignContentRow | undefined {
    return this.#s
      .get(
        'SELECT caller_id, human_message, machine_message, delivery, merge_settings, profile_id FROM campaigns WHERE id = ?',
      )
      .get(id) as CampaignContentRow | undefined;
  }

  /** The merge settings document as stored (undefined: no such campaign). */
  mergeSettings(id: string): string | undefined {
    return this.#s.get('SELECT merge_settings FROM campaigns WHERE id = ?', 'pluck').get(id) as
      string | undefined;
  }

  insert(id: string, name: string, now: string): void {
    this.#s
      .get(
        'INSERT INTO campaigns (id, name, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(id, name, 'draft', now, now);
  }

  rename(id: string, name: string, now: string): void {
    this.#s.get('UPDATE campaigns SET name = ?, updated_at = ? WHERE id = ?').run(name, now, id);
  }

  /** Sets the content columns present in `values` (and updated_at); nothing when it is empty. */
  setContent(
    id: string,
    values: Partial<Record<CampaignContentColumn, string | null>>,
    now: string,
  ): void {
    const columns = CONTENT_COLUMNS.filter((c) => values[c] !== undefined);
    if (columns.length === 0) return;
    this.#s
      .get(
        `UPDATE campaigns SET ${columns.map((c) => `${c} = ?`).join(', ')}, updated_at = ? WHERE id = ?`,
      )
      .run(...columns.map((c) => values[c] ?? null), now, id);
  }

  setStatus(id: string, status: StoredCampaignStatus, now: string): void {
    this.#s
      .get('UPDATE campaigns SET status = ?, updated_at = ? WHERE id = ?')
      .run(status, now, id);
  }

  /** Marks a campaign changed (its list was imported or edited). */
  touch(id: string, now: string): void {
    this.#s.get('UPDATE campaigns SET updated_at = ? WHERE id = ?').run(now, id);
  }

  /** Copies what `sourceId` says (not its name, status or profile) onto `copyId`. */
  copyContent(sourceId: string, copyId: string): void {
    this.#s
      .get(
        `UPDATE campaigns SET (caller_id, human_message, machine_message, delivery, merge_settings) =
           (SELECT caller_id, human_message, machine_message, delivery, merge_settings FROM campaigns WHERE id = ?)
         WHERE id = ?`,
      )
      .run(sourceId, copyId);
  }

  /** Records that `copyId` was made by Results → "Call again…" of `sourceId`. */
  setCalledAgainFrom(copyId: string, sourceId: string): void {
    this.#s.get('UPDATE campaigns SET called_again_from = ? WHERE id = ?').run(sourceId, copyId);
  }

  /** The campaigns made by "Call again…" from `sourceId`'s results, oldest first. */
  calledAgainFrom(sourceId: string): string[] {
    return this.#s
      .get('SELECT id FROM campaigns WHERE called_again_from = ? ORDER BY created_at, id', 'pluck')
      .all(sourceId) as string[];
  }

  delete(id: string): void {
    this.#s.get('DELETE FROM campaigns WHERE id = ?').run(id);
  }

  // ---- the API profile a campaign sends with ----------------------------------------------

  profileId(id: string): string | null | undefined {
    return this.#s.get('SELECT profile_id FROM campaigns WHERE id = ?', 'pluck').get(id) as
      string | null | undefined;
  }

  /** False when there is no such campaign. */
  setProfile(id: string, profileId: string | null): boolean {
    return (
      this.#s.get('UPDATE campaigns SET profile_id = ? WHERE id = ?').run(profileId, id).changes > 0
    );
  }

  copyProfile(sourceId: string, copyId: string): void {
    this.#s
      .get(
        'UPDATE campaigns SET profile_id = (SELECT profile_id FROM campaigns WHERE id = ?) WHERE id = ?',
      )
      .run(sourceId, copyId);
  }

  /** Campaigns following the active profile (none chosen) keep the one active now. */
  pinActiveProfile(): void {
    this.#s
      .get(
        'UPDATE campaigns SET profile_id = (SELECT id FROM profiles WHERE is_active = 1) WHERE profile_id IS NULL',
      )
      .run();
  }

  /** The name of a campaign of this profile that is being sent, if any. */
  sendingWithProfile(profileId: string): string | undefined {
    return this.#s
      .get(
        "SELECT name FROM campaigns WHERE profile_id = ? AND status IN ('queued', 'sending') LIMIT 1",
        'pluck',
      )
      .get(profileId) as string | undefined;
  }
}

export const campaignsTable = perHandle((db) => new CampaignsTable(db));
