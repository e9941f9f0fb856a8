import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from '../db/open';
import { sendsTable } from '../db/tables/sends';
import type { Clock } from '../clock';

/**
 * Only one process drives a send at a time: the app and a CLI run share the database, and two
 * runs of one journal would send the same batch twice. The lease is a row lock with an expiry,
 * renewed while the run lasts; a process that died (SIGKILL, power cut) loses it when it
 * expires, or at once when its pid is known dead on this machine.
 */
export class Lease {
  readonly owner: string;
  readonly #db: Db;
  readonly #ttlMs: number;
  readonly #clock: Clock;

  constructor(db: Db, clock: Clock, ttlMs = 30_000) {
    this.#db = db;
    this.#clock = clock;
    this.#ttlMs = ttlMs;
    this.owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  acquire(campaignId: string): boolean {
    const take = this.#db.transaction(() => {
      const row = sendsTable(this.#db).lease(campaignId);
      if (!row) return false;
      const now = this.#clock().getTime();
      const free =
        !row.lease_owner ||
        row.lease_owner === this.owner ||
        (row.lease_expires_at ?? 0) < now ||
        ownerIsDead(row.lease_owner);
      if (!free) return false;
      sendsTable(this.#db).takeLease(campaignId, this.owner, now + this.#ttlMs);
      return true;
    });
    return take.immediate();
  }

  renew(campaignId: string): void {
    sendsTable(this.#db).renewLease(campaignId, this.owner, this.#clock().getTime() + this.#ttlMs);
  }

  release(campaignId: string): void {
    sendsTable(this.#db).releaseLease(campaignId, this.owner);
  }

  /** Held by someone else who is still alive. */
  heldElsewhere(campaignId: string): boolean {
    const row = sendsTable(this.#db).lease(campaignId);
    if (!row?.lease_owner || row.lease_owner === this.owner) return false;
    return (row.lease_expires_at ?? 0) >= this.#clock().getTime() && !ownerIsDead(row.lease_owner);
  }
}

function ownerIsDead(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid)
    return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
