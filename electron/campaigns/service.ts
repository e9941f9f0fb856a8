import { randomUUID } from 'node:crypto';
import {
  deliverySchema,
  isEditable,
  messageSchema,
  type CampaignContentPatch,
  type CampaignDetail,
  type CampaignStatus,
  type CampaignSummary,
  type Delivery,
  type Message,
  type StoredCampaignStatus,
} from '../../shared/campaign';
import { AppError } from '../../shared/errors';
import {
  EMPTY_MERGE_SETTINGS,
  mergeSettingsSchema,
  type MergeSettings,
} from '../../shared/recipients/merge-settings';
import { canonicalVoice } from '../../shared/voices';
import type { Db } from '../db/open';
import {
  campaignsTable,
  type CampaignContentColumn,
  type CampaignRow,
} from '../db/tables/campaigns';
import { systemClock } from '../clock';

/**
 * The status the screens show. A cancel is stored as `failed` (the stored values are kept as
 * they are, no migration), but the send's own record says the person cancelled it: such a
 * campaign reads `cancelled`, so nobody is told something went wrong when they chose to stop.
 * A send that really failed keeps `failed`.
 */
function shownStatus(row: Pick<CampaignRow, 'status' | 'send_state'>): CampaignStatus {
  return row.send_state === 'cancelled' ? 'cancelled' : row.status;
}

const toSummary = (row: CampaignRow): CampaignSummary => ({
  id: row.id,
  name: row.name,
  status: shownStatus(row),
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
  readonly #table: ReturnType<typeof campaignsTable>;

  constructor({
    db,
    clock = systemClock,
    newId = randomUUID,
    duplicateHooks = [],
  }: CampaignServiceDeps) {
    this.#db = db;
    this.#table = campaignsTable(db);
    this.#clock = clock;
    this.#newId = newId;
    this.#duplicateHooks = [...duplicateHooks];
  }

  list(search?: string): CampaignSummary[] {
    return this.#table.list(search?.trim()).map(toSummary);
  }

  get(id: string): CampaignSummary {
    const row = this.#table.find(id);
    if (!row)
      throw new AppError('not_found', 'That campaign no longer exists. It may have been deleted.');
    return toSummary(row);
  }

  create(name: string): CampaignSummary {
    const id = this.#newId();
    const now = this.#clock().toISOString();
    this.#table.insert(id, name, now);
    return this.get(id);
  }

  rename(id: string, name: string): CampaignSummary {
    const current = this.get(id);
    this.#assertEditable(current);
    this.#table.rename(id, name, this.#clock().toISOString());
    return this.get(id);
  }

  /** The campaign with what it says; stored JSON is parsed leniently so a damaged field reads as empty, not as a crash. */
  detail(id: string): CampaignDetail {
    const summary = this.get(id);
    const row = this.#table.content(id)!;
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
    const values: Partial<Record<CampaignContentColumn, string | null>> = {};
    const put = (column: CampaignContentColumn, value: string | null) => {
      values[column] = value;
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
    this.#table.setContent(id, values, this.#clock().toISOString());
    return this.detail(id);
  }

  /** Moves a campaign through its life (the send engine and outbox use this); `cancelled` is never stored. */
  setStatus(id: string, status: StoredCampaignStatus): void {
    this.#table.setStatus(id, status, this.#clock().toISOString());
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
      this.#table.insert(copyId, name, now);
      this.#table.copyContent(source.id, copyId);
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
    this.#table.delete(id);
  }

  #assertEditable(campaign: CampaignSummary): void {
    assertEditable(campaign);
  }
}

/**
 * The refusal for an edit of a sent campaign (shared/campaign.ts isEditable is the rule); every
 * service that edits a campaign or its list asks here (`part` names what was refused).
 */
export function assertEditable(
  campaign: { name: string; status: CampaignStatus },
  part: 'campaign' | 'recipients' = 'campaign',
): void {
  if (isEditable(campaign.status)) return;
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
