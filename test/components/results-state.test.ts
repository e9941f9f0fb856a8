import { describe, expect, it } from 'vitest';
import type { call as Call } from '../../renderer/lib/api';
import { ResultsState } from '../../renderer/lib/results.svelte';
import type { ResultsPage } from '../../shared/send';

describe('ResultsState', () => {
  it('puts the tiles in the chart’s order when outcomes have as many recipients', async () => {
    // As the results come back: outcomes named by Omnigage, in the database's (alphabetical) order.
    const page: Partial<ResultsPage> = {
      outcomes: {
        busy: 1,
        failed: 1,
        human: 1,
        machine: 3,
        'no-answer': 1,
        'not called — invalid number': 1,
        pending: 1,
        'rang-out': 1,
      },
      rows: [],
      total: 10,
      offset: 0,
    };
    const call = (async () => page) as unknown as typeof Call;
    const results = new ResultsState(call);
    await results.load('c1');
    expect(results.outcomes.map(([outcome]) => outcome)).toEqual([
      'machine',
      'human',
      'busy',
      'no-answer',
      'failed',
      'rang-out',
      'pending',
      'not called — invalid number',
    ]);
  });
});
