import type { Db } from '../db/open';
import { sendsTable } from '../db/tables/sends';
import type { Logger } from '../logging/logger';
import type { SendDriver } from './driver';
import type { SendEvents } from './events';
import type { Lease } from './lease';
import type { Reachability } from './reachability';
import type { RunningSends } from './runs';
import type { SendStatusBuilder } from './status';
import type { Clock } from '../clock';

export interface OutboxDeps {
  db: Db;
  log: Logger;
  clock: Clock;
  driver: SendDriver;
  runs: RunningSends;
  lease: Lease;
  status: SendStatusBuilder;
  events: SendEvents;
  reachability: Reachability;
  /** Each tick also polls the results of scheduled sends through this (ResultsService.pollDue). */
  pollResults?: (now: number) => Promise<void>;
}

/**
 * The main-side worker: every `intervalMs` it resumes queued sends whose wait is over, sends
 * left "sending" by a crash or a quit, and polls results of scheduled ones. When a send's
 * Omnigage starts or stops answering, the window hears it at once, and a send queued for the
 * connection goes as soon as its Omnigage answers again.
 */
export class Outbox {
  readonly #deps: OutboxDeps;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;

  constructor(deps: OutboxDeps) {
    this.#deps = deps;
    deps.reachability.subscribeAll(() => this.#reachabilityChanged());
  }

  #reachabilityChanged(): void {
    let woke = false;
    for (const status of this.#deps.status.outbox()) {
      const { journal: _journal, ...progress } = status;
      this.#deps.events.emit({ type: 'progress', progress });
      if (
        status.state === 'queued' &&
        status.omnigage === 'answering' &&
        (status.errorCode === 'network' || status.errorCode === 'timeout') &&
        !woke
      ) {
        woke = true;
        this.wake();
      }
    }
  }

  /** Starts the worker (and runs it once at once). */
  start({ intervalMs = 30_000 }: { intervalMs?: number } = {}): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.tick(), intervalMs);
    this.#timer.unref?.();
    void this.tick();
  }

  /** Stops the worker and lets running sends stop after their requests in flight (they resume next start). */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#deps.driver.stopAll();
    await this.#ticking;
  }

  /** The connection is back (or the person asked): try queued sends now, whatever their wait. */
  wake(): void {
    void this.tick({ force: true });
  }

  async tick({ force = false }: { force?: boolean } = {}): Promise<void> {
    if (this.#ticking) return this.#ticking;
    const { db, runs, lease, driver, log, clock } = this.#deps;
    this.#ticking = (async () => {
      try {
        const now = clock().getTime();
        const rows = sendsTable(db).outbox();
        for (const row of rows) {
          if (runs.has(row.campaign_id)) continue;
          if (row.state === 'queued' && !force && (row.next_attempt_at ?? 0) > now) continue;
          if (lease.heldElsewhere(row.campaign_id)) continue;
          driver.launch(row.campaign_id);
        }
        await this.#deps.pollResults?.(now);
      } catch (error) {
        log.error('outbox tick failed', { error });
      }
    })().finally(() => {
      this.#ticking = undefined;
    });
    return this.#ticking;
  }
}
