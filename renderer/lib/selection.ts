import type { PageFilter, RowSelection } from '../../shared/recipients/types';

/**
 * A run of selected rows in the table: positions `from`..`to` (inclusive) in the filter's order,
 * and the same rows as row-number bounds [lo, hi) (hi null: to the end of the list) for main.
 * Rows are shown in row-number order, so both describe the same rows while the list is unchanged;
 * positions count and draw the selection, bounds are what main resolves.
 */
interface Run {
  from: number;
  to: number;
  lo: number;
  hi: number | null;
}

/** A row the person touched: its position in the filter and its row number. */
export interface RowAt {
  index: number;
  row: number;
}

/**
 * The table's selection, as a few runs rather than a set of row numbers: "select all" of a
 * 100,000-row list is one run, and a Shift-click range over rows never fetched needs only the
 * two rows that were clicked. Immutable: every change returns a new selection.
 */
export class Selection {
  static readonly none = new Selection([]);

  private constructor(private readonly runs: readonly Run[]) {}

  /** Every row the filter shows (`total` of them). */
  static all(total: number): Selection {
    return total > 0
      ? new Selection([{ from: 0, to: total - 1, lo: 0, hi: null }])
      : Selection.none;
  }

  get count(): number {
    let n = 0;
    for (const run of this.runs) n += run.to - run.from + 1;
    return n;
  }

  has(index: number): boolean {
    return this.runs.some((run) => run.from <= index && index <= run.to);
  }

  /** Adds (on) or takes out (off) the rows between two touched rows, both included. */
  set(a: RowAt, b: RowAt, on: boolean): Selection {
    const [first, last] = a.index <= b.index ? [a, b] : [b, a];
    // What lies outside first..last stays; the parts of runs that overlap it are cut off.
    const kept: Run[] = [];
    for (const run of this.runs) {
      if (run.to < first.index || run.from > last.index) {
        kept.push(run);
        continue;
      }
      if (run.from < first.index)
        kept.push({ from: run.from, to: first.index - 1, lo: run.lo, hi: first.row });
      if (run.to > last.index)
        kept.push({ from: last.index + 1, to: run.to, lo: last.row + 1, hi: run.hi });
    }
    if (on) kept.push({ from: first.index, to: last.index, lo: first.row, hi: last.row + 1 });
    return new Selection(merge(kept));
  }

  toggle(at: RowAt): Selection {
    return this.set(at, at, !this.has(at.index));
  }

  /** What main needs to act on the selection; null when nothing is selected. */
  toWire(filter: PageFilter): RowSelection | null {
    if (this.runs.length === 0) return null;
    return {
      filter,
      ranges: this.runs.map((run) => [run.lo, run.hi] as [number, number | null]),
      count: this.count,
    };
  }
}

/** Sorted, with touching runs joined (the first keeps its lower bound, the last its upper). */
function merge(runs: Run[]): Run[] {
  const sorted = [...runs].sort((x, y) => x.from - y.from);
  const out: Run[] = [];
  for (const run of sorted) {
    const prev = out[out.length - 1];
    if (prev && run.from <= prev.to + 1) {
      if (run.to > prev.to) out[out.length - 1] = { ...prev, to: run.to, hi: run.hi };
    } else out.push(run);
  }
  return out;
}
