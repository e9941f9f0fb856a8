import { randomUUID } from 'node:crypto';
import { EDITABLE_STATUSES, type CampaignStatus, type CampaignSummary } from '../../shared/campaign';
import { AppError } from '../../shared/errors';
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

export interface CampaignServiceDeps {
  db: Db;
  clock?: () => Date;
  newId?: () => string;
}

/**
 * Campaign records: the list, names and lifecycle bookkeeping. Campaigns that have started
 * sending are locked; a copy made with duplicate() is always an editable draft.
 */
export class CampaignService {
  readonly #db: Db;
  readonly #clock: () => Date;
  readonly #newId: () => string;

  constructor({ db, clock = () => new Date(), newId = randomUUID }: CampaignServiceDeps) {
    this.#db = db;
    this.#clock = clock;
    this.#newId = newId;
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
        .prepare(`${this.#select("WHERE c.name LIKE ? ESCAPE '\\'")} ORDER BY c.updated_at DESC, c.name`)
        .all(`%${escaped}%`) as CampaignRow[];
      return rows.map(toSummary);
    }
    const rows = this.#db.prepare(`${this.#select('')} ORDER BY c.updated_at DESC, c.name`).all() as CampaignRow[];
    return rows.map(toSummary);
  }

  get(id: string): CampaignSummary {
    const row = this.#db.prepare(this.#select('WHERE c.id = ?')).get(id) as CampaignRow | undefined;
    if (!row) throw new AppError('not_found', 'That campaign no longer exists. It may have been deleted.');
    return toSummary(row);
  }

  create(name: string): CampaignSummary {
    const id = this.#newId();
    const now = this.#clock().toISOString();
    this.#db
      .prepare('INSERT INTO campaigns (id, name, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
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

  /** An editable copy named "<name> (copy)"; hooks let later features copy their own rows. */
  duplicate(id: string): CampaignSummary {
    const source = this.get(id);
    const copyId = this.#newId();
    const now = this.#clock().toISOString();
    const name = copyName(source.name);
    this.#db.transaction(() => {
      this.#db
        .prepare('INSERT INTO campaigns (id, name, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
        .run(copyId, name, 'draft', now, now);
      for (const hook of this.duplicateHooks) hook(this.#db, source.id, copyId);
    })();
    return this.get(copyId);
  }

  delete(id: string): void {
    const current = this.get(id);
    if (current.status === 'sending' || current.status === 'queued') {
      throw new AppError('locked', `"${current.name}" is being sent. Cancel the send before deleting it.`);
    }
    this.#db.prepare('DELETE FROM campaigns WHERE id = ?').run(id);
  }

  /** Called inside duplicate()'s transaction with (db, sourceId, copyId). */
  readonly duplicateHooks: Array<(db: Db, sourceId: string, copyId: string) => void> = [];

  #assertEditable(campaign: CampaignSummary): void {
    if (!EDITABLE_STATUSES.includes(campaign.status)) {
      throw new AppError(
        'locked',
        `"${campaign.name}" has been sent and can no longer be changed. Duplicate it to make an editable copy.`,
      );
    }
  }
}

export function copyName(name: string): string {
  const base = `${name} (copy)`;
  return base.length <= 120 ? base : `${name.slice(0, 120 - ' (copy)'.length)} (copy)`;
}
