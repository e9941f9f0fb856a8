/**
 * When the calls of a campaign ended, as at most `maxBars` columns: the minutes main counted
 * (results page `calledAt`) gathered into the smallest of a few round bucket sizes that fits.
 */
const BUCKET_MINUTES = [1, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];

export interface Timeline {
  /** Minutes per column. */
  bucketMinutes: number;
  /** Each column's start (ms since 1970) and calls ended in it, gaps included, in time order. */
  bars: Array<{ start: number; count: number }>;
  /** The busiest column. */
  peak: { start: number; count: number } | null;
  total: number;
}

export function timeline(
  calledAt: ReadonlyArray<readonly [number, number]>,
  maxBars = 24,
): Timeline {
  if (calledAt.length === 0) return { bucketMinutes: 1, bars: [], peak: null, total: 0 };
  const first = calledAt[0]![0];
  const last = calledAt[calledAt.length - 1]![0];
  const span = last - first + 1;
  const size =
    BUCKET_MINUTES.find((m) => Math.ceil((span + (first % m)) / m) <= maxBars) ??
    Math.ceil(span / maxBars / 1440) * 1440;
  const start = first - (first % size);
  const bars = Array.from({ length: Math.floor((last - start) / size) + 1 }, (_, i) => ({
    start: (start + i * size) * 60_000,
    count: 0,
  }));
  let total = 0;
  for (const [minute, n] of calledAt) {
    bars[Math.floor((minute - start) / size)]!.count += n;
    total += n;
  }
  const peak = bars.reduce((best, bar) => (bar.count > best.count ? bar : best), bars[0]!);
  return { bucketMinutes: size, bars, peak, total };
}
