import { describe, expect, it } from 'vitest';
import { FirstRows } from '../../../electron/recipients/first-rows';
import { rng } from '../../bench/generate';

describe('FirstRows', () => {
  it('answers as a Map would, through growth, for numbers of every size', () => {
    const random = rng(17);
    const index = new FirstRows(4);
    const reference = new Map<number, number>();
    // +1 and long international numbers, numbers a multiple of 2^32 apart (same low bits), repeats.
    const pool: number[] = [];
    for (let i = 0; i < 3000; i++) pool.push(12_000_000_000 + Math.floor(random() * 8_000_000_000));
    for (let i = 0; i < 300; i++)
      pool.push(4_294_967_296 * (i + 1) + 7, 999_999_999_999_999 - i, 442_079_460_958 + i);
    for (let row = 1; row <= 40_000; row++) {
      const key = pool[Math.floor(random() * pool.length)]!;
      const expected = reference.get(key);
      if (expected === undefined) reference.set(key, row);
      expect(index.firstOrAdd(key, row)).toBe(expected ?? -1);
    }
    expect(index.size).toBe(reference.size);
    for (const [key, row] of reference) expect(index.firstOrAdd(key, 0)).toBe(row);
  });
});
