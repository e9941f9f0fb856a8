/**
 * Time, read in one place. Every service is given a `Clock` when it is made (createServices
 * hands its own to each), so a test can run the app at a known instant or move time on; nothing
 * under electron/ reads the computer's clock itself (test/node/shell/clock.test.ts holds that).
 */

/** What time it is now, on the clock the service was given. */
export type Clock = () => Date;

/**
 * The computer's clock. The entry points pass it in (electron/main.ts, the CLI's entry.ts);
 * createServices, the logger and the few constructors tests build on their own fall back to it.
 */
export const systemClock: Clock = () => new Date();

/**
 * Milliseconds on a monotonic timer, for durations only (progress throttling, an estimate of the
 * time left, a lock's wait): they must not freeze under a test's fixed clock nor jump when the
 * computer's time is changed. Never stored, never compared with a time of day.
 */
export const monotonicMs = (): number => performance.now();
