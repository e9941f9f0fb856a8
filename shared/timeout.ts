/**
 * `work`, or the error `onTimeout` makes once `ms` have passed without an answer: for calls that
 * can hang (a keychain waiting for an unlock, a network drive that dropped). The timer is cleared
 * either way; `work` itself is not cancelled.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
