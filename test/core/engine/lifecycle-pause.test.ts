// Lifecycle tables for contract §7 pauses, through simulate(): a paused press counts (in presses and
// paused) and does nothing else: no attempt, retry, duplicate or suppression, and no cool-down starts.
import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/core/engine/input.ts';
import { outcomeView } from '../../../src/core/ledger-view.ts';
import type { OutcomeView } from '../../../src/core/ledger-view.ts';
import type { Summary } from '../../../src/core/ledger-view.ts';
import type { SimulationResult } from '../../../src/core/simulate.ts';
import { at, criteriaSet, iso, run } from '../../support/scenario.ts';
import type { Step } from '../../support/scenario.ts';
import { closed, K, press, put, TRIGGER } from './lifecycle-cases.ts';

const BY = { userId: 7, email: 'ann@example.com' };
const pause = (t: number, criteriaId = 'resolve'): Action => ({ type: 'pause', at: at(t), by: BY, criteriaId, note: 'Agent misbehaving.' });
const resume = (t: number, criteriaId = 'resolve'): Action => ({ type: 'resume', at: at(t), by: BY, criteriaId, note: 'Fixed.' });

interface PauseCase {
  rule: string;
  criteria?: Record<string, unknown>[];
  steps: Step[];
  actions: Action[];
  until?: number;
  expect: Partial<OutcomeView>[];
  summary?: Partial<Summary>;
  check?: (r: SimulationResult) => void;
}

function simulateCase(c: PauseCase): SimulationResult {
  return run(c.steps, { criteria: criteriaSet(...(c.criteria ?? [])), actions: c.actions, ...(c.until === undefined ? {} : { until: c.until }) });
}

const cases: PauseCase[] = [
  {
    rule: '§7 a press while paused opens no attempt, and counts in presses and paused',
    steps: [press(5), closed(6)],
    actions: [pause(0)],
    expect: [],
    summary: { presses: 1, paused: 1, attempts: 0, suppressed: 0, duplicates: 0 },
  },
  {
    rule: '§7 a press at the pause’s instant is not paused (at one instant: signals, then actions)',
    steps: [press(0), closed(5)],
    actions: [pause(0)],
    expect: [{ outcomeId: `${K}#1`, status: 'billable', tries: 1 }],
    summary: { presses: 1, paused: 0 },
  },
  {
    rule: '§7 a press at the resume’s instant is still paused; the next one is not',
    steps: [press(10), press(11), closed(12)],
    actions: [pause(0), resume(10)],
    expect: [{ openedAt: iso(11), status: 'billable', tries: 1 }],
    summary: { presses: 2, paused: 1, attempts: 1 },
  },
  {
    rule: '§7 no retry: a paused press on an open attempt leaves its tries and deadline alone',
    criteria: [{ retry_window: '2h' }],
    steps: [press(0), press(30)],
    actions: [pause(10)],
    until: 59,
    expect: [{ status: 'open', tries: 1, deadline: iso(60) }],
    summary: { presses: 2, paused: 1 },
  },
  {
    rule: '§7 no retry: a paused press does not reopen a failed attempt, which settles when its window ends',
    criteria: [{ retry_window: '2h' }],
    steps: [press(0), press(70)],
    actions: [pause(65)],
    expect: [{ status: 'not_billable', reason: 'latency_breach', tries: 1, settledAt: iso(120) }],
    summary: { presses: 2, paused: 1 },
  },
  {
    rule: '§7 no duplicate: a paused press on a billable attempt is not counted on it',
    criteria: [{ retry_window: '2h' }],
    steps: [press(0), closed(5), press(20)],
    actions: [pause(10)],
    expect: [{ status: 'billable', duplicates: 0, tries: 1 }],
    summary: { presses: 2, paused: 1, duplicates: 0 },
  },
  {
    rule: '§7 no suppression: a paused press within the cool-down is not counted as suppressed',
    criteria: [{ cooldown: '10m' }],
    steps: [press(0), press(3), closed(5)],
    actions: [pause(1)],
    expect: [{ status: 'billable', suppressed: 0, tries: 1 }],
    summary: { presses: 2, paused: 1, suppressed: 0 },
  },
  {
    rule: '§7 no cool-down starts: a press after the resume counts from the last accepted press, not the paused one',
    criteria: [{ cooldown: '10m', retry_window: '30m' }],
    steps: [press(0), press(5), press(12)],
    actions: [pause(1), resume(6)],
    until: 13,
    // Had the paused press at 5 started a cool-down, the press at 12 would be suppressed.
    expect: [{ status: 'open', tries: 2, suppressed: 0, deadline: iso(72) }],
    summary: { presses: 3, paused: 1 },
  },
  {
    rule: '§7 no cool-down starts: the first press after a paused one opens an attempt',
    criteria: [{ cooldown: '10m' }],
    steps: [press(5), press(8)],
    actions: [pause(0), resume(6)],
    until: 9,
    expect: [{ openedAt: iso(8), status: 'open', suppressed: 0 }],
    summary: { presses: 2, paused: 1, attempts: 1 },
  },
  {
    rule: '§7 a pause is about presses only: an open attempt still succeeds while its id is paused',
    steps: [press(0), closed(20)],
    actions: [pause(10)],
    expect: [{ status: 'billable', settledAt: iso(20) }],
    summary: { presses: 1, paused: 0 },
  },
  {
    rule: '§7 a pause is about presses only: timers still fire while paused',
    steps: [press(0)],
    actions: [pause(10)],
    expect: [{ status: 'not_billable', reason: 'latency_breach', settledAt: iso(60) }],
  },
  {
    rule: '§7 a pause is portal-wide: every record’s presses of that id are paused',
    steps: [press(5, '1'), press(6, '2'), press(7, '3')],
    actions: [pause(0), resume(6)],
    until: 8,
    expect: [{ recordId: '3', status: 'open' }],
    summary: { presses: 3, paused: 2, attempts: 1 },
  },
  {
    rule: '§7 pausing one id leaves another id watching the same property alone',
    criteria: [{}, { id: 'other' }],
    steps: [press(5)],
    actions: [pause(0)],
    until: 6,
    expect: [{ criteriaId: 'other', status: 'open' }],
    summary: { presses: 2, paused: 1, attempts: 1 },
  },
  {
    rule: '§7 a pause holds across versions: it is of the id, whichever version is in force',
    criteria: [{}, { version: 2, change_notes: 'Two.', effective_from: iso(3) }],
    steps: [press(2), press(5)],
    actions: [pause(0)],
    expect: [],
    summary: { presses: 2, paused: 2 },
  },
  {
    rule: '§7 a press that is not a press (clearing the trigger) is not counted as paused',
    steps: [put(5, { [TRIGGER]: '' })],
    actions: [pause(0)],
    expect: [],
    summary: { presses: 0, paused: 0 },
  },
  {
    rule: '§7 a refused pause (already paused) changes nothing: the resume still ends the first pause',
    steps: [press(5), press(12), closed(13)],
    actions: [pause(0), pause(3), resume(10)],
    expect: [{ openedAt: iso(12), status: 'billable' }],
    summary: { presses: 2, paused: 1 },
    check: (r) => expect(r.refused.map((x) => [x.action.type, x.error.code])).toEqual([['pause', 'already_paused']]),
  },
  {
    rule: '§7 a refused pause (unknown id) pauses nothing',
    steps: [press(5)],
    actions: [pause(0, 'nope')],
    until: 6,
    expect: [{ status: 'open' }],
    check: (r) => expect(r.refused.map((x) => x.error.code)).toEqual(['unknown_criteria']),
  },
  {
    rule: 'cli.md --until drops the actions after it: a resume after it leaves the pause on',
    steps: [press(5)],
    actions: [pause(0), resume(30), pause(40)],
    until: 20,
    expect: [],
    summary: { presses: 1, paused: 1 },
    check: (r) => expect(r.refused).toEqual([]),
  },
];

describe('§7 pause semantics through simulate()', () => {
  it.each(cases)('$rule', (c) => {
    const r = simulateCase(c);
    expect(r.outcomes.map((o) => outcomeView(o))).toMatchObject(c.expect);
    if (c.summary) expect(r.summary).toMatchObject(c.summary);
    c.check?.(r);
  });

  it('presses add up: attempts’ tries, duplicates, suppressed and paused presses make every press', () => {
    const r = simulateCase({
      rule: 'count',
      criteria: [{ cooldown: '2m', retry_window: '30m', review_window: '1h' }],
      steps: [press(0), press(1), press(5), press(20), closed(21), press(25), press(30)],
      actions: [pause(10), resume(22)],
      expect: [],
    });
    const o = r.outcomes[0]!;
    // 0 opens, 1 suppressed, 5 retry, 20 paused, 25 and 30 duplicates of the attempt in review.
    expect(r.outcomes).toHaveLength(1);
    expect([o.tries, o.suppressed, o.duplicates, r.summary.paused]).toEqual([2, 1, 2, 1]);
    expect(r.summary.presses).toBe(6);
  });
});
