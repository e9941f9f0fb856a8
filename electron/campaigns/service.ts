import { randomUUID } from 'node:crypto';
import {
  EDITABLE_STATUSES,
  deliverySchema,
  messageSchema,
  type CampaignContentPatch,
  type CampaignDetail,
  type CampaignStatus,
  type CampaignSummary,
  type Delivery,
  type Message,
} from '../../shared/campaign';
import { AppError } from '../../shared/errors';
import {
  EMPTY_MERGE_SETTINGS,
  mergeSettingsSchema,
  type MergeSettings,
} from '../../shared/recipients/merge-settings';
import { canonicalVoice } from '../../shared/voices';
import type { Db } from '../db/open';

interface CampaignRow {
  id: string;
  name: string;
  status: CampaignStatus;
  created_at: string;
  updated_at: string;
  recipient_count: number;
}

const toSummary = (row: CampaignRow): CampaignSummary => ({
  id: row.id,
  name: row.name,
  status: row.status,
  recipientCount: row.recipient_count,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Copies what another service keeps for a campaign; runs inside duplicate()'s transaction. */
export type DuplicateHook = (
  db: Db,
  sourceId: string,
  copyId: string,
  options: DuplicateOptions,
) => void;

export interface DuplicateOptions {
  /** The copy's name (default "<name> (copy)"). */
  name?: string;
  /** Only these recipient rows are copied (default: all). */
  rows?: readonly number[];
}

export interface CampaignServiceDeps {
  db: Db;
  clock?: () => Date;
  newId?: () => string;
  /** What else a copy takes (the profile choice, the recipient list), in this order. */
  duplicateHooks?: readonly DuplicateHook[];
}

/**
 * Campaign records: the list, names and lifecycle bookkeeping. Campaigns that have started
 * sending are locked; a copy made with duplicate() is always an editable draft.
 */
export class CampaignService {
  readonly #db: Db;
  readonly #clock: () => Date;
  readonly #newId: () => string;
  readonly #duplicateHooks: readonly DuplicateHook[];

  constructor({
    db,
    clock = () => new Date(),
    newId = randomUUID,
    duplicateHooks = [],
  }: CampaignServiceDeps) {
    this.#db = db;
    this.#clock = clock;
    this.#newId = newId;
    this.#duplicateHooks = [...duplicateHooks];
  }

  // Recipient counts come from later migrations; until the table exists the count is 0.
  #select(where: string): string {
    return `SELECT c.id, c.name, c.status, c.created_at, c.updated_at, ${this.#recipientCountSql()} AS recipient_count
            FROM campaigns c ${where}`;
  }

  #recipientCountSql(): string {
    const hasRecipients = this.#db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'recipients'")
      .get();
    return hasRecipients ? '(SELECT count(*) FROM recipients r WHERE r.campaign_id = c.id)' : '0';
  }

  list(search?: string): CampaignSummary[] {
    const term = search?.trim();
    if (term) {
      const escaped = term.replace(/[\\%_]/g, (ch) => `\\${ch}`);
      const rows = this.#db
        .prepare(
          `${this.#select("WHERE c.name LIKE ? ESCAPE '\\'")} ORDER BY c.updated_at DESC, c.name`,
        )
        .all(`%${escaped}%`) as CampaignRow[];
      return rows.map(toSummary);
    }
    const rows = this.#db
      .prepare(`${this.#select('')} ORDER BY c.updated_at DESC, c.name`)
      .all() as CampaignRow[];
    return rows.map(toSummary);
  }

  get(id: string): CampaignSummary {
    const row = this.#db.prepare(this.#select('WHERE c.id = ?')).get(id) as CampaignRow | undefined;
    if (!row)
      throw new AppError('not_found', 'That campaign no longer exists. It may have been deleted.');
    return toSummary(row);
  }

  create(name: string): CampaignSummary {
    const id = this.#newId();
    const now = this.#clock().toISOString();
    this.#db
      .prepare(
        'INSERT INTO campaigns (id, name, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(id, name, 'draft', now, now);
    return this.get(id);
  }

  rename(id: string, name: string): CampaignSummary {
    const current = this.get(id);
    this.#assertEditable(current);
    this.#db
      .prepare('UPDATE campaigns SET name = ?, updated_at = ? WHERE id = ?')
      .run(name, this.#clock().toISOString(), id);
    return this.get(id);
  }

  /** The campaign with what it says; stored JSON is parsed leniently so a damaged field reads as empty, not as a crash. */
  detail(id: string): CampaignDetail {
    const summary = this.get(id);
    const row = this.#db
      .prepare(
        'SELECT caller_id, human_message, machine_message, delivery, merge_settings, profile_id FROM campaigns WHERE id = ?',
      )
      .get(id) as {
      caller_id: string | null;
      human_message: string | null;
      machine_message: string | null;
      delivery: string;
      merge_settings: string;
      profile_id: string | null;
    };
    return {
      ...summary,
      profileId: row.profile_id,
      callerId: row.caller_id,
      human: parseJson(row.human_message, messageSchema.safeParse) ?? null,
      machine: parseJson(row.machine_message, messageSchema.safeParse) ?? null,
      delivery: parseJson(row.delivery, deliverySchema.safeParse) ?? { type: 'immediately' },
      merge: parseJson(row.merge_settings, mergeSettingsSchema.safeParse) ?? EMPTY_MERGE_SETTINGS,
    };
  }

  /** Saves the fields present in the patch (the editor's autosave); refused once the campaign is sent. */
  update(id: string, patch: CampaignContentPatch): CampaignDetail {
    this.#assertEditable(this.get(id));
    const sets: string[] = [];
    const values: Array<string | null> = [];
    const put = (column: string, value: string | null) => {
      sets.push(`${column} = ?`);
      values.push(value);
    };
    if (patch.callerId !== undefined) put('caller_id', patch.callerId || null);
    if (patch.human !== undefined)
      put('human_message', patch.human ? JSON.stringify(withKnownVoice(patch.human)) : null);
    if (patch.machine !== undefined)
      put('machine_message', patch.machine ? JSON.stringify(withKnownVoice(patch.machine)) : null);
    if (patch.delivery !== undefined)
      put('delivery', JSON.stringify(patch.delivery satisfies Delivery));
    if (patch.merge !== undefined)
      put('merge_settings', JSON.stringify(patch.merge satisfies MergeSettings));
    if (sets.length > 0) {
      put('updated_at', this.#clock().toISOString());
      this.#db.prepare(`UPDATE campaigns SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
    }
    return this.detail(id);
  }

  /** Moves a campaign through its life (the send engine and outbox use this). */
  setStatus(id: string, status: CampaignStatus): void {
    this.#db
      .prepare('UPDATE campaigns SET status = ?, updated_at = ? WHERE id = ?')
      .run(status, this.#clock().toISOString(), id);
  }

  /**
   * An editable copy named "<name> (copy)" (or `options.name`); hooks let later features copy
   * their own rows. `options.rows` keeps only those recipient rows (Results → Call again).
   */
  duplicate(id: string, options: DuplicateOptions = {}): CampaignSummary {
    const source = this.get(id);
    const copyId = this.#newId();
    const now = this.#clock().toISOString();
    const name = options.name ?? copyName(source.name);
    this.#db.transaction(() => {
      this.#db
        .prepare(
          'INSERT INTO campaigns (id, name, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(copyId, name, 'draft', now, now);
      this.#db
        .prepare(
          `UPDATE campaigns SET (caller_id, human_message, machine_message, delivery, merge_settings) =
             (SELECT caller_id, human_message, machine_message, delivery, merge_settings FROM campaigns WHERE id = ?)
           WHERE id = ?`,
        )
        .run(source.id, copyId);
      for (const hook of this.#duplicateHooks) hook(this.#db, source.id, copyId, options);
    })();
    return this.get(copyId);
  }

  delete(id: string): void {
    const current = this.get(id);
    if (current.status === 'sending' || current.status === 'queued') {
      throw new AppError(
        'locked',
        `"${current.name}" is being sent. Cancel the send before deleting it.`,
      );
    }
    this.#db.prepare('DELETE FROM campaigns WHERE id = ?').run(id);
  }

  #assertEditable(campaign: CampaignSummary): void {
    assertEditable(campaign);
  }
}

/**
 * The one rule for what may still change: a campaign that has started sending is locked, and
 * every service that edits a campaign or its list asks here (`part` names what was refused).
 */
export function assertEditable(
  campaign: { name: string; status: CampaignStatus },
  part: 'campaign' | 'recipients' = 'campaign',
): void {
  if (EDITABLE_STATUSES.includes(campaign.status)) return;
  const what = part === 'recipients' ? 'its recipients ' : '';
  throw new AppError(
    'locked',
    `"${campaign.name}" has been sent and ${what}can no longer be changed. Duplicate it to make an editable copy.`,
  );
}

/** A voice typed by its shown name ("Lupe") is stored as Omnigage names it ("Polly-Lupe"); others as typed. */
function withKnownVoice(message: Message): Message {
  return message.kind === 'text' ? { ...message, voice: canonicalVoice(message.voice) } : message;
}

function parseJson<T>(
  text: string | null,
  parse: (v: unknown) => { success: true; data: T } | { success: false },
): T | undefined {
  if (!text) return undefined;
  try {
    const result = parse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

export function copyName(name: string): string {
  const base = `${name} (copy)`;
  return base.length <= 120 ? base : `${name.slice(0, 120 - ' (copy)'.length)} (copy)`;
}
