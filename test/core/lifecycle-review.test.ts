// Table-driven tests of the review part of the lifecycle (outcome-contract.md §3 re-check step 3,
// review timers) and of §4 reasons, with cli.md's outcome field rules (reason, label, settledAt, ...).
import { describe, expect, it } from 'vitest';
import { outcomeView } from '../../src/core/ledger-view.ts';
import type { OutcomeView } from '../../src/core/ledger-view.ts';
import type { SimulationResult } from '../../src/core/simulate.ts';
import { REASONS } from '../../src/core/types.ts';
import type { Reason } from '../../src/core/types.ts';
import { criteriaSet, iso, run } from '../support/scenario.ts';
import type { ScenarioOptions, Step } from '../support/scenario.ts';

const TRIGGER = 'agent_started_at';
const FAIL_IF = "agent_status = 'error'";
const APPROVE_IF = "billing_review = 'approved'";
const REJECT_IF = "billing_review = 'rejected'";
const REVIEW = { review_window: '1h' };

const rec = (record?: string): Partial<Step> => (record === undefined ? {} : { record });
const press = (t: string | number, record?: string): Step => ({ at: t, set: { [TRIGGER]: 'x' }, ...rec(record) });
const put = (t: string | number, props: Record<string, string>, record?: string): Step => ({ at: t, set: props, ...rec(record) });
const closed = (t: string | number, record?: string): Step => put(t, { stage: 'closed' }, record);
const reopened = (t: string | number, record?: string): Step => put(t, { stage: 'open' }, record);
const review = (t: string | number, value: string, record?: string): Step => put(t, { billing_review: value }, record);
const failSignal = (t: string | number, record?: string): Step => put(t, { agent_status: 'error' }, record);

interface Case {
  rule: string;
  criteria?: Record<string, unknown>[];
  records?: ScenarioOptions['records'];
  steps: Step[];
  until?: string | number;
  expect: Partial<OutcomeView>[];
}

function simulateCase(c: Case): SimulationResult {
  const opts: ScenarioOptions = { criteria: criteriaSet(...(c.criteria ?? [])) };
  if (c.records !== undefined) opts.records = c.records;
  if (c.until !== undefined) opts.until = c.until;
  return run(c.steps, opts);
}

function checkCase(c: Case): OutcomeView[] {
  const views = simulateCase(c).outcomes.map((o) => outcomeView(o));
  expect(views).toMatchObject(c.expect);
  return views;
}

// ---- §3 re-check step 3 and review timers -----------------------------------------------------

const reviewCases: Case[] = [
  {
    rule: '§3 recheck 2→3 in one pass: success and approve_if true on the same signal → billable at once',
    criteria: [{ ...REVIEW, approve_if: APPROVE_IF }],
    records: [{ id: '1', properties: { billing_review: 'approved' } }],
    steps: [press(0), closed(5)],
    expect: [{ status: 'billable', succeededAt: iso(5), settledAt: iso(5), billingPeriod: '2026-11' }],
  },
  {
    rule: '§3 recheck 2→3 in one pass: success and reject_if true on the same signal → human_review_fail at once',
    criteria: [{ ...REVIEW, reject_if: REJECT_IF }],
    records: [{ id: '1', properties: { billing_review: 'rejected' } }],
    steps: [press(0), closed(5)],
    expect: [{ status: 'not_billable', reason: 'human_review_fail', label: null, succeededAt: iso(5), settledAt: iso(5), billingPeriod: null }],
  },
  {
    rule: '§3 recheck 2→3 in one pass: success holding at the press with approve_if → billable at the press',
    criteria: [{ ...REVIEW, approve_if: APPROVE_IF }],
    records: [{ id: '1', properties: { stage: 'closed', billing_review: 'approved' } }],
    steps: [press(0)],
    expect: [{ status: 'billable', succeededAt: iso(0), settledAt: iso(0) }],
  },
  {
    rule: '§3 recheck 3: success no longer holding is checked before reject_if (reversed, not human_review_fail)',
    criteria: [{ ...REVIEW, reject_if: "stage = 'spam'" }],
    steps: [press(0), closed(5), put(10, { stage: 'spam' })],
    expect: [{ status: 'not_billable', reason: 'reversed', succeededAt: iso(5) }],
  },
  {
    rule: '§3 recheck 3: success no longer holding is checked before approve_if (reversed, not billable)',
    criteria: [{ ...REVIEW, approve_if: "stage = 'approved'" }],
    steps: [press(0), closed(5), put(10, { stage: 'approved' })],
    expect: [{ status: 'not_billable', reason: 'reversed', succeededAt: iso(5) }],
  },
  {
    rule: '§3 recheck 3: reject_if is checked before approve_if',
    criteria: [{ ...REVIEW, approve_if: 'reviewer IS KNOWN', reject_if: REJECT_IF }],
    records: [{ id: '1', properties: { reviewer: 'ann', billing_review: 'rejected' } }],
    steps: [press(0), closed(5)],
    expect: [{ status: 'not_billable', reason: 'human_review_fail' }],
  },
  {
    rule: '§3 recheck 2: success with review_window > 0 → in_review until t + review_window',
    criteria: [{ ...REVIEW, approve_if: APPROVE_IF, reject_if: REJECT_IF }],
    steps: [press(0), closed(5)],
    until: 10,
    expect: [{ status: 'in_review', succeededAt: iso(5), reviewEndsAt: iso(65), deadline: null, settledAt: null, billingPeriod: null, reason: null, label: null }],
  },
  {
    rule: '§3 recheck 3: success no longer holds → failed, reason reversed (pending while the retry window runs)',
    criteria: [{ ...REVIEW, retry_window: '30m' }],
    steps: [press(0), closed(5), reopened(10)],
    until: 20,
    expect: [{ status: 'failed', reason: 'reversed', succeededAt: iso(5), settledAt: null, reviewEndsAt: null, billingPeriod: null }],
  },
  {
    rule: '§3 recheck 3: a reversal is reason reversed even when a failure_reasons rule matches (documented reading)',
    criteria: [{ ...REVIEW, failure_reasons: [{ if: 'company IS UNKNOWN', reason: 'insufficient_inputs' }] }],
    steps: [press(0), closed(5), reopened(10)],
    expect: [{ status: 'not_billable', reason: 'reversed', settledAt: iso(10) }],
  },
  {
    rule: '§3 recheck 3: a reversal settles at the retry-window end keeping reason reversed',
    criteria: [{ ...REVIEW, retry_window: '30m' }],
    steps: [press(0), closed(5), reopened(10)],
    expect: [{ status: 'not_billable', reason: 'reversed', succeededAt: iso(5), settledAt: iso(30) }],
  },
  {
    rule: '§3 recheck 3: a reversal after the retry window ended settles at once (retry_window 0)',
    criteria: [REVIEW],
    steps: [press(0), closed(5), reopened(10)],
    until: 10,
    expect: [{ status: 'not_billable', reason: 'reversed', succeededAt: iso(5), settledAt: iso(10) }],
  },
  {
    rule: '§3 recheck 3: reversed, retried, succeeds again → succeededAt is the latest success, a new review',
    criteria: [{ ...REVIEW, retry_window: '30m' }],
    steps: [press(0), closed(5), reopened(10), press(15), closed(20)],
    expect: [{ status: 'billable', tries: 2, reason: null, succeededAt: iso(20), settledAt: iso(80) }],
  },
  {
    rule: '§3 recheck 3: a reversed (failed) attempt is not approved by approve_if',
    criteria: [{ ...REVIEW, retry_window: '30m', approve_if: APPROVE_IF }],
    steps: [press(0), closed(5), reopened(10), closed(11), review(12, 'approved')],
    expect: [{ status: 'not_billable', reason: 'reversed', settledAt: iso(30) }],
  },
  {
    rule: '§3 recheck 3: reject_if during review → not_billable human_review_fail, succeededAt kept',
    criteria: [{ ...REVIEW, reject_if: REJECT_IF }],
    steps: [press(0), closed(5), review(10, 'rejected')],
    expect: [{ status: 'not_billable', reason: 'human_review_fail', succeededAt: iso(5), settledAt: iso(10) }],
  },
  {
    rule: '§3 recheck 3: approve_if during review → billable at once',
    criteria: [{ ...REVIEW, approve_if: APPROVE_IF }],
    steps: [press(0), closed(5), review(10, 'approved')],
    expect: [{ status: 'billable', succeededAt: iso(5), settledAt: iso(10), billingPeriod: '2026-11' }],
  },
  {
    rule: '§3 recheck 3: a signal during review that keeps success holding changes nothing',
    criteria: [{ ...REVIEW, approve_if: APPROVE_IF, reject_if: REJECT_IF }],
    steps: [press(0), closed(5), review(10, 'pending'), put(20, { subject: 'x' })],
    until: 30,
    expect: [{ status: 'in_review', reviewEndsAt: iso(65) }],
  },
  {
    rule: '§3 recheck 2: fail_if is not checked during review',
    criteria: [{ ...REVIEW, fail_if: FAIL_IF }],
    steps: [press(0), closed(5), failSignal(10)],
    expect: [{ status: 'billable', settledAt: iso(65) }],
  },
  {
    rule: '§3 timers: review end with on_timeout confirm → billable, billed in the period of the review end',
    criteria: [REVIEW],
    steps: [press('2026-11-30T23:20:00Z'), closed('2026-11-30T23:30:00Z')],
    expect: [{ status: 'billable', succeededAt: '2026-11-30T23:30:00.000Z', settledAt: '2026-12-01T00:30:00.000Z', billingPeriod: '2026-12' }],
  },
  {
    rule: '§3 timers: review end with on_timeout reject → not_billable human_review_fail',
    criteria: [{ ...REVIEW, on_timeout: 'reject' }],
    steps: [press(0), closed(5)],
    expect: [{ status: 'not_billable', reason: 'human_review_fail', succeededAt: iso(5), settledAt: iso(65), billingPeriod: null }],
  },
  {
    rule: '§3 timers: signals before timers at one instant: a reversal at the review end wins over confirm',
    criteria: [REVIEW],
    steps: [press(0), closed(5), reopened(65)],
    expect: [{ status: 'not_billable', reason: 'reversed', settledAt: iso(65) }],
  },
  {
    rule: '§3 timers: signals before timers at one instant: reject_if at the review end wins over confirm',
    criteria: [{ ...REVIEW, reject_if: REJECT_IF }],
    steps: [press(0), closed(5), review(65, 'rejected')],
    expect: [{ status: 'not_billable', reason: 'human_review_fail', settledAt: iso(65) }],
  },
  {
    rule: '§3 timers: signals before timers at one instant: approve_if at the review end wins over on_timeout reject',
    criteria: [{ ...REVIEW, on_timeout: 'reject', approve_if: APPROVE_IF }],
    steps: [press(0), closed(5), review(65, 'approved')],
    expect: [{ status: 'billable', settledAt: iso(65) }],
  },
  {
    rule: '§3 timers: a signal just after the review end comes too late',
    criteria: [{ ...REVIEW, reject_if: REJECT_IF }],
    steps: [press(0), closed(5), review('2026-11-03T11:05:00.001Z', 'rejected')],
    expect: [{ status: 'billable', settledAt: iso(65) }],
  },
  {
    rule: '--until is inclusive for review ends: confirmed at exactly --until',
    criteria: [REVIEW],
    steps: [press(0), closed(5)],
    until: 65,
    expect: [{ status: 'billable', settledAt: iso(65) }],
  },
];

// ---- §4 reasons -------------------------------------------------------------------------------

/** cli.md: reason for not_billable (and failed), else null; label only with excluded. */
function assertReasonFields(r: SimulationResult, views: readonly OutcomeView[]): void {
  const byReason: Partial<Record<Reason, number>> = {};
  for (const v of views) {
    if (v.status === 'not_billable') {
      expect(REASONS, v.outcomeId).toContain(v.reason);
      byReason[v.reason!] = (byReason[v.reason!] ?? 0) + 1;
      if (v.reason === 'excluded') expect(v.label, v.outcomeId).toEqual(expect.any(String));
      else expect(v.label, v.outcomeId).toBeNull();
    } else if (v.status === 'failed') {
      expect(REASONS, v.outcomeId).toContain(v.reason);
      expect(v.label, v.outcomeId).toBeNull();
    } else {
      expect(v.reason, v.outcomeId).toBeNull();
      expect(v.label, v.outcomeId).toBeNull();
    }
  }
  expect(r.summary.byReason).toEqual(byReason);
}

const DEADLINE_RULES = [{ if: 'company IS UNKNOWN', reason: 'insufficient_inputs' }];
const FAIL_RULES = [
  { if: "agent_error = 'crm_policy'", reason: 'policy_block' },
  { if: "agent_error = 'api_down'", reason: 'third_party_failure' },
  { if: "agent_error = 'needs_human'", reason: 'human_review_fail' },
];

const reasonCases: Case[] = [
  {
    rule: '§4 one reason per not-billable outcome: insufficient_inputs (failure_reasons at the deadline)',
    criteria: [{ failure_reasons: DEADLINE_RULES }],
    steps: [press(0)],
    expect: [{ status: 'not_billable', reason: 'insufficient_inputs', label: null }],
  },
  {
    rule: '§4 one reason per not-billable outcome: policy_block (failure_reasons on fail_if)',
    criteria: [{ fail_if: FAIL_IF, failure_reasons: FAIL_RULES }],
    steps: [press(0), put(1, { agent_error: 'crm_policy', agent_status: 'error' })],
    expect: [{ status: 'not_billable', reason: 'policy_block', label: null }],
  },
  {
    rule: '§4 one reason per not-billable outcome: third_party_failure',
    criteria: [{ fail_if: FAIL_IF, failure_reasons: FAIL_RULES }],
    steps: [press(0), put(1, { agent_error: 'api_down', agent_status: 'error' })],
    expect: [{ status: 'not_billable', reason: 'third_party_failure', label: null }],
  },
  {
    rule: '§4 one reason per not-billable outcome: human_review_fail named by a failure_reasons rule',
    criteria: [{ fail_if: FAIL_IF, failure_reasons: FAIL_RULES }],
    steps: [press(0), put(1, { agent_error: 'needs_human', agent_status: 'error' })],
    expect: [{ status: 'not_billable', reason: 'human_review_fail', label: null }],
  },
  {
    rule: '§4 one reason per not-billable outcome: duplicate_or_merge_required (merged away)',
    criteria: [{ failure_reasons: [{ if: 'hs_object_id IS UNKNOWN', reason: 'duplicate_or_merge_required' }] }],
    records: [{ id: '1', properties: { hs_object_id: '1' } }],
    steps: [press(0), { at: 5, mergedInto: '2' }],
    expect: [{ status: 'not_billable', reason: 'duplicate_or_merge_required', label: null }],
  },
  { rule: '§4 one reason per not-billable outcome: latency_breach', steps: [press(0)], expect: [{ status: 'not_billable', reason: 'latency_breach', label: null }] },
  {
    rule: '§4 one reason per not-billable outcome: human_review_fail (reject_if)',
    criteria: [{ ...REVIEW, reject_if: REJECT_IF }],
    steps: [press(0), closed(1), review(2, 'rejected')],
    expect: [{ status: 'not_billable', reason: 'human_review_fail', label: null }],
  },
  {
    rule: '§4 one reason per not-billable outcome: human_review_fail (on_timeout reject)',
    criteria: [{ ...REVIEW, on_timeout: 'reject' }],
    steps: [press(0), closed(1)],
    expect: [{ status: 'not_billable', reason: 'human_review_fail', label: null }],
  },
  {
    rule: '§4 one reason per not-billable outcome: reversed',
    criteria: [REVIEW],
    steps: [press(0), closed(1), reopened(2)],
    expect: [{ status: 'not_billable', reason: 'reversed', label: null }],
  },
  {
    rule: '§4 one reason per not-billable outcome: excluded, with its label',
    criteria: [{ exclude: [{ if: "email ENDS WITH '@test.example'", label: 'test_record' }] }],
    steps: [press(0), put(1, { email: 'a@TEST.example' })],
    expect: [{ status: 'not_billable', reason: 'excluded', label: 'test_record' }],
  },
  {
    rule: '§4 one reason per not-billable outcome: cap_reached',
    criteria: [{ cap: { max: 1, per: 'record', period: 'day' } }],
    steps: [press(0), closed(1), reopened(2), press(10), closed(11)],
    expect: [{ status: 'billable', reason: null }, { status: 'not_billable', reason: 'cap_reached', label: null }],
  },
  {
    rule: '§4 one reason per not-billable outcome: unclassified (fail_if, no rule matched)',
    criteria: [{ fail_if: FAIL_IF, failure_reasons: FAIL_RULES }],
    steps: [press(0), failSignal(1)],
    expect: [{ status: 'not_billable', reason: 'unclassified', label: null }],
  },
  {
    rule: '§4 label only for excluded: a human_review_fail after an exclusion rule existed has no label',
    criteria: [{ ...REVIEW, reject_if: REJECT_IF, exclude: [{ if: "subject = 'spam'", label: 'spam' }] }],
    steps: [press(0, '1'), closed(1, '1'), review(2, 'rejected', '1'), press(0, '2'), put(1, { subject: 'spam' }, '2')],
    expect: [
      { recordId: '1', reason: 'human_review_fail', label: null },
      { recordId: '2', reason: 'excluded', label: 'spam' },
    ],
  },
  {
    rule: '§4 reasons: billable, open and in_review outcomes carry no reason and no label',
    criteria: [{ ...REVIEW, approve_if: APPROVE_IF, exclude: [{ if: "subject = 'spam'", label: 'spam' }] }],
    steps: [press(0, '1'), closed(1, '1'), press(0, '2'), press(0, '3'), closed(1, '3'), put(2, { subject: 'ok' }, '3'), review(3, 'approved', '3')],
    until: 30,
    expect: [
      { recordId: '1', status: 'in_review', reason: null, label: null },
      { recordId: '2', status: 'open', reason: null, label: null },
      { recordId: '3', status: 'billable', reason: null, label: null },
    ],
  },
];

const failedReasonCases: Case[] = [
  {
    rule: '§4 failed (under --until) shows the failed try’s reason: latency_breach',
    criteria: [{ retry_window: '2h' }],
    steps: [press(0)],
    until: 61,
    expect: [{ status: 'failed', reason: 'latency_breach', label: null, settledAt: null }],
  },
  {
    rule: '§4 failed (under --until) shows the failed try’s reason: classified at the deadline',
    criteria: [{ retry_window: '2h', failure_reasons: DEADLINE_RULES }],
    steps: [press(0)],
    until: 61,
    expect: [{ status: 'failed', reason: 'insufficient_inputs' }],
  },
  {
    rule: '§4 failed (under --until) shows the failed try’s reason: classified fail_if',
    criteria: [{ retry_window: '2h', fail_if: FAIL_IF, failure_reasons: FAIL_RULES }],
    steps: [press(0), put(1, { agent_error: 'crm_policy', agent_status: 'error' })],
    until: 2,
    expect: [{ status: 'failed', reason: 'policy_block' }],
  },
  {
    rule: '§4 failed (under --until) shows the failed try’s reason: unclassified',
    criteria: [{ retry_window: '2h', fail_if: FAIL_IF }],
    steps: [press(0), failSignal(1)],
    until: 2,
    expect: [{ status: 'failed', reason: 'unclassified' }],
  },
  {
    rule: '§4 failed (under --until) shows the failed try’s reason: reversed',
    criteria: [{ ...REVIEW, retry_window: '2h' }],
    steps: [press(0), closed(1), reopened(2)],
    until: 3,
    expect: [{ status: 'failed', reason: 'reversed', succeededAt: iso(1) }],
  },
  {
    rule: '§4 a retry clears the failed try’s reason (open again, reason null)',
    criteria: [{ retry_window: '2h', fail_if: FAIL_IF }],
    steps: [press(0), failSignal(1), put(2, { agent_status: 'ok' }), press(3)],
    until: 4,
    expect: [{ status: 'open', reason: null, tries: 2 }],
  },
  {
    rule: '§4 the settled reason is the latest failed try’s (first try fail_if, second try latency)',
    criteria: [{ retry_window: '2h', fail_if: FAIL_IF }],
    steps: [press(0), failSignal(1), put(2, { agent_status: 'ok' }), press(3)],
    expect: [{ status: 'not_billable', reason: 'latency_breach', tries: 2, settledAt: iso(120) }],
  },
];

const ALL_REASONS: readonly string[] = REASONS;
const onlyTaxonomy = [
  ...['insufficient_inputs', 'policy_block', 'third_party_failure', 'duplicate_or_merge_required', 'latency_breach', 'human_review_fail'].map((reason) => ({
    rule: `§4 failure_reasons may use the attempt taxonomy: ${reason}`,
    reason,
    ok: true,
  })),
  ...['reversed', 'excluded', 'cap_reached', 'unclassified'].map((reason) => ({
    rule: `§4 failure_reasons may use only the first six codes: ${reason} is refused`,
    reason,
    ok: false,
  })),
];

describe('outcome contract lifecycle: review and reasons', () => {
  describe('§3 review (re-check step 3, review timers)', () => it.each(reviewCases)('$rule', (c) => void checkCase(c)));
  describe('§4 reasons', () => {
    it.each([...reasonCases, ...failedReasonCases])('$rule', (c) => {
      const views = checkCase(c);
      assertReasonFields(simulateCase(c), views);
    });
    it('§4 the reason list is the contract’s ten codes', () => {
      expect([...ALL_REASONS].sort()).toEqual(
        [
          'insufficient_inputs',
          'policy_block',
          'third_party_failure',
          'duplicate_or_merge_required',
          'latency_breach',
          'human_review_fail',
          'reversed',
          'excluded',
          'cap_reached',
          'unclassified',
        ].sort(),
      );
    });
    it.each(onlyTaxonomy)('$rule', ({ reason, ok }) => {
      const build = () => criteriaSet({ fail_if: FAIL_IF, failure_reasons: [{ if: 'agent_error IS KNOWN', reason }] });
      if (ok) expect(build).not.toThrow();
      else expect(build).toThrow(/failure_reasons/);
    });
  });
});
