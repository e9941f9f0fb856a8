import type { ConnectionState } from '../../shared/send';
import type { Logger } from '../logging/logger';
import { systemClock } from '../clock';

/**
 * Whether Omnigage answers, as the app last saw it. Every request the app makes to Omnigage
 * goes through `wrap(fetch)`, so a lost connection shows within one failed request rather than
 * after the send engine's retries are spent; between requests a light probe (a GET of the API
 * address, no credentials) asks again: every few seconds while Omnigage is not answering or a
 * send is running, every minute otherwise.
 *
 * "Answers" means any HTTP response: a 401 or a 404 is still Omnigage answering. Only a
 * request that never got a response (refused, reset, no route, timed out) counts against it.
 * Requests the app itself aborted (pause, cancel, quit) say nothing either way.
 */
export interface ReachabilityDeps {
  log: Logger;
  clock?: () => Date;
  /** The API address the window's header speaks about (the active profile's); null when there is none. */
  target: () => string | null;
  /** True while a send is running: then a stale answer is checked again within seconds. */
  busy?: () => boolean;
  /** Used by the probe (tests pass their own). */
  fetch?: typeof globalThis.fetch;
  probeTimeoutMs?: number;
  /** How often the probe loop wakes while Omnigage is not answering or a send runs. */
  fastMs?: number;
  /** How old an answer may get while idle before it is checked again. */
  slowMs?: number;
}

interface OriginState {
  reach: 'answering' | 'not_answering';
  since: number;
  checkedAt: number;
  detail: string | null;
}

export class Reachability {
  readonly #deps: ReachabilityDeps;
  readonly #clock: () => Date;
  readonly #byOrigin = new Map<string, OriginState>();
  readonly #listeners = new Set<(state: ConnectionState) => void>();
  readonly #anyListeners = new Set<() => void>();
  #timer: NodeJS.Timeout | undefined;
  #probing: Promise<void> | undefined;
  #last: string | undefined;
  /** Stopped with the backend: a probe still in flight must not read the closed database. */
  #stopped = false;

  constructor(deps: ReachabilityDeps) {
    this.#deps = deps;
    // Tests of the probe alone may leave it out; the send service always passes its own.
    this.#clock = deps.clock ?? systemClock;
  }

  get #fastMs(): number {
    return this.#deps.fastMs ?? 5_000;
  }

  subscribe(listener: (state: ConnectionState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Called when any address starts or stops answering (a send may talk to another profile's). */
  subscribeAll(listener: () => void): () => void {
    this.#anyListeners.add(listener);
    return () => this.#anyListeners.delete(listener);
  }

  /** What the header shows: whether the active profile's Omnigage answers. */
  state(): ConnectionState {
    const apiUrl = this.#deps.target();
    if (!apiUrl)
      return {
        reach: 'no_profile',
        apiUrl: null,
        since: null,
        checkedAt: null,
        detail: null,
        nextCheckAt: null,
      };
    return this.stateOf(apiUrl);
  }

  /** Whether the Omnigage at this API address answered the last time it was asked. */
  stateOf(apiUrl: string): ConnectionState {
    const known = this.#byOrigin.get(originOf(apiUrl));
    const iso = (ms: number) => new Date(ms).toISOString();
    const next =
      this.#timer && known?.reach === 'not_answering' ? iso(known.checkedAt + this.#fastMs) : null;
    if (!known)
      return {
        reach: 'unknown',
        apiUrl,
        since: null,
        checkedAt: null,
        detail: null,
        nextCheckAt: null,
      };
    return {
      reach: known.reach,
      apiUrl,
      since: iso(known.since),
      checkedAt: iso(known.checkedAt),
      detail: known.detail,
      nextCheckAt: next,
    };
  }

  /** Records how a request to this address ended. */
  observe(url: string, answered: boolean, detail: string | null = null): void {
    const origin = originOf(url);
    const now = this.#clock().getTime();
    const before = this.#byOrigin.get(origin);
    const reach = answered ? 'answering' : 'not_answering';
    this.#byOrigin.set(origin, {
      reach,
      since: before?.reach === reach ? before.since : now,
      checkedAt: now,
      detail: answered ? null : detail,
    });
    if (before?.reach !== reach && !this.#stopped) {
      this.#deps.log.info(answered ? 'Omnigage answers' : 'Omnigage is not answering', {
        origin,
        detail,
      });
      for (const listener of this.#anyListeners) {
        try {
          listener();
        } catch (error) {
          this.#deps.log.warn('connection listener failed', { error });
        }
      }
      this.#announce();
    }
  }

  /** A fetch that reports each exchange's outcome here, then behaves exactly like `inner`. */
  wrap(inner?: typeof globalThis.fetch): typeof globalThis.fetch {
    return async (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const call = inner ?? globalThis.fetch;
      try {
        const response = await call(input, init);
        this.observe(url, true);
        return response;
      } catch (error) {
        const reason = init?.signal?.aborted ? (init.signal.reason as unknown) : error;
        // Our own abort (pause, cancel, quit) is not Omnigage's silence; a timeout is.
        if (!(init?.signal?.aborted && !isTimeout(reason)))
          this.observe(url, false, describe(reason));
        throw error;
      }
    };
  }

  /** Asks the active profile's Omnigage now (any answer will do). */
  probe(): Promise<void> {
    const apiUrl = this.#deps.target();
    if (!apiUrl) return Promise.resolve();
    this.#probing ??= (async () => {
      const call = this.#deps.fetch ?? globalThis.fetch;
      try {
        const response = await call(apiUrl, {
          method: 'GET',
          redirect: 'manual',
          signal: AbortSignal.timeout(this.#deps.probeTimeoutMs ?? 4_000),
        });
        await response.body?.cancel().catch(() => {});
        this.observe(apiUrl, true);
      } catch (error) {
        this.observe(apiUrl, false, describe(error));
      }
    })().finally(() => {
      this.#probing = undefined;
    });
    return this.#probing;
  }

  /** Starts the probe loop (the window's backend does; the CLI does not need it). */
  start(): void {
    if (this.#timer) return;
    this.#stopped = false;
    this.#timer = setInterval(() => void this.check(), this.#fastMs);
    this.#timer.unref?.();
    void this.check();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Asks again when it is due, and tells the window if what it shows changed (the active profile may have). */
  async check(): Promise<void> {
    if (this.#stopped) return;
    const apiUrl = this.#deps.target();
    if (!apiUrl) {
      this.#announce();
      return;
    }
    const known = this.#byOrigin.get(originOf(apiUrl));
    const age = known ? this.#clock().getTime() - known.checkedAt : Infinity;
    const due =
      !known ||
      known.reach === 'not_answering' ||
      (this.#deps.busy?.() === true && age >= this.#fastMs) ||
      age >= (this.#deps.slowMs ?? 60_000);
    if (due) await this.probe();
    // The active profile may have changed: tell the window when what it shows changes.
    this.#announce();
  }

  #announce(): void {
    if (this.#stopped) return;
    const state = this.state();
    const key = `${state.reach} ${state.apiUrl ?? ''}`;
    if (key === this.#last) return;
    this.#last = key;
    for (const listener of this.#listeners) {
      try {
        listener(state);
      } catch (error) {
        this.#deps.log.warn('connection listener failed', { error });
      }
    }
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function isTimeout(reason: unknown): boolean {
  return (
    reason instanceof Error &&
    (reason.name === 'TimeoutError' || /timed? ?out/i.test(reason.message))
  );
}

/** In words for people: why the last request got no answer. */
function describe(error: unknown): string {
  if (isTimeout(error)) return 'Omnigage did not answer in time.';
  const code = (error as { cause?: { code?: string } } | null)?.cause?.code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return 'The Omnigage address could not be found (no internet connection?).';
  if (code === 'ECONNREFUSED') return 'Nothing answered at the Omnigage address.';
  if (code === 'ECONNRESET') return 'The connection to Omnigage was cut.';
  return 'Omnigage could not be reached.';
}
