import type { Random } from './random';

/**
 * Fault injection for the sandbox. A rule matches requests by method and path (relative to
 * `/api/v1/`, e.g. `envelopes` or `engagements/<id>`; the fake storage endpoint is `fake-s3/…`)
 * and applies an action to some of them. Rules are consumed in the order added; `chaos` picks
 * faults at random from a seeded stream, so a run is repeatable.
 *
 * Actions and what the client sees:
 * - `status`: that status (and body) instead of the real answer; nothing is stored.
 * - `rate_limit`: 429 with `Retry-After` (seconds or an HTTP date); nothing is stored.
 * - `delay`: the request waits, then is handled normally (stored even if the client gave up).
 * - `reset`: the connection is destroyed before any answer; nothing is stored.
 * - `hang`: no answer at all until the sandbox closes; nothing is stored.
 * - `commit_then_fail`: the request is handled and stored, then the answer is lost:
 *   `then: 'status'` (default 502), `'reset'`, or `'hang'`.
 */
export type FaultAction =
  | {
      type: 'status';
      status: number;
      body?: unknown;
      contentType?: string;
      retryAfter?: string | number;
    }
  | { type: 'rate_limit'; retryAfter?: string | number }
  | { type: 'delay'; ms: number }
  | { type: 'reset' }
  | { type: 'hang' }
  | { type: 'commit_then_fail'; then?: 'status' | 'reset' | 'hang'; status?: number };

export interface FaultRule {
  method?: string;
  /** Exact relative path, or a pattern tested against it. Omitted: every path. */
  path?: string | RegExp;
  action: FaultAction;
  /** Let this many matching requests through before the rule starts firing. */
  after?: number;
  /** How many times it fires (default 1; Infinity for always). */
  times?: number;
}

export interface ChaosOptions {
  /** Chance, per matching request, that a fault fires. */
  rate: number;
  /** The faults to pick from, uniformly. */
  actions: FaultAction[];
  method?: string;
  path?: string | RegExp;
}

export interface InjectedFault {
  method: string;
  path: string;
  action: FaultAction;
}

interface LiveRule extends FaultRule {
  seen: number;
  fired: number;
}

export class Faults {
  private rules: LiveRule[] = [];
  private chaosOptions: ChaosOptions | undefined;
  /** Every fault that fired, in order. */
  readonly injected: InjectedFault[] = [];

  constructor(private readonly random: Random) {}

  add(rule: FaultRule): this {
    this.rules.push({ ...rule, seen: 0, fired: 0 });
    return this;
  }

  /** Shorthand: the next `times` matching requests get this action. */
  next(method: string, path: string | RegExp, action: FaultAction, times = 1): this {
    return this.add({ method, path, action, times });
  }

  chaos(options: ChaosOptions | undefined): this {
    this.chaosOptions = options;
    return this;
  }

  clear(): void {
    this.rules = [];
    this.chaosOptions = undefined;
  }

  /** Rules that have not fired as often as asked (a test can assert its faults were used). */
  get pending(): FaultRule[] {
    return this.rules.filter((r) => r.fired < (r.times ?? 1));
  }

  /** Called by the server for each request; returns the action to apply, if any. */
  take(method: string, path: string): FaultAction | undefined {
    for (const rule of this.rules) {
      if (!matches(rule, method, path)) continue;
      rule.seen++;
      if (rule.seen <= (rule.after ?? 0)) continue;
      if (rule.fired >= (rule.times ?? 1)) continue;
      rule.fired++;
      this.injected.push({ method, path, action: rule.action });
      return rule.action;
    }
    const chaos = this.chaosOptions;
    if (chaos && chaos.actions.length && matches(chaos, method, path)) {
      // Two draws per request whether or not a fault fires, so the stream stays aligned.
      const fire = this.random() < chaos.rate;
      const pick = chaos.actions[Math.floor(this.random() * chaos.actions.length)];
      if (fire && pick) {
        this.injected.push({ method, path, action: pick });
        return pick;
      }
    }
    return undefined;
  }
}

function matches(
  rule: { method?: string; path?: string | RegExp },
  method: string,
  path: string,
): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  if (rule.path === undefined) return true;
  return typeof rule.path === 'string' ? rule.path === path : rule.path.test(path);
}
