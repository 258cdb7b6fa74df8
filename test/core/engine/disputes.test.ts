// Table-driven tests of outcome-contract.md §5 (disputes and credits), through decide() on a record
// state taken from a simulation, plus the §3 rules that meet a disputed or credited outcome.
import { describe, expect, it } from 'vitest';
import type { CriteriaSet } from '../../../src/core/criteria/criteria-set.ts';
import { decide } from '../../../src/core/engine/decide.ts';
import type { DecideError, Effect } from '../../../src/core/engine/decide.ts';
import type { Input } from '../../../src/core/engine/input.ts';
import type { RecordState } from '../../../src/core/engine/record-state.ts';
import { invoiceOf, outcomeView } from '../../../src/core/ledger-view.ts';
import type { OutcomeView } from '../../../src/core/ledger-view.ts';
import type { InvoiceLine } from '../../../src/core/rating.ts';
import { at, criteriaSet, iso, run, signalsOf } from '../../support/scenario.ts';
import type { Step } from '../../support/scenario.ts';
import { closed, press, reopened, v2 } from './lifecycle-cases.ts';

const K1 = 'resolve:ticket:1:2026-11-03#1';
const BY = { userId: 7, email: 'ann@example.com' };
const FINANCE = { userId: 8, email: 'finance@example.com' };

type Action =
  | { at: string | number; do: 'open'; outcomeId?: string; reason?: string; by?: { userId: number; email: string } }
  | { at: string | number; do: 'resolve'; resolution: 'upheld' | 'rejected'; outcomeId?: string; note?: string }
  | { at: string | number; do: 'signal'; step: Step };

/** An outcome view to match, where the dispute may be given in part. */
type ExpectedView = Omit<Partial<OutcomeView>, 'dispute'> & { dispute?: Partial<NonNullable<OutcomeView['dispute']>> | null };

interface DisputeCase {
  rule: string;
  criteria?: Record<string, unknown>[];
  /** The record's history before the actions (default: a press at 0 and success at 5, billable at once). */
  steps?: Step[];
  /** Where the simulation stops (default 10): the actions come after it. */
  until?: string | number;
  actions: Action[];
  /** The error code of the last action; every earlier action must succeed. */
  error?: DecideError['code'];
  /** The record's outcomes after the actions, in opening order. */
  expect: ExpectedView[];
  /** Invoice lines of the record's outcomes, as [kind, period, quantity, amount]. */
  invoice?: [InvoiceLine['kind'], string, number, string][];
}

interface Applied {
  state: RecordState;
  criteria: CriteriaSet;
  effects: Effect[][];
  error: DecideError | null;
  trailBefore: number[];
}

function apply(c: Pick<DisputeCase, 'criteria' | 'steps' | 'until' | 'actions'>): Applied {
  const criteria = criteriaSet(...(c.criteria ?? []));
  const r = run(c.steps ?? [press(0), closed(5)], { criteria, until: c.until ?? 10 });
  const state = r.states.get('ticket:1');
  if (!state) throw new Error('the scenario has no record ticket:1');
  const effects: Effect[][] = [];
  let error: DecideError | null = null;
  let trailBefore: number[] = [];
  c.actions.forEach((a, i) => {
    if (error) throw new Error(`action ${i - 1} failed: ${error.message}`);
    const inputs: Input[] =
      a.do === 'signal'
        ? signalsOf([a.step])
        : a.do === 'open'
          ? [{ type: 'open_dispute', at: at(a.at), outcomeId: a.outcomeId ?? K1, by: a.by ?? BY, reason: a.reason ?? 'The ticket was reopened by the customer.' }]
          : [{ type: 'resolve_dispute', at: at(a.at), outcomeId: a.outcomeId ?? K1, by: FINANCE, resolution: a.resolution, note: a.note ?? 'Checked.' }];
    trailBefore = state.outcomes.map((o) => o.trail.length);
    for (const input of inputs) {
      const d = decide(state, input, criteria);
      if (d.ok) effects.push(d.effects);
      else error = d.error;
    }
  });
  return { state, criteria, effects, error, trailBefore };
}

const lines = (state: RecordState, criteria: CriteriaSet): [InvoiceLine['kind'], string, number, string][] =>
  invoiceOf(state.outcomes, criteria).map((l) => [l.kind, l.period, l.quantity, l.amount]);

const disputeCases: DisputeCase[] = [
  {
    rule: '§5 a settled billable outcome can be disputed: it stays billable (billed) and is flagged',
    actions: [{ at: 20, do: 'open', reason: 'Not actually resolved.' }],
    expect: [
      {
        outcomeId: K1,
        status: 'billable',
        settledAt: iso(5),
        billingPeriod: '2026-11',
        creditPeriod: null,
        dispute: { state: 'open', reason: 'Not actually resolved.', openedBy: BY, openedAt: iso(20), resolvedBy: null, resolvedAt: null },
      },
    ],
    invoice: [['charge', '2026-11', 1, '1.00']],
  },
  { rule: '§5 dispute only on billable: an open attempt is refused', steps: [press(0)], until: 1, actions: [{ at: 2, do: 'open' }], error: 'not_disputable', expect: [{ status: 'open', dispute: null }] },
  {
    rule: '§5 dispute only on billable: a failed attempt is refused',
    criteria: [{ retry_window: '2h' }],
    steps: [press(0)],
    until: 61,
    actions: [{ at: 62, do: 'open' }],
    error: 'not_disputable',
    expect: [{ status: 'failed', dispute: null }],
  },
  {
    rule: '§5 dispute only on billable: an in_review outcome is refused',
    criteria: [{ review_window: '1h' }],
    actions: [{ at: 20, do: 'open' }],
    error: 'not_disputable',
    expect: [{ status: 'in_review', dispute: null }],
  },
  { rule: '§5 dispute only on billable: a not_billable outcome is refused', steps: [press(0)], until: 61, actions: [{ at: 62, do: 'open' }], error: 'not_disputable', expect: [{ status: 'not_billable', dispute: null }] },
  {
    rule: '§5 dispute only on billable: a credited outcome is refused',
    actions: [
      { at: 20, do: 'open' },
      { at: 30, do: 'resolve', resolution: 'upheld' },
      { at: 40, do: 'open' },
    ],
    error: 'not_disputable',
    expect: [{ status: 'credited', dispute: { state: 'upheld' } }],
  },
  {
    rule: '§5 one open dispute at a time: a second one is refused',
    actions: [
      { at: 20, do: 'open', reason: 'first' },
      { at: 25, do: 'open', reason: 'second' },
    ],
    error: 'not_disputable',
    expect: [{ status: 'billable', dispute: { state: 'open', reason: 'first', openedAt: iso(20) } }],
  },
  { rule: '§5 a dispute names an outcome of the record', actions: [{ at: 20, do: 'open', outcomeId: 'resolve:ticket:1:2026-11-03#2' }], error: 'unknown_outcome', expect: [{ status: 'billable', dispute: null }] },
  {
    rule: '§5 upheld dispute credits: credited, the credit on the invoice of the decision’s period',
    actions: [
      { at: 20, do: 'open' },
      { at: '2026-12-02T09:00:00Z', do: 'resolve', resolution: 'upheld' },
    ],
    expect: [
      {
        status: 'credited',
        reason: null,
        settledAt: iso(5),
        creditPeriod: '2026-12',
        dispute: { state: 'upheld', resolvedBy: FINANCE, resolvedAt: '2026-12-02T09:00:00.000Z' },
      },
    ],
    invoice: [
      ['charge', '2026-11', 1, '1.00'],
      ['credit', '2026-12', -1, '-1.00'],
    ],
  },
  {
    rule: '§5 upheld dispute credits: upheld in the billing month, the credit is on that month’s invoice',
    actions: [
      { at: 20, do: 'open' },
      { at: 30, do: 'resolve', resolution: 'upheld' },
    ],
    expect: [{ status: 'credited', creditPeriod: '2026-11' }],
    invoice: [
      ['charge', '2026-11', 1, '1.00'],
      ['credit', '2026-11', -1, '-1.00'],
    ],
  },
  {
    rule: '§5 upheld dispute credits: the credit period is the calendar month in the criteria timezone',
    criteria: [{ timezone: 'Asia/Tokyo' }],
    actions: [
      { at: 20, do: 'open' },
      { at: '2026-11-30T16:00:00Z', do: 'resolve', resolution: 'upheld' },
    ],
    expect: [{ status: 'credited', creditPeriod: '2026-12' }],
  },
  {
    rule: '§5 rejected dispute: the outcome stays billable, no credit',
    actions: [
      { at: 20, do: 'open' },
      { at: 30, do: 'resolve', resolution: 'rejected' },
    ],
    expect: [{ status: 'billable', billingPeriod: '2026-11', creditPeriod: null, dispute: { state: 'rejected', resolvedAt: iso(30) } }],
    invoice: [['charge', '2026-11', 1, '1.00']],
  },
  { rule: '§5 resolving needs an open dispute', actions: [{ at: 20, do: 'resolve', resolution: 'upheld' }], error: 'no_open_dispute', expect: [{ status: 'billable', dispute: null }] },
  {
    rule: '§5 a resolved dispute cannot be resolved again',
    actions: [
      { at: 20, do: 'open' },
      { at: 30, do: 'resolve', resolution: 'rejected' },
      { at: 40, do: 'resolve', resolution: 'upheld' },
    ],
    error: 'no_open_dispute',
    expect: [{ status: 'billable', dispute: { state: 'rejected' }, creditPeriod: null }],
  },
  {
    rule: '§3 step 2 + §5: a press on a credited attempt within the retry window goes to step 3 (#2)',
    criteria: [{ retry_window: '1d' }],
    actions: [
      { at: 20, do: 'open' },
      { at: 21, do: 'resolve', resolution: 'upheld' },
      { at: 30, do: 'signal', step: press(30) },
    ],
    expect: [
      { outcomeId: K1, status: 'credited', duplicates: 0 },
      { outcomeId: 'resolve:ticket:1:2026-11-03#2', status: 'billable', succeededAt: iso(30) },
    ],
  },
  {
    rule: '§3 step 2 + §5: a press on a disputed (still billable) attempt within the retry window is a duplicate',
    criteria: [{ retry_window: '1d' }],
    actions: [
      { at: 20, do: 'open' },
      { at: 30, do: 'signal', step: press(30) },
    ],
    expect: [{ outcomeId: K1, status: 'billable', duplicates: 1, dispute: { state: 'open' } }],
  },
  {
    rule: '§3 cap + §5: an outcome under an open dispute still holds its cap slot',
    criteria: [{ cap: { max: 1, per: 'record', period: 'day' } }],
    actions: [
      { at: 20, do: 'open' },
      { at: 25, do: 'signal', step: reopened(25) },
      { at: 30, do: 'signal', step: press(30) },
      { at: 35, do: 'signal', step: closed(35) },
    ],
    expect: [{ status: 'billable' }, { status: 'not_billable', reason: 'cap_reached', succeededAt: iso(35) }],
  },
  {
    rule: '§3 cap + §5: a credited outcome no longer holds a cap slot (only in_review and billable count)',
    criteria: [{ cap: { max: 1, per: 'record', period: 'day' } }],
    actions: [
      { at: 20, do: 'open' },
      { at: 21, do: 'resolve', resolution: 'upheld' },
      { at: 25, do: 'signal', step: reopened(25) },
      { at: 30, do: 'signal', step: press(30) },
      { at: 35, do: 'signal', step: closed(35) },
    ],
    expect: [{ status: 'credited' }, { status: 'billable', settledAt: iso(35) }],
  },
  {
    rule: '§3 + §5: signals never change a disputed outcome’s status (only the dispute does)',
    actions: [
      { at: 20, do: 'open' },
      { at: 25, do: 'signal', step: reopened(25) },
    ],
    expect: [{ status: 'billable', dispute: { state: 'open' } }],
  },
];

describe('§5 disputes and credits', () => {
  it.each(disputeCases)('$rule', (c) => {
    const { state, criteria, error, trailBefore } = apply(c);
    if (c.error === undefined) expect(error).toBeNull();
    else {
      expect(error?.code).toBe(c.error);
      // A refused input changes nothing.
      expect(state.outcomes.map((o) => o.trail.length)).toEqual(trailBefore);
    }
    expect(state.outcomes.map((o) => outcomeView(o))).toMatchObject(c.expect);
    if (c.invoice) expect(lines(state, criteria)).toEqual(c.invoice);
  });

  const trailCases: { rule: string; resolution: 'upheld' | 'rejected'; types: string[] }[] = [
    { rule: '§5 every dispute step is in the trail with the pinned criteria version (upheld)', resolution: 'upheld', types: ['dispute_opened', 'dispute_upheld', 'transition'] },
    { rule: '§5 every dispute step is in the trail with the pinned criteria version (rejected)', resolution: 'rejected', types: ['dispute_opened', 'dispute_rejected'] },
  ];
  it.each(trailCases)('$rule', ({ resolution, types }) => {
    // v2 is in force when the dispute is opened and resolved; the outcome is pinned to v1.
    const { state, effects } = apply({
      criteria: [{}, v2(7)],
      actions: [
        { at: 20, do: 'open', reason: 'wrong ticket' },
        { at: 30, do: 'resolve', resolution, note: 'agreed' },
      ],
    });
    const o = state.outcomes[0]!;
    expect(o.criteriaVersion).toBe(1);
    const disputeSteps = o.trail.filter((e) => e.at >= at(20));
    expect(disputeSteps.map((e) => e.type)).toEqual(types);
    expect(disputeSteps.map((e) => e.version)).toEqual(types.map(() => 1));
    expect(disputeSteps[0]).toMatchObject({ at: at(20), by: BY, note: 'wrong ticket' });
    expect(disputeSteps[1]).toMatchObject({ at: at(30), by: FINANCE, note: 'agreed' });
    if (resolution === 'upheld') expect(disputeSteps[2]).toMatchObject({ at: at(30), from: 'billable', to: 'credited', cause: 'dispute' });
    for (let i = 1; i < o.trail.length; i++) expect(o.trail[i]!.at).toBeGreaterThanOrEqual(o.trail[i - 1]!.at);
    // Each dispute step is reported as a change of that outcome.
    for (const e of effects) expect(e).toContainEqual({ type: 'outcome_changed', outcome: o });
  });

  it('§5 upheld dispute credits: re-rated so a graduated tier boundary is honoured (credit = amount(n) − amount(n − k))', () => {
    const criteria = criteriaSet({
      price: { currency: 'USD', model: 'graduated', tiers: [{ up_to: 2, unit_amount: '10.00' }, { up_to: null, unit_amount: '5.00' }] },
    });
    const r = run([press(0, '1'), press(0, '2'), press(0, '3'), closed(5, '1'), closed(5, '2'), closed(5, '3')], { criteria, until: 10 });
    const state = r.states.get('ticket:1')!;
    expect(decide(state, { type: 'open_dispute', at: at(20), outcomeId: K1, by: BY, reason: 'x' }, criteria).ok).toBe(true);
    expect(decide(state, { type: 'resolve_dispute', at: at(30), outcomeId: K1, by: BY, resolution: 'upheld', note: 'y' }, criteria).ok).toBe(true);
    expect(invoiceOf(r.outcomes, criteria).map((l) => [l.kind, l.period, l.quantity, l.amount])).toEqual([
      ['charge', '2026-11', 3, '25.00'],
      ['credit', '2026-11', -1, '-5.00'],
    ]);
  });
});

// Cases found as gaps by an independent reading of the contract and cli.md, now closed.
const contractGaps: DisputeCase[] = [
  {
    rule: '§5 a dispute is opened with a reason: an empty reason is refused',
    actions: [{ at: 20, do: 'open', reason: '' }],
    error: 'invalid_dispute',
    expect: [{ status: 'billable', dispute: null }],
  },
  {
    rule: '§5 a dispute is opened by a user: an empty user is refused',
    actions: [{ at: 20, do: 'open', by: { userId: 7, email: ' ' } }],
    error: 'invalid_dispute',
    expect: [{ status: 'billable', dispute: null }],
  },
  {
    rule: 'cli.md billingPeriod: a credited outcome keeps the period it was billed in (its credit line names it as creditFor)',
    actions: [
      { at: 20, do: 'open' },
      { at: 30, do: 'resolve', resolution: 'upheld' },
    ],
    expect: [{ status: 'credited', billingPeriod: '2026-11', billedPeriod: '2026-11', creditPeriod: '2026-11' }],
  },
];

describe('§5 disputes and credits: dispute inputs and credited periods', () => {
  it.each(contractGaps)('$rule', (c) => {
    const { state, error } = apply(c);
    if (c.error === undefined) expect(error).toBeNull();
    else expect(error?.code).toBe(c.error);
    expect(state.outcomes.map((o) => outcomeView(o))).toMatchObject(c.expect);
  });
});
