import type { SendStep, SendStatus } from '../../shared/send';
import type { RunControl } from './engine';

/** A send this process is driving right now: how to stop it, and its progress so far. */
export interface LiveRun {
  control: RunControl;
  abort: AbortController;
  promise: Promise<SendStatus | null>;
  step: SendStep;
  retries: number;
  /** When the run started, on the monotonic timer (for the estimate of the time left). */
  startedAt: number;
  /** The run's start on the service's clock (audit entries are compared with it). */
  startedIso: string;
  sentAtStart: number;
  /** Envelopes recorded so far, kept here so progress never has to count rows. */
  sent: number;
  lastEmit: number;
}

/** What the checks, the status and the outbox may know of the runs: they read, only the driver adds. */
export interface RunningSends {
  get(campaignId: string): Readonly<LiveRun> | undefined;
  has(campaignId: string): boolean;
  readonly size: number;
}

/**
 * The runs of this process, by campaign. The driver (driver.ts) is the only writer; everyone
 * else is handed it as `RunningSends`.
 */
export class LiveRuns implements RunningSends {
  readonly #runs = new Map<string, LiveRun>();

  get(campaignId: string): LiveRun | undefined {
    return this.#runs.get(campaignId);
  }

  has(campaignId: string): boolean {
    return this.#runs.has(campaignId);
  }

  get size(): number {
    return this.#runs.size;
  }

  all(): LiveRun[] {
    return [...this.#runs.values()];
  }

  add(campaignId: string, run: LiveRun): void {
    this.#runs.set(campaignId, run);
  }

  delete(campaignId: string): void {
    this.#runs.delete(campaignId);
  }
}
