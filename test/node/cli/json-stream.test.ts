import { describe, expect, it } from 'vitest';
import { jsonChunks } from '../../../electron/cli/json-stream';

describe('jsonChunks', () => {
  it('writes exactly what JSON.stringify writes, in pieces of about the size asked', () => {
    const problems = Array.from({ length: 5000 }, (_, i) => ({
      row: i + 1,
      column: i % 3 ? 'Phone' : undefined,
      code: 'invalid_phone',
      message: `"${i}" is not a valid phone number — “quoted” \\ and \u2028 too`,
      blocking: false,
    }));
    const value = {
      ok: false,
      skipped: undefined,
      fn: () => 1,
      recipients: { total: 5000, valid: 0, invalid: 5000, duplicates: 0, optedOut: 0 },
      problems,
      mergeFields: {
        used: ['first-name'],
        missing: [{ field: 'first-name', rows: [1, 2, 3] }],
        nested: [[1, [2, undefined]], null],
      },
      when: new Date(0),
      odd: [undefined, () => 2, Symbol('s'), NaN, -0, 'x'],
    };
    const pieces = [...jsonChunks(value, 4096)];
    expect(pieces.join('')).toBe(JSON.stringify(value));
    expect(pieces.length).toBeGreaterThan(50);
    for (const piece of pieces.slice(0, -1)) expect(piece.length).toBeGreaterThanOrEqual(4096);
    // No piece grows far past the size: one problem at most is added after the threshold.
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(4096 + 300);
  });

  it('handles plain values and empty containers', () => {
    for (const value of [null, 1, 'a', true, [], {}, [[]], { a: {} }]) {
      expect([...jsonChunks(value)].join('')).toBe(JSON.stringify(value));
    }
  });
});
