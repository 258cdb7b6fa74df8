import { describe, expect, it } from 'vitest';
import { criteriaSet, iso, outcomes } from '../support/scenario.ts';

describe('scenario support', () => {
  it('runs a press and a success', () => {
    const [o] = outcomes([{ at: 0, set: { agent_started_at: 'x' } }, { at: 5, set: { stage: 'closed' } }], { criteria: criteriaSet({ review_window: '1h' }) });
    expect(o).toMatchObject({ status: 'billable', succeededAt: iso(5), settledAt: iso(65) });
  });
});
