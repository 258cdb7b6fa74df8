// Table-driven tests of the outcome contract's lifecycle (shared/spec/outcome-contract.md §1 defaults,
// §3 presses, steps 1-3, re-check, cap, timers; cli.md outcome fields, buckets, order, --until).
// Review rules and §4 reasons are in lifecycle-review.test.ts, §5 disputes in disputes.test.ts.
import { describe, expect, it } from 'vitest';
import type { Outcome, TrailEntry } from '../../src/core/engine/outcome.ts';
import { outcomeView } from '../../src/core/ledger-view.ts';
import type { OutcomeView } from '../../src/core/ledger-view.ts';
import type { SimulationResult } from '../../src/core/simulate.ts';
import { at, criteriaSet, iso, outcomes, run } from '../support/scenario.ts';
import type { ScenarioOptions, Step } from '../support/scenario.ts';

// ---- vocabulary -------------------------------------------------------------------------------

const TRIGGER = 'agent_started_at';
const FAIL_IF = "agent_status = 'error'";
const EXCLUDE_TEST = [{ if: "subject CONTAINS 'test'", label: 'test_record' }];
const NY = 'America/New_York';

const rec = (record?: string): Partial<Step> => (record === undefined ? {} : { record });
const press = (t: string | number, record?: string, value = 'x'): Step => ({ at: t, set: { [TRIGGER]: value }, ...rec(record) });
const put = (t: string | number, props: Record<string, string>, record?: string): Step => ({ at: t, set: props, ...rec(record) });
const closed = (t: string | number, record?: string): Step => put(t, { stage: 'closed' }, record);
const reopened = (t: string | number, record?: string): Step => put(t, { stage: 'open' }, record);
const failSignal = (t: string | number, record?: string): Step => put(t, { agent_status: 'error' }, record);
const v2 = (from: string | number, o: Record<string, unknown> = {}): Record<string, unknown> => ({
  version: 2,
  change_notes: 'Second version.',
  effective_from: iso(from),
  ...o,
});
const keyOf = (bucket = '2026-11-03', record = '1', id = 'resolve'): string => `${id}:ticket:${record}:${bucket}`;
const K = keyOf();

interface Case {
  rule: string;
  /** Overrides of the base criteria, one per version (default: the base criteria alone). */
  criteria?: Record<string, unknown>[];
  records?: ScenarioOptions['records'];
  steps: Step[];
  until?: string | number;
  /** Every outcome, in ledger order. */
  expect: Partial<OutcomeView>[];
  /** Further checks on the raw result (trail, ...). */
  check?: (r: SimulationResult) => void;
}

function simulateCase(c: Pick<Case, 'criteria' | 'records' | 'steps' | 'until'>): SimulationResult {
  const opts: ScenarioOptions = { criteria: criteriaSet(...(c.criteria ?? [])) };
  if (c.records !== undefined) opts.records = c.records;
  if (c.until !== undefined) opts.until = c.until;
  return run(c.steps, opts);
}

function checkCase(c: Case): void {
  const r = simulateCase(c);
  expect(r.outcomes.map((o) => outcomeView(o))).toMatchObject(c.expect);
  c.check?.(r);
}

const transitions = (o: Outcome): Extract<TrailEntry, { type: 'transition' }>[] =>
  o.trail.filter((e): e is Extract<TrailEntry, { type: 'transition' }> => e.type === 'transition');

// ---- §1 defaults that shape the lifecycle -----------------------------------------------------

const defaults: Case[] = [
  {
    rule: '§1 default review_window 0: success settles billable at once',
    steps: [press(0), closed(5)],
    expect: [
      {
        outcomeId: `${K}#1`,
        idempotencyKey: K,
        criteriaId: 'resolve',
        criteriaVersion: 1,
        objectType: 'ticket',
        recordId: '1',
        status: 'billable',
        reason: null,
        label: null,
        tries: 1,
        suppressed: 0,
        duplicates: 0,
        openedAt: iso(0),
        succeededAt: iso(5),
        settledAt: iso(5),
        billingPeriod: '2026-11',
      },
    ],
  },
  {
    rule: '§1 default retry_window 0: a later press the same day is a new attempt #2, not a retry',
    steps: [press(0), press(10)],
    expect: [
      { outcomeId: `${K}#1`, tries: 1, status: 'not_billable', reason: 'latency_breach', settledAt: iso(60) },
      { outcomeId: `${K}#2`, tries: 1, status: 'not_billable', reason: 'latency_breach', settledAt: iso(70) },
    ],
  },
  {
    rule: '§1 default retry_window 0 ("no more than 0 ago"): a second press at the same instant is a retry',
    steps: [press(0), press(0)],
    until: 1,
    expect: [{ outcomeId: `${K}#1`, status: 'open', tries: 2, suppressed: 0, deadline: iso(60) }],
  },
  {
    rule: '§1 default cooldown 0: presses a minute apart are never suppressed',
    criteria: [{ retry_window: '30m' }],
    steps: [press(0), press(1), press(2)],
    until: 3,
    expect: [{ status: 'open', tries: 3, suppressed: 0 }],
  },
  {
    rule: '§1 default idempotency_period day in default timezone UTC: the key bucket is the UTC day',
    criteria: [{ retry_window: '1h' }],
    steps: [press('2026-11-03T23:59:00Z'), press('2026-11-04T00:00:00Z')],
    until: '2026-11-04T00:01:00Z',
    expect: [
      { outcomeId: `${keyOf('2026-11-03')}#1`, tries: 1 },
      { outcomeId: `${keyOf('2026-11-04')}#1`, tries: 1 },
    ],
  },
  {
    rule: '§1 default on_timeout confirm: the review end settles billable',
    criteria: [{ review_window: '1h' }],
    steps: [press(0), closed(5)],
    expect: [{ status: 'billable', succeededAt: iso(5), settledAt: iso(65), billingPeriod: '2026-11' }],
  },
  {
    rule: '§1 default cap period day (per record): a second success that day is capped, the next day is not',
    criteria: [{ cap: { max: 1 } }],
    steps: [press(0), closed(5), reopened(6), press(10), closed(11), reopened('2026-11-04T09:00:00Z'), press('2026-11-04T10:00:00Z'), closed('2026-11-04T10:05:00Z')],
    expect: [
      { outcomeId: `${K}#1`, status: 'billable' },
      { outcomeId: `${K}#2`, status: 'not_billable', reason: 'cap_reached', succeededAt: iso(11) },
      { outcomeId: `${keyOf('2026-11-04')}#1`, status: 'billable' },
    ],
  },
  {
    rule: '§1 no cap by default: any number of billable outcomes per record and day',
    steps: [press(0), closed(1), reopened(2), press(10), closed(11), reopened(12), press(20), closed(21)],
    expect: [{ status: 'billable' }, { status: 'billable' }, { status: 'billable' }],
  },
  {
    rule: '§1 default billing_period month in default timezone UTC',
    steps: [press('2026-11-30T23:50:00Z'), closed('2026-12-01T00:10:00Z')],
    expect: [{ idempotencyKey: keyOf('2026-11-30'), status: 'billable', billingPeriod: '2026-12' }],
  },
  {
    rule: '§1 billing_period is the calendar month in the criteria timezone (Asia/Tokyo)',
    criteria: [{ timezone: 'Asia/Tokyo' }],
    steps: [press('2026-11-30T14:50:00Z'), closed('2026-11-30T15:10:00Z')],
    expect: [{ idempotencyKey: keyOf('2026-11-30'), status: 'billable', billingPeriod: '2026-12' }],
  },
];

// ---- §3 press ---------------------------------------------------------------------------------

const WHEN = { property: TRIGGER, when: "agent_action = 'resolve'" };

const pressCases: Case[] = [
  { rule: '§3 press: any non-empty value is a press', steps: [press(0, '1', 'anything at all')], until: 1, expect: [{ status: 'open', openedAt: iso(0) }] },
  {
    rule: '§3 press: setting the trigger to its current value is a press',
    records: [{ id: '1', properties: { [TRIGGER]: 'x' } }],
    steps: [press(0)],
    until: 1,
    expect: [{ status: 'open', tries: 1 }],
  },
  {
    rule: '§3 press: the same value set again is another press',
    criteria: [{ retry_window: '30m' }],
    steps: [press(0), press(10)],
    until: 11,
    expect: [{ status: 'open', tries: 2 }],
  },
  {
    rule: '§3 press: clearing the trigger is not a press',
    records: [{ id: '1', properties: { [TRIGGER]: 'x' } }],
    steps: [put(0, { [TRIGGER]: '' })],
    expect: [],
  },
  { rule: '§3 press: a signal on another property is not a press', steps: [closed(0), put(1, { agent_action: 'resolve' })], expect: [] },
  {
    rule: '§3 press: when holds after the signal → press',
    criteria: [{ trigger: WHEN }],
    records: [{ id: '1', properties: { agent_action: 'resolve' } }],
    steps: [press(0)],
    until: 1,
    expect: [{ status: 'open' }],
  },
  {
    rule: '§3 press: when does not hold after the signal → not a press',
    criteria: [{ trigger: WHEN }],
    records: [{ id: '1', properties: { agent_action: 'other' } }],
    steps: [press(0)],
    expect: [],
  },
  {
    rule: '§3 press: when made true by an earlier signal at the same instant → press',
    criteria: [{ trigger: WHEN }],
    steps: [put(0, { agent_action: 'resolve' }), press(0)],
    until: 1,
    expect: [{ status: 'open', openedAt: iso(0) }],
  },
  {
    rule: '§3 press: when made true only by a later signal (even at the same instant) → not a press',
    criteria: [{ trigger: WHEN }],
    steps: [press(0), put(0, { agent_action: 'resolve' }), put(5, { agent_action: 'resolve' })],
    expect: [],
  },
  {
    rule: '§3 press: when may read the value the signal itself sets',
    criteria: [{ trigger: { property: TRIGGER, when: `${TRIGGER} = 'go'` } }],
    steps: [press(0, '1', 'go'), press(10, '1', 'no')],
    until: 11,
    expect: [{ outcomeId: `${K}#1`, tries: 1 }],
  },
  {
    rule: '§3 press: no press before any version is in force',
    criteria: [{ effective_from: iso(30) }],
    steps: [press(0), closed(1)],
    expect: [],
  },
  {
    rule: '§3 press: a press exactly at effective_from is in force (effective_from ≤ t)',
    criteria: [{ effective_from: iso(30) }],
    steps: [press(0), press(30)],
    until: 31,
    expect: [{ outcomeId: `${K}#1`, openedAt: iso(30), criteriaVersion: 1 }],
  },
  {
    rule: '§3 press: the trigger of the version in force at t decides (v2 renames it: v1’s property no longer presses, v2’s retries the v1 attempt)',
    criteria: [{ retry_window: '1h' }, v2(5, { trigger: { property: 'agent_run_id' }, retry_window: '1h' })],
    steps: [press(0), press(10), put(20, { agent_run_id: 'r2' })],
    until: 21,
    expect: [{ outcomeId: `${K}#1`, criteriaVersion: 1, tries: 2, deadline: iso(80) }],
  },
  {
    rule: '§3 press: a press on another object type (same id) is not a press of ticket criteria',
    steps: [{ at: 0, objectType: 'contact', set: { [TRIGGER]: 'x' } }],
    expect: [],
  },
  {
    rule: '§3 press: each criteria id watching the object gets its own attempt and key',
    criteria: [{}, { id: 'triage', success: "priority = 'high'" }],
    steps: [press(0), closed(5)],
    until: 10,
    expect: [
      { outcomeId: `${keyOf('2026-11-03', '1', 'resolve')}#1`, status: 'billable' },
      { outcomeId: `${keyOf('2026-11-03', '1', 'triage')}#1`, status: 'open' },
    ],
  },
];

// ---- §3 versions: in force at t, pinning -------------------------------------------------------

const versionCases: Case[] = [
  {
    rule: '§3 versions: the version in force at t is the highest version with effective_from ≤ t',
    criteria: [{}, v2(30), { version: 3, change_notes: 'Third.', effective_from: '2026-12-01T00:00:00Z' }],
    steps: [press(0), press(29), press(30)],
    until: 31,
    expect: [
      { outcomeId: `${K}#1`, criteriaVersion: 1 },
      { outcomeId: `${K}#2`, criteriaVersion: 1 },
      { outcomeId: `${K}#3`, criteriaVersion: 2 },
    ],
  },
  {
    rule: '§3 pinning: an attempt opened under v1 keeps v1 within after v2 takes effect',
    criteria: [{}, v2(5, { within: '10m' })],
    steps: [press(0), press(6), closed(30)],
    expect: [
      { outcomeId: `${K}#1`, criteriaVersion: 1, status: 'billable', succeededAt: iso(30) },
      { outcomeId: `${K}#2`, criteriaVersion: 2, status: 'not_billable', reason: 'latency_breach', settledAt: iso(16) },
    ],
  },
  {
    rule: '§3 pinning: v1 review_window 0 still settles at once after v2 (review 1h) takes effect',
    criteria: [{}, v2(5, { review_window: '1h' })],
    steps: [press(0), closed(20)],
    expect: [{ criteriaVersion: 1, status: 'billable', settledAt: iso(20) }],
  },
  {
    rule: '§3 pinning: v1 review_window 1h still applies after v2 (no review) takes effect',
    criteria: [{ review_window: '1h' }, v2(5)],
    steps: [press(0), closed(20)],
    expect: [{ criteriaVersion: 1, status: 'billable', succeededAt: iso(20), settledAt: iso(80) }],
  },
  {
    rule: '§3 pinning: each attempt is judged by its own version’s success condition',
    criteria: [{}, v2(5, { success: "stage = 'done'" })],
    steps: [press(0), closed(20), press(30), put(40, { stage: 'done' })],
    expect: [
      { outcomeId: `${K}#1`, criteriaVersion: 1, status: 'billable', succeededAt: iso(20) },
      { outcomeId: `${K}#2`, criteriaVersion: 2, status: 'billable', succeededAt: iso(40) },
    ],
  },
  {
    rule: '§3 pinning: an exclusion added in v2 does not apply to a v1 attempt',
    criteria: [{}, v2(5, { exclude: EXCLUDE_TEST })],
    steps: [press(0), put(10, { subject: 'test' }), closed(20)],
    expect: [{ criteriaVersion: 1, status: 'billable' }],
  },
  {
    rule: '§3 steps 1-2 use the latest attempt’s pinned cooldown (v1 10m, v2 0): suppressed',
    criteria: [{ cooldown: '10m', retry_window: '30m' }, v2(3, { retry_window: '30m' })],
    steps: [press(0), press(5)],
    until: 6,
    expect: [{ criteriaVersion: 1, tries: 1, suppressed: 1 }],
  },
  {
    rule: '§3 steps 1-2 use the latest attempt’s pinned cooldown (v1 0, v2 10m): a retry',
    criteria: [{ retry_window: '30m' }, v2(3, { cooldown: '10m', retry_window: '30m' })],
    steps: [press(0), press(5)],
    until: 6,
    expect: [{ criteriaVersion: 1, tries: 2, suppressed: 0 }],
  },
  {
    rule: '§3 steps 1-2 use the latest attempt’s pinned retry_window (v1 30m, v2 0): a retry',
    criteria: [{ retry_window: '30m' }, v2(5)],
    steps: [press(0), press(20)],
    until: 21,
    expect: [{ criteriaVersion: 1, tries: 2 }],
  },
  {
    rule: '§3 steps 1-2 use the latest attempt’s pinned retry_window (v1 0, v2 30m): a new attempt under v2',
    criteria: [{}, v2(5, { retry_window: '30m' })],
    steps: [press(0), press(20)],
    until: 21,
    expect: [
      { outcomeId: `${K}#1`, criteriaVersion: 1, tries: 1 },
      { outcomeId: `${K}#2`, criteriaVersion: 2, tries: 1 },
    ],
  },
  {
    rule: '§3 step 2 uses the latest attempt’s pinned within for the retry deadline',
    criteria: [{ retry_window: '2h' }, v2(5, { within: '10m', retry_window: '2h' })],
    steps: [press(0), press(20)],
    until: 30,
    expect: [{ criteriaVersion: 1, status: 'open', tries: 2, deadline: iso(80) }],
  },
  {
    rule: '§3 versions: a bare-date effective_from is midnight in the version’s timezone (America/New_York)',
    criteria: [{}, { version: 2, change_notes: 'Second version.', timezone: NY, effective_from: '2026-11-04' }],
    steps: [press('2026-11-04T04:59:00Z'), press('2026-11-04T05:00:00Z')],
    until: '2026-11-04T05:01:00Z',
    expect: [
      { idempotencyKey: keyOf('2026-11-04'), criteriaVersion: 1 },
      { idempotencyKey: keyOf('2026-11-04'), criteriaVersion: 2 },
    ],
  },
  {
    rule: '§3 versions: the key’s bucket uses the timezone of the version in force at t',
    criteria: [{}, v2(5, { timezone: NY })],
    steps: [press('2026-11-04T03:00:00Z')],
    until: '2026-11-04T03:01:00Z',
    expect: [{ idempotencyKey: keyOf('2026-11-03'), criteriaVersion: 2 }],
  },
  {
    rule: '§3 pinning: a v1 attempt is billed in v1’s timezone after v2 (Asia/Tokyo) takes effect',
    criteria: [{}, { ...v2('2026-11-30T23:25:00Z'), timezone: 'Asia/Tokyo' }],
    steps: [press('2026-11-30T23:20:00Z'), closed('2026-11-30T23:30:00Z')],
    expect: [{ criteriaVersion: 1, idempotencyKey: keyOf('2026-11-30'), status: 'billable', billingPeriod: '2026-11' }],
  },
  {
    rule: '§3 versions: the key is computed with the version in force at t (v2 hour buckets)',
    criteria: [{ retry_window: '30m' }, v2(5, { idempotency_period: 'hour', retry_window: '30m' })],
    steps: [press(0), press(20)],
    until: 21,
    expect: [
      { outcomeId: `${K}#1`, criteriaVersion: 1, tries: 1 },
      { outcomeId: `${keyOf('2026-11-03T10')}#1`, criteriaVersion: 2, tries: 1 },
    ],
  },
];

// ---- §3 step 1: cooldown ----------------------------------------------------------------------

const COOL = { cooldown: '5m', retry_window: '30m' };

const cooldownCases: Case[] = [
  {
    rule: '§3 step 1: a press less than cooldown after the previous accepted press is suppressed',
    criteria: [COOL],
    steps: [press(0), press(4)],
    until: 10,
    expect: [{ status: 'open', tries: 1, suppressed: 1, duplicates: 0 }],
  },
  {
    rule: '§3 step 1: a press exactly cooldown later is not suppressed (boundary)',
    criteria: [COOL],
    steps: [press(0), press(5)],
    until: 10,
    expect: [{ status: 'open', tries: 2, suppressed: 0, deadline: iso(65) }],
  },
  {
    rule: '§3 step 1: a suppressed press does not extend the deadline',
    criteria: [COOL],
    steps: [press(0), press(4)],
    until: 10,
    expect: [{ status: 'open', deadline: iso(60), suppressed: 1 }],
  },
  {
    rule: '§3 step 1: a suppressed press changes nothing else: the attempt still fails at its first deadline',
    criteria: [COOL],
    steps: [press(0), press(4)],
    expect: [{ status: 'not_billable', reason: 'latency_breach', settledAt: iso(60), tries: 1, suppressed: 1 }],
  },
  {
    rule: '§3 step 1: cooldown counts from the previous accepted press, not from a suppressed one',
    criteria: [COOL],
    steps: [press(0), press(3), press(6)],
    until: 10,
    expect: [{ tries: 2, suppressed: 1, deadline: iso(66) }],
  },
  {
    rule: '§3 step 1: every suppressed press is counted on the attempt',
    criteria: [COOL],
    steps: [press(0), press(1), press(2), press(3)],
    until: 10,
    expect: [{ tries: 1, suppressed: 3 }],
  },
  {
    rule: '§3 step 1: cooldown applies before step 2: a press on a billable attempt is suppressed, not a duplicate',
    criteria: [{ cooldown: '10m', retry_window: '30m' }],
    steps: [press(0), closed(1), press(5)],
    expect: [{ status: 'billable', suppressed: 1, duplicates: 0, settledAt: iso(1) }],
  },
  {
    rule: '§3 step 1: a duplicate is an accepted press: cooldown counts from it',
    criteria: [{ ...COOL, review_window: '1h' }],
    steps: [press(0), closed(1), press(10), press(12)],
    until: 20,
    expect: [{ status: 'in_review', tries: 1, duplicates: 1, suppressed: 1 }],
  },
  {
    rule: '§3 step 1: a suppressed press on a not_billable attempt opens no new attempt',
    criteria: [{ cooldown: '10m', fail_if: FAIL_IF }],
    steps: [press(0), failSignal(1), press(5)],
    expect: [{ outcomeId: `${K}#1`, status: 'not_billable', reason: 'unclassified', settledAt: iso(1), suppressed: 1 }],
  },
  {
    rule: '§3 step 1: a suppressed press on a failed attempt is not a retry (tries unchanged, still failed)',
    criteria: [{ cooldown: '10m', retry_window: '30m', fail_if: FAIL_IF }],
    steps: [press(0), failSignal(1), press(5)],
    until: 6,
    expect: [{ status: 'failed', reason: 'unclassified', tries: 1, suppressed: 1 }],
  },
  {
    rule: '§3 step 1: cooldown is per key: a press in the next day bucket is not suppressed',
    criteria: [{ cooldown: '10m', retry_window: '1h' }],
    steps: [press('2026-11-03T23:55:00Z'), press('2026-11-04T00:01:00Z')],
    until: '2026-11-04T00:02:00Z',
    expect: [
      { idempotencyKey: keyOf('2026-11-03'), suppressed: 0, tries: 1 },
      { idempotencyKey: keyOf('2026-11-04'), suppressed: 0, tries: 1 },
    ],
  },
];

// ---- §3 step 2: retry and duplicate -----------------------------------------------------------

const retryCases: Case[] = [
  {
    rule: '§3 step 2: retry of an open attempt: tries grows, deadline = t + within',
    criteria: [{ retry_window: '30m' }],
    steps: [press(0), press(20)],
    until: 25,
    expect: [{ outcomeId: `${K}#1`, status: 'open', tries: 2, openedAt: iso(0), deadline: iso(80) }],
  },
  {
    rule: '§3 step 2: after a retry, success before the new deadline (after the first) counts',
    criteria: [{ retry_window: '30m' }],
    steps: [press(0), press(20), closed(70)],
    expect: [{ status: 'billable', tries: 2, succeededAt: iso(70), settledAt: iso(70) }],
  },
  {
    rule: '§3 step 2: retry_window is inclusive: a press exactly retry_window after the first is a retry',
    criteria: [{ retry_window: '30m' }],
    steps: [press(0), press(30)],
    until: 31,
    expect: [{ outcomeId: `${K}#1`, tries: 2, deadline: iso(90) }],
  },
  {
    rule: '§3 step 2: a press past the retry window is a new attempt #2',
    criteria: [{ retry_window: '30m' }],
    steps: [press(0), press(31)],
    until: 32,
    expect: [
      { outcomeId: `${K}#1`, status: 'open', tries: 1, deadline: iso(60) },
      { outcomeId: `${K}#2`, status: 'open', tries: 1, deadline: iso(91) },
    ],
  },
  {
    rule: '§3 step 2: the retry window counts from the attempt’s first press, not its latest retry',
    criteria: [{ retry_window: '30m' }],
    steps: [press(0), press(20), press(40)],
    until: 41,
    expect: [
      { outcomeId: `${K}#1`, tries: 2 },
      { outcomeId: `${K}#2`, tries: 1, openedAt: iso(40) },
    ],
  },
  {
    rule: '§3 step 2: retry of a failed attempt: open again, reason cleared, deadline = t + within',
    criteria: [{ retry_window: '2h' }],
    steps: [press(0), press(90)],
    until: 100,
    expect: [{ outcomeId: `${K}#1`, status: 'open', tries: 2, reason: null, deadline: iso(150) }],
  },
  {
    rule: '§3 step 2: a retried failed (fail_if) attempt can still succeed',
    criteria: [{ retry_window: '30m', fail_if: FAIL_IF }],
    steps: [press(0), failSignal(5), put(8, { agent_status: 'ok' }), press(10), closed(15)],
    expect: [{ status: 'billable', tries: 2, reason: null, succeededAt: iso(15) }],
  },
  {
    rule: '§3 step 2: a retry while fail_if still holds fails again in the same re-check',
    criteria: [{ retry_window: '30m', fail_if: FAIL_IF }],
    steps: [press(0), failSignal(5), press(10)],
    until: 12,
    expect: [{ status: 'failed', reason: 'unclassified', tries: 2 }],
  },
  {
    rule: '§3 step 2: a press on an in_review attempt within the window is a duplicate (review end unchanged)',
    criteria: [{ retry_window: '30m', review_window: '1h' }],
    steps: [press(0), closed(5), press(10)],
    until: 20,
    expect: [{ status: 'in_review', tries: 1, duplicates: 1, reviewEndsAt: iso(65) }],
  },
  {
    rule: '§3 step 2: a press on a billable attempt within the window is a duplicate',
    criteria: [{ retry_window: '30m' }],
    steps: [press(0), closed(5), press(10)],
    expect: [{ outcomeId: `${K}#1`, status: 'billable', tries: 1, duplicates: 1, settledAt: iso(5) }],
  },
  {
    rule: '§3 step 2: a press on a not_billable attempt within the window goes to step 3: new attempt #2',
    criteria: [{ retry_window: '30m', review_window: '1h', reject_if: "billing_review = 'rejected'" }],
    steps: [press(0), closed(5), put(6, { billing_review: 'rejected' }), put(7, { billing_review: 'pending' }), press(10)],
    expect: [
      { outcomeId: `${K}#1`, status: 'not_billable', reason: 'human_review_fail', settledAt: iso(6), duplicates: 0 },
      { outcomeId: `${K}#2`, status: 'billable', tries: 1, succeededAt: iso(10), settledAt: iso(70) },
    ],
  },
  {
    rule: '§3 step 2: past the retry window an in_review attempt takes no duplicate: step 3 opens #2',
    criteria: [{ review_window: '1h' }],
    steps: [press(0), closed(5), press(10)],
    expect: [
      { outcomeId: `${K}#1`, status: 'billable', duplicates: 0, settledAt: iso(65) },
      { outcomeId: `${K}#2`, status: 'billable', succeededAt: iso(10), settledAt: iso(70) },
    ],
  },
  {
    rule: '§3 step 3: past the retry window an open attempt stays open beside the new one',
    steps: [press(0), press(10), closed(20)],
    expect: [
      { outcomeId: `${K}#1`, status: 'billable', tries: 1, settledAt: iso(20) },
      { outcomeId: `${K}#2`, status: 'billable', tries: 1, settledAt: iso(20) },
    ],
  },
];

// ---- §3 step 3: new attempts, period buckets, records -----------------------------------------

const bucketCases: Case[] = [
  {
    rule: '§3 step 3: a new attempt is open with deadline t + within and nothing else set',
    steps: [press(0)],
    until: 10,
    expect: [
      {
        outcomeId: `${K}#1`,
        idempotencyKey: K,
        criteriaVersion: 1,
        status: 'open',
        reason: null,
        label: null,
        tries: 1,
        suppressed: 0,
        duplicates: 0,
        openedAt: iso(0),
        succeededAt: null,
        settledAt: null,
        billingPeriod: null,
        deadline: iso(60),
        reviewEndsAt: null,
      },
    ],
  },
  {
    rule: '§3 buckets: day (UTC): a press on the next day is a separate outcome, never a retry',
    criteria: [{ retry_window: '2h' }],
    steps: [press('2026-11-03T23:30:00Z'), press('2026-11-04T00:10:00Z')],
    until: '2026-11-04T00:20:00Z',
    expect: [
      { outcomeId: `${keyOf('2026-11-03')}#1`, tries: 1 },
      { outcomeId: `${keyOf('2026-11-04')}#1`, tries: 1 },
    ],
  },
  {
    rule: '§3 buckets: day in America/New_York: presses either side of local midnight are separate outcomes',
    criteria: [{ retry_window: '2h', timezone: NY }],
    steps: [press('2026-11-04T04:30:00Z'), press('2026-11-04T05:10:00Z')],
    until: '2026-11-04T05:20:00Z',
    expect: [
      { outcomeId: `${keyOf('2026-11-03')}#1`, tries: 1 },
      { outcomeId: `${keyOf('2026-11-04')}#1`, tries: 1 },
    ],
  },
  {
    rule: '§3 buckets: day in America/New_York: presses either side of UTC midnight share the local day (retry)',
    criteria: [{ retry_window: '2h', timezone: NY }],
    steps: [press('2026-11-03T23:30:00Z'), press('2026-11-04T00:10:00Z')],
    until: '2026-11-04T00:20:00Z',
    expect: [{ outcomeId: `${keyOf('2026-11-03')}#1`, tries: 2 }],
  },
  {
    rule: '§3 buckets: hour: a press in the next hour is a separate outcome',
    criteria: [{ retry_window: '2h', idempotency_period: 'hour' }],
    steps: [press(50), press(65)],
    until: 66,
    expect: [
      { outcomeId: `${keyOf('2026-11-03T10')}#1`, tries: 1 },
      { outcomeId: `${keyOf('2026-11-03T11')}#1`, tries: 1 },
    ],
  },
  {
    rule: '§3 buckets: hour in Asia/Kolkata (+05:30): local hours split one UTC hour',
    criteria: [{ retry_window: '2h', idempotency_period: 'hour', timezone: 'Asia/Kolkata' }],
    steps: [press(20), press(40)],
    until: 41,
    expect: [
      { outcomeId: `${keyOf('2026-11-03T15')}#1`, tries: 1 },
      { outcomeId: `${keyOf('2026-11-03T16')}#1`, tries: 1 },
    ],
  },
  {
    rule: '§3 buckets: hour in America/New_York on the DST fall-back: the repeated 01 hour is one key (documented reading)',
    criteria: [{ retry_window: '2h', idempotency_period: 'hour', timezone: NY }],
    steps: [press('2026-11-01T05:30:00Z'), press('2026-11-01T06:30:00Z')],
    until: '2026-11-01T06:31:00Z',
    expect: [{ outcomeId: `${keyOf('2026-11-01T01')}#1`, tries: 2 }],
  },
  {
    rule: '§3 buckets: week (ISO, Monday first): Sunday and Monday are separate outcomes',
    criteria: [{ retry_window: '3d', idempotency_period: 'week' }],
    steps: [press('2026-11-08T23:00:00Z'), press('2026-11-09T01:00:00Z')],
    until: '2026-11-09T01:01:00Z',
    expect: [
      { outcomeId: `${keyOf('2026-W45')}#1`, tries: 1 },
      { outcomeId: `${keyOf('2026-W46')}#1`, tries: 1 },
    ],
  },
  {
    rule: '§3 buckets: week in America/New_York: both presses fall on local Sunday (retry)',
    criteria: [{ retry_window: '3d', idempotency_period: 'week', timezone: NY }],
    steps: [press('2026-11-08T23:00:00Z'), press('2026-11-09T01:00:00Z')],
    until: '2026-11-09T01:01:00Z',
    expect: [{ outcomeId: `${keyOf('2026-W45')}#1`, tries: 2 }],
  },
  {
    rule: '§3 buckets: week across the new year uses the ISO week-year (2026-W53)',
    criteria: [{ retry_window: '3d', idempotency_period: 'week' }],
    steps: [press('2026-12-31T12:00:00Z'), press('2027-01-01T12:00:00Z')],
    until: '2027-01-01T12:01:00Z',
    expect: [{ outcomeId: `${keyOf('2026-W53')}#1`, tries: 2 }],
  },
  {
    rule: '§3 buckets: month: a press in the next month is a separate outcome',
    criteria: [{ retry_window: '2d', idempotency_period: 'month' }],
    steps: [press('2026-10-31T23:00:00Z'), press('2026-11-01T01:00:00Z')],
    until: '2026-11-01T01:01:00Z',
    expect: [
      { outcomeId: `${keyOf('2026-10')}#1`, tries: 1 },
      { outcomeId: `${keyOf('2026-11')}#1`, tries: 1 },
    ],
  },
  {
    rule: '§3 buckets: month in America/New_York: both presses are still local October (retry)',
    criteria: [{ retry_window: '2d', idempotency_period: 'month', timezone: NY }],
    steps: [press('2026-10-31T23:00:00Z'), press('2026-11-01T01:00:00Z')],
    until: '2026-11-01T01:01:00Z',
    expect: [{ outcomeId: `${keyOf('2026-10')}#1`, tries: 2 }],
  },
  {
    rule: '§3 buckets: none: one key for ever; past the retry window the sequence number grows',
    criteria: [{ idempotency_period: 'none' }],
    steps: [press(0), press('2026-11-05T10:00:00Z')],
    until: '2026-11-05T10:01:00Z',
    expect: [
      { outcomeId: `${keyOf('all')}#1`, idempotencyKey: keyOf('all'), status: 'not_billable' },
      { outcomeId: `${keyOf('all')}#2`, idempotencyKey: keyOf('all'), status: 'open' },
    ],
  },
  {
    rule: '§3 buckets: none: a press on the next day within the retry window is a retry',
    criteria: [{ idempotency_period: 'none', retry_window: '3d' }],
    steps: [press(0), press('2026-11-04T10:00:00Z')],
    until: '2026-11-04T10:01:00Z',
    expect: [{ outcomeId: `${keyOf('all')}#1`, tries: 2 }],
  },
  {
    rule: '§3 buckets: day: the same presses (next day, within a 3d retry window) are separate outcomes',
    criteria: [{ retry_window: '3d' }],
    steps: [press(0), press('2026-11-04T10:00:00Z')],
    until: '2026-11-04T10:01:00Z',
    expect: [
      { outcomeId: `${keyOf('2026-11-03')}#1`, tries: 1 },
      { outcomeId: `${keyOf('2026-11-04')}#1`, tries: 1 },
    ],
  },
  {
    rule: '§3 records: a press on another record is a separate outcome, never a retry',
    criteria: [{ retry_window: '30m' }],
    steps: [press(0, '1'), press(5, '2')],
    until: 6,
    expect: [
      { outcomeId: `${keyOf('2026-11-03', '1')}#1`, recordId: '1', tries: 1 },
      { outcomeId: `${keyOf('2026-11-03', '2')}#1`, recordId: '2', tries: 1 },
    ],
  },
];

// ---- §3 re-check (steps 1-2; step 3 in lifecycle-review.test.ts) ------------------------------

const recheckCases: Case[] = [
  {
    rule: '§3 recheck 1: an exclusion settles an open attempt, with its label',
    criteria: [{ exclude: EXCLUDE_TEST }],
    steps: [press(0), put(5, { subject: 'A Test ticket' })],
    expect: [{ status: 'not_billable', reason: 'excluded', label: 'test_record', settledAt: iso(5), succeededAt: null }],
  },
  {
    rule: '§3 recheck 1: an exclusion settles a failed attempt (not its failure reason)',
    criteria: [{ exclude: EXCLUDE_TEST, retry_window: '2h' }],
    steps: [press(0), put(70, { subject: 'test' })],
    expect: [{ status: 'not_billable', reason: 'excluded', label: 'test_record', settledAt: iso(70) }],
  },
  {
    rule: '§3 recheck 1: an exclusion settles an in_review attempt, keeping succeededAt',
    criteria: [{ exclude: EXCLUDE_TEST, review_window: '1h' }],
    steps: [press(0), closed(5), put(10, { subject: 'test' })],
    expect: [{ status: 'not_billable', reason: 'excluded', label: 'test_record', succeededAt: iso(5), settledAt: iso(10), billingPeriod: null }],
  },
  {
    rule: '§3 recheck 1: an exclusion matching at the press settles the new attempt at once',
    criteria: [{ exclude: EXCLUDE_TEST }],
    records: [{ id: '1', properties: { subject: 'test', stage: 'closed' } }],
    steps: [press(0)],
    expect: [{ status: 'not_billable', reason: 'excluded', settledAt: iso(0), succeededAt: null }],
  },
  {
    rule: '§3 recheck 1: exclusion comes before success on the same signal',
    criteria: [{ exclude: [{ if: "stage = 'closed' AND priority = 'spam'", label: 'spam' }] }],
    records: [{ id: '1', properties: { priority: 'spam' } }],
    steps: [press(0), closed(5)],
    expect: [{ status: 'not_billable', reason: 'excluded', label: 'spam', succeededAt: null }],
  },
  {
    rule: '§3 recheck 1: the first matching exclude rule gives the label',
    criteria: [{ exclude: [...EXCLUDE_TEST, { if: 'subject IS KNOWN', label: 'has_subject' }] }],
    steps: [press(0), put(5, { subject: 'test' })],
    expect: [{ reason: 'excluded', label: 'test_record' }],
  },
  {
    rule: '§3 recheck 1: an exclusion never touches a settled outcome',
    criteria: [{ exclude: EXCLUDE_TEST }],
    steps: [press(0), closed(5), put(10, { subject: 'test' })],
    expect: [{ status: 'billable', settledAt: iso(5) }],
  },
  {
    rule: '§3 recheck 2: success exactly at the deadline counts (t ≤ deadline)',
    steps: [press(0), closed(60)],
    expect: [{ status: 'billable', succeededAt: iso(60), settledAt: iso(60) }],
  },
  {
    rule: '§3 recheck 2: success after the deadline does not count',
    steps: [press(0), closed(61)],
    expect: [{ status: 'not_billable', reason: 'latency_breach', succeededAt: null, settledAt: iso(60) }],
  },
  {
    rule: '§3 recheck 2: success already holding at the press succeeds at once',
    records: [{ id: '1', properties: { stage: 'closed' } }],
    steps: [press(0)],
    expect: [{ status: 'billable', succeededAt: iso(0), settledAt: iso(0) }],
  },
  {
    rule: '§3 recheck 2: success holding wins over fail_if on the same signal',
    criteria: [{ fail_if: FAIL_IF }],
    records: [{ id: '1', properties: { stage: 'closed', agent_status: 'error' } }],
    steps: [press(0)],
    expect: [{ status: 'billable' }],
  },
  {
    rule: '§3 recheck 2: fail_if → failed, unclassified without failure_reasons',
    criteria: [{ fail_if: FAIL_IF, retry_window: '30m' }],
    steps: [press(0), failSignal(5)],
    until: 10,
    expect: [{ status: 'failed', reason: 'unclassified', settledAt: null, deadline: null }],
  },
  {
    rule: '§3 recheck 2: fail_if failure takes the first matching failure_reasons rule',
    criteria: [
      {
        fail_if: FAIL_IF,
        failure_reasons: [
          { if: "agent_error = 'crm_policy'", reason: 'policy_block' },
          { if: 'agent_error IS KNOWN', reason: 'third_party_failure' },
        ],
      },
    ],
    steps: [press(0), put(5, { agent_error: 'crm_policy' }), failSignal(6)],
    expect: [{ status: 'not_billable', reason: 'policy_block', settledAt: iso(6) }],
  },
  {
    rule: '§3 recheck 2: fail_if failure takes a later failure_reasons rule when the first does not match',
    criteria: [
      {
        fail_if: FAIL_IF,
        failure_reasons: [
          { if: "agent_error = 'crm_policy'", reason: 'policy_block' },
          { if: 'agent_error IS KNOWN', reason: 'third_party_failure' },
        ],
      },
    ],
    steps: [press(0), put(5, { agent_error: 'timeout' }), failSignal(6)],
    expect: [{ status: 'not_billable', reason: 'third_party_failure' }],
  },
  {
    rule: '§3 recheck 2: fail_if failure with no failure_reasons rule matching → unclassified',
    criteria: [{ fail_if: FAIL_IF, failure_reasons: [{ if: "agent_error = 'crm_policy'", reason: 'policy_block' }] }],
    steps: [press(0), failSignal(6)],
    expect: [{ status: 'not_billable', reason: 'unclassified' }],
  },
  {
    rule: '§3 recheck 2: a failed attempt is not re-checked for success',
    // Failed by fail_if at 5, then closed at 10, well before the deadline at 60: only step 2's `open` guard keeps it failed.
    criteria: [{ retry_window: '2h', fail_if: FAIL_IF }],
    steps: [press(0), failSignal(5), closed(10)],
    expect: [{ status: 'not_billable', reason: 'unclassified', succeededAt: null, settledAt: iso(120) }],
  },
  {
    rule: '§3 recheck: unsettled attempts are re-checked oldest first (cap 1: the older takes the slot)',
    criteria: [{ cap: { max: 1 } }],
    steps: [press(0), press(10), closed(20)],
    expect: [
      { outcomeId: `${K}#1`, status: 'billable', succeededAt: iso(20) },
      { outcomeId: `${K}#2`, status: 'not_billable', reason: 'cap_reached', succeededAt: iso(20) },
    ],
  },
];

// ---- §3 cap -----------------------------------------------------------------------------------

const CAP1 = { cap: { max: 1, per: 'record', period: 'day' } };

const capCases: Case[] = [
  {
    rule: '§3 cap: a success over cap.max billable outcomes in the period → cap_reached, succeededAt kept',
    criteria: [CAP1],
    steps: [press(0), closed(5), reopened(6), press(10), closed(15)],
    expect: [
      { outcomeId: `${K}#1`, status: 'billable' },
      { outcomeId: `${K}#2`, status: 'not_billable', reason: 'cap_reached', label: null, succeededAt: iso(15), settledAt: iso(15), billingPeriod: null },
    ],
  },
  {
    rule: '§3 cap: an in_review outcome holds a slot',
    criteria: [{ ...CAP1, review_window: '1h' }],
    steps: [press(0), closed(5), press(10)],
    expect: [
      { outcomeId: `${K}#1`, status: 'billable', settledAt: iso(65) },
      { outcomeId: `${K}#2`, status: 'not_billable', reason: 'cap_reached', succeededAt: iso(10), settledAt: iso(10) },
    ],
  },
  {
    rule: '§3 cap: a reversed in_review outcome frees its slot',
    criteria: [{ ...CAP1, review_window: '1h' }],
    steps: [press(0), closed(5), reopened(8), press(10), closed(15)],
    expect: [
      { outcomeId: `${K}#1`, status: 'not_billable', reason: 'reversed' },
      { outcomeId: `${K}#2`, status: 'billable', succeededAt: iso(15), settledAt: iso(75) },
    ],
  },
  {
    rule: '§3 cap: a rejected in_review outcome frees its slot',
    criteria: [{ ...CAP1, review_window: '1h', reject_if: "billing_review = 'rejected'" }],
    steps: [press(0), closed(5), put(6, { billing_review: 'rejected' }), put(7, { billing_review: 'ok' }), press(10)],
    expect: [
      { outcomeId: `${K}#1`, status: 'not_billable', reason: 'human_review_fail' },
      { outcomeId: `${K}#2`, status: 'billable', settledAt: iso(70) },
    ],
  },
  {
    rule: '§3 cap: cap.max 2 allows two, caps the third',
    criteria: [{ cap: { max: 2, period: 'day' } }],
    steps: [press(0), closed(1), reopened(2), press(10), closed(11), reopened(12), press(20), closed(21)],
    expect: [{ status: 'billable' }, { status: 'billable' }, { status: 'not_billable', reason: 'cap_reached' }],
  },
  {
    rule: '§3 cap: another cap period (next day) is not capped',
    criteria: [CAP1],
    steps: [press(0), closed(5), reopened(6), press('2026-11-04T10:00:00Z'), closed('2026-11-04T10:05:00Z')],
    expect: [{ status: 'billable' }, { status: 'billable', idempotencyKey: keyOf('2026-11-04') }],
  },
  {
    rule: '§3 cap: the cap period is in the criteria timezone (UTC: same day → capped)',
    criteria: [{ ...CAP1, idempotency_period: 'none' }],
    steps: [press('2026-11-04T02:55:00Z'), closed('2026-11-04T03:00:00Z'), reopened('2026-11-04T03:01:00Z'), press('2026-11-04T05:55:00Z'), closed('2026-11-04T06:00:00Z')],
    expect: [{ status: 'billable' }, { status: 'not_billable', reason: 'cap_reached' }],
  },
  {
    rule: '§3 cap: the cap period is in the criteria timezone (America/New_York: two local days → both billable)',
    criteria: [{ ...CAP1, idempotency_period: 'none', timezone: NY }],
    steps: [press('2026-11-04T02:55:00Z'), closed('2026-11-04T03:00:00Z'), reopened('2026-11-04T03:01:00Z'), press('2026-11-04T05:55:00Z'), closed('2026-11-04T06:00:00Z')],
    expect: [{ status: 'billable' }, { status: 'billable' }],
  },
  {
    rule: '§3 cap: the cap period is judged by success time, not press time',
    criteria: [{ ...CAP1, idempotency_period: 'none', within: '3h' }],
    steps: [press('2026-11-03T23:00:00Z'), closed('2026-11-03T23:10:00Z'), reopened('2026-11-03T23:20:00Z'), press('2026-11-03T23:30:00Z'), closed('2026-11-04T00:30:00Z')],
    expect: [{ status: 'billable' }, { status: 'billable', succeededAt: '2026-11-04T00:30:00.000Z' }],
  },
  {
    rule: '§3 cap: period week (ISO): Tuesday and Sunday share a week, Monday does not',
    criteria: [{ cap: { max: 1, period: 'week' } }],
    steps: [
      press(0),
      closed(5),
      reopened(6),
      press('2026-11-08T10:00:00Z'),
      closed('2026-11-08T10:05:00Z'),
      reopened('2026-11-08T10:06:00Z'),
      press('2026-11-09T10:00:00Z'),
      closed('2026-11-09T10:05:00Z'),
    ],
    expect: [{ status: 'billable' }, { status: 'not_billable', reason: 'cap_reached' }, { status: 'billable' }],
  },
  {
    rule: '§3 cap: period month',
    criteria: [{ cap: { max: 1, period: 'month' } }],
    steps: [press(0), closed(5), reopened(6), press('2026-11-30T10:00:00Z'), closed('2026-11-30T10:05:00Z'), reopened('2026-11-30T10:06:00Z'), press('2026-12-01T10:00:00Z'), closed('2026-12-01T10:05:00Z')],
    expect: [{ status: 'billable' }, { status: 'not_billable', reason: 'cap_reached' }, { status: 'billable' }],
  },
  {
    rule: '§3 cap: only outcomes of the same criteria id count',
    criteria: [CAP1, { id: 'other' }],
    steps: [press(0), closed(5), reopened(6), press(10), closed(15)],
    expect: [
      { criteriaId: 'other', status: 'billable' },
      { criteriaId: 'resolve', status: 'billable' },
      { criteriaId: 'other', status: 'billable' },
      { criteriaId: 'resolve', status: 'not_billable', reason: 'cap_reached' },
    ],
  },
  {
    rule: '§3 cap: outcomes of another version of the same id count',
    criteria: [CAP1, v2(7, CAP1)],
    steps: [press(0), closed(5), reopened(6), press(10), closed(15)],
    expect: [
      { criteriaVersion: 1, status: 'billable' },
      { criteriaVersion: 2, status: 'not_billable', reason: 'cap_reached' },
    ],
  },
  {
    rule: '§3 cap: per record: another record is not capped',
    criteria: [CAP1],
    steps: [press(0, '1'), press(0, '2'), closed(5, '1'), closed(5, '2')],
    expect: [
      { recordId: '1', status: 'billable' },
      { recordId: '2', status: 'billable' },
    ],
  },
];

// ---- §3 timers --------------------------------------------------------------------------------

const REASONS_RULES = [
  { if: 'company IS UNKNOWN', reason: 'insufficient_inputs' },
  { if: "agent_error = 'crm_policy'", reason: 'policy_block' },
];

const timerCases: Case[] = [
  {
    rule: '§1 d is 24 h of elapsed time, even across a clock change in the criteria time zone',
    // New York falls back on 2026-11-01: a calendar day from 08:00 EDT would end at 13:00Z; 1d ends at 12:00Z.
    criteria: [{ timezone: 'America/New_York', within: '1d' }],
    steps: [press('2026-10-31T12:00:00Z'), closed('2026-11-01T12:30:00Z')],
    expect: [{ status: 'not_billable', reason: 'latency_breach', succeededAt: null, settledAt: '2026-11-01T12:00:00.000Z' }],
  },
  {
    rule: '§3 timers: an open attempt’s deadline → failed, latency_breach',
    criteria: [{ retry_window: '2h' }],
    steps: [press(0)],
    until: 61,
    expect: [{ status: 'failed', reason: 'latency_breach', settledAt: null, deadline: null, succeededAt: null }],
  },
  {
    rule: '§3 timers: deadline → failed with the first failure_reasons rule matching the record then',
    criteria: [{ retry_window: '2h', failure_reasons: REASONS_RULES }],
    records: [{ id: '1', properties: { agent_error: 'crm_policy' } }],
    steps: [press(0)],
    until: 61,
    expect: [{ status: 'failed', reason: 'insufficient_inputs' }],
  },
  {
    rule: '§3 timers: failure_reasons read the record at the deadline, not at the press',
    criteria: [{ retry_window: '2h', failure_reasons: REASONS_RULES }],
    steps: [press(0), put(30, { company: 'Acme' })],
    expect: [{ status: 'not_billable', reason: 'latency_breach', settledAt: iso(120) }],
  },
  {
    rule: '§3 timers: failure_reasons see a value set after the press, before the deadline',
    criteria: [{ retry_window: '2h', failure_reasons: REASONS_RULES }],
    records: [{ id: '1', properties: { company: 'Acme' } }],
    steps: [press(0), put(30, { agent_error: 'crm_policy' })],
    expect: [{ status: 'not_billable', reason: 'policy_block', settledAt: iso(120) }],
  },
  {
    rule: '§3 timers: a failed attempt settles not_billable at its retry-window end, keeping its reason',
    criteria: [{ retry_window: '2h', failure_reasons: REASONS_RULES }],
    steps: [press(0)],
    expect: [{ status: 'not_billable', reason: 'insufficient_inputs', settledAt: iso(120) }],
  },
  {
    rule: '§3 timers: a fail_if failure settles at its retry-window end keeping unclassified',
    criteria: [{ retry_window: '30m', fail_if: FAIL_IF }],
    steps: [press(0), failSignal(5)],
    expect: [{ status: 'not_billable', reason: 'unclassified', settledAt: iso(30) }],
  },
  {
    rule: '§3 timers: the retry window runs from the first press, not from a retry',
    criteria: [{ retry_window: '90m' }],
    steps: [press(0), press(50)],
    expect: [{ status: 'not_billable', reason: 'latency_breach', tries: 2, settledAt: iso(110) }],
  },
  {
    rule: '§3 timers: an attempt failing after its retry window ended settles at once',
    criteria: [{ retry_window: '30m' }],
    steps: [press(0)],
    until: 60,
    expect: [{ status: 'not_billable', reason: 'latency_breach', settledAt: iso(60) }],
  },
  {
    rule: '§3 timers: retry_window 0: a fail_if failure settles at once',
    criteria: [{ fail_if: FAIL_IF }],
    steps: [press(0), failSignal(5)],
    until: 5,
    expect: [{ status: 'not_billable', reason: 'unclassified', settledAt: iso(5) }],
  },
  {
    rule: '§3 timers: at one instant deadlines come before retry-window ends (fail, then settle, both at the deadline)',
    criteria: [{ retry_window: '1h' }],
    steps: [press(0)],
    until: 60,
    expect: [{ status: 'not_billable', reason: 'latency_breach', settledAt: iso(60) }],
    check: (r) => {
      const ts = transitions(r.outcomes[0]!).map((e) => ({ at: e.at, from: e.from, to: e.to, cause: e.cause, reason: e.reason }));
      expect(ts).toEqual([
        { at: at(60), from: 'open', to: 'failed', cause: 'deadline', reason: 'latency_breach' },
        { at: at(60), from: 'failed', to: 'not_billable', cause: 'retry_window_end', reason: 'latency_breach' },
      ]);
    },
  },
  {
    rule: '§3 timers: signals before timers at one instant: an exclusion at the deadline wins over latency_breach',
    criteria: [{ exclude: EXCLUDE_TEST }],
    steps: [press(0), put(60, { subject: 'test' })],
    expect: [{ status: 'not_billable', reason: 'excluded', label: 'test_record', settledAt: iso(60) }],
  },
  {
    rule: '§3 timers: signals before timers at one instant: a press at the deadline retries the still-open attempt',
    criteria: [{ retry_window: '1h' }],
    steps: [press(0), press(60)],
    until: 61,
    expect: [{ outcomeId: `${K}#1`, status: 'open', tries: 2, deadline: iso(120) }],
    check: (r) => expect(transitions(r.outcomes[0]!)).toEqual([]),
  },
  {
    rule: '§3 timers: signals before timers at one instant: a press at the retry-window end retries the failed attempt',
    criteria: [{ retry_window: '90m' }],
    steps: [press(0), press(90)],
    until: 95,
    expect: [{ outcomeId: `${K}#1`, status: 'open', tries: 2, reason: null, deadline: iso(150) }],
  },
  {
    rule: '§3 timers: signals before timers at one instant: a reversal then a press at the retry-window end is a retry',
    criteria: [{ review_window: '1h', retry_window: '30m' }],
    steps: [press(0), closed(5), reopened(30), press(30)],
    until: 31,
    expect: [{ outcomeId: `${K}#1`, status: 'open', tries: 2, reason: null, succeededAt: iso(5), deadline: iso(90) }],
  },
  {
    rule: '§3 timers: signals before timers at one instant: an exclusion at the retry-window end wins over the failure reason',
    criteria: [{ retry_window: '90m', exclude: EXCLUDE_TEST }],
    steps: [press(0), put(90, { subject: 'test' })],
    expect: [{ status: 'not_billable', reason: 'excluded', label: 'test_record', settledAt: iso(90) }],
  },
  {
    rule: '§3 timers: a failed try at the very press instant (retry_window 0) still settles at that instant',
    criteria: [{ fail_if: FAIL_IF }],
    records: [{ id: '1', properties: { agent_status: 'error' } }],
    steps: [press(0)],
    until: 0,
    expect: [{ status: 'not_billable', reason: 'unclassified', settledAt: iso(0) }],
  },
  {
    rule: '§3 timers: a timer changes only its attempt: #1 fails at its deadline, #2 stays open',
    steps: [press(0), press(30)],
    until: 60,
    expect: [
      { outcomeId: `${K}#1`, status: 'not_billable', settledAt: iso(60) },
      { outcomeId: `${K}#2`, status: 'open', deadline: iso(90) },
    ],
  },
];

// ---- --until and running to the end -----------------------------------------------------------

const untilCases: Case[] = [
  { rule: '--until is inclusive: a timer at exactly --until fires', steps: [press(0)], until: 60, expect: [{ status: 'not_billable', reason: 'latency_breach', settledAt: iso(60) }] },
  { rule: '--until: a millisecond before the deadline the attempt is still open', steps: [press(0)], until: '2026-11-03T10:59:59.999Z', expect: [{ status: 'open', deadline: iso(60), settledAt: null }] },
  { rule: '--until is inclusive: a signal at exactly --until applies', steps: [press(0), closed(30)], until: 30, expect: [{ status: 'billable', settledAt: iso(30) }] },
  { rule: '--until: signals after it are not applied', steps: [press(0), closed(31)], until: 30, expect: [{ status: 'open', succeededAt: null }] },
  { rule: '--until: a press after it opens nothing', steps: [press(31)], until: 30, expect: [] },
  {
    rule: '--until leaves a failed attempt failed, with the failed try’s reason',
    criteria: [{ retry_window: '2h', failure_reasons: REASONS_RULES }],
    steps: [press(0)],
    until: 90,
    expect: [{ status: 'failed', reason: 'insufficient_inputs', label: null, settledAt: null, billingPeriod: null, deadline: null }],
  },
  {
    rule: 'default (no --until) runs until everything settles, however far away (30d review)',
    criteria: [{ review_window: '30d' }],
    steps: [press(0), closed(5)],
    expect: [{ status: 'billable', settledAt: '2026-12-03T10:05:00.000Z', billingPeriod: '2026-12' }],
  },
  {
    rule: 'default (no --until): a failed attempt settles at the end of a 3d retry window',
    criteria: [{ retry_window: '3d' }],
    steps: [press(0)],
    expect: [{ status: 'not_billable', reason: 'latency_breach', settledAt: '2026-11-06T10:00:00.000Z' }],
  },
];

// ---- order of signals and of outcomes ---------------------------------------------------------

const ORDER_CRITERIA = [{ review_window: '1h', retry_window: '30m', cooldown: '2m', fail_if: FAIL_IF, exclude: EXCLUDE_TEST }];
/** Distinct event times within each record (ties are covered separately). */
const ORDER_STEPS: Step[] = [
  press(0, '1'),
  press(1, '1'),
  closed(5, '1'),
  reopened(10, '1'),
  press(15, '1'),
  closed(20, '1'),
  press(2, '2'),
  failSignal(7, '2'),
  put(9, { agent_status: 'ok' }, '2'),
  press(12, '2'),
  closed(70, '2'),
  press(3, '3'),
  put(4, { subject: 'test' }, '3'),
  reopened('2026-11-04T09:00:00Z', '1'),
  press('2026-11-04T10:00:00Z', '1'),
  press('2026-11-04T10:10:00Z', '1'),
];

function seededShuffle<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const permutations: { rule: string; order: (s: readonly Step[]) => Step[] }[] = [
  { rule: '§3 order: signals apply by event time whatever the input order (reversed)', order: (s) => [...s].reverse() },
  { rule: '§3 order: signals apply by event time whatever the input order (rotated)', order: (s) => [...s.slice(5), ...s.slice(0, 5)] },
  { rule: '§3 order: signals apply by event time whatever the input order (shuffle 1)', order: (s) => seededShuffle(s, 1) },
  { rule: '§3 order: signals apply by event time whatever the input order (shuffle 2)', order: (s) => seededShuffle(s, 2) },
  { rule: '§3 order: signals apply by event time whatever the input order (shuffle 3)', order: (s) => seededShuffle(s, 3) },
];

const ORDER_EXPECTED: Partial<OutcomeView>[] = [
  { outcomeId: `${keyOf('2026-11-03', '1')}#1`, status: 'billable', tries: 2, suppressed: 1, succeededAt: iso(20), settledAt: iso(80) },
  { outcomeId: `${keyOf('2026-11-03', '2')}#1`, status: 'billable', tries: 2, succeededAt: iso(70), settledAt: iso(130) },
  { outcomeId: `${keyOf('2026-11-03', '3')}#1`, status: 'not_billable', reason: 'excluded', label: 'test_record', settledAt: iso(4) },
  { outcomeId: `${keyOf('2026-11-04', '1')}#1`, status: 'not_billable', reason: 'latency_breach', tries: 2 },
];

const tieCases: Case[] = [
  {
    rule: '§3 order: ties at one instant apply in input order (success, then its reversal)',
    criteria: [{ review_window: '1h' }],
    steps: [press(0), closed(5), reopened(5)],
    expect: [{ status: 'not_billable', reason: 'reversed', succeededAt: iso(5), settledAt: iso(5) }],
  },
  {
    rule: '§3 order: ties at one instant apply in input order (reopen, then success)',
    criteria: [{ review_window: '1h' }],
    steps: [press(0), reopened(5), closed(5)],
    expect: [{ status: 'billable', succeededAt: iso(5), settledAt: iso(65) }],
  },
  {
    rule: '§3 order: earlier event times move ahead while ties keep their input order',
    criteria: [{ review_window: '1h' }],
    steps: [closed(5), press(0), reopened(5)],
    expect: [{ status: 'not_billable', reason: 'reversed', succeededAt: iso(5) }],
  },
  {
    rule: 'cli.md order: outcomes sorted by openedAt, then idempotencyKey (as text: "…:10:" before "…:1:"), then sequence number',
    steps: [press(10, '1'), press(0, '2'), press(0, '10'), press(0, '1'), press(20, '1')],
    until: 21,
    expect: [
      { outcomeId: `${keyOf('2026-11-03', '10')}#1` },
      { outcomeId: `${keyOf('2026-11-03', '1')}#1` },
      { outcomeId: `${keyOf('2026-11-03', '2')}#1` },
      { outcomeId: `${keyOf('2026-11-03', '1')}#2` },
      { outcomeId: `${keyOf('2026-11-03', '1')}#3` },
    ],
  },
  {
    rule: 'cli.md order: two attempts of one key opened at one instant are sorted by sequence number',
    criteria: [{ exclude: EXCLUDE_TEST }],
    records: [{ id: '1', properties: { subject: 'test' } }],
    steps: [press(0), press(0)],
    expect: [
      { outcomeId: `${K}#1`, status: 'not_billable', reason: 'excluded', openedAt: iso(0) },
      { outcomeId: `${K}#2`, status: 'not_billable', reason: 'excluded', openedAt: iso(0) },
    ],
  },
];

// ---- deletion, merge, restore ------------------------------------------------------------------

const GONE_REASONS = [{ if: 'hs_object_id IS UNKNOWN', reason: 'duplicate_or_merge_required' }];

const deletionCases: Case[] = [
  {
    rule: '§3 deletion (engine reads a record that no longer exists as having no known properties): an in-review success reverses',
    criteria: [{ review_window: '1h' }],
    steps: [press(0), closed(5), { at: 10, kind: 'deleted' }],
    expect: [{ status: 'not_billable', reason: 'reversed', succeededAt: iso(5), settledAt: iso(10) }],
  },
  {
    rule: '§3 deletion (no known properties): an open attempt cannot succeed while the record is deleted',
    steps: [press(0), { at: 5, kind: 'deleted' }, closed(10)],
    expect: [{ status: 'not_billable', reason: 'latency_breach', succeededAt: null, settledAt: iso(60) }],
  },
  {
    rule: '§3 deletion (no known properties): failure_reasons see the deleted record as unknown',
    criteria: [{ failure_reasons: GONE_REASONS }],
    records: [{ id: '1', properties: { hs_object_id: '1' } }],
    steps: [press(0), { at: 5, kind: 'deleted' }],
    expect: [{ status: 'not_billable', reason: 'duplicate_or_merge_required', settledAt: iso(60) }],
  },
  {
    rule: '§3 deletion (no known properties): an IS UNKNOWN exclusion matches, before the reversal',
    criteria: [{ review_window: '1h', exclude: [{ if: 'hs_object_id IS UNKNOWN', label: 'deleted' }] }],
    records: [{ id: '1', properties: { hs_object_id: '1' } }],
    steps: [press(0), closed(5), { at: 10, kind: 'deleted' }],
    expect: [{ status: 'not_billable', reason: 'excluded', label: 'deleted', settledAt: iso(10) }],
  },
  {
    rule: '§3 deletion (no known properties): a press whose when reads the deleted record is not a press',
    criteria: [{ trigger: WHEN }],
    records: [{ id: '1', properties: { agent_action: 'resolve' } }],
    steps: [{ at: 0, kind: 'deleted' }, press(5)],
    expect: [],
  },
  {
    rule: '§3 merge (merged-away record has no known properties): an in-review success reverses',
    criteria: [{ review_window: '1h' }],
    steps: [press(0), closed(5), { at: 10, mergedInto: '2' }],
    expect: [{ status: 'not_billable', reason: 'reversed', settledAt: iso(10) }],
  },
  {
    rule: '§3 merge (merged-away record has no known properties): failure reason from an IS UNKNOWN rule',
    criteria: [{ failure_reasons: GONE_REASONS }],
    records: [{ id: '1', properties: { hs_object_id: '1' } }],
    steps: [press(0), { at: 5, mergedInto: '2' }],
    expect: [{ status: 'not_billable', reason: 'duplicate_or_merge_required' }],
  },
  {
    rule: '§3 settlement: a deletion after the outcome settled billable changes nothing (only a dispute can)',
    steps: [press(0), closed(5), { at: 10, kind: 'deleted' }],
    expect: [{ status: 'billable', settledAt: iso(5) }],
  },
  {
    rule: '§3 merge: the surviving record (merged) keeps its properties',
    criteria: [{ review_window: '1h' }],
    steps: [press(0), closed(5), { at: 10, kind: 'merged' }],
    expect: [{ status: 'billable', settledAt: iso(65) }],
  },
  {
    rule: '§3 restore: properties (including changes while deleted) are visible again',
    steps: [press(0), { at: 5, kind: 'deleted' }, closed(10), { at: 15, kind: 'restored' }],
    expect: [{ status: 'billable', succeededAt: iso(15), settledAt: iso(15) }],
  },
];

// ---- audit trail ------------------------------------------------------------------------------

/** Time order, the pinned version on every entry, one `opened` first, and transitions chained once each. */
function assertTrail(o: Outcome): void {
  const ctx = o.outcomeId;
  expect(o.trail.length, ctx).toBeGreaterThan(0);
  expect(o.trail[0]!.type, ctx).toBe('opened');
  expect(o.trail[0]!.at, ctx).toBe(o.openedAt);
  expect(o.trail.filter((e) => e.type === 'opened').length, ctx).toBe(1);
  for (let i = 1; i < o.trail.length; i++) expect(o.trail[i]!.at, ctx).toBeGreaterThanOrEqual(o.trail[i - 1]!.at);
  for (const e of o.trail) expect(e.version, ctx).toBe(o.criteriaVersion);
  expect(o.trail.filter((e) => e.type === 'retry').length, ctx).toBe(o.tries - 1);
  expect(o.trail.filter((e) => e.type === 'suppressed').length, ctx).toBe(o.suppressed);
  expect(o.trail.filter((e) => e.type === 'duplicate').length, ctx).toBe(o.duplicates);
  const ts = transitions(o);
  let status = 'open';
  for (const t of ts) {
    expect(t.from, ctx).toBe(status);
    expect(t.to, ctx).not.toBe(t.from);
    status = t.to;
  }
  expect(status, ctx).toBe(o.status);
  const settling = ts.filter((t) => t.to === 'billable' || t.to === 'not_billable');
  expect(settling.length, ctx).toBeLessThanOrEqual(1);
  if (o.settledAt !== null) expect(settling[0]?.at, ctx).toBe(o.settledAt);
}

const trailScenarios: Case[] = [
  { rule: 'audit trail: the order scenario (retries, suppressed, reversal, exclusion, failure)', criteria: ORDER_CRITERIA, steps: ORDER_STEPS, expect: ORDER_EXPECTED },
  { rule: 'audit trail: cap, duplicates and review', criteria: [{ ...CAP1, review_window: '1h', retry_window: '30m' }], steps: [press(0), closed(5), press(10), press(40), reopened(41), closed(42)], expect: [{ duplicates: 1 }, { status: 'not_billable', reason: 'cap_reached' }] },
  {
    rule: 'audit trail: a v1 attempt’s entries carry version 1 after v2 takes effect',
    criteria: [{ retry_window: '2h', review_window: '1h' }, v2(5, { retry_window: '2h' })],
    steps: [press(0), press(30), closed(70), press(80)],
    expect: [{ criteriaVersion: 1, tries: 2, status: 'billable', duplicates: 1 }],
  },
  { rule: 'audit trail: failure, retry of the failed attempt, settlement at the retry-window end', criteria: [{ retry_window: '2h', fail_if: FAIL_IF }], steps: [press(0), failSignal(5), put(6, { agent_status: 'ok' }), press(10)], expect: [{ status: 'not_billable', reason: 'latency_breach', tries: 2, settledAt: iso(120) }] },
  { rule: 'audit trail: pending attempts under --until', criteria: [{ retry_window: '2h', review_window: '1h' }], steps: [press(0, '1'), closed(5, '1'), press(0, '2')], until: 61, expect: [{ status: 'in_review' }, { status: 'failed' }] },
  { rule: 'audit trail: deletion and restore', criteria: [{ review_window: '1h', retry_window: '30m' }], steps: [press(0), closed(5), { at: 10, kind: 'deleted' }, { at: 12, kind: 'restored' }, press(15)], expect: [{ status: 'billable', tries: 2, settledAt: iso(75) }] },
];

describe('outcome contract lifecycle', () => {
  describe('§1 defaults', () => it.each(defaults)('$rule', checkCase));
  describe('§3 press', () => it.each(pressCases)('$rule', checkCase));
  describe('§3 versions and pinning', () => it.each(versionCases)('$rule', checkCase));
  describe('§3 step 1 cooldown', () => it.each(cooldownCases)('$rule', checkCase));
  describe('§3 step 2 retry and duplicate', () => it.each(retryCases)('$rule', checkCase));
  describe('§3 step 3 and period buckets', () => it.each(bucketCases)('$rule', checkCase));
  describe('§3 re-check', () => it.each(recheckCases)('$rule', checkCase));
  describe('§3 cap', () => it.each(capCases)('$rule', checkCase));
  describe('§3 timers', () => it.each(timerCases)('$rule', checkCase));
  describe('--until', () => it.each(untilCases)('$rule', checkCase));
  describe('order', () => {
    it('§3 order: the scenario in event order gives the expected outcomes', () => {
      expect(outcomes(ORDER_STEPS, { criteria: criteriaSet(...ORDER_CRITERIA) })).toMatchObject(ORDER_EXPECTED);
    });
    it('cli.md summary: presses count suppressed presses and duplicates; attempts, successes, byReason', () => {
      const r = run(ORDER_STEPS, { criteria: criteriaSet(...ORDER_CRITERIA) });
      expect(r.summary).toMatchObject({ presses: 8, suppressed: 1, attempts: 4, successes: 2, billable: 2, byReason: { excluded: 1, latency_breach: 1 } });
    });
    it.each(permutations)('$rule', ({ order }) => {
      const criteria = criteriaSet(...ORDER_CRITERIA);
      expect(outcomes(order(ORDER_STEPS), { criteria })).toEqual(outcomes(ORDER_STEPS, { criteria }));
    });
    it.each(tieCases)('$rule', checkCase);
  });
  describe('deletion, merge, restore', () => it.each(deletionCases)('$rule', checkCase));
  describe('audit trail', () => {
    it.each(trailScenarios)('$rule', (c) => {
      checkCase(c);
      for (const o of simulateCase(c).outcomes) assertTrail(o);
    });
    it('audit trail: each transition of a reversed-then-retried outcome is recorded once, in order', () => {
      const r = simulateCase({ criteria: ORDER_CRITERIA, steps: ORDER_STEPS });
      const o = r.outcomes[0]!;
      expect(transitions(o).map((e) => [e.at, e.from, e.to, e.cause])).toEqual([
        [at(5), 'open', 'in_review', 'signal'],
        [at(10), 'in_review', 'failed', 'signal'],
        [at(15), 'failed', 'open', 'signal'],
        [at(20), 'open', 'in_review', 'signal'],
        [at(80), 'in_review', 'billable', 'review_end'],
      ]);
      expect(o.trail.map((e) => e.type)).toEqual(['opened', 'signal', 'suppressed', 'signal', 'signal', 'transition', 'signal', 'transition', 'retry', 'transition', 'signal', 'signal', 'transition', 'transition']);
    });
  });
});
